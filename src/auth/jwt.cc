#include "auth/jwt.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "auth/capability.h"
#include "auth/clock.h"
#include "auth/flat_json.h"
#include "crypto/digest.h"
#include "crypto/ec_key.h"
#include "util/encoding.h"
#include "util/result.h"

namespace apkd::auth {
namespace {

constexpr std::string_view kAlgorithm = "ES256";
constexpr std::string_view kType = "JWT";
constexpr size_t kMaxKeyIdLength = 64;
constexpr size_t kKeyIdThumbprintChars = 16;
constexpr size_t kJtiRandomBytes = 12;  // 16 base64url characters
constexpr size_t kMaxJtiLength = 64;
constexpr size_t kMaxSubjectLength = 256;
constexpr size_t kMaxClaimStringLength = 512;
constexpr size_t kMaxHostLength = 253;
constexpr size_t kMaxPortDigits = 5;
// 9999-12-31T23:59:59Z; later times are refused so that time arithmetic cannot overflow.
constexpr int64_t kMaxTimestamp = 253402300799;

Error Reject(std::string_view reason) {
  return MakeError(ErrorCode::kUnauthenticated, "token rejected: " + std::string(reason));
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// host[:port], host of [A-Za-z0-9.-]: what clients put in the URL, never a scheme or a path.
bool IsValidAudience(std::string_view audience) {
  const size_t colon = audience.find(':');
  const std::string_view host = audience.substr(0, colon);
  if (host.empty() || host.size() > kMaxHostLength) {
    return false;
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) {
      return false;
    }
  }
  if (colon == std::string_view::npos) {
    return true;
  }
  const std::string_view port = audience.substr(colon + 1);
  if (port.empty() || port.size() > kMaxPortDigits) {
    return false;
  }
  for (const char c : port) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

bool HasControlCharacter(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      return true;
    }
  }
  return false;
}

// A claim string we are willing to write: non-empty, bounded, UTF-8 without control characters.
bool IsWritableString(std::string_view text, size_t max_length) {
  return !text.empty() && text.size() <= max_length && IsValidUtf8(text) &&
         !HasControlCharacter(text);
}

bool IsValidTimestamp(int64_t t) { return t >= 0 && t <= kMaxTimestamp; }

struct TokenParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // "header.payload"
};

Result<TokenParts> SplitToken(std::string_view token) {
  if (token.empty()) {
    return Reject("the token is empty");
  }
  if (token.size() > kMaxAcceptedTokenSize) {
    return Reject("the token is " + std::to_string(token.size()) + " bytes, more than the " +
                  std::to_string(kMaxAcceptedTokenSize) + " accepted");
  }
  for (const char c : token) {
    if (!IsBase64UrlChar(c) && c != '.') {
      return Reject("the token contains characters outside base64url and '.'");
    }
  }
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos ||
      first == 0 || second == first + 1 || second + 1 == token.size()) {
    return Reject("the token is not three non-empty dot-separated parts");
  }
  return TokenParts{.header = token.substr(0, first),
                    .payload = token.substr(first + 1, second - first - 1),
                    .signature = token.substr(second + 1),
                    .signing_input = token.substr(0, second)};
}

Result<FlatJsonObject> DecodeJsonPart(std::string_view part, std::string_view what) {
  const std::optional<std::string> json = Base64UrlDecode(part);
  if (!json) {
    return Reject("the " + std::string(what) + " is not valid base64url");
  }
  auto object = ParseFlatJsonObject(*json);
  if (!object.ok()) {
    // The parser's message names only a byte offset and a reason, never the content.
    return Reject("the " + std::string(what) + " is not an accepted JSON object (" +
                  object.error().message() + ")");
  }
  return std::move(object).value();
}

const std::string* StringMember(const FlatJsonObject& object, std::string_view name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : std::get_if<std::string>(&it->second);
}

