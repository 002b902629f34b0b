// apkctl audit list [--org ORG] [--kind download|denied] [--limit N] [--since UNIX]: an org's
// audit log (package downloads and denied requests), newest first; needs audit.list (owner).
// Without --org: every event, including denials outside any org (bootstrap owner).
#include <array>
#include <ctime>
#include <string>
#include <vector>

#include "cli/online_commands.h"
#include "cli/online_session.h"

namespace apkd::cli {
namespace {

constexpr std::string_view kUsage =
    "apkctl audit list [--org ORG] [--kind download|denied] [--limit N] [--since UNIX]";

int Usage() {
  return ReportError(MakeError(ErrorCode::kInvalidArgument, "usage: " + std::string(kUsage)));
}

// 2026-01-02T03:04:05Z, or the number as it came if it is not one.
std::string Iso8601(const boost::json::value& time) {
  if (!time.is_int64()) {
    return boost::json::serialize(time);
  }
  const std::time_t seconds = static_cast<std::time_t>(time.as_int64());
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) {
    return std::to_string(time.as_int64());
  }
  std::array<char, 32> text{};
  const size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text.data(), length);
}

std::string QueryString(const OnlineSession& session) {
  std::string query;
  for (const char* name : {"kind", "limit", "since"}) {
    if (auto value = session.args.Get(std::string("--") + name)) {
      query += (query.empty() ? "?" : "&") + std::string(name) + "=" + PathSegment(*value);
    }
  }
  return query;
}

}  // namespace

int RunAudit(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "list") {
    return Usage();
  }
  auto session =
      StartSession({argv.begin() + 1, argv.end()},
                   {.value_options = {"--org", "--kind", "--limit", "--since"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "audit list");
  }
  if (!session->args.positionals().empty()) {
    return Usage();
  }
  const auto org = session->args.Get("--org");
  const std::string path =
      (org ? "/api/v1/orgs/" + PathSegment(*org) + "/audit" : std::string("/api/v1/audit")) +
      QueryString(*session);
  auto body = JsonBody(session->client.Get(path));
  if (!body.ok()) {
    return ReportError(body.error(), "audit list");
  }
  if (session->output == "table" && body->is_object()) {
    if (auto* items = body->as_object().if_contains("items"); items && items->is_array()) {
      for (auto& item : items->as_array()) {
        if (item.is_object() && item.as_object().contains("time")) {
          item.as_object()["time"] = Iso8601(item.as_object().at("time"));
        }
      }
    }
  }
  PrintItems(*body,
             {"time", "kind", "identity", "package", "version", "arch", "source_address", "status",
              "reason", "capability", "path"},
             "id", session->output);
  return kExitOk;
}

}  // namespace apkd::cli
