// The real apkctl binary against the real `apkd serve` (127.0.0.1:0): packages push of
// directories, packages import of a local and an http repository, iam role-bindings and keys
// retire. What apkctl says is checked, and what the server then holds is checked independently
// with curl (management API, the org's APKINDEX.tar.gz through GNU tar). python3 serves the
// repository for the http import.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

// `python3 -m http.server` serving one directory on 127.0.0.1:<ephemeral>, started and stopped
// by its pid (never by name).
class StaticHttpServer {
 public:
  StaticHttpServer() = default;
  StaticHttpServer(const StaticHttpServer&) = delete;
  StaticHttpServer& operator=(const StaticHttpServer&) = delete;
  StaticHttpServer(StaticHttpServer&&) = delete;
  StaticHttpServer& operator=(StaticHttpServer&&) = delete;
  ~StaticHttpServer() { Stop(); }

  bool Start(const std::string& dir) {
    int out[2];
    if (pipe(out) != 0) {
      return false;
    }
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      if (const int devnull = open("/dev/null", O_WRONLY); devnull >= 0) {
        dup2(devnull, STDERR_FILENO);  // python logs each request there
        close(devnull);
      }
      execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", dir.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    FILE* stream = fdopen(out[0], "r");
    char line[512];
    constexpr std::string_view kPort = " port ";
    if (pid_ > 0 && fgets(line, sizeof line, stream) != nullptr) {
      const std::string text(line);
      if (const size_t at = text.find(kPort); at != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + kPort.size());
      }
    }
    fclose(stream);
    return port_ > 0;
  }

  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class ApkctlOnlineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new ApkdProcess();
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    ASSERT_FALSE(server_->secret().empty());
    dir_->Write("keys/test.rsa", testing::TestKey().ToPem(), 0600);
    dir_->Write("keys/test.rsa.pub", testing::TestKey().GetPublicKey().ToPem());
    BuildRepository();
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

  // repo/x86_64: delta, epsilon (replaced after indexing: checksum mismatch), zeta;
  // repo/aarch64: eta, theta (deleted after indexing: missing). Indexes built by apkctl index.
  static void BuildRepository() {
    const std::string repo = dir_->File("repo");
    std::string x86;
    for (const char* name : {"delta", "epsilon", "zeta"}) {
      x86 += " " + ShellQuote(dir_->Write(std::string("repo/x86_64/") + name + "-1.0-r0.apk",
                                          PackageBytes(name, "1.0-r0", "x86_64")));
    }
    std::string arm;
    for (const char* name : {"eta", "theta"}) {
      arm += " " + ShellQuote(dir_->Write(std::string("repo/aarch64/") + name + "-2.0-r1.apk",
                                          PackageBytes(name, "2.0-r1", "aarch64")));
    }
    const std::string key = ShellQuote(dir_->File("keys/test.rsa"));
    for (const auto& [arch, files] :
         std::vector<std::pair<std::string, std::string>>{{"x86_64", x86}, {"aarch64", arm}}) {
      auto r = RunCommand(BuiltBinary("apkctl") + " index -o " +
                          ShellQuote(repo + "/" + arch + "/APKINDEX.tar.gz") + " --sign-key " +
                          key + files);
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    dir_->Write("repo/x86_64/epsilon-1.0-r0.apk",
                PackageBytes("epsilon", "1.0-r0", "x86_64", "tampered"));
    ASSERT_EQ(std::remove((repo + "/aarch64/theta-2.0-r1.apk").c_str()), 0);
  }

  // What every import of `repo` must leave in `org`: delta, zeta, eta and nothing else.
  static void ExpectRepositoryImported(const std::string& org) {
    const std::string x86 = IndexText(org, "x86_64");
    EXPECT_NE(x86.find("P:delta\n"), std::string::npos) << x86;
    EXPECT_NE(x86.find("P:zeta\n"), std::string::npos) << x86;
    EXPECT_EQ(x86.find("P:epsilon"), std::string::npos) << "tampered file imported\n" << x86;
    const std::string arm = IndexText(org, "aarch64");
    EXPECT_NE(arm.find("P:eta\n"), std::string::npos) << arm;
    EXPECT_EQ(arm.find("P:theta"), std::string::npos) << arm;
    auto list = Api("GET", "/api/v1/orgs/" + org + "/packages");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(SortedField(list.body, "name"), (std::vector<std::string>{"delta", "eta", "zeta"}));
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

TEST_F(ApkctlOnlineTest, ImportLocalRepositoryChecksEveryPackageAgainstItsIndex) {
  CreateOrg("imp-local");
  auto run = Apkctl("packages import --org imp-local --keys-dir " + ShellQuote(dir_->File("keys")) +
                    " " + ShellQuote(dir_->File("repo")));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("3 created, 0 unchanged, 2 refused"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("refused   " + dir_->File("repo/x86_64/epsilon-1.0-r0.apk") +
                            ": checksum mismatch"),
            std::string::npos)
      << run.output;
  EXPECT_NE(
      run.output.find("refused   " + dir_->File("repo/aarch64/theta-2.0-r1.apk") + ": missing"),
      std::string::npos)
      << run.output;
  ExpectRepositoryImported("imp-local");

  auto again =
      ApkctlStdout("packages import --org imp-local -o json " + ShellQuote(dir_->File("repo")));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(Counts(again.output), (std::vector<int64_t>{0, 3, 2})) << again.output;

  // An index whose signature no key in --keys-dir verifies is refused as a whole.
  dir_->Write("no-keys/README", "no key here");
  auto untrusted = Apkctl("packages import --org imp-local --arch x86_64 --keys-dir " +
                          ShellQuote(dir_->File("no-keys")) + " " + ShellQuote(dir_->File("repo")));
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.output;
  EXPECT_NE(untrusted.output.find("x86_64/APKINDEX.tar.gz: index refused"), std::string::npos)
      << untrusted.output;
  EXPECT_NE(untrusted.output.find("0 created, 0 unchanged, 1 refused"), std::string::npos)
      << untrusted.output;

  auto not_a_repo = Apkctl("packages import --org imp-local " + ShellQuote(dir_->File("keys")));
  EXPECT_EQ(not_a_repo.exit_code, 2) << not_a_repo.output;
  EXPECT_NE(not_a_repo.output.find("holds no APKINDEX.tar.gz"), std::string::npos)
      << not_a_repo.output;
}

// A flat repository: DIR/APKINDEX.tar.gz with the packages beside it (no arch directories).
TEST_F(ApkctlOnlineTest, ImportFlatRepository) {
  CreateOrg("imp-flat");
  std::string files;
  for (const auto& [name, arch] :
       std::vector<std::pair<std::string, std::string>>{{"iota", "x86_64"}, {"kappa", "noarch"}}) {
    files += " " + ShellQuote(dir_->Write("flat/" + name + "-3.1-r0.apk",
                                          PackageBytes(name, "3.1-r0", arch)));
  }
  auto index = RunCommand(BuiltBinary("apkctl") + " index -o " +
                          ShellQuote(dir_->File("flat/APKINDEX.tar.gz")) + " --sign-key " +
                          ShellQuote(dir_->File("keys/test.rsa")) + files);
  ASSERT_EQ(index.exit_code, 0) << index.output;
  auto run = Apkctl("packages import --org imp-flat " + ShellQuote(dir_->File("flat")));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("2 created, 0 unchanged, 0 refused"), std::string::npos) << run.output;
  const std::string x86 = IndexText("imp-flat", "x86_64");
  EXPECT_NE(x86.find("P:iota\n"), std::string::npos) << x86;
  EXPECT_NE(x86.find("P:kappa\n"), std::string::npos) << x86;
  EXPECT_EQ(SortedField(Api("GET", "/api/v1/orgs/imp-flat/packages").body, "arch"),
            (std::vector<std::string>{"noarch", "x86_64"}));
}

TEST_F(ApkctlOnlineTest, ImportOverHttpDownloadsIndexesAndPackages) {
  StaticHttpServer http;
  ASSERT_TRUE(http.Start(dir_->File("repo")));
  CreateOrg("imp-http");
  auto run = Apkctl("packages import --org imp-http " + ShellQuote(http.base() + "/"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("3 created, 0 unchanged, 2 refused"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("refused   " + http.base() + "/x86_64/epsilon-1.0-r0.apk" +
                            ": checksum mismatch"),
            std::string::npos)
      << run.output;
  ExpectRepositoryImported("imp-http");

  // An arch the repository lacks, asked for explicitly, is refused; x86_64 is all unchanged.
  auto arches = ApkctlStdout("packages import --org imp-http -o json --arch x86_64,armv7 " +
                             ShellQuote(http.base()));
  EXPECT_EQ(arches.exit_code, 1);
  std::vector<std::pair<std::string, std::string>> outcomes;
  for (const auto& item : Items(arches.output)) {
    outcomes.emplace_back(Str(item, "file"), Str(item, "outcome"));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {http.base() + "/x86_64/delta-1.0-r0.apk", "unchanged"},
      {http.base() + "/x86_64/epsilon-1.0-r0.apk", "refused"},
      {http.base() + "/x86_64/zeta-1.0-r0.apk", "unchanged"},
      {http.base() + "/armv7/APKINDEX.tar.gz", "refused"}};
  EXPECT_EQ(outcomes, expected) << arches.output;
  http.Stop();

  auto unreachable = Apkctl("packages import --org imp-http " + ShellQuote(http.base()));
  EXPECT_NE(unreachable.exit_code, 0);
  EXPECT_NE(unreachable.output.find("stopped: cannot download"), std::string::npos)
      << unreachable.output;
}

// apkd is itself an apk repository behind Basic auth: --auth is what lets import read it.
TEST_F(ApkctlOnlineTest, ImportFromAnAuthenticatedRepositoryUsesAuth) {
  CreateOrg("mirror-src");
  CreateOrg("mirror-dst");
  auto seed = Apkctl("packages push --org mirror-src " +
                     ShellQuote(dir_->File("repo/x86_64/delta-1.0-r0.apk")) + " " +
                     ShellQuote(dir_->File("repo/x86_64/zeta-1.0-r0.apk")));
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  const std::string source = ShellQuote(server_->base() + "/mirror-src");

  auto anonymous = Apkctl("packages import --org mirror-dst --arch x86_64 " + source);
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.output;
  EXPECT_NE(anonymous.output.find("stopped: " + server_->base() +
                                  "/mirror-src/x86_64/APKINDEX.tar.gz: server answered 401"),
            std::string::npos)
      << anonymous.output;

  auto with_auth = Apkctl("packages import --org mirror-dst --arch x86_64 --auth " +
                          ShellQuote("user:" + server_->secret()) + " " + source);
  EXPECT_EQ(with_auth.exit_code, 0) << with_auth.output;
  EXPECT_NE(with_auth.output.find("2 created, 0 unchanged, 0 refused"), std::string::npos)
      << with_auth.output;
  EXPECT_EQ(with_auth.output.find(server_->secret()), std::string::npos) << "secret printed";
  const std::string index = IndexText("mirror-dst", "x86_64");
  EXPECT_NE(index.find("P:delta\n"), std::string::npos) << index;
  EXPECT_NE(index.find("P:zeta\n"), std::string::npos) << index;
}

TEST_F(ApkctlOnlineTest, RoleBindingsCreateListDelete) {
  CreateOrg("rb-org");
  auto pull = Api("POST", "/api/v1/orgs/rb-org/pull-tokens", R"({"name":"ci"})");
  ASSERT_EQ(pull.status, 201) << pull.body;
  const boost::json::object token = JsonObject(pull.body);
  const std::string identity = Str(token, "identity");
  const std::string secret = Str(token, "secret");
  const std::string pull_binding =
      token.contains("binding") ? Str(token.at("binding").as_object(), "id") : "";
  ASSERT_FALSE(identity.empty());
  ASSERT_FALSE(pull_binding.empty());
  const std::string index_url = Url("/rb-org/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(Curl(CurlBasicAuth(secret) + " -o /dev/null " + index_url).status, 200);

  auto created = ApkctlStdout("iam role-bindings create --org rb-org --identity " + identity +
                              " --role viewer -o id");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string viewer_binding = created.output.substr(0, created.output.find('\n'));
  ASSERT_FALSE(viewer_binding.empty());
  EXPECT_NE(viewer_binding, pull_binding);

  auto listed = ApkctlStdout("iam role-bindings list --org rb-org -o json");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  auto bindings_of = [&](const std::string& json) {
    std::set<std::pair<std::string, std::string>> bindings;
    for (const auto& item : Items(json)) {
      if (Str(item, "identity") == identity) {
        bindings.emplace(Str(item, "id"), Str(item, "role"));
      }
    }
    return bindings;
  };
  const std::set<std::pair<std::string, std::string>> both = {{pull_binding, "apk.pull"},
                                                              {viewer_binding, "viewer"}};
  EXPECT_EQ(bindings_of(listed.output), both) << listed.output;
  auto table = ApkctlStdout("iam role-bindings list --org rb-org");
  EXPECT_NE(table.output.find("ID"), std::string::npos);
  EXPECT_NE(table.output.find("IDENTITY"), std::string::npos);
  EXPECT_NE(table.output.find(viewer_binding), std::string::npos) << table.output;
  EXPECT_EQ(bindings_of(Api("GET", "/api/v1/orgs/rb-org/role-bindings").body), both);

  // Deleting the apk.pull binding leaves viewer (which can pull); deleting that too takes the
  // identity's access away at once.
  auto first = Apkctl("iam role-bindings delete --org rb-org " + pull_binding);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(Curl(CurlBasicAuth(secret) + " -o /dev/null " + index_url).status, 200);
  auto second = Apkctl("iam role-bindings delete --org rb-org " + viewer_binding);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(Curl(CurlBasicAuth(secret) + " -o /dev/null " + index_url).status, 403);
  EXPECT_TRUE(bindings_of(Api("GET", "/api/v1/orgs/rb-org/role-bindings").body).empty());

  auto gone = Apkctl("iam role-bindings delete --org rb-org " + viewer_binding);
  EXPECT_EQ(gone.exit_code, 1) << gone.output;
  EXPECT_NE(gone.output.find("no such role binding"), std::string::npos) << gone.output;
  auto no_role = Apkctl("iam role-bindings create --org rb-org --identity " + identity);
  EXPECT_EQ(no_role.exit_code, 2) << no_role.output;
}

TEST_F(ApkctlOnlineTest, KeysRetireAfterRotateAndWithNothingRetiring) {
  CreateOrg("key-org");
  auto nothing = Apkctl("keys retire --org key-org");
  EXPECT_EQ(nothing.exit_code, 1) << nothing.output;
  EXPECT_NE(nothing.output.find("nothing to retire: key-org has no retiring key"),
            std::string::npos)
      << nothing.output;

  auto signatures = [] {
    IndexText("key-org", "x86_64");
    return Count(RunCommand("tar tzf " + ShellQuote(dir_->File("index-key-org-x86_64.tar.gz")) +
                            " 2>/dev/null")
                     .output,
                 ".SIGN.RSA");
  };
  const size_t before = signatures();
  ASSERT_GE(before, 1U);
  auto rotated = Apkctl("keys rotate --org key-org");
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  EXPECT_EQ(SortedField(Api("GET", "/api/v1/orgs/key-org/keys").body, "state"),
            (std::vector<std::string>{"active", "retiring"}));
  EXPECT_GT(signatures(), before) << "both keys sign during a rotation";

  auto retired = Apkctl("keys retire --org key-org");
  EXPECT_EQ(retired.exit_code, 0) << retired.output;
  EXPECT_EQ(SortedField(Api("GET", "/api/v1/orgs/key-org/keys").body, "state"),
            (std::vector<std::string>{"active", "retired"}));
  EXPECT_EQ(signatures(), before) << "the retired key no longer signs";

  auto twice = Apkctl("keys retire --org key-org");
  EXPECT_EQ(twice.exit_code, 1) << twice.output;
  EXPECT_NE(twice.output.find("nothing to retire"), std::string::npos) << twice.output;
  auto no_org = Apkctl("keys retire --org no-such-org");
  EXPECT_NE(no_org.exit_code, 0);
  EXPECT_EQ(no_org.output.find("nothing to retire"), std::string::npos) << no_org.output;
}

TEST_F(ApkctlOnlineTest, HelpNamesTheNewCommands) {
  auto top = RunCommand(BuiltBinary("apkctl") + " --help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.output.find("role bindings"), std::string::npos) << top.output;
  auto packages = RunCommand(BuiltBinary("apkctl") + " packages --help");
  EXPECT_NE(packages.output.find("import [--org ORG]"), std::string::npos) << packages.output;
  EXPECT_NE(packages.output.find("push [--org ORG] FILE|DIR"), std::string::npos);
  auto iam = RunCommand(BuiltBinary("apkctl") + " iam --help");
  EXPECT_NE(iam.output.find("role-bindings list --org ORG"), std::string::npos) << iam.output;
  auto keys = RunCommand(BuiltBinary("apkctl") + " keys --help");
  EXPECT_NE(keys.output.find("retire --org ORG"), std::string::npos) << keys.output;
}

}  // namespace
}  // namespace apkd
