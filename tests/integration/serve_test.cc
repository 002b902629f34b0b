// Starts the real `apkd serve` on 127.0.0.1:0 with a temp data dir and checks it with
// independent clients: curl (HTTP, auth, conditional requests, ranges), GNU tar and Python's
// zlib (index layout) and openssl (index signature against the org's published key).
#include <memory>
#include <string>
#include <vector>

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
using testing::Curl;
using testing::JsonField;
using testing::kTestHost;
using testing::RunCommand;
using testing::ShellQuote;
using Http = testing::HttpResult;

constexpr const char* kHost = kTestHost;

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new ApkdProcess();
    ASSERT_TRUE(server_->Start(dir_->File("data")));
    ASSERT_FALSE(server_->secret().empty());
    admin_ = TokenFor(server_->secret(), kHost);
    ASSERT_FALSE(admin_.empty());
    Seed();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static std::string Url(const std::string& path) { return ShellQuote(server_->base() + path); }
  static std::string Auth(const std::string& token) { return testing::CurlBasicAuth(token); }
  static std::string TokenFor(const std::string& secret, const std::string& audience) {
    auto r =
        Curl(Auth(secret) + " -X POST -d " + ShellQuote("{\"audience\":\"" + audience + "\"}") +
             " " + Url("/api/v1/auth/token"));
    return r.status == 200 ? JsonField(r.body, "token") : "";
  }
  static Http Api(const std::string& method, const std::string& path, const std::string& body) {
    return Curl(Auth(admin_) + " -X " + method + " -d " + ShellQuote(body) + " " + Url(path));
  }
  static std::string BuildApk(const std::string& name, const std::string& version,
                              const std::string& arch) {
    const crypto::LocalSigner signer("test.rsa.pub", testing::TestKey());
    format::PkgInfo info;
    info.name = name;
    info.version = version;
    info.arch = arch;
    info.description = "test " + name;
    format::PackageFile file;
    file.path = "usr/share/" + name;
    file.content = version;
    auto bytes = format::BuildPackage(info, {file}, &signer);
    EXPECT_TRUE(bytes.ok());
    return dir_->Write(name + "-" + version + "." + arch + ".apk", bytes.ok() ? *bytes : "");
  }
  static Http Publish(const std::string& path, const std::string& file) {
    return Curl(Auth(admin_) + " --data-binary @" + ShellQuote(file) + " " + Url(path));
  }
  static void Seed() {
    auto a = Api("POST", "/api/v1/orgs", R"({"name":"acme.example"})");
    ASSERT_EQ(a.status, 201) << a.body;
    org_a_uid_ = JsonField(a.body, "uid");
    ASSERT_EQ(Api("POST", "/api/v1/orgs", R"({"name":"globex"})").status, 201);
    ASSERT_EQ(Api("PUT", "/api/v1/images/tools", R"({"packages":["wget","ca-certs"]})").status,
              200);
    ASSERT_EQ(Api("POST", "/api/v1/orgs/acme.example/entitlements", R"({"image":"tools"})").status,
              204);
    for (const char* version : {"1.0-r0", "1.2-r0", "1.10-r1"}) {
      ASSERT_EQ(Publish("/api/v1/packages", BuildApk("wget", version, "x86_64")).status, 201);
    }
    ASSERT_EQ(Publish("/api/v1/packages", BuildApk("ca-certs", "2024.1-r0", "noarch")).status, 201);
    ASSERT_EQ(Publish("/api/v1/packages", BuildApk("curl", "8.0-r0", "x86_64")).status, 201);
    ASSERT_EQ(
        Publish("/api/v1/orgs/globex/packages", BuildApk("secret", "1.0-r0", "x86_64")).status,
        201);
    auto pull = Api("POST", "/api/v1/orgs/acme.example/pull-tokens", R"({"name":"ci"})");
    ASSERT_EQ(pull.status, 201) << pull.body;
    pull_a_ = TokenFor(JsonField(pull.body, "secret"), kHost);
    ASSERT_FALSE(pull_a_.empty());
  }
  static std::string Index(const std::string& org, const std::string& arch,
                           const std::string& token) {
    const std::string file = dir_->File(org + "-" + arch + ".tar.gz");
    auto r =
        Curl(Auth(token) + " -o " + file + " " + Url("/" + org + "/" + arch + "/APKINDEX.tar.gz"));
    EXPECT_EQ(r.status, 200);
    return RunCommand("tar xzOf " + file + " APKINDEX 2>/dev/null").output;
  }

  static testing::TempDir* dir_;
  static ApkdProcess* server_;
  static std::string admin_, pull_a_, org_a_uid_;
};
testing::TempDir* ServeTest::dir_ = nullptr;
ApkdProcess* ServeTest::server_ = nullptr;
std::string ServeTest::admin_, ServeTest::pull_a_, ServeTest::org_a_uid_;

