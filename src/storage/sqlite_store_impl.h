// Internal to src/storage: the state behind SqliteMetadataStore and the helpers its .cc files
// share (locking, transactions, generation bump). Everything here runs with Impl::mutex held.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "storage/sqlite_metadata_store.h"
#include "storage/sqlite_util.h"

namespace apkd::storage {

struct SqliteMetadataStore::Impl {
  std::mutex mutex;
  std::unique_ptr<sqlite::Connection> db;  // guarded by mutex
  std::atomic<uint64_t> local_changes{0};  // committed mutations; read without the mutex

  // Runs body(db, changed) in one write transaction under the mutex. On success, bumps the
  // generation (unless the body set `changed` to false: a no-op) and commits; on error, rolls
  // back. Returns the body's Status or Result.
  template <typename Body>
  auto Write(Body&& body) -> std::invoke_result_t<Body&, sqlite::Connection&, bool&> {
    const std::lock_guard lock(mutex);
    auto tx = sqlite::Transaction::Begin(*db, sqlite::Transaction::Mode::kWrite);
    if (!tx.ok()) {
      return tx.error();
    }
    bool changed = true;
    auto result = body(*db, changed);
    if (!result.ok()) {
      return result;
    }
    if (changed) {
      Status bumped = BumpGeneration(*db);
      if (!bumped.ok()) {
        return bumped.error();
      }
    }
    Status committed = tx->Commit();
    if (!committed.ok()) {
      return committed.error();
    }
    if (changed) {
      local_changes.fetch_add(1, std::memory_order_release);
    }
    return result;
  }

  // Runs body(db) under the mutex; with `snapshot`, inside one read transaction so that several
  // statements see the same state even while other processes write.
  template <typename Body>
  auto Read(Body&& body, bool snapshot = false)
      -> std::invoke_result_t<Body&, sqlite::Connection&> {
    const std::lock_guard lock(mutex);
    if (!snapshot) {
      return body(*db);
    }
    auto tx = sqlite::Transaction::Begin(*db, sqlite::Transaction::Mode::kRead);
    if (!tx.ok()) {
      return tx.error();
    }
    auto result = body(*db);
    if (result.ok()) {
      Status committed = tx->Commit();
      if (!committed.ok()) {
        return committed.error();
      }
    }
    return result;
  }

  static Status BumpGeneration(sqlite::Connection& db);
  static Result<int64_t> Generation(sqlite::Connection& db);
  // Whether the org with this uid exists.
  static Result<bool> OrgExists(sqlite::Connection& db, std::string_view uid);
  // OK if it exists, else kNotFound.
  static Status RequireOrg(sqlite::Connection& db, std::string_view uid);
  // OK for "" (no org) or an existing org; kInvalidArgument or kNotFound otherwise.
  static Status RequireScope(sqlite::Connection& db, std::string_view org_uid);
  // `status` with its message replaced when it is kAlreadyExists (constraint messages are terse).
  static Status AlreadyExistsAs(Status status, const std::string& message);
  // Package names of the org's entitled images plus the base set, sorted, unique.
  static Result<std::vector<std::string>> EntitledNames(sqlite::Connection& db,
                                                        std::string_view org_uid);
};

}  // namespace apkd::storage
