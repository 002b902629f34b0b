// OIDC issuer metadata: URL rules, discovery documents and JWK Sets (oidc_verifier.h).
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "auth/oidc_verifier.h"
#include "auth/strict_json.h"
#include "crypto/ec_key.h"
#include "crypto/rsa_key.h"

namespace apkd::auth {
namespace {

constexpr size_t kMaxUrlLength = 512;
constexpr size_t kMaxPortDigits = 5;
constexpr size_t kMaxKeyIdLength = 256;
constexpr std::string_view kHttps = "https://";
constexpr std::string_view kHttp = "http://";

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

bool AllDigits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

struct UrlParts {
  bool https = false;
  std::string_view host;  // IPv6 literals keep their brackets
};

bool IsIpv6Literal(std::string_view inside_brackets) {
  for (const char c : inside_brackets) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != ':') {
      return false;
    }
  }
  return !inside_brackets.empty();
}

// Splits "host[:port]" or "[v6]:port" into the host (brackets kept) and the port text, checking
// the host's characters; false when malformed (user info, escapes, an empty port after ':').
bool SplitAuthority(std::string_view authority, std::string_view* host, std::string_view* port) {
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || !IsIpv6Literal(authority.substr(1, close - 1))) {
      return false;
    }
    *host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && (!after.starts_with(':') || after.size() == 1)) {
      return false;
    }
    *port = after.empty() ? after : after.substr(1);
    return true;
  }
  const size_t colon = authority.find(':');
  *host = authority.substr(0, colon);
  *port = colon == std::string_view::npos ? std::string_view() : authority.substr(colon + 1);
  if (colon != std::string_view::npos && port->empty()) {
    return false;
  }
  return !host->empty() && std::all_of(host->begin(), host->end(), IsHostChar);
}

// scheme://host[:port][/path], nothing else.
std::optional<UrlParts> SplitUrl(std::string_view url) {
  UrlParts parts;
  if (url.starts_with(kHttps)) {
    parts.https = true;
    url.remove_prefix(kHttps.size());
  } else if (url.starts_with(kHttp)) {
    url.remove_prefix(kHttp.size());
  } else {
    return std::nullopt;
  }
  std::string_view port;
  if (!SplitAuthority(url.substr(0, url.find('/')), &parts.host, &port) ||
      port.size() > kMaxPortDigits || !AllDigits(port)) {
    return std::nullopt;
  }
  return parts;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

std::optional<std::string> OptionalMember(const boost::json::object& object, std::string_view name,
                                          bool* wrong_type) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    *wrong_type = true;
    return std::nullopt;
  }
  return std::string(value->get_string());
}

using MaybeKey = Result<std::optional<OidcKey>>;

MaybeKey RsaKey(const boost::json::object& jwk, const std::optional<std::string>& alg,
                std::string kid) {
  if (alg && *alg != "RS256") {
    return std::optional<OidcKey>();  // e.g. PS256 or RS512: not verified here
  }
  bool wrong_type = false;
  const auto n = OptionalMember(jwk, "n", &wrong_type);
  const auto e = OptionalMember(jwk, "e", &wrong_type);
  if (!n || !e) {
    return Invalid("an RSA JWK lacks n or e");
  }
  auto rsa = crypto::PublicKey::FromJwk(*n, *e);
  if (!rsa.ok()) {
    return Invalid("an RSA JWK does not load: " + rsa.error().message());
  }
  return std::optional<OidcKey>(OidcKey{
      .kid = std::move(kid), .algorithm = JwsAlgorithm::kRs256, .key = std::move(rsa).value()});
}

MaybeKey EcKey(const boost::json::object& jwk, const std::optional<std::string>& alg,
               std::string kid) {
  bool wrong_type = false;
  const auto crv = OptionalMember(jwk, "crv", &wrong_type);
  if (!crv || *crv != "P-256" || (alg && *alg != "ES256")) {
    return std::optional<OidcKey>();  // another curve or algorithm
  }
  const auto x = OptionalMember(jwk, "x", &wrong_type);
  const auto y = OptionalMember(jwk, "y", &wrong_type);
  if (!x || !y) {
    return Invalid("an EC JWK lacks x or y");
  }
  auto ec = crypto::EcVerifyingKey::FromJwk(*x, *y);
  if (!ec.ok()) {
    return Invalid("an EC JWK does not load: " + ec.error().message());
  }
  return std::optional<OidcKey>(OidcKey{
      .kid = std::move(kid), .algorithm = JwsAlgorithm::kEs256, .key = std::move(ec).value()});
}

