// Issuer key rotation in TokenService: tokens issued before a rotation keep verifying, across a
// restart too; a rotated-out key verifies nothing once every token it signed can have expired;
// the published keys are exactly the verifying ones; the persisted form round-trips.
#include "service/token_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/clock.h"
#include "auth/jwt.h"
#include "crypto/ec_key.h"
#include "storage/memory_metadata_store.h"

namespace apkd::service {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://apk.example.com";
constexpr char kHost[] = "apk.example.com";

class TokenServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<TokenService> Open() {
    auto service = TokenService::Create(store_, kIssuer, kHost, clock_);
    EXPECT_TRUE(service.ok()) << service.error().message();
    return service.ok() ? std::move(service).value() : nullptr;
  }
  static std::string Issue(const TokenService& service) {
    auto issued = service.IssueSession("id-1", kHost, std::nullopt, 3600);
    EXPECT_TRUE(issued.ok());
    return issued.ok() ? issued->token : "";
  }
  static std::vector<std::string> Kids(const TokenService& service) {
    std::vector<std::string> kids;
    for (const auto& key : service.VerifyingKeys()) {
      kids.push_back(key.kid);
    }
    return kids;
  }
  // The verifier's kids that still verify something now (a key past its window stays in the
  // verifier's list until the next rotation but refuses everything).
  std::vector<std::string> LiveVerifierKids(const TokenService& service) {
    std::vector<std::string> kids = service.verifier().kids();
    std::vector<std::string> live;
    for (const auto& key : service.VerifyingKeys()) {
      if (std::find(kids.begin(), kids.end(), key.kid) != kids.end()) {
        live.push_back(key.kid);
      }
    }
    return live;
  }

  storage::MemoryMetadataStore store_;
  auth::FakeClock clock_{kNow};
};

TEST_F(TokenServiceTest, ATokenIssuedBeforeARotationStillVerifiesAfterItAndAfterARestart) {
  auto service = Open();
  const std::string first_kid = service->issuer().current_kid();
  const std::string before = Issue(*service);
  clock_.Advance(60);
  auto rotated = service->RotateIssuerKey();
  ASSERT_TRUE(rotated.ok()) << rotated.error().message();
  EXPECT_NE(*rotated, first_kid);
  EXPECT_EQ(service->issuer().current_kid(), *rotated);
  EXPECT_EQ(Kids(*service), (std::vector<std::string>{*rotated, first_kid}));
  EXPECT_TRUE(service->verifier().Verify(before).ok());
  const std::string after = Issue(*service);
  EXPECT_TRUE(service->verifier().Verify(after).ok());

  // A restart (a new service over the same store) keeps both keys and the window.
  service.reset();
  auto reopened = Open();
  EXPECT_EQ(reopened->issuer().current_kid(), *rotated);
  EXPECT_EQ(Kids(*reopened), (std::vector<std::string>{*rotated, first_kid}));
  EXPECT_TRUE(reopened->verifier().Verify(before).ok());
  EXPECT_TRUE(reopened->verifier().Verify(after).ok());
  const auto keys = reopened->VerifyingKeys();
  EXPECT_EQ(keys[1].retired_at, kNow + 60);
  EXPECT_EQ(keys[1].verify_until, kNow + 60 + reopened->retired_key_window());
}

TEST_F(TokenServiceTest, ARotatedOutKeyVerifiesNothingOnceItsTokensCanHaveExpired) {
  auto service = Open();
  const std::string first_kid = service->issuer().current_kid();
  // The longest-lived token the old key can have signed: issued just before the rotation.
  const std::string before = Issue(*service);
  ASSERT_TRUE(service->RotateIssuerKey().ok());
  const int64_t window = service->retired_key_window();
  EXPECT_EQ(window, auth::kMaxSessionTokenLifetime + auth::kDefaultLeewaySeconds);

  clock_.Set(kNow + window - 1);
  EXPECT_TRUE(service->verifier().Verify(before).ok()) << "within exp + leeway";
  EXPECT_EQ(Kids(*service).size(), 2U);
  EXPECT_EQ(LiveVerifierKids(*service), Kids(*service));

  clock_.Set(kNow + window);
  EXPECT_FALSE(service->verifier().Verify(before).ok());
  EXPECT_EQ(Kids(*service).size(), 1U) << "no longer published";
  EXPECT_EQ(LiveVerifierKids(*service), Kids(*service));
  auto reopened = Open();
  EXPECT_EQ(reopened->verifier().kids().size(), 1U) << "and not restored";
}

