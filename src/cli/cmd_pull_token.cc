// apkctl auth pull-token create --org ORG [--ttl 720h] [--name N] [--role R] | list --org ORG |
// delete ID --org ORG. A pull token is an identity of the org with a long-lived secret that apk
// uses directly: HTTP_AUTH=basic:HOST:<id>:<secret>, or https://<id>:<secret>@HOST/ORG.
// `-o env` prints export lines for CI.
#include <charconv>
#include <iostream>

#include "cli/online_commands.h"
#include "cli/online_session.h"

namespace apkd::cli {
namespace {

// "720h", "30d", "90m", "3600s" or plain seconds.
Result<int64_t> ParseTtl(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || value <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "--ttl: expected e.g. 720h, 30d, 90m");
  }
  const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  const int64_t scale = unit.empty() || unit == "s" ? 1
                        : unit == "m"               ? 60
                        : unit == "h"               ? 3600
                        : unit == "d"               ? 86400
                                                    : 0;
  if (scale == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "--ttl: the unit is s, m, h or d");
  }
  return value * scale;
}

std::string HostOf(const std::string& server) {
  std::string_view rest = server;
  if (const size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
  }
  return std::string(rest.substr(0, rest.find_first_of(":/")));
}

int Create(const OnlineSession& session) {
  boost::json::object request{{"name", session.args.GetOr("--name", "pull-token")}};
  if (session.args.Has("--ttl")) {
    auto ttl = ParseTtl(session.args.GetOr("--ttl", ""));
    if (!ttl.ok()) {
      return ReportError(ttl.error(), "auth pull-token create");
    }
    request["ttl_seconds"] = *ttl;
  }
  if (session.args.Has("--role")) {
    request["role"] = session.args.GetOr("--role", "");
  }
  const std::string org = session.args.GetOr("--org", "");
  auto body = JsonBody(session.client.Post("/api/v1/orgs/" + PathSegment(org) + "/pull-tokens",
                                           boost::json::serialize(request)));
  if (!body.ok()) {
    return ReportError(body.error(), "auth pull-token create");
  }
  const auto& doc = body->as_object();
  const std::string id(doc.at("identity").as_string());
  const std::string secret(doc.at("secret").as_string());
  if (session.output == "env") {
    const std::string host = HostOf(session.server);
    std::cout << "export APKD_PULL_IDENTITY=" << id << "\n"
              << "export APKD_PULL_TOKEN=" << secret << "\n"
              << "export HTTP_AUTH=basic:" << host << ":" << id << ":" << secret << "\n";
    return kExitOk;
  }
  if (session.output == "table") {
    std::cout << "identity:   " << id << "\ntoken:      " << secret
              << "\nexpires_at: " << doc.at("expires_at").to_number<int64_t>()
              << "\nrepository: " << session.server << "/" << org
              << "\n(the token is shown only now)\n";
    return kExitOk;
  }
  PrintItems(*body, {}, "identity", session.output);
  return kExitOk;
}

}  // namespace

int RunPullToken(const std::vector<std::string>& argv) {
  const std::string verb = argv.empty() ? "" : argv[0];
  const std::vector<std::string> rest(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  auto session =
      StartSession(rest, {.value_options = {"--org", "--ttl", "--name", "--role"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "auth pull-token");
  }
  if (!session->args.Has("--org")) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "--org is required"),
                       "auth pull-token");
  }
  const std::string path =
      "/api/v1/orgs/" + PathSegment(session->args.GetOr("--org", "")) + "/pull-tokens";
  if (verb == "create") {
    return Create(*session);
  }
  if (verb == "list") {
    auto body = JsonBody(session->client.Get(path));
    if (!body.ok()) {
      return ReportError(body.error(), "auth pull-token list");
    }
    PrintItems(*body, {"identity", "name", "expires_at"}, "identity", session->output);
    return kExitOk;
  }
  const auto& ids = session->args.positionals();
  if (verb == "delete" && ids.size() == 1) {
    auto response = RequireSuccess(session->client.Delete(path + "/" + PathSegment(ids[0])));
    if (!response.ok()) {
      return ReportError(response.error(), "auth pull-token delete");
    }
    std::cerr << "deleted pull token " << ids[0] << "\n";
    return kExitOk;
  }
  return ReportError(
      MakeError(ErrorCode::kInvalidArgument,
                "usage: apkctl auth pull-token create --org ORG [--ttl 720h] [--name N] "
                "[--role R] | list --org ORG | delete ID --org ORG"),
      "auth pull-token");
}

}  // namespace apkd::cli
