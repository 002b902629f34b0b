// StsService: the security token service (Chainguard's `POST /sts/exchange` shape). A caller
// presents an ID token from an external OIDC issuer (a GitHub Actions job, a Kubernetes service
// account) and the id of an assumable identity; when the token satisfies that identity's policy
// (auth/oidc_verifier.h) the caller gets an ordinary apkd session token for the identity: ES256,
// at most 1 h and never past the external token's exp, optionally narrowed to some capabilities.
// What the token may do is still decided on every request by the identity's role bindings.
// Keys come from the identity's inline JWKS or from the issuer by OIDC discovery
// (IssuerKeyCache); only the identity's issuer is ever contacted, never a URL from the token.
// Exchanges block on the network: call them off the event loop. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/capability.h"
#include "auth/clock.h"
#include "service/issuer_key_cache.h"
#include "service/token_service.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

struct ExchangeRequest {
  std::string identity_id{};
  std::string audience{};  // the apkd token's audience; "" = this server's host
  std::optional<auth::CapabilitySet> capabilities = std::nullopt;
};

struct ExchangedToken {
  std::string token{};
  std::string identity_id{};
  int64_t expires_at = 0;
};

class StsService {
 public:
  // Every reference must outlive this.
  StsService(storage::MetadataStore& store, const TokenService& tokens, IssuerKeyCache& keys,
             const auth::Clock& clock);

  // kUnauthenticated for any problem with the external token or the identity (unknown, not
  // assumable, expired, policy not met, keys unavailable), with a reason that never quotes the
  // token; kInvalidArgument for a bad request (an audience that is not this server's).
  Result<ExchangedToken> Exchange(std::string_view external_token,
                                  const ExchangeRequest& request) const;

 private:
  storage::MetadataStore& store_;
  const TokenService& tokens_;
  IssuerKeyCache& keys_;
  const auth::Clock& clock_;
};

}  // namespace apkd::service