// Returns the header's kid after checking that the header is exactly what SignToken writes:
// alg "ES256", a kid, and optionally typ "JWT". Anything else (alg none, HS256, crit, jwk, jku,
// x5u, ...) is refused.
Result<std::string> ParseHeader(std::string_view header_b64) {
  APKD_ASSIGN_OR_RETURN(const FlatJsonObject header, DecodeJsonPart(header_b64, "header"));
  for (const auto& [name, value] : header) {
    if (name != "alg" && name != "kid" && name != "typ") {
      return Reject("the header has a parameter other than alg, kid and typ");
    }
  }
  const std::string* alg = StringMember(header, "alg");
  if (alg == nullptr) {
    return Reject("the header has no string alg");
  }
  if (*alg == "none") {
    return Reject("unsigned tokens (alg none) are not accepted");
  }
  if (*alg != kAlgorithm) {
    return Reject("the algorithm is not ES256, the only one accepted");
  }
  if (header.contains("typ")) {
    const std::string* typ = StringMember(header, "typ");
    if (typ == nullptr || *typ != kType) {
      return Reject("the header typ is not JWT");
    }
  }
  const std::string* kid = StringMember(header, "kid");
  if (kid == nullptr || !IsValidKeyId(*kid)) {
    return Reject("the header has no valid kid");
  }
  return *kid;
}

class ClaimReader {
 public:
  explicit ClaimReader(const FlatJsonObject& object) : object_(object) {}

  Result<std::string> String(std::string_view name, size_t max_length) const {
    const auto it = object_.find(name);
    if (it == object_.end()) {
      return Reject("claim " + std::string(name) + " is missing");
    }
    const std::string* value = std::get_if<std::string>(&it->second);
    if (value == nullptr || value->empty() || value->size() > max_length) {
      return Reject("claim " + std::string(name) + " is not a non-empty string of at most " +
                    std::to_string(max_length) + " bytes");
    }
    return *value;
  }

  Result<int64_t> Time(std::string_view name) const {
    const auto it = object_.find(name);
    if (it == object_.end()) {
      return Reject("claim " + std::string(name) + " is missing");
    }
    const int64_t* value = std::get_if<int64_t>(&it->second);
    if (value == nullptr || !IsValidTimestamp(*value)) {
      return Reject("claim " + std::string(name) + " is not a time in whole seconds");
    }
    return *value;
  }

  bool Has(std::string_view name) const { return object_.contains(name); }

 private:
  const FlatJsonObject& object_;
};

Result<TokenClaims> ParseClaims(std::string_view payload_b64) {
  APKD_ASSIGN_OR_RETURN(const FlatJsonObject object, DecodeJsonPart(payload_b64, "payload"));
  for (const auto& [name, value] : object) {
    if (name != "iss" && name != "sub" && name != "aud" && name != "iat" && name != "nbf" &&
        name != "exp" && name != "jti" && name != "knd" && name != "cap") {
      // Fail closed: a claim this build does not understand might have restricted the token.
      return Reject("the payload has a claim this server does not understand");
    }
  }
  const ClaimReader reader(object);
  TokenClaims claims;
  APKD_ASSIGN_OR_RETURN(claims.iss, reader.String("iss", kMaxClaimStringLength));
  APKD_ASSIGN_OR_RETURN(claims.sub, reader.String("sub", kMaxClaimStringLength));
  APKD_ASSIGN_OR_RETURN(claims.aud, reader.String("aud", kMaxClaimStringLength));
  APKD_ASSIGN_OR_RETURN(claims.iat, reader.Time("iat"));
  APKD_ASSIGN_OR_RETURN(claims.exp, reader.Time("exp"));
  if (reader.Has("nbf")) {
    APKD_ASSIGN_OR_RETURN(claims.nbf, reader.Time("nbf"));
  }
  APKD_ASSIGN_OR_RETURN(claims.jti, reader.String("jti", kMaxJtiLength));
  APKD_ASSIGN_OR_RETURN(const std::string kind, reader.String("knd", kMaxClaimStringLength));
  auto parsed_kind = ParseTokenKind(kind);
  if (!parsed_kind.ok()) {
    return Reject("claim knd is not a known token kind");
  }
  claims.kind = *parsed_kind;
  if (reader.Has("cap")) {
    APKD_ASSIGN_OR_RETURN(const std::string cap, reader.String("cap", kMaxClaimStringLength));
    auto capabilities = CapabilitySet::ParseCompact(cap);
    if (!capabilities.ok()) {
      return Reject("claim cap is not a capability set this server knows");
    }
    claims.capabilities = *capabilities;
  }
  return claims;
}

Status CheckKeyId(std::string_view kid) {
  if (!IsValidKeyId(kid)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a token key id is 1 to 64 characters of [A-Za-z0-9._-]");
  }
  return OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Kinds, key ids, signing

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kSession:
      return "session";
    case TokenKind::kPull:
      return "pull";
    case TokenKind::kExchanged:
      return "exchanged";
    case TokenKind::kRefresh:
      return "refresh";
  }
  return "unknown";
}

