// Authorizer: turns an Authorization header value plus an org and a required capability into a
// decision. Credentials are either an apkd token (ES256 JWT, checked by TokenVerifier) or an
// identity secret ("apkds_<id>_<random>", checked against the stored hash in constant time);
// both may come as Basic (password) or Bearer. Capabilities are the union of the identity's role
// bindings in that org, read on every request (so revocation is immediate), intersected with the
// token's `cap` claim. The bootstrap owner (setting kBootstrapOwnerSetting) owns every org and is
// the only one allowed global operations. An unknown org is answered as Forbidden for everyone
// except those who could list it (the bootstrap owner), so it never leaks existence.
// Thread-safe: no state besides the (thread-safe) store, verifier and decision cache.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/capability.h"
#include "auth/clock.h"
#include "auth/jwt.h"
#include "service/auth_decision.h"
#include "service/auth_decision_cache.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr std::string_view kBootstrapOwnerSetting = "bootstrap_owner";
inline constexpr std::string_view kSecretPrefix = "apkds_";

class Authorizer {
 public:
  // `clock` (the verifier's) decides pull-token expiry and how long cached answers last.
  Authorizer(storage::MetadataStore& store, const auth::TokenVerifier& verifier,
             const auth::Clock& clock);

  // Who is calling; kUnauthenticated for absent, malformed, forged, expired or revoked
  // credentials.
  Result<Principal> Authenticate(std::optional<std::string_view> authorization) const;
  // May the caller use `capability` in org `org_name_or_uid`? Answers about authenticated
  // callers are cached (AuthDecisionCache) until the store changes or the credentials expire.
  AuthDecision Authorize(std::optional<std::string_view> authorization,
                         std::string_view org_name_or_uid, auth::Capability capability) const;
  // Global operations (orgs, images, catalog): only the bootstrap owner.
  AuthDecision AuthorizeGlobal(std::optional<std::string_view> authorization,
                               auth::Capability capability) const;
  // The capabilities `principal` holds in the org (bindings ∩ token narrowing).
  Result<auth::CapabilitySet> CapabilitiesIn(const Principal& principal,
                                             std::string_view org_uid) const;
  bool IsBootstrapOwner(std::string_view identity_id) const;

 private:
  Result<Principal> AuthenticateSecret(std::string_view secret) const;
  Result<Principal> AuthenticateToken(std::string_view token) const;
  // Authenticates the caller: kUnauthenticated (final) or kForbidden with the principal set,
  // for the caller to upgrade.
  AuthDecision Begin(std::optional<std::string_view> authorization,
                     auth::Capability capability) const;
  AuthDecision Decide(std::optional<std::string_view> authorization,
                      std::string_view org_name_or_uid, auth::Capability capability) const;

  storage::MetadataStore& store_;
  const auth::TokenVerifier& verifier_;
  const auth::Clock& clock_;
  mutable AuthDecisionCache cache_;
};

// "apkds_<id>_<random>" for identity `id`; store HashSecret(secret), never the secret.
std::string MakeIdentitySecret(std::string_view identity_id);
std::string HashSecret(std::string_view secret);

}  // namespace apkd::service
