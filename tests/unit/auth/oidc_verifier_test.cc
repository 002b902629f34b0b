#include "auth/oidc_verifier.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/ec_key.h"
#include "crypto/hmac.h"
#include "crypto/rsa_key.h"
#include "util/encoding.h"

namespace apkd::auth {
namespace {

constexpr int64_t kNow = 1'750'000'000;
constexpr std::string_view kIssuer = "https://token.actions.example.com";
constexpr std::string_view kAudience = "apk.example.com";
constexpr std::string_view kSubject = "repo:acme/app:ref:refs/heads/main";

std::string B64(std::string_view text) { return Base64UrlEncode(text); }

std::string RsaJwk(const crypto::PublicKey& key, std::string_view kid) {
  return R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")" + std::string(kid) + R"(","n":")" +
         B64(key.ModulusBytes()) + R"(","e":")" + B64(key.ExponentBytes()) + R"("})";
}

std::string EcJwk(const crypto::EcVerifyingKey& key, std::string_view kid) {
  const crypto::EcPublicJwk jwk = key.Jwk();
  return R"({"kty":"EC","crv":"P-256","kid":")" + std::string(kid) + R"(","x":")" + jwk.x +
         R"(","y":")" + jwk.y + R"("})";
}

// The claims of a good token; tests override members by editing the JSON pieces.
struct Claims {
  std::string iss = std::string(kIssuer);
  std::string sub = std::string(kSubject);
  std::string aud = "\"" + std::string(kAudience) + "\"";  // raw JSON: a string or an array
  int64_t iat = kNow - 10;
  int64_t exp = kNow + 300;
  std::optional<int64_t> nbf = kNow - 10;
  std::string extra = R"(,"repository":"acme/app","ref":"refs/heads/main","run_attempt":"1")";

  std::string Json() const {
    std::string json = R"({"iss":")" + iss + R"(","sub":")" + sub + R"(","aud":)" + aud +
                       R"(,"iat":)" + std::to_string(iat) + R"(,"exp":)" + std::to_string(exp);
    if (nbf) {
      json += R"(,"nbf":)" + std::to_string(*nbf);
    }
    return json + extra + "}";
  }
};

// Keys made once for the suite: RSA generation is slow under the sanitizers.
class OidcVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new crypto::PrivateKey(crypto::PrivateKey::Generate(2048).value());
    other_rsa_ = new crypto::PrivateKey(crypto::PrivateKey::Generate(2048).value());
    ec_ = new crypto::EcSigningKey(crypto::EcSigningKey::Generate().value());
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete other_rsa_;
    delete ec_;
  }

  // The issuer's JWKS: one RSA key "r1" and one EC key "e1", plus an encryption key and a key on
  // another curve that must be skipped.
  static std::vector<OidcKey> IssuerKeys() {
    const std::string jwks = R"({"keys":[)" + RsaJwk(rsa_->GetPublicKey(), "r1") + "," +
                             EcJwk(ec_->verifying_key(), "e1") + "," +
                             R"({"kty":"RSA","use":"enc","kid":"enc1","n":"AQAB","e":"AQAB"},)" +
                             R"({"kty":"EC","crv":"P-384","kid":"p384","x":"AA","y":"AA"},)" +
                             R"({"kty":"oct","kid":"hmac","k":"c2VjcmV0"}]})";
    auto keys = ParseJwks(jwks);
    EXPECT_TRUE(keys.ok()) << keys.error().message();
    return keys.ok() ? std::move(keys).value() : std::vector<OidcKey>();
  }

  static OidcPolicySpec Spec() {
    return OidcPolicySpec{.issuer = std::string(kIssuer),
                          .subject = "",
                          .subject_pattern = "repo:acme/[a-z]+:ref:refs/heads/main",
                          .audience = std::string(kAudience),
                          .audience_pattern = "",
                          .claim_patterns = {{"repository", "acme/.*"}}};
  }
  static OidcPolicy Policy(OidcPolicySpec spec = Spec()) {
    auto policy = OidcPolicy::Compile(std::move(spec));
    EXPECT_TRUE(policy.ok()) << policy.error().message();
    return std::move(policy).value();
  }

  static std::string Rs256(const Claims& claims, std::string_view kid = "r1",
                           const crypto::PrivateKey* key = nullptr) {
    const std::string input =
        B64(R"({"alg":"RS256","typ":"JWT","kid":")" + std::string(kid) + R"("})") + "." +
        B64(claims.Json());
    const crypto::PrivateKey& signer = key != nullptr ? *key : *rsa_;
    return input + "." + B64(signer.Sign(crypto::DigestAlgorithm::kSha256, input).value());
  }
  static std::string Es256(const Claims& claims, std::string_view kid = "e1") {
    const std::string input =
        B64(R"({"alg":"ES256","kid":")" + std::string(kid) + R"("})") + "." + B64(claims.Json());
    return input + "." + B64(ec_->Sign(input).value());
  }

  static crypto::PrivateKey* rsa_;
  static crypto::PrivateKey* other_rsa_;
  static crypto::EcSigningKey* ec_;
};
crypto::PrivateKey* OidcVerifierTest::rsa_ = nullptr;
crypto::PrivateKey* OidcVerifierTest::other_rsa_ = nullptr;
crypto::EcSigningKey* OidcVerifierTest::ec_ = nullptr;

