// IndexCache over the in-memory store: indexes follow the store, are signed by the org's keys,
// rewrite noarch, keep orgs apart, and are rebuilt only when their content changes.
#include "service/index_cache.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "format/apkindex_text.h"
#include "index/index_archive.h"
#include "index/keyring.h"
#include "storage/memory_metadata_store.h"

namespace apkd::service {
namespace {

std::shared_ptr<const crypto::Signer> TestSigner(const std::string& name) {
  static const crypto::PrivateKey key = *crypto::PrivateKey::Generate(2048);
  return std::make_shared<crypto::LocalSigner>(name, key);
}

storage::PackageRow Row(const std::string& org_uid, const std::string& name,
                        const std::string& version, const std::string& arch) {
  format::IndexRecord record;
  record.checksum = "Q1" + std::string(26, 'A') + std::to_string(name.size() % 10) + "=";
  record.name = name;
  record.version = version;
  record.arch = arch;
  record.size = 100;
  storage::PackageRow row;
  row.org_uid = org_uid;
  row.name = name;
  row.version = version;
  row.arch = arch;
  row.checksum = record.checksum;
  row.size = 100;
  row.blob_key = std::string(64, 'a');
  row.record_text = format::FormatIndexRecord(record);
  return row;
}

class IndexCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    acme_ = *store_.CreateOrg({.uid = "", .name = "acme", .created_at = 1});
    other_ = *store_.CreateOrg({.uid = "", .name = "other", .created_at = 1});
    ASSERT_TRUE(store_.PutImage({.name = "web", .packages = {"nginx", "docs"}}).ok());
    ASSERT_TRUE(store_.AddEntitlement({.org_uid = acme_.uid, .image = "web"}).ok());
  }

  std::vector<format::IndexRecord> Records(const std::string& org_uid, const std::string& arch) {
    auto served = cache_.Get(org_uid, arch);
    EXPECT_NE(served, nullptr);
    if (served == nullptr) {
      return {};
    }
    index::Keyring keyring;
    keyring.Add(signer_->key_name(), signer_->public_key());
    auto archive = index::ReadVerifiedIndex(*served->bytes, keyring);
    EXPECT_TRUE(archive.ok()) << archive.error().message();
    return archive.ok() ? archive->records : std::vector<format::IndexRecord>{};
  }

  storage::MemoryMetadataStore store_;
  std::shared_ptr<const crypto::Signer> signer_ = TestSigner("test.rsa.pub");
  IndexCache cache_{store_,
                    [this](std::string_view) {
                      return Result<std::vector<std::shared_ptr<const crypto::Signer>>>(
                          std::vector<std::shared_ptr<const crypto::Signer>>{signer_});
                    },
                    {.arches = {"x86_64", "aarch64"}, .description = "test", .now = nullptr}};
  storage::Org acme_;
  storage::Org other_;
};

TEST_F(IndexCacheTest, IndexesFollowEntitlementsPrivatePackagesAndNoarch) {
  ASSERT_TRUE(store_.InsertPackage(Row("", "nginx", "1.0-r0", "x86_64")).ok());
  ASSERT_TRUE(store_.InsertPackage(Row("", "nginx", "1.1-r0", "x86_64")).ok());
  ASSERT_TRUE(store_.InsertPackage(Row("", "docs", "1-r0", "noarch")).ok());
  ASSERT_TRUE(store_.InsertPackage(Row("", "secret", "1-r0", "x86_64")).ok());
  ASSERT_TRUE(store_.InsertPackage(Row(other_.uid, "mine", "2-r0", "x86_64")).ok());
  ASSERT_TRUE(cache_.RefreshAll().ok());

  const auto acme = Records(acme_.uid, "x86_64");
  ASSERT_EQ(acme.size(), 3U);  // docs, nginx 1.0, nginx 1.1 — not secret, not other's mine
  EXPECT_EQ(acme[0].name, "docs");
  EXPECT_EQ(acme[0].arch, "x86_64");  // noarch rewritten to the directory's arch
  EXPECT_EQ(acme[1].version, "1.0-r0");
  EXPECT_EQ(acme[2].version, "1.1-r0");
  const auto acme_arm = Records(acme_.uid, "aarch64");
  ASSERT_EQ(acme_arm.size(), 1U);
  EXPECT_EQ(acme_arm[0].arch, "aarch64");
  const auto other = Records(other_.uid, "x86_64");
  ASSERT_EQ(other.size(), 1U);
  EXPECT_EQ(other[0].name, "mine");
}

