// The real `apkd serve`: withdrawing packages over the API, refusing malformed packages without
// storing anything, hostile request paths, and request-head size limits. Checked with curl,
// GNU tar and the file system (blob count); packages with one defect each come from
// support/package_parts.h.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/serve_harness.h"
#include "support/apkd_process.h"
#include "support/package_parts.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::Curl;
using testing::JsonField;
using testing::ServeClient;
using testing::ShellQuote;
using testing::TempDir;

constexpr size_t kKiB = 1024;

class ServePublishTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ApkdProcess();
    client_ = new ServeClient(*server_);
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    admin_ = client_->TokenFor(server_->secret());
    ASSERT_FALSE(admin_.empty());
    ASSERT_EQ(client_->Call(admin_, "POST", "/api/v1/orgs", R"({"name":"acme"})").status, 201);
  }
  static void TearDownTestSuite() {
    delete client_;
    delete server_;
    delete dir_;
  }

  // name-version pairs listed in the org's x86_64 index.
  static std::vector<std::string> Listed(const std::string& org) {
    const std::string file = dir_->File(org + "-index.tar.gz");
    EXPECT_EQ(client_->Download(admin_, "/" + org + "/x86_64/APKINDEX.tar.gz", file), 200);
    std::vector<std::string> out;
    for (const auto& record : testing::ParseIndexText(testing::TarEntryBody(file, "APKINDEX"))) {
      out.push_back(record.name + "-" + record.version);
    }
    return out;
  }
  static bool IsListed(const std::string& org, const std::string& name_version) {
    const auto listed = Listed(org);
    return std::find(listed.begin(), listed.end(), name_version) != listed.end();
  }
  static int Fetch(const std::string& path) {
    return client_->Download(admin_, path, dir_->File("fetched"));
  }

  static TempDir* dir_;
  static ApkdProcess* server_;
  static ServeClient* client_;
  static std::string admin_;
};
TempDir* ServePublishTest::dir_ = nullptr;
ApkdProcess* ServePublishTest::server_ = nullptr;
ServeClient* ServePublishTest::client_ = nullptr;
std::string ServePublishTest::admin_;

