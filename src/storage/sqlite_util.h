// Internal to src/storage (the only code that includes <sqlite3.h>): RAII wrappers over the
// SQLite C API. Connection owns a database handle and a cache of prepared statements; Query is a
// statement in use, reset on destruction; Transaction rolls back unless committed.
// Not thread-safe: the owner (SqliteMetadataStore) serialises all use of a Connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "util/result.h"

namespace apkd::storage::sqlite {

// Maps an SQLite (extended) result code to an ErrorCode: busy/locked → kUnavailable, unique →
// kAlreadyExists, foreign key → kNotFound, other constraints → kInvalidArgument, I/O and full
// disk → kIoError, corrupt → kCorrupt, anything else → kInternal.
ErrorCode CodeFor(int rc);
// An Error for `rc` with SQLite's message for `db` (which names columns, never values).
Error ToError(sqlite3* db, int rc, std::string_view context);

class Query {
 public:
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // Binds the next parameter (?1, ?2, ... in call order). The first failure is kept and
  // reported by Step()/Run().
  Query& Bind(std::string_view text);
  Query& Bind(int64_t value);

  // true: a row is available through the column getters; false: done.
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();

  std::string Text(int column) const;
  int64_t Int(int column) const;

 private:
  friend class Connection;
  Query(sqlite3* db, sqlite3_stmt* stmt, bool* in_use);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // cache slot flag, or nullptr for an uncached statement (finalized by us)
  int next_param_ = 1;
  int bind_rc_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens (creating if needed) the database file with extended result codes on.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;
  ~Connection();

  // Runs one or more statements without parameters.
  Status Exec(const char* sql);
  // A prepared statement for `sql` (prepared once, then reused). If that statement is already
  // in use (nested use), a fresh uncached one is returned.
  Result<Query> Prepare(std::string_view sql);
  // The value of a PRAGMA that returns one row and column (e.g. "journal_mode").
  Result<std::string> PragmaValue(std::string_view pragma);

  int64_t Changes() const;
  int64_t LastInsertId() const;
  bool InTransaction() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Cached>, std::less<>> cache_;
};

// BEGIN IMMEDIATE (writers) or BEGIN (readers: a consistent snapshot) ... COMMIT.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  static Result<Transaction> Begin(Connection& db, Mode mode);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back if still open

  Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // nullptr once committed or moved from
};

}  // namespace apkd::storage::sqlite
