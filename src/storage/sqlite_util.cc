#include "storage/sqlite_util.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace apkd::storage::sqlite {
namespace {

// SQLITE_TRANSIENT (SQLite copies the bound bytes) without the macro's C-style cast.
sqlite3_destructor_type TransientDestructor() {
  return reinterpret_cast<sqlite3_destructor_type>(  // NOLINT(performance-no-int-to-ptr): the
      static_cast<intptr_t>(-1));                    // sentinel value SQLite documents
}

constexpr int kPrimaryCodeMask = 0xff;

}  // namespace

ErrorCode CodeFor(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::kNotFound;
    default:
      break;
  }
  switch (rc & kPrimaryCodeMask) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kUnavailable;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return ErrorCode::kInvalidArgument;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ErrorCode::kIoError;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kCorrupt;
    default:
      return ErrorCode::kInternal;
  }
}

Error ToError(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return MakeError(CodeFor(rc), std::move(message));
}

Query::Query(sqlite3* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use) {}

Query::Query(Query&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      next_param_(other.next_param_),
      bind_rc_(other.bind_rc_) {}

Query::~Query() {
  if (stmt_ == nullptr) {
    return;
  }
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

Query& Query::Bind(std::string_view text) {
  const int index = next_param_++;
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), TransientDestructor(),
                                   SQLITE_UTF8);
  }
  return *this;
}

Query& Query::Bind(int64_t value) {
  const int index = next_param_++;
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = sqlite3_bind_int64(stmt_, index, value);
  }
  return *this;
}

Result<bool> Query::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return ToError(db_, bind_rc_, "binding a parameter");
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return ToError(db_, rc, "running a statement");
}

Status Query::Run() {
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, Step());
    if (!has_row) {
      return OkStatus();
    }
  }
}

std::string Query::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int bytes = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr || bytes <= 0) {
    return {};
  }
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(bytes)};
}

int64_t Query::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error error = ToError(db, rc, "opening database " + path);
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) {
    sqlite3_finalize(cached->stmt);
  }
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return ToError(db_, rc, "executing SQL");
  }
  return OkStatus();
}

Result<Query> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use) {
    it->second->in_use = true;
    return Query(db_, it->second->stmt, &it->second->in_use);
  }
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeError(ErrorCode::kInvalidArgument, "SQL statement too long");
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return ToError(db_, rc, "preparing a statement");
  }
  if (it != cache_.end()) {
    return Query(db_, stmt, nullptr);  // nested use of a cached statement
  }
  auto cached = std::make_unique<Cached>();
  cached->stmt = stmt;
  cached->in_use = true;
  bool* in_use = &cached->in_use;
  cache_.emplace(std::string(sql), std::move(cached));
  return Query(db_, stmt, in_use);
}

Result<std::string> Connection::PragmaValue(std::string_view pragma) {
  APKD_ASSIGN_OR_RETURN(Query query, Prepare("PRAGMA " + std::string(pragma)));
  APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
  if (!has_row) {
    return std::string();
  }
  return query.Text(0);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

int64_t Connection::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<Transaction> Transaction::Begin(Connection& db, Mode mode) {
  APKD_RETURN_IF_ERROR(db.Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->InTransaction()) {
    static_cast<void>(db_->Exec("ROLLBACK"));
  }
}

Status Transaction::Commit() {
  Connection* db = std::exchange(db_, nullptr);
  Status status = db->Exec("COMMIT");
  if (!status.ok() && db->InTransaction()) {
    static_cast<void>(db->Exec("ROLLBACK"));
  }
  return status;
}

}  // namespace apkd::storage::sqlite
