// The audit trail and token hygiene of the real `apkd serve` (127.0.0.1:0), checked with curl,
// the real apkctl, Python's standard library and openssl:
//  - package downloads and denied requests with credentials are recorded with who, what, where;
//    apk's bare first probe (no Authorization) is not; listing is owner-only and filterable;
//  - OIDC discovery and the issuer JWKS; a token apkd issued verifies against the JWK it serves
//    (python3 turns the JWK into a PEM, openssl checks the signature);
//  - issuer key rotation keeps earlier tokens working, across a restart, and the JWKS lists
//    exactly the verifying keys;
//  - no secret presented in a bad-credential request reaches apkd's stderr, a response body or
//    the audit log.
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
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
#include "util/encoding.h"
#include "util/file_io.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::BuiltBinary;
using testing::Curl;
using testing::kTestHost;
using testing::RunCommand;
using testing::ShellQuote;
using Http = testing::HttpResult;

constexpr char kUserAgent[] = "apk-tools/2.14.4, libfetch";

boost::json::value Parse(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return ec ? boost::json::value() : value;
}

std::string Str(const boost::json::value& object, const char* key) {
  if (!object.is_object()) {
    return "";
  }
  const auto* member = object.as_object().if_contains(key);
  return member != nullptr && member->is_string() ? std::string(member->as_string()) : "";
}

int64_t Int(const boost::json::value& object, const char* key) {
  if (!object.is_object()) {
    return -1;
  }
  const auto* member = object.as_object().if_contains(key);
  return member != nullptr && member->is_int64() ? member->as_int64() : -1;
}

std::vector<boost::json::value> Items(const std::string& body) {
  const boost::json::value doc = Parse(body);
  std::vector<boost::json::value> items;
  if (doc.is_object() && doc.as_object().contains("items")) {
    for (const auto& item : doc.as_object().at("items").as_array()) {
      items.push_back(item);
    }
  }
  return items;
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The python3 interpreter itself, resolved once: a version manager's shim costs ~0.4 s a start.
const std::string& Python3() {
  static const std::string python = [] {
    auto r = RunCommand("python3 -c 'import sys; print(sys.executable)' 2>/dev/null");
    const std::string path = r.output.substr(0, r.output.find('\n'));
    return ShellQuote(r.exit_code == 0 && !path.empty() ? path : "python3");
  }();
  return python;
}

// The kid in a JWS header.
std::string KidOf(const std::string& token) {
  const auto header = Base64UrlDecode(token.substr(0, token.find('.')));
  return header ? Str(Parse(*header), "kid") : "";
}

class ServeAuditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new ApkdProcess();
    server_->CaptureStderr(dir_->File("apkd.stderr"));
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    owner_secret_ = server_->secret();
    ASSERT_FALSE(owner_secret_.empty());
    owner_ = TokenFor(owner_secret_);
    ASSERT_FALSE(owner_.empty());
    ASSERT_EQ(Api("POST", "/api/v1/orgs", R"({"name":"acme.example"})").status, 201);
    auto globex = Api("POST", "/api/v1/orgs", R"({"name":"globex"})");
    ASSERT_EQ(globex.status, 201);
    globex_uid_ = Str(Parse(globex.body), "uid");
    ASSERT_EQ(Api("PUT", "/api/v1/images/tools", R"({"packages":["wget"]})").status, 200);
    ASSERT_EQ(Api("POST", "/api/v1/orgs/acme.example/entitlements", R"({"image":"tools"})").status,
              204);
    ASSERT_EQ(Curl(Auth(owner_) + " --data-binary @" + ShellQuote(BuildApk("wget", "1.2-r0")) +
                   " " + Url("/api/v1/packages"))
                  .status,
              201);
    auto pull = Api("POST", "/api/v1/orgs/acme.example/pull-tokens", R"({"name":"ci"})");
    ASSERT_EQ(pull.status, 201) << pull.body;
    pull_identity_ = Str(Parse(pull.body), "identity");
    pull_secret_ = Str(Parse(pull.body), "secret");
    pull_ = TokenFor(pull_secret_);
    ASSERT_FALSE(pull_.empty());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static std::string Url(const std::string& path) { return ShellQuote(server_->base() + path); }
  static std::string Auth(const std::string& secret) { return testing::CurlBasicAuth(secret); }
  static std::string TokenFor(const std::string& secret) {
    auto r = Curl(Auth(secret) + " -X POST -d '{}' " + Url("/api/v1/auth/token"));
    return r.status == 200 ? Str(Parse(r.body), "token") : "";
  }
  static Http Api(const std::string& method, const std::string& path, const std::string& body) {
    return Curl(Auth(owner_) + " -X " + method + " -d " + ShellQuote(body) + " " + Url(path));
  }
  static std::string BuildApk(const std::string& name, const std::string& version) {
    const crypto::LocalSigner signer("test.rsa.pub", testing::TestKey());
    format::PkgInfo info;
    info.name = name;
    info.version = version;
    info.arch = "x86_64";
    format::PackageFile file;
    file.path = "usr/share/" + name;
    file.content = version;
    auto bytes = format::BuildPackage(info, {file}, &signer);
    EXPECT_TRUE(bytes.ok());
    return dir_->Write(name + "-" + version + ".apk", bytes.ok() ? *bytes : "");
  }
  static std::vector<boost::json::value> Audit(const std::string& org, const std::string& query) {
    auto r = Curl(Auth(owner_) + " " + Url("/api/v1/orgs/" + org + "/audit" + query));
    EXPECT_EQ(r.status, 200) << r.body;
    return Items(r.body);
  }
  static std::string Jwks() {
    auto r = Curl(Url("/.well-known/jwks.json"));
    EXPECT_EQ(r.status, 200);
    return r.body;
  }
  // python3 + openssl verify `token` against the JWKS apkd serves now.
  static testing::CommandResult VerifyWithJwks(const std::string& token) {
    const std::string jwks = dir_->Write("jwks.json", Jwks());
    const std::string file = dir_->Write("token.txt", token);
    return RunCommand(Python3() + " " APKD_JWK_VERIFY " " + jwks + " " + file);
  }

  static testing::TempDir* dir_;
  static ApkdProcess* server_;
  static std::string owner_secret_, owner_, pull_identity_, pull_secret_, pull_, globex_uid_;
};
testing::TempDir* ServeAuditTest::dir_ = nullptr;
ApkdProcess* ServeAuditTest::server_ = nullptr;
std::string ServeAuditTest::owner_secret_, ServeAuditTest::owner_, ServeAuditTest::pull_identity_,
    ServeAuditTest::pull_secret_, ServeAuditTest::pull_, ServeAuditTest::globex_uid_;

