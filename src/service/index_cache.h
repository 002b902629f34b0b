// The signed APKINDEX.tar.gz of every (org, arch), kept ready to serve. Indexes are rebuilt when
// something that touches them changes, never per request: Get() only hands out the current
// immutable bytes. Refresh (entitlement, image, key or withdraw changes) reads the org's
// RepositoryView and applies the difference to that index's IncrementalIndex; AddPackage (a
// publish) adds the one new record without reading the view, so a publish into an org that sees
// 150,000 records costs one shard's recompression and a signature. Then it signs and swaps the
// new bytes in atomically; a reader sees the old index or the new one, never a mix. Orgs whose
// indexes hold the same records share the built data member (found through a keyed
// RecordSetHash) and differ only in their signatures. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/signer.h"
#include "index/incremental_index.h"
#include "service/record_set_hash.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

struct ServedIndex {
  std::shared_ptr<const std::string> bytes;  // the whole APKINDEX.tar.gz
  std::string etag;                          // strong, quoted hex SHA-256 of `bytes`
  int64_t last_modified = 0;                 // when this content was first built
  size_t package_count = 0;
  int64_t generation = 0;                          // store ChangeCounter() it was built from
  std::shared_ptr<const std::string> data_member;  // shared with orgs that see the same set
};

// The signers for an org's index, in signature order (during rotation: old key, new key).
using SignersFor =
    std::function<Result<std::vector<std::shared_ptr<const crypto::Signer>>>(std::string_view)>;

struct IndexCacheOptions {
  std::vector<std::string> arches = {"x86_64", "aarch64"};
  std::string description;       // DESCRIPTION of every index (≤ 160 bytes)
  std::function<int64_t()> now;  // seconds since the epoch; defaults to the system clock
};

class IndexCache {
 public:
  IndexCache(storage::MetadataStore& store, SignersFor signers, IndexCacheOptions options);

  // Rebuilds the org's indexes whose content (records or signing keys) changed, for every arch.
  Status Refresh(const std::string& org_uid);
  // `row` was just published and shows in the indexes of `org_uids` (the caller knows who sees
  // its name): add its record there. Falls back to Refresh for an index that is not built yet,
  // that already lists the name-version (a competing row of another scope or arch decides), or
  // when the row is no longer in the store (withdrawn meanwhile).
  Status AddPackage(const std::vector<std::string>& org_uids, const storage::PackageRow& row);
  // Refresh for every org, and forgets orgs that no longer exist.
  Status RefreshAll();
  void Forget(const std::string& org_uid);

  // The index being served, or nullptr when there is none (unknown org or arch).
  std::shared_ptr<const ServedIndex> Get(std::string_view org_uid, std::string_view arch) const;
  uint64_t builds() const;  // indexes (re)built so far, for /metrics

 private:
  struct Slot {
    std::unique_ptr<index::IncrementalIndex> records;  // made on first use
    std::map<std::string, std::string> keys;    // name/version/arch -> checksum currently held
    std::unique_ptr<RecordSetHash> record_set;  // of `keys`
    std::string signer_names;                   // the signers of `served`
    std::shared_ptr<const ServedIndex> served;
  };
  using Signers = std::vector<std::shared_ptr<const crypto::Signer>>;

  Status RefreshSlot(const std::string& org_uid, const std::string& arch);
  // The slot for (org, arch), made empty on first use; stays put (std::map node).
  Slot& SlotFor(const std::string& org_uid, const std::string& arch);
  Result<Signers> SignersOf(const std::string& org_uid);
  // Builds (or reuses a shared) data member for the slot's records, signs and swaps it in.
  Status Serve(Slot& slot, const Signers& signers, int64_t generation);

  storage::MetadataStore& store_;
  SignersFor signers_;
  IndexCacheOptions options_;
  const std::string record_set_key_;  // random, for every slot's RecordSetHash
  std::mutex rebuild_mutex_;          // one rebuild at a time; readers never take it
  mutable std::shared_mutex served_mutex_;
  std::map<std::pair<std::string, std::string>, Slot, std::less<>> slots_;  // under both
  // Built data members by record set, so that orgs seeing the same packages share one.
  std::map<std::string, std::weak_ptr<const std::string>> shared_members_;  // rebuild_mutex_
  uint64_t builds_ = 0;
};

}  // namespace apkd::service