Result<TokenKind> ParseTokenKind(std::string_view name) {
  for (const TokenKind kind :
       {TokenKind::kSession, TokenKind::kPull, TokenKind::kExchanged, TokenKind::kRefresh}) {
    if (TokenKindName(kind) == name) {
      return kind;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown token kind");
}

int64_t MaxTokenLifetime(TokenKind kind) {
  switch (kind) {
    case TokenKind::kPull:
      return kMaxPullTokenLifetime;
    case TokenKind::kRefresh:
      return kMaxRefreshTokenLifetime;
    case TokenKind::kSession:
    case TokenKind::kExchanged:
      break;
  }
  return kMaxSessionTokenLifetime;
}

bool IsValidKeyId(std::string_view kid) {
  if (kid.empty() || kid.size() > kMaxKeyIdLength) {
    return false;
  }
  for (const char c : kid) {
    if (!IsBase64UrlChar(c) && c != '.') {
      return false;
    }
  }
  return true;
}

std::string TokenKeyIdFor(const crypto::EcVerifyingKey& key) {
  return key.Thumbprint().substr(0, kKeyIdThumbprintChars);
}

Result<std::string> SignToken(const TokenClaims& claims, std::string_view kid,
                              const crypto::EcSigningKey& key) {
  APKD_RETURN_IF_ERROR(CheckKeyId(kid));
  for (const std::string* text : {&claims.iss, &claims.sub, &claims.aud, &claims.jti}) {
    if (!IsWritableString(*text, kMaxClaimStringLength)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "token claims iss, sub, aud and jti must be non-empty UTF-8 without "
                       "control characters, at most 512 bytes");
    }
  }
  const std::string header =
      FlatJsonWriter().Add("alg", kAlgorithm).Add("typ", kType).Add("kid", kid).Finish();
  FlatJsonWriter payload;
  payload.Add("iss", claims.iss).Add("sub", claims.sub).Add("aud", claims.aud);
  payload.Add("iat", claims.iat);
  if (claims.nbf) {
    payload.Add("nbf", *claims.nbf);
  }
  payload.Add("exp", claims.exp).Add("jti", claims.jti).Add("knd", TokenKindName(claims.kind));
  if (claims.capabilities) {
    payload.Add("cap", claims.capabilities->ToCompact());
  }
  std::string token = Base64UrlEncode(header) + "." + Base64UrlEncode(payload.Finish());
  APKD_ASSIGN_OR_RETURN(const std::string signature, key.Sign(token));
  token += ".";
  token += Base64UrlEncode(signature);
  return token;
}

// ---------------------------------------------------------------------------------------------
// TokenIssuer

TokenIssuer::TokenIssuer(std::string issuer, std::string kid, crypto::EcSigningKey key,
                         const Clock& clock)
    : issuer_(std::move(issuer)), clock_(clock), kid_(std::move(kid)), key_(std::move(key)) {}

TokenIssuer::~TokenIssuer() = default;

Result<std::unique_ptr<TokenIssuer>> TokenIssuer::Create(std::string issuer, std::string kid,
                                                         crypto::EcSigningKey key,
                                                         const Clock& clock,
                                                         std::vector<TokenKey> previous) {
  if (!IsWritableString(issuer, kMaxClaimStringLength)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the token issuer must be a non-empty URL of at most 512 bytes");
  }
  APKD_RETURN_IF_ERROR(CheckKeyId(kid));
  const int64_t now = clock.Now();
  std::vector<TokenKey> kept;
  for (TokenKey& old : previous) {
    APKD_RETURN_IF_ERROR(CheckKeyId(old.kid));
    bool duplicate = old.kid == kid;
    for (const TokenKey& other : kept) {
      duplicate = duplicate || other.kid == old.kid;
    }
    if (duplicate) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "token key id \"" + old.kid + "\" appears twice");
    }
    if (old.verify_until == 0 || now < old.verify_until) {
      kept.push_back(std::move(old));
    }
  }
  // Not make_unique: the constructor is private.
  auto created = std::unique_ptr<TokenIssuer>(
      new TokenIssuer(std::move(issuer), std::move(kid), std::move(key), clock));
  created->previous_ = std::move(kept);
  return created;
}

