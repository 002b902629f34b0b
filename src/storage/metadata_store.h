// MetadataStore: the system of record for orgs, images, entitlements, package rows, signing keys,
// identities, roles, role bindings, audit events and settings. Implementations: SQLite (one node),
// in-memory (tests); PostgreSQL later, so nothing here is specific to one database.
// Contract shared by every implementation (tests/unit/storage run one suite against all):
// - Each mutation is atomic: it applies completely or not at all.
// - Expected failures are values: kInvalidArgument (bad field), kNotFound, kAlreadyExists,
//   kUnavailable (busy, try again), kIoError; messages never contain secrets.
// - ChangeCounter() grows with every successful state mutation (not on reads, failures, no-op
//   republishes, or the audit log), so readers can tell that a cached index may be stale.
// - Implementations are thread-safe; one store object is shared by all request threads.
// - Parameters named org_uid take a uid (FindOrg resolves names); "" where documented means
//   "no org" (the catalog, shared keys); anything else is kInvalidArgument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/records.h"
#include "util/result.h"

namespace apkd::storage {

struct PackageFilter {
  std::optional<std::string> org_uid{};  // nullopt: every scope; "": catalog only
  std::string name{};                    // exact name; empty = any
  std::string name_contains{};           // case-sensitive substring; empty = any
  std::string arch{};                    // exact arch (noarch is not implied); empty = any
  size_t limit = 0;                      // 0 = no limit
};

struct IdentityFilter {
  std::optional<std::string> org_uid{};  // nullopt: any; "": identities without an org
  std::optional<IdentityKind> kind{};
  std::string issuer{};  // exact; empty = any
};

struct RoleBindingFilter {
  std::string org_uid{};      // empty = any
  std::string identity_id{};  // empty = any
};

struct AuditQuery {
  std::string org_uid{};  // empty = any
  std::optional<AuditKind> kind{};
  int64_t since = 0;   // only events with time >= since; 0 = any
  size_t limit = 100;  // newest `limit` events; 0 = all
};

// What an org's repository for one arch is built from, read at one point in time.
struct RepositoryView {
  int64_t generation = 0;              // ChangeCounter() the data corresponds to
  std::vector<std::string> names{};    // entitled package names: images ∪ base set, sorted
  std::vector<PackageRow> packages{};  // catalog rows for `names` + the org's private rows
};

class MetadataStore {
 public:
  MetadataStore() = default;
  MetadataStore(const MetadataStore&) = delete;
  MetadataStore& operator=(const MetadataStore&) = delete;
  MetadataStore(MetadataStore&&) = delete;
  MetadataStore& operator=(MetadataStore&&) = delete;
  virtual ~MetadataStore() = default;

  // --- Organizations. CreateOrg generates the uid when `org.uid` is empty. DeleteOrg removes
  // everything scoped to the org (entitlements, private packages, keys, identities, roles,
  // bindings); audit events stay.
  virtual Result<Org> CreateOrg(const Org& org) = 0;
  virtual Result<Org> FindOrg(std::string_view name_or_uid) = 0;
  virtual Result<std::vector<Org>> ListOrgs() = 0;  // by name
  virtual Status DeleteOrg(std::string_view uid) = 0;

  // --- Images. PutImage creates or replaces. DeleteImage also removes its entitlements.
  virtual Result<Image> PutImage(const Image& image) = 0;
  virtual Result<Image> GetImage(std::string_view name) = 0;
  virtual Result<std::vector<Image>> ListImages() = 0;  // by name
  virtual Status DeleteImage(std::string_view name) = 0;

  // --- Entitlements (org ↔ image) and the base set every org sees.
  virtual Status AddEntitlement(const Entitlement& entitlement) = 0;
  virtual Status RemoveEntitlement(const Entitlement& entitlement) = 0;
  virtual Result<std::vector<Entitlement>> ListEntitlements(std::string_view org_uid) = 0;
  virtual Result<std::vector<std::string>> ListEntitledOrgs(std::string_view image) = 0;
  virtual Result<std::vector<std::string>> GetBaseSet() = 0;  // sorted
  virtual Status SetBaseSet(std::span<const std::string> names) = 0;
  // Names from the org's entitled images plus the base set, sorted, without duplicates.
  virtual Result<std::vector<std::string>> EntitledPackageNames(std::string_view org_uid) = 0;

