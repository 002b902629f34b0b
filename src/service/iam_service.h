// IamService: pull-token identities and role bindings of an org. A pull identity gets a
// long-lived secret (returned once, stored as a hash) that the token endpoint exchanges for
// short-lived tokens; what it may do is only what its role bindings in the org grant, checked on
// every request. Thread-safe (the store is).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

struct CreatedIdentity {
  storage::Identity identity;  // secret_hash cleared
  std::string secret;          // shown once
  storage::RoleBinding binding;
};

class IamService {
 public:
  explicit IamService(storage::MetadataStore& store);

  // A pull-token identity of `org` bound to `role` (built-in or a custom role of the org).
  Result<CreatedIdentity> CreatePullIdentity(const storage::Org& org, std::string_view name,
                                             std::string_view role, int64_t now);
  Result<storage::RoleBinding> Bind(const storage::Org& org, std::string_view identity_id,
                                    std::string_view role, int64_t now);
  Result<std::vector<storage::RoleBinding>> ListBindings(const storage::Org& org);
  // kNotFound unless the binding belongs to `org`.
  Status Unbind(const storage::Org& org, std::string_view binding_id);

 private:
  Status CheckRole(const storage::Org& org, std::string_view role);

  storage::MetadataStore& store_;
};

}  // namespace apkd::service
