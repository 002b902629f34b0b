// apkctl's identity commands against the real apkd, checked with curl: pull tokens (create with
// a TTL, -o env, HTTP_AUTH and URL forms under 1,024 bytes, list, expiry, delete), password login
// into a private login cache, and `auth status` explaining a 403.
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/apkd_process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::BuiltBinary;
using testing::CommandResult;
using testing::Curl;
using testing::CurlBasicAuth;
using testing::JsonField;
using testing::RunCommand;
using testing::ShellQuote;

class ApkctlAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new ApkdProcess();
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    owner_ = server_->secret();
    ASSERT_EQ(
        Curl(CurlBasicAuth(owner_) + " -X POST -d '{\"name\":\"acme\"}' " + Url("/api/v1/orgs"))
            .status,
        201);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static std::string Url(const std::string& path) { return ShellQuote(server_->base() + path); }
  // apkctl with its own login cache; `token` in APKCTL_TOKEN unless empty. stdout only.
  static CommandResult Apkctl(const std::string& args, const std::string& token,
                              const std::string& extra_env = "") {
    return RunCommand("XDG_CONFIG_HOME=" + ShellQuote(dir_->File("config")) +
                      " APKCTL_SERVER=" + ShellQuote(server_->base()) +
                      (token.empty() ? "" : " APKCTL_TOKEN=" + ShellQuote(token)) + " " +
                      extra_env + " " + BuiltBinary("apkctl") + " " + args + " 2>/dev/null");
  }
  // The NAME=value pairs of `export NAME=value` lines.
  static std::map<std::string, std::string> Exports(const std::string& text) {
    std::map<std::string, std::string> vars;
    size_t at = 0;
    while ((at = text.find("export ", at)) != std::string::npos) {
      const size_t eq = text.find('=', at);
      const size_t end = text.find('\n', eq);
      vars[text.substr(at + 7, eq - at - 7)] = text.substr(eq + 1, end - eq - 1);
      at = end;
    }
    return vars;
  }

  static testing::TempDir* dir_;
  static ApkdProcess* server_;
  static std::string owner_;
};
testing::TempDir* ApkctlAuthTest::dir_ = nullptr;
ApkdProcess* ApkctlAuthTest::server_ = nullptr;
std::string ApkctlAuthTest::owner_;

TEST_F(ApkctlAuthTest, PullTokensWorkInBothFormsUntilDeleted) {
  auto created = Apkctl("auth pull-token create --org acme --name ci --ttl 720h -o env", owner_);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  auto vars = Exports(created.output);
  const std::string id = vars["APKD_PULL_IDENTITY"];
  const std::string token = vars["APKD_PULL_TOKEN"];
  ASSERT_FALSE(id.empty()) << created.output;
  EXPECT_EQ(vars["HTTP_AUTH"], "basic:127.0.0.1:" + id + ":" + token);
  const std::string index = "/acme/x86_64/APKINDEX.tar.gz";
  EXPECT_EQ(Curl("-o /dev/null -u " + ShellQuote(id + ":" + token) + " " + Url(index)).status, 200);
  // The URL form apk accepts in /etc/apk/repositories.
  const std::string base = server_->base();
  const std::string url = "http://" + id + ":" + token + "@" + base.substr(7) + index;
  EXPECT_LT(url.size() - index.size(), 1024U);
  EXPECT_LT(token.size(), 1024U);
  EXPECT_EQ(token.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789-_"),
            std::string::npos)
      << "URL-safe without escaping";
  EXPECT_EQ(Curl("-o /dev/null " + ShellQuote(url)).status, 200);
  // Listed with its expiry (30 days from now).
  auto listed = Apkctl("auth pull-token list --org acme -o json", owner_);
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.output.find(id), std::string::npos);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const size_t at = listed.output.find("\"expires_at\":", listed.output.find(id));
  const long long expires = std::atoll(listed.output.c_str() + at + 13);
  EXPECT_NEAR(static_cast<double>(expires - now), 720.0 * 3600, 120.0);
  // Deleted: the very next request is refused.
  ASSERT_EQ(Apkctl("auth pull-token delete " + id + " --org acme", owner_).exit_code, 0);
  EXPECT_NE(Apkctl("auth pull-token delete " + id + " --org acme", owner_).exit_code, 0)
      << "already gone";
  EXPECT_EQ(Curl("-o /dev/null -u " + ShellQuote(id + ":" + token) + " " + Url(index)).status, 401);
  EXPECT_NE(Apkctl("auth pull-token create --org acme --ttl 366d", owner_).exit_code, 0)
      << "at most a year";
}

