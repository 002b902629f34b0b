// Service use cases against the in-memory stores: org keys, publishing rules, visibility and
// the authorizer's decisions (expiry, audience, revocation, narrowing, unknown orgs).
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "auth/roles.h"
#include "crypto/signer.h"
#include "format/package_writer.h"
#include "service/authorizer.h"
#include "service/bootstrap.h"
#include "service/iam_service.h"
#include "service/index_cache.h"
#include "service/org_keys.h"
#include "service/repository_service.h"
#include "service/token_service.h"
#include "storage/memory_blob_store.h"
#include "storage/memory_metadata_store.h"
#include "support/package_parts.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kHost[] = "apk.example.com";

std::string Apk(const std::string& name, const std::string& version, const std::string& arch,
                const std::string& content = "x") {
  const crypto::LocalSigner signer("test.rsa.pub", testing::TestKey());
  format::PkgInfo info;
  info.name = name;
  info.version = version;
  info.arch = arch;
  format::PackageFile file;
  file.path = "usr/share/" + name;
  file.content = content;
  auto bytes = format::BuildPackage(info, {file}, &signer);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

// Counts identity lookups, to tell a cached authorization answer from a worked-out one.
class CountingStore final : public storage::MemoryMetadataStore {
 public:
  Result<storage::Identity> GetIdentity(std::string_view id) override {
    ++identity_reads;
    return MemoryMetadataStore::GetIdentity(id);
  }
  int identity_reads = 0;
};

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest()
      : keys_(store_, OrgKeysOptions{.rsa_bits = 2048, .now = [] { return kNow; }}),
        cache_(
            store_, [this](std::string_view uid) { return keys_.SignersFor(uid); },
            IndexCacheOptions{
                .arches = {"x86_64", "aarch64"}, .description = "t", .now = [] { return kNow; }}),
        repo_(store_, blobs_, cache_, keys_, [] { return kNow; }),
        iam_(store_),
        clock_(kNow) {
    tokens_ = TokenService::Create(store_, "https://apk.example.com", kHost, clock_).value();
    authorizer_ = std::make_unique<Authorizer>(store_, tokens_->verifier(), clock_);
  }

  std::string Bearer(const std::string& subject) {
    return "Bearer " + tokens_->IssueSession(subject, kHost, std::nullopt, 600).value().token;
  }

  CountingStore store_;
  storage::MemoryBlobStore blobs_;
  OrgKeys keys_;
  IndexCache cache_;
  RepositoryService repo_;
  IamService iam_;
  auth::FakeClock clock_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<Authorizer> authorizer_;
};

TEST(KeySlugTest, LowercasesReplacesAndTruncates) {
  EXPECT_EQ(KeySlug("Acme.Example"), "acme-example");
  EXPECT_EQ(KeySlug(""), "org");
  EXPECT_EQ(KeySlug(std::string(100, 'a')).size() + 1 + 64, kMaxKeyIdBytes);
  EXPECT_EQ(KeyIdOf("a-b.rsa.pub"), "a-b");
}

TEST_F(ServiceTest, CreateOrgMakesKeyAndIndexes) {
  auto org = repo_.CreateOrg("acme.example").value();
  auto keys = keys_.List(org.uid).value();
  ASSERT_EQ(keys.size(), 1U);
  EXPECT_TRUE(keys[0].key_name.starts_with("acme-example-"));
  EXPECT_TRUE(keys[0].private_pem.empty()) << "List never returns private material";
  EXPECT_LE(KeyIdOf(keys[0].key_name).size(), kMaxKeyIdBytes);
  EXPECT_NE(cache_.Get(org.uid, "x86_64"), nullptr);
  EXPECT_NE(cache_.Get(org.uid, "aarch64"), nullptr);
}

TEST_F(ServiceTest, RotateSignsWithBothThenRetireDropsOld) {
  auto org = repo_.CreateOrg("acme").value();
  const std::string old_name = keys_.List(org.uid).value()[0].key_name;
  auto fresh = repo_.RotateKey(org).value();
  auto signers = keys_.SignersFor(org.uid).value();
  ASSERT_EQ(signers.size(), 2U);
  EXPECT_EQ(signers[0]->key_name(), old_name) << "retiring key signs first";
  EXPECT_EQ(signers[1]->key_name(), fresh.key_name);
  EXPECT_EQ(repo_.PublishedKeys(org).value().size(), 2U);
  ASSERT_TRUE(repo_.RetireKeys(org).ok());
  signers = keys_.SignersFor(org.uid).value();
  ASSERT_EQ(signers.size(), 1U);
  EXPECT_EQ(signers[0]->key_name(), fresh.key_name);
  EXPECT_EQ(repo_.RetireKeys(org).error().code(), ErrorCode::kNotFound);
}

