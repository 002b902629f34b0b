// SqliteMetadataStore specifics: durability across reopen, schema versioning, what the real
// sqlite3 CLI sees (integrity, WAL), two stores on one file, refusing foreign or newer files.
#include "storage/sqlite_metadata_store.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/sqlite_util.h"
#include "support/run_command.h"
#include "unit/storage/metadata_store_fixture.h"
#include "util/file_io.h"

namespace apkd::storage {
namespace {

using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;

std::unique_ptr<SqliteMetadataStore> OpenDb(const std::string& path) {
  auto store = SqliteMetadataStore::Open(path);
  if (!store.ok()) {
    throw std::runtime_error(store.error().message());
  }
  return std::move(store).value();
}

bool HaveSqliteCli() { return RunCommand("command -v sqlite3").exit_code == 0; }

std::string Sqlite3(const std::string& db, const std::string& sql) {
  const auto result = RunCommand("sqlite3 " + ShellQuote(db) + " " + ShellQuote(sql));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

TEST(SqliteMetadataStoreTest, DataSurvivesReopen) {
  TempDir dir;
  const std::string path = dir.File("meta.db");
  Org org;
  PackageRow row;
  Identity user;
  int64_t counter = 0;
  {
    auto store = OpenDb(path);
    org = Must(store->CreateOrg({.name = "acme", .created_at = 7}));
    Must(store->PutImage({.name = "web", .packages = {"wget"}}));
    MustOk(store->AddEntitlement({.org_uid = org.uid, .image = "web"}));
    row = Must(store->InsertPackage(MakePackage("", "wget", "1-r0", "x86_64")));
    user = Must(store->CreateIdentity(
        {.kind = IdentityKind::kUser, .name = "alice", .secret_hash = "h", .created_at = 3}));
    MustOk(store->SetSetting("k", "v"));
    Must(store->AppendAudit({.time = 5, .kind = AuditKind::kAdmin, .detail = "created"}));
    counter = Must(store->ChangeCounter());
  }
  auto store = OpenDb(path);
  EXPECT_EQ(Must(store->FindOrg("acme")), org);
  EXPECT_EQ(Must(store->FindPackage("", "wget", "1-r0", "x86_64")), row);
  EXPECT_EQ(Must(store->FindUser("alice")), user);
  EXPECT_EQ(Must(store->GetSetting("k")), "v");
  EXPECT_EQ(Must(store->ListAudit({}))[0].detail, "created");
  EXPECT_EQ(Must(store->ReadRepository(org.uid, "x86_64")).packages, std::vector<PackageRow>{row});
  EXPECT_EQ(Must(store->ChangeCounter()), counter);  // never goes back across restarts
  MustOk(store->SetSetting("k", "w"));
  EXPECT_GT(Must(store->ChangeCounter()), counter);
}

// A child process publishes packages and reports each acknowledged one through a pipe; it is
// killed with SIGKILL mid-stream. Every acknowledged package must be there after reopening.
TEST(SqliteMetadataStoreTest, AcknowledgedPublishesSurviveSigkill) {
  TempDir dir;
  const std::string path = dir.File("meta.db");
  OpenDb(path).reset();  // create the schema before forking
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    auto store = SqliteMetadataStore::Open(path);
    for (int i = 0; store.ok(); ++i) {
      const auto row = (*store)->InsertPackage(MakePackage("", "p", std::to_string(i), "x86_64"));
      const char ack = row.ok() ? 'y' : 'n';
      if (::write(fds[1], &ack, 1) != 1) {
        break;
      }
    }
    ::_exit(1);
  }
  ::close(fds[1]);
  int acknowledged = 0;
  char ack = 0;
  while (acknowledged < 20 && ::read(fds[0], &ack, 1) == 1 && ack == 'y') {
    ++acknowledged;
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fds[0]);
  ASSERT_EQ(acknowledged, 20);
  auto store = OpenDb(path);
  for (int i = 0; i < acknowledged; ++i) {
    EXPECT_TRUE(store->FindPackage("", "p", std::to_string(i), "x86_64").ok()) << i;
  }
}

TEST(SqliteMetadataStoreTest, SqliteCliSeesAHealthyWalDatabase) {
  if (!HaveSqliteCli()) {
    GTEST_SKIP() << "sqlite3 CLI not installed (apt-get install sqlite3)";
  }
  TempDir dir;
  const std::string path = dir.File("meta.db");
  auto store = OpenDb(path);
  const Org org = Must(store->CreateOrg({.name = "acme"}));
  Must(store->InsertPackage(MakePackage(org.uid, "tool", "1-r0", "x86_64")));
  // While the store is open (WAL lets another process read) and after it is closed.
  EXPECT_EQ(Sqlite3(path, "PRAGMA integrity_check;"), "ok\n");
  EXPECT_EQ(Sqlite3(path, "PRAGMA journal_mode;"), "wal\n");
  EXPECT_EQ(Sqlite3(path, "SELECT name FROM orgs;"), "acme\n");
  store.reset();
  EXPECT_EQ(Sqlite3(path, "PRAGMA integrity_check;"), "ok\n");
  EXPECT_EQ(Sqlite3(path, "PRAGMA foreign_key_check;"), "");
  EXPECT_EQ(Sqlite3(path, "PRAGMA journal_mode;"), "wal\n");
  EXPECT_EQ(Sqlite3(path, "SELECT max(version) FROM schema_version;"),
            std::to_string(SqliteMetadataStore::CurrentSchemaVersion()) + "\n");
  EXPECT_EQ(Sqlite3(path, "SELECT name, version, arch FROM packages;"), "tool|1-r0|x86_64\n");
  // The catalog query uses the (org_uid, arch, name) index rather than scanning.
  const std::string plan = Sqlite3(
      path,
      "EXPLAIN QUERY PLAN SELECT id FROM packages WHERE org_uid = '' AND arch IN ('x86_64', "
      "'noarch') AND name IN (SELECT value FROM json_each('[\"a\"]'));");
  EXPECT_NE(plan.find("SEARCH packages USING"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN packages"), std::string::npos) << plan;
}

TEST(SqliteMetadataStoreTest, TwoStoresOnOneFileSeeEachOther) {
  TempDir dir;
  const std::string path = dir.File("meta.db");
  auto a = OpenDb(path);
  auto b = OpenDb(path);  // as a second process (or replica) would
  const int64_t before = Must(b->ChangeCounter());
  const Org org = Must(a->CreateOrg({.name = "acme"}));
  EXPECT_EQ(Must(b->FindOrg(org.uid)), org);
  EXPECT_GT(Must(b->ChangeCounter()), before);
  EXPECT_EQ(CodeOf(b->CreateOrg({.name = "acme"})), ErrorCode::kAlreadyExists);
}

TEST(SqliteMetadataStoreTest, RefusesANewerSchema) {
  TempDir dir;
  const std::string path = dir.File("meta.db");
  OpenDb(path).reset();
  {
    auto db = Must(sqlite::Connection::Open(path));
    MustOk(db->Exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)"));
  }
  auto store = SqliteMetadataStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message().find("999"), std::string::npos);
}

// A database written by schema version 1 (no audience, claim_patterns, issuer_keys columns) is
// migrated on open: its identities keep every old field and read the new ones as "".
TEST(SqliteMetadataStoreTest, MigratesVersionOneIdentities) {
  TempDir dir;
  const std::string path = dir.File("meta.db");
  OpenDb(path).reset();
  {
    auto db = Must(sqlite::Connection::Open(path));
    MustOk(db->Exec(
        "ALTER TABLE identities DROP COLUMN audience;"
        "ALTER TABLE identities DROP COLUMN claim_patterns;"
        "ALTER TABLE identities DROP COLUMN issuer_keys;"
        "DELETE FROM schema_version WHERE version > 1;"
        "INSERT INTO identities (id, kind, name, org_uid, secret_hash, issuer, subject, "
        "subject_pattern, audience_pattern, expires_at, created_at) VALUES "
        "('0123456789abcdef0123456789abcdef', 'assumable', 'gha', '', '', "
        "'https://token.actions.githubusercontent.com', '', 'repo:acme/.*', 'apk\\.x', 0, 7)"));
  }
  auto store = OpenDb(path);
  const Identity identity = Must(store->GetIdentity("0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(identity, (Identity{.id = "0123456789abcdef0123456789abcdef",
                                .kind = IdentityKind::kAssumable,
                                .name = "gha",
                                .issuer = "https://token.actions.githubusercontent.com",
                                .subject_pattern = "repo:acme/.*",
                                .audience_pattern = "apk\\.x",
                                .created_at = 7}));
  Identity updated = identity;
  updated.claim_patterns = R"({"ref":"main"})";
  MustOk(store->UpdateIdentity(updated));
  EXPECT_EQ(Must(store->GetIdentity(identity.id)), updated);
  EXPECT_EQ(SqliteMetadataStore::CurrentSchemaVersion(), 2);
}

TEST(SqliteMetadataStoreTest, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.Write("meta.db", std::string(4096, 'x'));
  auto store = SqliteMetadataStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kCorrupt);
  auto missing_dir = SqliteMetadataStore::Open(dir.File("no/such/dir/meta.db"));
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.error().code(), ErrorCode::kIoError);
}

