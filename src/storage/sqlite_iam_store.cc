// SqliteMetadataStore: identities, custom roles and role bindings.
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite_store_impl.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

using sqlite::Connection;
using sqlite::Query;

#define APKD_IDENTITY_COLUMNS                                                                  \
  "id, kind, name, org_uid, secret_hash, issuer, subject, subject_pattern, audience_pattern, " \
  "expires_at, created_at, audience, claim_patterns, issuer_keys"

Error Corrupt(std::string_view what) {
  return MakeError(ErrorCode::kCorrupt, "unexpected " + std::string(what) + " in the database");
}

Result<std::vector<Identity>> Identities(Query& query) {
  std::vector<Identity> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    const std::optional<IdentityKind> kind = ParseIdentityKind(query.Text(1));
    if (!kind) {
      return Corrupt("identity kind");
    }
    out.push_back({.id = query.Text(0),
                   .kind = *kind,
                   .name = query.Text(2),
                   .org_uid = query.Text(3),
                   .secret_hash = query.Text(4),
                   .issuer = query.Text(5),
                   .subject = query.Text(6),
                   .subject_pattern = query.Text(7),
                   .audience_pattern = query.Text(8),
                   .audience = query.Text(11),
                   .claim_patterns = query.Text(12),
                   .issuer_keys = query.Text(13),
                   .expires_at = query.Int(9),
                   .created_at = query.Int(10)});
  }
}

Result<std::vector<RoleBinding>> RoleBindings(Query& query) {
  std::vector<RoleBinding> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    out.push_back({.id = query.Text(0),
                   .identity_id = query.Text(1),
                   .role = query.Text(2),
                   .org_uid = query.Text(3),
                   .created_at = query.Int(4)});
  }
}

Result<std::vector<CustomRole>> CustomRoles(Query& query) {
  std::vector<CustomRole> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    out.push_back({.org_uid = query.Text(0), .name = query.Text(1), .capabilities = query.Text(2)});
  }
}

Result<Identity> SelectOneIdentity(Connection& db, const char* where, std::string_view value) {
  APKD_ASSIGN_OR_RETURN(
      Query query,
      db.Prepare(std::string("SELECT " APKD_IDENTITY_COLUMNS " FROM identities ") + where));
  query.Bind(value);
  APKD_ASSIGN_OR_RETURN(std::vector<Identity> found, Identities(query));
  if (found.empty()) {
    return MakeError(ErrorCode::kNotFound, "identity " + QuoteForMessage(value) + " not found");
  }
  return std::move(found.front());
}

Status UserNameFree(Connection& db, const Identity& identity) {
  if (identity.kind != IdentityKind::kUser) {
    return OkStatus();
  }
  APKD_ASSIGN_OR_RETURN(
      Query query,
      db.Prepare("SELECT 1 FROM identities WHERE kind = 'user' AND name = ? AND id <> ?"));
  APKD_ASSIGN_OR_RETURN(const bool taken, query.Bind(identity.name).Bind(identity.id).Step());
  if (taken) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "user " + QuoteForMessage(identity.name) + " already exists");
  }
  return OkStatus();
}

}  // namespace

