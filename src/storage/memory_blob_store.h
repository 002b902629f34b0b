// MemoryBlobStore: a BlobStore in process memory, for tests of higher layers. Open() returns a
// memfd holding a copy of the bytes. Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "storage/blob_store.h"

namespace apkd::storage {

class MemoryBlobStore final : public BlobStore {
 public:
  MemoryBlobStore() = default;

  Result<std::string> Put(const std::string& path) override;
  Result<std::string> PutBytes(std::string_view bytes) override;
  Result<BlobHandle> Open(std::string_view key) override;
  Result<std::string> Read(std::string_view key, uint64_t max_bytes) override;
  Result<bool> Exists(std::string_view key) override;
  Status Delete(std::string_view key) override;
  Result<std::vector<BlobInfo>> List() override;

 private:
  struct Blob {
    std::string bytes;
    int64_t modified_at = 0;
  };

  // A copy of the blob's bytes, or kNotFound.
  Result<std::string> Copy(std::string_view key);

  std::mutex mutex_;
  std::map<std::string, Blob, std::less<>> blobs_;  // guarded by mutex_
};

}  // namespace apkd::storage