TEST_F(ServeAuditTest, DownloadsAreRecordedWithWhoWhatAndWhere) {
  const int64_t before = Now();
  auto r = Curl(Auth(pull_) + " -A " + ShellQuote(kUserAgent) + " -o /dev/null " +
                Url("/acme.example/x86_64/wget-1.2-r0.apk"));
  ASSERT_EQ(r.status, 200);
  const auto items = Audit("acme.example", "?kind=download&limit=1");
  ASSERT_EQ(items.size(), 1u);
  const auto& event = items[0];
  EXPECT_EQ(Str(event, "kind"), "download");
  EXPECT_EQ(Str(event, "identity"), pull_identity_);
  EXPECT_EQ(Str(event, "package"), "wget");
  EXPECT_EQ(Str(event, "version"), "1.2-r0");
  EXPECT_EQ(Str(event, "arch"), "x86_64");
  EXPECT_EQ(Str(event, "source_address"), "127.0.0.1");
  EXPECT_EQ(Str(event, "user_agent"), kUserAgent);
  EXPECT_GE(Int(event, "time"), before);
  EXPECT_LE(Int(event, "time"), Now());
  EXPECT_FALSE(Str(event, "org_uid").empty());
  // HEAD is not a download.
  ASSERT_EQ(Curl(Auth(pull_) + " -I " + Url("/acme.example/x86_64/wget-1.2-r0.apk")).status, 200);
  EXPECT_EQ(Audit("acme.example", "?kind=download&since=" + std::to_string(before)).size(), 1u);
}

