#include "storage/fs_blob_store.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/digest.h"
#include "util/encoding.h"

namespace apkd::storage {
namespace {

constexpr mode_t kBlobMode = 0444;
constexpr size_t kCopyBufferBytes = size_t{1} << 16;
constexpr size_t kFanoutChars = 2;
constexpr const char* kHexDigits = "0123456789abcdef";

Error ErrnoError(std::string_view what, const std::string& path, int err) {
  const ErrorCode code = err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError;
  return MakeError(code, std::string(what) + " " + path + ": " + std::strerror(err));
}

Error FsError(std::string_view what, const std::string& path, const std::error_code& ec) {
  return MakeError(ErrorCode::kIoError, std::string(what) + " " + path + ": " + ec.message());
}

class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ScopedFd(ScopedFd&&) = delete;
  ScopedFd& operator=(ScopedFd&&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }
  // Closes now, reporting the error close() may carry (delayed write errors).
  Status Close(const std::string& path) {
    if (::close(std::exchange(fd_, -1)) != 0) {
      return ErrnoError("closing", path, errno);
    }
    return OkStatus();
  }

 private:
  int fd_;
};

std::string DirName(const std::string& path) { return path.substr(0, path.rfind('/')); }

Status FsyncDir(const std::string& dir) {
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    return ErrnoError("opening directory", dir, errno);
  }
  if (::fsync(fd.get()) != 0) {
    return ErrnoError("fsync of directory", dir, errno);
  }
  return OkStatus();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoError("writing", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

struct Digested {
  std::string key;
  uint64_t size = 0;
};

// Reads `in_fd` to its end, hashing, and copies the bytes to `out_fd` unless it is negative.
Result<Digested> HashStream(int in_fd, const std::string& in_path, int out_fd,
                            const std::string& out_path) {
  crypto::Hasher hasher(crypto::DigestAlgorithm::kSha256);
  std::array<char, kCopyBufferBytes> buffer{};
  uint64_t total = 0;
  while (true) {
    const ssize_t n = ::read(in_fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoError("reading", in_path, errno);
    }
    if (n == 0) {
      break;
    }
    const std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    hasher.Update(chunk);
    if (out_fd >= 0) {
      APKD_RETURN_IF_ERROR(WriteAll(out_fd, chunk, out_path));
    }
    total += static_cast<uint64_t>(n);
  }
  return Digested{HexEncode(hasher.Finish()), total};
}

// Makes a finished temp file durable and read-only before it is renamed into place.
Status SealTempFile(int fd, const std::string& path) {
  if (::fsync(fd) != 0) {
    return ErrnoError("fsync", path, errno);
  }
  if (::fchmod(fd, kBlobMode) != 0) {
    return ErrnoError("chmod", path, errno);
  }
  return OkStatus();
}

Status CreateDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return FsError("creating directory", path, ec);
  }
  return OkStatus();
}

// Removes everything left in the temp directory by an earlier process (crash mid-Put).
Status EmptyDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code remove_ec;
    std::filesystem::remove_all(it->path(), remove_ec);
    if (remove_ec) {
      return FsError("removing", it->path().string(), remove_ec);
    }
  }
  if (ec) {
    return FsError("listing", dir, ec);
  }
  return OkStatus();
}

}  // namespace

FsBlobStore::FsBlobStore(std::string root)
    : root_(std::move(root)), blob_dir_(root_ + "/sha256"), temp_dir_(root_ + "/tmp") {}

Result<std::unique_ptr<FsBlobStore>> FsBlobStore::OpenAt(const std::string& root) {
  std::string clean = root;
  while (clean.size() > 1 && clean.back() == '/') {
    clean.pop_back();
  }
  if (clean.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "blob store root is empty");
  }
  std::unique_ptr<FsBlobStore> store(new FsBlobStore(clean));
  APKD_RETURN_IF_ERROR(CreateDir(store->blob_dir_));
  APKD_RETURN_IF_ERROR(CreateDir(store->temp_dir_));
  APKD_RETURN_IF_ERROR(EmptyDir(store->temp_dir_));
  APKD_RETURN_IF_ERROR(FsyncDir(store->blob_dir_));
  APKD_RETURN_IF_ERROR(FsyncDir(store->root_));
  return store;
}

std::string FsBlobStore::PathForKey(std::string_view key) const {
  std::string path = blob_dir_;
  path += '/';
  path += key.substr(0, kFanoutChars);
  path += '/';
  path += key.substr(kFanoutChars);
  return path;
}

Status FsBlobStore::Commit(const std::string& temp_path, const std::string& key, uint64_t size) {
  const std::string final_path = PathForKey(key);
  struct stat st {};
  if (::lstat(final_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) == size) {
    // Already stored. Refresh the time so that garbage collection treats it as new again.
    ::unlink(temp_path.c_str());
    ::utimensat(AT_FDCWD, final_path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
    return OkStatus();
  }
  // Absent (or damaged: wrong size or type), so (re)place it atomically.
  const std::string fanout_dir = DirName(final_path);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    if (errno != ENOENT) {
      return ErrnoError("renaming into", final_path, errno);
    }
    // First blob with this prefix: make its directory durable, then retry.
    if (::mkdir(fanout_dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoError("creating directory", fanout_dir, errno);
    }
    APKD_RETURN_IF_ERROR(FsyncDir(blob_dir_));
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
      return ErrnoError("renaming into", final_path, errno);
    }
  }
  return FsyncDir(fanout_dir);
}

