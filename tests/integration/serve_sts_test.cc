// The real `apkd serve` exchanging external OIDC ID tokens (POST /sts/exchange) for apkd tokens.
// The test runs its own issuer on 127.0.0.1 (oidc_tool.py: Python's http.server with the
// discovery document and a JWKS of keys made by the openssl CLI) and mints ID tokens with
// Python and `openssl dgst -sha256 -sign`, so nothing on the issuing side is apkd code. Checked
// with curl: good RS256 and ES256 tokens give apkd tokens that read the org's index; forged,
// misdirected, expired and other issuers' tokens get 401; one org's identity gets 403 elsewhere;
// the identity API and apkctl (iam identities, auth exchange) work end to end.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/apkd_process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::BuiltBinary;
using testing::Curl;
using testing::kTestHost;
using testing::RunCommand;
using testing::ShellQuote;
using Http = testing::HttpResult;

constexpr const char* kTool = APKD_OIDC_TOOL;

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::string MustRun(const std::string& command) {
  const auto result = RunCommand(command);
  EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
  return Trim(result.output);
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Top-level member `key` of a JSON object as text (strings unquoted); "" when absent.
std::string JsonField(const std::string& json, const std::string& key) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_object() || !value.as_object().contains(key)) {
    return "";
  }
  const boost::json::value& member = value.as_object().at(key);
  return member.is_string() ? std::string(member.as_string()) : boost::json::serialize(member);
}

// The claims of an ID token as JSON text; tests change members before minting.
struct Claims {
  std::string iss;
  std::string sub = "repo:acme/app:ref:refs/heads/main";
  std::string aud = std::string("\"") + kTestHost + "\"";  // raw JSON: string or array
  int64_t iat = Now() - 5;
  int64_t exp = Now() + 600;
  std::string extra = R"(,"repository_owner":"acme","ref":"refs/heads/main")";

  std::string Json() const {
    return R"({"iss":")" + iss + R"(","sub":")" + sub + R"(","aud":)" + aud + R"(,"iat":)" +
           std::to_string(iat) + R"(,"nbf":)" + std::to_string(iat) + R"(,"exp":)" +
           std::to_string(exp) + extra + "}";
  }
};

class ServeStsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::filesystem::create_directories(dir_->File("issuers"));
    // The interpreter itself rather than a version-manager shim that may cost a second a call.
    python_ = MustRun("python3 -c 'import sys; print(sys.executable)'");
    MakeKeys();
    StartIssuer();
    ASSERT_GT(issuer_port_, 0);
    server_ = new ApkdProcess();
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    owner_ = server_->secret();
    ASSERT_FALSE(owner_.empty());
    for (const char* org : {"acme", "globex"}) {
      auto r = Api("POST", "/api/v1/orgs", std::string(R"({"name":")") + org + "\"}");
      ASSERT_EQ(r.status, 201) << r.body;
    }
    auto acme = Api("POST", "/api/v1/orgs/acme/identities",
                    R"({"name":"gha","issuer":")" + Issuer("main") +
                        R"(","subject_pattern":"repo:acme/[a-z-]+:ref:refs/heads/main",)"
                        R"("claims":{"repository_owner":"acme"}})");
    ASSERT_EQ(acme.status, 201) << acme.body;
    acme_identity_ = JsonField(acme.body, "id");
    auto globex = Api("POST", "/api/v1/orgs/globex/identities",
                      R"({"name":"deploy","issuer":")" + Issuer("main") +
                          R"(","subject":"repo:globex/app:ref:refs/heads/main"})");
    ASSERT_EQ(globex.status, 201) << globex.body;
    globex_identity_ = JsonField(globex.body, "id");
  }

  static void TearDownTestSuite() {
    delete server_;
    if (issuer_pid_ > 0) {
      kill(issuer_pid_, SIGTERM);
      waitpid(issuer_pid_, nullptr, 0);
    }
    delete dir_;
  }

  // Keys made by the openssl CLI: the main issuer's RSA and EC keys and the other issuer's RSA
  // key (which the main issuer does not publish).
  static void MakeKeys() {
    for (const char* name : {"main-rsa", "other-rsa"}) {
      MustRun("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
              dir_->File(std::string(name) + ".pem") + " 2>&1");
    }
    MustRun("openssl ecparam -name prime256v1 -genkey -noout -out " + dir_->File("main-ec.pem"));
    MustRun("openssl pkey -in " + dir_->File("main-rsa.pem") + " -pubout -out " +
            dir_->File("main-rsa.pub"));
  }

  // Issuer "main" publishes the main RSA and EC keys, "other" the other RSA key.
  static void StartIssuer() {
    const std::string issuers = dir_->File("issuers");
    const std::string port_file = dir_->File("issuer.port");
    const std::string main =
        "main=RSA:" + dir_->File("main-rsa.pem") + ":r1,EC:" + dir_->File("main-ec.pem") + ":e1";
    const std::string other = "other=RSA:" + dir_->File("other-rsa.pem") + ":o1";
    issuer_pid_ = fork();
    if (issuer_pid_ == 0) {
      execl(python_.c_str(), python_.c_str(), kTool, "serve", issuers.c_str(), port_file.c_str(),
            main.c_str(), other.c_str(), nullptr);
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> issuer_port_) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the test OIDC issuer did not start";
  }

  static std::string Issuer(const std::string& name) {
    return "http://127.0.0.1:" + std::to_string(issuer_port_) + "/" + name;
  }
  static std::string Url(const std::string& path) { return ShellQuote(server_->base() + path); }
  static Http Api(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& credential = "") {
    return Curl(testing::CurlBasicAuth(credential.empty() ? owner_ : credential) + " -X " + method +
                (body.empty() ? "" : " -d " + ShellQuote(body)) + " " + Url(path));
  }

  struct MintRequest {
    std::string alg;
    std::string key;  // a file under the test dir, e.g. "main-rsa.pem"
    std::string kid;
    Claims claims;
  };
  // Mints every token with one Python process (its start-up is what costs here).
  static std::vector<std::string> MintAll(const std::vector<MintRequest>& requests) {
    boost::json::array list;
    for (const MintRequest& r : requests) {
      list.push_back(boost::json::object{
          {"alg", r.alg}, {"key", dir_->File(r.key)}, {"kid", r.kid}, {"claims", r.claims.Json()}});
    }
    const std::string input = dir_->Write("mint.json", boost::json::serialize(list));
    std::istringstream lines(MustRun(python_ + " " + std::string(kTool) + " mint < " + input));
    std::vector<std::string> tokens;
    for (std::string line; std::getline(lines, line);) {
      tokens.push_back(line);
    }
    EXPECT_EQ(tokens.size(), requests.size());
    tokens.resize(requests.size());
    return tokens;
  }
  static MintRequest Rs256(const Claims& claims, const std::string& kid = "r1",
                           const std::string& key = "main-rsa.pem") {
    return MintRequest{.alg = "RS256", .key = key, .kid = kid, .claims = claims};
  }
  static Claims MainClaims() {
    Claims claims;
    claims.iss = Issuer("main");
    return claims;
  }

  static Http Exchange(const std::string& id_token, const std::string& form) {
    return Curl("-H " + ShellQuote("Authorization: Bearer " + id_token) + " --data " +
                ShellQuote(form) + " " + Url("/sts/exchange"));
  }
  // The apkd token for a good exchange; "" (and a test failure) otherwise.
  static std::string ExchangeFor(const std::string& id_token, const std::string& identity,
                                 const std::string& extra = "") {
    auto r = Exchange(id_token, "identity=" + identity + "&aud=" + kTestHost + extra);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? JsonField(r.body, "token") : "";
  }
  static int IndexStatus(const std::string& org, const std::string& token) {
    return Curl(testing::CurlBasicAuth(token) + " -o /dev/null " +
                Url("/" + org + "/x86_64/APKINDEX.tar.gz"))
        .status;
  }
  static int JwksFetches() {
    std::ifstream log(dir_->File("issuers/requests.log"));
    int count = 0;
    for (std::string line; std::getline(log, line);) {
      count += line == "/main/jwks" ? 1 : 0;
    }
    return count;
  }

  static testing::TempDir* dir_;
  static ApkdProcess* server_;
  static pid_t issuer_pid_;
  static int issuer_port_;
  static std::string python_, owner_, acme_identity_, globex_identity_;
};
testing::TempDir* ServeStsTest::dir_ = nullptr;
ApkdProcess* ServeStsTest::server_ = nullptr;
pid_t ServeStsTest::issuer_pid_ = -1;
int ServeStsTest::issuer_port_ = 0;
std::string ServeStsTest::python_, ServeStsTest::owner_, ServeStsTest::acme_identity_,
    ServeStsTest::globex_identity_;

