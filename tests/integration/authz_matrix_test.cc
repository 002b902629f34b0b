// The authorization matrix, table-driven: identity kind (pull-token secret, session token
// exchanged from it, a token narrowed to apk.list, the bootstrap owner, no or forged
// credentials) x role (every built-in and a custom one) x endpoint (repository, key discovery,
// every management route) x own / foreign org. The expected answers below are written from the
// role compositions of peers-and-chainguard.md §2.7 and docs/api.md, not from the code: an
// allowed call may still fail for its own reasons (400, 404, 409), but never with 401 or 403;
// a refused one is exactly 403 (authenticated) or 401 (not). The real apkd runtime (SQLite,
// files) runs in-process on 127.0.0.1 so that hundreds of requests stay fast.
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/signer.h"
#include "format/package_writer.h"
#include "http_test_util.h"
#include "server/runtime.h"
#include "support/package_parts.h"
#include "support/temp_dir.h"
#include "util/encoding.h"

namespace apkd {
namespace {

using http::testing::MakeRequest;
using http::testing::RawClient;

constexpr char kOwn[] = "acme";
constexpr char kForeign[] = "globex";

// Who may call an endpoint: role names, or "anyone" (anonymous), or "global" (only the
// bootstrap owner, whatever the org roles).
struct Endpoint {
  std::string method;
  std::string path;  // "{org}" is replaced by the org under test
  std::string body;
  std::string capability;  // for the narrowed-token check: what it needs ("" = none)
  std::string allowed;     // space-separated roles, "anyone" or "global"
};

const std::string kLister = "owner editor viewer console_viewer apk.pull pull_token_creator lister";
const std::string kPuller = "owner editor viewer apk.pull pull_token_creator";
const std::string kBrowser = "owner editor viewer console_viewer";

std::vector<Endpoint> Endpoints() {
  return {
      {"GET", "/{org}/x86_64/APKINDEX.tar.gz", "", "apk.list", kLister},
      {"HEAD", "/{org}/x86_64/APKINDEX.tar.gz", "", "apk.list", kLister},
      {"GET", "/{org}/x86_64/tool-1.0-r0.apk", "", "apk.blobs.get", kPuller},
      {"GET", "/{org}/apk-configuration", "", "", "anyone"},
      {"GET", "/{org}/jwks.json", "", "", "anyone"},
      {"GET", "/api/v1/orgs/{org}/packages", "", "apk.list", kLister},
      {"POST", "/api/v1/orgs/{org}/packages", "not a package", "apk.create", "owner editor"},
      {"DELETE", "/api/v1/orgs/{org}/packages/x86_64/none/1.0-r0", "", "apk.delete",
       "owner editor"},
      {"GET", "/api/v1/orgs/{org}/keys", "", "apk.list", kLister},
      {"POST", "/api/v1/orgs/{org}/keys/retire", "", "roles.create", "owner"},
      {"GET", "/api/v1/orgs/{org}/entitlements", "", "packages.entitlements.list", kBrowser},
      {"POST", "/api/v1/orgs/{org}/entitlements", R"({"image":"no-such-image"})",
       "packages.entitlements.create", "owner"},
      {"DELETE", "/api/v1/orgs/{org}/entitlements/no-such-image", "",
       "packages.entitlements.delete", "owner"},
      {"GET", "/api/v1/orgs/{org}/pull-tokens", "", "identity.list", kBrowser},
      {"POST", "/api/v1/orgs/{org}/pull-tokens", R"({"name":"x","role":"no-such-role"})",
       "identity.create", "owner pull_token_creator"},
      {"DELETE", "/api/v1/orgs/{org}/pull-tokens/00000000000000000000000000000000", "",
       "identity.delete", "owner"},
      {"GET", "/api/v1/orgs/{org}/role-bindings", "", "role_bindings.list", kBrowser},
      {"POST", "/api/v1/orgs/{org}/role-bindings", R"({"identity":"nobody","role":"apk.pull"})",
       "role_bindings.create", "owner pull_token_creator"},
      {"DELETE", "/api/v1/orgs/{org}/role-bindings/nobody", "", "role_bindings.delete", "owner"},
      {"GET", "/api/v1/orgs/{org}/roles", "", "roles.list",
       "owner editor viewer console_viewer pull_token_creator"},
      {"POST", "/api/v1/orgs/{org}/roles", R"({"name":"r","capabilities":"nonsense"})",
       "roles.create", "owner"},
      {"DELETE", "/api/v1/orgs/{org}/roles/no-such-role", "", "roles.delete", "owner"},
      {"GET", "/api/v1/orgs/{org}/audit", "", "audit.list", "owner"},
      {"GET", "/.well-known/openid-configuration", "", "", "anyone"},
      {"GET", "/.well-known/jwks.json", "", "", "anyone"},
      {"GET", "/api/v1/audit", "", "audit.list", "global"},
      {"POST", "/api/v1/auth/keys/rotate", "", "roles.create", "global"},
      {"GET", "/api/v1/orgs", "", "groups.list", "global"},
      {"POST", "/api/v1/orgs", R"({"name":""})", "groups.create", "global"},
      {"GET", "/api/v1/images", "", "apk.list", "global"},
      {"PUT", "/api/v1/images/x", R"({"packages":"not a list"})", "apk.create", "global"},
      {"GET", "/api/v1/base-set", "", "apk.list", "global"},
      {"GET", "/api/v1/packages", "", "apk.list", "global"},
      {"POST", "/api/v1/packages", "not a package", "apk.create", "global"},
      {"GET", "/api/v1/users", "", "identity.list", "global"},
      {"POST", "/api/v1/users", R"({"name":"u"})", "identity.create", "global"},
  };
}

const std::vector<std::string>& Roles() {
  static const std::vector<std::string> roles = {
      "owner", "editor", "viewer", "console_viewer", "apk.pull", "pull_token_creator", "lister"};
  return roles;
}

class AuthzMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server::ServeConfig config;
    config.data_dir = dir_->File("data");
    config.listen_port = 0;
    config.public_url = "https://apk.test.example";
    config.threads = 2;
    config.rsa_bits = 2048;
    auto runtime = server::Runtime::Open(config);
    ASSERT_TRUE(runtime.ok()) << runtime.error().message();
    runtime_ = runtime->release();
    ASSERT_TRUE(runtime_->Start().ok());
    owner_ = "Bearer " + *runtime_->bootstrap_secret();
    Seed();
  }
  static void TearDownTestSuite() {
    runtime_->Stop();
    delete runtime_;
    delete dir_;
  }