TEST_F(ServeTest, SeedFlowTokenIndexPackage) {
  const std::string index = Index("acme.example", "x86_64", pull_a_);
  for (const char* v : {"V:1.0-r0", "V:1.2-r0", "V:1.10-r1", "P:ca-certs"}) {
    EXPECT_NE(index.find(v), std::string::npos) << v << "\n" << index;
  }
  EXPECT_EQ(index.find("P:curl"), std::string::npos) << "curl is not entitled";
  const std::string out = dir_->File("dl.apk");
  auto r = Curl(Auth(pull_a_) + " -o " + out + " " + Url("/acme.example/x86_64/wget-1.2-r0.apk"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(RunCommand("cmp " + out + " " + dir_->File("wget-1.2-r0.x86_64.apk")).exit_code, 0);
  EXPECT_EQ(
      Curl(Auth(pull_a_) + " -o /dev/null " + Url("/acme.example/x86_64/curl-8.0-r0.apk")).status,
      404);
}

TEST_F(ServeTest, OrgsNeverSeeEachOthersPrivatePackages) {
  EXPECT_EQ(Index("acme.example", "x86_64", admin_).find("P:secret"), std::string::npos);
  EXPECT_NE(Index("globex", "x86_64", admin_).find("P:secret"), std::string::npos);
  EXPECT_EQ(
      Curl(Auth(admin_) + " -o /dev/null " + Url("/acme.example/x86_64/secret-1.0-r0.apk")).status,
      404);
  EXPECT_EQ(Index("globex", "x86_64", admin_).find("P:wget"), std::string::npos);
}

TEST_F(ServeTest, NoarchAppearsInEveryArchWithRewrittenArch) {
  for (const std::string arch : {"x86_64", "aarch64"}) {
    const std::string index = Index("acme.example", arch, pull_a_);
    const size_t at = index.find("P:ca-certs");
    ASSERT_NE(at, std::string::npos) << arch;
    const std::string record = index.substr(at, index.find("\n\n", at) - at);
    EXPECT_NE(record.find("\nA:" + arch + "\n"), std::string::npos) << record;
    EXPECT_EQ(Curl(Auth(pull_a_) + " -o /dev/null " +
                   Url("/acme.example/" + arch + "/ca-certs-2024.1-r0.apk"))
                  .status,
              200);
  }
}

TEST_F(ServeTest, NameAndUidAddressTheSameRepository) {
  EXPECT_EQ(Index("acme.example", "x86_64", pull_a_), Index(org_a_uid_, "x86_64", pull_a_));
}

TEST_F(ServeTest, AuthStatuses) {
  const std::string index = "/acme.example/x86_64/APKINDEX.tar.gz";
  auto none = RunCommand("curl -s -i " + Url(index));
  EXPECT_NE(none.output.find("401 Unauthorized"), std::string::npos);
  EXPECT_NE(none.output.find("WWW-Authenticate: Basic realm=\"apk.test.example\""),
            std::string::npos);
  std::string forged = pull_a_;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Curl(Auth(forged) + " " + Url(index)).status, 401);
  EXPECT_EQ(Curl(Auth("garbage") + " " + Url(index)).status, 401);
  // A token for another audience is refused when issued; one minted with openssl-free means
  // (a different host) cannot exist, so check the issuer refuses it and the verifier the rest.
  EXPECT_EQ(TokenFor(server_->secret(), "other.example"), "");
  auto cross = Curl(Auth(pull_a_) + " " + Url("/globex/x86_64/APKINDEX.tar.gz"));
  EXPECT_EQ(cross.status, 403);
  EXPECT_NE(cross.body.find("caller does not have the required capabilities: apk.list"),
            std::string::npos);
  EXPECT_EQ(Curl(Auth(pull_a_) + " " + Url("/no-such-org/x86_64/APKINDEX.tar.gz")).status, 403);
  EXPECT_EQ(Curl(Auth(pull_a_) + " -X POST -d '{\"name\":\"x\"}' " + Url("/api/v1/orgs")).status,
            403);
}

TEST_F(ServeTest, ConditionalRangeAndHead) {
  const std::string url = Url("/acme.example/x86_64/APKINDEX.tar.gz");
  auto head = RunCommand("curl -s -I " + Auth(pull_a_) + " " + url);
  const size_t at = head.output.find("ETag: ");
  ASSERT_NE(at, std::string::npos) << head.output;
  const std::string etag = head.output.substr(at + 6, head.output.find('\r', at) - at - 6);
  EXPECT_NE(head.output.find("Last-Modified: "), std::string::npos);
  EXPECT_NE(head.output.find("Content-Type: application/gzip"), std::string::npos);
  EXPECT_EQ(head.output.find("Content-Encoding"), std::string::npos);
  EXPECT_EQ(Curl(Auth(pull_a_) + " -H " + ShellQuote("If-None-Match: " + etag) + " " + url).status,
            304);
  auto range = Curl(Auth(pull_a_) + " -r 10- " + Url("/acme.example/x86_64/wget-1.0-r0.apk"));
  EXPECT_EQ(range.status, 206);
}

TEST_F(ServeTest, IndexSignatureVerifiesWithPublishedKey) {
  auto jwks = Curl(Url("/acme.example/jwks.json"));
  ASSERT_EQ(jwks.status, 200);
  auto config = Curl(Url("/acme.example/apk-configuration"));
  EXPECT_EQ(config.body, "{\"jwks_uri\":\"https://apk.test.example/acme.example/jwks.json\"}");
  const std::string kid = RunCommand("printf %s " + ShellQuote(jwks.body) +
                                     " | python3 -c 'import json,sys;print(json.load(sys.stdin)"
                                     "[\"keys\"][0][\"kid\"])'")
                              .output;
  const std::string key_name = kid.substr(0, kid.find('\n')) + ".rsa.pub";
  const std::string pub = dir_->File(key_name);
  ASSERT_EQ(Curl("-o " + pub + " " + Url("/acme.example/" + key_name)).status, 200);
  Index("acme.example", "x86_64", pull_a_);
  const std::string index = dir_->File("acme.example-x86_64.tar.gz");
  const std::string members = dir_->File("members");
  RunCommand("mkdir -p " + members + " && python3 " APKD_SPLIT_GZIP " " + index + " " + members);
  RunCommand("tar xzOf " + index + " .SIGN.RSA256." + key_name + " > " + members +
             "/sig 2>/dev/null");
  auto verify = RunCommand("openssl dgst -sha256 -verify " + pub + " -signature " + members +
                           "/sig " + members + "/member1.gz");
  EXPECT_NE(verify.output.find("Verified OK"), std::string::npos) << verify.output;
}

TEST_F(ServeTest, RepublishIsIdempotentAndConflictsAreRefused) {
  EXPECT_EQ(Publish("/api/v1/packages", dir_->File("wget-1.0-r0.x86_64.apk")).status, 200);
  const std::string other = dir_->Write("bad.apk", "not a package");
  auto bad = Publish("/api/v1/packages", other);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("invalid package"), std::string::npos);
}

