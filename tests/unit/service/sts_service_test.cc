// Assumable identities and the STS exchange against in-memory stores and a fake URL fetcher: the
// issued token's subject, lifetime and narrowing, key discovery and its cache (TTL, one refetch
// on an unknown kid, rate-limited, stale keys while the issuer is down), the discovery rules
// (issuer must match, no loopback jwks_uri for a remote issuer), inline JWKS, and revocation.
#include "service/sts_service.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "auth/capability.h"
#include "auth/clock.h"
#include "auth/roles.h"
#include "crypto/ec_key.h"
#include "crypto/rsa_key.h"
#include "service/authorizer.h"
#include "service/iam_service.h"
#include "service/identity_service.h"
#include "service/issuer_key_cache.h"
#include "service/token_service.h"
#include "storage/memory_metadata_store.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kHost[] = "apk.example.com";
constexpr char kIssuer[] = "https://ci.example.com/oidc";
constexpr char kJwksUri[] = "https://ci.example.com/oidc/keys";

std::string B64(std::string_view text) { return Base64UrlEncode(text); }

// Serves fixed documents by URL and counts requests; a missing URL is a network error.
class FakeFetcher final : public UrlFetcher {
 public:
  Result<FetchedDocument> Get(const std::string& url, size_t max_bytes) override {
    ++requests[url];
    const auto it = documents.find(url);
    if (it == documents.end()) {
      return MakeError(ErrorCode::kUnavailable, "cannot connect to " + url);
    }
    if (it->second.body.size() > max_bytes) {
      return MakeError(ErrorCode::kLimitExceeded, "too large");
    }
    return it->second;
  }
  std::map<std::string, FetchedDocument> documents;
  std::map<std::string, int> requests;
};

std::string JwksOf(const crypto::EcVerifyingKey& key, std::string_view kid) {
  const crypto::EcPublicJwk jwk = key.Jwk();
  return R"({"keys":[{"kty":"EC","crv":"P-256","use":"sig","kid":")" + std::string(kid) +
         R"(","x":")" + jwk.x + R"(","y":")" + jwk.y + R"("}]})";
}

class StsServiceTest : public ::testing::Test {
 protected:
  StsServiceTest()
      : clock_(kNow),
        iam_(store_),
        identities_(store_, iam_, kHost),
        key_cache_(fetcher_, clock_,
                   IssuerKeyCacheOptions{.ttl_seconds = 300,
                                         .min_refresh_interval_seconds = 30,
                                         .max_stale_seconds = 3600,
                                         .max_issuers = 8}),
        key_(crypto::EcSigningKey::Generate().value()) {
    tokens_ = TokenService::Create(store_, "https://apk.example.com", kHost, clock_).value();
    sts_ = std::make_unique<StsService>(store_, *tokens_, key_cache_, clock_);
    authorizer_ = std::make_unique<Authorizer>(store_, tokens_->verifier(), clock_);
    acme_ = store_.CreateOrg({.name = "acme"}).value();
    globex_ = store_.CreateOrg({.name = "globex"}).value();
    ServeIssuer(JwksOf(key_.verifying_key(), "k1"));
  }

  void ServeIssuer(const std::string& jwks) {
    fetcher_.documents[std::string(kIssuer) + "/.well-known/openid-configuration"] = {
        200, std::string(R"({"issuer":")") + kIssuer + R"(","jwks_uri":")" + kJwksUri + R"("})"};
    fetcher_.documents[kJwksUri] = {200, jwks};
  }
  int Fetches() const {
    const auto it = fetcher_.requests.find(kJwksUri);
    return it == fetcher_.requests.end() ? 0 : it->second;
  }

  AssumableIdentitySpec Spec() const {
    return AssumableIdentitySpec{.name = "ci",
                                 .policy = {.issuer = kIssuer,
                                            .subject = "",
                                            .subject_pattern = "repo:acme/.*",
                                            .audience = "",
                                            .audience_pattern = "",
                                            .claim_patterns = {{"ref", "refs/heads/main"}}},
                                 .issuer_keys = "",
                                 .role = "apk.pull"};
  }
  storage::Identity Create(const AssumableIdentitySpec& spec, const storage::Org* org = nullptr) {
    auto created = identities_.CreateAssumable(org != nullptr ? *org : acme_, spec,
                                               auth::kOwnerCapabilities, kNow);
    EXPECT_TRUE(created.ok()) << created.error().message();
    return created.ok() ? created->identity : storage::Identity();
  }

  std::string IdToken(int64_t exp, std::string_view kid = "k1",
                      const crypto::EcSigningKey* key = nullptr,
                      std::string_view sub = "repo:acme/app") const {
    const std::string input =
        B64(R"({"alg":"ES256","kid":")" + std::string(kid) + R"("})") + "." +
        B64(std::string(R"({"iss":")") + kIssuer + R"(","sub":")" + std::string(sub) +
            R"(","aud":")" + kHost + R"(","ref":"refs/heads/main","iat":)" +
            std::to_string(clock_.Now() - 5) + R"(,"exp":)" + std::to_string(exp) + "}");
    return input + "." + B64((key != nullptr ? *key : key_).Sign(input).value());
  }

