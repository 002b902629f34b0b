// IdentityService: the identities of an org as one list (pull tokens and assumable identities),
// creating assumable identities and deleting any identity of the org. An assumable identity
// trusts one external OIDC issuer: callers holding that issuer's ID token for a matching subject,
// audience and claims exchange it for an apkd token (service/sts_service.h). Its policy is
// checked and its patterns compiled at creation, so a bad regex is a 400 then rather than a
// failure on every exchange. Thread-safe (the store and IamService are).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/capability.h"
#include "auth/oidc_verifier.h"
#include "service/iam_service.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

struct AssumableIdentitySpec {
  std::string name;
  // Without audience and audience_pattern, the audience is this server's host.
  auth::OidcPolicySpec policy;
  std::string issuer_keys;  // the issuer's JWKS as JSON text; "" = OIDC discovery
  std::string role = "apk.pull";
};

struct CreatedAssumableIdentity {
  storage::Identity identity;
  storage::RoleBinding binding;
};

class IdentityService {
 public:
  // `default_audience` is this server's host (TokenService::audience()).
  IdentityService(storage::MetadataStore& store, IamService& iam, std::string default_audience);

  // kInvalidArgument for a bad policy (issuer URL, patterns, JWKS without a usable key) or an
  // unknown role; kPermissionDenied when the role grants a capability that the caller
  // (`caller_capabilities` in this org) lacks: creating identities never escalates privilege.
  Result<CreatedAssumableIdentity> CreateAssumable(const storage::Org& org,
                                                   AssumableIdentitySpec spec,
                                                   auth::CapabilitySet caller_capabilities,
                                                   int64_t now);
  // Every identity of the org, oldest first, without secret hashes.
  Result<std::vector<storage::Identity>> List(const storage::Org& org);
  // Deletes an identity of the org and its role bindings; tokens it holds stop working at once.
  // kNotFound unless the identity belongs to `org`.
  Status Delete(const storage::Org& org, std::string_view identity_id);

 private:
  storage::MetadataStore& store_;
  IamService& iam_;
  const std::string default_audience_;
};

// The stored policy of an assumable identity, compiled (kInternal if it no longer compiles).
Result<auth::OidcPolicy> PolicyOf(const storage::Identity& identity);

}  // namespace apkd::service
