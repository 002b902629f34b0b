// RepositoryService: the management use cases (orgs, images, entitlements, publish, withdraw,
// keys) and the download look-up, each followed by the index refresh it needs:
//   org created / key rotated / entitlement changed / private publish -> that org's indexes;
//   catalog publish or withdraw, image change -> every org (simple; a later version can refresh
//   only the orgs entitled to the package's images).
// Publishing is blob first, then the metadata row, then the index, so no index ever names a
// missing blob. No HTTP types. Thread-safe (stores, IndexCache and OrgKeys are).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "service/index_cache.h"
#include "service/org_keys.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

struct PublishOutcome {
  storage::PackageRow row;
  bool created = false;  // false: the identical package was already published
};

struct Download {
  storage::PackageRow row;
  storage::BlobHandle blob;
};

class RepositoryService {
 public:
  RepositoryService(storage::MetadataStore& store, storage::BlobStore& blobs, IndexCache& cache,
                    OrgKeys& keys, std::function<int64_t()> now = {});

  Result<storage::Org> FindOrg(std::string_view name_or_uid);
  Result<storage::Org> CreateOrg(std::string_view name);
  Status DeleteOrg(std::string_view name_or_uid);
  Result<std::vector<storage::Org>> ListOrgs();

  Result<storage::Image> PutImage(const storage::Image& image);
  Status DeleteImage(std::string_view name);
  Result<std::vector<storage::Image>> ListImages();
  // The package names every org sees besides its images' (sorted). Setting it rebuilds every
  // org's indexes.
  Result<std::vector<std::string>> GetBaseSet();
  Status SetBaseSet(std::vector<std::string> names);

  Status AddEntitlement(const storage::Org& org, std::string_view image);
  Status RemoveEntitlement(const storage::Org& org, std::string_view image);
  Result<std::vector<storage::Entitlement>> ListEntitlements(const storage::Org& org);

  // `org_uid` "" publishes to the catalog. Malformed packages and versions outside the safe
  // profile are kInvalidArgument with the reason; the same name-version-arch with other bytes
  // is kAlreadyExists. Nothing is stored on failure.
  Result<PublishOutcome> Publish(std::string_view org_uid, std::string_view bytes);
  Result<storage::PackageRow> Withdraw(std::string_view org_uid, std::string_view name,
                                       std::string_view version, std::string_view arch);
  Result<std::vector<storage::PackageRow>> ListPackages(const storage::PackageFilter& filter);

  Result<std::vector<storage::SigningKeyRow>> ListKeys(const storage::Org& org);
  Result<storage::SigningKeyRow> RotateKey(const storage::Org& org);
  Status RetireKeys(const storage::Org& org);
  Result<std::vector<PublicOrgKey>> PublishedKeys(const storage::Org& org);

  // The package behind `/<org>/<arch>/<file_name>` if the org may see it (entitled catalog
  // package or its own private one; noarch counts for every arch), with its blob opened.
  Result<Download> OpenDownload(const storage::Org& org, std::string_view arch,
                                std::string_view file_name);

 private:
  Result<storage::PackageRow> FindVisible(const storage::Org& org, std::string_view arch,
                                          std::string_view name, std::string_view version);
  // The orgs whose indexes a package named `name` in scope `org_uid` ("" = catalog) shows in.
  Result<std::vector<std::string>> OrgsSeeing(std::string_view org_uid, std::string_view name);
  Status RefreshOrgs(const std::vector<std::string>& org_uids);

  storage::MetadataStore& store_;
  storage::BlobStore& blobs_;
  IndexCache& cache_;
  OrgKeys& keys_;
  std::function<int64_t()> now_;
};

}  // namespace apkd::service
