// SqliteMetadataStore: the MetadataStore of a single-node install, one SQLite file.
// Durability: WAL journal with synchronous=FULL, so a mutation that returned OK survives SIGKILL
// and power loss. Each mutation is one BEGIN IMMEDIATE transaction. The schema is versioned in
// table schema_version and migrated forward on Open.
// Threads: one connection guarded by one mutex, so calls are serialised (simple and enough for
// one node; reads are short indexed lookups). Other processes may open the same file: SQLite's
// locking and the busy timeout arbitrate, and a timeout surfaces as kUnavailable.
#pragma once

#include <memory>
#include <string>

#include "storage/metadata_store.h"

namespace apkd::storage {

struct SqliteOptions {
  int busy_timeout_ms = 5000;  // how long a call waits for another process's write lock
};

class SqliteMetadataStore final : public MetadataStore {
 public:
  // Opens or creates the database at `path` and migrates it to the current schema. Fails with
  // kUnavailable if the file was written by a newer apkd (a newer schema version).
  static Result<std::unique_ptr<SqliteMetadataStore>> Open(const std::string& path,
                                                           const SqliteOptions& options = {});
  SqliteMetadataStore(const SqliteMetadataStore&) = delete;
  SqliteMetadataStore& operator=(const SqliteMetadataStore&) = delete;
  SqliteMetadataStore(SqliteMetadataStore&&) = delete;
  SqliteMetadataStore& operator=(SqliteMetadataStore&&) = delete;
  ~SqliteMetadataStore() override;

  // The schema version this binary writes.
  static int CurrentSchemaVersion();

  Result<Org> CreateOrg(const Org& org) override;
  Result<Org> FindOrg(std::string_view name_or_uid) override;
  Result<std::vector<Org>> ListOrgs() override;
  Status DeleteOrg(std::string_view uid) override;

  Result<Image> PutImage(const Image& image) override;
  Result<Image> GetImage(std::string_view name) override;
  Result<std::vector<Image>> ListImages() override;
  Status DeleteImage(std::string_view name) override;

  Status AddEntitlement(const Entitlement& entitlement) override;
  Status RemoveEntitlement(const Entitlement& entitlement) override;
  Result<std::vector<Entitlement>> ListEntitlements(std::string_view org_uid) override;
  Result<std::vector<std::string>> ListEntitledOrgs(std::string_view image) override;
  Result<std::vector<std::string>> GetBaseSet() override;
  Status SetBaseSet(std::span<const std::string> names) override;
  Result<std::vector<std::string>> EntitledPackageNames(std::string_view org_uid) override;

  Result<PackageRow> InsertPackage(const PackageRow& row) override;
  Result<PackageRow> WithdrawPackage(std::string_view org_uid, std::string_view name,
                                     std::string_view version, std::string_view arch) override;
  Result<std::vector<PackageRow>> ListPackagesForNames(std::span<const std::string> names,
                                                       std::string_view arch) override;
  Result<std::vector<PackageRow>> ListPrivatePackages(std::string_view org_uid,
                                                      std::string_view arch) override;
  Result<std::vector<PackageRow>> ListPackages(const PackageFilter& filter) override;
  Result<PackageRow> FindPackage(std::string_view org_uid, std::string_view name,
                                 std::string_view version, std::string_view arch) override;
  Result<RepositoryView> ReadRepository(std::string_view org_uid, std::string_view arch) override;
  Result<bool> IsBlobReferenced(std::string_view blob_key) override;

  Status AddSigningKey(const SigningKeyRow& key) override;
  Result<std::vector<SigningKeyRow>> ListSigningKeys(std::string_view org_uid) override;
  Status SetSigningKeyState(std::string_view org_uid, std::string_view key_name,
                            KeyState state) override;

  Result<Identity> CreateIdentity(const Identity& identity) override;
  Result<Identity> GetIdentity(std::string_view id) override;
  Result<Identity> FindUser(std::string_view name) override;
  Result<std::vector<Identity>> ListIdentities(const IdentityFilter& filter) override;
  Status UpdateIdentity(const Identity& identity) override;
  Status DeleteIdentity(std::string_view id) override;

  Status CreateCustomRole(const CustomRole& role) override;
  Result<CustomRole> GetCustomRole(std::string_view org_uid, std::string_view name) override;
  Result<std::vector<CustomRole>> ListCustomRoles(std::string_view org_uid) override;
  Status DeleteCustomRole(std::string_view org_uid, std::string_view name) override;

  Result<RoleBinding> CreateRoleBinding(const RoleBinding& binding) override;
  Result<std::vector<RoleBinding>> ListRoleBindings(const RoleBindingFilter& filter) override;
  Status DeleteRoleBinding(std::string_view id) override;

  Result<int64_t> AppendAudit(const AuditEvent& event) override;
  Status AppendAuditBatch(std::span<const AuditEvent> events) override;
  Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) override;
  Result<int64_t> PruneAudit(int64_t before) override;

  Result<std::string> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;
  Result<std::vector<Setting>> ListSettings() override;

  Result<int64_t> ChangeCounter() override;
  uint64_t LocalChangeCount() const override;

  struct Impl;  // defined in sqlite_store_impl.h

 private:
  explicit SqliteMetadataStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace apkd::storage
