// SqliteMetadataStore: opening, pragmas, schema migrations and the change counter.
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite_store_impl.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

// Migration N brings the schema from version N-1 to N. Append only; never edit a released one.
// Conventions kept portable to PostgreSQL: "" (not NULL) means "no org", so that unique keys
// over org_uid work; times are integer seconds; org references that may be "" are plain columns
// (DeleteOrg removes those rows itself), the others are foreign keys with ON DELETE CASCADE.
constexpr const char* kMigrations[] = {
    // 1: initial schema.
    R"sql(
CREATE TABLE generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO generation (id, value) VALUES (1, 0);

CREATE TABLE orgs (
  uid TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE images (name TEXT PRIMARY KEY) STRICT;
CREATE TABLE image_packages (
  image TEXT NOT NULL REFERENCES images (name) ON DELETE CASCADE,
  package_name TEXT NOT NULL,
  PRIMARY KEY (image, package_name)
) STRICT;
CREATE INDEX image_packages_by_package ON image_packages (package_name);

CREATE TABLE entitlements (
  org_uid TEXT NOT NULL REFERENCES orgs (uid) ON DELETE CASCADE,
  image TEXT NOT NULL REFERENCES images (name) ON DELETE CASCADE,
  PRIMARY KEY (org_uid, image)
) STRICT;
CREATE INDEX entitlements_by_image ON entitlements (image);

CREATE TABLE base_set (package_name TEXT PRIMARY KEY) STRICT;

CREATE TABLE packages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_uid TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  arch TEXT NOT NULL,
  checksum TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  blob_key TEXT NOT NULL,
  record_text TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  UNIQUE (org_uid, name, version, arch)
) STRICT;
CREATE INDEX packages_by_org_arch ON packages (org_uid, arch, name);
CREATE INDEX packages_by_name_arch ON packages (name, arch);
CREATE INDEX packages_by_blob ON packages (blob_key);

CREATE TABLE signing_keys (
  org_uid TEXT NOT NULL,
  key_name TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  public_pem TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'retiring', 'retired')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_uid, key_name)
) STRICT;

CREATE TABLE identities (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'pull_token', 'assumable')),
  name TEXT NOT NULL,
  org_uid TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  subject_pattern TEXT NOT NULL,
  audience_pattern TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX identities_user_name ON identities (name) WHERE kind = 'user';
CREATE INDEX identities_by_org ON identities (org_uid);
CREATE INDEX identities_by_issuer ON identities (issuer);

CREATE TABLE custom_roles (
  org_uid TEXT NOT NULL REFERENCES orgs (uid) ON DELETE CASCADE,
  name TEXT NOT NULL,
  capabilities TEXT NOT NULL,
  PRIMARY KEY (org_uid, name)
) STRICT;

CREATE TABLE role_bindings (
  id TEXT PRIMARY KEY,
  identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  org_uid TEXT NOT NULL REFERENCES orgs (uid) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  UNIQUE (identity_id, role, org_uid)
) STRICT;
CREATE INDEX role_bindings_by_org ON role_bindings (org_uid, role);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('download', 'denied', 'admin')),
  identity_id TEXT NOT NULL,
  org_uid TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  arch TEXT NOT NULL,
  source_address TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_time ON audit_events (time);
CREATE INDEX audit_by_org ON audit_events (org_uid, time);

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
)sql",
    // 2: assumable identities: exact audience, claim patterns and inline issuer keys.
    R"sql(
ALTER TABLE identities ADD COLUMN audience TEXT NOT NULL DEFAULT '';
ALTER TABLE identities ADD COLUMN claim_patterns TEXT NOT NULL DEFAULT '';
ALTER TABLE identities ADD COLUMN issuer_keys TEXT NOT NULL DEFAULT '';
)sql",
};

constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

