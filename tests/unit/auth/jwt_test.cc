#include "auth/jwt.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "auth/capability.h"
#include "auth/clock.h"
#include "crypto/ec_key.h"
#include "crypto/hmac.h"
#include "util/encoding.h"

namespace apkd::auth {
namespace {

constexpr int64_t kNow = 1'750'000'000;
constexpr std::string_view kIssuer = "https://apk.example.com";
constexpr std::string_view kAudience = "apk.example.com";
constexpr std::string_view kSubject = "4f1c2a9e0b7d3c55/8e2b1f0a9c3d4e5f";

crypto::EcSigningKey NewKey() {
  auto key = crypto::EcSigningKey::Generate();
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

std::string B64(std::string_view text) { return Base64UrlEncode(text); }

// A token with exactly this header and payload JSON, signed (ES256) by `key`.
std::string SignRaw(std::string_view header, std::string_view payload,
                    const crypto::EcSigningKey& key) {
  const std::string input = B64(header) + "." + B64(payload);
  return input + "." + B64(key.Sign(input).value());
}

std::string Payload(int64_t iat, int64_t exp, std::string_view extra = "") {
  return R"({"iss":"https://apk.example.com","sub":"s","aud":"apk.example.com","iat":)" +
         std::to_string(iat) + R"(,"exp":)" + std::to_string(exp) +
         R"(,"jti":"j1","knd":"session")" + std::string(extra) + "}";
}

constexpr std::string_view kGoodHeader = R"({"alg":"ES256","typ":"JWT","kid":"k1"})";

std::vector<std::string_view> Split(std::string_view token) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string_view::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto issuer = TokenIssuer::Create(std::string(kIssuer), "k1", key_, clock_);
    ASSERT_TRUE(issuer.ok()) << issuer.error().message();
    issuer_ = std::move(issuer).value();
    auto verifier = TokenVerifier::Create(
        {.issuer = std::string(kIssuer), .audience = std::string(kAudience)}, clock_);
    ASSERT_TRUE(verifier.ok()) << verifier.error().message();
    verifier_ = std::move(verifier).value();
    ASSERT_TRUE(verifier_->SetKeys(issuer_->VerificationKeys()).ok());
  }

  IssuedToken Issue(TokenRequest request) {
    auto issued = issuer_->Issue(request);
    EXPECT_TRUE(issued.ok()) << issued.error().message();
    return issued.ok() ? std::move(issued).value() : IssuedToken{};
  }
  IssuedToken IssueSession() {
    return Issue({.subject = std::string(kSubject), .audience = std::string(kAudience)});
  }

  // Verification must fail as unauthenticated, with `needle` in the reason and no part of the
  // token in it.
  ::testing::AssertionResult Refused(const std::string& token, std::string_view needle = {}) {
    auto claims = verifier_->Verify(token);
    if (claims.ok()) {
      return ::testing::AssertionFailure() << "token verified";
    }
    const Error& error = claims.error();
    if (error.code() != ErrorCode::kUnauthenticated) {
      return ::testing::AssertionFailure() << "code " << ErrorCodeName(error.code());
    }
    if (error.message().find(needle) == std::string::npos) {
      return ::testing::AssertionFailure() << "\"" << error.message() << "\" lacks " << needle;
    }
    if (!token.empty() && error.message().find(token) != std::string::npos) {
      return ::testing::AssertionFailure() << "reason contains the token";
    }
    for (const std::string_view part : Split(token)) {
      if (part.size() >= 6 && error.message().find(part) != std::string::npos) {
        return ::testing::AssertionFailure() << "reason contains a token part: " << error.message();
      }
    }
    return ::testing::AssertionSuccess();
  }

