#include "server/responses.h"

#include <atomic>
#include <cstdio>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "http/status.h"

namespace apkd::server {
namespace {

std::string NextRequestId() {
  static std::atomic<uint64_t> counter{0};
  return "req-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

}  // namespace

std::string JsonString(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

http::Response ErrorResponse(const Error& error) {
  const int status = http::StatusFromErrorCode(error.code());
  if (status >= http::status::kInternalServerError) {
    const std::string id = NextRequestId();
    // Store and service messages never hold secrets (their contracts say so).
    std::fprintf(stderr, "apkd: %s: %s (%s)\n", id.c_str(), error.message().c_str(),
                 std::string(ErrorCodeName(error.code())).c_str());
    return http::Response::Json(
        status, "{\"error\":" + JsonString("internal error, request id " + id) + "}\n");
  }
  return http::Response::Json(status, "{\"error\":" + JsonString(error.message()) + "}\n");
}

http::Response AuthFailureResponse(const service::AuthDecision& decision, std::string_view realm) {
  switch (decision.outcome) {
    case service::AuthOutcome::kUnauthenticated: {
      auto response = http::Response::Text(http::status::kUnauthorized,
                                           "unauthenticated: " + decision.reason + "\n");
      response.headers.Set("WWW-Authenticate", "Basic realm=\"" + std::string(realm) + "\"");
      return response;
    }
    case service::AuthOutcome::kNotFound:
      return http::Response::Text(http::status::kNotFound, "no such organization\n");
    case service::AuthOutcome::kForbidden:
    case service::AuthOutcome::kAllowed:
      break;
  }
  return http::Response::Text(http::status::kForbidden,
                              std::string(kForbiddenBody) + ": " +
                                  std::string(auth::CapabilityName(decision.missing)) + "\n");
}

}  // namespace apkd::server