Result<IssuedToken> TokenIssuer::Issue(const TokenRequest& request) const {
  if (!IsWritableString(request.subject, kMaxSubjectLength)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the token subject must be non-empty UTF-8 without control characters, at "
                     "most " +
                         std::to_string(kMaxSubjectLength) + " bytes");
  }
  if (!IsValidAudience(request.audience)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the token audience must be a host name with an optional port, without a "
                     "scheme or path (e.g. apk.example.com)");
  }
  const int64_t max_ttl = MaxTokenLifetime(request.kind);
  if (request.ttl_seconds < 1 || request.ttl_seconds > max_ttl) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a " + std::string(TokenKindName(request.kind)) + " token lives 1 to " +
                         std::to_string(max_ttl) + " seconds, asked for " +
                         std::to_string(request.ttl_seconds));
  }
  const int64_t now = clock_.Now();
  TokenClaims claims{.iss = issuer_,
                     .sub = request.subject,
                     .aud = request.audience,
                     .iat = now,
                     .exp = now + request.ttl_seconds,
                     .jti = Base64UrlEncode(crypto::RandomBytes(kJtiRandomBytes)),
                     .kind = request.kind,
                     .capabilities = request.capabilities};
  std::string kid;
  std::optional<crypto::EcSigningKey> key;
  {
    const std::shared_lock lock(mutex_);
    kid = kid_;
    key = key_;
  }
  APKD_ASSIGN_OR_RETURN(std::string token, SignToken(claims, kid, *key));
  if (token.size() > kMaxIssuedTokenSize) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "the token would be " + std::to_string(token.size()) +
                         " bytes, more than the " + std::to_string(kMaxIssuedTokenSize) +
                         " that apk-tools 2.14 accept; use a shorter subject or audience");
  }
  return IssuedToken{.token = std::move(token), .claims = std::move(claims)};
}

Status TokenIssuer::Rotate(std::string kid, crypto::EcSigningKey key,
                           int64_t verify_window_seconds) {
  APKD_RETURN_IF_ERROR(CheckKeyId(kid));
  if (verify_window_seconds < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "a key's verification window cannot be negative");
  }
  const int64_t now = clock_.Now();
  const std::unique_lock lock(mutex_);
  bool in_use = kid == kid_;
  for (const TokenKey& previous : previous_) {
    in_use = in_use || previous.kid == kid;
  }
  if (in_use) {
    return MakeError(ErrorCode::kAlreadyExists, "token key id \"" + kid + "\" is already in use");
  }
  previous_.insert(
      previous_.begin(),
      TokenKey{.kid = std::move(kid_),
               .key = key_.verifying_key(),
               .retired_at = now,
               .verify_until = verify_window_seconds > 0 ? now + verify_window_seconds : 0});
  kid_ = std::move(kid);
  key_ = std::move(key);
  return OkStatus();
}

Status TokenIssuer::RetireKey(std::string_view kid) {
  const std::unique_lock lock(mutex_);
  if (kid == kid_) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot retire the current token signing key");
  }
  for (auto it = previous_.begin(); it != previous_.end(); ++it) {
    if (it->kid == kid) {
      previous_.erase(it);
      return OkStatus();
    }
  }
  return MakeError(ErrorCode::kNotFound, "no previous token key \"" + std::string(kid) + "\"");
}

std::string TokenIssuer::current_kid() const {
  const std::shared_lock lock(mutex_);
  return kid_;
}

std::vector<TokenKey> TokenIssuer::VerificationKeys() const {
  const int64_t now = clock_.Now();
  const std::shared_lock lock(mutex_);
  std::vector<TokenKey> keys;
  keys.reserve(previous_.size() + 1);
  keys.push_back(TokenKey{.kid = kid_, .key = key_.verifying_key()});
  for (const TokenKey& old : previous_) {
    if (old.verify_until == 0 || now < old.verify_until) {
      keys.push_back(old);
    }
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// TokenVerifier

TokenVerifier::TokenVerifier(TokenVerifierOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

TokenVerifier::~TokenVerifier() = default;

Result<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(TokenVerifierOptions options,
                                                             const Clock& clock) {
  if (options.issuer.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the expected token issuer is empty");
  }
  if (!IsValidAudience(options.audience)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the expected token audience must be a host name with an optional port, "
                     "without a scheme or path");
  }
  if (options.leeway_seconds < 0 || options.leeway_seconds > kMaxLeewaySeconds) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "token clock leeway must be 0 to " + std::to_string(kMaxLeewaySeconds) + " seconds");
  }
  // Not make_unique: the constructor is private.
  return std::unique_ptr<TokenVerifier>(new TokenVerifier(std::move(options), clock));
}

