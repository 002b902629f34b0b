#include "service/authorizer.h"

#include <utility>

#include "auth/basic_auth.h"
#include "auth/roles.h"
#include "crypto/digest.h"
#include "crypto/hmac.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {

constexpr size_t kIdentityIdChars = 32;
constexpr size_t kSecretRandomBytes = 32;

Error Unauthenticated(std::string reason) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(reason));
}

AuthDecision Denied(AuthOutcome outcome, std::string reason, bool missing = false) {
  AuthDecision decision;
  decision.outcome = outcome;
  decision.reason = std::move(reason);
  decision.missing_credentials = missing;
  return decision;
}

}  // namespace

std::string MakeIdentitySecret(std::string_view identity_id) {
  return std::string(kSecretPrefix) + std::string(identity_id) + "_" +
         Base64UrlEncode(crypto::RandomBytes(kSecretRandomBytes));
}

std::string HashSecret(std::string_view secret) { return HexEncode(crypto::TokenHash(secret)); }

Authorizer::Authorizer(storage::MetadataStore& store, const auth::TokenVerifier& verifier,
                       const auth::Clock& clock)
    : store_(store), verifier_(verifier), clock_(clock), cache_(clock) {}

Result<Principal> Authorizer::AuthenticateSecret(std::string_view secret) const {
  const std::string_view rest = secret.substr(kSecretPrefix.size());
  if (rest.size() <= kIdentityIdChars + 1 || rest[kIdentityIdChars] != '_') {
    return Unauthenticated("malformed secret");
  }
  auto identity = store_.GetIdentity(rest.substr(0, kIdentityIdChars));
  if (!identity.ok()) {
    return Unauthenticated("unknown or revoked credentials");
  }
  if (!crypto::ConstantTimeEquals(identity->secret_hash, HashSecret(secret))) {
    return Unauthenticated("unknown or revoked credentials");
  }
  // A long-lived secret (a pull token) stops working at its identity's expiry, like a token.
  if (identity->expires_at != 0 && identity->expires_at <= clock_.Now()) {
    return Unauthenticated("expired credentials");
  }
  return Principal{
      .identity_id = identity->id, .narrowed = std::nullopt, .expires_at = identity->expires_at};
}

Result<Principal> Authorizer::AuthenticateToken(std::string_view token) const {
  APKD_ASSIGN_OR_RETURN(auto claims, verifier_.Verify(token));
  if (!store_.GetIdentity(claims.sub).ok()) {
    return Unauthenticated("the token's identity no longer exists");
  }
  return Principal{.identity_id = claims.sub,
                   .narrowed = claims.capabilities,
                   .refresh_only = claims.kind == auth::TokenKind::kRefresh,
                   .expires_at = claims.exp};
}

Result<Principal> Authorizer::Authenticate(std::optional<std::string_view> authorization) const {
  if (!authorization.has_value()) {
    return Unauthenticated("credentials required");
  }
  APKD_ASSIGN_OR_RETURN(auto credentials, auth::ParseAuthorizationHeader(*authorization));
  if (credentials.secret.starts_with(kSecretPrefix)) {
    return AuthenticateSecret(credentials.secret);
  }
  return AuthenticateToken(credentials.secret);
}

bool Authorizer::IsBootstrapOwner(std::string_view identity_id) const {
  auto owner = store_.GetSetting(kBootstrapOwnerSetting);
  return owner.ok() && !identity_id.empty() && *owner == identity_id;
}