// One JWK: a usable key, nullopt for a key that is not for us (skipped), or an error for a key we
// would use but that is broken.
MaybeKey ParseJwk(const boost::json::value& value) {
  if (!value.is_object()) {
    return Invalid("a JWKS key is not a JSON object");
  }
  const boost::json::object& jwk = value.get_object();
  bool wrong_type = false;
  const std::optional<std::string> kty = OptionalMember(jwk, "kty", &wrong_type);
  const std::optional<std::string> use = OptionalMember(jwk, "use", &wrong_type);
  const std::optional<std::string> alg = OptionalMember(jwk, "alg", &wrong_type);
  const std::optional<std::string> kid = OptionalMember(jwk, "kid", &wrong_type);
  if (wrong_type || !kty) {
    return Invalid("a JWKS key has no string kty, or a non-string use, alg or kid");
  }
  if (kid && (kid->empty() || kid->size() > kMaxKeyIdLength)) {
    return Invalid("a JWKS key has an empty or overlong kid");
  }
  if (use && *use != "sig") {
    return std::optional<OidcKey>();  // an encryption key
  }
  if (*kty == "RSA") {
    return RsaKey(jwk, alg, kid.value_or(""));
  }
  if (*kty == "EC") {
    return EcKey(jwk, alg, kid.value_or(""));
  }
  return std::optional<OidcKey>();  // "oct" (shared secrets) and anything else: never
}

}  // namespace

bool IsLoopbackUrl(std::string_view url) {
  const std::optional<UrlParts> parts = SplitUrl(url);
  return parts.has_value() && IsLoopbackHost(parts->host);
}

Status CheckOidcUrl(std::string_view url) {
  if (url.size() > kMaxUrlLength) {
    return Invalid("an issuer URL is at most " + std::to_string(kMaxUrlLength) + " bytes");
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return Invalid("an issuer URL has no query or fragment");
  }
  const std::optional<UrlParts> parts = SplitUrl(url);
  if (!parts) {
    return Invalid("not an issuer URL (want https://host[:port][/path])");
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f' || c == '\\') {
      return Invalid("an issuer URL contains spaces, control characters or backslashes");
    }
  }
  if (!parts->https && !IsLoopbackHost(parts->host)) {
    return Invalid("an issuer URL must use https (plain http only for 127.0.0.1 and localhost)");
  }
  return OkStatus();
}

Result<std::vector<OidcKey>> ParseJwks(std::string_view json) {
  if (json.size() > kMaxOidcDocumentSize) {
    return Invalid("the JWKS is larger than " + std::to_string(kMaxOidcDocumentSize) + " bytes");
  }
  APKD_ASSIGN_OR_RETURN(const boost::json::value doc, internal::ParseStrictJson(json));
  const boost::json::value* keys = doc.is_object() ? doc.get_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return Invalid("a JWKS is an object with a \"keys\" array");
  }
  if (keys->get_array().size() > kMaxJwksKeys) {
    return Invalid("the JWKS has more than " + std::to_string(kMaxJwksKeys) + " keys");
  }
  std::vector<OidcKey> usable;
  for (const boost::json::value& jwk : keys->get_array()) {
    APKD_ASSIGN_OR_RETURN(std::optional<OidcKey> key, ParseJwk(jwk));
    if (key) {
      usable.push_back(std::move(*key));
    }
  }
  if (usable.empty()) {
    return Invalid("the JWKS has no RS256 (RSA) or ES256 (EC P-256) signing key");
  }
  return usable;
}

Result<OidcDiscovery> ParseDiscoveryDocument(std::string_view json) {
  if (json.size() > kMaxOidcDocumentSize) {
    return Invalid("the discovery document is larger than " + std::to_string(kMaxOidcDocumentSize) +
                   " bytes");
  }
  APKD_ASSIGN_OR_RETURN(const boost::json::value doc, internal::ParseStrictJson(json));
  if (!doc.is_object()) {
    return Invalid("the discovery document is not a JSON object");
  }
  bool wrong_type = false;
  auto issuer = OptionalMember(doc.get_object(), "issuer", &wrong_type);
  auto jwks_uri = OptionalMember(doc.get_object(), "jwks_uri", &wrong_type);
  if (!issuer || !jwks_uri) {
    return Invalid("the discovery document lacks a string issuer or jwks_uri");
  }
  return OidcDiscovery{.issuer = std::move(*issuer), .jwks_uri = std::move(*jwks_uri)};
}

}  // namespace apkd::auth