TEST_F(ServePublishTest, WithdrawPrivatePackage) {
  for (const char* version : {"1.0-r0", "1.1-r0"}) {
    auto r = client_->Upload(admin_, "/api/v1/orgs/acme/packages",
                             testing::WriteTestApk(*dir_, "mine", version));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  ASSERT_TRUE(IsListed("acme", "mine-1.0-r0"));
  ASSERT_EQ(Fetch("/acme/x86_64/mine-1.0-r0.apk"), 200);

  const std::string url = "/api/v1/orgs/acme/packages/x86_64/mine/1.0-r0";
  auto withdrawn = client_->Call(admin_, "DELETE", url);
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(JsonField(withdrawn.body, "name"), "mine");
  EXPECT_EQ(JsonField(withdrawn.body, "version"), "1.0-r0");
  EXPECT_FALSE(IsListed("acme", "mine-1.0-r0"));
  EXPECT_TRUE(IsListed("acme", "mine-1.1-r0")) << "only the named version goes";
  EXPECT_EQ(Fetch("/acme/x86_64/mine-1.0-r0.apk"), 404);
  EXPECT_EQ(Fetch("/acme/x86_64/mine-1.1-r0.apk"), 200);
  auto listing = client_->Call(admin_, "GET", "/api/v1/orgs/acme/packages");
  ASSERT_EQ(listing.status, 200);
  EXPECT_EQ(listing.body.find("\"1.0-r0\""), std::string::npos) << listing.body;
  auto again = client_->Call(admin_, "DELETE", url);
  EXPECT_EQ(again.status, 404) << again.body;
  EXPECT_EQ(
      client_->Call(admin_, "DELETE", "/api/v1/orgs/acme/packages/x86_64/nosuch/1.0-r0").status,
      404);
}

TEST_F(ServePublishTest, WithdrawCatalogPackage) {
  ASSERT_EQ(client_->Call(admin_, "PUT", "/api/v1/images/tools", R"({"packages":["wget"]})").status,
            200);
  ASSERT_EQ(client_->Call(admin_, "POST", "/api/v1/orgs/acme/entitlements", R"({"image":"tools"})")
                .status,
            204);
  for (const char* version : {"1.0-r0", "2.0-r0"}) {
    auto r =
        client_->Upload(admin_, "/api/v1/packages", testing::WriteTestApk(*dir_, "wget", version));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  ASSERT_TRUE(IsListed("acme", "wget-2.0-r0"));
  ASSERT_EQ(Fetch("/acme/x86_64/wget-2.0-r0.apk"), 200);

  const std::string url = "/api/v1/packages/x86_64/wget/2.0-r0";
  auto withdrawn = client_->Call(admin_, "DELETE", url);
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_FALSE(IsListed("acme", "wget-2.0-r0"));
  EXPECT_TRUE(IsListed("acme", "wget-1.0-r0"));
  EXPECT_EQ(Fetch("/acme/x86_64/wget-2.0-r0.apk"), 404);
  EXPECT_EQ(client_->Call(admin_, "DELETE", url).status, 404);
}

// One package per defect, each refused with a reason and without a trace in the store.
struct BadPackage {
  const char* what;
  std::string bytes;
  const char* reason;  // expected in the JSON error
};

std::string WithPkgInfoLine(testing::PackageParts parts, const std::string& key,
                            const std::string& value) {
  const size_t at = parts.pkginfo.find(key + " = ");
  parts.pkginfo.replace(at, parts.pkginfo.find('\n', at) - at, key + " = " + value);
  return testing::BuildPackageMembers(parts).Bytes();
}

std::vector<BadPackage> BadPackages() {
  const testing::PackageParts good;
  const std::string valid = testing::BuildPackageMembers(good).Bytes();
  std::vector<BadPackage> cases;
  cases.push_back({"not a gzip", "this is not a package at all", "invalid package"});
  cases.push_back({"truncated", valid.substr(0, valid.size() / 2), "invalid package"});
  cases.push_back(
      {"truncated in the last member", valid.substr(0, valid.size() - 10), "invalid package"});
  testing::PackageParts parts = good;
  parts.datahash = testing::DataHash::kMissing;
  cases.push_back({"no datahash", testing::BuildPackageMembers(parts).Bytes(), "datahash"});
  parts.datahash = testing::DataHash::kWrong;
  cases.push_back({"wrong datahash", testing::BuildPackageMembers(parts).Bytes(), "datahash"});
  parts = good;
  parts.data = {testing::DirItem("usr"), testing::BareFileItem("usr/hello", "hi\n")};
  cases.push_back(
      {"file without PAX checksum", testing::BuildPackageMembers(parts).Bytes(), "checksum"});
  parts.data = {testing::FileItem("../../etc/cron.d/evil", "* * * * * root id\n")};
  cases.push_back({"../ in a data path", testing::BuildPackageMembers(parts).Bytes(), "evil"});
  parts.data = {testing::FileItem("/etc/cron.d/evil", "* * * * * root id\n")};
  cases.push_back({"absolute data path", testing::BuildPackageMembers(parts).Bytes(), "evil"});
  cases.push_back(
      {"version without a revision", WithPkgInfoLine(good, "pkgver", "1.0"), "safe profile"});
  cases.push_back(
      {"version with a leading zero", WithPkgInfoLine(good, "pkgver", "01.0-r0"), "version"});
  cases.push_back(
      {"oversized name", WithPkgInfoLine(good, "pkgname", std::string(300, 'n')), "255"});
  cases.push_back({"name with a slash", WithPkgInfoLine(good, "pkgname", "a/b"), "name"});
  cases.push_back({"arch with a slash", WithPkgInfoLine(good, "arch", "x86_64/../etc"), "arch"});
  cases.push_back({"arch with a space", WithPkgInfoLine(good, "arch", "x86 64"), "arch"});
  return cases;
}

TEST_F(ServePublishTest, MalformedPackagesAre400AndStoreNothing) {
  const std::string blobs = dir_->File("data/blobs");
  const auto list_before = client_->Call(admin_, "GET", "/api/v1/orgs/acme/packages");
  ASSERT_EQ(list_before.status, 200);
  const auto catalog_before = client_->Call(admin_, "GET", "/api/v1/packages");
  // Files and directories: a blob written and deleted again would leave its fan-out directory.
  const auto blobs_before = testing::TreeEntries(blobs);
  ASSERT_FALSE(blobs_before.empty());
  const auto index_before = Listed("acme");
  for (const auto& bad : BadPackages()) {
    SCOPED_TRACE(bad.what);
    const std::string file = dir_->Write("bad.apk", bad.bytes);
    for (const char* path : {"/api/v1/orgs/acme/packages", "/api/v1/packages"}) {
      auto r = client_->Upload(admin_, path, file);
      EXPECT_EQ(r.status, 400) << path << ": " << r.body;
      EXPECT_TRUE(r.body.starts_with("{\"error\":\"")) << path << ": " << r.body;
      EXPECT_NE(r.body.find(bad.reason), std::string::npos) << path << ": " << r.body;
    }
    EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/orgs/acme/packages").body, list_before.body);
    EXPECT_EQ(client_->Call(admin_, "GET", "/api/v1/packages").body, catalog_before.body);
    EXPECT_EQ(testing::TreeEntries(blobs), blobs_before);
  }
  EXPECT_EQ(Listed("acme"), index_before);
}

// The server refuses nothing for lacking a package signature: apk clients installing from a
// repository trust the signed index and its C: checksum, not the uploader's key.
TEST_F(ServePublishTest, UnsignedPackageIsAccepted) {
  testing::PackageParts parts;
  parts.key = nullptr;
  parts.pkginfo = "pkgname = unsigned\npkgver = 1.0-r0\narch = x86_64\nsize = 10\n";
  auto r =
      client_->Upload(admin_, "/api/v1/orgs/acme/packages",
                      dir_->Write("unsigned.apk", testing::BuildPackageMembers(parts).Bytes()));
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(IsListed("acme", "unsigned-1.0-r0"));
}

TEST_F(ServePublishTest, HostilePathsNeverReachAFileOutside) {
  ASSERT_EQ(client_
                ->Upload(admin_, "/api/v1/orgs/acme/packages",
                         testing::WriteTestApk(*dir_, "safe", "1.0-r0"))
                .status,
            201);
  const std::vector<std::string> paths = {
      "/..%2f..%2fetc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/%2E%2E/%2E%2E/etc/passwd",
      "/../../etc/passwd",
      "/acme/x86_64/..%2F..%2Fapkd.db",
      "/acme/x86_64/%2e%2e/%2e%2e/apkd.db",
      "/acme/x86_64/../../apkd.db",
      "/acme/x86_64/..%5c..%5capkd.db",
      "/acme/x86_64/safe-1.0-r0.apk%00",
      "/acme/x86_64/%00",
      "/acme/%2e%2e/APKINDEX.tar.gz",
      "/acme/x86_64/..%2F..%2Fblobs",
      "/api/v1/orgs/acme/packages/..%2F..%2F..%2Fapkd.db",
  };
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    // --path-as-is: curl must not resolve the dots itself. Authenticated, so that a 401 cannot
    // hide what the route would do.
    auto r = Curl(testing::CurlBasicAuth(admin_) + " --path-as-is " + client_->Url(path));
    EXPECT_TRUE(r.status == 400 || r.status == 404) << r.status << " " << r.body.substr(0, 200);
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
    EXPECT_EQ(r.body.find("SQLite format"), std::string::npos);
  }
  EXPECT_EQ(Fetch("/acme/x86_64/safe-1.0-r0.apk"), 200) << "the server is still serving";
}

TEST_F(ServePublishTest, RequestHeadLimits) {
  const std::string index = "/acme/x86_64/APKINDEX.tar.gz";
  // 16 KiB of request headers (apk-protocol.md §10 MUST 12) on a real route.
  std::string pads;
  for (int i = 0; i < 4; ++i) {
    pads += " -H " + ShellQuote("X-Pad-" + std::to_string(i) + ": " + std::string(4 * kKiB, 'p'));
  }
  auto accepted =
      Curl(testing::CurlBasicAuth(admin_) + pads + " -o /dev/null " + client_->Url(index));
  EXPECT_EQ(accepted.status, 200);
  auto one_big = Curl(" -H " + ShellQuote("X-Big: " + std::string(16 * kKiB - 100, 'b')) +
                      " -o /dev/null " + client_->Url("/healthz"));
  EXPECT_EQ(one_big.status, 200);
  auto refused = Curl(" -H " + ShellQuote("X-Big: " + std::string(20 * kKiB, 'b')) +
                      " -o /dev/null " + client_->Url("/healthz"));
  EXPECT_EQ(refused.status, 431);
  EXPECT_EQ(Curl(client_->Url("/healthz")).status, 200) << "still serving";
}

}  // namespace
}  // namespace apkd