struct Case {
  std::string name;
  std::string token;
  std::string reason;  // "" = accepted; else a part of the rejection message
};

TEST_F(OidcVerifierTest, VerificationTable) {
  const std::vector<OidcKey> keys = IssuerKeys();
  ASSERT_EQ(keys.size(), 2U) << "the enc, P-384 and oct keys are skipped";
  const OidcPolicy policy = Policy();
  const Claims good;

  auto with = [&](auto edit) {
    Claims claims = good;
    edit(claims);
    return claims;
  };
  const std::string header_none = B64(R"({"alg":"none","typ":"JWT"})");
  const std::string rsa_pem = rsa_->GetPublicKey().ToPem();
  const std::string hs256_input =
      B64(R"({"alg":"HS256","typ":"JWT","kid":"r1"})") + "." + B64(good.Json());
  // ES256 in the header but the kid of the RSA key: the key pins RS256, so nothing verifies.
  const std::string es_header_rsa_kid =
      B64(R"({"alg":"ES256","kid":"r1"})") + "." + B64(good.Json());

  const std::string signed_good = Rs256(good);
  const size_t first_dot = signed_good.find('.');
  const size_t second_dot = signed_good.rfind('.');
  const std::string tampered =
      signed_good.substr(0, first_dot + 1) +
      B64(with([](Claims& c) { c.sub = "repo:acme/other:ref:refs/heads/main"; }).Json()) +
      signed_good.substr(second_dot);

  const std::vector<Case> cases = {
      {"good RS256", Rs256(good), ""},
      {"good ES256", Es256(good), ""},
      {"alg none", header_none + "." + B64(good.Json()) + ".", "alg none"},
      {"alg none with a signature", header_none + "." + B64(good.Json()) + "." + B64("x"),
       "alg none"},
      {"HS256 keyed with the RSA public key (key confusion)",
       hs256_input + "." + B64(crypto::HmacSha256(rsa_pem, hs256_input)), "RS256 and ES256 only"},
      {"ES256 header with the RSA key's kid",
       es_header_rsa_kid + "." + B64(ec_->Sign(es_header_rsa_kid).value()), "kid"},
      {"unknown kid", Rs256(good, "r2"), "kid"},
      {"signed by another key under a known kid", Rs256(good, "r1", other_rsa_),
       "signature does not verify"},
      {"wrong iss", Rs256(with([](Claims& c) { c.iss = "https://evil.example.com"; })), "issuer"},
      {"iss with a trailing slash",
       Rs256(with([](Claims& c) { c.iss = std::string(kIssuer) + "/"; })), "issuer"},
      {"wrong aud", Rs256(with([](Claims& c) { c.aud = R"("apk.other.example")"; })), "audience"},
      {"aud array containing ours",
       Rs256(with([](Claims& c) { c.aud = R"(["sts.example","apk.example.com"])"; })), ""},
      {"aud array without ours",
       Rs256(with([](Claims& c) { c.aud = R"(["sts.example","apk.example"])"; })), "audience"},
      {"no aud", Rs256(with([](Claims& c) { c.aud = "[]"; })), "audience"},
      {"expired", Rs256(with([](Claims& c) { c.exp = kNow - 31; })), "expired"},
      {"expired within the leeway", Rs256(with([](Claims& c) { c.exp = kNow - 10; })), ""},
      {"nbf in the future", Rs256(with([](Claims& c) { c.nbf = kNow + 120; })), "nbf"},
      {"iat in the future", Rs256(with([](Claims& c) { c.iat = kNow + 120; })), "iat"},
      {"subject pattern miss",
       Rs256(with([](Claims& c) { c.sub = "repo:evil/app:ref:refs/heads/main"; })), "subject"},
      {"subject pattern is a full match, not a search",
       Rs256(with([](Claims& c) { c.sub = "xrepo:acme/app:ref:refs/heads/main"; })), "subject"},
      {"claim pattern miss",
       Rs256(with([](Claims& c) { c.extra = R"(,"repository":"evil/app")"; })), "repository"},
      {"claim pattern on a claim that is not a string",
       Rs256(with([](Claims& c) { c.extra = R"(,"repository":["acme/app"])"; })), "repository"},
      {"claim missing", Rs256(with([](Claims& c) { c.extra = ""; })), "repository"},
      {"duplicate claim", Rs256(with([](Claims& c) { c.extra += R"(,"sub":"repo:acme/app")"; })),
       "JSON"},
      {"tampered payload", tampered, "signature does not verify"},
      {"not a JWS", "abc.def", "compact JWS"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto verified = VerifyOidcToken(c.token, keys, policy, kNow);
    if (c.reason.empty()) {
      EXPECT_TRUE(verified.ok()) << verified.error().message();
      if (!verified.ok()) {
        continue;
      }
      EXPECT_EQ(verified->subject, good.sub);
      EXPECT_EQ(verified->audience, kAudience);
      EXPECT_EQ(verified->issuer, kIssuer);
      continue;
    }
    EXPECT_FALSE(verified.ok()) << "accepted";
    if (verified.ok()) {
      continue;
    }
    EXPECT_EQ(verified.error().code(), ErrorCode::kUnauthenticated);
    EXPECT_NE(verified.error().message().find(c.reason), std::string::npos)
        << verified.error().message();
    // The reason never quotes the token or any part of it.
    for (size_t start = 0; start + 12 <= c.token.size(); start += 12) {
      ASSERT_EQ(verified.error().message().find(c.token.substr(start, 12)), std::string::npos)
          << verified.error().message();
    }
  }
}

TEST_F(OidcVerifierTest, ExactSubjectAndAudiencePattern) {
  OidcPolicySpec spec = Spec();
  spec.subject = std::string(kSubject);
  spec.subject_pattern.clear();
  spec.audience.clear();
  spec.audience_pattern = R"(apk\.example\.(com|org))";
  spec.claim_patterns.clear();
  const OidcPolicy policy = Policy(spec);
  const std::vector<OidcKey> keys = IssuerKeys();
  Claims claims;
  EXPECT_TRUE(VerifyOidcToken(Rs256(claims), keys, policy, kNow).ok());
  claims.aud = R"("apk.example.org")";
  EXPECT_TRUE(VerifyOidcToken(Rs256(claims), keys, policy, kNow).ok());
  claims.aud = R"("apkXexample.com")";
  EXPECT_FALSE(VerifyOidcToken(Rs256(claims), keys, policy, kNow).ok());
  claims = Claims();
  claims.sub = std::string(kSubject) + "x";
  EXPECT_FALSE(VerifyOidcToken(Rs256(claims), keys, policy, kNow).ok());
}

TEST_F(OidcVerifierTest, TokenWithoutKidTriesEveryKeyOfItsAlgorithm) {
  const std::string input = B64(R"({"alg":"RS256"})") + "." + B64(Claims().Json());
  const std::string token =
      input + "." + B64(rsa_->Sign(crypto::DigestAlgorithm::kSha256, input).value());
  auto parsed = ParseOidcToken(token);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->kid, "");
  const std::vector<OidcKey> keys = IssuerKeys();
  EXPECT_EQ(CandidateKeys(*parsed, keys).size(), 1U);
  EXPECT_TRUE(VerifyOidcToken(*parsed, keys, Policy(), kNow).ok());
}

