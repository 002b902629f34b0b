#include "auth/oidc_verifier.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "auth/flat_json.h"
#include "auth/strict_json.h"
#include "crypto/digest.h"
#include "util/encoding.h"

namespace apkd::auth {
namespace {

constexpr size_t kMaxClaimNameLength = 128;
constexpr size_t kMaxPolicyValueLength = 512;
constexpr size_t kMaxAudiences = 16;
constexpr size_t kMaxKeyIdLength = 256;
// Longer values are never matched: std::regex backtracks and recurses per character.
constexpr size_t kMaxMatchedLength = 1024;
// 9999-12-31T23:59:59Z, as for apkd's own tokens: keeps time arithmetic far from overflow.
constexpr int64_t kMaxTimestamp = 253402300799;

using StringMap = std::map<std::string, std::string, std::less<>>;

Error Reject(std::string_view reason) {
  return MakeError(ErrorCode::kUnauthenticated, "ID token rejected: " + std::string(reason));
}

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

bool HasControlCharacter(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      return true;
    }
  }
  return false;
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool FullMatch(const std::regex& pattern, std::string_view text) {
  if (text.size() > kMaxMatchedLength) {
    return false;
  }
  try {
    return std::regex_match(text.begin(), text.end(), pattern);
  } catch (const std::regex_error&) {  // error_complexity / error_stack: no match
    return false;
  }
}

Result<std::regex> CompilePattern(std::string_view what, const std::string& pattern) {
  if (pattern.empty() || pattern.size() > kMaxOidcPatternLength || HasControlCharacter(pattern) ||
      !IsValidUtf8(pattern)) {
    return Invalid(std::string(what) + " must be 1 to " + std::to_string(kMaxOidcPatternLength) +
                   " bytes without control characters");
  }
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    return Invalid(std::string(what) + " is not a valid ECMAScript regular expression (" +
                   error.what() + ")");
  }
}

Status CheckLiteral(std::string_view what, const std::string& value) {
  if (value.size() > kMaxPolicyValueLength || HasControlCharacter(value) || !IsValidUtf8(value)) {
    return Invalid(std::string(what) + " must be at most " + std::to_string(kMaxPolicyValueLength) +
                   " bytes without control characters");
  }
  return OkStatus();
}

// Exactly one of `exact` and `pattern`; compiles the pattern when that is the one.
Result<std::optional<std::regex>> ExactOrPattern(std::string_view what, const std::string& exact,
                                                 const std::string& pattern) {
  if (exact.empty() == pattern.empty()) {
    return Invalid("give exactly one of " + std::string(what) + " and " + std::string(what) +
                   "_pattern");
  }
  if (!exact.empty()) {
    APKD_RETURN_IF_ERROR(CheckLiteral(what, exact));
    return std::optional<std::regex>();
  }
  APKD_ASSIGN_OR_RETURN(std::regex compiled,
                        CompilePattern(std::string(what) + "_pattern", pattern));
  return std::optional<std::regex>(std::move(compiled));
}

