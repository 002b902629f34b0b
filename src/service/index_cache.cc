#include "service/index_cache.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "crypto/digest.h"
#include "format/apkindex_text.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {

constexpr std::string_view kNoarch = "noarch";

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Identifies a record within one arch's index: name, version and the directory's arch.
std::string RecordKey(std::string_view name, std::string_view version, std::string_view arch) {
  std::string key;
  key.reserve(name.size() + version.size() + arch.size() + 2);
  key.append(name).append(1, '\0').append(version).append(1, '\0').append(arch);
  return key;
}

// Which of two rows offering the same name-version wins in one org's index: the org's own
// private package over the catalog's, and an arch-specific build over a noarch one.
bool Prefer(const storage::PackageRow& candidate, const storage::PackageRow& current) {
  if (candidate.org_uid.empty() != current.org_uid.empty()) {
    return !candidate.org_uid.empty();
  }
  return current.arch == "noarch" && candidate.arch != "noarch";
}

// The rows an index for `arch` should hold, keyed like the slot's keys. Chosen from the row
// columns alone: record texts are parsed only for rows the index does not hold yet.
std::map<std::string, const storage::PackageRow*> DesiredRows(const storage::RepositoryView& view,
                                                              const std::string& arch) {
  std::map<std::string, const storage::PackageRow*> rows;
  for (const storage::PackageRow& row : view.packages) {
    const std::string key = RecordKey(row.name, row.version, arch);
    auto it = rows.find(key);
    if (it == rows.end() || Prefer(row, *it->second)) {
      rows[key] = &row;
    }
  }
  return rows;
}

// The stored record of `row` as `arch`'s index lists it (noarch carries the directory's arch,
// apk-protocol §1.3).
Result<format::IndexRecord> RecordFor(const storage::PackageRow& row, const std::string& arch) {
  std::string text = row.record_text;
  if (text.empty() || text.back() != '\n') {
    text += '\n';
  }
  auto parsed = format::ParseApkIndex(text);
  if (!parsed.ok() || parsed->size() != 1) {
    return MakeError(ErrorCode::kInternal,
                     "stored record of " + row.name + "-" + row.version + " does not parse");
  }
  format::IndexRecord record = std::move(parsed->front());
  record.arch = arch;
  return record;
}

std::string SignerNames(const std::vector<std::shared_ptr<const crypto::Signer>>& signers) {
  std::string names;
  for (const auto& signer : signers) {
    names += signer->key_name() + "/";
  }
  return names;
}

}  // namespace

IndexCache::IndexCache(storage::MetadataStore& store, SignersFor signers, IndexCacheOptions options)
    : store_(store),
      signers_(std::move(signers)),
      options_(std::move(options)),
      record_set_key_(crypto::RandomBytes(32)) {
  if (!options_.now) {
    options_.now = SystemNow;
  }
}

Status IndexCache::Refresh(const std::string& org_uid) {
  std::lock_guard rebuild(rebuild_mutex_);
  for (const std::string& arch : options_.arches) {
    APKD_RETURN_IF_ERROR(RefreshSlot(org_uid, arch));
  }
  return OkStatus();
}

Status IndexCache::RefreshAll() {
  APKD_ASSIGN_OR_RETURN(const std::vector<storage::Org> orgs, store_.ListOrgs());
  std::vector<std::string> known;
  for (const storage::Org& org : orgs) {
    APKD_RETURN_IF_ERROR(Refresh(org.uid));
    known.push_back(org.uid);
  }
  std::vector<std::string> gone;
  {
    std::shared_lock lock(served_mutex_);
    for (const auto& [key, slot] : slots_) {
      if (std::find(known.begin(), known.end(), key.first) == known.end()) {
        gone.push_back(key.first);
      }
    }
  }
  for (const std::string& org_uid : gone) {
    Forget(org_uid);
  }
  return OkStatus();
}

void IndexCache::Forget(const std::string& org_uid) {
  std::lock_guard rebuild(rebuild_mutex_);
  std::unique_lock lock(served_mutex_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    it = it->first.first == org_uid ? slots_.erase(it) : std::next(it);
  }
}

std::shared_ptr<const ServedIndex> IndexCache::Get(std::string_view org_uid,
                                                   std::string_view arch) const {
  std::shared_lock lock(served_mutex_);
  const auto it = slots_.find(std::pair<std::string, std::string>(org_uid, arch));
  return it == slots_.end() ? nullptr : it->second.served;
}

uint64_t IndexCache::builds() const {
  std::shared_lock lock(served_mutex_);
  return builds_;
}

IndexCache::Slot& IndexCache::SlotFor(const std::string& org_uid, const std::string& arch) {
  std::unique_lock lock(served_mutex_);
  Slot& slot = slots_[{org_uid, arch}];  // std::map nodes stay put while others are added
  if (slot.records == nullptr) {
    index::IndexBuildOptions build_options;
    build_options.description = options_.description;
    slot.records = std::make_unique<index::IncrementalIndex>(build_options);
    slot.record_set = std::make_unique<RecordSetHash>(record_set_key_);
  }
  return slot;
}