TEST_F(ServeTest, UploadsAreRefusedBeforeTheBodyIsRead) {
  const std::string big = dir_->File("big.bin");
  RunCommand("head -c 20000000 /dev/zero > " + big);
  for (const std::string& auth : {std::string(), Auth(pull_a_)}) {
    auto r = RunCommand("curl -s -o /dev/null -w '%{http_code} %{size_upload}' " + auth +
                        " --data-binary @" + big + " " + Url("/api/v1/orgs/acme.example/packages"));
    const int status = std::atoi(r.output.c_str());
    const long long uploaded = std::atoll(r.output.c_str() + r.output.find(' ') + 1);
    EXPECT_EQ(status, auth.empty() ? 401 : 403) << r.output;
    EXPECT_LT(uploaded, 20000000) << "refused from the headers, not after 20 MB";
  }
}

TEST_F(ServeTest, BaseSetReachesEveryOrg) {
  EXPECT_EQ(Index("globex", "x86_64", admin_).find("P:curl"), std::string::npos);
  auto put = Api("PUT", "/api/v1/base-set", R"({"packages":["curl"]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body, "{\"packages\":[\"curl\"]}\n");
  EXPECT_NE(Index("globex", "x86_64", admin_).find("P:curl"), std::string::npos);
  EXPECT_NE(Index("acme.example", "x86_64", pull_a_).find("P:curl"), std::string::npos);
  EXPECT_EQ(
      Curl(Auth(pull_a_) + " -X PUT -d '{\"packages\":[]}' " + Url("/api/v1/base-set")).status,
      403);
  ASSERT_EQ(Api("PUT", "/api/v1/base-set", R"({"packages":[]})").status, 200);
  EXPECT_EQ(Index("globex", "x86_64", admin_).find("P:curl"), std::string::npos);
}

TEST_F(ServeTest, ASecondServerOnTheSameDataDirIsRefused) {
  auto second = RunCommand("timeout 20 " + testing::BuiltBinary("apkd") + " serve --data-dir " +
                           ShellQuote(dir_->File("data")) +
                           " --listen 127.0.0.1:0 --public-url https://apk.test.example");
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.exit_code, 124) << "it must refuse at once, not serve";
  EXPECT_NE(second.output.find("held by another process"), std::string::npos) << second.output;
}

TEST_F(ServeTest, RestartKeepsEverything) {
  const std::string before = Index("acme.example", "x86_64", pull_a_);
  server_->Stop();
  ASSERT_TRUE(server_->Start(dir_->File("data")));
  EXPECT_EQ(server_->secret(), "") << "the owner secret is shown on the first start only";
  EXPECT_EQ(Index("acme.example", "x86_64", pull_a_), before) << "token and index survive";
  EXPECT_EQ(
      Curl(Auth(pull_a_) + " -o /dev/null " + Url("/acme.example/x86_64/wget-1.0-r0.apk")).status,
      200);
  auto metrics = Curl(Url("/metrics"));
  EXPECT_NE(metrics.body.find("apkd_index_builds_total"), std::string::npos);
}

}  // namespace
}  // namespace apkd