  FakeClock clock_{kNow};
  crypto::EcSigningKey key_ = NewKey();
  std::unique_ptr<TokenIssuer> issuer_;
  std::unique_ptr<TokenVerifier> verifier_;
};

// --- Round trips ----------------------------------------------------------------------------

TEST_F(JwtTest, IssueVerifyRoundTrip) {
  const IssuedToken issued = IssueSession();
  EXPECT_EQ(issued.claims.iss, kIssuer);
  EXPECT_EQ(issued.claims.sub, kSubject);
  EXPECT_EQ(issued.claims.aud, kAudience);
  EXPECT_EQ(issued.claims.iat, kNow);
  EXPECT_EQ(issued.claims.exp, kNow + kMaxSessionTokenLifetime);
  EXPECT_EQ(issued.claims.jti.size(), 16U);
  EXPECT_EQ(issued.claims.kind, TokenKind::kSession);
  EXPECT_FALSE(issued.claims.nbf.has_value());
  EXPECT_FALSE(issued.claims.capabilities.has_value());
  auto claims = verifier_->Verify(issued.token);
  ASSERT_TRUE(claims.ok()) << claims.error().message();
  EXPECT_EQ(*claims, issued.claims);
  EXPECT_NE(IssueSession().claims.jti, issued.claims.jti);
}

TEST_F(JwtTest, HeaderAndClaimNamesAreAsDocumented) {
  const IssuedToken issued = Issue({.subject = "s",
                                    .audience = std::string(kAudience),
                                    .kind = TokenKind::kPull,
                                    .ttl_seconds = 86400,
                                    .capabilities = CapabilitySet{Capability::kApkList}});
  const std::vector<std::string_view> parts = Split(issued.token);
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(Base64UrlDecode(parts[0]).value(), R"({"alg":"ES256","typ":"JWT","kid":"k1"})");
  EXPECT_EQ(Base64UrlDecode(parts[1]).value(),
            R"({"iss":"https://apk.example.com","sub":"s","aud":"apk.example.com","iat":)" +
                std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 86400) + R"(,"jti":")" +
                issued.claims.jti + R"(","knd":"pull","cap":"1"})");
  EXPECT_EQ(Base64UrlDecode(parts[2]).value().size(), crypto::kEs256SignatureSize);
}

TEST_F(JwtTest, NarrowedCapabilitiesAndKindsRoundTrip) {
  const CapabilitySet narrowed = {Capability::kApkList, Capability::kApkBlobsGet};
  for (const TokenKind kind : {TokenKind::kSession, TokenKind::kPull, TokenKind::kExchanged}) {
    const IssuedToken issued = Issue({.subject = std::string(kSubject),
                                      .audience = std::string(kAudience),
                                      .kind = kind,
                                      .ttl_seconds = 600,
                                      .capabilities = narrowed});
    auto claims = verifier_->Verify(issued.token);
    ASSERT_TRUE(claims.ok()) << claims.error().message();
    EXPECT_EQ(claims->kind, kind);
    EXPECT_EQ(claims->capabilities, narrowed);
  }
  const IssuedToken none =
      Issue({.subject = "s", .audience = std::string(kAudience), .capabilities = CapabilitySet()});
  EXPECT_EQ(verifier_->Verify(none.token).value().capabilities, CapabilitySet());
}

TEST_F(JwtTest, PullTokensLiveUpToAYear) {
  const IssuedToken year = Issue({.subject = "s",
                                  .audience = std::string(kAudience),
                                  .kind = TokenKind::kPull,
                                  .ttl_seconds = kMaxPullTokenLifetime});
  clock_.Advance(kMaxPullTokenLifetime - 60);
  EXPECT_TRUE(verifier_->Verify(year.token).ok());
  auto too_long = issuer_->Issue({.subject = "s",
                                  .audience = std::string(kAudience),
                                  .kind = TokenKind::kPull,
                                  .ttl_seconds = kMaxPullTokenLifetime + 1});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code(), ErrorCode::kInvalidArgument);
}

// --- Size and charset -----------------------------------------------------------------------

TEST_F(JwtTest, TokensAreShortAndUrlSafe) {
  const IssuedToken typical = IssueSession();
  EXPECT_LT(typical.token.size(), 500U) << typical.token.size();
  const IssuedToken largest = Issue({.subject = std::string(256, 'S'),
                                     .audience = "registry.packages.example-company.com:8443",
                                     .kind = TokenKind::kPull,
                                     .ttl_seconds = kMaxPullTokenLifetime,
                                     .capabilities = CapabilitySet::All()});
  for (const std::string& token : {typical.token, largest.token}) {
    EXPECT_LT(token.size(), kMaxIssuedTokenSize);
    for (const char c : token) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '~' || c == '-';
      EXPECT_TRUE(ok) << "character " << c;
    }
  }
}

TEST_F(JwtTest, IssueRefusesTokensOverTheLimit) {
  auto long_issuer = TokenIssuer::Create("https://" + std::string(500, 'i'), "k1", key_, clock_);
  ASSERT_TRUE(long_issuer.ok());
  auto issued =
      (*long_issuer)->Issue({.subject = std::string(256, 'S'), .audience = std::string(200, 'a')});
  ASSERT_FALSE(issued.ok());
  EXPECT_EQ(issued.error().code(), ErrorCode::kLimitExceeded);
}

