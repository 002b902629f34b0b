// SqliteMetadataStore: signing keys, the audit log and settings.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite_store_impl.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

using sqlite::Connection;
using sqlite::Query;

Error Corrupt(std::string_view what) {
  return MakeError(ErrorCode::kCorrupt, "unexpected " + std::string(what) + " in the database");
}

Result<std::vector<SigningKeyRow>> SigningKeys(Query& query) {
  std::vector<SigningKeyRow> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    const std::optional<KeyState> state = ParseKeyState(query.Text(4));
    if (!state) {
      return Corrupt("signing key state");
    }
    out.push_back({.org_uid = query.Text(0),
                   .key_name = query.Text(1),
                   .private_pem = query.Text(2),
                   .public_pem = query.Text(3),
                   .state = *state,
                   .created_at = query.Int(5)});
  }
}

Result<std::vector<AuditEvent>> AuditEvents(Query& query) {
  std::vector<AuditEvent> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    const std::optional<AuditKind> kind = ParseAuditKind(query.Text(2));
    if (!kind) {
      return Corrupt("audit event kind");
    }
    out.push_back({.id = query.Int(0),
                   .time = query.Int(1),
                   .kind = *kind,
                   .identity_id = query.Text(3),
                   .org_uid = query.Text(4),
                   .package = query.Text(5),
                   .version = query.Text(6),
                   .arch = query.Text(7),
                   .source_address = query.Text(8),
                   .user_agent = query.Text(9),
                   .detail = query.Text(10)});
  }
}

Status InsertAudit(Connection& db, const AuditEvent& event) {
  APKD_ASSIGN_OR_RETURN(
      Query insert,
      db.Prepare("INSERT INTO audit_events (time, kind, identity_id, org_uid, package, version, "
                 "arch, source_address, user_agent, detail) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  return insert.Bind(event.time)
      .Bind(AuditKindName(event.kind))
      .Bind(event.identity_id)
      .Bind(event.org_uid)
      .Bind(event.package)
      .Bind(event.version)
      .Bind(event.arch)
      .Bind(event.source_address)
      .Bind(event.user_agent)
      .Bind(event.detail)
      .Run();
}

}  // namespace

Status SqliteMetadataStore::AddSigningKey(const SigningKeyRow& key) {
  APKD_RETURN_IF_ERROR(CheckSigningKey(key));
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_RETURN_IF_ERROR(Impl::RequireScope(db, key.org_uid));
    APKD_ASSIGN_OR_RETURN(
        Query insert,
        db.Prepare("INSERT INTO signing_keys (org_uid, key_name, private_pem, public_pem, state, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    return Impl::AlreadyExistsAs(
        insert.Bind(key.org_uid)
            .Bind(key.key_name)
            .Bind(key.private_pem)
            .Bind(key.public_pem)
            .Bind(KeyStateName(key.state))
            .Bind(key.created_at)
            .Run(),
        "signing key " + QuoteForMessage(key.key_name) + " already exists");
  });
}

Result<std::vector<SigningKeyRow>> SqliteMetadataStore::ListSigningKeys(std::string_view org_uid) {
  return impl_->Read([&](Connection& db) -> Result<std::vector<SigningKeyRow>> {
    APKD_RETURN_IF_ERROR(Impl::RequireScope(db, org_uid));
    APKD_ASSIGN_OR_RETURN(
        Query query,
        db.Prepare("SELECT org_uid, key_name, private_pem, public_pem, state, created_at "
                   "FROM signing_keys WHERE org_uid = ? ORDER BY created_at, key_name"));
    query.Bind(org_uid);
    return SigningKeys(query);
  });
}

Status SqliteMetadataStore::SetSigningKeyState(std::string_view org_uid, std::string_view key_name,
                                               KeyState state) {
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(
        Query update,
        db.Prepare("UPDATE signing_keys SET state = ? WHERE org_uid = ? AND key_name = ?"));
    APKD_RETURN_IF_ERROR(update.Bind(KeyStateName(state)).Bind(org_uid).Bind(key_name).Run());
    if (db.Changes() == 0) {
      return MakeError(ErrorCode::kNotFound,
                       "signing key " + QuoteForMessage(key_name) + " not found");
    }
    return OkStatus();
  });
}

