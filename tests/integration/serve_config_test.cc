// `apkd serve --config FILE` (docs/api.md "Configuration"): `key = value` lines set data_dir,
// listen and public_url; flags win over the file wherever they stand; an unknown key, a bad
// value or an unreadable file stops the start with a non-zero exit and a message naming it.
// Observed from outside: the banner, files in the data dir, and the realm apkd answers with.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/serve_harness.h"
#include "support/apkd_process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::RunCommand;
using testing::ServeClient;
using testing::ShellQuote;
using testing::TempDir;

// The realm of the Basic challenge on an unauthenticated index request: the public URL's host.
std::string Realm(const ServeClient& client) {
  const auto r = client.WithHeaders("", "/any/x86_64/APKINDEX.tar.gz");
  const std::string marker = "WWW-Authenticate: Basic realm=\"";
  const size_t at = r.headers.find(marker);
  if (at == std::string::npos) {
    return "";
  }
  const size_t begin = at + marker.size();
  return r.headers.substr(begin, r.headers.find('"', begin) - begin);
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

class ServeConfigTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& name, const std::string& text) {
    return dir_.Write(name, text);
  }
  // A start that must fail: `timeout` turns a wrongly accepted config (a server that keeps
  // running) into exit status 124 instead of a hung test.
  testing::CommandResult FailedStart(const std::string& args) {
    return RunCommand("timeout 30 " + testing::BuiltBinary("apkd") + " serve " + args +
                      " </dev/null");
  }

  TempDir dir_;
  ApkdProcess server_;
  ServeClient client_{server_};
};

TEST_F(ServeConfigTest, FileSetsDataDirListenAndPublicUrl) {
  const std::string data = dir_.File("from-config");
  const std::string config = WriteConfig("apkd.conf",
                                         "# apkd settings\n"
                                         "\n"
                                         "data_dir = " +
                                             data +
                                             "\n"
                                             "listen = 127.0.0.1:0\n"
                                             "public_url = https://cfg.example/\n"
                                             "  threads=2  \n"
                                             "rsa_bits = 2048\n");
  ASSERT_TRUE(server_.StartWithArgs({"--config", config}));
  EXPECT_NE(server_.banner().find("listening on 127.0.0.1:"), std::string::npos);
  EXPECT_TRUE(Exists(data + "/apkd.db"));
  EXPECT_EQ(Realm(client_), "cfg.example");
  // public_url also makes the token issuer and audience: a token for cfg.example works.
  const std::string token = client_.TokenFor(server_.secret(), "cfg.example");
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(client_.Call(token, "POST", "/api/v1/orgs", R"({"name":"acme"})").status, 201);
  EXPECT_EQ(testing::Curl(client_.Url("/acme/apk-configuration")).body,
            R"({"jwks_uri":"https://cfg.example/acme/jwks.json"})");
  server_.Stop();
}

TEST_F(ServeConfigTest, FlagsWinOverTheFileWhereverTheyStand) {
  const std::string file_data = dir_.File("from-config");
  const std::string flag_data = dir_.File("from-flag");
  // 192.0.2.1 (TEST-NET-1) is not an address of this host: apkd only starts if the flag wins.
  const std::string config = WriteConfig(
      "apkd.conf",
      "data_dir = " + file_data +
          "\nlisten = 192.0.2.1:0\npublic_url = https://cfg.example\nrsa_bits = 2048\n");
  ASSERT_TRUE(server_.StartWithArgs({"--public-url", "https://flag.example", "--config", config,
                                     "--data-dir", flag_data, "--listen", "127.0.0.1:0"}));
  EXPECT_EQ(Realm(client_), "flag.example");
  EXPECT_TRUE(Exists(flag_data + "/apkd.db"));
  EXPECT_FALSE(Exists(file_data));
  server_.Stop();
}

TEST_F(ServeConfigTest, BadSettingsStopTheStartWithAClearMessage) {
  struct Case {
    const char* line;
    const char* message;  // expected in what apkd prints
  };
  const std::vector<Case> cases = {
      {"colour = blue", "unknown setting colour"},
      {"data-dir-typo = /tmp/x", "unknown setting data-dir-typo"},
      {"threads = many", "threads"},
      {"threads = -1", "threads"},
      {"listen = nowhere", "listen"},
      {"listen = 127.0.0.1:99999", "listen"},
      {"listen = 127.0.0.1:", "listen"},
      {"rsa_bits = 1024", "rsa_bits"},
      {"rsa_bits = lots", "rsa_bits"},
      {"rsa_bits = 100000", "rsa_bits"},
      {"public_url =", "public_url"},
      {"public_url = https://", "public_url"},
      {"public_url = not a url", "public_url"},
      {"arches =", "arches"},
      {"arches = ,", "arches"},
      {"arches = x86_64,../etc", "arches"},
      {"data_dir =", "data_dir"},
      {"just words", "expected key = value"},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string data = dir_.File("bad-" + std::to_string(++n));
    // The offending line comes last, after a valid base, so a message with a line number
    // proves it names the right line.
    const std::string config = WriteConfig(
        "bad.conf", "data_dir = " + data + "\nlisten = 127.0.0.1:0\n" + std::string(c.line) + "\n");
    const auto r = FailedStart("--config " + ShellQuote(config));
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.exit_code, 124) << "apkd started with this setting";
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("bad.conf:3"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("listening on"), std::string::npos) << r.output;
    EXPECT_FALSE(Exists(data)) << "nothing is created for a config that does not load";
  }
}

TEST_F(ServeConfigTest, UnreadableFileAndBadFlagsStopTheStart) {
  const std::string missing = dir_.File("no-such.conf");
  auto r = FailedStart("--config " + ShellQuote(missing) + " --listen 127.0.0.1:0");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124);
  EXPECT_NE(r.output.find("no-such.conf"), std::string::npos) << r.output;

  r = FailedStart("--data-dir " + ShellQuote(dir_.File("d")) +
                  " --listen 127.0.0.1:0 --colour blue");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124);
  EXPECT_NE(r.output.find("colour"), std::string::npos) << r.output;

  r = FailedStart("--data-dir " + ShellQuote(dir_.File("d")) + " --listen");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124);
  EXPECT_NE(r.output.find("--listen"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace apkd
