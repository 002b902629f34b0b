// Token hygiene: OIDC discovery of apkd's own token issuer (/.well-known/openid-configuration and
// the JWKS it names) and issuer key rotation (POST /api/v1/auth/keys/rotate, bootstrap owner).
// Both are anonymous-safe: only public keys and public URLs are published.
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/status.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {
namespace {

constexpr std::string_view kJwksPath = "/.well-known/jwks.json";
// Verifiers cache these; a rotation adds a kid they refetch for, so a short lifetime suffices.
constexpr std::string_view kDiscoveryCacheControl = "public, max-age=60";

// The OIDC discovery document (OpenID Connect Discovery 1.0 §3), limited to what is true of
// apkd's tokens: ES256 JWTs from this issuer, public subjects (identity ids), no interactive
// authorization endpoint (tokens come from POST /api/v1/auth/token).
boost::json::object DiscoveryDocument(const Services& s) {
  return boost::json::object{
      {"issuer", s.public_url},
      {"jwks_uri", s.public_url + std::string(kJwksPath)},
      {"token_endpoint", s.public_url + "/api/v1/auth/token"},
      {"response_types_supported", boost::json::array{"id_token"}},
      {"subject_types_supported", boost::json::array{"public"}},
      {"id_token_signing_alg_values_supported", boost::json::array{"ES256"}},
      {"claims_supported",
       boost::json::array{"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "knd", "cap"}},
  };
}

boost::json::object Jwk(const auth::TokenKey& key) {
  const crypto::EcPublicJwk jwk = key.key.Jwk();
  return boost::json::object{{"kty", jwk.kty}, {"crv", jwk.crv}, {"x", jwk.x},  {"y", jwk.y},
                             {"kid", key.kid}, {"alg", "ES256"}, {"use", "sig"}};
}

http::Response PublicJson(const boost::json::value& value) {
  http::Response response = JsonResponse(http::status::kOk, value);
  response.headers.Set("Cache-Control", std::string(kDiscoveryCacheControl));
  return response;
}

boost::json::object KeyStateJson(const auth::TokenKey& key) {
  boost::json::object item{{"kid", key.kid},
                           {"state", key.retired_at == 0 ? "current" : "previous"}};
  if (key.retired_at != 0) {
    item["retired_at"] = key.retired_at;
    item["verify_until"] = key.verify_until;
  }
  return item;
}

}  // namespace

std::optional<http::Response> HandleWellKnown(const Services& s,
                                              const std::vector<std::string_view>& segments) {
  if (segments.size() != 2) {
    return std::nullopt;
  }
  if (segments[1] == "openid-configuration") {
    return PublicJson(DiscoveryDocument(s));
  }
  if (segments[1] == "jwks.json") {
    boost::json::array keys;
    for (const auth::TokenKey& key : s.tokens.VerifyingKeys()) {
      keys.push_back(Jwk(key));
    }
    return PublicJson(boost::json::object{{"keys", std::move(keys)}});
  }
  return std::nullopt;
}

http::Response HandleIssuerKeys(const Services& s, const http::Request& request,
                                const std::vector<std::string_view>& rest) {
  if (rest.size() != 1 || rest[0] != "rotate" || request.method != "POST") {
    return http::Response::Text(http::status::kNotFound, "no such API route\n");
  }
  // Changing what every verifier must trust: the bootstrap owner only (roles.create, as for an
  // org's index keys).
  const auto decision =
      s.authorizer.AuthorizeGlobal(AuthorizationOf(request), auth::Capability::kRolesCreate);
  if (!decision.allowed()) {
    return AuthFailure(s, request, decision);
  }
  auto kid = s.tokens.RotateIssuerKey();
  if (!kid.ok()) {
    return ErrorResponse(kid.error());
  }
  boost::json::array keys;
  for (const auth::TokenKey& key : s.tokens.VerifyingKeys()) {
    keys.push_back(KeyStateJson(key));
  }
  return JsonResponse(http::status::kCreated,
                      boost::json::object{{"kid", *kid}, {"keys", std::move(keys)}});
}

}  // namespace apkd::server
