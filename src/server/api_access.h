// Internal to apkd_server: the guard of the global (operator) API routes.
#pragma once

#include "auth/capability.h"
#include "http/request.h"
#include "http/response.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {

// Runs `action` when the caller is the bootstrap owner (with `capability` not narrowed away);
// otherwise the 401/403 answer.
template <typename F>
http::Response Global(const Services& s, const http::Request& request, auth::Capability capability,
                      F action) {
  const auto decision = s.authorizer.AuthorizeGlobal(AuthorizationOf(request), capability);
  if (!decision.allowed()) {
    return AuthFailure(s, request, decision);
  }
  return action();
}

}  // namespace apkd::server
