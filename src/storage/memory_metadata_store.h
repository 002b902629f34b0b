// MemoryMetadataStore: the MetadataStore contract in process memory, for unit tests of higher
// layers (and the reference the SQLite store is tested against: both pass the same suite).
// Thread-safe: one mutex around all state. Nothing is persisted.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "storage/metadata_store.h"

namespace apkd::storage {

class MemoryMetadataStore : public MetadataStore {  // not final: tests count calls
 public:
  MemoryMetadataStore() = default;

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

 private:
  using PackageKey = std::tuple<std::string, std::string, std::string, std::string>;
  using OrgScoped = std::pair<std::string, std::string>;  // (org_uid, name)

  // Every mutation checks first and changes state last, so a failed call leaves no trace.
  struct State {
    int64_t generation = 0;
    std::map<std::string, Org, std::less<>> orgs;  // by uid
    std::map<std::string, std::vector<std::string>, std::less<>> images;
    std::set<OrgScoped> entitlements;  // (org_uid, image)
    std::vector<std::string> base_set;
    std::map<PackageKey, PackageRow> packages;  // (org_uid, name, version, arch)
    int64_t last_package_id = 0;
    std::map<OrgScoped, SigningKeyRow> signing_keys;
    std::map<std::string, Identity, std::less<>> identities;
    std::map<OrgScoped, CustomRole> custom_roles;
    std::map<std::string, RoleBinding, std::less<>> role_bindings;
    std::map<int64_t, AuditEvent> audit;
    int64_t last_audit_id = 0;
    std::map<std::string, std::string, std::less<>> settings;
  };

  Status RequireOrg(std::string_view uid) const;    // mutex_ held
  Status RequireScope(std::string_view uid) const;  // mutex_ held: "" or an existing org
  std::vector<std::string> EntitledNames(std::string_view org_uid) const;  // mutex_ held
  bool UserNameTaken(const Identity& identity) const;                      // mutex_ held

  mutable std::mutex mutex_;
  State state_;  // guarded by mutex_
};

}  // namespace apkd::storage
