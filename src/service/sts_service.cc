#include "service/sts_service.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "auth/jwt.h"
#include "auth/oidc_verifier.h"
#include "service/identity_service.h"

namespace apkd::service {
namespace {

Error Unauthenticated(const std::string& reason) {
  return MakeError(ErrorCode::kUnauthenticated, reason);
}

}  // namespace

StsService::StsService(storage::MetadataStore& store, const TokenService& tokens,
                       IssuerKeyCache& keys, const auth::Clock& clock)
    : store_(store), tokens_(tokens), keys_(keys), clock_(clock) {}

Result<ExchangedToken> StsService::Exchange(std::string_view external_token,
                                            const ExchangeRequest& request) const {
  const std::string audience = request.audience.empty() ? tokens_.audience() : request.audience;
  if (audience != tokens_.audience()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "aud must be this repository's host: " + tokens_.audience());
  }
  APKD_ASSIGN_OR_RETURN(const auth::ParsedOidcToken parsed, auth::ParseOidcToken(external_token));
  const int64_t now = clock_.Now();
  auto identity = store_.GetIdentity(request.identity_id);
  if (!identity.ok() || identity->kind != storage::IdentityKind::kAssumable) {
    return Unauthenticated("no assumable identity has that id");
  }
  if (identity->expires_at != 0 && identity->expires_at <= now) {
    return Unauthenticated("the assumable identity has expired");
  }
  // Checked again after the signature; here it spares fetching keys for a token that cannot pass.
  if (parsed.claims.iss != identity->issuer) {
    return Unauthenticated("ID token rejected: the token's issuer is not the identity's issuer");
  }
  APKD_ASSIGN_OR_RETURN(const auth::OidcPolicy policy, PolicyOf(*identity));

  IssuerKeyCache::Keys keys;
  if (!identity->issuer_keys.empty()) {
    auto inline_keys = auth::ParseJwks(identity->issuer_keys);
    if (!inline_keys.ok()) {
      return MakeError(ErrorCode::kInternal, "the stored JWKS of an identity does not parse");
    }
    keys = std::make_shared<const std::vector<auth::OidcKey>>(std::move(inline_keys).value());
  } else {
    auto fetched = keys_.Get(identity->issuer);
    if (fetched.ok() && auth::CandidateKeys(parsed, **fetched).empty()) {
      fetched = keys_.Refresh(identity->issuer);  // a rotated key: look once more
    }
    if (!fetched.ok()) {
      return Unauthenticated("cannot get the issuer's keys: " + fetched.error().message());
    }
    keys = std::move(fetched).value();
  }
  APKD_ASSIGN_OR_RETURN(const auth::VerifiedOidcToken verified,
                        auth::VerifyOidcToken(parsed, *keys, policy, now));

  const int64_t ttl = std::min(auth::kMaxSessionTokenLifetime, verified.expires_at - now);
  if (ttl < 1) {
    return Unauthenticated("ID token rejected: the token expires too soon");
  }
  auto issued = tokens_.IssueSession(identity->id, audience, request.capabilities, ttl);
  if (!issued.ok()) {
    return issued.error();
  }
  return ExchangedToken{.token = std::move(issued->token),
                        .identity_id = identity->id,
                        .expires_at = issued->claims.exp};
}

}  // namespace apkd::service
