// MemoryMetadataStore: signing keys, identities, roles, role bindings, audit log and settings.
#include <algorithm>
#include <utility>

#include "storage/memory_metadata_store.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

Error IdentityNotFound(std::string_view id) {
  return MakeError(ErrorCode::kNotFound, "identity " + QuoteForMessage(id) + " not found");
}

Error RoleNotFound(std::string_view name) {
  return MakeError(ErrorCode::kNotFound, "role " + QuoteForMessage(name) + " not found");
}

template <typename Row>
void SortByCreation(std::vector<Row>& rows, std::string Row::*tie_breaker) {
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return std::tie(a.created_at, a.*tie_breaker) < std::tie(b.created_at, b.*tie_breaker);
  });
}

}  // namespace

bool MemoryMetadataStore::UserNameTaken(const Identity& identity) const {
  return identity.kind == IdentityKind::kUser &&
         std::any_of(state_.identities.begin(), state_.identities.end(), [&](const auto& entry) {
           const Identity& other = entry.second;
           return other.kind == IdentityKind::kUser && other.name == identity.name &&
                  other.id != identity.id;
         });
}

Status MemoryMetadataStore::AddSigningKey(const SigningKeyRow& key) {
  APKD_RETURN_IF_ERROR(CheckSigningKey(key));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireScope(key.org_uid));
  if (!state_.signing_keys.emplace(OrgScoped{key.org_uid, key.key_name}, key).second) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "signing key " + QuoteForMessage(key.key_name) + " already exists");
  }
  ++state_.generation;
  return OkStatus();
}

Result<std::vector<SigningKeyRow>> MemoryMetadataStore::ListSigningKeys(std::string_view org_uid) {
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireScope(org_uid));
  std::vector<SigningKeyRow> out;
  for (const auto& [key, row] : state_.signing_keys) {
    if (row.org_uid == org_uid) {
      out.push_back(row);
    }
  }
  SortByCreation(out, &SigningKeyRow::key_name);
  return out;
}

Status MemoryMetadataStore::SetSigningKeyState(std::string_view org_uid, std::string_view key_name,
                                               KeyState state) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.signing_keys.find(OrgScoped{org_uid, key_name});
  if (it == state_.signing_keys.end()) {
    return MakeError(ErrorCode::kNotFound,
                     "signing key " + QuoteForMessage(key_name) + " not found");
  }
  it->second.state = state;
  ++state_.generation;
  return OkStatus();
}

Result<Identity> MemoryMetadataStore::CreateIdentity(const Identity& identity) {
  Identity created = identity;
  if (created.id.empty()) {
    created.id = NewUid();
  }
  APKD_RETURN_IF_ERROR(CheckIdentity(created));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireScope(created.org_uid));
  if (UserNameTaken(created)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "user " + QuoteForMessage(created.name) + " already exists");
  }
  if (!state_.identities.emplace(created.id, created).second) {
    return MakeError(ErrorCode::kAlreadyExists, "identity " + created.id + " already exists");
  }
  ++state_.generation;
  return created;
}

Result<Identity> MemoryMetadataStore::GetIdentity(std::string_view id) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.identities.find(id);
  if (it == state_.identities.end()) {
    return IdentityNotFound(id);
  }
  return it->second;
}

Result<Identity> MemoryMetadataStore::FindUser(std::string_view name) {
  const std::lock_guard lock(mutex_);
  for (const auto& [id, identity] : state_.identities) {
    if (identity.kind == IdentityKind::kUser && identity.name == name) {
      return identity;
    }
  }
  return IdentityNotFound(name);
}

Result<std::vector<Identity>> MemoryMetadataStore::ListIdentities(const IdentityFilter& filter) {
  const std::lock_guard lock(mutex_);
  std::vector<Identity> out;
  for (const auto& [id, identity] : state_.identities) {
    const bool match = (!filter.org_uid || identity.org_uid == *filter.org_uid) &&
                       (!filter.kind || identity.kind == *filter.kind) &&
                       (filter.issuer.empty() || identity.issuer == filter.issuer);
    if (match) {
      out.push_back(identity);
    }
  }
  SortByCreation(out, &Identity::id);
  return out;
}

