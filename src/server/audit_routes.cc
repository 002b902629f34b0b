// The audit trail at the HTTP edge: what a denial and a download record (never credentials), and
// GET /api/v1/orgs/<org>/audit. Records are queued on the AuditLog; the store is written by its
// background thread, so recording costs a request one short mutex hold.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/status.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {
namespace {

constexpr size_t kMaxMethod = 16;
constexpr size_t kMaxUserAgent = 256;
constexpr size_t kMaxPath = 512;
constexpr size_t kMaxMessage = 200;
constexpr size_t kDefaultListLimit = 100;
constexpr size_t kMaxListLimit = 1000;
// How long a listing waits for queued events to reach the store.
constexpr std::chrono::milliseconds kListFlushWait{500};

// Header values and paths are attacker-chosen: keep them bounded and printable.
std::string Bounded(std::string_view text, size_t limit) {
  std::string out;
  for (const char c : text.substr(0, limit)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte >= 0x20 && byte != 0x7f) ? c : '?';
  }
  return out;
}

std::string UserAgentOf(const http::Request& request) {
  return Bounded(request.headers.Get("User-Agent").value_or(""), kMaxUserAgent);
}

// The org a request names, as it named it: /<org>/… on repository paths and
// /api/v1/orgs/<org>/… on the API; "" for global routes.
std::string OrgReferenceOf(const std::vector<std::string_view>& segments) {
  if (segments.size() >= 4 && segments[0] == "api" && segments[1] == "v1" &&
      segments[2] == "orgs") {
    return std::string(segments[3]);
  }
  if (segments.size() >= 2 && segments[0] != "api" && segments[0] != ".well-known") {
    return std::string(segments[0]);
  }
  return "";
}

// "expired_credentials", "invalid_credentials" (unknown, revoked, forged, malformed, wrong
// audience) or "missing_capability".
std::string_view ReasonClass(const service::AuthDecision& decision) {
  if (decision.outcome != service::AuthOutcome::kUnauthenticated) {
    return "missing_capability";
  }
  return decision.reason.find("expired") != std::string::npos ? "expired_credentials"
                                                              : "invalid_credentials";
}

}  // namespace

http::Response AuthFailure(const Services& s, const http::Request& request,
                           const service::AuthDecision& decision) {
  http::Response response = AuthFailureResponse(decision, s.realm);
  // No credentials at all is apk's first probe for every file (it sends them only after a 401):
  // recording those would write the store on every request and tell nothing.
  const bool denied =
      response.status == http::status::kUnauthorized || response.status == http::status::kForbidden;
  if (!denied || decision.missing_credentials) {
    return response;
  }
  const auto segments = SplitPath(request.path);
  boost::json::object detail{{"status", response.status},
                             {"method", Bounded(request.method, kMaxMethod)},
                             {"path", Bounded(request.path, kMaxPath)},
                             {"reason", ReasonClass(decision)}};
  if (decision.outcome == service::AuthOutcome::kUnauthenticated) {
    // The Authorizer's reasons never quote the credentials (authorizer.h, jwt.h).
    detail["message"] = Bounded(decision.reason, kMaxMessage);
  } else {
    detail["capability"] = auth::CapabilityName(decision.missing);
  }
  const bool repository_path = segments.size() == 3 && segments[0] != "api";
  s.audit.Record(
      storage::AuditEvent{.kind = storage::AuditKind::kDenied,
                          .identity_id = decision.principal.identity_id,
                          .org_uid = decision.org.uid,
                          .arch = repository_path ? std::string(segments[1]) : std::string(),
                          .source_address = request.remote_address,
                          .user_agent = UserAgentOf(request),
                          .detail = boost::json::serialize(detail)},
      OrgReferenceOf(segments));
  return response;
}

void RecordDownload(const Services& s, const http::Request& request,
                    const service::AuthDecision& decision, const storage::PackageRow& row,
                    std::string_view arch) {
  s.audit.Record(storage::AuditEvent{.kind = storage::AuditKind::kDownload,
                                     .identity_id = decision.principal.identity_id,
                                     .org_uid = decision.org.uid,
                                     .package = row.name,
                                     .version = row.version,
                                     .arch = std::string(arch),
                                     .source_address = request.remote_address,
                                     .user_agent = UserAgentOf(request)});
}

namespace {

Result<uint64_t> QueryNumber(std::string_view name, std::string_view text, uint64_t max) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(name) + ": expected a number from 0 to " + std::to_string(max));
  }
  return value;
}

// kind=download|denied|admin, limit=1..1000 (default 100), since=UNIX seconds.
Result<storage::AuditQuery> ParseAuditQuery(std::string_view query, const std::string& org_uid) {
  storage::AuditQuery parsed{.org_uid = org_uid, .limit = kDefaultListLimit};
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (name == "kind") {
      parsed.kind = storage::ParseAuditKind(value);
      if (!parsed.kind) {
        return MakeError(ErrorCode::kInvalidArgument, "kind: expected download, denied or admin");
      }
    } else if (name == "limit") {
      APKD_ASSIGN_OR_RETURN(const uint64_t limit, QueryNumber(name, value, kMaxListLimit));
      if (limit == 0) {
        return MakeError(ErrorCode::kInvalidArgument, "limit: expected 1 to 1000");
      }
      parsed.limit = static_cast<size_t>(limit);
    } else if (name == "since") {
      APKD_ASSIGN_OR_RETURN(const uint64_t since,
                            QueryNumber(name, value, static_cast<uint64_t>(INT64_MAX)));
      parsed.since = static_cast<int64_t>(since);
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown query parameter (expected kind, limit, since)");
    }
  }
  return parsed;
}

boost::json::object AuditJson(const storage::AuditEvent& event) {
  boost::json::object item{{"id", event.id},
                           {"time", event.time},
                           {"kind", storage::AuditKindName(event.kind)},
                           {"identity", event.identity_id},
                           {"org_uid", event.org_uid},
                           {"package", event.package},
                           {"version", event.version},
                           {"arch", event.arch},
                           {"source_address", event.source_address},
                           {"user_agent", event.user_agent}};
  if (event.detail.empty()) {
    return item;
  }
  // Denials keep their specifics (status, method, path, reason, capability or message) as a
  // JSON object in `detail`; they are spread into the item. Anything else stays a string.
  boost::system::error_code ec;
  const boost::json::value detail = boost::json::parse(event.detail, ec);
  if (ec || !detail.is_object()) {
    item["detail"] = event.detail;
    return item;
  }
  for (const auto& [key, value] : detail.as_object()) {
    if (!item.contains(key)) {
      item[key] = value;
    }
  }
  return item;
}

}  // namespace

http::Response HandleAuditList(const Services& s, const http::Request& request,
                               const storage::Org& org) {
  auto query = ParseAuditQuery(request.query, org.uid);
  if (!query.ok()) {
    return ErrorResponse(query.error());
  }
  // Show what happened up to this request, not up to the writer's last tick.
  auto events = s.audit.List(*query, kListFlushWait);
  if (!events.ok()) {
    return ErrorResponse(events.error());
  }
  return ListResponse(*events, AuditJson);
}

http::Response HandleGlobalAuditList(const Services& s, const http::Request& request) {
  const auto decision =
      s.authorizer.AuthorizeGlobal(AuthorizationOf(request), auth::Capability::kAuditList);
  if (!decision.allowed()) {
    return AuthFailure(s, request, decision);
  }
  return HandleAuditList(s, request, storage::Org{});  // org uid "": every org, and none
}

}  // namespace apkd::server