  static http::testing::RawResponse Call(const std::string& method, const std::string& path,
                                         const std::string& body,
                                         const std::string& authorization) {
    RawClient client(runtime_->port());
    std::string fields;
    if (!authorization.empty()) {
      fields += "Authorization: " + authorization + "\r\n";
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
      fields += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    EXPECT_TRUE(client.Send(MakeRequest(method, path, fields) + body));
    auto response = client.ReadResponse(method == "HEAD");
    EXPECT_TRUE(response.has_value()) << method << " " << path;
    return response.value_or(http::testing::RawResponse{});
  }
  static std::string Field(const std::string& json, const std::string& key) {
    const std::string marker = "\"" + key + "\":\"";
    const size_t at = json.find(marker);
    return at == std::string::npos
               ? ""
               : json.substr(at + marker.size(),
                             json.find('"', at + marker.size()) - at - marker.size());
  }
  static void Seed() {
    for (const char* org : {kOwn, kForeign}) {
      ASSERT_EQ(
          Call("POST", "/api/v1/orgs", std::string(R"({"name":")") + org + "\"}", owner_).status,
          201);
      ASSERT_EQ(Call("POST", std::string("/api/v1/orgs/") + org + "/roles",
                     R"({"name":"lister","capabilities":"apk.list"})", owner_)
                    .status,
                201);
    }
    ASSERT_EQ(Call("PUT", "/api/v1/images/tools", R"({"packages":["tool"]})", owner_).status, 200);
    for (const char* org : {kOwn, kForeign}) {
      ASSERT_EQ(Call("POST", std::string("/api/v1/orgs/") + org + "/entitlements",
                     R"({"image":"tools"})", owner_)
                    .status,
                204);
    }
    const crypto::LocalSigner signer("test.rsa.pub", testing::TestKey());
    format::PkgInfo info;
    info.name = "tool";
    info.version = "1.0-r0";
    info.arch = "x86_64";
    format::PackageFile file;
    file.path = "usr/share/tool";
    file.content = "tool";
    ASSERT_EQ(Call("POST", "/api/v1/packages", *format::BuildPackage(info, {file}, &signer), owner_)
                  .status,
              201);
    for (const std::string& role : Roles()) {
      auto created = Call("POST", std::string("/api/v1/orgs/") + kOwn + "/pull-tokens",
                          R"({"name":"t","role":")" + role + "\"}", owner_);
      ASSERT_EQ(created.status, 201) << role << ": " << created.body;
      const std::string secret = Field(created.body, "secret");
      secrets_[role] = "Basic " + Base64Encode("ci:" + secret);
      auto token = Call("POST", "/api/v1/auth/token", "{}", "Bearer " + secret);
      ASSERT_EQ(token.status, 200) << token.body;
      tokens_[role] = "Bearer " + Field(token.body, "token");
    }
    auto narrowed =
        Call("POST", "/api/v1/auth/token", R"({"capabilities":"apk.list"})", secrets_["owner"]);
    ASSERT_EQ(narrowed.status, 200);
    narrowed_owner_ = "Bearer " + Field(narrowed.body, "token");
  }
  static std::string PathFor(const Endpoint& endpoint, const std::string& org) {
    std::string path = endpoint.path;
    if (const size_t at = path.find("{org}"); at != std::string::npos) {
      path.replace(at, 5, org);
    }
    return path;
  }
  static bool Allows(const Endpoint& endpoint, const std::string& role) {
    std::istringstream words(endpoint.allowed);
    std::string word;
    while (words >> word) {
      if (word == role) {
        return true;
      }
    }
    return false;
  }
  static void Expect(const Endpoint& endpoint, const std::string& org,
                     const std::string& authorization, int expected_denial, bool allowed,
                     const std::string& who) {
    const auto response =
        Call(endpoint.method, PathFor(endpoint, org), endpoint.body, authorization);
    SCOPED_TRACE(who + " " + endpoint.method + " " + PathFor(endpoint, org) + " -> " +
                 std::to_string(response.status) + " " + response.body);
    if (allowed) {
      EXPECT_NE(response.status, 401);
      EXPECT_NE(response.status, 403);
      EXPECT_LT(response.status, 500);
    } else {
      EXPECT_EQ(response.status, expected_denial);
      if (expected_denial == 403 && endpoint.method != "HEAD") {
        EXPECT_NE(response.body.find("caller does not have the required capabilities"),
                  std::string::npos);
      }
    }
  }

