// Authorizer: turns an Authorization header value plus an org and a required capability into a
// decision. Credentials are either an apkd token (ES256 JWT, checked by TokenVerifier) or an
// identity secret ("apkds_<id>_<random>", checked against the stored hash in constant time);
// both may come as Basic (password) or Bearer. Capabilities are the union of the identity's role
// bindings in that org, read on every request (so revocation is immediate), intersected with the
// token's `cap` claim. The bootstrap owner (setting kBootstrapOwnerSetting) owns every org and is
// the only one allowed global operations. An unknown org is answered as Forbidden for everyone
// except those who could list it (the bootstrap owner), so it never leaks existence.
// Thread-safe: no state besides the (thread-safe) store and verifier.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/capability.h"
#include "auth/jwt.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr std::string_view kBootstrapOwnerSetting = "bootstrap_owner";
inline constexpr std::string_view kSecretPrefix = "apkds_";

struct Principal {
  std::string identity_id;
  std::optional<auth::CapabilitySet> narrowed;  // the token's cap claim, if any
  int64_t expires_at = 0;                       // 0: not a token (identity secret)
};

enum class AuthOutcome { kAllowed, kUnauthenticated, kForbidden, kNotFound };

struct AuthDecision {
  AuthOutcome outcome = AuthOutcome::kUnauthenticated;
  Principal principal;  // set for kAllowed, kForbidden, kNotFound
  storage::Org org;     // set for kAllowed
  auth::Capability missing = auth::Capability::kApkList;  // kForbidden
  std::string reason;  // kUnauthenticated: why (never quotes the credentials)
  bool missing_credentials = false;  // kUnauthenticated because no header was sent

  bool allowed() const { return outcome == AuthOutcome::kAllowed; }
};

class Authorizer {
 public:
  Authorizer(storage::MetadataStore& store, const auth::TokenVerifier& verifier);

  // Who is calling; kUnauthenticated for absent, malformed, forged, expired or revoked
  // credentials.
  Result<Principal> Authenticate(std::optional<std::string_view> authorization) const;
  // May the caller use `capability` in org `org_name_or_uid`?
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

  storage::MetadataStore& store_;
  const auth::TokenVerifier& verifier_;
};

// "apkds_<id>_<random>" for identity `id`; store HashSecret(secret), never the secret.
std::string MakeIdentitySecret(std::string_view identity_id);
std::string HashSecret(std::string_view secret);

}  // namespace apkd::service
