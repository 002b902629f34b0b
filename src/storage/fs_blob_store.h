// FsBlobStore: blobs as files under a root directory, content-addressed as
// root/sha256/<first 2 hex>/<remaining 62 hex>, read-only (0444). Writes go to root/tmp, are
// fsynced, renamed into place and the directory is fsynced, so a crash leaves either the whole
// blob or a temp file, never a partial blob; OpenAt() removes leftover temp files. The root belongs
// to one FsBlobStore object (one process): another one would delete its in-flight temp files.
// Thread-safe: all state is in the filesystem.
#pragma once

#include <memory>
#include <string>

#include "storage/blob_store.h"

namespace apkd::storage {

class FsBlobStore final : public BlobStore {
 public:
  // Creates the directory layout as needed and empties root/tmp.
  static Result<std::unique_ptr<FsBlobStore>> OpenAt(const std::string& root);

  Result<std::string> Put(const std::string& path) override;
  Result<std::string> PutBytes(std::string_view bytes) override;
  Result<BlobHandle> Open(std::string_view key) override;
  Result<std::string> Read(std::string_view key, uint64_t max_bytes) override;
  Result<bool> Exists(std::string_view key) override;
  Status Delete(std::string_view key) override;
  Result<std::vector<BlobInfo>> List() override;

  const std::string& root() const { return root_; }
  // On the blobs' filesystem: a file staged here (e.g. an upload being received) is moved in by
  // Put without a copy. Emptied by OpenAt().
  const std::string& temp_dir() const { return temp_dir_; }
  // Where the blob with this (valid) key lives.
  std::string PathForKey(std::string_view key) const;

 private:
  explicit FsBlobStore(std::string root);

  // Hashes, seals and commits a file already renamed to `temp_path`.
  Result<std::string> AdoptMoved(const std::string& temp_path);
  // Copies `source` into the temp file (taking ownership of `temp_fd`), commits, removes source.
  Result<std::string> CopyIn(const std::string& source, int temp_fd, const std::string& temp_path);
  // Renames the finished temp file to the blob's path, or drops it if the blob is already there.
  Status Commit(const std::string& temp_path, const std::string& key, uint64_t size);

  std::string root_;
  std::string blob_dir_;
  std::string temp_dir_;
};

}  // namespace apkd::storage
