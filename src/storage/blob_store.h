// BlobStore: content-addressed storage of package bytes. A key is the lowercase hex SHA-256 of
// the bytes (64 characters); anything else is rejected with kInvalidArgument before it reaches a
// path or an object name. Blobs never change once stored, and a reader never sees a partial blob.
// Implementations are thread-safe. BlobHandle owns an open file descriptor (move-only).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::storage {

inline constexpr size_t kBlobKeyLength = 64;

bool IsValidBlobKey(std::string_view key);
Status CheckBlobKey(std::string_view key);
// The key of `bytes`.
std::string BlobKeyOf(std::string_view bytes);

// An open, readable file descriptor positioned at offset 0, and the blob's size. Closes the
// descriptor on destruction; Release() hands it over (e.g. to the HTTP layer for sendfile).
class BlobHandle {
 public:
  BlobHandle() = default;
  BlobHandle(int fd, uint64_t size) : fd_(fd), size_(size) {}
  BlobHandle(BlobHandle&& other) noexcept;
  BlobHandle& operator=(BlobHandle&& other) noexcept;
  BlobHandle(const BlobHandle&) = delete;
  BlobHandle& operator=(const BlobHandle&) = delete;
  ~BlobHandle();

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  bool valid() const { return fd_ >= 0; }
  int Release();

 private:
  void Close();

  int fd_ = -1;
  uint64_t size_ = 0;
};

struct BlobInfo {
  std::string key{};
  uint64_t size = 0;
  int64_t modified_at = 0;  // seconds since the epoch; refreshed by an idempotent Put

  bool operator==(const BlobInfo&) const = default;
};

class BlobStore {
 public:
  BlobStore() = default;
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;
  BlobStore(BlobStore&&) = delete;
  BlobStore& operator=(BlobStore&&) = delete;
  virtual ~BlobStore() = default;

  // Takes the regular file at `path`, which the caller has finished writing (and closed), and
  // returns its key. On success the file no longer exists at `path` (it was moved in, or copied
  // and removed, or dropped because the blob was already stored); on error it is left in place.
  // Storing bytes that are already present is not an error and returns the same key.
  virtual Result<std::string> Put(const std::string& path) = 0;
  virtual Result<std::string> PutBytes(std::string_view bytes) = 0;

  virtual Result<BlobHandle> Open(std::string_view key) = 0;
  // The whole blob; kLimitExceeded when it is larger than `max_bytes`.
  virtual Result<std::string> Read(std::string_view key, uint64_t max_bytes) = 0;
  virtual Result<bool> Exists(std::string_view key) = 0;
  // kNotFound when absent.
  virtual Status Delete(std::string_view key) = 0;
  // Every stored blob, sorted by key; for garbage collection (which should spare young blobs:
  // a Put precedes the metadata row that references it).
  virtual Result<std::vector<BlobInfo>> List() = 0;
};

}  // namespace apkd::storage