bool IsReservedClaim(std::string_view name) {
  for (const std::string_view reserved : {"iss", "sub", "aud", "exp", "nbf", "iat"}) {
    if (name == reserved) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view JwsAlgorithmName(JwsAlgorithm algorithm) {
  return algorithm == JwsAlgorithm::kEs256 ? "ES256" : "RS256";
}

// ---------------------------------------------------------------------------------------------
// OidcPolicy

struct OidcPolicy::Impl {
  OidcPolicySpec spec;
  std::optional<std::regex> subject;   // set when spec.subject_pattern is
  std::optional<std::regex> audience;  // set when spec.audience_pattern is
  std::vector<std::pair<std::string, std::regex>> claims;
};

OidcPolicy::OidcPolicy(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<OidcPolicy> OidcPolicy::Compile(OidcPolicySpec spec) {
  auto impl = std::make_shared<Impl>();
  APKD_RETURN_IF_ERROR(CheckOidcUrl(spec.issuer));
  APKD_ASSIGN_OR_RETURN(impl->subject,
                        ExactOrPattern("subject", spec.subject, spec.subject_pattern));
  APKD_ASSIGN_OR_RETURN(impl->audience,
                        ExactOrPattern("audience", spec.audience, spec.audience_pattern));
  if (spec.claim_patterns.size() > kMaxOidcClaimPatterns) {
    return Invalid("at most " + std::to_string(kMaxOidcClaimPatterns) + " claim patterns");
  }
  for (const auto& [claim, pattern] : spec.claim_patterns) {
    if (claim.empty() || claim.size() > kMaxClaimNameLength || HasControlCharacter(claim) ||
        !IsValidUtf8(claim)) {
      return Invalid("claim names are 1 to " + std::to_string(kMaxClaimNameLength) +
                     " bytes without control characters");
    }
    if (IsReservedClaim(claim)) {
      return Invalid("claim " + claim +
                     " cannot have a claim pattern (use issuer, subject, audience)");
    }
    APKD_ASSIGN_OR_RETURN(std::regex compiled, CompilePattern("claim " + claim, pattern));
    impl->claims.emplace_back(claim, std::move(compiled));
  }
  impl->spec = std::move(spec);
  return OidcPolicy(std::move(impl));
}

const OidcPolicySpec& OidcPolicy::spec() const { return impl_->spec; }

bool OidcPolicy::MatchesSubject(std::string_view subject) const {
  if (subject.empty()) {
    return false;
  }
  return impl_->subject ? FullMatch(*impl_->subject, subject) : subject == impl_->spec.subject;
}

bool OidcPolicy::MatchesAudience(std::string_view audience) const {
  if (audience.empty()) {
    return false;
  }
  return impl_->audience ? FullMatch(*impl_->audience, audience) : audience == impl_->spec.audience;
}

std::optional<std::string> OidcPolicy::FirstFailedClaim(const StringMap& string_claims) const {
  for (const auto& [claim, pattern] : impl_->claims) {
    const auto it = string_claims.find(claim);
    if (it == string_claims.end() || !FullMatch(pattern, it->second)) {
      return claim;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

Result<boost::json::object> DecodeObject(std::string_view part, std::string_view what) {
  const std::optional<std::string> json = Base64UrlDecode(part);
  if (!json) {
    return Reject("the " + std::string(what) + " is not valid base64url");
  }
  auto value = internal::ParseStrictJson(*json);
  if (!value.ok() || !value->is_object()) {
    return Reject("the " + std::string(what) + " is not an accepted JSON object");
  }
  return std::move(value->as_object());
}

Result<JwsAlgorithm> ParseHeader(const boost::json::object& header, std::string* kid) {
  const boost::json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) {
    return Reject("the header has no string alg");
  }
  if (alg->get_string() == "none") {
    return Reject("unsigned tokens (alg none) are not accepted");
  }
  JwsAlgorithm algorithm = JwsAlgorithm::kRs256;
  if (alg->get_string() == "ES256") {
    algorithm = JwsAlgorithm::kEs256;
  } else if (alg->get_string() != "RS256") {
    return Reject("the algorithm is not accepted (RS256 and ES256 only)");
  }
  if (header.contains("crit")) {
    return Reject("the header has critical extensions (crit), none of which are supported");
  }
  if (const boost::json::value* k = header.if_contains("kid"); k != nullptr) {
    if (!k->is_string() || k->get_string().empty() || k->get_string().size() > kMaxKeyIdLength) {
      return Reject("the header kid is not a string of 1 to 256 bytes");
    }
    *kid = std::string(k->get_string());
  }
  return algorithm;
}

// A NumericDate (RFC 7519 §2): an integer or a number with a fraction, floored.
Result<std::optional<int64_t>> TimeClaim(const boost::json::object& claims, std::string_view name) {
  const boost::json::value* value = claims.if_contains(name);
  if (value == nullptr) {
    return std::optional<int64_t>();
  }
  double seconds = 0;
  if (value->is_int64()) {
    seconds = static_cast<double>(value->get_int64());
  } else if (value->is_uint64()) {
    seconds = static_cast<double>(value->get_uint64());
  } else if (value->is_double()) {
    seconds = std::floor(value->get_double());
  } else {
    return Reject("claim " + std::string(name) + " is not a number");
  }
  if (!std::isfinite(seconds) || seconds < 0 || seconds > static_cast<double>(kMaxTimestamp)) {
    return Reject("claim " + std::string(name) + " is not a time");
  }
  return std::optional<int64_t>(static_cast<int64_t>(seconds));
}

Result<OidcClaims> ParseClaims(const boost::json::object& object) {
  OidcClaims claims;
  for (const auto& [name, value] : object) {
    if (value.is_string()) {
      claims.strings.emplace(std::string(name), std::string(value.get_string()));
    }
  }
  for (const std::string_view name : {"iss", "sub"}) {
    if (object.contains(name) && !object.at(name).is_string()) {
      return Reject("claim " + std::string(name) + " is not a string");
    }
  }
  claims.iss = claims.strings.contains("iss") ? claims.strings["iss"] : "";
  claims.sub = claims.strings.contains("sub") ? claims.strings["sub"] : "";
  if (const boost::json::value* aud = object.if_contains("aud"); aud != nullptr) {
    if (aud->is_string()) {
      claims.aud.emplace_back(aud->get_string());
    } else if (aud->is_array() && aud->get_array().size() <= kMaxAudiences) {
      for (const boost::json::value& item : aud->get_array()) {
        if (!item.is_string()) {
          return Reject("claim aud holds something other than strings");
        }
        claims.aud.emplace_back(item.get_string());
      }
    } else {
      return Reject("claim aud is neither a string nor an array of at most 16 strings");
    }
  }
  APKD_ASSIGN_OR_RETURN(claims.exp, TimeClaim(object, "exp"));
  APKD_ASSIGN_OR_RETURN(claims.nbf, TimeClaim(object, "nbf"));
  APKD_ASSIGN_OR_RETURN(claims.iat, TimeClaim(object, "iat"));
  return claims;
}

Status CheckSignature(const ParsedOidcToken& token, const OidcKey& key) {
  if (const auto* rsa = std::get_if<crypto::PublicKey>(&key.key)) {
    return rsa->Verify(crypto::DigestAlgorithm::kSha256, token.signing_input, token.signature);
  }
  return std::get<crypto::EcVerifyingKey>(key.key).Verify(token.signing_input, token.signature);
}

Status CheckTimes(const OidcClaims& claims, int64_t now) {
  if (!claims.exp) {
    return Reject("the token has no exp");
  }
  if (*claims.exp <= now - kOidcLeewaySeconds) {
    return Reject("the token expired");
  }
  if (claims.nbf && *claims.nbf > now + kOidcLeewaySeconds) {
    return Reject("the token is not valid yet (nbf is in the future)");
  }
  if (!claims.iat) {
    return Reject("the token has no iat");
  }
  if (*claims.iat > now + kOidcLeewaySeconds) {
    return Reject("the token was issued in the future (iat)");
  }
  return OkStatus();
}

}  // namespace

Result<ParsedOidcToken> ParseOidcToken(std::string_view token) {
  if (token.empty() || token.size() > kMaxOidcTokenSize) {
    return Reject("the token is empty or longer than " + std::to_string(kMaxOidcTokenSize) +
                  " bytes");
  }
  for (const char c : token) {
    if (!IsBase64UrlChar(c) && c != '.') {
      return Reject("the token contains characters outside base64url and '.'");
    }
  }
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos ||
      first == 0 || second == first + 1) {
    return Reject("the token is not a compact JWS (three dot-separated parts)");
  }
  ParsedOidcToken parsed;
  APKD_ASSIGN_OR_RETURN(const boost::json::object header,
                        DecodeObject(token.substr(0, first), "header"));
  APKD_ASSIGN_OR_RETURN(parsed.algorithm, ParseHeader(header, &parsed.kid));
  const std::optional<std::string> signature = Base64UrlDecode(token.substr(second + 1));
  if (!signature || signature->empty()) {
    return Reject("the signature is missing or not valid base64url");
  }
  parsed.signature = *signature;
  APKD_ASSIGN_OR_RETURN(const boost::json::object payload,
                        DecodeObject(token.substr(first + 1, second - first - 1), "payload"));
  APKD_ASSIGN_OR_RETURN(parsed.claims, ParseClaims(payload));
  parsed.signing_input = std::string(token.substr(0, second));
  return parsed;
}

std::vector<const OidcKey*> CandidateKeys(const ParsedOidcToken& token,
                                          std::span<const OidcKey> keys) {
  std::vector<const OidcKey*> candidates;
  for (const OidcKey& key : keys) {
    if (key.algorithm == token.algorithm && (token.kid.empty() || key.kid == token.kid)) {
      candidates.push_back(&key);
    }
  }
  return candidates;
}

Result<VerifiedOidcToken> VerifyOidcToken(const ParsedOidcToken& token,
                                          std::span<const OidcKey> keys, const OidcPolicy& policy,
                                          int64_t now) {
  const std::vector<const OidcKey*> candidates = CandidateKeys(token, keys);
  if (candidates.empty()) {
    return Reject("no " + std::string(JwsAlgorithmName(token.algorithm)) +
                  " key of the issuer has the token's kid");
  }
  bool verified = false;
  for (const OidcKey* key : candidates) {
    verified = verified || CheckSignature(token, *key).ok();
  }
  if (!verified) {
    return Reject("the signature does not verify with the issuer's keys");
  }
  const OidcClaims& claims = token.claims;
  if (claims.iss != policy.spec().issuer) {
    return Reject("the token's issuer is not the identity's issuer");
  }
  std::optional<std::string> audience;
  for (const std::string& candidate : claims.aud) {
    if (!audience && policy.MatchesAudience(candidate)) {
      audience = candidate;
    }
  }
  if (!audience) {
    return Reject("no audience of the token is accepted by the identity");
  }
  if (!policy.MatchesSubject(claims.sub)) {
    return Reject("the token's subject is not accepted by the identity");
  }
  APKD_RETURN_IF_ERROR(CheckTimes(claims, now));
  if (const auto failed = policy.FirstFailedClaim(claims.strings)) {
    return Reject("claim " + *failed + " is missing, not a string or does not match its pattern");
  }
  return VerifiedOidcToken{.issuer = claims.iss,
                           .subject = claims.sub,
                           .audience = *audience,
                           .expires_at = *claims.exp};
}

Result<VerifiedOidcToken> VerifyOidcToken(std::string_view token, std::span<const OidcKey> keys,
                                          const OidcPolicy& policy, int64_t now) {
  APKD_ASSIGN_OR_RETURN(const ParsedOidcToken parsed, ParseOidcToken(token));
  return VerifyOidcToken(parsed, keys, policy, now);
}

// ---------------------------------------------------------------------------------------------
// Claim patterns as stored

std::string EncodeClaimPatterns(const StringMap& patterns) {
  if (patterns.empty()) {
    return "";
  }
  FlatJsonWriter writer;
  for (const auto& [claim, pattern] : patterns) {
    writer.Add(claim, pattern);
  }
  return writer.Finish();
}

Result<StringMap> DecodeClaimPatterns(std::string_view json) {
  if (json.empty()) {
    return StringMap();
  }
  APKD_ASSIGN_OR_RETURN(const FlatJsonObject object, ParseFlatJsonObject(json));
  StringMap patterns;
  for (const auto& [claim, value] : object) {
    const std::string* pattern = std::get_if<std::string>(&value);
    if (pattern == nullptr) {
      return Invalid("a claim pattern is not a string");
    }
    patterns.emplace(claim, *pattern);
  }
  return patterns;
}

}  // namespace apkd::auth
