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
                                                       int64_t now) {
  APKD_RETURN_IF_ERROR(CheckRole(org, role));
  const std::string id = HexEncode(crypto::RandomBytes(kIdentityIdBytes));
  std::string secret = MakeIdentitySecret(id);
  APKD_ASSIGN_OR_RETURN(auto identity, store_.CreateIdentity(storage::Identity{
                                           .id = id,
                                           .kind = storage::IdentityKind::kPullToken,
                                           .name = std::string(name),
                                           .org_uid = org.uid,
                                           .secret_hash = HashSecret(secret),
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
