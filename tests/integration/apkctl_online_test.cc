// The real apkctl binary against the real `apkd serve` (127.0.0.1:0): packages push of
// directories. What apkctl says is checked, and what the server then holds is checked
// independently with curl (management API, the org's APKINDEX.tar.gz through GNU tar).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "crypto/signer.h"
#include "format/package_writer.h"
#include "support/apkd_process.h"
#include "support/package_parts.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::BuiltBinary;
using testing::CommandResult;
using testing::Curl;
using testing::CurlBasicAuth;
using testing::RunCommand;
using testing::ShellQuote;

class ApkctlOnlineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new ApkdProcess();
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    ASSERT_FALSE(server_->secret().empty());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // apkctl with the server and the owner secret from the environment and a login cache of its
  // own (never the user's).
  static CommandResult Apkctl(const std::string& args) {
    return RunCommand("XDG_CONFIG_HOME=" + ShellQuote(dir_->File("config")) +
                      " APKCTL_SERVER=" + ShellQuote(server_->base()) + " APKCTL_TOKEN=" +
                      ShellQuote(server_->secret()) + " " + BuiltBinary("apkctl") + " " + args);
  }
  // Only apkctl's stdout (stderr discarded), e.g. for -o json.
  static CommandResult ApkctlStdout(const std::string& args) {
    return Apkctl(args + " 2>/dev/null");
  }

  static std::string Url(const std::string& path) { return ShellQuote(server_->base() + path); }
  static std::string Owner() { return CurlBasicAuth(server_->secret()); }
  static testing::HttpResult Api(const std::string& method, const std::string& path,
                                 const std::string& body = "") {
    return Curl(Owner() + " -X " + method + (body.empty() ? "" : " -d " + ShellQuote(body)) + " " +
                Url(path));
  }
  static void CreateOrg(const std::string& name) {
    auto created = Api("POST", "/api/v1/orgs", "{\"name\":\"" + name + "\"}");
    ASSERT_EQ(created.status, 201) << created.body;
  }
  // The APKINDEX text of `org`'s index for `arch`, fetched with curl and read by GNU tar.
  static std::string IndexText(const std::string& org, const std::string& arch,
                               const std::string& credential = "") {
    const std::string file = dir_->File("index-" + org + "-" + arch + ".tar.gz");
    auto r = Curl(CurlBasicAuth(credential.empty() ? server_->secret() : credential) + " -o " +
                  ShellQuote(file) + " " + Url("/" + org + "/" + arch + "/APKINDEX.tar.gz"));
    EXPECT_EQ(r.status, 200) << org << "/" << arch;
    return RunCommand("tar xzOf " + ShellQuote(file) + " APKINDEX 2>/dev/null").output;
  }
  static boost::json::object JsonObject(const std::string& text) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << text;
      return {};
    }
    return value.as_object();
  }
  static std::string Str(const boost::json::object& object, std::string_view key) {
    const boost::json::value* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  }
  // The objects of `{"items":[…]}`.
  static std::vector<boost::json::object> Items(const std::string& text) {
    std::vector<boost::json::object> items;
    const boost::json::object object = JsonObject(text);
    if (const auto* array = object.if_contains("items"); array != nullptr && array->is_array()) {
      for (const auto& item : array->get_array()) {
        items.push_back(item.as_object());
      }
    }
    return items;
  }
  // Field `key` of every item, sorted.
  static std::vector<std::string> SortedField(const std::string& text, std::string_view key) {
    std::vector<std::string> values;
    for (const auto& item : Items(text)) {
      values.push_back(Str(item, key));
    }
    std::sort(values.begin(), values.end());
    return values;
  }
  // An upload report's counts: created, unchanged, refused.
  static std::vector<int64_t> Counts(const std::string& text) {
    const boost::json::object report = JsonObject(text);
    std::vector<int64_t> counts;
    for (const char* key : {"created", "unchanged", "refused"}) {
      const auto* value = report.if_contains(key);
      counts.push_back(value != nullptr ? value->to_number<int64_t>() : -1);
    }
    return counts;
  }
  static size_t Count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }

  // A signed package; `content` varies the bytes without changing name, version or arch.
  static std::string PackageBytes(const std::string& name, const std::string& version,
                                  const std::string& arch, const std::string& content = "one") {
    const crypto::LocalSigner signer("test.rsa.pub", testing::TestKey());
    format::PkgInfo info;
    info.name = name;
    info.version = version;
    info.arch = arch;
    info.description = "test " + name;
    format::PackageFile file;
    file.path = "usr/share/" + name + "/data";
    file.content = content;
    auto bytes = format::BuildPackage(info, {file}, &signer);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : "";
  }

  static testing::TempDir* dir_;
  static ApkdProcess* server_;
};
testing::TempDir* ApkctlOnlineTest::dir_ = nullptr;
ApkdProcess* ApkctlOnlineTest::server_ = nullptr;

