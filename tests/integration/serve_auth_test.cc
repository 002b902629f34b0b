// The real `apkd serve` against tokens minted independently of the project (Python json/base64
// and `openssl dgst -sign` with the issuer key read from apkd.db by the sqlite3 CLI), and index
// signing keys rotated over HTTP (signatures checked with openssl against the published keys).
// A correctly minted token must pass first: otherwise the refusals would prove nothing.
#include <algorithm>
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
using testing::JsonField;
using testing::kTestHost;
using testing::RunCommand;
using testing::ServeClient;
using testing::ShellQuote;
using testing::TempDir;

constexpr char kOrgA[] = "acme";
constexpr char kOrgB[] = "globex";
constexpr char kIndexA[] = "/acme/x86_64/APKINDEX.tar.gz";
constexpr char kChallenge[] = "WWW-Authenticate: Basic realm=\"apk.test.example\"";
constexpr char kForbidden[] = "caller does not have the required capabilities";

class ServeAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ApkdProcess();
    client_ = new ServeClient(*server_);
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    admin_ = client_->TokenFor(server_->secret());
    ASSERT_FALSE(admin_.empty());
    for (const char* org : {kOrgA, kOrgB}) {
      auto r =
          client_->Call(admin_, "POST", "/api/v1/orgs", std::string("{\"name\":\"") + org + "\"}");
      ASSERT_EQ(r.status, 201) << r.body;
    }
    auto pull = client_->Call(admin_, "POST", "/api/v1/orgs/acme/pull-tokens", R"({"name":"ci"})");
    ASSERT_EQ(pull.status, 201) << pull.body;
    pull_a_ = client_->TokenFor(JsonField(pull.body, "secret"));
    ASSERT_FALSE(pull_a_.empty());
    // The issuer key as the server persisted it, read with the sqlite3 CLI.
    issuer_key_ = dir_->File("issuer.pem");
    auto read = RunCommand("sqlite3 " + ShellQuote(dir_->File("data/apkd.db")) +
                           " \"SELECT value FROM settings WHERE key = 'token_issuer_key_pem'\" > " +
                           ShellQuote(issuer_key_));
    ASSERT_EQ(read.exit_code, 0) << read.output;
    other_key_ = dir_->File("other.pem");
    auto gen = RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                          ShellQuote(other_key_));
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
  }
  static void TearDownTestSuite() {
    delete client_;
    delete server_;
    delete dir_;
  }

  // A token shaped like `template_token` with `changes` (see jwt_mint.py), signed with `key`.
  static std::string Mint(const std::string& template_token, const std::string& key,
                          const std::vector<std::string>& changes) {
    std::string command = testing::PythonScript("jwt_mint.py") + " mint " +
                          ShellQuote(template_token) + " " + ShellQuote(key);
    for (const auto& change : changes) {
      command += " " + ShellQuote(change);
    }
    auto r = RunCommand(command);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output.substr(0, r.output.find('\n'));
  }

  // A token for acme's pull identity that differs from a valid one only by `changes`.
  static std::string MintPull(const std::vector<std::string>& changes,
                              const std::string& key = issuer_key_) {
    std::vector<std::string> all = {"iat=now-10", "exp=now+600"};
    all.insert(all.end(), changes.begin(), changes.end());
    return Mint(pull_a_, key, all);
  }

  static TempDir* dir_;
  static ApkdProcess* server_;
  static ServeClient* client_;
  static std::string admin_, pull_a_, issuer_key_, other_key_;
};
TempDir* ServeAuthTest::dir_ = nullptr;
ApkdProcess* ServeAuthTest::server_ = nullptr;
ServeClient* ServeAuthTest::client_ = nullptr;
std::string ServeAuthTest::admin_, ServeAuthTest::pull_a_, ServeAuthTest::issuer_key_,
    ServeAuthTest::other_key_;

