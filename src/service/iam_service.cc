#include "service/iam_service.h"

#include <algorithm>
#include <utility>

#include "auth/roles.h"
#include "crypto/digest.h"
#include "service/authorizer.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {
constexpr size_t kIdentityIdBytes = 16;
}  // namespace

IamService::IamService(storage::MetadataStore& store) : store_(store) {}

Status IamService::CheckRole(const storage::Org& org, std::string_view role) {
  if (auth::IsBuiltinRoleName(role)) {
    return OkStatus();
  }
  auto custom = store_.GetCustomRole(org.uid, role);
  if (!custom.ok()) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown role " + std::string(role));
  }
  return OkStatus();
}

Result<CreatedIdentity> IamService::CreatePullIdentity(const storage::Org& org,
                                                       std::string_view name, std::string_view role,
                                                       int64_t now, int64_t ttl_seconds) {
  if (ttl_seconds < 0 || ttl_seconds > kMaxPullTokenTtl) {
    return MakeError(ErrorCode::kInvalidArgument, "a pull token lives at most 365 days");
  }
  if (ttl_seconds == 0) {
    ttl_seconds = kDefaultPullTokenTtl;
  }
  APKD_RETURN_IF_ERROR(CheckRole(org, role));
  const std::string id = HexEncode(crypto::RandomBytes(kIdentityIdBytes));
  std::string secret = MakeIdentitySecret(id);
  APKD_ASSIGN_OR_RETURN(auto identity, store_.CreateIdentity(storage::Identity{
                                           .id = id,
                                           .kind = storage::IdentityKind::kPullToken,
                                           .name = std::string(name),
                                           .org_uid = org.uid,
                                           .secret_hash = HashSecret(secret),
                                           .expires_at = now + ttl_seconds,
                                           .created_at = now,
                                       }));
  auto binding = Bind(org, identity.id, role, now);
  if (!binding.ok()) {
    (void)store_.DeleteIdentity(identity.id);
    return binding.error();
  }
  identity.secret_hash.clear();
  return CreatedIdentity{.identity = std::move(identity),
                         .secret = std::move(secret),
                         .binding = std::move(binding).value()};
}

Result<std::vector<storage::Identity>> IamService::ListPullIdentities(const storage::Org& org) {
  APKD_ASSIGN_OR_RETURN(auto identities,
                        store_.ListIdentities(storage::IdentityFilter{
                            .org_uid = org.uid, .kind = storage::IdentityKind::kPullToken}));
  for (auto& identity : identities) {
    identity.secret_hash.clear();
  }
  return identities;
}

Result<std::vector<storage::RoleBinding>> IamService::BindingsOf(std::string_view identity_id) {
  return store_.ListRoleBindings(
      storage::RoleBindingFilter{.org_uid = "", .identity_id = std::string(identity_id)});
}

Result<storage::Identity> IamService::GetIdentity(std::string_view id) {
  APKD_ASSIGN_OR_RETURN(auto identity, store_.GetIdentity(id));
  identity.secret_hash.clear();
  return identity;
}

Result<auth::CapabilitySet> IamService::RoleCapabilities(const storage::Org& org,
                                                         std::string_view role) {
  if (const auth::Role* builtin = auth::FindBuiltinRole(role); builtin != nullptr) {
    return builtin->capabilities;
  }
  auto custom = store_.GetCustomRole(org.uid, role);
  if (!custom.ok()) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown role " + std::string(role));
  }
  return auth::CapabilitySet::Parse(custom->capabilities);
}

Result<std::vector<auth::Role>> IamService::ListRoles(const storage::Org& org) {
  std::vector<auth::Role> roles(auth::BuiltinRoles().begin(), auth::BuiltinRoles().end());
  APKD_ASSIGN_OR_RETURN(auto custom, store_.ListCustomRoles(org.uid));
  for (const auto& role : custom) {
    auto parsed = auth::CapabilitySet::Parse(role.capabilities);
    roles.push_back(auth::Role{.name = role.name,
                               .capabilities = parsed.ok() ? *parsed : auth::CapabilitySet{},
                               .is_builtin = false});
  }
  return roles;
}

Result<auth::Role> IamService::CreateCustomRole(const storage::Org& org, std::string_view name,
                                                std::string_view capabilities) {
  APKD_RETURN_IF_ERROR(auth::ValidateCustomRoleName(name));
  if (auth::FindBuiltinRole(name) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists, std::string(name) + " is a built-in role");
  }
  APKD_ASSIGN_OR_RETURN(auto parsed, auth::CapabilitySet::Parse(capabilities));
  if (parsed == auth::CapabilitySet{}) {
    return MakeError(ErrorCode::kInvalidArgument, "a role needs at least one capability");
  }
  APKD_RETURN_IF_ERROR(store_.CreateCustomRole(storage::CustomRole{
      .org_uid = org.uid, .name = std::string(name), .capabilities = parsed.ToString()}));
  return auth::Role{.name = std::string(name), .capabilities = parsed, .is_builtin = false};
}

Status IamService::DeleteCustomRole(const storage::Org& org, std::string_view name) {
  return store_.DeleteCustomRole(org.uid, name);
}

Status IamService::DeletePullIdentity(const storage::Org& org, std::string_view id) {
  auto identity = store_.GetIdentity(id);
  if (!identity.ok() || identity->kind != storage::IdentityKind::kPullToken ||
      identity->org_uid != org.uid) {
    return MakeError(ErrorCode::kNotFound, "no such pull token");
  }
  return store_.DeleteIdentity(id);
}

Result<storage::RoleBinding> IamService::Bind(const storage::Org& org, std::string_view identity_id,
                                              std::string_view role, int64_t now) {
  APKD_RETURN_IF_ERROR(CheckRole(org, role));
  return store_.CreateRoleBinding(storage::RoleBinding{.identity_id = std::string(identity_id),
                                                       .role = std::string(role),
                                                       .org_uid = org.uid,
                                                       .created_at = now});
}

Result<std::vector<storage::RoleBinding>> IamService::ListBindings(const storage::Org& org) {
  return store_.ListRoleBindings(storage::RoleBindingFilter{.org_uid = org.uid});
}

Status IamService::Unbind(const storage::Org& org, std::string_view binding_id) {
  APKD_ASSIGN_OR_RETURN(auto bindings, ListBindings(org));
  const bool ours = std::any_of(bindings.begin(), bindings.end(),
                                [&](const auto& b) { return b.id == binding_id; });
  if (!ours) {
    return MakeError(ErrorCode::kNotFound, "no such role binding in this org");
  }
  return store_.DeleteRoleBinding(binding_id);
}

}  // namespace apkd::service
