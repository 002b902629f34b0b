// How service outcomes become HTTP responses. ErrorResponse is the one place where an error
// value becomes a status (through http::StatusFromErrorCode); 5xx bodies carry only a request id
// (the detail goes to the log), so no internal message or secret reaches a client.
// AuthFailure turns an Authorizer decision into 401 (with the Basic challenge) / 403 / 404 and
// records the denial in the audit log (audit_routes.cc), except a 401 for a request that sent no
// credentials at all (apk's first probe for every file: never written).
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "service/authorizer.h"
#include "util/result.h"

namespace apkd::server {

inline constexpr std::string_view kForbiddenBody = "caller does not have the required capabilities";

struct Services;

http::Response ErrorResponse(const Error& error);
// For a decision that is not kAllowed, about `request`. Every route answers denials through this
// one function, so that every denial is audited.
http::Response AuthFailure(const Services& services, const http::Request& request,
                           const service::AuthDecision& decision);
// The response alone (no audit record); `realm` is the public host.
http::Response AuthFailureResponse(const service::AuthDecision& decision, std::string_view realm);
// JSON-escaped string literal including the quotes.
std::string JsonString(std::string_view text);

}  // namespace apkd::server