Result<Identity> SqliteMetadataStore::CreateIdentity(const Identity& identity) {
  Identity created = identity;
  if (created.id.empty()) {
    created.id = NewUid();
  }
  APKD_RETURN_IF_ERROR(CheckIdentity(created));
  return impl_->Write([&](Connection& db, bool&) -> Result<Identity> {
    APKD_RETURN_IF_ERROR(Impl::RequireScope(db, created.org_uid));
    APKD_RETURN_IF_ERROR(UserNameFree(db, created));
    APKD_ASSIGN_OR_RETURN(Query insert,
                          db.Prepare("INSERT INTO identities (" APKD_IDENTITY_COLUMNS
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    APKD_RETURN_IF_ERROR(Impl::AlreadyExistsAs(insert.Bind(created.id)
                                                   .Bind(IdentityKindName(created.kind))
                                                   .Bind(created.name)
                                                   .Bind(created.org_uid)
                                                   .Bind(created.secret_hash)
                                                   .Bind(created.issuer)
                                                   .Bind(created.subject)
                                                   .Bind(created.subject_pattern)
                                                   .Bind(created.audience_pattern)
                                                   .Bind(created.expires_at)
                                                   .Bind(created.created_at)
                                                   .Bind(created.audience)
                                                   .Bind(created.claim_patterns)
                                                   .Bind(created.issuer_keys)
                                                   .Run(),
                                               "identity " + created.id + " already exists"));
    return created;
  });
}

Result<Identity> SqliteMetadataStore::GetIdentity(std::string_view id) {
  return impl_->Read([&](Connection& db) { return SelectOneIdentity(db, "WHERE id = ?", id); });
}

Result<Identity> SqliteMetadataStore::FindUser(std::string_view name) {
  return impl_->Read([&](Connection& db) {
    return SelectOneIdentity(db, "WHERE kind = 'user' AND name = ?", name);
  });
}

Result<std::vector<Identity>> SqliteMetadataStore::ListIdentities(const IdentityFilter& filter) {
  std::string sql = "SELECT " APKD_IDENTITY_COLUMNS " FROM identities WHERE 1 = 1";
  std::vector<std::string> params;
  if (filter.org_uid.has_value()) {
    sql += " AND org_uid = ?";
    params.push_back(*filter.org_uid);
  }
  if (filter.kind.has_value()) {
    sql += " AND kind = ?";
    params.emplace_back(IdentityKindName(*filter.kind));
  }
  if (!filter.issuer.empty()) {
    sql += " AND issuer = ?";
    params.push_back(filter.issuer);
  }
  sql += " ORDER BY created_at, id";
  return impl_->Read([&](Connection& db) -> Result<std::vector<Identity>> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare(sql));
    for (const std::string& param : params) {
      query.Bind(param);
    }
    return Identities(query);
  });
}

Status SqliteMetadataStore::UpdateIdentity(const Identity& identity) {
  APKD_RETURN_IF_ERROR(CheckUid("identity id", identity.id));
  APKD_RETURN_IF_ERROR(CheckIdentity(identity));
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(const Identity existing,
                          SelectOneIdentity(db, "WHERE id = ?", identity.id));
    if (existing.kind != identity.kind) {
      return MakeError(ErrorCode::kInvalidArgument, "the kind of an identity cannot change");
    }
    APKD_RETURN_IF_ERROR(Impl::RequireScope(db, identity.org_uid));
    APKD_RETURN_IF_ERROR(UserNameFree(db, identity));
    APKD_ASSIGN_OR_RETURN(
        Query update,
        db.Prepare("UPDATE identities SET name = ?, org_uid = ?, secret_hash = ?, issuer = ?, "
                   "subject = ?, subject_pattern = ?, audience_pattern = ?, expires_at = ?, "
                   "audience = ?, claim_patterns = ?, issuer_keys = ? WHERE id = ?"));
    return update.Bind(identity.name)
        .Bind(identity.org_uid)
        .Bind(identity.secret_hash)
        .Bind(identity.issuer)
        .Bind(identity.subject)
        .Bind(identity.subject_pattern)
        .Bind(identity.audience_pattern)
        .Bind(identity.expires_at)
        .Bind(identity.audience)
        .Bind(identity.claim_patterns)
        .Bind(identity.issuer_keys)
        .Bind(identity.id)
        .Run();
  });
}

Status SqliteMetadataStore::DeleteIdentity(std::string_view id) {
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(Query del, db.Prepare("DELETE FROM identities WHERE id = ?"));
    APKD_RETURN_IF_ERROR(del.Bind(id).Run());  // role bindings cascade
    if (db.Changes() == 0) {
      return MakeError(ErrorCode::kNotFound, "identity " + QuoteForMessage(id) + " not found");
    }
    return OkStatus();
  });
}

Status SqliteMetadataStore::CreateCustomRole(const CustomRole& role) {
  APKD_RETURN_IF_ERROR(CheckCustomRole(role));
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, role.org_uid));
    APKD_ASSIGN_OR_RETURN(
        Query insert,
        db.Prepare("INSERT INTO custom_roles (org_uid, name, capabilities) VALUES (?, ?, ?)"));
    return Impl::AlreadyExistsAs(
        insert.Bind(role.org_uid).Bind(role.name).Bind(role.capabilities).Run(),
        "role " + QuoteForMessage(role.name) + " already exists");
  });
}

