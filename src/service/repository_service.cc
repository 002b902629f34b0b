#include "service/repository_service.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "format/apkindex_text.h"
#include "format/package_reader.h"
#include "format/pkginfo.h"
#include "format/version.h"
#include "storage/validation.h"

namespace apkd::service {
namespace {

constexpr std::string_view kApkSuffix = ".apk";
constexpr std::string_view kNoarch = "noarch";

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Parser failures are the uploader's fault: report them as bad input with the reason.
Error AsBadPackage(const Error& error) {
  if (error.code() == ErrorCode::kCorrupt || error.code() == ErrorCode::kInvalidArgument ||
      error.code() == ErrorCode::kSignatureInvalid) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid package: " + error.message());
  }
  return error;
}

// What the store will insist on for the row, checked before the blob is written: a package the
// store would refuse must never reach the blob store (it used to be written and deleted again,
// leaving its fan-out directory behind, or the blob itself after a crash in between).
Status CheckStorable(const format::PkgInfo& info) {
  if (info.name.size() > storage::kMaxNameLength) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "package name is " + std::to_string(info.name.size()) +
                         " bytes, more than the " + std::to_string(storage::kMaxNameLength) +
                         " allowed");
  }
  APKD_RETURN_IF_ERROR(storage::CheckPathToken("package name", info.name));
  APKD_RETURN_IF_ERROR(storage::CheckPathToken("package version", info.version));
  return storage::CheckPathToken("package arch", info.arch);
}

}  // namespace

RepositoryService::RepositoryService(storage::MetadataStore& store, storage::BlobStore& blobs,
                                     IndexCache& cache, OrgKeys& keys, std::function<int64_t()> now)
    : store_(store), blobs_(blobs), cache_(cache), keys_(keys), now_(std::move(now)) {
  if (!now_) {
    now_ = SystemNow;
  }
}

Result<storage::Org> RepositoryService::FindOrg(std::string_view name_or_uid) {
  return store_.FindOrg(name_or_uid);
}

Result<storage::Org> RepositoryService::CreateOrg(std::string_view name) {
  APKD_ASSIGN_OR_RETURN(
      auto org, store_.CreateOrg(storage::Org{.name = std::string(name), .created_at = now_()}));
  auto key = keys_.CreateFor(org);
  if (!key.ok()) {
    (void)store_.DeleteOrg(org.uid);  // no org without a signing key
    return key.error();
  }
  APKD_RETURN_IF_ERROR(cache_.Refresh(org.uid));
  return org;
}

Status RepositoryService::DeleteOrg(std::string_view name_or_uid) {
  APKD_ASSIGN_OR_RETURN(auto org, store_.FindOrg(name_or_uid));
  APKD_RETURN_IF_ERROR(store_.DeleteOrg(org.uid));
  cache_.Forget(org.uid);
  return OkStatus();
}

Result<std::vector<storage::Org>> RepositoryService::ListOrgs() { return store_.ListOrgs(); }

Result<storage::Image> RepositoryService::PutImage(const storage::Image& image) {
  APKD_ASSIGN_OR_RETURN(auto stored, store_.PutImage(image));
  // The orgs entitled to the image see its old and its new names: only their indexes change.
  APKD_ASSIGN_OR_RETURN(auto orgs, store_.ListEntitledOrgs(stored.name));
  APKD_RETURN_IF_ERROR(RefreshOrgs(orgs));
  return stored;
}

Status RepositoryService::DeleteImage(std::string_view name) {
  // Deleting the image drops its entitlements: ask who was entitled first.
  APKD_ASSIGN_OR_RETURN(auto orgs, store_.ListEntitledOrgs(name));
  APKD_RETURN_IF_ERROR(store_.DeleteImage(name));
  return RefreshOrgs(orgs);
}

Status RepositoryService::RefreshOrgs(const std::vector<std::string>& org_uids) {
  for (const auto& uid : org_uids) {
    APKD_RETURN_IF_ERROR(cache_.Refresh(uid));
  }
  return OkStatus();
}

Result<std::vector<storage::Image>> RepositoryService::ListImages() { return store_.ListImages(); }

