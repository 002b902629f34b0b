// MemoryMetadataStore: organizations, images, entitlements, packages and the change counter.
#include "storage/memory_metadata_store.h"

#include <algorithm>
#include <utility>

#include "storage/blob_store.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

Error OrgNotFound(std::string_view org) {
  return MakeError(ErrorCode::kNotFound, "organization " + QuoteForMessage(org) + " not found");
}

Error ImageNotFound(std::string_view image) {
  return MakeError(ErrorCode::kNotFound, "image " + QuoteForMessage(image) + " not found");
}

Error PackageNotFound(std::string_view name, std::string_view version) {
  return MakeError(
      ErrorCode::kNotFound,
      "package " + QuoteForMessage(std::string(name) + "-" + std::string(version)) + " not found");
}

void SortPackages(std::vector<PackageRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const PackageRow& a, const PackageRow& b) {
    return std::tie(a.name, a.version, a.arch, a.org_uid) <
           std::tie(b.name, b.version, b.arch, b.org_uid);
  });
}

bool InArch(const PackageRow& row, std::string_view arch) {
  return row.arch == arch || row.arch == "noarch";
}

}  // namespace

Status MemoryMetadataStore::RequireOrg(std::string_view uid) const {
  return state_.orgs.contains(uid) ? OkStatus() : Status(OrgNotFound(uid));
}

Status MemoryMetadataStore::RequireScope(std::string_view uid) const {
  if (uid.empty()) {
    return OkStatus();
  }
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", uid));
  return RequireOrg(uid);
}

std::vector<std::string> MemoryMetadataStore::EntitledNames(std::string_view org_uid) const {
  std::vector<std::string> names = state_.base_set;
  for (const auto& [org, image] : state_.entitlements) {
    if (org == org_uid) {
      const auto& packages = state_.images.find(image)->second;
      names.insert(names.end(), packages.begin(), packages.end());
    }
  }
  return SortedUnique(names);
}

Result<Org> MemoryMetadataStore::CreateOrg(const Org& org) {
  APKD_RETURN_IF_ERROR(CheckOrgName(org.name));
  Org created = org;
  if (created.uid.empty()) {
    created.uid = NewUid();
  }
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", created.uid));
  const std::lock_guard lock(mutex_);
  const bool name_taken =
      std::any_of(state_.orgs.begin(), state_.orgs.end(),
                  [&](const auto& entry) { return entry.second.name == org.name; });
  if (name_taken || state_.orgs.contains(created.uid)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "organization " + QuoteForMessage(created.name) + " already exists");
  }
  state_.orgs.emplace(created.uid, created);
  ++state_.generation;
  return created;
}

Result<Org> MemoryMetadataStore::FindOrg(std::string_view name_or_uid) {
  const std::lock_guard lock(mutex_);
  if (IsValidUid(name_or_uid)) {
    const auto it = state_.orgs.find(name_or_uid);
    if (it != state_.orgs.end()) {
      return it->second;
    }
    return OrgNotFound(name_or_uid);
  }
  for (const auto& [uid, org] : state_.orgs) {
    if (org.name == name_or_uid) {
      return org;
    }
  }
  return OrgNotFound(name_or_uid);
}

Result<std::vector<Org>> MemoryMetadataStore::ListOrgs() {
  const std::lock_guard lock(mutex_);
  std::vector<Org> out;
  for (const auto& [uid, org] : state_.orgs) {
    out.push_back(org);
  }
  std::sort(out.begin(), out.end(), [](const Org& a, const Org& b) { return a.name < b.name; });
  return out;
}

Status MemoryMetadataStore::DeleteOrg(std::string_view uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(uid));
  const auto in_org = [&](const auto& entry) { return entry.second.org_uid == uid; };
  std::erase_if(state_.packages, in_org);
  std::erase_if(state_.signing_keys, in_org);
  std::erase_if(state_.custom_roles, in_org);
  std::erase_if(state_.entitlements, [&](const OrgScoped& e) { return e.first == uid; });
  std::erase_if(state_.identities, in_org);
  std::erase_if(state_.role_bindings, [&](const auto& entry) {
    return entry.second.org_uid == uid || !state_.identities.contains(entry.second.identity_id);
  });
  state_.orgs.erase(state_.orgs.find(uid));
  ++state_.generation;
  return OkStatus();
}