  storage::MemoryMetadataStore store_;
  auth::FakeClock clock_;
  FakeFetcher fetcher_;
  IamService iam_;
  IdentityService identities_;
  IssuerKeyCache key_cache_;
  crypto::EcSigningKey key_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<StsService> sts_;
  std::unique_ptr<Authorizer> authorizer_;
  storage::Org acme_;
  storage::Org globex_;
};

TEST_F(StsServiceTest, CreateChecksThePolicyAndBindsTheRole) {
  const storage::Identity identity = Create(Spec());
  EXPECT_EQ(identity.kind, storage::IdentityKind::kAssumable);
  EXPECT_EQ(identity.audience, kHost) << "the audience defaults to this server's host";
  EXPECT_EQ(identity.claim_patterns, R"({"ref":"refs/heads/main"})");
  auto bindings = iam_.ListBindings(acme_).value();
  ASSERT_EQ(bindings.size(), 1U);
  EXPECT_EQ(bindings[0].identity_id, identity.id);
  EXPECT_EQ(bindings[0].role, auth::kApkPullRole);

  auto bad = [&](auto edit) {
    AssumableIdentitySpec spec = Spec();
    edit(spec);
    auto created = identities_.CreateAssumable(acme_, spec, auth::kOwnerCapabilities, kNow);
    EXPECT_FALSE(created.ok());
    return created.ok() ? ErrorCode::kInternal : created.error().code();
  };
  EXPECT_EQ(bad([](auto& s) { s.policy.subject_pattern = "repo:(acme"; }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.policy.issuer = "http://ci.example.com"; }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.issuer_keys = R"({"keys":[{"kty":"oct","k":"AA"}]})"; }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.role = "no-such-role"; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(identities_.List(acme_).value().size(), 1U) << "failed creations leave nothing";
  EXPECT_EQ(iam_.ListBindings(acme_).value().size(), 1U);
}