Result<std::vector<std::string>> RepositoryService::GetBaseSet() { return store_.GetBaseSet(); }

Status RepositoryService::SetBaseSet(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  APKD_RETURN_IF_ERROR(store_.SetBaseSet(names));
  return cache_.RefreshAll();
}

Status RepositoryService::AddEntitlement(const storage::Org& org, std::string_view image) {
  APKD_RETURN_IF_ERROR(
      store_.AddEntitlement(storage::Entitlement{.org_uid = org.uid, .image = std::string(image)}));
  return cache_.Refresh(org.uid);
}

Status RepositoryService::RemoveEntitlement(const storage::Org& org, std::string_view image) {
  APKD_RETURN_IF_ERROR(store_.RemoveEntitlement(
      storage::Entitlement{.org_uid = org.uid, .image = std::string(image)}));
  return cache_.Refresh(org.uid);
}

Result<std::vector<storage::Entitlement>> RepositoryService::ListEntitlements(
    const storage::Org& org) {
  return store_.ListEntitlements(org.uid);
}

Result<std::vector<std::string>> RepositoryService::OrgsSeeing(std::string_view org_uid,
                                                               std::string_view name) {
  if (!org_uid.empty()) {
    return std::vector<std::string>{std::string(org_uid)};
  }
  // A catalog package shows in the orgs that see its name: every org when the name is in the
  // base set, else the orgs entitled to an image that names it.
  std::set<std::string> orgs;
  APKD_ASSIGN_OR_RETURN(auto base, store_.GetBaseSet());
  if (std::binary_search(base.begin(), base.end(), name)) {
    APKD_ASSIGN_OR_RETURN(auto all, store_.ListOrgs());
    for (const auto& org : all) {
      orgs.insert(org.uid);
    }
    return std::vector<std::string>(orgs.begin(), orgs.end());
  }
  APKD_ASSIGN_OR_RETURN(auto images, store_.ListImages());
  for (const auto& image : images) {
    if (std::find(image.packages.begin(), image.packages.end(), name) == image.packages.end()) {
      continue;
    }
    APKD_ASSIGN_OR_RETURN(auto entitled, store_.ListEntitledOrgs(image.name));
    orgs.insert(entitled.begin(), entitled.end());
  }
  return std::vector<std::string>(orgs.begin(), orgs.end());
}

Result<PublishOutcome> RepositoryService::Publish(std::string_view org_uid,
                                                  std::string_view bytes) {
  auto package = format::ReadPackage(bytes);
  if (!package.ok()) {
    return AsBadPackage(package.error());
  }
  const format::PkgInfo& info = package->info;
  if (!format::IsSafeProfileVersion(info.version)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "version " + info.version +
                         " is outside the safe profile that apk 2.14, apk 3 and apko order "
                         "alike (apk-protocol.md §6.4)");
  }
  APKD_RETURN_IF_ERROR(CheckStorable(info));
  auto existing = store_.FindPackage(org_uid, info.name, info.version, info.arch);
  if (existing.ok()) {
    if (existing->checksum == package->identity && existing->size == bytes.size()) {
      return PublishOutcome{.row = std::move(existing).value(), .created = false};
    }
    return MakeError(ErrorCode::kAlreadyExists,
                     info.name + "-" + info.version + " (" + info.arch +
                         ") is already published with other content; publish a new version");
  }
  APKD_ASSIGN_OR_RETURN(std::string blob_key, blobs_.PutBytes(bytes));
  const storage::PackageRow row{
      .org_uid = std::string(org_uid),
      .name = info.name,
      .version = info.version,
      .arch = info.arch,
      .checksum = package->identity,
      .size = bytes.size(),
      .blob_key = blob_key,
      .record_text = format::FormatIndexRecord(package->ToIndexRecord()),
      .published_at = now_(),
  };
  auto inserted = store_.InsertPackage(row);
  if (!inserted.ok()) {
    auto referenced = store_.IsBlobReferenced(blob_key);
    if (referenced.ok() && !*referenced) {
      (void)blobs_.Delete(blob_key);
    }
    return inserted.error();
  }
  APKD_ASSIGN_OR_RETURN(auto orgs, OrgsSeeing(org_uid, info.name));
  APKD_RETURN_IF_ERROR(cache_.AddPackage(orgs, *inserted));
  return PublishOutcome{.row = std::move(inserted).value(), .created = true};
}