Result<std::string> FsBlobStore::AdoptMoved(const std::string& temp_path) {
  ScopedFd fd(::open(temp_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    return ErrnoError("opening", temp_path, errno);
  }
  APKD_ASSIGN_OR_RETURN(Digested digest, HashStream(fd.get(), temp_path, -1, ""));
  APKD_RETURN_IF_ERROR(SealTempFile(fd.get(), temp_path));
  APKD_RETURN_IF_ERROR(Commit(temp_path, digest.key, digest.size));
  return digest.key;
}

Result<std::string> FsBlobStore::CopyIn(const std::string& source, int temp_fd_raw,
                                        const std::string& temp_path) {
  ScopedFd temp_fd(temp_fd_raw);
  ScopedFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) {
    return ErrnoError("opening", source, errno);
  }
  APKD_ASSIGN_OR_RETURN(Digested digest, HashStream(in.get(), source, temp_fd.get(), temp_path));
  APKD_RETURN_IF_ERROR(SealTempFile(temp_fd.get(), temp_path));
  APKD_RETURN_IF_ERROR(temp_fd.Close(temp_path));
  APKD_RETURN_IF_ERROR(Commit(temp_path, digest.key, digest.size));
  if (::unlink(source.c_str()) != 0 && errno != ENOENT) {
    return ErrnoError("removing", source, errno);
  }
  return digest.key;
}

Result<std::string> FsBlobStore::Put(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return ErrnoError("stat of", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, path + " is not a regular file");
  }
  std::string temp_path = temp_dir_ + "/put-XXXXXX";
  ScopedFd temp_fd(::mkstemp(temp_path.data()));
  if (temp_fd.get() < 0) {
    return ErrnoError("creating a temporary file in", temp_dir_, errno);
  }
  if (::rename(path.c_str(), temp_path.c_str()) == 0) {
    // Same filesystem: the file itself becomes the blob, hashed where nobody else names it.
    Result<std::string> key = AdoptMoved(temp_path);
    if (!key.ok()) {
      ::rename(temp_path.c_str(), path.c_str());  // best effort: give the file back
    }
    return key;
  }
  if (errno != EXDEV) {
    const int err = errno;
    ::unlink(temp_path.c_str());
    return ErrnoError("moving into the blob store:", path, err);
  }
  // Another filesystem: copy while hashing, then remove the source.
  Result<std::string> key = CopyIn(path, temp_fd.Release(), temp_path);
  if (!key.ok()) {
    ::unlink(temp_path.c_str());
  }
  return key;
}

Result<std::string> FsBlobStore::PutBytes(std::string_view bytes) {
  const std::string key = BlobKeyOf(bytes);
  std::string temp_path = temp_dir_ + "/put-XXXXXX";
  ScopedFd fd(::mkstemp(temp_path.data()));
  if (fd.get() < 0) {
    return ErrnoError("creating a temporary file in", temp_dir_, errno);
  }
  Status status = WriteAll(fd.get(), bytes, temp_path);
  if (status.ok()) {
    status = SealTempFile(fd.get(), temp_path);
  }
  if (status.ok()) {
    status = fd.Close(temp_path);
  }
  if (status.ok()) {
    status = Commit(temp_path, key, bytes.size());
  }
  if (!status.ok()) {
    ::unlink(temp_path.c_str());
    return status.error();
  }
  return key;
}

Result<BlobHandle> FsBlobStore::Open(std::string_view key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(key));
  const std::string path = PathForKey(key);
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    return ErrnoError("opening blob", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return ErrnoError("stat of", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kCorrupt, path + " is not a regular file");
  }
  return BlobHandle(fd.Release(), static_cast<uint64_t>(st.st_size));
}

Result<std::string> FsBlobStore::Read(std::string_view key, uint64_t max_bytes) {
  APKD_ASSIGN_OR_RETURN(BlobHandle handle, Open(key));
  if (handle.size() > max_bytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "blob is larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string out(static_cast<size_t>(handle.size()), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(handle.fd(), out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return MakeError(ErrorCode::kIoError, "reading blob " + PathForKey(key) + ": " +
                                                (n < 0 ? std::strerror(errno) : "short read"));
    }
    done += static_cast<size_t>(n);
  }
  return out;
}

Result<bool> FsBlobStore::Exists(std::string_view key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(key));
  const std::string path = PathForKey(key);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    return S_ISREG(st.st_mode);
  }
  if (errno == ENOENT) {
    return false;
  }
  return ErrnoError("stat of", path, errno);
}

Status FsBlobStore::Delete(std::string_view key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(key));
  const std::string path = PathForKey(key);
  if (::unlink(path.c_str()) != 0) {
    return ErrnoError("removing blob", path, errno);
  }
  return FsyncDir(DirName(path));
}

Result<std::vector<BlobInfo>> FsBlobStore::List() {
  std::vector<BlobInfo> blobs;
  for (const char hi : std::string_view(kHexDigits)) {
    for (const char lo : std::string_view(kHexDigits)) {
      const std::string prefix{hi, lo};
      const std::string dir = blob_dir_ + "/" + prefix;
      std::error_code ec;
      std::filesystem::directory_iterator it(dir, ec);
      if (ec == std::errc::no_such_file_or_directory) {
        continue;  // fan-out directories are created with their first blob
      }
      const size_t first = blobs.size();
      for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::string key = prefix + it->path().filename().string();
        struct stat st {};
        if (!IsValidBlobKey(key) || ::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
          continue;  // not ours (or removed meanwhile)
        }
        blobs.push_back({key, static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec});
      }
      if (ec) {
        return FsError("listing", dir, ec);
      }
      std::sort(blobs.begin() + static_cast<std::ptrdiff_t>(first), blobs.end(),
                [](const BlobInfo& a, const BlobInfo& b) { return a.key < b.key; });
    }
  }
  return blobs;
}

}  // namespace apkd::storage