TEST_F(ApkctlOnlineTest, PushDirectoryReportsEachOutcomeAndKeepsGoing) {
  CreateOrg("push-org");
  dir_->Write("push/a/alpha-1.0-r0.apk", PackageBytes("alpha", "1.0-r0", "x86_64"));
  dir_->Write("push/b/deep/beta-1.0-r0.apk", PackageBytes("beta", "1.0-r0", "x86_64"));
  dir_->Write("push/gamma-1.0-r0.apk", PackageBytes("gamma", "1.0-r0", "x86_64"));
  const std::string good = PackageBytes("broken", "1.0-r0", "x86_64");
  dir_->Write("push/broken-1.0-r0.apk", good.substr(0, good.size() / 2));
  dir_->Write("push/README", "not a package");
  const std::string push_dir = ShellQuote(dir_->File("push"));

  auto first = Apkctl("packages push --org push-org " + push_dir);
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_NE(first.output.find("3 created, 0 unchanged, 1 refused"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("refused   " + dir_->File("push/broken-1.0-r0.apk") +
                              ": server answered 400"),
            std::string::npos)
      << first.output;
  EXPECT_EQ(first.output.find("README"), std::string::npos) << "only *.apk are pushed";
  // The refusal did not stop the files after it (sorted order: a/, b/, broken, gamma).
  EXPECT_NE(first.output.find("created   gamma-1.0-r0 (x86_64)"), std::string::npos)
      << first.output;

  const std::string index = IndexText("push-org", "x86_64");
  EXPECT_EQ(Count(index, "P:"), 3U) << index;
  for (const char* name : {"P:alpha\n", "P:beta\n", "P:gamma\n"}) {
    EXPECT_NE(index.find(name), std::string::npos) << name << index;
  }

  // Again, as JSON: the same files in the same order, nothing created this time.
  auto again = ApkctlStdout("packages push --org push-org -o json " + push_dir);
  EXPECT_EQ(again.exit_code, 1) << again.output;
  std::vector<std::pair<std::string, std::string>> outcomes;
  for (const auto& item : Items(again.output)) {
    outcomes.emplace_back(Str(item, "file"), Str(item, "outcome"));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {dir_->File("push/a/alpha-1.0-r0.apk"), "unchanged"},
      {dir_->File("push/b/deep/beta-1.0-r0.apk"), "unchanged"},
      {dir_->File("push/broken-1.0-r0.apk"), "refused"},
      {dir_->File("push/gamma-1.0-r0.apk"), "unchanged"}};
  EXPECT_EQ(outcomes, expected) << again.output;
  EXPECT_EQ(Counts(again.output), (std::vector<int64_t>{0, 3, 1}));
  const auto items = Items(again.output);
  ASSERT_EQ(items.size(), 4U);
  EXPECT_EQ(Str(items[0], "name"), "alpha");
  EXPECT_EQ(Str(items[0], "version"), "1.0-r0");
  EXPECT_EQ(Str(items[0], "arch"), "x86_64");
  EXPECT_NE(Str(items[2], "reason").find("400"), std::string::npos) << again.output;

  // Without the broken file everything is unchanged and the exit code is 0.
  ASSERT_EQ(std::remove(dir_->File("push/broken-1.0-r0.apk").c_str()), 0);
  auto clean = Apkctl("packages push --org push-org " + push_dir);
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_NE(clean.output.find("0 created, 3 unchanged, 0 refused"), std::string::npos)
      << clean.output;

  // Other bytes under a published name-version-arch: 409, refused, the original stays.
  const std::string other =
      dir_->Write("conflict/alpha-1.0-r0.apk", PackageBytes("alpha", "1.0-r0", "x86_64", "other"));
  auto conflict = Apkctl("packages push --org push-org -o id " + ShellQuote(other));
  EXPECT_EQ(conflict.exit_code, 1) << conflict.output;
  EXPECT_NE(conflict.output.find("refused: server answered 409"), std::string::npos)
      << conflict.output;
  EXPECT_EQ(IndexText("push-org", "x86_64"), index);
}

}  // namespace
}  // namespace apkd