TEST_F(IndexCacheTest, RebuildsOnlyWhenContentChanges) {
  ASSERT_TRUE(store_.InsertPackage(Row("", "nginx", "1.0-r0", "x86_64")).ok());
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  const auto first = cache_.Get(acme_.uid, "x86_64");
  const uint64_t builds = cache_.builds();
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  EXPECT_EQ(cache_.builds(), builds);
  EXPECT_EQ(cache_.Get(acme_.uid, "x86_64"), first);  // the very same bytes

  ASSERT_TRUE(store_.InsertPackage(Row("", "nginx", "2.0-r0", "x86_64")).ok());
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  const auto second = cache_.Get(acme_.uid, "x86_64");
  EXPECT_NE(second->etag, first->etag);
  EXPECT_EQ(Records(acme_.uid, "x86_64").size(), 2U);
  // The old index is untouched: a reader holding it still has consistent bytes.
  EXPECT_EQ(first->package_count, 1U);

  ASSERT_TRUE(store_.WithdrawPackage("", "nginx", "1.0-r0", "x86_64").ok());
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  const auto after = Records(acme_.uid, "x86_64");
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after[0].version, "2.0-r0");
}

TEST_F(IndexCacheTest, OrgsWithTheSameViewShareTheDataMember) {
  ASSERT_TRUE(store_.AddEntitlement({.org_uid = other_.uid, .image = "web"}).ok());
  ASSERT_TRUE(store_.InsertPackage(Row("", "nginx", "1.0-r0", "x86_64")).ok());
  ASSERT_TRUE(cache_.RefreshAll().ok());
  EXPECT_EQ(cache_.Get(acme_.uid, "x86_64")->data_member,
            cache_.Get(other_.uid, "x86_64")->data_member);
}

TEST_F(IndexCacheTest, UnknownOrgOrArchHasNoIndex) {
  ASSERT_TRUE(cache_.RefreshAll().ok());
  EXPECT_EQ(cache_.Get("nope", "x86_64"), nullptr);
  EXPECT_EQ(cache_.Get(acme_.uid, "riscv64"), nullptr);
  EXPECT_NE(cache_.Get(acme_.uid, "x86_64"), nullptr);  // empty but valid
  EXPECT_TRUE(Records(acme_.uid, "x86_64").empty());
}

}  // namespace
}  // namespace apkd::service