TEST_F(ServeAuditTest, DenialsWithCredentialsAreRecordedButBareProbesAreNot) {
  const int64_t before = Now();
  // apk's first request for every file carries no credentials: 401, and nothing written.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Curl(Url("/acme.example/aarch64/APKINDEX.tar.gz")).status, 401);
  }
  ASSERT_EQ(Curl(Url("/api/v1/orgs/acme.example/audit")).status, 401);
  // Bad credentials (401) and a valid caller without the capability (403) are.
  ASSERT_EQ(Curl(Auth("apkds_" + std::string(32, '0') + "_bogus") + " -A probe/1 " +
                 Url("/acme.example/x86_64/APKINDEX.tar.gz"))
                .status,
            401);
  ASSERT_EQ(Curl(Auth(pull_) + " " + Url("/api/v1/orgs/acme.example/audit")).status, 403);
  ASSERT_EQ(
      Curl(Auth(pull_) + " -X POST --data-binary x " + Url("/api/v1/orgs/acme.example/packages"))
          .status,
      403);
  ASSERT_EQ(Curl(Auth(pull_) + " " + Url("/globex/x86_64/APKINDEX.tar.gz")).status, 403);

  const auto denied = Audit("acme.example", "?kind=denied&since=" + std::to_string(before));
  for (const auto& event : denied) {
    EXPECT_NE(Str(event, "path"), "/acme.example/aarch64/APKINDEX.tar.gz") << "a bare probe";
  }
  auto find = [&](const std::string& path, int status) -> const boost::json::value* {
    for (const auto& event : denied) {
      if (Str(event, "path") == path && Int(event, "status") == status) {
        return &event;
      }
    }
    return nullptr;
  };
  ASSERT_EQ(denied.size(), 3u) << "bad secret, audit.list, apk.create";
  const auto* bad = find("/acme.example/x86_64/APKINDEX.tar.gz", 401);
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(Str(*bad, "reason"), "invalid_credentials");
  EXPECT_EQ(Str(*bad, "identity"), "");
  EXPECT_EQ(Str(*bad, "arch"), "x86_64");
  EXPECT_EQ(Str(*bad, "user_agent"), "probe/1");
  EXPECT_EQ(Str(*bad, "method"), "GET");
  EXPECT_FALSE(Str(*bad, "message").empty());
  const auto* listing = find("/api/v1/orgs/acme.example/audit", 403);
  ASSERT_NE(listing, nullptr);
  EXPECT_EQ(Str(*listing, "capability"), "audit.list");
  EXPECT_EQ(Str(*listing, "reason"), "missing_capability");
  EXPECT_EQ(Str(*listing, "identity"), pull_identity_);
  const auto* upload = find("/api/v1/orgs/acme.example/packages", 403);
  ASSERT_NE(upload, nullptr);
  EXPECT_EQ(Str(*upload, "capability"), "apk.create");
  EXPECT_EQ(Str(*upload, "method"), "POST");
  // The denial on globex is globex's.
  const auto other = Audit("globex", "?kind=denied&since=" + std::to_string(before));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(Str(other[0], "org_uid"), globex_uid_);
  EXPECT_EQ(Str(other[0], "capability"), "apk.list");
}