TEST_F(ApkctlAuthTest, PullTokensExpire) {
  const auto start = std::chrono::steady_clock::now();
  auto created = Apkctl("auth pull-token create --org acme --ttl 6s -o json", owner_);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string id = JsonField(created.output, "identity");
  const std::string secret = JsonField(created.output, "secret");
  const std::string auth = "-o /dev/null -u " + ShellQuote(id + ":" + secret) + " ";
  EXPECT_EQ(Curl(auth + Url("/acme/x86_64/APKINDEX.tar.gz")).status, 200);
  std::this_thread::sleep_until(start + std::chrono::milliseconds(7100));
  EXPECT_EQ(Curl(auth + Url("/acme/x86_64/APKINDEX.tar.gz")).status, 401);
}

TEST_F(ApkctlAuthTest, StatusExplainsA403) {
  auto created = Apkctl("auth pull-token create --org acme -o json", owner_);
  const std::string secret = JsonField(created.output, "secret");
  ASSERT_FALSE(secret.empty());
  auto denied =
      Curl(CurlBasicAuth(secret) + " -X POST --data-binary x " + Url("/api/v1/orgs/acme/packages"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("caller does not have the required capabilities: apk.create"),
            std::string::npos)
      << denied.body;
  auto status = Apkctl("auth status", secret);
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("(pull_token)"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("org acme"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("roles apk.pull"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("capabilities: apk.list,apk.blobs.get"), std::string::npos)
      << status.output;
  EXPECT_EQ(status.output.find("apk.create"), std::string::npos);
  auto json = Apkctl("auth status -o json", secret);
  EXPECT_EQ(JsonField(json.output, "kind"), "pull_token") << json.output;
}

TEST_F(ApkctlAuthTest, PasswordLoginKeepsAPrivateCache) {
  ASSERT_EQ(Curl(CurlBasicAuth(owner_) +
                 " -X POST -d '{\"name\":\"dana\",\"password\":\"dana has a long one\"}' " +
                 Url("/api/v1/users"))
                .status,
            201);
  auto wrong = Apkctl("auth login --user dana", "", "APKCTL_PASSWORD='not it at all'");
  EXPECT_NE(wrong.exit_code, 0);
  auto login = Apkctl("auth login --user dana", "", "APKCTL_PASSWORD='dana has a long one'");
  ASSERT_EQ(login.exit_code, 0) << login.output;
  struct stat st {};
  ASSERT_EQ(stat(dir_->File("config/apkctl/login").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  auto cache = RunCommand("cat " + dir_->File("config/apkctl/login"));
  EXPECT_EQ(cache.output.find("dana has a long one"), std::string::npos)
      << "the password is never stored";
  auto status = Apkctl("auth status -o json", "");
  EXPECT_EQ(JsonField(status.output, "kind"), "user") << status.output;
  EXPECT_EQ(JsonField(status.output, "name"), "dana");
  auto token = Apkctl("auth token", "");
  EXPECT_EQ(token.exit_code, 0);
  EXPECT_GT(token.output.size(), 100U);
  ASSERT_EQ(Apkctl("auth logout", "").exit_code, 0);
}

TEST_F(ApkctlAuthTest, CustomRolesGrantExactlyTheirCapabilities) {
  auto roles = Apkctl("iam roles list --org acme -o json", owner_);
  ASSERT_EQ(roles.exit_code, 0) << roles.output;
  for (const char* builtin : {"owner", "editor", "viewer", "apk.pull", "console_viewer"}) {
    EXPECT_NE(roles.output.find("\"name\":\"" + std::string(builtin) + "\""), std::string::npos)
        << builtin;
  }
  EXPECT_NE(Apkctl("iam roles create viewer --org acme --capabilities apk.list", owner_).exit_code,
            0)
      << "built-in names are taken";
  EXPECT_NE(
      Apkctl("iam roles create lister --org acme --capabilities apk.nonsense", owner_).exit_code,
      0);
  ASSERT_EQ(Apkctl("iam roles create lister --org acme --capabilities apk.list", owner_).exit_code,
            0);
  // A pull token bound to the custom role lists but cannot download.
  auto created = Apkctl("auth pull-token create --org acme --role lister -o json", owner_);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string auth = CurlBasicAuth(JsonField(created.output, "secret")) + " -o /dev/null ";
  EXPECT_EQ(Curl(auth + Url("/acme/x86_64/APKINDEX.tar.gz")).status, 200);
  EXPECT_EQ(Curl(auth + Url("/acme/x86_64/any-1.0-r0.apk")).status, 403);
  // Deleting the role takes its grant away on the next request.
  ASSERT_EQ(Apkctl("iam roles delete lister --org acme", owner_).exit_code, 0);
  EXPECT_EQ(Curl(auth + Url("/acme/x86_64/APKINDEX.tar.gz")).status, 403);
}

}  // namespace
}  // namespace apkd