Result<CustomRole> SqliteMetadataStore::GetCustomRole(std::string_view org_uid,
                                                      std::string_view name) {
  return impl_->Read([&](Connection& db) -> Result<CustomRole> {
    APKD_ASSIGN_OR_RETURN(Query query,
                          db.Prepare("SELECT org_uid, name, capabilities FROM custom_roles "
                                     "WHERE org_uid = ? AND name = ?"));
    query.Bind(org_uid).Bind(name);
    APKD_ASSIGN_OR_RETURN(std::vector<CustomRole> roles, CustomRoles(query));
    if (roles.empty()) {
      return MakeError(ErrorCode::kNotFound, "role " + QuoteForMessage(name) + " not found");
    }
    return std::move(roles.front());
  });
}

Result<std::vector<CustomRole>> SqliteMetadataStore::ListCustomRoles(std::string_view org_uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  return impl_->Read([&](Connection& db) -> Result<std::vector<CustomRole>> {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, org_uid));
    APKD_ASSIGN_OR_RETURN(Query query,
                          db.Prepare("SELECT org_uid, name, capabilities FROM custom_roles "
                                     "WHERE org_uid = ? ORDER BY name"));
    query.Bind(org_uid);
    return CustomRoles(query);
  });
}

Status SqliteMetadataStore::DeleteCustomRole(std::string_view org_uid, std::string_view name) {
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(Query del,
                          db.Prepare("DELETE FROM custom_roles WHERE org_uid = ? AND name = ?"));
    APKD_RETURN_IF_ERROR(del.Bind(org_uid).Bind(name).Run());
    if (db.Changes() == 0) {
      return MakeError(ErrorCode::kNotFound, "role " + QuoteForMessage(name) + " not found");
    }
    APKD_ASSIGN_OR_RETURN(Query unbind,
                          db.Prepare("DELETE FROM role_bindings WHERE org_uid = ? AND role = ?"));
    return unbind.Bind(org_uid).Bind(name).Run();
  });
}

Result<RoleBinding> SqliteMetadataStore::CreateRoleBinding(const RoleBinding& binding) {
  RoleBinding created = binding;
  if (created.id.empty()) {
    created.id = NewUid();
  }
  APKD_RETURN_IF_ERROR(CheckRoleBinding(created));
  return impl_->Write([&](Connection& db, bool&) -> Result<RoleBinding> {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, created.org_uid));
    APKD_RETURN_IF_ERROR(SelectOneIdentity(db, "WHERE id = ?", created.identity_id).status());
    APKD_ASSIGN_OR_RETURN(
        Query insert,
        db.Prepare("INSERT INTO role_bindings (id, identity_id, role, org_uid, created_at) "
                   "VALUES (?, ?, ?, ?, ?)"));
    APKD_RETURN_IF_ERROR(Impl::AlreadyExistsAs(insert.Bind(created.id)
                                                   .Bind(created.identity_id)
                                                   .Bind(created.role)
                                                   .Bind(created.org_uid)
                                                   .Bind(created.created_at)
                                                   .Run(),
                                               "the role binding already exists"));
    return created;
  });
}

Result<std::vector<RoleBinding>> SqliteMetadataStore::ListRoleBindings(
    const RoleBindingFilter& filter) {
  std::string sql =
      "SELECT id, identity_id, role, org_uid, created_at FROM role_bindings WHERE 1 = 1";
  std::vector<std::string> params;
  if (!filter.org_uid.empty()) {
    sql += " AND org_uid = ?";
    params.push_back(filter.org_uid);
  }
  if (!filter.identity_id.empty()) {
    sql += " AND identity_id = ?";
    params.push_back(filter.identity_id);
  }
  sql += " ORDER BY created_at, id";
  return impl_->Read([&](Connection& db) -> Result<std::vector<RoleBinding>> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare(sql));
    for (const std::string& param : params) {
      query.Bind(param);
    }
    return RoleBindings(query);
  });
}

Status SqliteMetadataStore::DeleteRoleBinding(std::string_view id) {
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(Query del, db.Prepare("DELETE FROM role_bindings WHERE id = ?"));
    APKD_RETURN_IF_ERROR(del.Bind(id).Run());
    if (db.Changes() == 0) {
      return MakeError(ErrorCode::kNotFound, "role binding " + QuoteForMessage(id) + " not found");
    }
    return OkStatus();
  });
}

#undef APKD_IDENTITY_COLUMNS

}  // namespace apkd::storage