  static testing::TempDir* dir_;
  static server::Runtime* runtime_;
  static std::string owner_;
  static std::string narrowed_owner_;
  static std::map<std::string, std::string> secrets_;  // role -> Basic header (pull secret)
  static std::map<std::string, std::string> tokens_;   // role -> Bearer session token
};
testing::TempDir* AuthzMatrixTest::dir_ = nullptr;
server::Runtime* AuthzMatrixTest::runtime_ = nullptr;
std::string AuthzMatrixTest::owner_;
std::string AuthzMatrixTest::narrowed_owner_;
std::map<std::string, std::string> AuthzMatrixTest::secrets_;
std::map<std::string, std::string> AuthzMatrixTest::tokens_;

TEST_F(AuthzMatrixTest, RolesTimesEndpointsTimesOrgs) {
  for (const Endpoint& endpoint : Endpoints()) {
    const bool anyone = endpoint.allowed == "anyone";
    const bool global = endpoint.allowed == "global";
    for (const std::string& role : Roles()) {
      for (const auto* kind : {&secrets_, &tokens_}) {
        const std::string who = role + (kind == &secrets_ ? " (pull secret)" : " (token)");
        // Own org: the role decides. Foreign org: nothing but anonymous routes.
        Expect(endpoint, kOwn, kind->at(role), 403, anyone || (!global && Allows(endpoint, role)),
               who + " own org");
        Expect(endpoint, kForeign, kind->at(role), 403, anyone, who + " foreign org");
      }
    }
  }
}

TEST_F(AuthzMatrixTest, BootstrapOwnerNarrowedTokensAndNoCredentials) {
  for (const Endpoint& endpoint : Endpoints()) {
    const bool anyone = endpoint.allowed == "anyone";
    for (const char* org : {kOwn, kForeign}) {
      Expect(endpoint, org, owner_, 403, true, "bootstrap owner");
      // A token narrowed to apk.list (of an org owner) holds only what it names.
      Expect(endpoint, org, narrowed_owner_, 403,
             anyone || (org == std::string(kOwn) && endpoint.capability == "apk.list" &&
                        endpoint.allowed != "global"),
             "owner token narrowed to apk.list");
      Expect(endpoint, org, "", 401, anyone, "no credentials");
      Expect(endpoint, org, "Bearer not-a-token", 401, anyone, "garbage");
      Expect(endpoint, org, "Basic " + Base64Encode("x:apkds_" + std::string(32, '0') + "_x"), 401,
             anyone, "unknown secret");
    }
  }
  // Unknown orgs answer like foreign ones (no existence oracle) for everyone but the owner.
  const auto unknown = Call("GET", "/no-such-org/x86_64/APKINDEX.tar.gz", "", tokens_["owner"]);
  EXPECT_EQ(unknown.status, 403);
}

TEST_F(AuthzMatrixTest, GrantingIsLimitedToWhatTheCallerHolds) {
  const std::string& creator = tokens_["pull_token_creator"];
  const std::string base = std::string("/api/v1/orgs/") + kOwn;
  auto owner_token = Call("POST", base + "/pull-tokens", R"({"name":"x","role":"owner"})", creator);
  EXPECT_EQ(owner_token.status, 403) << owner_token.body;
  EXPECT_NE(owner_token.body.find("caller does not have the required capabilities"),
            std::string::npos);
  EXPECT_EQ(
      Call("POST", base + "/pull-tokens", R"({"name":"x","role":"apk.pull"})", creator).status,
      201);
  auto status = Call("GET", "/api/v1/auth/status", "", creator);
  const std::string self = Field(status.body, "identity");
  ASSERT_FALSE(self.empty()) << status.body;
  EXPECT_EQ(Call("POST", base + "/role-bindings",
                 R"({"identity":")" + self + R"(","role":"owner"})", creator)
                .status,
            403)
      << "no binding oneself to owner";
  EXPECT_EQ(Call("POST", base + "/role-bindings",
                 R"({"identity":")" + self + R"(","role":"apk.pull"})", creator)
                .status,
            201);
}

}  // namespace
}  // namespace apkd