TEST_F(ServiceTest, PublishRules) {
  EXPECT_EQ(repo_.Publish("", "garbage").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(blobs_.List().value().empty()) << "nothing stored for a bad package";
  const std::string bytes = Apk("hello", "1.0-r0", "x86_64");
  EXPECT_TRUE(repo_.Publish("", bytes).value().created);
  EXPECT_FALSE(repo_.Publish("", bytes).value().created);
  const std::string other = Apk("hello", "1.0-r0", "x86_64", "different");
  EXPECT_EQ(repo_.Publish("", other).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(blobs_.List().value().size(), 1U) << "the refused blob is not kept";
  EXPECT_EQ(repo_.Publish("", Apk("hello", "1.0_git20240101", "x86_64")).error().code(),
            ErrorCode::kInvalidArgument)
      << "outside the safe profile";
}

TEST_F(ServiceTest, VisibilityFollowsEntitlementsAndScopes) {
  auto a = repo_.CreateOrg("a").value();
  auto b = repo_.CreateOrg("b").value();
  ASSERT_TRUE(repo_.PutImage(storage::Image{.name = "img", .packages = {"tool"}}).ok());
  ASSERT_TRUE(repo_.Publish("", Apk("tool", "1.0-r0", "noarch")).ok());
  ASSERT_TRUE(repo_.Publish(b.uid, Apk("priv", "2.0-r0", "x86_64")).ok());
  EXPECT_EQ(repo_.OpenDownload(a, "x86_64", "tool-1.0-r0.apk").error().code(),
            ErrorCode::kNotFound);
  ASSERT_TRUE(repo_.AddEntitlement(a, "img").ok());
  EXPECT_TRUE(repo_.OpenDownload(a, "x86_64", "tool-1.0-r0.apk").ok());
  EXPECT_TRUE(repo_.OpenDownload(a, "aarch64", "tool-1.0-r0.apk").ok());
  EXPECT_EQ(repo_.OpenDownload(a, "x86_64", "priv-2.0-r0.apk").error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(repo_.OpenDownload(b, "x86_64", "priv-2.0-r0.apk").ok());
  EXPECT_EQ(cache_.Get(a.uid, "aarch64")->package_count, 1U);
  EXPECT_EQ(cache_.Get(b.uid, "x86_64")->package_count, 1U);
}

TEST_F(ServiceTest, CatalogChangesRebuildOnlyTheOrgsThatSeeThem) {
  auto a = repo_.CreateOrg("a").value();
  auto b = repo_.CreateOrg("b").value();
  ASSERT_TRUE(repo_.PutImage(storage::Image{.name = "img", .packages = {"tool"}}).ok());
  ASSERT_TRUE(repo_.AddEntitlement(a, "img").ok());
  const auto b_before = cache_.Get(b.uid, "x86_64");
  const uint64_t builds = cache_.builds();
  ASSERT_TRUE(repo_.Publish("", Apk("tool", "1.0-r0", "x86_64")).ok());
  EXPECT_EQ(cache_.builds(), builds + 1) << "a's x86_64 index only";
  ASSERT_TRUE(repo_.Publish("", Apk("unseen", "1.0-r0", "x86_64")).ok());
  EXPECT_EQ(cache_.builds(), builds + 1) << "nobody sees it: nothing to rebuild";
  EXPECT_EQ(cache_.Get(a.uid, "x86_64")->package_count, 1U);
  EXPECT_EQ(cache_.Get(b.uid, "x86_64"), b_before);
  // The base set reaches every org.
  ASSERT_TRUE(repo_.SetBaseSet({"unseen", "unseen"}).ok());
  EXPECT_EQ(repo_.GetBaseSet().value(), std::vector<std::string>{"unseen"});
  EXPECT_EQ(cache_.Get(b.uid, "x86_64")->package_count, 1U);
  EXPECT_EQ(cache_.Get(a.uid, "x86_64")->package_count, 2U);
  ASSERT_TRUE(repo_.Publish("", Apk("unseen", "2.0-r0", "x86_64")).ok());
  EXPECT_EQ(cache_.Get(b.uid, "x86_64")->package_count, 2U) << "base-set names refresh all";
  // Changing or deleting an image rebuilds its entitled orgs, also on the way out.
  ASSERT_TRUE(repo_.PutImage(storage::Image{.name = "img", .packages = {}}).ok());
  EXPECT_EQ(cache_.Get(a.uid, "x86_64")->package_count, 2U);
  ASSERT_TRUE(repo_.PutImage(storage::Image{.name = "img", .packages = {"tool"}}).ok());
  EXPECT_EQ(cache_.Get(a.uid, "x86_64")->package_count, 3U);
  ASSERT_TRUE(repo_.DeleteImage("img").ok());
  EXPECT_EQ(cache_.Get(a.uid, "x86_64")->package_count, 2U);
}

TEST_F(ServiceTest, ExpiredIdentitySecretIsUnauthenticated) {
  auto org = repo_.CreateOrg("acme").value();
  auto pull = iam_.CreatePullIdentity(org, "ci", "apk.pull", kNow).value();
  const std::string header = "Bearer " + pull.secret;
  ASSERT_TRUE(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).allowed());
  storage::Identity expired = store_.GetIdentity(pull.identity.id).value();
  expired.expires_at = 1;  // long past
  ASSERT_TRUE(store_.UpdateIdentity(expired).ok());
  auto decision = authorizer_->Authorize(header, "acme", auth::Capability::kApkList);
  EXPECT_EQ(decision.outcome, AuthOutcome::kUnauthenticated);
  EXPECT_NE(decision.reason.find("expired"), std::string::npos);
  EXPECT_EQ(decision.reason.find(pull.secret), std::string::npos);
}

TEST_F(ServiceTest, AuthorizerDecisions) {
  auto org = repo_.CreateOrg("acme").value();
  auto other = repo_.CreateOrg("globex").value();
  auto pull = iam_.CreatePullIdentity(org, "ci", "apk.pull", kNow).value();
  const std::string token = Bearer(pull.identity.id);

  auto none = authorizer_->Authorize(std::nullopt, "acme", auth::Capability::kApkList);
  EXPECT_EQ(none.outcome, AuthOutcome::kUnauthenticated);
  EXPECT_TRUE(none.missing_credentials);
  EXPECT_TRUE(authorizer_->Authorize(token, "acme", auth::Capability::kApkList).allowed());
  EXPECT_TRUE(authorizer_->Authorize(token, org.uid, auth::Capability::kApkBlobsGet).allowed());
  EXPECT_TRUE(
      authorizer_->Authorize("Basic " + std::string("dXNlcjo="), "acme", auth::Capability::kApkList)
          .outcome == AuthOutcome::kUnauthenticated);
  auto cross = authorizer_->Authorize(token, "globex", auth::Capability::kApkList);
  EXPECT_EQ(cross.outcome, AuthOutcome::kForbidden);
  EXPECT_EQ(authorizer_->Authorize(token, "nope", auth::Capability::kApkList).outcome,
            AuthOutcome::kForbidden)
      << "an unknown org looks like a forbidden one";
  auto write = authorizer_->Authorize(token, "acme", auth::Capability::kApkCreate);
  EXPECT_EQ(write.outcome, AuthOutcome::kForbidden);
  EXPECT_EQ(write.missing, auth::Capability::kApkCreate);
  // The secret itself works too, and a wrong one does not.
  EXPECT_TRUE(authorizer_->Authorize("Bearer " + pull.secret, "acme", auth::Capability::kApkList)
                  .allowed());
  std::string wrong = pull.secret;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(authorizer_->Authorize("Bearer " + wrong, "acme", auth::Capability::kApkList).outcome,
            AuthOutcome::kUnauthenticated);
  // Narrowed tokens carry only what they name.
  auto narrow = tokens_->IssueSession(pull.identity.id, kHost,
                                      auth::CapabilitySet{auth::Capability::kApkList}, 600);
  const std::string narrow_header = "Bearer " + narrow.value().token;
  EXPECT_TRUE(authorizer_->Authorize(narrow_header, "acme", auth::Capability::kApkList).allowed());
  EXPECT_FALSE(
      authorizer_->Authorize(narrow_header, "acme", auth::Capability::kApkBlobsGet).allowed());
  // Revocation takes effect on the next request.
  ASSERT_TRUE(iam_.Unbind(org, pull.binding.id).ok());
  EXPECT_EQ(authorizer_->Authorize(token, "acme", auth::Capability::kApkList).outcome,
            AuthOutcome::kForbidden);
  (void)other;
}

TEST_F(ServiceTest, ExpiredAndWrongAudienceTokensAreUnauthenticated) {
  auto org = repo_.CreateOrg("acme").value();
  auto pull = iam_.CreatePullIdentity(org, "ci", "viewer", kNow).value();
  const std::string token = Bearer(pull.identity.id);
  ASSERT_TRUE(authorizer_->Authorize(token, "acme", auth::Capability::kApkList).allowed());
  // The token's lifetime plus the verifier's skew tolerance: a cached answer ends with it.
  clock_.Advance(600 + auth::kDefaultLeewaySeconds);
  EXPECT_EQ(authorizer_->Authorize(token, "acme", auth::Capability::kApkList).outcome,
            AuthOutcome::kUnauthenticated);
  clock_.Advance(3000);
  EXPECT_EQ(authorizer_->Authorize(token, "acme", auth::Capability::kApkList).outcome,
            AuthOutcome::kUnauthenticated);
  clock_.Set(kNow);
  EXPECT_EQ(
      tokens_->IssueSession(pull.identity.id, "evil.example", std::nullopt, 600).error().code(),
      ErrorCode::kInvalidArgument);
  auto other = TokenService::Create(store_, "https://apk.example.com", "evil.example", clock_);
  auto foreign = other.value()->IssueSession(pull.identity.id, "evil.example", std::nullopt, 600);
  EXPECT_EQ(
      authorizer_->Authorize("Bearer " + foreign.value().token, "acme", auth::Capability::kApkList)
          .outcome,
      AuthOutcome::kUnauthenticated)
      << "same issuer key, wrong audience";
}

TEST_F(ServiceTest, RepeatedRequestsAreAnsweredFromTheCacheUntilSomethingChanges) {
  auto org = repo_.CreateOrg("acme").value();
  auto pull = iam_.CreatePullIdentity(org, "ci", "apk.pull", kNow).value();
  const std::string token = Bearer(pull.identity.id);
  const std::string secret = "Basic " + Base64Encode("ci:" + pull.secret);
  for (const std::string& header : {token, secret}) {
    SCOPED_TRACE(header.substr(0, 6));
    ASSERT_TRUE(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).allowed());
    const int reads = store_.identity_reads;
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).allowed());
      EXPECT_EQ(authorizer_->Authorize(header, "globex", auth::Capability::kApkList).outcome,
                AuthOutcome::kForbidden);
    }
    EXPECT_LE(store_.identity_reads, reads + 1) << "only the first globex answer is worked out";
  }
  // An unrelated change (another org) makes every answer stale: worked out again, still right.
  auto other = repo_.CreateOrg("globex").value();
  const int reads = store_.identity_reads;
  EXPECT_TRUE(authorizer_->Authorize(token, "acme", auth::Capability::kApkList).allowed());
  EXPECT_GT(store_.identity_reads, reads);
  // Bad credentials are never remembered: each attempt is checked again.
  const int before_bad = store_.identity_reads;
  std::string wrong = pull.secret;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(authorizer_->Authorize("Bearer " + wrong, "acme", auth::Capability::kApkList).outcome,
              AuthOutcome::kUnauthenticated);
  }
  EXPECT_EQ(store_.identity_reads, before_bad + 3);
  (void)other;
}