Result<Image> MemoryMetadataStore::PutImage(const Image& image) {
  APKD_RETURN_IF_ERROR(CheckImage(image));
  Image stored{.name = image.name, .packages = SortedUnique(image.packages)};
  const std::lock_guard lock(mutex_);
  state_.images[stored.name] = stored.packages;
  ++state_.generation;
  return stored;
}

Result<Image> MemoryMetadataStore::GetImage(std::string_view name) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.images.find(name);
  if (it == state_.images.end()) {
    return ImageNotFound(name);
  }
  return Image{.name = it->first, .packages = it->second};
}

Result<std::vector<Image>> MemoryMetadataStore::ListImages() {
  const std::lock_guard lock(mutex_);
  std::vector<Image> out;
  for (const auto& [name, packages] : state_.images) {
    out.push_back({.name = name, .packages = packages});
  }
  return out;
}

Status MemoryMetadataStore::DeleteImage(std::string_view name) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.images.find(name);
  if (it == state_.images.end()) {
    return ImageNotFound(name);
  }
  std::erase_if(state_.entitlements, [&](const OrgScoped& e) { return e.second == name; });
  state_.images.erase(it);
  ++state_.generation;
  return OkStatus();
}

Status MemoryMetadataStore::AddEntitlement(const Entitlement& entitlement) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", entitlement.org_uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(entitlement.org_uid));
  if (!state_.images.contains(entitlement.image)) {
    return ImageNotFound(entitlement.image);
  }
  if (!state_.entitlements.emplace(entitlement.org_uid, entitlement.image).second) {
    return MakeError(ErrorCode::kAlreadyExists, "the organization is already entitled to image " +
                                                    QuoteForMessage(entitlement.image));
  }
  ++state_.generation;
  return OkStatus();
}

Status MemoryMetadataStore::RemoveEntitlement(const Entitlement& entitlement) {
  const std::lock_guard lock(mutex_);
  if (state_.entitlements.erase({entitlement.org_uid, entitlement.image}) == 0) {
    return MakeError(ErrorCode::kNotFound,
                     "no entitlement to image " + QuoteForMessage(entitlement.image));
  }
  ++state_.generation;
  return OkStatus();
}

Result<std::vector<Entitlement>> MemoryMetadataStore::ListEntitlements(std::string_view org_uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(org_uid));
  std::vector<Entitlement> out;
  for (const auto& [org, image] : state_.entitlements) {
    if (org == org_uid) {
      out.push_back({.org_uid = org, .image = image});
    }
  }
  return out;
}

Result<std::vector<std::string>> MemoryMetadataStore::ListEntitledOrgs(std::string_view image) {
  const std::lock_guard lock(mutex_);
  if (!state_.images.contains(image)) {
    return ImageNotFound(image);
  }
  std::vector<std::string> out;
  for (const auto& [org, entitled] : state_.entitlements) {
    if (entitled == image) {
      out.push_back(org);
    }
  }
  return SortedUnique(out);
}

Result<std::vector<std::string>> MemoryMetadataStore::GetBaseSet() {
  const std::lock_guard lock(mutex_);
  return state_.base_set;
}

Status MemoryMetadataStore::SetBaseSet(std::span<const std::string> names) {
  for (const std::string& name : names) {
    APKD_RETURN_IF_ERROR(CheckPathToken("package name", name));
  }
  std::vector<std::string> sorted = SortedUnique(names);
  const std::lock_guard lock(mutex_);
  state_.base_set = std::move(sorted);
  ++state_.generation;
  return OkStatus();
}

Result<std::vector<std::string>> MemoryMetadataStore::EntitledPackageNames(
    std::string_view org_uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(org_uid));
  return EntitledNames(org_uid);
}

Result<PackageRow> MemoryMetadataStore::InsertPackage(const PackageRow& row) {
  APKD_RETURN_IF_ERROR(CheckPackageRow(row));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireScope(row.org_uid));
  PackageKey key{row.org_uid, row.name, row.version, row.arch};
  const auto it = state_.packages.find(key);
  if (it != state_.packages.end()) {
    if (it->second.checksum != row.checksum) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "package " + QuoteForMessage(row.name + "-" + row.version) +
                           " is already published with different contents");
    }
    return it->second;  // idempotent: no change
  }
  PackageRow stored = row;
  stored.id = ++state_.last_package_id;
  state_.packages.emplace(std::move(key), stored);
  ++state_.generation;
  return stored;
}

