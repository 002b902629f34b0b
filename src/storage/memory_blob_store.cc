#include "storage/memory_blob_store.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_io.h"

namespace apkd::storage {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error NotFound() { return MakeError(ErrorCode::kNotFound, "blob not found"); }

}  // namespace

Result<std::string> MemoryBlobStore::Put(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                     "stat of " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, path + " is not a regular file");
  }
  APKD_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  APKD_ASSIGN_OR_RETURN(std::string key, PutBytes(bytes));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return MakeError(ErrorCode::kIoError, "removing " + path + ": " + std::strerror(errno));
  }
  return key;
}

Result<std::string> MemoryBlobStore::PutBytes(std::string_view bytes) {
  std::string key = BlobKeyOf(bytes);
  const std::lock_guard lock(mutex_);
  Blob& blob = blobs_[key];
  blob.bytes = bytes;
  blob.modified_at = NowSeconds();
  return key;
}

Result<std::string> MemoryBlobStore::Copy(std::string_view key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(key));
  const std::lock_guard lock(mutex_);
  const auto it = blobs_.find(key);
  if (it == blobs_.end()) {
    return NotFound();
  }
  return it->second.bytes;
}

Result<BlobHandle> MemoryBlobStore::Open(std::string_view key) {
  APKD_ASSIGN_OR_RETURN(std::string bytes, Copy(key));
  BlobHandle handle(::memfd_create("apkd-blob", MFD_CLOEXEC), bytes.size());
  if (!handle.valid()) {
    return MakeError(ErrorCode::kIoError, std::string("memfd_create: ") + std::strerror(errno));
  }
  std::string_view rest = bytes;
  while (!rest.empty()) {
    const ssize_t n = ::write(handle.fd(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return MakeError(ErrorCode::kIoError, std::string("writing memfd: ") + std::strerror(errno));
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::lseek(handle.fd(), 0, SEEK_SET) != 0) {
    return MakeError(ErrorCode::kIoError, std::string("seeking memfd: ") + std::strerror(errno));
  }
  return handle;
}

Result<std::string> MemoryBlobStore::Read(std::string_view key, uint64_t max_bytes) {
  APKD_ASSIGN_OR_RETURN(std::string bytes, Copy(key));
  if (bytes.size() > max_bytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "blob is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return bytes;
}

Result<bool> MemoryBlobStore::Exists(std::string_view key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(key));
  const std::lock_guard lock(mutex_);
  return blobs_.find(key) != blobs_.end();
}

Status MemoryBlobStore::Delete(std::string_view key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(key));
  const std::lock_guard lock(mutex_);
  const auto it = blobs_.find(key);
  if (it == blobs_.end()) {
    return NotFound();
  }
  blobs_.erase(it);
  return OkStatus();
}

Result<std::vector<BlobInfo>> MemoryBlobStore::List() {
  const std::lock_guard lock(mutex_);
  std::vector<BlobInfo> out;
  out.reserve(blobs_.size());
  for (const auto& [key, blob] : blobs_) {
    out.push_back({key, blob.bytes.size(), blob.modified_at});
  }
  return out;
}

}  // namespace apkd::storage