TEST_F(ServeAuthTest, IndependentlyMintedTokenIsAccepted) {
  // The minted tokens copy header and claims from a real one; check it has what we expect.
  auto decoded =
      RunCommand(testing::PythonScript("jwt_mint.py") + " decode " + ShellQuote(pull_a_));
  ASSERT_EQ(decoded.exit_code, 0) << decoded.output;
  const std::string header = decoded.output.substr(0, decoded.output.find('\n'));
  const std::string payload = decoded.output.substr(decoded.output.find('\n') + 1);
  EXPECT_EQ(JsonField(header, "alg"), "ES256");
  EXPECT_FALSE(JsonField(header, "kid").empty());
  EXPECT_EQ(JsonField(payload, "iss"), std::string("https://") + kTestHost);
  EXPECT_EQ(JsonField(payload, "aud"), kTestHost);
  for (const char* claim : {"sub", "iat", "exp", "jti", "knd"}) {
    EXPECT_FALSE(JsonField(payload, claim).empty()) << claim << " in " << payload;
  }

  const std::string token = MintPull({});
  ASSERT_NE(token, pull_a_);
  EXPECT_EQ(client_->WithHeaders(token, kIndexA).status, 200);
  // A full credential: the index it fetches is a real one.
  EXPECT_EQ(client_->Download(token, kIndexA, dir_->File("minted.tar.gz")), 200);
  EXPECT_FALSE(testing::TarNames(dir_->File("minted.tar.gz")).empty());
}