namespace apkd::service {
namespace {

// AddPackage must leave every index exactly as a refresh from the whole view would.
class IndexCacheAddPackageTest : public IndexCacheTest {
 protected:
  // Inserts `row` and applies it the publish way.
  void Publish(const storage::PackageRow& row, const std::vector<std::string>& orgs) {
    auto inserted = store_.InsertPackage(row);
    ASSERT_TRUE(inserted.ok()) << inserted.error().message();
    ASSERT_TRUE(cache_.AddPackage(orgs, *inserted).ok());
  }
  // The records a cache built from scratch over the same store lists.
  std::vector<format::IndexRecord> Rebuilt(const std::string& org_uid, const std::string& arch) {
    IndexCache fresh(store_,
                     [this](std::string_view) {
                       return Result<std::vector<std::shared_ptr<const crypto::Signer>>>(
                           std::vector<std::shared_ptr<const crypto::Signer>>{signer_});
                     },
                     {.arches = {"x86_64", "aarch64"}, .description = "test", .now = nullptr});
    EXPECT_TRUE(fresh.Refresh(org_uid).ok());
    index::Keyring keyring;
    keyring.Add(signer_->key_name(), signer_->public_key());
    auto archive = index::ReadVerifiedIndex(*fresh.Get(org_uid, arch)->bytes, keyring);
    EXPECT_TRUE(archive.ok());
    return archive.ok() ? archive->records : std::vector<format::IndexRecord>{};
  }
  void ExpectSameAsRebuilt(const std::string& org_uid) {
    for (const std::string arch : {"x86_64", "aarch64"}) {
      SCOPED_TRACE(arch);
      EXPECT_EQ(Records(org_uid, arch), Rebuilt(org_uid, arch));
    }
  }
};

TEST_F(IndexCacheAddPackageTest, MatchesAFullRefresh) {
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(store_.InsertPackage(Row("", "nginx", "1." + std::to_string(i) + "-r0", "x86_64"))
                    .ok());
  }
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  ASSERT_TRUE(cache_.Refresh(other_.uid).ok());
  const uint64_t builds = cache_.builds();
  Publish(Row("", "nginx", "2.0-r0", "x86_64"), {acme_.uid});
  EXPECT_EQ(cache_.builds(), builds + 1) << "one arch";
  Publish(Row("", "docs", "3-r0", "noarch"), {acme_.uid});
  EXPECT_EQ(cache_.builds(), builds + 3) << "noarch: every arch";
  Publish(Row(other_.uid, "secret", "1-r0", "x86_64"), {other_.uid});
  ExpectSameAsRebuilt(acme_.uid);
  ExpectSameAsRebuilt(other_.uid);
  EXPECT_EQ(Records(acme_.uid, "x86_64").size(), 42U);
}

TEST_F(IndexCacheAddPackageTest, CompetingRowsAreLeftToAFullRefresh) {
  // The org's own build of a name-version wins over the catalog's noarch one, whatever order
  // they arrive in.
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  Publish(Row(acme_.uid, "nginx", "1.0-r0", "x86_64"), {acme_.uid});
  storage::PackageRow catalog = Row("", "nginx", "1.0-r0", "noarch");
  catalog.checksum = "Q1" + std::string(26, 'B') + "0=";
  catalog.record_text = "C:" + catalog.checksum + "\nP:nginx\nV:1.0-r0\nA:noarch\nS:100\n";
  Publish(catalog, {acme_.uid});
  ExpectSameAsRebuilt(acme_.uid);
  const auto x86 = Records(acme_.uid, "x86_64");
  ASSERT_EQ(x86.size(), 1U);
  EXPECT_NE(x86[0].checksum, catalog.checksum) << "the private build stays";
  EXPECT_EQ(Records(acme_.uid, "aarch64").size(), 1U) << "noarch fills the other arch";
}

TEST_F(IndexCacheAddPackageTest, ARowWithdrawnMeanwhileIsNotAdded) {
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  const storage::PackageRow row = Row("", "nginx", "1.0-r0", "x86_64");
  auto inserted = store_.InsertPackage(row);
  ASSERT_TRUE(inserted.ok());
  ASSERT_TRUE(store_.WithdrawPackage("", "nginx", "1.0-r0", "x86_64").ok());
  ASSERT_TRUE(cache_.AddPackage({acme_.uid}, *inserted).ok());
  EXPECT_TRUE(Records(acme_.uid, "x86_64").empty());
}

TEST_F(IndexCacheAddPackageTest, OrgsWithTheSameRecordsShareOneDataMember) {
  ASSERT_TRUE(store_.AddEntitlement({.org_uid = other_.uid, .image = "web"}).ok());
  ASSERT_TRUE(cache_.Refresh(acme_.uid).ok());
  ASSERT_TRUE(cache_.Refresh(other_.uid).ok());
  Publish(Row("", "nginx", "1.0-r0", "x86_64"), {acme_.uid, other_.uid});
  EXPECT_EQ(cache_.Get(acme_.uid, "x86_64")->data_member,
            cache_.Get(other_.uid, "x86_64")->data_member);
  Publish(Row(other_.uid, "own", "1-r0", "x86_64"), {other_.uid});
  EXPECT_NE(cache_.Get(acme_.uid, "x86_64")->data_member,
            cache_.Get(other_.uid, "x86_64")->data_member);
}

}  // namespace
}  // namespace apkd::service
