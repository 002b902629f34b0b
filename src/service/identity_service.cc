#include "service/identity_service.h"

#include <utility>

#include "crypto/digest.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {
constexpr size_t kIdentityIdBytes = 16;
}  // namespace

IdentityService::IdentityService(storage::MetadataStore& store, IamService& iam,
                                 std::string default_audience)
    : store_(store), iam_(iam), default_audience_(std::move(default_audience)) {}

Result<CreatedAssumableIdentity> IdentityService::CreateAssumable(
    const storage::Org& org, AssumableIdentitySpec spec, auth::CapabilitySet caller_capabilities,
    int64_t now) {
  APKD_ASSIGN_OR_RETURN(const auth::CapabilitySet granted, iam_.RoleCapabilities(org, spec.role));
  if (!caller_capabilities.ContainsAll(granted)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "role " + spec.role + " grants capabilities the caller does not have: " +
                         (granted - caller_capabilities).ToString());
  }
  auth::OidcPolicySpec& policy = spec.policy;
  if (policy.audience.empty() && policy.audience_pattern.empty()) {
    policy.audience = default_audience_;
  }
  APKD_RETURN_IF_ERROR(auth::OidcPolicy::Compile(policy).status());
  if (!spec.issuer_keys.empty()) {
    auto keys = auth::ParseJwks(spec.issuer_keys);
    if (!keys.ok()) {
      return keys.error().WithContext("jwks");
    }
  }
  storage::Identity identity{.id = HexEncode(crypto::RandomBytes(kIdentityIdBytes)),
                             .kind = storage::IdentityKind::kAssumable,
                             .name = std::move(spec.name),
                             .org_uid = org.uid,
                             .issuer = policy.issuer,
                             .subject = policy.subject,
                             .subject_pattern = policy.subject_pattern,
                             .audience_pattern = policy.audience_pattern,
                             .audience = policy.audience,
                             .claim_patterns = auth::EncodeClaimPatterns(policy.claim_patterns),
                             .issuer_keys = std::move(spec.issuer_keys),
                             .created_at = now};
  APKD_ASSIGN_OR_RETURN(storage::Identity created, store_.CreateIdentity(identity));
  auto binding = iam_.Bind(org, created.id, spec.role, now);
  if (!binding.ok()) {
    static_cast<void>(store_.DeleteIdentity(created.id));
    return binding.error();
  }
  return CreatedAssumableIdentity{.identity = std::move(created),
                                  .binding = std::move(binding).value()};
}

Result<std::vector<storage::Identity>> IdentityService::List(const storage::Org& org) {
  APKD_ASSIGN_OR_RETURN(std::vector<storage::Identity> identities,
                        store_.ListIdentities(storage::IdentityFilter{.org_uid = org.uid}));
  for (storage::Identity& identity : identities) {
    identity.secret_hash.clear();
  }
  return identities;
}

Status IdentityService::Delete(const storage::Org& org, std::string_view identity_id) {
  auto identity = store_.GetIdentity(identity_id);
  if (!identity.ok() || identity->org_uid != org.uid) {
    return MakeError(ErrorCode::kNotFound, "no such identity in this org");
  }
  return store_.DeleteIdentity(identity->id);
}

Result<auth::OidcPolicy> PolicyOf(const storage::Identity& identity) {
  auto claims = auth::DecodeClaimPatterns(identity.claim_patterns);
  if (!claims.ok()) {
    return MakeError(ErrorCode::kInternal, "the stored claim patterns of an identity do not parse");
  }
  auto policy = auth::OidcPolicy::Compile(auth::OidcPolicySpec{
      .issuer = identity.issuer,
      .subject = identity.subject,
      .subject_pattern = identity.subject_pattern,
      .audience = identity.audience,
      .audience_pattern = identity.audience_pattern,
      .claim_patterns = std::move(claims).value(),
  });
  if (!policy.ok()) {
    return MakeError(ErrorCode::kInternal, "the stored policy of an identity does not compile: " +
                                               policy.error().message());
  }
  return policy;
}

}  // namespace apkd::service