Result<auth::CapabilitySet> Authorizer::CapabilitiesIn(const Principal& principal,
                                                       std::string_view org_uid) const {
  auth::CapabilitySet held;
  if (IsBootstrapOwner(principal.identity_id)) {
    held = auth::kOwnerCapabilities;
  } else {
    APKD_ASSIGN_OR_RETURN(
        auto bindings, store_.ListRoleBindings(storage::RoleBindingFilter{
                           .org_uid = std::string(org_uid), .identity_id = principal.identity_id}));
    for (const auto& binding : bindings) {
      if (const auth::Role* role = auth::FindBuiltinRole(binding.role); role != nullptr) {
        held = held | role->capabilities;
        continue;
      }
      auto custom = store_.GetCustomRole(org_uid, binding.role);
      if (!custom.ok()) {
        continue;  // a dangling binding grants nothing
      }
      auto parsed = auth::CapabilitySet::Parse(custom->capabilities);
      if (parsed.ok()) {
        held = held | *parsed;
      }
    }
  }
  if (principal.narrowed.has_value()) {
    held = held & *principal.narrowed;
  }
  return held;
}

AuthDecision Authorizer::Begin(std::optional<std::string_view> authorization,
                               auth::Capability capability) const {
  auto principal = Authenticate(authorization);
  if (!principal.ok()) {
    return Denied(AuthOutcome::kUnauthenticated, principal.error().message(),
                  !authorization.has_value());
  }
  if (principal->refresh_only) {
    return Denied(AuthOutcome::kUnauthenticated,
                  "a refresh token only buys session tokens (POST /api/v1/auth/token)");
  }
  AuthDecision decision;
  decision.outcome = AuthOutcome::kForbidden;
  decision.principal = std::move(principal).value();
  decision.missing = capability;
  return decision;
}

AuthDecision Authorizer::Authorize(std::optional<std::string_view> authorization,
                                   std::string_view org_name_or_uid,
                                   auth::Capability capability) const {
  if (!authorization.has_value()) {
    return Denied(AuthOutcome::kUnauthenticated, "credentials required", true);
  }
  // Read the change count before deciding: a change made meanwhile makes the answer stale.
  const uint64_t change_count = store_.LocalChangeCount();
  const auto key = AuthDecisionCache::KeyFor(*authorization, org_name_or_uid, capability);
  if (auto cached = cache_.Find(key, change_count)) {
    return std::move(*cached);
  }
  AuthDecision decision = Decide(authorization, org_name_or_uid, capability);
  if (decision.outcome != AuthOutcome::kUnauthenticated) {
    cache_.Remember(key, change_count, decision.principal.expires_at, decision);
  }
  return decision;
}

AuthDecision Authorizer::Decide(std::optional<std::string_view> authorization,
                                std::string_view org_name_or_uid,
                                auth::Capability capability) const {
  AuthDecision decision = Begin(authorization, capability);
  if (decision.outcome == AuthOutcome::kUnauthenticated) {
    return decision;
  }
  auto org = store_.FindOrg(org_name_or_uid);
  if (!org.ok()) {
    const bool may_list = IsBootstrapOwner(decision.principal.identity_id) &&
                          org.error().code() == ErrorCode::kNotFound;
    decision.outcome = may_list ? AuthOutcome::kNotFound : AuthOutcome::kForbidden;
    return decision;
  }
  auto held = CapabilitiesIn(decision.principal, org->uid);
  if (!held.ok() || !held->Has(capability)) {
    // Callers who cannot even list the org learn nothing more than "forbidden".
    return decision;
  }
  decision.outcome = AuthOutcome::kAllowed;
  decision.org = std::move(org).value();
  return decision;
}

AuthDecision Authorizer::AuthorizeGlobal(std::optional<std::string_view> authorization,
                                         auth::Capability capability) const {
  AuthDecision decision = Begin(authorization, capability);
  if (decision.outcome == AuthOutcome::kUnauthenticated) {
    return decision;
  }
  const Principal& principal = decision.principal;
  const bool owner = IsBootstrapOwner(principal.identity_id) &&
                     (!principal.narrowed.has_value() || principal.narrowed->Has(capability));
  decision.outcome = owner ? AuthOutcome::kAllowed : AuthOutcome::kForbidden;
  return decision;
}

}  // namespace apkd::service