TEST_F(ServeStsTest, Rs256AndEs256TokensBecomeApkdTokensForTheOrg) {
  const int fetches_before = JwksFetches();
  const Claims claims = MainClaims();
  Claims long_lived = claims;
  long_lived.exp = Now() + 6 * 3600;
  const std::vector<std::string> tokens =
      MintAll({Rs256(claims),
               {.alg = "ES256", .key = "main-ec.pem", .kid = "e1", .claims = claims},
               Rs256(claims, ""),
               Rs256(long_lived)});
  auto rs = Exchange(tokens[0], "identity=" + acme_identity_ + "&aud=" + kTestHost);
  ASSERT_EQ(rs.status, 200) << rs.body;
  EXPECT_EQ(JsonField(rs.body, "identity"), acme_identity_);
  const int64_t expires_at = std::atoll(JsonField(rs.body, "expires_at").c_str());
  EXPECT_LE(expires_at, claims.exp) << "never past the external token's exp";
  EXPECT_GE(expires_at, claims.exp - 60);
  const std::string rs_token = JsonField(rs.body, "token");
  EXPECT_EQ(IndexStatus("acme", rs_token), 200);
  EXPECT_EQ(IndexStatus("globex", rs_token), 403) << "acme's identity has no role in globex";

  const std::string es_token = ExchangeFor(tokens[1], acme_identity_);
  EXPECT_EQ(IndexStatus("acme", es_token), 200);
  // A token without a kid is checked against the keys of its algorithm.
  EXPECT_EQ(IndexStatus("acme", ExchangeFor(tokens[2], acme_identity_)), 200);
  EXPECT_LE(JwksFetches() - fetches_before, 1) << "the issuer's keys are cached";

  // A longer-lived external token still gives at most one hour; aud left out is this host.
  auto hour = Exchange(tokens[3], "identity=" + acme_identity_);
  ASSERT_EQ(hour.status, 200) << hour.body;
  EXPECT_LE(std::atoll(JsonField(hour.body, "expires_at").c_str()), Now() + 3600);
}

TEST_F(ServeStsTest, ForgedMisdirectedAndExpiredTokensAre401) {
  const Claims good = MainClaims();
  auto with = [&](auto edit) {
    Claims claims = good;
    edit(claims);
    return claims;
  };
  Claims other_issuer = good;
  other_issuer.iss = Issuer("other");
  const std::vector<std::pair<std::string, MintRequest>> cases = {
      {"wrong subject",
       Rs256(with([](Claims& c) { c.sub = "repo:evil/app:ref:refs/heads/main"; }))},
      {"wrong audience", Rs256(with([](Claims& c) { c.aud = R"("apk.other.example")"; }))},
      {"expired", Rs256(with([](Claims& c) { c.exp = Now() - 120; }))},
      {"not yet valid", Rs256(with([](Claims& c) { c.iat = Now() + 600; }))},
      {"claim pattern miss",
       Rs256(with([](Claims& c) { c.extra = R"(,"repository_owner":"evil")"; }))},
      {"another issuer (its own valid key)", Rs256(other_issuer, "o1", "other-rsa.pem")},
      {"alg none", {.alg = "none", .key = "main-rsa.pem", .kid = "r1", .claims = good}},
      {"HS256 keyed with the issuer's RSA public key (key confusion)",
       {.alg = "HS256", .key = "main-rsa.pub", .kid = "r1", .claims = good}},
      {"signed by a key the issuer does not publish", Rs256(good, "r1", "other-rsa.pem")},
      {"unknown kid", Rs256(good, "r9", "other-rsa.pem")},
      {"good", Rs256(good)},
  };
  std::vector<MintRequest> requests;
  for (const auto& [name, request] : cases) {
    requests.push_back(request);
  }
  std::vector<std::string> tokens = MintAll(requests);
  const std::string good_token = tokens.back();
  tokens.back() = "not.a.token";
  for (size_t i = 0; i < tokens.size(); ++i) {
    SCOPED_TRACE(i + 1 < tokens.size() ? cases[i].first : "garbage");
    const std::string& token = tokens[i];
    auto answer = Exchange(token, "identity=" + acme_identity_ + "&aud=" + kTestHost);
    EXPECT_EQ(answer.status, 401) << answer.body;
    EXPECT_NE(answer.body.find("\"error\""), std::string::npos) << answer.body;
    const std::string signature = token.substr(token.rfind('.') + 1);
    if (signature.size() > 8) {
      EXPECT_EQ(answer.body.find(signature), std::string::npos) << "the reason echoes the token";
    }
    EXPECT_EQ(answer.body.find(token.substr(0, 20)), std::string::npos) << answer.body;
  }
  // A good token for the wrong identity (globex's wants another subject), or for none.
  EXPECT_EQ(Exchange(good_token, "identity=" + globex_identity_).status, 401);
  EXPECT_EQ(Exchange(good_token, "identity=0123456789abcdef0123456789abcdef").status, 401);
  // No token at all; a request without an identity or for another audience.
  EXPECT_EQ(Curl("--data identity=" + acme_identity_ + " " + Url("/sts/exchange")).status, 401);
  EXPECT_EQ(Exchange(good_token, "aud=" + std::string(kTestHost)).status, 400);
  EXPECT_EQ(Exchange(good_token, "identity=" + acme_identity_ + "&aud=other.example").status, 400);
  // The same good token works: the refusals above were about the token, not the setup.
  EXPECT_EQ(Exchange(good_token, "identity=" + acme_identity_).status, 200);
}