Result<storage::PackageRow> RepositoryService::Withdraw(std::string_view org_uid,
                                                        std::string_view name,
                                                        std::string_view version,
                                                        std::string_view arch) {
  APKD_ASSIGN_OR_RETURN(auto row, store_.WithdrawPackage(org_uid, name, version, arch));
  APKD_ASSIGN_OR_RETURN(auto orgs, OrgsSeeing(org_uid, name));
  APKD_RETURN_IF_ERROR(RefreshOrgs(orgs));
  // The blob stays until garbage collection: a client may be downloading it right now.
  return row;
}

Result<std::vector<storage::PackageRow>> RepositoryService::ListPackages(
    const storage::PackageFilter& filter) {
  return store_.ListPackages(filter);
}

Result<std::vector<storage::SigningKeyRow>> RepositoryService::ListKeys(const storage::Org& org) {
  return keys_.List(org.uid);
}

Result<storage::SigningKeyRow> RepositoryService::RotateKey(const storage::Org& org) {
  APKD_ASSIGN_OR_RETURN(auto row, keys_.Rotate(org));
  APKD_RETURN_IF_ERROR(cache_.Refresh(org.uid));
  return row;
}

Status RepositoryService::RetireKeys(const storage::Org& org) {
  APKD_RETURN_IF_ERROR(keys_.Retire(org.uid));
  return cache_.Refresh(org.uid);
}

Result<std::vector<PublicOrgKey>> RepositoryService::PublishedKeys(const storage::Org& org) {
  return keys_.Published(org.uid);
}

Result<storage::PackageRow> RepositoryService::FindVisible(const storage::Org& org,
                                                           std::string_view arch,
                                                           std::string_view name,
                                                           std::string_view version) {
  for (const std::string_view candidate_arch : {arch, kNoarch}) {
    auto row = store_.FindPackage(org.uid, name, version, candidate_arch);
    if (row.ok() || row.error().code() != ErrorCode::kNotFound) {
      return row;
    }
  }
  APKD_ASSIGN_OR_RETURN(auto names, store_.EntitledPackageNames(org.uid));
  if (!std::binary_search(names.begin(), names.end(), name)) {
    return MakeError(ErrorCode::kNotFound, "no such package");
  }
  for (const std::string_view candidate_arch : {arch, kNoarch}) {
    auto row = store_.FindPackage("", name, version, candidate_arch);
    if (row.ok() || row.error().code() != ErrorCode::kNotFound) {
      return row;
    }
  }
  return MakeError(ErrorCode::kNotFound, "no such package");
}

Result<Download> RepositoryService::OpenDownload(const storage::Org& org, std::string_view arch,
                                                 std::string_view file_name) {
  if (!file_name.ends_with(kApkSuffix)) {
    return MakeError(ErrorCode::kNotFound, "no such package");
  }
  const std::string_view stem = file_name.substr(0, file_name.size() - kApkSuffix.size());
  // "name-version": names may contain '-', so try every split whose right side is a version.
  for (size_t dash = stem.find('-'); dash != std::string_view::npos;
       dash = stem.find('-', dash + 1)) {
    const std::string_view name = stem.substr(0, dash);
    const std::string_view version = stem.substr(dash + 1);
    if (!format::IsValidVersion(version) || !format::IsValidPackageName(name)) {
      continue;
    }
    auto row = FindVisible(org, arch, name, version);
    if (!row.ok()) {
      if (row.error().code() == ErrorCode::kNotFound) {
        continue;
      }
      return row.error();
    }
    APKD_ASSIGN_OR_RETURN(auto blob, blobs_.Open(row->blob_key));
    return Download{.row = std::move(row).value(), .blob = std::move(blob)};
  }
  return MakeError(ErrorCode::kNotFound, "no such package");
}

}  // namespace apkd::service
