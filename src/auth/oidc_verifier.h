// OpenID Connect ID tokens from an external issuer (a CI system, a Kubernetes cluster), checked
// against keys from that issuer's JWKS and an assumable identity's policy. Pure: no network
// (service/sts_service.h fetches discovery documents and key sets) and no clock of its own.
// Only RS256 and ES256 are accepted, and the key decides which: an RSA key verifies RS256 only, a
// P-256 key ES256 only, and the token's header must name that algorithm. So a token cannot choose
// how it is checked ("alg":"none", or HS256 with the issuer's public key used as the HMAC secret).
// Every verification failure is kUnauthenticated with a reason that never quotes the token.
// Values are immutable after construction; all functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "crypto/ec_key.h"
#include "crypto/rsa_key.h"
#include "util/result.h"

namespace apkd::auth {

enum class JwsAlgorithm { kRs256, kEs256 };
std::string_view JwsAlgorithmName(JwsAlgorithm algorithm);  // "RS256", "ES256"

// External ID tokens and the documents that describe their issuers are bounded before parsing.
inline constexpr size_t kMaxOidcTokenSize = size_t{16} * 1024;
inline constexpr size_t kMaxOidcDocumentSize = size_t{256} * 1024;  // discovery document, JWKS
inline constexpr size_t kMaxJwksKeys = 32;
inline constexpr int64_t kOidcLeewaySeconds = 30;  // clock skew tolerated on exp, nbf and iat

// One key of an issuer's JWK Set that can verify ID tokens.
struct OidcKey {
  std::string kid;  // "" when the JWK has none
  JwsAlgorithm algorithm = JwsAlgorithm::kRs256;
  std::variant<crypto::PublicKey, crypto::EcVerifyingKey> key;
};

// Parses a JWK Set (RFC 7517 §5) and keeps the keys that verify signatures: kty "RSA" (RS256) and
// kty "EC" with crv "P-256" (ES256), whose `use` is absent or "sig" and whose `alg` is absent or
// the one the kty implies. Other keys (encryption keys, other curves, symmetric keys) are skipped,
// so a mixed set still works. kInvalidArgument when the text is not a JWK Set, a key that would be
// kept does not load (e.g. a 1024-bit modulus), or no usable key remains.
Result<std::vector<OidcKey>> ParseJwks(std::string_view json);

// The members of an OpenID Provider configuration (OpenID Connect Discovery 1.0 §3) used here.
struct OidcDiscovery {
  std::string issuer;
  std::string jwks_uri;
};
Result<OidcDiscovery> ParseDiscoveryDocument(std::string_view json);

// Issuer URLs and jwks_uri values: https://host[:port][/path]. Plain http is allowed only when the
// host is a loopback name (127.0.0.1, localhost, [::1]): local test issuers, never the network.
// No user info, query or fragment, at most 512 bytes. kInvalidArgument otherwise.
Status CheckOidcUrl(std::string_view url);
// True for http(s) URLs whose host is 127.0.0.1, localhost or [::1].
bool IsLoopbackUrl(std::string_view url);

inline constexpr size_t kMaxOidcPatternLength = 256;
inline constexpr size_t kMaxOidcClaimPatterns = 16;

// What an assumable identity accepts. Exactly one of subject / subject_pattern, and exactly one
// of audience / audience_pattern. Patterns are ECMAScript regular expressions that must match the
// whole value (std::regex_match). claim_patterns name top-level claims that must be strings
// matching the pattern (e.g. GitHub's "repository" or "ref").
struct OidcPolicySpec {
  std::string issuer;
  std::string subject;
  std::string subject_pattern;
  std::string audience;
  std::string audience_pattern;
  std::map<std::string, std::string, std::less<>> claim_patterns;
};

class OidcPolicy {
 public:
  // Checks the spec and compiles its patterns; kInvalidArgument naming the field at fault (a
  // pattern over kMaxOidcPatternLength bytes or one std::regex refuses, a bad issuer URL, claim
  // patterns on iss/sub/aud/exp/nbf/iat, which have their own fields or are not strings).
  static Result<OidcPolicy> Compile(OidcPolicySpec spec);

  const OidcPolicySpec& spec() const;

  // Each returns whether the value is accepted.
  bool MatchesSubject(std::string_view subject) const;
  bool MatchesAudience(std::string_view audience) const;
  // The first claim pattern that `string_claims` does not satisfy, or nullopt when all do.
  std::optional<std::string> FirstFailedClaim(
      const std::map<std::string, std::string, std::less<>>& string_claims) const;

 private:
  struct Impl;
  explicit OidcPolicy(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// The claims of a token as read, before any of them is trusted.
struct OidcClaims {
  std::string iss;
  std::string sub;
  std::vector<std::string> aud;  // a string "aud" becomes one element
  std::optional<int64_t> exp;
  std::optional<int64_t> nbf;
  std::optional<int64_t> iat;
  // Every top-level claim whose value is a string (iss and sub included); other claims are only
  // usable as far as the fields above go.
  std::map<std::string, std::string, std::less<>> strings;
};

// A compact JWS split and decoded, signature not checked yet.
struct ParsedOidcToken {
  JwsAlgorithm algorithm = JwsAlgorithm::kRs256;
  std::string kid;            // "" when the header has none
  std::string signing_input;  // "<header>.<payload>" as sent
  std::string signature;      // raw bytes
  OidcClaims claims;
};

// Splits and decodes a token. Refuses what no key here could verify: "alg" none, HS256 and every
// algorithm but RS256 and ES256, a "crit" header, more than kMaxOidcTokenSize bytes, malformed
// base64url or JSON, duplicate member names, claims of the wrong type.
Result<ParsedOidcToken> ParseOidcToken(std::string_view token);

// The keys the token may have been signed with: the token's algorithm, and its kid when it has
// one. Empty means "unknown kid": the caller may refresh the key set once and ask again.
std::vector<const OidcKey*> CandidateKeys(const ParsedOidcToken& token,
                                          std::span<const OidcKey> keys);

struct VerifiedOidcToken {
  std::string issuer;
  std::string subject;
  std::string audience;  // the element of "aud" the policy accepted
  int64_t expires_at = 0;
};

// Checks the signature against the candidate keys, then iss (exactly the policy's issuer), aud (a
// string or an array; one element must match), sub, exp > now - leeway, nbf and iat <= now +
// leeway, and the claim patterns.
Result<VerifiedOidcToken> VerifyOidcToken(const ParsedOidcToken& token,
                                          std::span<const OidcKey> keys, const OidcPolicy& policy,
                                          int64_t now);
// ParseOidcToken, then the above.
Result<VerifiedOidcToken> VerifyOidcToken(std::string_view token, std::span<const OidcKey> keys,
                                          const OidcPolicy& policy, int64_t now);

// Claim patterns as stored with an identity: a flat JSON object {"claim":"pattern",...}.
std::string EncodeClaimPatterns(const std::map<std::string, std::string, std::less<>>& patterns);
Result<std::map<std::string, std::string, std::less<>>> DecodeClaimPatterns(std::string_view json);

}  // namespace apkd::auth