TEST_F(ServiceTest, CachedAnswerForAPullTokenEndsAtItsExpiry) {
  auto org = repo_.CreateOrg("acme").value();
  auto pull = iam_.CreatePullIdentity(org, "ci", "apk.pull", kNow).value();
  storage::Identity identity = store_.GetIdentity(pull.identity.id).value();
  identity.expires_at = kNow + 100;
  ASSERT_TRUE(store_.UpdateIdentity(identity).ok());
  const std::string header = "Bearer " + pull.secret;
  ASSERT_TRUE(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).allowed());
  clock_.Advance(100);  // no store change: only the expiry can end the cached answer
  EXPECT_EQ(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).outcome,
            AuthOutcome::kUnauthenticated);
}

TEST_F(ServiceTest, BootstrapOwnsEveryOrgAndRunsOnce) {
  auto first = Bootstrap(store_, kNow).value();
  ASSERT_TRUE(first.secret.has_value());
  EXPECT_FALSE(Bootstrap(store_, kNow).value().secret.has_value());
  EXPECT_EQ(store_.GetIdentity(first.identity_id).value().secret_hash.find(*first.secret),
            std::string::npos);
  auto org = repo_.CreateOrg("acme").value();
  const std::string header = "Bearer " + *first.secret;
  EXPECT_TRUE(authorizer_->Authorize(header, "acme", auth::Capability::kApkCreate).allowed());
  EXPECT_TRUE(authorizer_->AuthorizeGlobal(header, auth::Capability::kGroupsCreate).allowed());
  EXPECT_EQ(authorizer_->Authorize(header, "nope", auth::Capability::kApkList).outcome,
            AuthOutcome::kNotFound);
  (void)org;
}

TEST_F(ServiceTest, IssuerKeyPersists) {
  auto a = LoadOrCreateIssuerKey(store_).value();
  auto b = LoadOrCreateIssuerKey(store_).value();
  EXPECT_EQ(a.ToPem(), b.ToPem());
  EXPECT_EQ(HostOfUrl("https://apk.example.com:8443/x").value(), "apk.example.com");
}

}  // namespace
}  // namespace apkd::service