Result<IndexCache::Signers> IndexCache::SignersOf(const std::string& org_uid) {
  APKD_ASSIGN_OR_RETURN(Signers signers, signers_(org_uid));
  if (signers.empty()) {
    return MakeError(ErrorCode::kInternal, "org has no active signing key");
  }
  return signers;
}

Status IndexCache::RefreshSlot(const std::string& org_uid, const std::string& arch) {
  APKD_ASSIGN_OR_RETURN(const storage::RepositoryView view, store_.ReadRepository(org_uid, arch));
  const auto desired = DesiredRows(view, arch);
  APKD_ASSIGN_OR_RETURN(const Signers signers, SignersOf(org_uid));
  Slot& slot = SlotFor(org_uid, arch);
  // Apply the difference: one changed record touches one shard of the incremental index.
  bool changed = false;
  for (auto it = slot.keys.begin(); it != slot.keys.end();) {
    const auto wanted = desired.find(it->first);
    if (wanted == desired.end() || wanted->second->checksum != it->second) {
      const size_t first = it->first.find('\0');
      const size_t second = it->first.find('\0', first + 1);
      slot.records->Remove(it->first.substr(0, first),
                           it->first.substr(first + 1, second - first - 1),
                           it->first.substr(second + 1));
      slot.record_set->Remove(it->first, it->second);
      it = slot.keys.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  for (const auto& [key, row] : desired) {
    if (slot.keys.find(key) == slot.keys.end()) {
      APKD_ASSIGN_OR_RETURN(format::IndexRecord record, RecordFor(*row, arch));
      slot.records->Upsert(std::move(record));
      slot.keys.emplace(key, row->checksum);
      slot.record_set->Add(key, row->checksum);
      changed = true;
    }
  }
  if (!changed && slot.served != nullptr && slot.signer_names == SignerNames(signers)) {
    return OkStatus();
  }
  return Serve(slot, signers, view.generation);
}

Status IndexCache::AddPackage(const std::vector<std::string>& org_uids,
                              const storage::PackageRow& row) {
  std::lock_guard rebuild(rebuild_mutex_);
  // Under the rebuild lock nothing else changes the indexes; make sure the row is still what
  // the store holds (a withdraw may have come first), else let a full refresh decide.
  auto stored = store_.FindPackage(row.org_uid, row.name, row.version, row.arch);
  const bool current = stored.ok() && stored->checksum == row.checksum;
  APKD_ASSIGN_OR_RETURN(const int64_t generation, store_.ChangeCounter());
  for (const std::string& org_uid : org_uids) {
    for (const std::string& arch : options_.arches) {
      if (row.arch != arch && row.arch != kNoarch) {
        continue;
      }
      Slot& slot = SlotFor(org_uid, arch);
      const std::string key = RecordKey(row.name, row.version, arch);
      if (!current || slot.served == nullptr || slot.keys.contains(key)) {
        APKD_RETURN_IF_ERROR(RefreshSlot(org_uid, arch));
        continue;
      }
      APKD_ASSIGN_OR_RETURN(format::IndexRecord record, RecordFor(row, arch));
      APKD_ASSIGN_OR_RETURN(const Signers signers, SignersOf(org_uid));
      slot.records->Upsert(std::move(record));
      slot.keys.emplace(key, row.checksum);
      slot.record_set->Add(key, row.checksum);
      APKD_RETURN_IF_ERROR(Serve(slot, signers, generation));
    }
  }
  return OkStatus();
}

Status IndexCache::Serve(Slot& slot, const Signers& signers, int64_t generation) {
  const std::string records_key = slot.record_set->Value();
  std::shared_ptr<const std::string> data_member = shared_members_[records_key].lock();
  if (data_member == nullptr) {
    APKD_ASSIGN_OR_RETURN(std::string built, slot.records->DataMember());
    data_member = std::make_shared<const std::string>(std::move(built));
    shared_members_[records_key] = data_member;
  }
  std::vector<const crypto::Signer*> signer_view;
  for (const auto& signer : signers) {
    signer_view.push_back(signer.get());
  }
  index::IndexBuildOptions build_options;
  build_options.description = options_.description;
  APKD_ASSIGN_OR_RETURN(std::string signed_index,
                        index::BuildIndexSignatureMember(*data_member, signer_view, build_options));
  signed_index += *data_member;

  auto served = std::make_shared<ServedIndex>();
  served->etag = "\"" + HexEncode(crypto::Sha256(signed_index)) + "\"";
  served->bytes = std::make_shared<const std::string>(std::move(signed_index));
  served->last_modified = options_.now();
  served->package_count = slot.records->record_count();
  served->generation = generation;
  served->data_member = std::move(data_member);

  std::erase_if(shared_members_, [](const auto& entry) { return entry.second.expired(); });
  std::unique_lock lock(served_mutex_);
  slot.served = std::move(served);
  slot.signer_names = SignerNames(signers);
  ++builds_;
  return OkStatus();
}

}  // namespace apkd::service