TEST(SqliteMetadataStoreTest, ABusyWriterSurfacesAsUnavailable) {
  TempDir dir;
  const std::string path = dir.File("meta.db");
  auto store = SqliteMetadataStore::Open(path, {.busy_timeout_ms = 50});
  ASSERT_TRUE(store.ok());
  auto other = Must(sqlite::Connection::Open(path));
  MustOk(other->Exec("BEGIN IMMEDIATE"));  // another process holds the write lock
  EXPECT_EQ(CodeOf((*store)->CreateOrg({.name = "acme"})), ErrorCode::kUnavailable);
  EXPECT_TRUE(Must((*store)->ListOrgs()).empty());  // readers are not blocked
  MustOk(other->Exec("ROLLBACK"));
  EXPECT_TRUE((*store)->CreateOrg({.name = "acme"}).ok());
}

TEST(SqliteUtilTest, CachedStatementsSurviveNestedUse) {
  TempDir dir;
  auto db = Must(sqlite::Connection::Open(dir.File("t.db")));
  MustOk(db->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2);"));
  auto outer = Must(db->Prepare("SELECT v FROM t ORDER BY v"));
  ASSERT_TRUE(Must(outer.Step()));
  {
    auto inner = Must(db->Prepare("SELECT v FROM t ORDER BY v"));  // same SQL, still in use
    ASSERT_TRUE(Must(inner.Step()));
    EXPECT_EQ(inner.Int(0), 1);
  }
  EXPECT_EQ(outer.Int(0), 1);
  ASSERT_TRUE(Must(outer.Step()));
  EXPECT_EQ(outer.Int(0), 2);
  auto bad = db->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  auto mismatch = Must(db->Prepare("SELECT v FROM t WHERE v = ?"));
  mismatch.Bind(int64_t{1}).Bind(int64_t{2});  // one parameter too many: reported by Step
  EXPECT_EQ(CodeOf(mismatch.Step()), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace apkd::storage