TEST_F(OidcVerifierTest, HeaderAndClaimShapesAreChecked) {
  const std::string payload = B64(Claims().Json());
  for (const std::string header :
       {R"({"alg":"RS256","crit":["exp"]})", R"({"alg":"RS512"})", R"({"alg":"PS256"})",
        R"({"alg":"HS256"})", R"({"typ":"JWT"})", R"({"alg":"RS256","kid":7})",
        R"({"alg":"RS256","alg":"RS256"})", R"(["alg"])"}) {
    SCOPED_TRACE(header);
    auto parsed = ParseOidcToken(B64(header) + "." + payload + "." + B64("sig"));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code(), ErrorCode::kUnauthenticated);
  }
  const std::string header = B64(R"({"alg":"RS256","kid":"r1"})");
  for (const std::string claims :
       {R"({"iss":1})", R"({"sub":["a"]})", R"({"aud":5})", R"({"aud":["a",1]})",
        R"({"exp":"soon"})", R"({"exp":-1})", R"({"iat":1e300})", R"({"exp":1}x)"}) {
    SCOPED_TRACE(claims);
    EXPECT_FALSE(ParseOidcToken(header + "." + B64(claims) + "." + B64("sig")).ok());
  }
  // A fractional NumericDate is floored; unknown header members (x5t, typ) are ignored.
  auto parsed = ParseOidcToken(B64(R"({"alg":"ES256","x5t":"abc","typ":"at+jwt"})") + "." +
                               B64(R"({"exp":1750000000.9,"aud":"a"})") + "." + B64("sig"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->claims.exp, 1750000000);
  EXPECT_EQ(parsed->claims.aud, std::vector<std::string>{"a"});
  EXPECT_FALSE(ParseOidcToken(std::string(kMaxOidcTokenSize + 1, 'a')).ok());
  EXPECT_FALSE(ParseOidcToken("a b.c.d").ok());
}