TEST_F(ServeStsTest, OrgsStayApartAndCapNarrows) {
  Claims globex = MainClaims();
  globex.sub = "repo:globex/app:ref:refs/heads/main";
  const std::vector<std::string> tokens = MintAll({Rs256(globex), Rs256(MainClaims())});
  const std::string token = ExchangeFor(tokens[0], globex_identity_);
  EXPECT_EQ(IndexStatus("globex", token), 200);
  EXPECT_EQ(IndexStatus("acme", token), 403);

  const std::string list_only = ExchangeFor(tokens[1], acme_identity_, "&cap=apk.list");
  EXPECT_EQ(IndexStatus("acme", list_only), 200);
  const std::string groups_only = ExchangeFor(tokens[1], acme_identity_, "&cap=groups.list");
  EXPECT_EQ(IndexStatus("acme", groups_only), 403);
  // An exchanged apk.pull token cannot manage identities.
  EXPECT_EQ(Api("GET", "/api/v1/orgs/acme/identities", "", list_only).status, 403);
}

TEST_F(ServeStsTest, IdentityApiCreateListDeleteAndRevocation) {
  auto list = Api("GET", "/api/v1/orgs/acme/identities", "");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(acme_identity_), std::string::npos);
  EXPECT_NE(list.body.find(R"("kind":"assumable")"), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find(globex_identity_), std::string::npos) << "another org's identity";

  const std::string issuer = Issuer("main");
  for (const std::string& bad :
       {R"({"name":"x","issuer":")" + issuer + R"(","subject_pattern":"repo:(acme"})",
        std::string(R"({"name":"x","issuer":"http://issuer.example.com","subject":"s"})"),
        R"({"name":"x","issuer":")" + issuer + R"("})",
        R"({"name":"x","issuer":")" + issuer + R"(","subject":"s","claims":{"ref":1}})",
        R"({"name":"x","issuer":")" + issuer + R"(","subject":"s","role":"no-such-role"})"}) {
    auto r = Api("POST", "/api/v1/orgs/acme/identities", bad);
    EXPECT_EQ(r.status, 400) << bad << "\n" << r.body;
  }

  // A caller allowed identity.create but not owner-level capabilities cannot mint an identity
  // bound to a role stronger than its own.
  auto creator = Api("POST", "/api/v1/orgs/acme/pull-tokens",
                     R"({"name":"creator","role":"pull_token_creator"})");
  ASSERT_EQ(creator.status, 201) << creator.body;
  const std::string creator_secret = JsonField(creator.body, "secret");
  const std::string escalate =
      R"({"name":"x","issuer":")" + issuer + R"(","subject":"s","role":"owner"})";
  EXPECT_EQ(Api("POST", "/api/v1/orgs/acme/identities", escalate, creator_secret).status, 403);
  auto modest = Api("POST", "/api/v1/orgs/acme/identities",
                    R"({"name":"y","issuer":")" + issuer + R"(","subject":"s"})", creator_secret);
  EXPECT_EQ(modest.status, 201) << modest.body;

  // A temporary identity: its exchanged token works until the identity is deleted.
  auto created = Api("POST", "/api/v1/orgs/acme/identities",
                     R"({"name":"tmp","issuer":")" + issuer +
                         R"(","subject":"repo:acme/tmp:ref:refs/heads/main",)"
                         R"j("audience_pattern":"apk\\.test\\.(example|internal)"})j");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = JsonField(created.body, "id");
  Claims claims = MainClaims();
  claims.sub = "repo:acme/tmp:ref:refs/heads/main";
  claims.aud = R"(["sts.example","apk.test.internal"])";
  const std::string id_token = MintAll({Rs256(claims)})[0];
  const std::string token = ExchangeFor(id_token, id);
  EXPECT_EQ(IndexStatus("acme", token), 200);
  EXPECT_EQ(Api("DELETE", "/api/v1/orgs/globex/identities/" + id, "").status, 404);
  EXPECT_EQ(Api("DELETE", "/api/v1/orgs/acme/identities/" + id, "").status, 204);
  EXPECT_EQ(IndexStatus("acme", token), 401) << "deleting the identity revokes its tokens";
  EXPECT_EQ(Exchange(id_token, "identity=" + id).status, 401);
  EXPECT_EQ(Api("DELETE", "/api/v1/orgs/acme/identities/" + id, "").status, 404);
}