Status MemoryMetadataStore::UpdateIdentity(const Identity& identity) {
  APKD_RETURN_IF_ERROR(CheckUid("identity id", identity.id));
  APKD_RETURN_IF_ERROR(CheckIdentity(identity));
  const std::lock_guard lock(mutex_);
  const auto it = state_.identities.find(identity.id);
  if (it == state_.identities.end()) {
    return IdentityNotFound(identity.id);
  }
  if (it->second.kind != identity.kind) {
    return MakeError(ErrorCode::kInvalidArgument, "the kind of an identity cannot change");
  }
  APKD_RETURN_IF_ERROR(RequireScope(identity.org_uid));
  if (UserNameTaken(identity)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "user " + QuoteForMessage(identity.name) + " already exists");
  }
  const int64_t created_at = it->second.created_at;
  it->second = identity;
  it->second.created_at = created_at;
  ++state_.generation;
  return OkStatus();
}

Status MemoryMetadataStore::DeleteIdentity(std::string_view id) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.identities.find(id);
  if (it == state_.identities.end()) {
    return IdentityNotFound(id);
  }
  std::erase_if(state_.role_bindings,
                [&](const auto& entry) { return entry.second.identity_id == id; });
  state_.identities.erase(it);
  ++state_.generation;
  return OkStatus();
}

Status MemoryMetadataStore::CreateCustomRole(const CustomRole& role) {
  APKD_RETURN_IF_ERROR(CheckCustomRole(role));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(role.org_uid));
  if (!state_.custom_roles.emplace(OrgScoped{role.org_uid, role.name}, role).second) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "role " + QuoteForMessage(role.name) + " already exists");
  }
  ++state_.generation;
  return OkStatus();
}

Result<CustomRole> MemoryMetadataStore::GetCustomRole(std::string_view org_uid,
                                                      std::string_view name) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.custom_roles.find(OrgScoped{org_uid, name});
  if (it == state_.custom_roles.end()) {
    return RoleNotFound(name);
  }
  return it->second;
}

Result<std::vector<CustomRole>> MemoryMetadataStore::ListCustomRoles(std::string_view org_uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(org_uid));
  std::vector<CustomRole> out;
  for (const auto& [key, role] : state_.custom_roles) {
    if (role.org_uid == org_uid) {
      out.push_back(role);
    }
  }
  return out;
}

Status MemoryMetadataStore::DeleteCustomRole(std::string_view org_uid, std::string_view name) {
  const std::lock_guard lock(mutex_);
  if (state_.custom_roles.erase(OrgScoped{org_uid, name}) == 0) {
    return RoleNotFound(name);
  }
  std::erase_if(state_.role_bindings, [&](const auto& entry) {
    return entry.second.org_uid == org_uid && entry.second.role == name;
  });
  ++state_.generation;
  return OkStatus();
}

Result<RoleBinding> MemoryMetadataStore::CreateRoleBinding(const RoleBinding& binding) {
  RoleBinding created = binding;
  if (created.id.empty()) {
    created.id = NewUid();
  }
  APKD_RETURN_IF_ERROR(CheckRoleBinding(created));
  const std::lock_guard lock(mutex_);
  APKD_RETURN_IF_ERROR(RequireOrg(created.org_uid));
  if (!state_.identities.contains(created.identity_id)) {
    return IdentityNotFound(created.identity_id);
  }
  const bool duplicate =
      state_.role_bindings.contains(created.id) ||
      std::any_of(state_.role_bindings.begin(), state_.role_bindings.end(), [&](const auto& entry) {
        const RoleBinding& other = entry.second;
        return other.identity_id == created.identity_id && other.role == created.role &&
               other.org_uid == created.org_uid;
      });
  if (duplicate) {
    return MakeError(ErrorCode::kAlreadyExists, "the role binding already exists");
  }
  state_.role_bindings.emplace(created.id, created);
  ++state_.generation;
  return created;
}