Status ApplyPragmas(sqlite::Connection& db, const SqliteOptions& options) {
  APKD_RETURN_IF_ERROR(
      db.Exec(("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms)).c_str()));
  APKD_ASSIGN_OR_RETURN(const std::string journal, db.PragmaValue("journal_mode = WAL"));
  if (journal != "wal") {
    return MakeError(ErrorCode::kIoError,
                     "the database cannot use WAL journaling (journal_mode is " + journal + ")");
  }
  return db.Exec(
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA trusted_schema = OFF;");
}

Result<int64_t> SchemaVersion(sqlite::Connection& db) {
  APKD_ASSIGN_OR_RETURN(sqlite::Query query,
                        db.Prepare("SELECT coalesce(max(version), 0) FROM schema_version"));
  APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
  return has_row ? query.Int(0) : 0;
}

Status ApplyMigration(sqlite::Connection& db, int64_t version) {
  APKD_RETURN_IF_ERROR(db.Exec(kMigrations[static_cast<size_t>(version - 1)]));
  APKD_ASSIGN_OR_RETURN(sqlite::Query record,
                        db.Prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, "
                                   "CAST(strftime('%s', 'now') AS INTEGER))"));
  return record.Bind(version).Run();
}

// Applies the missing migrations, each in its own transaction with its schema_version row.
Status Migrate(sqlite::Connection& db) {
  APKD_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_version ("
              " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT"));
  while (true) {
    APKD_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                          sqlite::Transaction::Begin(db, sqlite::Transaction::Mode::kWrite));
    APKD_ASSIGN_OR_RETURN(const int64_t version, SchemaVersion(db));  // re-read under the lock
    if (version > kSchemaVersion) {
      return MakeError(ErrorCode::kUnavailable,
                       "database schema version " + std::to_string(version) +
                           " is newer than this apkd supports (" + std::to_string(kSchemaVersion) +
                           "); upgrade apkd");
    }
    if (version == kSchemaVersion) {
      return tx.Commit();
    }
    APKD_RETURN_IF_ERROR(ApplyMigration(db, version + 1));
    APKD_RETURN_IF_ERROR(tx.Commit());
  }
}

}  // namespace

SqliteMetadataStore::SqliteMetadataStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteMetadataStore::~SqliteMetadataStore() = default;

int SqliteMetadataStore::CurrentSchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(
    const std::string& path, const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>();
  APKD_ASSIGN_OR_RETURN(impl->db, sqlite::Connection::Open(path));
  const auto with_context = [&](const Error& error) { return error.WithContext(path); };
  Status status = ApplyPragmas(*impl->db, options);
  if (status.ok()) {
    status = Migrate(*impl->db);
  }
  if (!status.ok()) {
    return with_context(status.error());
  }
  return std::unique_ptr<SqliteMetadataStore>(new SqliteMetadataStore(std::move(impl)));
}

Status SqliteMetadataStore::Impl::BumpGeneration(sqlite::Connection& db) {
  APKD_ASSIGN_OR_RETURN(sqlite::Query query,
                        db.Prepare("UPDATE generation SET value = value + 1 WHERE id = 1"));
  return query.Run();
}

Result<int64_t> SqliteMetadataStore::Impl::Generation(sqlite::Connection& db) {
  APKD_ASSIGN_OR_RETURN(sqlite::Query query,
                        db.Prepare("SELECT value FROM generation WHERE id = 1"));
  APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
  if (!has_row) {
    return MakeError(ErrorCode::kCorrupt, "the generation row is missing");
  }
  return query.Int(0);
}

Result<bool> SqliteMetadataStore::Impl::OrgExists(sqlite::Connection& db, std::string_view uid) {
  APKD_ASSIGN_OR_RETURN(sqlite::Query query, db.Prepare("SELECT 1 FROM orgs WHERE uid = ?"));
  return query.Bind(uid).Step();
}

Status SqliteMetadataStore::Impl::RequireOrg(sqlite::Connection& db, std::string_view uid) {
  APKD_ASSIGN_OR_RETURN(const bool exists, OrgExists(db, uid));
  if (!exists) {
    return MakeError(ErrorCode::kNotFound, "organization " + QuoteForMessage(uid) + " not found");
  }
  return OkStatus();
}

Status SqliteMetadataStore::Impl::RequireScope(sqlite::Connection& db, std::string_view org_uid) {
  if (org_uid.empty()) {
    return OkStatus();
  }
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  return RequireOrg(db, org_uid);
}

Status SqliteMetadataStore::Impl::AlreadyExistsAs(Status status, const std::string& message) {
  if (!status.ok() && status.error().code() == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists, message);
  }
  return status;
}

Result<int64_t> SqliteMetadataStore::ChangeCounter() {
  return impl_->Read([](sqlite::Connection& db) { return Impl::Generation(db); });
}

uint64_t SqliteMetadataStore::LocalChangeCount() const {
  return impl_->local_changes.load(std::memory_order_acquire);
}

}  // namespace apkd::storage
