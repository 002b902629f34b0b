#include "server/handler.h"

#include <utility>

#include "http/status.h"
#include "server/responses.h"

namespace apkd::server {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::optional<std::string_view> AuthorizationOf(const http::Request& request) {
  return request.headers.Get("Authorization");
}

ApkdHandler::ApkdHandler(Services services) : services_(std::move(services)) {}

std::optional<http::Response> ApkdHandler::OnHeaders(const http::Request& head,
                                                     http::BodyPolicy& policy) {
  // Package uploads: POST /api/v1/packages and /api/v1/orgs/<org>/packages. The caller is
  // checked before a byte of the body is read (no 512 MiB written to disk for a 401); the body
  // goes to a temp file, and publishing (validation, fsync, index rebuild) runs on the blocking
  // pool so that downloads on this loop go on meanwhile.
  if (head.method != "POST") {
    return std::nullopt;
  }
  // Password hashing (Argon2id: tens of milliseconds, 64 MiB) stays off the event loop.
  if (head.path == "/api/v1/auth/login" || head.path == "/api/v1/users") {
    policy.offload = true;
    return std::nullopt;
  }
  const auto segments = SplitPath(head.path);
  const bool catalog = segments.size() == 3 && segments[2] == "packages";
  const bool private_org =
      segments.size() == 5 && segments[2] == "orgs" && segments[4] == "packages";
  if (segments.size() < 3 || segments[0] != "api" || segments[1] != "v1" ||
      !(catalog || private_org)) {
    return std::nullopt;
  }
  const auto decision = catalog ? services_.authorizer.AuthorizeGlobal(AuthorizationOf(head),
                                                                       auth::Capability::kApkCreate)
                                : services_.authorizer.Authorize(AuthorizationOf(head), segments[3],
                                                                 auth::Capability::kApkCreate);
  if (!decision.allowed()) {
    return AuthFailure(services_, head, decision);
  }
  policy.limit = kMaxUploadBytes;
  policy.sink = http::BodySink::kTempFile;
  policy.offload = true;
  return std::nullopt;
}

http::Response ApkdHandler::Handle(const http::Request& request) {
  const auto segments = SplitPath(request.path);
  if (segments.size() == 1 && request.IsGetOrHead()) {
    if (segments[0] == "healthz" || segments[0] == "readyz") {
      return http::Response::Text(http::status::kOk, "ok\n");
    }
    if (segments[0] == "metrics") {
      auto response = http::Response::Text(
          http::status::kOk,
          services_.metrics.Render(services_.cache.builds(),
                                   AuditCounts{.written = services_.audit.written(),
                                               .dropped = services_.audit.dropped()}));
      response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      return response;
    }
  }
  if (!segments.empty() && segments[0] == ".well-known" && request.IsGetOrHead()) {
    if (auto response = HandleWellKnown(services_, segments)) {
      return std::move(*response);
    }
    return http::Response::Text(http::status::kNotFound, "not found\n");
  }
  if (segments.size() >= 2 && segments[0] == "api" && segments[1] == "v1") {
    return HandleApi(services_, request,
                     std::vector<std::string_view>(segments.begin() + 2, segments.end()));
  }
  if (auto response = HandleRepository(services_, request, segments)) {
    return std::move(*response);
  }
  return http::Response::Text(http::status::kNotFound, "not found\n");
}

}  // namespace apkd::server