Result<std::vector<RoleBinding>> MemoryMetadataStore::ListRoleBindings(
    const RoleBindingFilter& filter) {
  const std::lock_guard lock(mutex_);
  std::vector<RoleBinding> out;
  for (const auto& [id, binding] : state_.role_bindings) {
    if ((filter.org_uid.empty() || binding.org_uid == filter.org_uid) &&
        (filter.identity_id.empty() || binding.identity_id == filter.identity_id)) {
      out.push_back(binding);
    }
  }
  SortByCreation(out, &RoleBinding::id);
  return out;
}

Status MemoryMetadataStore::DeleteRoleBinding(std::string_view id) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.role_bindings.find(id);
  if (it == state_.role_bindings.end()) {
    return MakeError(ErrorCode::kNotFound, "role binding " + QuoteForMessage(id) + " not found");
  }
  state_.role_bindings.erase(it);
  ++state_.generation;
  return OkStatus();
}

Result<int64_t> MemoryMetadataStore::AppendAudit(const AuditEvent& event) {
  const std::lock_guard lock(mutex_);
  AuditEvent stored = event;
  stored.id = ++state_.last_audit_id;
  state_.audit.emplace(stored.id, stored);
  return stored.id;  // the audit log does not move the change counter
}

Status MemoryMetadataStore::AppendAuditBatch(std::span<const AuditEvent> events) {
  const std::lock_guard lock(mutex_);
  for (const AuditEvent& event : events) {
    AuditEvent stored = event;
    stored.id = ++state_.last_audit_id;
    state_.audit.emplace(stored.id, std::move(stored));
  }
  return OkStatus();
}

Result<std::vector<AuditEvent>> MemoryMetadataStore::ListAudit(const AuditQuery& query) {
  const std::lock_guard lock(mutex_);
  std::vector<AuditEvent> out;
  for (const auto& [id, event] : state_.audit) {
    if ((query.org_uid.empty() || event.org_uid == query.org_uid) &&
        (!query.kind || event.kind == *query.kind) && event.time >= query.since) {
      out.push_back(event);
    }
  }
  std::sort(out.begin(), out.end(), [](const AuditEvent& a, const AuditEvent& b) {
    return std::tie(a.time, a.id) > std::tie(b.time, b.id);
  });
  if (query.limit != 0 && out.size() > query.limit) {
    out.resize(query.limit);
  }
  return out;
}

Result<int64_t> MemoryMetadataStore::PruneAudit(int64_t before) {
  const std::lock_guard lock(mutex_);
  return static_cast<int64_t>(
      std::erase_if(state_.audit, [&](const auto& entry) { return entry.second.time < before; }));
}

Result<std::string> MemoryMetadataStore::GetSetting(std::string_view key) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.settings.find(key);
  if (it == state_.settings.end()) {
    return MakeError(ErrorCode::kNotFound, "setting " + QuoteForMessage(key) + " not found");
  }
  return it->second;
}

Status MemoryMetadataStore::SetSetting(std::string_view key, std::string_view value) {
  APKD_RETURN_IF_ERROR(CheckLabel("setting key", key));
  const std::lock_guard lock(mutex_);
  state_.settings.insert_or_assign(std::string(key), std::string(value));
  ++state_.generation;
  return OkStatus();
}

Result<std::vector<Setting>> MemoryMetadataStore::ListSettings() {
  const std::lock_guard lock(mutex_);
  std::vector<Setting> out;
  for (const auto& [key, value] : state_.settings) {
    out.push_back({.key = key, .value = value});
  }
  return out;
}

}  // namespace apkd::storage
