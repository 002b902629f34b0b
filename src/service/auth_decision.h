// The outcome of authorizing one request: who the caller is and whether it may use a capability
// in an org. Shared by the Authorizer and its decision cache.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/capability.h"
#include "storage/records.h"

namespace apkd::service {

struct Principal {
  std::string identity_id;
  std::optional<auth::CapabilitySet> narrowed;  // the token's cap claim, if any
  bool refresh_only = false;  // a refresh token: may buy session tokens, open nothing else
  // When the credentials stop working (token exp, pull-token expiry); 0: never.
  int64_t expires_at = 0;
};

enum class AuthOutcome { kAllowed, kUnauthenticated, kForbidden, kNotFound };

struct AuthDecision {
  AuthOutcome outcome = AuthOutcome::kUnauthenticated;
  Principal principal;                                    // set for kAllowed, kForbidden, kNotFound
  storage::Org org;                                       // set for kAllowed
  auth::Capability missing = auth::Capability::kApkList;  // kForbidden
  std::string reason;                // kUnauthenticated: why (never quotes the credentials)
  bool missing_credentials = false;  // kUnauthenticated because no header was sent

  bool allowed() const { return outcome == AuthOutcome::kAllowed; }
};

}  // namespace apkd::service