TEST_F(ServeAuditTest, ListingIsForOwnersAndFiltersAreChecked) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        Curl(Auth(pull_) + " -o /dev/null " + Url("/acme.example/x86_64/wget-1.2-r0.apk")).status,
        200);
  }
  const auto two = Audit("acme.example", "?kind=download&limit=2");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_GE(Int(two[0], "id"), Int(two[1], "id")) << "newest first";
  EXPECT_TRUE(Audit("acme.example", "?since=" + std::to_string(Now() + 3600)).empty());
  for (const char* bad :
       {"?kind=bogus", "?limit=0", "?limit=1001", "?limit=x", "?since=-1", "?token=abc"}) {
    EXPECT_EQ(
        Curl(Auth(owner_) + " " + Url(std::string("/api/v1/orgs/acme.example/audit") + bad)).status,
        400)
        << bad;
  }
  EXPECT_EQ(Curl(Auth(pull_) + " " + Url("/api/v1/orgs/acme.example/audit")).status, 403);
  EXPECT_EQ(
      Curl(Auth(owner_) + " -X POST -d '{}' " + Url("/api/v1/orgs/acme.example/audit")).status,
      404);

  // The global listing (bootstrap owner only) has every org's events and those of no org: the
  // token endpoint, an unknown org.
  const int64_t before = Now();
  ASSERT_EQ(Curl(Auth("not-a-token") + " -X POST -d '{}' " + Url("/api/v1/auth/token")).status,
            401);
  ASSERT_EQ(Curl(Auth(pull_) + " " + Url("/no-such-org/x86_64/APKINDEX.tar.gz")).status, 403);
  auto global =
      Curl(Auth(owner_) + " " + Url("/api/v1/audit?kind=denied&since=" + std::to_string(before)));
  ASSERT_EQ(global.status, 200) << global.body;
  std::vector<std::string> paths;
  for (const auto& event : Items(global.body)) {
    if (Str(event, "org_uid").empty()) {
      paths.push_back(Str(event, "path"));
    }
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/no-such-org/x86_64/APKINDEX.tar.gz",
                                             "/api/v1/auth/token"}));
  EXPECT_EQ(Curl(Auth(pull_) + " " + Url("/api/v1/audit")).status, 403);
  auto metrics = Curl(Url("/metrics"));
  EXPECT_NE(metrics.body.find("\napkd_audit_dropped_total 0\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("\napkd_audit_events_total "), std::string::npos);
}

TEST_F(ServeAuditTest, ApkctlAuditList) {
  ASSERT_EQ(
      Curl(Auth(pull_) + " -o /dev/null " + Url("/acme.example/x86_64/wget-1.2-r0.apk")).status,
      200);
  const std::string apkctl = "XDG_CONFIG_HOME=" + ShellQuote(dir_->File("config")) +
                             " APKCTL_SERVER=" + ShellQuote(server_->base()) +
                             " APKCTL_TOKEN=" + ShellQuote(owner_secret_) + " " +
                             BuiltBinary("apkctl");
  auto json =
      RunCommand(apkctl + " audit list --org acme.example --kind download --limit 1 -o json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto items = Items(json.output);
  ASSERT_EQ(items.size(), 1u) << json.output;
  EXPECT_EQ(Str(items[0], "package"), "wget");
  auto table = RunCommand(apkctl + " audit list --org acme.example --limit 5");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_EQ(table.output.rfind("TIME", 0), 0u) << table.output;
  EXPECT_NE(table.output.find("SOURCE_ADDRESS"), std::string::npos);
  EXPECT_NE(table.output.find("wget"), std::string::npos);
  EXPECT_NE(table.output.find("Z  download"), std::string::npos) << "ISO 8601 times";
  auto usage = RunCommand(apkctl + " audit list acme.example");
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  auto global = RunCommand(apkctl + " audit list --kind download -o json");
  ASSERT_EQ(global.exit_code, 0) << global.output;
  EXPECT_FALSE(Items(global.output).empty());
  auto bad = RunCommand(apkctl + " audit list --org acme.example --kind nope");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  auto forbidden = RunCommand("XDG_CONFIG_HOME=" + ShellQuote(dir_->File("config2")) +
                              " APKCTL_SERVER=" + ShellQuote(server_->base()) +
                              " APKCTL_TOKEN=" + ShellQuote(pull_secret_) + " " +
                              BuiltBinary("apkctl") + " audit list --org acme.example");
  EXPECT_EQ(forbidden.exit_code, 1) << forbidden.output;
  EXPECT_NE(forbidden.output.find("audit.list"), std::string::npos) << forbidden.output;
}

TEST_F(ServeAuditTest, OidcDiscoveryAndJwks) {
  auto discovery = Curl(Url("/.well-known/openid-configuration"));
  ASSERT_EQ(discovery.status, 200);
  const auto doc = Parse(discovery.body);
  EXPECT_EQ(Str(doc, "issuer"), std::string("https://") + kTestHost);
  EXPECT_EQ(Str(doc, "jwks_uri"), std::string("https://") + kTestHost + "/.well-known/jwks.json");
  EXPECT_EQ(boost::json::serialize(doc.at("id_token_signing_alg_values_supported")),
            R"(["ES256"])");
  EXPECT_EQ(boost::json::serialize(doc.at("subject_types_supported")), R"(["public"])");
  // The issuer in the document is the iss of the tokens.
  const auto payload = Base64UrlDecode(
      owner_.substr(owner_.find('.') + 1, owner_.rfind('.') - owner_.find('.') - 1));
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(Str(Parse(*payload), "iss"), Str(doc, "issuer"));

  const auto jwks = Parse(Jwks());
  const auto& keys = jwks.at("keys").as_array();
  ASSERT_GE(keys.size(), 1u);
  const auto& key = keys[0];
  EXPECT_EQ(Str(key, "kty"), "EC");
  EXPECT_EQ(Str(key, "crv"), "P-256");
  EXPECT_EQ(Str(key, "alg"), "ES256");
  EXPECT_EQ(Str(key, "use"), "sig");
  EXPECT_EQ(Str(key, "kid"), KidOf(TokenFor(owner_secret_))) << "the current key is first";
  EXPECT_EQ(key.as_object().size(), 7u) << "no private member (d) or anything else";
  EXPECT_EQ(Curl(Url("/.well-known/other")).status, 404);
}

TEST_F(ServeAuditTest, ATokenApkdIssuedVerifiesAgainstTheServedJwkWithOpenssl) {
  const std::string token = TokenFor(pull_secret_);
  auto verified = VerifyWithJwks(token);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("Verified OK"), std::string::npos) << verified.output;
  // The checker is not a rubber stamp: one flipped payload byte fails.
  std::string tampered = token;
  const size_t at = token.find('.') + 5;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_NE(VerifyWithJwks(tampered).exit_code, 0);
}

// Rotation, then a restart: tokens issued before keep working and the JWKS follows.
TEST_F(ServeAuditTest, IssuerKeyRotationKeepsEarlierTokensAcrossARestart) {
  const std::string before = TokenFor(pull_secret_);
  const std::string old_kid = KidOf(before);
  ASSERT_EQ(Parse(Jwks()).at("keys").as_array().size(), 1u);
  // Only the bootstrap owner rotates; a refusal is audited like any other.
  EXPECT_EQ(Curl("-X POST " + Url("/api/v1/auth/keys/rotate")).status, 401);
  EXPECT_EQ(Curl(Auth(pull_) + " -X POST " + Url("/api/v1/auth/keys/rotate")).status, 403);
  EXPECT_EQ(Curl(Auth(owner_) + " " + Url("/api/v1/auth/keys/rotate")).status, 404);

  auto rotated = Curl(Auth(owner_) + " -X POST " + Url("/api/v1/auth/keys/rotate"));
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const auto result = Parse(rotated.body);
  const std::string new_kid = Str(result, "kid");
  ASSERT_FALSE(new_kid.empty());
  EXPECT_NE(new_kid, old_kid);
  const auto& states = result.at("keys").as_array();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(Str(states[0], "state"), "current");
  EXPECT_EQ(Str(states[1], "kid"), old_kid);
  EXPECT_EQ(Str(states[1], "state"), "previous");
  EXPECT_EQ(Int(states[1], "verify_until") - Int(states[1], "retired_at"), 3600 + 30);

  const auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    const auto keys = Parse(Jwks()).at("keys").as_array();
    ASSERT_EQ(keys.size(), 2u) << "exactly the verifying keys";
    EXPECT_EQ(Str(keys[0], "kid"), new_kid);
    EXPECT_EQ(Str(keys[1], "kid"), old_kid);
    const std::string after = TokenFor(pull_secret_);
    EXPECT_EQ(KidOf(after), new_kid);
    for (const std::string& token : {before, after}) {
      EXPECT_EQ(
          Curl(Auth(token) + " -o /dev/null " + Url("/acme.example/x86_64/APKINDEX.tar.gz")).status,
          200);
      EXPECT_EQ(VerifyWithJwks(token).exit_code, 0);
    }
  };
  check("after the rotation");
  server_->Stop();
  ASSERT_TRUE(server_->Start(dir_->File("data")));
  check("after a restart");
  owner_ = TokenFor(owner_secret_);
}