TEST_F(JwtTest, IssueValidatesRequests) {
  const std::string audience(kAudience);
  const TokenRequest bad[] = {
      {.subject = "", .audience = audience},
      {.subject = std::string(257, 's'), .audience = audience},
      {.subject = "a\nb", .audience = audience},
      {.subject = "\xff", .audience = audience},
      {.subject = "s", .audience = ""},
      {.subject = "s", .audience = "https://apk.example.com"},
      {.subject = "s", .audience = "apk.example.com/org"},
      {.subject = "s", .audience = "apk.example.com:"},
      {.subject = "s", .audience = "apk.example.com:123456"},
      {.subject = "s", .audience = "user@apk.example.com"},
      {.subject = "s", .audience = audience, .ttl_seconds = 0},
      {.subject = "s", .audience = audience, .ttl_seconds = -5},
      {.subject = "s", .audience = audience, .ttl_seconds = kMaxSessionTokenLifetime + 1},
      {.subject = "s",
       .audience = audience,
       .kind = TokenKind::kExchanged,
       .ttl_seconds = kMaxSessionTokenLifetime + 1},
  };
  for (const TokenRequest& request : bad) {
    auto issued = issuer_->Issue(request);
    ASSERT_FALSE(issued.ok()) << request.subject << " " << request.audience;
    EXPECT_EQ(issued.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(issuer_->Issue({.subject = "s", .audience = "localhost:8080"}).ok());
  EXPECT_TRUE(issuer_->Issue({.subject = "caf\xc3\xa9 \"q\"", .audience = audience}).ok());
}

// --- Time -----------------------------------------------------------------------------------

TEST_F(JwtTest, ExpiredTokensAreRefusedAfterTheLeeway) {
  const IssuedToken issued = IssueSession();
  clock_.Set(issued.claims.exp + kDefaultLeewaySeconds - 1);
  EXPECT_TRUE(verifier_->Verify(issued.token).ok());
  clock_.Set(issued.claims.exp + kDefaultLeewaySeconds);
  EXPECT_TRUE(Refused(issued.token, "expired"));
  clock_.Advance(365 * 86400);
  EXPECT_TRUE(Refused(issued.token, "expired"));
}

TEST_F(JwtTest, NotYetValidTokensAreRefused) {
  const std::string soon = SignRaw(
      kGoodHeader, Payload(kNow, kNow + 600, R"(,"nbf":)" + std::to_string(kNow + 10)), key_);
  EXPECT_TRUE(verifier_->Verify(soon).ok()) << "within the leeway";
  const std::string later = SignRaw(
      kGoodHeader, Payload(kNow, kNow + 600, R"(,"nbf":)" + std::to_string(kNow + 120)), key_);
  EXPECT_TRUE(Refused(later, "not valid yet"));
  clock_.Advance(120);
  EXPECT_TRUE(verifier_->Verify(later).ok());
}

TEST_F(JwtTest, TokensIssuedInTheFutureAreRefused) {
  const IssuedToken issued = IssueSession();
  clock_.Set(kNow - kDefaultLeewaySeconds);
  EXPECT_TRUE(verifier_->Verify(issued.token).ok());
  clock_.Set(kNow - kDefaultLeewaySeconds - 1);
  EXPECT_TRUE(Refused(issued.token, "issued in the future"));
}

TEST_F(JwtTest, LifetimeIsCappedPerKind) {
  EXPECT_TRUE(Refused(SignRaw(kGoodHeader, Payload(kNow, kNow + 7200), key_), "longer"));
  EXPECT_TRUE(Refused(SignRaw(kGoodHeader, Payload(kNow, kNow), key_), "before"));
  EXPECT_TRUE(Refused(SignRaw(kGoodHeader, Payload(kNow, kNow - 10), key_)));
  const std::string pull = Payload(kNow, kNow + 7200);
  const std::string as_pull =
      pull.substr(0, pull.find("session")) + "pull" + pull.substr(pull.find("session") + 7);
  EXPECT_TRUE(verifier_->Verify(SignRaw(kGoodHeader, as_pull, key_)).ok());
}

// --- Audience and issuer --------------------------------------------------------------------

TEST_F(JwtTest, AudienceMustMatchExactly) {
  const IssuedToken other = Issue({.subject = "s", .audience = "other.example.com"});
  EXPECT_TRUE(Refused(other.token, "audience"));
  EXPECT_TRUE(Refused(other.token, "\"other.example.com\", expected \"apk.example.com\""));
  for (const std::string_view aud :
       {"https://apk.example.com", "http://apk.example.com", "apk.example.com:443",
        "APK.example.com", "apk.example.com.", "apk.example.com/", " apk.example.com"}) {
    const std::string payload = R"({"iss":"https://apk.example.com","sub":"s","aud":")" +
                                std::string(aud) + R"(","iat":)" + std::to_string(kNow) +
                                R"(,"exp":)" + std::to_string(kNow + 60) +
                                R"(,"jti":"j","knd":"session"})";
    EXPECT_TRUE(Refused(SignRaw(kGoodHeader, payload, key_), "audience")) << aud;
  }
  auto scheme = TokenVerifier::Create(
      {.issuer = std::string(kIssuer), .audience = "https://apk.example.com"}, clock_);
  EXPECT_FALSE(scheme.ok());
}

TEST_F(JwtTest, IssuerMustMatchExactly) {
  auto other_issuer = TokenIssuer::Create("https://evil.example.com", "k1", key_, clock_);
  ASSERT_TRUE(other_issuer.ok());
  auto token = (*other_issuer)->Issue({.subject = "s", .audience = std::string(kAudience)});
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(Refused(token->token, "issuer"));
  auto slash = TokenIssuer::Create("https://apk.example.com/", "k1", key_, clock_);
  ASSERT_TRUE(slash.ok());
  EXPECT_TRUE(
      Refused((*slash)->Issue({.subject = "s", .audience = std::string(kAudience)}).value().token,
              "issuer"));
}

// --- Signatures and keys --------------------------------------------------------------------

TEST_F(JwtTest, ForgedSignaturesAreRefused) {
  const std::string token = IssueSession().token;
  const std::vector<std::string_view> parts = Split(token);
  // One character of the signature changed.
  std::string flipped = token;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(Refused(flipped, "signature"));
  // The payload of another token under this token's signature.
  const std::string other = Issue({.subject = "admin", .audience = std::string(kAudience)}).token;
  const std::string spliced =
      std::string(parts[0]) + "." + std::string(Split(other)[1]) + "." + std::string(parts[2]);
  EXPECT_TRUE(Refused(spliced, "signature"));
  // A payload edited by hand, original signature.
  const std::string edited_payload = B64(Payload(kNow, kNow + 60));
  EXPECT_TRUE(Refused(std::string(parts[0]) + "." + edited_payload + "." + std::string(parts[2]),
                      "signature"));
  // Signature of the wrong length or empty-ish.
  EXPECT_TRUE(Refused(std::string(parts[0]) + "." + std::string(parts[1]) + "." + B64("short"),
                      "signature"));
  EXPECT_TRUE(Refused(
      std::string(parts[0]) + "." + std::string(parts[1]) + "." + B64(std::string(64, '\0')),
      "signature"));
}

TEST_F(JwtTest, AnotherKeyWithTheSameKidIsRefused) {
  const crypto::EcSigningKey impostor = NewKey();
  auto forged = SignToken(IssueSession().claims, "k1", impostor);
  ASSERT_TRUE(forged.ok());
  EXPECT_TRUE(Refused(*forged, "signature does not verify"));
}

TEST_F(JwtTest, UnknownKidIsRefused) {
  const crypto::EcSigningKey other = NewKey();
  auto token = SignToken(IssueSession().claims, "k9", other);
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(Refused(*token, "unknown kid"));
  // Even when signed by a key the verifier knows under another kid.
  EXPECT_TRUE(Refused(SignToken(IssueSession().claims, "k2", key_).value(), "unknown kid"));
}

TEST_F(JwtTest, AlgNoneIsRefused) {
  const std::string payload = B64(Payload(kNow, kNow + 60));
  for (const std::string_view header :
       {R"({"alg":"none","typ":"JWT"})", R"({"alg":"none","typ":"JWT","kid":"k1"})",
        R"({"alg":"None","kid":"k1"})", R"({"alg":"NONE","kid":"k1"})"}) {
    EXPECT_TRUE(Refused(B64(header) + "." + payload + ".", "three")) << header;
    EXPECT_TRUE(Refused(B64(header) + "." + payload)) << header;
    // With a valid ES256 signature over the input, still refused: alg is pinned.
    EXPECT_TRUE(Refused(SignRaw(header, Payload(kNow, kNow + 60), key_))) << header;
  }
  EXPECT_TRUE(
      Refused(SignRaw(R"({"alg":"none","kid":"k1"})", Payload(kNow, kNow + 60), key_), "alg none"));
}

TEST_F(JwtTest, Hs256KeyConfusionIsRefused) {
  const crypto::EcVerifyingKey& pub = key_.verifying_key();
  const std::string header = B64(R"({"alg":"HS256","typ":"JWT","kid":"k1"})");
  const std::string input = header + "." + B64(Payload(kNow, kNow + 60));
  // HMAC keyed with every public form of the verification key an attacker could guess.
  for (const std::string& secret :
       {pub.ToPem(), pub.Jwk().x, pub.Thumbprint(),
        Base64UrlDecode(pub.Jwk().x).value() + Base64UrlDecode(pub.Jwk().y).value()}) {
    const std::string token = input + "." + B64(crypto::HmacSha256(secret, input));
    EXPECT_TRUE(Refused(token, "not ES256"));
  }
}

TEST_F(JwtTest, OnlyEs256IsAccepted) {
  const std::string payload = Payload(kNow, kNow + 60);
  for (const std::string_view header :
       {R"({"alg":"es256","kid":"k1"})", R"({"alg":"ES384","kid":"k1"})",
        R"({"alg":"RS256","kid":"k1"})", R"({"alg":"EdDSA","kid":"k1"})",
        R"({"alg":"PS256","kid":"k1"})", R"({"alg":"ES256K","kid":"k1"})",
        R"({"alg":"","kid":"k1"})", R"({"alg":256,"kid":"k1"})", R"({"kid":"k1"})"}) {
    EXPECT_TRUE(Refused(SignRaw(header, payload, key_))) << header;
  }
  EXPECT_TRUE(verifier_->Verify(SignRaw(R"({"alg":"ES256","kid":"k1"})", payload, key_)).ok())
      << "typ is optional";
  EXPECT_TRUE(
      verifier_->Verify(SignRaw(R"({ "kid" : "k1", "alg" : "ES256" })", payload, key_)).ok())
      << "member order and whitespace do not matter";
}

TEST_F(JwtTest, UnexpectedHeaderParametersAreRefused) {
  const std::string payload = Payload(kNow, kNow + 60);
  const std::string jwk = R"("jwk":"x")";
  for (const std::string& header : {
           std::string(R"({"alg":"ES256","kid":"k1","crit":"exp"})"),
           std::string(R"({"alg":"ES256","kid":"k1","jku":"https://evil/jwks"})"),
           std::string(R"({"alg":"ES256","kid":"k1","x5u":"https://evil/cert"})"),
           std::string(R"({"alg":"ES256","kid":"k1","b64":0})"),
           std::string(R"({"alg":"ES256","kid":"k1","typ":"at+jwt"})"),
           std::string(R"({"alg":"ES256","kid":"k1","typ":1})"),
           std::string(R"({"alg":"ES256","kid":"k1","alg":"none"})"),  // duplicate
           std::string(R"({"alg":"none","kid":"k1","alg":"ES256"})"),  // duplicate
           std::string(R"({"alg":"ES256","kid":"k1","kid":"k2"})"),    // duplicate
           std::string(R"({"alg":"ES256","kid":""})"),
           std::string(R"({"alg":"ES256","kid":"k/1"})"),
           std::string(R"({"alg":"ES256","kid":1})"),
           std::string(R"({"alg":"ES256","kid":"k1",)") + jwk + "}",
           std::string(R"({"alg":"ES256","kid":"k1","nested":{}})"),
           std::string(R"(["ES256"])"),
       }) {
    EXPECT_TRUE(Refused(SignRaw(header, payload, key_))) << header;
  }
}

TEST_F(JwtTest, MalformedClaimsAreRefusedEvenWhenSigned) {
  const std::string now = std::to_string(kNow);
  const std::string exp = std::to_string(kNow + 60);
  const std::string base = R"("iss":"https://apk.example.com","aud":"apk.example.com","iat":)" +
                           now + R"(,"exp":)" + exp + R"(,"jti":"j","knd":"session")";
  for (const std::string& payload : {
           "{" + base + "}",                                       // no sub
           "{" + base + R"(,"sub":"s","sub":"admin"})",            // duplicate sub
           "{" + base + R"(,"sub":""})",                           // empty sub
           "{" + base + R"(,"sub":1})",                            // sub not a string
           "{" + base + R"(,"sub":"s","admin":"yes"})",            // unknown claim
           "{" + base + R"(,"sub":"s","cap":"fffff0"})",           // unknown capability bits
           "{" + base + R"(,"sub":"s","cap":"FF"})",               // non-canonical cap
           "{" + base + R"(,"sub":"s","cap":3})",                  // cap not a string
           "{" + base + R"(,"sub":"s","nbf":"0"})",                // nbf not a number
           "{" + base + R"(,"sub":"s","aud":"apk.example.com"})",  // duplicate aud
           R"({"iss":"https://apk.example.com","sub":"s","aud":"apk.example.com","iat":)" + now +
               R"(,"exp":)" + exp + R"(.5,"jti":"j","knd":"session"})",  // fractional exp
           R"({"iss":"https://apk.example.com","sub":"s","aud":"apk.example.com","iat":-1,)"
           R"("exp":)" +
               exp + R"(,"jti":"j","knd":"session"})",  // negative iat
           R"({"iss":"https://apk.example.com","sub":"s","aud":"apk.example.com","iat":)" + now +
               R"(,"exp":99999999999999,"jti":"j","knd":"session"})",  // exp past year 9999
           R"({"iss":"https://apk.example.com","sub":"s","aud":"apk.example.com","iat":)" + now +
               R"(,"exp":)" + exp + R"(,"jti":"j","knd":"admin"})",  // unknown kind
           R"({"iss":"https://apk.example.com","sub":"s","aud":["apk.example.com"],"iat":)" + now +
               R"(,"exp":)" + exp + R"(,"jti":"j","knd":"session"})",  // aud array
           std::string("not json"),
       }) {
    EXPECT_TRUE(Refused(SignRaw(kGoodHeader, payload, key_))) << payload;
  }
  EXPECT_TRUE(verifier_->Verify(SignRaw(kGoodHeader, "{" + base + R"(,"sub":"s"})", key_)).ok());
}

// --- Malformed input ------------------------------------------------------------------------

TEST_F(JwtTest, TruncatedTokensAreRefused) {
  const std::string token = IssueSession().token;
  for (size_t length = 0; length < token.size(); length += 7) {
    EXPECT_TRUE(Refused(token.substr(0, length))) << length;
  }
  EXPECT_TRUE(Refused(token.substr(0, token.size() - 1)));
  EXPECT_TRUE(Refused(token.substr(0, token.rfind('.'))));
  EXPECT_TRUE(Refused(token.substr(0, token.rfind('.') + 1)));
  EXPECT_TRUE(Refused(token.substr(1)));
}

TEST_F(JwtTest, GarbageIsRefused) {
  const std::string token = IssueSession().token;
  const std::vector<std::string_view> parts = Split(token);
  const std::string bad[] = {
      "",
      "abc",
      "a.b",
      "a.b.c",
      "..",
      "...",
      "a..c",
      ".b.c",
      "a.b.",
      token + ".",
      token + "." + std::string(parts[2]),
      token + " ",
      " " + token,
      "Bearer " + token,
      token + "=",
      std::string(parts[0]) + "=." + std::string(parts[1]) + "." + std::string(parts[2]),
      std::string(parts[0]) + "." + std::string(parts[1]) + "+/." + std::string(parts[2]),
      B64("garbage") + "." + std::string(parts[1]) + "." + std::string(parts[2]),
      B64("{}") + "." + std::string(parts[1]) + "." + std::string(parts[2]),
      "\xff\xfe.\x01.\x02",
      std::string(token.size(), 'A'),
      token + std::string(kMaxAcceptedTokenSize, 'A'),
  };
  for (const std::string& text : bad) {
    EXPECT_TRUE(Refused(text)) << text.substr(0, 60);
  }
  EXPECT_TRUE(Refused(token + std::string(kMaxAcceptedTokenSize, 'A'), "bytes"));
  EXPECT_TRUE(Refused(std::string(parts[0]) + "." + "A" + std::string(parts[1]) + "." +
                      std::string(parts[2])));
}

// --- Rotation -------------------------------------------------------------------------------

TEST_F(JwtTest, KeyRotation) {
  const IssuedToken old_token = IssueSession();
  const crypto::EcSigningKey next = NewKey();
  ASSERT_TRUE(issuer_->Rotate("k2", next).ok());
  EXPECT_EQ(issuer_->current_kid(), "k2");
  const std::vector<TokenKey> keys = issuer_->VerificationKeys();
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].kid, "k2");
  EXPECT_EQ(keys[0].key, next.verifying_key());
  EXPECT_EQ(keys[1].kid, "k1");
  EXPECT_EQ(keys[1].key, key_.verifying_key());

  const IssuedToken new_token = IssueSession();
  EXPECT_TRUE(Refused(new_token.token, "unknown kid")) << "verifier not told yet";
  ASSERT_TRUE(verifier_->SetKeys(issuer_->VerificationKeys()).ok());
  EXPECT_TRUE(verifier_->Verify(old_token.token).ok()) << "old kid still verifies";
  EXPECT_TRUE(verifier_->Verify(new_token.token).ok());
  EXPECT_EQ(
      Base64UrlDecode(Split(new_token.token)[0]).value().find(R"("kid":"k2")") != std::string::npos,
      true);

  EXPECT_EQ(issuer_->Rotate("k1", NewKey()).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(issuer_->Rotate("k2", NewKey()).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(issuer_->RetireKey("k2").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(issuer_->RetireKey("k7").error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(issuer_->RetireKey("k1").ok());
  ASSERT_TRUE(verifier_->SetKeys(issuer_->VerificationKeys()).ok());
  EXPECT_TRUE(Refused(old_token.token, "unknown kid")) << "refused once removed";
  EXPECT_TRUE(verifier_->Verify(new_token.token).ok());
}

TEST_F(JwtTest, RotatedOutKeysVerifyOnlyOldTokensAndOnlyWithinTheirWindow) {
  constexpr int64_t kWindow = kMaxSessionTokenLifetime + kDefaultLeewaySeconds;
  const IssuedToken before = IssueSession();  // iat = kNow, exp = kNow + 1 h
  clock_.Advance(600);
  ASSERT_TRUE(issuer_->Rotate("k2", NewKey(), kWindow).ok());
  const std::vector<TokenKey> keys = issuer_->VerificationKeys();
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].retired_at, 0);
  EXPECT_EQ(keys[0].verify_until, 0);
  EXPECT_EQ(keys[1].kid, "k1");
  EXPECT_EQ(keys[1].retired_at, kNow + 600);
  EXPECT_EQ(keys[1].verify_until, kNow + 600 + kWindow);
  ASSERT_TRUE(verifier_->SetKeys(keys).ok());
  EXPECT_TRUE(verifier_->Verify(before.token).ok()) << "issued before the rotation";

  // Someone who kept the old private key cannot mint new tokens with it: they were issued
  // after the key stopped signing.
  clock_.Set(kNow + 700);
  const std::string after = SignRaw(kGoodHeader, Payload(kNow + 650, kNow + 1200), key_);
  EXPECT_TRUE(Refused(after, "already been rotated out"));
  const std::string backdated = SignRaw(kGoodHeader, Payload(kNow + 500, kNow + 3000), key_);
  EXPECT_TRUE(verifier_->Verify(backdated).ok()) << "(iat is the only evidence there is)";

  // Past the window the old key verifies nothing and is no longer published.
  clock_.Set(kNow + 600 + kWindow - 1);
  EXPECT_EQ(issuer_->VerificationKeys().size(), 2U);
  clock_.Set(kNow + 600 + kWindow);
  EXPECT_EQ(issuer_->VerificationKeys().size(), 1U);
  const std::string fresh_exp =
      SignRaw(kGoodHeader, Payload(kNow + 500, kNow + 600 + kWindow + 60), key_);
  EXPECT_TRUE(Refused(fresh_exp, "rotated out too long ago")) << "even if not expired itself";
  ASSERT_TRUE(verifier_->SetKeys(issuer_->VerificationKeys()).ok());
  EXPECT_TRUE(Refused(fresh_exp, "unknown kid"));
  EXPECT_EQ(verifier_->kids(), std::vector<std::string>{"k2"});
}

TEST_F(JwtTest, IssuerRestoresPreviousKeysDroppingExpiredOnes) {
  const crypto::EcSigningKey current = NewKey();
  std::vector<TokenKey> previous = {
      {.kid = "k1", .key = key_.verifying_key(), .retired_at = kNow - 10, .verify_until = kNow + 5},
      {.kid = "k0", .key = NewKey().verifying_key(), .retired_at = kNow - 99, .verify_until = kNow},
  };
  auto issuer = TokenIssuer::Create(std::string(kIssuer), "k2", current, clock_, previous);
  ASSERT_TRUE(issuer.ok()) << issuer.error().message();
  const auto keys = (*issuer)->VerificationKeys();
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].kid, "k2");
  EXPECT_EQ(keys[1].kid, "k1");
  EXPECT_EQ(keys[1].verify_until, kNow + 5);
  previous.push_back({.kid = "k2", .key = current.verifying_key()});
  EXPECT_FALSE(TokenIssuer::Create(std::string(kIssuer), "k2", current, clock_, previous).ok())
      << "a kid twice";
  EXPECT_FALSE(issuer_->Rotate("k9", NewKey(), -1).ok());
}

TEST_F(JwtTest, VerifierKeyManagement) {
  const IssuedToken token = IssueSession();
  EXPECT_EQ(verifier_->kids(), std::vector<std::string>{"k1"});
  EXPECT_TRUE(verifier_->AddKey("k1", key_.verifying_key()).ok()) << "same pair is a no-op";
  EXPECT_EQ(verifier_->AddKey("k1", NewKey().verifying_key()).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_FALSE(verifier_->AddKey("bad kid", key_.verifying_key()).ok());
  EXPECT_TRUE(verifier_->RemoveKey("k1"));
  EXPECT_FALSE(verifier_->RemoveKey("k1"));
  EXPECT_TRUE(Refused(token.token, "unknown kid"));
  ASSERT_TRUE(verifier_->AddKey("k1", key_.verifying_key()).ok());
  EXPECT_TRUE(verifier_->Verify(token.token).ok());
  const crypto::EcVerifyingKey pub = key_.verifying_key();
  EXPECT_FALSE(verifier_->SetKeys({{"a", pub}, {"a", pub}}).ok());
}

TEST_F(JwtTest, DefaultKeyIdIsAThumbprintPrefix) {
  const std::string kid = TokenKeyIdFor(key_.verifying_key());
  EXPECT_EQ(kid.size(), 16U);
  EXPECT_TRUE(IsValidKeyId(kid));
  EXPECT_EQ(key_.verifying_key().Thumbprint().rfind(kid, 0), 0U);
  EXPECT_NE(kid, TokenKeyIdFor(NewKey().verifying_key()));
  EXPECT_FALSE(IsValidKeyId(""));
  EXPECT_FALSE(IsValidKeyId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidKeyId("a\"b"));
}

TEST_F(JwtTest, ConcurrentIssueVerifyAndRotate) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto issued = issuer_->Issue({.subject = "s", .audience = std::string(kAudience)});
        if (!issued.ok()) {
          failures.fetch_add(1);
          continue;
        }
        static_cast<void>(verifier_->Verify(issued->token));
      }
    });
  }
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(issuer_->Rotate("r" + std::to_string(i), NewKey()).ok());
    ASSERT_TRUE(verifier_->SetKeys(issuer_->VerificationKeys()).ok());
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(verifier_->Verify(IssueSession().token).ok());
}