Status TokenVerifier::AddKey(std::string kid, crypto::EcVerifyingKey key) {
  APKD_RETURN_IF_ERROR(CheckKeyId(kid));
  const std::unique_lock lock(mutex_);
  for (const TokenKey& existing : keys_) {
    if (existing.kid == kid) {
      if (existing.key == key) {
        return OkStatus();
      }
      return MakeError(ErrorCode::kAlreadyExists,
                       "token key id \"" + kid + "\" is already used by another key");
    }
  }
  keys_.push_back(TokenKey{.kid = std::move(kid), .key = std::move(key)});
  return OkStatus();
}

bool TokenVerifier::RemoveKey(std::string_view kid) {
  const std::unique_lock lock(mutex_);
  for (auto it = keys_.begin(); it != keys_.end(); ++it) {
    if (it->kid == kid) {
      keys_.erase(it);
      return true;
    }
  }
  return false;
}

Status TokenVerifier::SetKeys(std::vector<TokenKey> keys) {
  for (size_t i = 0; i < keys.size(); ++i) {
    APKD_RETURN_IF_ERROR(CheckKeyId(keys[i].kid));
    for (size_t j = 0; j < i; ++j) {
      if (keys[j].kid == keys[i].kid) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "token key id \"" + keys[i].kid + "\" appears twice");
      }
    }
  }
  const std::unique_lock lock(mutex_);
  keys_ = std::move(keys);
  return OkStatus();
}

std::vector<std::string> TokenVerifier::kids() const {
  const std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const TokenKey& key : keys_) {
    out.push_back(key.kid);
  }
  return out;
}

std::optional<TokenKey> TokenVerifier::FindKey(std::string_view kid) const {
  const std::shared_lock lock(mutex_);
  for (const TokenKey& key : keys_) {
    if (key.kid == kid) {
      return key;
    }
  }
  return std::nullopt;
}

Result<TokenClaims> TokenVerifier::Verify(std::string_view token) const {
  APKD_ASSIGN_OR_RETURN(const TokenParts parts, SplitToken(token));
  APKD_ASSIGN_OR_RETURN(const std::string kid, ParseHeader(parts.header));
  const std::optional<TokenKey> key = FindKey(kid);
  if (!key) {
    return Reject("it was signed with a key this server does not know (unknown kid)");
  }
  if (key->verify_until != 0 && clock_.Now() >= key->verify_until) {
    return Reject("it was signed with a key that was rotated out too long ago");
  }
  const std::optional<std::string> signature = Base64UrlDecode(parts.signature);
  if (!signature) {
    return Reject("the signature is not valid base64url");
  }
  if (!key->key.Verify(parts.signing_input, *signature).ok()) {
    return Reject("the signature does not verify");
  }
  APKD_ASSIGN_OR_RETURN(TokenClaims claims, ParseClaims(parts.payload));
  APKD_RETURN_IF_ERROR(CheckClaims(claims, *key));
  return claims;
}

// The claims are signed by one of our keys here, so quoting iss and aud cannot echo an
// attacker's text; they help users who asked for a token with the wrong --audience.
Status TokenVerifier::CheckClaims(const TokenClaims& claims, const TokenKey& key) const {
  if (claims.iss != options_.issuer) {
    return Reject("the issuer is \"" + claims.iss + "\", expected \"" + options_.issuer + "\"");
  }
  if (claims.aud != options_.audience) {
    return Reject("the audience is \"" + claims.aud + "\", expected \"" + options_.audience + "\"");
  }
  const int64_t now = clock_.Now();
  const int64_t leeway = options_.leeway_seconds;
  if (claims.exp <= now - leeway) {
    return Reject("the token expired " + std::to_string(now - claims.exp) + " seconds ago");
  }
  if (claims.nbf && *claims.nbf > now + leeway) {
    return Reject("the token is not valid yet (nbf is in the future)");
  }
  if (claims.iat > now + leeway) {
    return Reject("the token was issued in the future (iat)");
  }
  if (key.retired_at != 0 && claims.iat > key.retired_at + leeway) {
    return Reject("it was signed with a key that had already been rotated out");
  }
  if (claims.exp <= claims.iat) {
    return Reject("the token expires before it was issued");
  }
  if (claims.exp - claims.iat > MaxTokenLifetime(claims.kind)) {
    return Reject("the token lives longer than a " + std::string(TokenKindName(claims.kind)) +
                  " token may");
  }
  return OkStatus();
}

}  // namespace apkd::auth