TEST_F(OidcVerifierTest, JwksParsing) {
  // A 1024-bit RSA signing key is refused outright rather than skipped.
  const std::string weak = R"({"keys":[{"kty":"RSA","kid":"w","n":")" +
                           B64(std::string(127, '\xff') + "\x01") + R"(","e":"AQAB"}]})";
  EXPECT_EQ(ParseJwks(weak).status().error().code(), ErrorCode::kInvalidArgument);
  // Nothing usable: error.
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})").ok());
  EXPECT_FALSE(ParseJwks(R"({"keys":[]})").ok());
  EXPECT_FALSE(ParseJwks(R"({"keys":{}})").ok());
  EXPECT_FALSE(ParseJwks("[]").ok());
  EXPECT_FALSE(ParseJwks("{").ok());
  // An RSA key that says it is for another algorithm is skipped; alg "RS256" or none is kept.
  const std::string rsa = RsaJwk(rsa_->GetPublicKey(), "r1");
  auto kept = ParseJwks(R"({"keys":[)" + rsa + "," +
                        R"({"kty":"RSA","alg":"PS256","kid":"ps","n":"AQAB","e":"AQAB"}]})");
  ASSERT_TRUE(kept.ok()) << kept.error().message();
  ASSERT_EQ(kept->size(), 1U);
  EXPECT_EQ((*kept)[0].kid, "r1");
  EXPECT_EQ((*kept)[0].algorithm, JwsAlgorithm::kRs256);
  // An EC key with alg RS256 is a contradiction: skipped.
  const crypto::EcPublicJwk ec = ec_->verifying_key().Jwk();
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"EC","crv":"P-256","alg":"RS256","x":")" + ec.x +
                         R"(","y":")" + ec.y + R"("}]})")
                   .ok());
  // A point that is not on the curve is refused.
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"EC","crv":"P-256","x":")" + ec.x + R"(","y":")" +
                         ec.x + R"("}]})")
                   .ok());
}