// Whoever may create identities can bind them only to roles within their own capabilities.
TEST_F(StsServiceTest, CreateNeverEscalates) {
  const auth::CapabilitySet creator = auth::kPullTokenCreatorCapabilities;
  AssumableIdentitySpec spec = Spec();
  spec.role = "owner";
  auto owner = identities_.CreateAssumable(acme_, spec, creator, kNow);
  ASSERT_FALSE(owner.ok());
  EXPECT_EQ(owner.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(owner.error().message().find("apk.create"), std::string::npos)
      << owner.error().message();
  ASSERT_TRUE(
      store_
          .CreateCustomRole(
              {.org_uid = acme_.uid, .name = "pusher", .capabilities = "apk.list,apk.create"})
          .ok());
  spec.role = "pusher";
  EXPECT_EQ(identities_.CreateAssumable(acme_, spec, creator, kNow).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(identities_.List(acme_).value().empty());
  spec.role = "apk.pull";
  EXPECT_TRUE(identities_.CreateAssumable(acme_, spec, creator, kNow).ok());
  spec.role = "pusher";
  EXPECT_TRUE(identities_.CreateAssumable(acme_, spec, auth::kEditorCapabilities, kNow).ok());
}

TEST_F(StsServiceTest, ExchangeIssuesASessionTokenForTheIdentity) {
  const storage::Identity identity = Create(Spec());
  auto exchanged = sts_->Exchange(IdToken(kNow + 7200), {.identity_id = identity.id});
  ASSERT_TRUE(exchanged.ok()) << exchanged.error().message();
  EXPECT_EQ(exchanged->identity_id, identity.id);
  EXPECT_EQ(exchanged->expires_at, kNow + auth::kMaxSessionTokenLifetime) << "at most 1 h";
  auto claims = tokens_->verifier().Verify(exchanged->token);
  ASSERT_TRUE(claims.ok()) << claims.error().message();
  EXPECT_EQ(claims->sub, identity.id);
  EXPECT_EQ(claims->aud, kHost);
  EXPECT_FALSE(claims->capabilities.has_value());

  const std::string header = "Bearer " + exchanged->token;
  EXPECT_TRUE(authorizer_->Authorize(header, "acme", auth::Capability::kApkBlobsGet).allowed());
  EXPECT_FALSE(authorizer_->Authorize(header, "acme", auth::Capability::kApkCreate).allowed());
  EXPECT_FALSE(authorizer_->Authorize(header, "globex", auth::Capability::kApkList).allowed());

  // Never past the external token's exp; narrowed on request.
  auto short_lived = sts_->Exchange(
      IdToken(kNow + 100), {.identity_id = identity.id,
                            .audience = kHost,
                            .capabilities = auth::CapabilitySet{auth::Capability::kApkList}});
  ASSERT_TRUE(short_lived.ok()) << short_lived.error().message();
  EXPECT_EQ(short_lived->expires_at, kNow + 100);
  const std::string narrowed = "Bearer " + short_lived->token;
  EXPECT_TRUE(authorizer_->Authorize(narrowed, "acme", auth::Capability::kApkList).allowed());
  EXPECT_FALSE(authorizer_->Authorize(narrowed, "acme", auth::Capability::kApkBlobsGet).allowed());
  EXPECT_EQ(Fetches(), 1) << "the second exchange used the cached keys";

  // Deleting the identity revokes what it was issued.
  ASSERT_TRUE(identities_.Delete(acme_, identity.id).ok());
  EXPECT_FALSE(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).allowed());
  EXPECT_TRUE(iam_.ListBindings(acme_).value().empty());
  EXPECT_EQ(sts_->Exchange(IdToken(kNow + 600), {.identity_id = identity.id}).error().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(StsServiceTest, ExchangeRefusals) {
  const storage::Identity identity = Create(Spec());
  const auto code = [&](const std::string& token, ExchangeRequest request) {
    auto exchanged = sts_->Exchange(token, request);
    EXPECT_FALSE(exchanged.ok());
    return exchanged.ok() ? ErrorCode::kInternal : exchanged.error().code();
  };
  const std::string good = IdToken(kNow + 600);
  EXPECT_EQ(code(good, {.identity_id = "0123456789abcdef0123456789abcdef"}),
            ErrorCode::kUnauthenticated);
  auto pull = iam_.CreatePullIdentity(acme_, "pull", "apk.pull", kNow).value();
  EXPECT_EQ(code(good, {.identity_id = pull.identity.id}), ErrorCode::kUnauthenticated)
      << "only assumable identities can be assumed";
  EXPECT_EQ(code(good, {.identity_id = identity.id, .audience = "other.example.com"}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(IdToken(kNow + 600, "k1", nullptr, "repo:evil/app"), {.identity_id = identity.id}),
            ErrorCode::kUnauthenticated);
  const auto other = crypto::EcSigningKey::Generate().value();
  EXPECT_EQ(code(IdToken(kNow + 600, "k1", &other), {.identity_id = identity.id}),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(code(IdToken(kNow - 100), {.identity_id = identity.id}), ErrorCode::kUnauthenticated);
  // Inside the clock-skew leeway but already past exp: nothing left to issue.
  EXPECT_EQ(code(IdToken(kNow - 5), {.identity_id = identity.id}), ErrorCode::kUnauthenticated);
  EXPECT_EQ(code("not-a-token", {.identity_id = identity.id}), ErrorCode::kUnauthenticated);
}

TEST_F(StsServiceTest, KeysAreCachedRefetchedOnRotationAndRateLimited) {
  const storage::Identity identity = Create(Spec());
  ASSERT_TRUE(sts_->Exchange(IdToken(kNow + 600), {.identity_id = identity.id}).ok());
  ASSERT_EQ(Fetches(), 1);

  // The issuer rotates to k2: the unknown kid forces one refetch.
  const auto rotated = crypto::EcSigningKey::Generate().value();
  ServeIssuer(JwksOf(rotated.verifying_key(), "k2"));
  clock_.Advance(60);
  auto after_rotation =
      sts_->Exchange(IdToken(kNow + 600, "k2", &rotated), {.identity_id = identity.id});
  ASSERT_TRUE(after_rotation.ok()) << after_rotation.error().message();
  EXPECT_EQ(Fetches(), 2);
  // A made-up kid right after does not refetch again (at most once per 30 s per issuer).
  EXPECT_FALSE(
      sts_->Exchange(IdToken(kNow + 600, "k9", &rotated), {.identity_id = identity.id}).ok());
  EXPECT_EQ(Fetches(), 2);
  clock_.Advance(31);
  EXPECT_FALSE(
      sts_->Exchange(IdToken(kNow + 600, "k9", &rotated), {.identity_id = identity.id}).ok());
  EXPECT_EQ(Fetches(), 3);

  // Past the TTL the keys are fetched again; while the issuer is down, stale keys still serve.
  fetcher_.documents.clear();
  clock_.Advance(301);
  EXPECT_TRUE(
      sts_->Exchange(IdToken(clock_.Now() + 600, "k2", &rotated), {.identity_id = identity.id})
          .ok());
  EXPECT_EQ(Fetches(), 3) << "the discovery document failed first";
  clock_.Advance(3600);
  auto down =
      sts_->Exchange(IdToken(clock_.Now() + 600, "k2", &rotated), {.identity_id = identity.id});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(down.error().message().find("cannot get the issuer's keys"), std::string::npos)
      << down.error().message();
}

TEST_F(StsServiceTest, DiscoveryRules) {
  const storage::Identity identity = Create(Spec());
  const std::string discovery = std::string(kIssuer) + "/.well-known/openid-configuration";
  const auto refused = [&](const std::string& document) {
    fetcher_.documents[discovery] = {200, document};
    IssuerKeyCache fresh(fetcher_, clock_);
    StsService sts(store_, *tokens_, fresh, clock_);
    auto exchanged = sts.Exchange(IdToken(kNow + 600), {.identity_id = identity.id});
    return !exchanged.ok() && exchanged.error().code() == ErrorCode::kUnauthenticated;
  };
  EXPECT_TRUE(refused(R"({"issuer":"https://evil.example.com","jwks_uri":")" +
                      std::string(kJwksUri) + R"("})"));
  EXPECT_TRUE(refused(std::string(R"({"issuer":")") + kIssuer +
                      R"(","jwks_uri":"http://127.0.0.1:8080/keys"})"));
  EXPECT_TRUE(refused(std::string(R"({"issuer":")") + kIssuer +
                      R"(","jwks_uri":"http://ci.example.com/keys"})"));
  EXPECT_TRUE(refused("not json"));
  EXPECT_FALSE(
      refused(std::string(R"({"issuer":")") + kIssuer + R"(","jwks_uri":")" + kJwksUri + R"("})"));
  fetcher_.documents[kJwksUri] = {404, "gone"};
  EXPECT_TRUE(
      refused(std::string(R"({"issuer":")") + kIssuer + R"(","jwks_uri":")" + kJwksUri + R"("})"));
}

TEST_F(StsServiceTest, InlineKeysNeedNoDiscoveryAndOrgsStayApart) {
  AssumableIdentitySpec spec = Spec();
  spec.issuer_keys = JwksOf(key_.verifying_key(), "k1");
  const storage::Identity in_globex = Create(spec, &globex_);
  fetcher_.documents.clear();
  auto exchanged = sts_->Exchange(IdToken(kNow + 600), {.identity_id = in_globex.id});
  ASSERT_TRUE(exchanged.ok()) << exchanged.error().message();
  EXPECT_TRUE(fetcher_.requests.empty());
  const std::string header = "Bearer " + exchanged->token;
  EXPECT_TRUE(authorizer_->Authorize(header, "globex", auth::Capability::kApkList).allowed());
  EXPECT_FALSE(authorizer_->Authorize(header, "acme", auth::Capability::kApkList).allowed());
  // An org cannot delete (or see) another org's identity.
  EXPECT_EQ(identities_.Delete(acme_, in_globex.id).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(identities_.List(acme_).value().empty());
  ASSERT_EQ(identities_.List(globex_).value().size(), 1U);
}

}  // namespace
}  // namespace apkd::service