TEST_F(ServeAuditTest, RetentionPrunesOldEventsAtStartup) {
  const std::string acme_uid =
      Str(Parse(Api("GET", "/api/v1/orgs", "").body).at("items").at(0), "uid");
  ASSERT_FALSE(acme_uid.empty());
  server_->Stop();
  const std::string db = ShellQuote(dir_->File("data") + "/apkd.db");
  for (const auto& [package, age_days] : {std::pair{"ancient", 100}, std::pair{"recent", 10}}) {
    const std::string sql =
        "INSERT INTO audit_events (time, kind, identity_id, org_uid, package, version, arch, "
        "source_address, user_agent, detail) VALUES (" +
        std::to_string(Now() - int64_t{age_days} * 86400) + ", 'download', '', '" + acme_uid +
        "', '" + package + "', '1-r0', 'x86_64', '192.0.2.1', 'seeded', '')";
    ASSERT_EQ(RunCommand("sqlite3 " + db + " " + ShellQuote(sql)).exit_code, 0);
  }
  auto bad = RunCommand("timeout 20 " + BuiltBinary("apkd") + " serve --data-dir " +
                        ShellQuote(dir_->File("unused")) + " --audit-retention-days -1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("audit-retention-days"), std::string::npos) << bad.output;

  ASSERT_TRUE(server_->Start(dir_->File("data"), {"--audit-retention-days", "30"}));
  owner_ = TokenFor(owner_secret_);
  std::vector<std::string> seeded;
  for (int attempt = 0; attempt < 100; ++attempt) {  // the first prune runs ~100 ms after start
    seeded.clear();
    for (const auto& event : Audit("acme.example", "?limit=1000")) {
      if (Str(event, "user_agent") == "seeded") {
        seeded.push_back(Str(event, "package"));
      }
    }
    if (seeded.size() == 1) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(seeded, std::vector<std::string>{"recent"}) << "100 days old is past 30 days";
}

// Every secret used by the suite and a set of bad credentials must appear in no response body,
// no audit event and nowhere on apkd's stderr (also after the rest of the suite, when run in
// one process).
TEST_F(ServeAuditTest, SecretsNeverReachLogsErrorBodiesOrTheAuditLog) {
  std::string forged = pull_;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  const std::string wrong_secret =
      "apkds_" + pull_identity_ + "_WrongSecretValue0123456789abcdefghijKLMNOP";
  const std::vector<std::string> presented = {
      wrong_secret,
      forged,
      "NotAToken-But-A-Password-9f8e7d6c5b4a",
      "pass:with:colons-ZYXWVUT",
      std::string(5000, 'Q') + "TooLong",
  };
  std::vector<std::string> bodies;
  const std::vector<std::string> paths = {"/acme.example/x86_64/wget-1.2-r0.apk",
                                          "/api/v1/orgs/acme.example/audit"};
  for (const std::string& secret : presented) {
    for (const std::string& path : paths) {
      for (const std::string& auth :
           {Auth(secret), "-H " + ShellQuote("Authorization: Bearer " + secret)}) {
        auto r = Curl(auth + " " + Url(path));
        EXPECT_EQ(r.status, 401) << path;
        bodies.push_back(r.body);
      }
    }
    auto token = Curl(Auth(secret) + " -X POST -d '{}' " + Url("/api/v1/auth/token"));
    EXPECT_EQ(token.status, 401);
    bodies.push_back(token.body);
  }
  // Valid credentials on a forbidden route: 403, the secret stays secret there too.
  auto forbidden = Curl(Auth(pull_secret_) + " " + Url("/api/v1/orgs/acme.example/audit"));
  EXPECT_EQ(forbidden.status, 403);
  bodies.push_back(forbidden.body);
  bodies.push_back(
      Curl(Auth(owner_) + " " + Url("/api/v1/orgs/acme.example/audit?limit=1000")).body);
  bodies.push_back(Curl(Auth(owner_) + " " + Url("/api/v1/orgs/globex/audit?limit=1000")).body);

  std::vector<std::string> secrets = presented;
  for (const std::string& known : {owner_secret_, owner_, pull_secret_, pull_}) {
    secrets.push_back(known);
  }
  // A distinctive slice of each (a long secret could appear only in part), raw and as the
  // Basic credentials curl sent (base64 of "user:<secret>").
  std::vector<std::string> needles;
  for (const std::string& secret : secrets) {
    for (const std::string& form : {secret, Base64Encode("user:" + secret)}) {
      needles.push_back(form.size() > 40 ? form.substr(form.size() - 40) : form);
      needles.push_back(form.substr(0, std::min<size_t>(form.size(), 40)));
    }
  }
  // Stopping makes apkd say so on stderr, which shows the capture works; then serve on.
  server_->Stop();
  const auto stderr_text = ReadFile(dir_->File("apkd.stderr"), 64 << 20);
  ASSERT_TRUE(server_->Start(dir_->File("data")));
  ASSERT_TRUE(stderr_text.ok());
  for (const std::string& needle : needles) {
    if (needle.rfind("apkds_", 0) == 0 || needle.rfind("dXNlcjphcGtkc1", 0) == 0) {
      // "apkds_<identity id>" names an identity, which the audit log records on purpose; the
      // secret part is checked by the tail slice.
      continue;
    }
    EXPECT_EQ(stderr_text->find(needle), std::string::npos) << "stderr holds " << needle;
    for (const std::string& body : bodies) {
      EXPECT_EQ(body.find(needle), std::string::npos) << "a body holds " << needle;
    }
  }
  EXPECT_NE(stderr_text->find("apkd: signal 15, shutting down"), std::string::npos)
      << "stderr is captured";
}

}  // namespace
}  // namespace apkd