TEST_F(ServeStsTest, ApkctlCreatesListsExchangesAndDeletes) {
  const std::string env = "XDG_CONFIG_HOME=" + ShellQuote(dir_->File("config")) +
                          " APKCTL_SERVER=" + ShellQuote(server_->base()) +
                          " APKCTL_TOKEN=" + ShellQuote(owner_) + " " + BuiltBinary("apkctl");
  const std::string id =
      MustRun(env + " iam identities create ci --org acme --issuer " + Issuer("main") +
              " --subject-pattern " + ShellQuote("repo:acme/cli:.*") +
              " --claim repository_owner=acme --claim " + ShellQuote("ref=refs/heads/.*") +
              " -o id 2>/dev/null");
  ASSERT_EQ(id.size(), 32U) << id;
  const std::string listed = MustRun(env + " iam identities list --org acme -o json 2>/dev/null");
  EXPECT_NE(listed.find(id), std::string::npos) << listed;
  EXPECT_NE(listed.find(R"("ref":"refs/heads/.*")"), std::string::npos) << listed;
  const std::string table = MustRun(env + " iam identities list --org acme 2>&1");
  EXPECT_NE(table.find("repo:acme/cli:.*"), std::string::npos) << table;
  auto usage =
      RunCommand(env + " iam identities create x --org acme --issuer " + Issuer("main") + " 2>&1");
  EXPECT_NE(usage.exit_code, 0);
  EXPECT_NE(usage.output.find("--subject"), std::string::npos) << usage.output;

  Claims claims = MainClaims();
  claims.sub = "repo:acme/cli:ref:refs/heads/main";
  Claims wrong = claims;
  wrong.sub = "repo:acme/other:ref:refs/heads/main";
  const std::vector<std::string> tokens = MintAll({Rs256(claims), Rs256(wrong)});
  const std::string token_file = dir_->Write("id-token", tokens[0] + "\n");
  // Only the external token is sent: APKCTL_TOKEN is deliberately a wrong credential here.
  const std::string exchange = "XDG_CONFIG_HOME=" + ShellQuote(dir_->File("config")) +
                               " APKCTL_SERVER=" + ShellQuote(server_->base()) +
                               " APKCTL_TOKEN=wrong " + BuiltBinary("apkctl") +
                               " auth exchange --identity " + id;
  const std::string token = MustRun(exchange + " --token-file " + ShellQuote(token_file) +
                                    " --audience " + kTestHost + " 2>/dev/null");
  EXPECT_EQ(IndexStatus("acme", token), 200);
  const std::string from_stdin =
      MustRun(exchange + " --token-file - < " + ShellQuote(token_file) + " 2>/dev/null");
  EXPECT_EQ(IndexStatus("acme", from_stdin), 200);
  const std::string wrong_file = dir_->Write("wrong-token", tokens[1]);
  auto refused = RunCommand(exchange + " --token-file " + ShellQuote(wrong_file) + " 2>&1");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("subject"), std::string::npos) << refused.output;

  auto deleted = RunCommand(env + " iam identities delete " + id + " --org acme 2>&1");
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(IndexStatus("acme", token), 401);
}

}  // namespace
}  // namespace apkd