Result<PackageRow> MemoryMetadataStore::WithdrawPackage(std::string_view org_uid,
                                                        std::string_view name,
                                                        std::string_view version,
                                                        std::string_view arch) {
  if (!org_uid.empty()) {
    APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  }
  const std::lock_guard lock(mutex_);
  const auto it = state_.packages.find(PackageKey{org_uid, name, version, arch});
  if (it == state_.packages.end()) {
    return PackageNotFound(name, version);
  }
  PackageRow removed = std::move(it->second);
  state_.packages.erase(it);
  ++state_.generation;
  return removed;
}

Result<std::vector<PackageRow>> MemoryMetadataStore::ListPackagesForNames(
    std::span<const std::string> names, std::string_view arch) {
  const std::vector<std::string> wanted = SortedUnique(names);
  const std::lock_guard lock(mutex_);
  std::vector<PackageRow> out;
  for (const auto& [key, row] : state_.packages) {
    if (row.org_uid.empty() && InArch(row, arch) &&
        std::binary_search(wanted.begin(), wanted.end(), row.name)) {
      out.push_back(row);
    }
  }
  SortPackages(out);
  return out;
}

Result<std::vector<PackageRow>> MemoryMetadataStore::ListPrivatePackages(std::string_view org_uid,
                                                                         std::string_view arch) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(org_uid));
  std::vector<PackageRow> out;
  for (const auto& [key, row] : state_.packages) {
    if (row.org_uid == org_uid && InArch(row, arch)) {
      out.push_back(row);
    }
  }
  SortPackages(out);
  return out;
}

Result<std::vector<PackageRow>> MemoryMetadataStore::ListPackages(const PackageFilter& filter) {
  const std::lock_guard lock(mutex_);
  std::vector<PackageRow> out;
  for (const auto& [key, row] : state_.packages) {
    const bool match = (!filter.org_uid || row.org_uid == *filter.org_uid) &&
                       (filter.name.empty() || row.name == filter.name) &&
                       (filter.name_contains.empty() ||
                        row.name.find(filter.name_contains) != std::string::npos) &&
                       (filter.arch.empty() || row.arch == filter.arch);
    if (match) {
      out.push_back(row);
    }
  }
  SortPackages(out);
  if (filter.limit != 0 && out.size() > filter.limit) {
    out.resize(filter.limit);
  }
  return out;
}

Result<PackageRow> MemoryMetadataStore::FindPackage(std::string_view org_uid, std::string_view name,
                                                    std::string_view version,
                                                    std::string_view arch) {
  if (!org_uid.empty()) {
    APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  }
  const std::lock_guard lock(mutex_);
  const auto it = state_.packages.find(PackageKey{org_uid, name, version, arch});
  if (it == state_.packages.end()) {
    return PackageNotFound(name, version);
  }
  return it->second;
}

Result<RepositoryView> MemoryMetadataStore::ReadRepository(std::string_view org_uid,
                                                           std::string_view arch) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(org_uid));
  RepositoryView view{
      .generation = state_.generation, .names = EntitledNames(org_uid), .packages = {}};
  for (const auto& [key, row] : state_.packages) {
    const bool visible =
        row.org_uid == org_uid ||
        (row.org_uid.empty() && std::binary_search(view.names.begin(), view.names.end(), row.name));
    if (visible && InArch(row, arch)) {
      view.packages.push_back(row);
    }
  }
  SortPackages(view.packages);
  return view;
}

Result<bool> MemoryMetadataStore::IsBlobReferenced(std::string_view blob_key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(blob_key));
  const std::lock_guard lock(mutex_);
  return std::any_of(state_.packages.begin(), state_.packages.end(),
                     [&](const auto& entry) { return entry.second.blob_key == blob_key; });
}

Result<int64_t> MemoryMetadataStore::ChangeCounter() {
  const std::lock_guard lock(mutex_);
  return state_.generation;
}

uint64_t MemoryMetadataStore::LocalChangeCount() const {
  const std::lock_guard lock(mutex_);
  return static_cast<uint64_t>(state_.generation);
}

}  // namespace apkd::storage