TEST_F(ServeAuthTest, BadTokensAre401WithABasicChallenge) {
  // Proof that minting works, in this very test: only the single change below differs.
  ASSERT_EQ(client_->WithHeaders(MintPull({}), kIndexA).status, 200);
  struct Case {
    const char* what;
    std::string token;
    const char* reason;  // in the 401 body: the check that refused it, not some other one
  };
  const std::vector<Case> cases = {
      {"expired", MintPull({"iat=now-7200", "exp=now-3600"}), "expired"},
      {"alg none, no signature", MintPull({"header.alg=none"}, "none"), "three non-empty"},
      {"alg none, with a valid ES256 signature", MintPull({"header.alg=none"}), "alg none"},
      {"signed by another EC key (same kid)", MintPull({}, other_key_), "does not verify"},
      {"wrong audience", MintPull({"aud=other.example"}), "audience"},
      {"another issuer", MintPull({"iss=https://other.example"}), "issuer"},
      {"lives longer than a session token may", MintPull({"exp=now+7200"}), "lives longer"},
      {"not valid yet", MintPull({"nbf=now+3600"}), "not valid yet"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    ASSERT_FALSE(c.token.empty());
    auto r = client_->WithHeaders(c.token, kIndexA);
    EXPECT_EQ(r.status, 401) << r.headers << "\n" << r.body;
    EXPECT_NE(r.headers.find(kChallenge), std::string::npos) << r.headers;
    EXPECT_NE(r.body.find(c.reason), std::string::npos) << r.body;
    // The same through `Authorization: Bearer`.
    auto bearer = testing::Curl("-H " + ShellQuote("Authorization: Bearer " + c.token) + " " +
                                client_->Url(kIndexA));
    EXPECT_EQ(bearer.status, 401);
  }
}

TEST_F(ServeAuthTest, TokenForOneOrgIsForbiddenOnAnother) {
  for (const std::string& token : {pull_a_, MintPull({})}) {
    auto r = client_->WithHeaders(token, "/globex/x86_64/APKINDEX.tar.gz");
    EXPECT_EQ(r.status, 403) << r.headers;
    EXPECT_NE(r.body.find(kForbidden), std::string::npos) << r.body;
    EXPECT_EQ(client_->WithHeaders(token, kIndexA).status, 200);
  }
}

// Keys: /<org>/<kid>.rsa.pub saved as `<dir>/<kid>.rsa.pub`.
std::vector<std::string> SignatureKeys(const std::string& index_file) {
  constexpr std::string_view kPrefix = ".SIGN.RSA256.";
  std::vector<std::string> keys;
  for (const auto& name : testing::TarNames(index_file)) {
    if (name.starts_with(kPrefix)) {
      keys.push_back(name.substr(kPrefix.size()));
    }
  }
  return keys;
}

class ServeKeyRotationTest : public ServeAuthTest {
 protected:
  std::string FetchIndex(const std::string& name) {
    const std::string file = dir_->File(name);
    EXPECT_EQ(client_->Download(admin_, kIndexA, file), 200);
    return file;
  }
  std::string FetchKey(const std::string& key_name) {
    const std::string file = dir_->File(key_name);
    EXPECT_EQ(client_->Download("", std::string("/acme/") + key_name, file), 200) << key_name;
    return file;
  }
  std::vector<std::string> JwksKids() {
    auto r = testing::Curl(client_->Url("/acme/jwks.json"));
    EXPECT_EQ(r.status, 200);
    return testing::JsonListField(r.body, "keys", "kid");
  }
  std::string Verify(const std::string& index, const std::string& key_name,
                     const std::string& pem) {
    return testing::VerifyIndexSignature(*dir_, index, key_name, pem);
  }
};

TEST_F(ServeKeyRotationTest, RotateDualSignsThenRetireLeavesOnlyTheNewKey) {
  const std::vector<std::string> before = JwksKids();
  ASSERT_EQ(before.size(), 1u);
  const std::string old_name = before[0] + ".rsa.pub";
  const std::string old_pem = FetchKey(old_name);
  const std::string index0 = FetchIndex("index0.tar.gz");
  ASSERT_EQ(SignatureKeys(index0), std::vector<std::string>{old_name});
  EXPECT_NE(Verify(index0, old_name, old_pem).find("Verified OK"), std::string::npos);

  EXPECT_EQ(client_->Call(pull_a_, "POST", "/api/v1/orgs/acme/keys/rotate").status, 403)
      << "a pull identity may not change what clients trust";
  auto rotated = client_->Call(admin_, "POST", "/api/v1/orgs/acme/keys/rotate");
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string new_name = JsonField(rotated.body, "name");
  ASSERT_TRUE(new_name.ends_with(".rsa.pub")) << rotated.body;
  ASSERT_NE(new_name, old_name);
  EXPECT_EQ(JsonField(rotated.body, "state"), "active");

  // Overlap: both keys sign, both are published, each signature verifies with its own key only.
  const std::string new_pem = FetchKey(new_name);
  const std::string index1 = FetchIndex("index1.tar.gz");
  const std::vector<std::string> signers = SignatureKeys(index1);
  ASSERT_EQ(signers.size(), 2u);
  EXPECT_NE(std::find(signers.begin(), signers.end(), old_name), signers.end());
  EXPECT_NE(std::find(signers.begin(), signers.end(), new_name), signers.end());
  EXPECT_NE(Verify(index1, old_name, old_pem).find("Verified OK"), std::string::npos);
  EXPECT_NE(Verify(index1, new_name, new_pem).find("Verified OK"), std::string::npos);
  EXPECT_EQ(Verify(index1, old_name, new_pem).find("Verified OK"), std::string::npos)
      << "the check must be able to fail";
  std::vector<std::string> kids = JwksKids();
  std::sort(kids.begin(), kids.end());
  std::vector<std::string> both = {before[0], new_name.substr(0, new_name.size() - 8)};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(kids, both);
  auto keys = client_->Call(admin_, "GET", "/api/v1/orgs/acme/keys");
  ASSERT_EQ(keys.status, 200);
  const auto names = testing::JsonListField(keys.body, "items", "name");
  const auto states = testing::JsonListField(keys.body, "items", "state");
  ASSERT_EQ(names.size(), states.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(states[i], names[i] == old_name ? "retiring" : "active") << names[i];
  }

  // Retire: only the new key signs and is published; the old key file is gone from discovery.
  EXPECT_EQ(client_->Call(admin_, "POST", "/api/v1/orgs/acme/keys/retire").status, 204);
  const std::string index2 = FetchIndex("index2.tar.gz");
  EXPECT_EQ(SignatureKeys(index2), std::vector<std::string>{new_name});
  EXPECT_NE(Verify(index2, new_name, new_pem).find("Verified OK"), std::string::npos);
  EXPECT_EQ(JwksKids(), std::vector<std::string>{new_name.substr(0, new_name.size() - 8)});
  EXPECT_EQ(testing::Curl("-o /dev/null " + client_->Url("/acme/" + old_name)).status, 404);
  EXPECT_EQ(client_->Call(admin_, "POST", "/api/v1/orgs/acme/keys/retire").status, 404)
      << "nothing left to retire";
  // The index content itself did not change through the rotation.
  EXPECT_EQ(testing::TarEntryBody(index2, "APKINDEX"), testing::TarEntryBody(index0, "APKINDEX"));
}

}  // namespace
}  // namespace apkd
