// IamService: pull-token identities and role bindings of an org. A pull identity gets a
// long-lived secret (returned once, stored as a hash) that the token endpoint exchanges for
// short-lived tokens; what it may do is only what its role bindings in the org grant, checked on
// every request. Thread-safe (the store is).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr int64_t kDefaultPullTokenTtl = int64_t{720} * 3600;  // 30 days
inline constexpr int64_t kMaxPullTokenTtl = int64_t{8760} * 3600;     // 365 days

struct CreatedIdentity {
  storage::Identity identity;  // secret_hash cleared
  std::string secret;          // shown once
  storage::RoleBinding binding;
};

class IamService {
 public:
  explicit IamService(storage::MetadataStore& store);

  // A pull-token identity of `org` bound to `role` (built-in or a custom role of the org),
  // valid for `ttl_seconds` (1 s .. kMaxPullTokenTtl; 0 = kDefaultPullTokenTtl).
  Result<CreatedIdentity> CreatePullIdentity(const storage::Org& org, std::string_view name,
                                             std::string_view role, int64_t now,
                                             int64_t ttl_seconds = 0);
  Result<std::vector<storage::Identity>> ListPullIdentities(const storage::Org& org);
  // kNotFound unless `id` is a pull token of `org`. Its secret stops working at once.
  Status DeletePullIdentity(const storage::Org& org, std::string_view id);
  Result<storage::RoleBinding> Bind(const storage::Org& org, std::string_view identity_id,
                                    std::string_view role, int64_t now);
  Result<std::vector<storage::RoleBinding>> ListBindings(const storage::Org& org);
  // Every binding of one identity, in any org.
  Result<std::vector<storage::RoleBinding>> BindingsOf(std::string_view identity_id);
  Result<storage::Identity> GetIdentity(std::string_view id);  // secret hash cleared

  // What `role` (built-in, or a custom role of the org) grants; kInvalidArgument if unknown.
  Result<auth::CapabilitySet> RoleCapabilities(const storage::Org& org, std::string_view role);
  // The built-in roles followed by the org's custom roles.
  Result<std::vector<auth::Role>> ListRoles(const storage::Org& org);
  // A custom role: a valid name that is not a built-in one, and known capability names.
  Result<auth::Role> CreateCustomRole(const storage::Org& org, std::string_view name,
                                      std::string_view capabilities);
  // Also removes the org's bindings to it (they would grant nothing).
  Status DeleteCustomRole(const storage::Org& org, std::string_view name);
  // kNotFound unless the binding belongs to `org`.
  Status Unbind(const storage::Org& org, std::string_view binding_id);

 private:
  Status CheckRole(const storage::Org& org, std::string_view role);

  storage::MetadataStore& store_;
};

}  // namespace apkd::service