TEST(OidcDiscoveryTest, DocumentAndUrls) {
  auto doc = ParseDiscoveryDocument(
      R"({"issuer":"https://i.example","jwks_uri":"https://i.example/keys","x":[1]})");
  ASSERT_TRUE(doc.ok()) << doc.error().message();
  EXPECT_EQ(doc->issuer, "https://i.example");
  EXPECT_EQ(doc->jwks_uri, "https://i.example/keys");
  EXPECT_FALSE(ParseDiscoveryDocument(R"({"issuer":"https://i.example"})").ok());
  EXPECT_FALSE(ParseDiscoveryDocument(R"({"issuer":"a","jwks_uri":1})").ok());

  for (const char* good :
       {"https://token.actions.githubusercontent.com", "https://gitlab.example.com:8443/x/y",
        "http://127.0.0.1:3456", "http://127.0.0.1:3456/a", "http://localhost:80",
        "http://[::1]:9000/issuer", "https://[2001:db8::1]"}) {
    EXPECT_TRUE(CheckOidcUrl(good).ok()) << good;
  }
  for (const char* bad :
       {"http://issuer.example.com", "http://10.0.0.1", "http://127.0.0.2", "ftp://x", "https://",
        "https://user@host", "https://host?x=1", "https://host#f", "https://ho st",
        "https://host:", "https://host:123456", "https://h\\x", "issuer.example.com",
        "http://localhost.evil.example", "http://127.0.0.1@evil.example"}) {
    EXPECT_FALSE(CheckOidcUrl(bad).ok()) << bad;
  }
  EXPECT_TRUE(IsLoopbackUrl("http://localhost:1/x"));
  EXPECT_FALSE(IsLoopbackUrl("https://example.com"));
}

TEST(OidcPolicyTest, CompileChecksEveryField) {
  const OidcPolicySpec good{.issuer = "https://i.example",
                            .subject = "s",
                            .subject_pattern = "",
                            .audience = "a",
                            .audience_pattern = "",
                            .claim_patterns = {}};
  EXPECT_TRUE(OidcPolicy::Compile(good).ok());
  auto bad = [&](auto edit, std::string_view needle) {
    OidcPolicySpec spec = good;
    edit(spec);
    auto compiled = OidcPolicy::Compile(spec);
    ASSERT_FALSE(compiled.ok()) << needle;
    EXPECT_EQ(compiled.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(compiled.error().message().find(needle), std::string::npos)
        << compiled.error().message();
  };
  bad([](OidcPolicySpec& s) { s.issuer = "http://i.example"; }, "https");
  bad([](OidcPolicySpec& s) { s.subject_pattern = "x"; }, "exactly one of subject");
  bad([](OidcPolicySpec& s) { s.subject.clear(); }, "exactly one of subject");
  bad([](OidcPolicySpec& s) { s.audience.clear(); }, "exactly one of audience");
  bad(
      [](OidcPolicySpec& s) {
        s.subject.clear();
        s.subject_pattern = "repo:(acme";
      },
      "subject_pattern is not a valid");
  bad(
      [](OidcPolicySpec& s) {
        s.audience.clear();
        s.audience_pattern = std::string(kMaxOidcPatternLength + 1, 'a');
      },
      "audience_pattern must be");
  bad([](OidcPolicySpec& s) { s.claim_patterns["ref"] = "[z-a]"; }, "claim ref");
  bad([](OidcPolicySpec& s) { s.claim_patterns["sub"] = ".*"; }, "claim sub");
  bad([](OidcPolicySpec& s) { s.claim_patterns[""] = ".*"; }, "claim names");
  bad([](OidcPolicySpec& s) { s.subject = "a\nb"; }, "control");
}

TEST(OidcPolicyTest, ClaimPatternsRoundTrip) {
  const std::map<std::string, std::string, std::less<>> patterns = {
      {"ref", "refs/heads/(main|release-.*)"}, {"repository", "acme/\"quoted\"\\d+"}};
  const std::string encoded = EncodeClaimPatterns(patterns);
  auto decoded = DecodeClaimPatterns(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(*decoded, patterns);
  EXPECT_EQ(EncodeClaimPatterns({}), "");
  EXPECT_TRUE(DecodeClaimPatterns("")->empty());
  EXPECT_FALSE(DecodeClaimPatterns(R"({"ref":1})").ok());
}

}  // namespace
}  // namespace apkd::auth