// The audit log does not move the change counter: it is written on every download and says
// nothing about what an index contains or who may read it.
Result<int64_t> SqliteMetadataStore::AppendAudit(const AuditEvent& event) {
  return impl_->Write([&](Connection& db, bool& changed) -> Result<int64_t> {
    changed = false;
    APKD_RETURN_IF_ERROR(InsertAudit(db, event));
    return db.LastInsertId();
  });
}

Status SqliteMetadataStore::AppendAuditBatch(std::span<const AuditEvent> events) {
  if (events.empty()) {
    return OkStatus();
  }
  return impl_->Write([&](Connection& db, bool& changed) -> Status {
    changed = false;
    for (const AuditEvent& event : events) {
      APKD_RETURN_IF_ERROR(InsertAudit(db, event));
    }
    return OkStatus();
  });
}

Result<std::vector<AuditEvent>> SqliteMetadataStore::ListAudit(const AuditQuery& query) {
  std::string sql =
      "SELECT id, time, kind, identity_id, org_uid, package, version, arch, source_address, "
      "user_agent, detail FROM audit_events WHERE 1 = 1";
  std::vector<std::string> params;
  if (!query.org_uid.empty()) {
    sql += " AND org_uid = ?";
    params.push_back(query.org_uid);
  }
  if (query.kind.has_value()) {
    sql += " AND kind = ?";
    params.emplace_back(AuditKindName(*query.kind));
  }
  if (query.since != 0) {
    sql += " AND time >= ?";
  }
  sql += " ORDER BY time DESC, id DESC LIMIT ?";
  const int64_t limit = query.limit == 0 ? -1 : static_cast<int64_t>(query.limit);
  return impl_->Read([&](Connection& db) -> Result<std::vector<AuditEvent>> {
    APKD_ASSIGN_OR_RETURN(Query select, db.Prepare(sql));
    for (const std::string& param : params) {
      select.Bind(param);
    }
    if (query.since != 0) {
      select.Bind(query.since);
    }
    select.Bind(limit);
    return AuditEvents(select);
  });
}

Result<int64_t> SqliteMetadataStore::PruneAudit(int64_t before) {
  return impl_->Write([&](Connection& db, bool& changed) -> Result<int64_t> {
    changed = false;
    APKD_ASSIGN_OR_RETURN(Query del, db.Prepare("DELETE FROM audit_events WHERE time < ?"));
    APKD_RETURN_IF_ERROR(del.Bind(before).Run());
    return db.Changes();
  });
}

Result<std::string> SqliteMetadataStore::GetSetting(std::string_view key) {
  return impl_->Read([&](Connection& db) -> Result<std::string> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare("SELECT value FROM settings WHERE key = ?"));
    APKD_ASSIGN_OR_RETURN(const bool found, query.Bind(key).Step());
    if (!found) {
      return MakeError(ErrorCode::kNotFound, "setting " + QuoteForMessage(key) + " not found");
    }
    return query.Text(0);
  });
}

Status SqliteMetadataStore::SetSetting(std::string_view key, std::string_view value) {
  APKD_RETURN_IF_ERROR(CheckLabel("setting key", key));
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(Query upsert,
                          db.Prepare("INSERT INTO settings (key, value) VALUES (?, ?) "
                                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    return upsert.Bind(key).Bind(value).Run();
  });
}

Result<std::vector<Setting>> SqliteMetadataStore::ListSettings() {
  return impl_->Read([&](Connection& db) -> Result<std::vector<Setting>> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare("SELECT key, value FROM settings ORDER BY key"));
    std::vector<Setting> out;
    while (true) {
      APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
      if (!has_row) {
        return out;
      }
      out.push_back({.key = query.Text(0), .value = query.Text(1)});
    }
  });
}

}  // namespace apkd::storage