// --- Options --------------------------------------------------------------------------------

TEST(TokenVerifierOptionsTest, AreValidated) {
  const FakeClock clock(kNow);
  const std::string issuer(kIssuer);
  const std::string audience(kAudience);
  EXPECT_FALSE(TokenVerifier::Create({.issuer = "", .audience = audience}, clock).ok());
  EXPECT_FALSE(TokenVerifier::Create({.issuer = issuer, .audience = ""}, clock).ok());
  EXPECT_FALSE(
      TokenVerifier::Create({.issuer = issuer, .audience = audience, .leeway_seconds = 61}, clock)
          .ok());
  EXPECT_FALSE(
      TokenVerifier::Create({.issuer = issuer, .audience = audience, .leeway_seconds = -1}, clock)
          .ok());
  EXPECT_TRUE(
      TokenVerifier::Create({.issuer = issuer, .audience = audience, .leeway_seconds = 60}, clock)
          .ok());
  auto key = crypto::EcSigningKey::Generate();
  ASSERT_TRUE(key.ok());
  EXPECT_FALSE(TokenIssuer::Create("", "k1", *key, clock).ok());
  EXPECT_FALSE(TokenIssuer::Create(issuer, "", *key, clock).ok());
  EXPECT_FALSE(TokenIssuer::Create(issuer, "k\"1", *key, clock).ok());
}

TEST(TokenKindTest, NamesRoundTrip) {
  for (const TokenKind kind : {TokenKind::kSession, TokenKind::kPull, TokenKind::kExchanged}) {
    EXPECT_EQ(ParseTokenKind(TokenKindName(kind)).value(), kind);
  }
  EXPECT_FALSE(ParseTokenKind("Session").ok());
  EXPECT_EQ(MaxTokenLifetime(TokenKind::kSession), 3600);
  EXPECT_EQ(MaxTokenLifetime(TokenKind::kExchanged), 3600);
  EXPECT_EQ(MaxTokenLifetime(TokenKind::kPull), 365 * 86400);
}

TEST(ClockTest, SystemAndFake) {
  const SystemClock system;
  EXPECT_GT(system.Now(), kNow);  // after June 2025
  FakeClock fake(10);
  EXPECT_EQ(fake.Now(), 10);
  fake.Advance(5);
  EXPECT_EQ(fake.Now(), 15);
  fake.Set(3);
  EXPECT_EQ(fake.Now(), 3);
}

}  // namespace
}  // namespace apkd::auth