TEST_F(TokenServiceTest, AKeyRotatedOutMoreThanTheMaxLifetimeAgoIsRefusedEvenWithAFreshToken) {
  auto service = Open();
  // Keep the first key's private half, as an attacker who stole it would.
  const auto stolen = crypto::EcSigningKey::FromPem(store_.GetSetting(kIssuerKeySetting).value());
  ASSERT_TRUE(stolen.ok());
  const std::string old_kid = service->issuer().current_kid();
  ASSERT_TRUE(service->RotateIssuerKey().ok());
  clock_.Advance(service->retired_key_window() + 1);
  auth::TokenClaims claims{.iss = kIssuer,
                           .sub = "id-1",
                           .aud = kHost,
                           .iat = clock_.Now(),
                           .exp = clock_.Now() + 600,
                           .jti = "j"};
  auto forged = auth::SignToken(claims, old_kid, *stolen);
  ASSERT_TRUE(forged.ok());
  auto verified = service->verifier().Verify(*forged);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code(), ErrorCode::kUnauthenticated);
  // The same token minted with the current key would pass: only the key is wrong.
  EXPECT_TRUE(service->verifier().Verify(Issue(*service)).ok());
}

TEST_F(TokenServiceTest, TwoRotationsKeepEveryKeyStillInItsWindow) {
  auto service = Open();
  const std::string k1 = service->issuer().current_kid();
  const std::string t1 = Issue(*service);
  clock_.Advance(100);
  const std::string k2 = service->RotateIssuerKey().value();
  clock_.Advance(99);
  const std::string t2 = Issue(*service);  // k2's last token: exp = kNow + 199 + 1 h
  clock_.Advance(1);
  const std::string k3 = service->RotateIssuerKey().value();
  EXPECT_EQ(Kids(*service), (std::vector<std::string>{k3, k2, k1}));
  EXPECT_TRUE(service->verifier().Verify(t1).ok());
  EXPECT_TRUE(service->verifier().Verify(t2).ok());
  clock_.Set(kNow + 100 + service->retired_key_window());  // k1's window ends, k2's not yet
  EXPECT_EQ(Kids(*service), (std::vector<std::string>{k3, k2}));
  auto reopened = Open();
  EXPECT_EQ(Kids(*reopened), (std::vector<std::string>{k3, k2}));
  EXPECT_TRUE(reopened->verifier().Verify(t2).ok());
}

TEST_F(TokenServiceTest, PreviousKeysRoundTripAndCorruptionIsRefused) {
  const auto a = crypto::EcSigningKey::Generate().value();
  const std::vector<auth::TokenKey> keys = {
      {.kid = "current", .key = a.verifying_key()},  // not written: it is the current key
      {.kid = "k2", .key = a.verifying_key(), .retired_at = 10, .verify_until = kNow + 10},
      {.kid = "k1", .key = a.verifying_key(), .retired_at = 5, .verify_until = kNow},
  };
  const std::string text = FormatPreviousIssuerKeys(keys);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  auto parsed = ParsePreviousIssuerKeys(text, kNow);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1U) << "k1's window is over";
  EXPECT_EQ((*parsed)[0].kid, "k2");
  EXPECT_EQ((*parsed)[0].key, a.verifying_key());
  EXPECT_EQ((*parsed)[0].retired_at, 10);
  EXPECT_EQ((*parsed)[0].verify_until, kNow + 10);
  EXPECT_TRUE(ParsePreviousIssuerKeys("", kNow).value().empty());
  for (const std::string& bad :
       std::vector<std::string>{"k2 10 20 x", "k2 0 20 " + std::string(43, 'A') + " x",
                                "bad/kid 1 2 a b", "k 1 2 AAAA AAAA"}) {
    EXPECT_EQ(ParsePreviousIssuerKeys(bad, 0).error().code(), ErrorCode::kCorrupt) << bad;
  }
  ASSERT_TRUE(store_.SetSetting(kIssuerPreviousKeysSetting, "garbage").ok());
  EXPECT_FALSE(TokenService::Create(store_, kIssuer, kHost, clock_).ok());
}

}  // namespace
}  // namespace apkd::service