  // --- Packages. Package lists are ordered by (name, version, arch, org_uid); version order is
  // plain byte order, callers that need apk order sort themselves.
  // InsertPackage: publishing the same (org_uid, name, version, arch) again with the same
  // checksum returns the stored row unchanged; with another checksum it is kAlreadyExists.
  virtual Result<PackageRow> InsertPackage(const PackageRow& row) = 0;
  // Removes the row and returns it (the caller may garbage-collect its blob).
  virtual Result<PackageRow> WithdrawPackage(std::string_view org_uid, std::string_view name,
                                             std::string_view version, std::string_view arch) = 0;
  // Catalog rows whose name is in `names` and whose arch is `arch` or "noarch".
  virtual Result<std::vector<PackageRow>> ListPackagesForNames(std::span<const std::string> names,
                                                               std::string_view arch) = 0;
  // The org's private rows whose arch is `arch` or "noarch".
  virtual Result<std::vector<PackageRow>> ListPrivatePackages(std::string_view org_uid,
                                                              std::string_view arch) = 0;
  virtual Result<std::vector<PackageRow>> ListPackages(const PackageFilter& filter) = 0;
  // Exact match in one scope ("" = catalog); arch is matched exactly.
  virtual Result<PackageRow> FindPackage(std::string_view org_uid, std::string_view name,
                                         std::string_view version, std::string_view arch) = 0;
  // EntitledPackageNames + ListPackagesForNames + ListPrivatePackages, consistently.
  virtual Result<RepositoryView> ReadRepository(std::string_view org_uid,
                                                std::string_view arch) = 0;
  // Whether any package row (any scope) references the blob; for blob garbage collection.
  virtual Result<bool> IsBlobReferenced(std::string_view blob_key) = 0;

  // --- Signing keys, listed by (created_at, key_name).
  virtual Status AddSigningKey(const SigningKeyRow& key) = 0;
  virtual Result<std::vector<SigningKeyRow>> ListSigningKeys(std::string_view org_uid) = 0;
  virtual Status SetSigningKeyState(std::string_view org_uid, std::string_view key_name,
                                    KeyState state) = 0;

  // --- Identities. CreateIdentity generates the id when empty. UpdateIdentity replaces every
  // field except id, kind and created_at. DeleteIdentity also removes its role bindings.
  virtual Result<Identity> CreateIdentity(const Identity& identity) = 0;
  virtual Result<Identity> GetIdentity(std::string_view id) = 0;
  virtual Result<Identity> FindUser(std::string_view name) = 0;
  virtual Result<std::vector<Identity>> ListIdentities(const IdentityFilter& filter) = 0;
  virtual Status UpdateIdentity(const Identity& identity) = 0;
  virtual Status DeleteIdentity(std::string_view id) = 0;

  // --- Custom roles (per org). DeleteCustomRole also removes the org's bindings to it.
  virtual Status CreateCustomRole(const CustomRole& role) = 0;
  virtual Result<CustomRole> GetCustomRole(std::string_view org_uid, std::string_view name) = 0;
  virtual Result<std::vector<CustomRole>> ListCustomRoles(std::string_view org_uid) = 0;
  virtual Status DeleteCustomRole(std::string_view org_uid, std::string_view name) = 0;

  // --- Role bindings. The identity and org must exist; the role name is not checked here
  // (built-in roles live in auth). Listed by (created_at, id).
  virtual Result<RoleBinding> CreateRoleBinding(const RoleBinding& binding) = 0;
  virtual Result<std::vector<RoleBinding>> ListRoleBindings(const RoleBindingFilter& filter) = 0;
  virtual Status DeleteRoleBinding(std::string_view id) = 0;

  // --- Audit log: append-only, newest first, pruned by age. Does not move ChangeCounter().
  virtual Result<int64_t> AppendAudit(const AuditEvent& event) = 0;  // returns the event id
  // Appends all of `events` in one transaction (one commit, one fsync), in order; all or none.
  virtual Status AppendAuditBatch(std::span<const AuditEvent> events) = 0;
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) = 0;
  // Deletes events with time < `before`; returns how many.
  virtual Result<int64_t> PruneAudit(int64_t before) = 0;

  // --- Settings (key/value).
  virtual Result<std::string> GetSetting(std::string_view key) = 0;
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;
  virtual Result<std::vector<Setting>> ListSettings() = 0;  // by key

  // Monotonically increasing; persisted, so it never goes back across restarts.
  virtual Result<int64_t> ChangeCounter() = 0;
  // How many successful mutations were made through this object: lock-free and free of I/O, so
  // per-request caches (authorization decisions) can check it on every request. It sees only
  // this process's changes; one process owns a data dir (apkd locks it), and stores shared by
  // several processes must push other writers' changes into it before relying on it.
  virtual uint64_t LocalChangeCount() const = 0;
};

}  // namespace apkd::storage
