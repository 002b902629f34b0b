// The typed fixture that runs one behavioural suite against every MetadataStore: the in-memory
// fake and SQLite (a fresh database file per test). Plus small record builders.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "storage/blob_store.h"
#include "storage/memory_metadata_store.h"
#include "storage/sqlite_metadata_store.h"
#include "support/temp_dir.h"

namespace apkd::storage {

struct MemoryStoreFactory {
  static constexpr const char* kName = "Memory";
  static std::unique_ptr<MetadataStore> Make(const testing::TempDir&) {
    return std::make_unique<MemoryMetadataStore>();
  }
};

struct SqliteStoreFactory {
  static constexpr const char* kName = "Sqlite";
  static std::unique_ptr<MetadataStore> Make(const testing::TempDir& dir) {
    auto store = SqliteMetadataStore::Open(dir.File("metadata.db"));
    if (!store.ok()) {
      throw std::runtime_error(store.error().message());
    }
    return std::move(store).value();
  }
};

struct StoreNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using StoreFactories = ::testing::Types<MemoryStoreFactory, SqliteStoreFactory>;

// The value of a Result that must be OK; fails the test (by exception) otherwise.
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) {
    throw std::runtime_error("unexpected error: " + result.error().message());
  }
  return std::move(result).value();
}

inline void MustOk(const Status& status) {
  if (!status.ok()) {
    throw std::runtime_error("unexpected error: " + status.error().message());
  }
}

template <typename T>
ErrorCode CodeOf(const Result<T>& result) {
  return result.ok() ? throw std::runtime_error("expected an error, got OK")
                     : result.error().code();
}

inline ErrorCode CodeOf(const Status& status) {
  return status.ok() ? throw std::runtime_error("expected an error, got OK")
                     : status.error().code();
}

inline PackageRow MakePackage(std::string org_uid, std::string name, std::string version,
                              std::string arch, std::string checksum = "Q1aGVsbG8=") {
  PackageRow row;
  row.org_uid = std::move(org_uid);
  row.name = std::move(name);
  row.version = std::move(version);
  row.arch = std::move(arch);
  row.checksum = std::move(checksum);
  row.size = 1234;
  row.blob_key = BlobKeyOf(row.name + row.version + row.arch + row.checksum);
  row.record_text =
      "C:" + row.checksum + "\nP:" + row.name + "\nV:" + row.version + "\nA:" + row.arch + "\n";
  row.published_at = 1700000000;
  return row;
}

template <typename Factory>
class MetadataStoreTest : public ::testing::Test {
 protected:
  MetadataStoreTest() : store_(Factory::Make(dir_)) {}

  MetadataStore& store() { return *store_; }
  int64_t Counter() { return Must(store_->ChangeCounter()); }
  Org NewOrg(const std::string& name) {
    return Must(store_->CreateOrg({.uid = "", .name = name, .created_at = 1700000000}));
  }
  PackageRow Publish(const PackageRow& row) { return Must(store_->InsertPackage(row)); }

  testing::TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

}  // namespace apkd::storage
