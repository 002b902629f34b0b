// apkctl iam identities create NAME --org ORG --issuer URL (--subject S | --subject-pattern RE)
// [--audience A | --audience-pattern RE] [--claim k=RE]… [--jwks-file FILE] [--role R] | list
// --org ORG | delete ID --org ORG; and apkctl auth exchange --identity ID --token-file FILE
// [--audience HOST] [--capabilities a,b]: an external OIDC ID token (a CI job's, a Kubernetes
// service account's) exchanged at /sts/exchange for an apkd token, printed for HTTP_AUTH.
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/online_commands.h"
#include "cli/online_session.h"
#include "util/file_io.h"

namespace apkd::cli {
namespace {

constexpr std::string_view kIdentitiesUsage =
    "apkctl iam identities create NAME --org ORG --issuer URL (--subject S | --subject-pattern "
    "RE) [--audience A | --audience-pattern RE] [--claim CLAIM=RE]... [--jwks-file FILE] "
    "[--role ROLE] | list --org ORG | delete ID --org ORG";
constexpr std::string_view kExchangeUsage =
    "apkctl auth exchange --identity ID --token-file FILE|- [--audience HOST] "
    "[--capabilities a,b]";
// ID tokens are a few KiB; the server refuses more than 16 KiB.
constexpr size_t kMaxTokenFileBytes = size_t{64} * 1024;

int Usage(std::string_view text) {
  return ReportError(MakeError(ErrorCode::kInvalidArgument, "usage: " + std::string(text)));
}

std::string OrgPath(const OnlineSession& session, const std::string& suffix) {
  return "/api/v1/orgs/" + PathSegment(session.args.GetOr("--org", "")) + suffix;
}

// The JSON body of `identities create` from the command line.
Result<boost::json::object> CreateBody(const OnlineSession& session, const std::string& name) {
  const Args& args = session.args;
  boost::json::object body{{"name", name}};
  APKD_ASSIGN_OR_RETURN(const std::string issuer, args.Require("--issuer"));
  body["issuer"] = issuer;
  for (const auto& [flag, field] :
       {std::pair{"--subject", "subject"}, std::pair{"--subject-pattern", "subject_pattern"},
        std::pair{"--audience", "audience"}, std::pair{"--audience-pattern", "audience_pattern"},
        std::pair{"--role", "role"}}) {
    if (auto value = args.Get(flag)) {
      body[field] = *value;
    }
  }
  if (!body.contains("subject") && !body.contains("subject_pattern")) {
    return MakeError(ErrorCode::kInvalidArgument, "give --subject or --subject-pattern");
  }
  boost::json::object claims;
  for (const std::string& claim : args.GetAll("--claim")) {
    const size_t eq = claim.find('=');
    if (eq == 0 || eq == std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "--claim takes CLAIM=REGEX, got " + claim);
    }
    claims[claim.substr(0, eq)] = claim.substr(eq + 1);
  }
  if (!claims.empty()) {
    body["claims"] = std::move(claims);
  }
  if (auto jwks_file = args.Get("--jwks-file")) {
    APKD_ASSIGN_OR_RETURN(const std::string text, ReadFile(*jwks_file));
    boost::system::error_code ec;
    boost::json::value jwks = boost::json::parse(text, ec);
    if (ec || !jwks.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, *jwks_file + " is not a JSON JWK Set");
    }
    body["jwks"] = std::move(jwks);
  }
  return body;
}

int Show(Result<ApiResponse> response, const OnlineSession& session,
         const std::vector<std::string>& fields) {
  auto body = JsonBody(std::move(response));
  if (!body.ok()) {
    return ReportError(body.error());
  }
  PrintItems(*body, fields, "id", session.output);
  return kExitOk;
}

// `value` percent-encoded for a form body.
std::string FormValue(const std::string& value) { return PathSegment(value); }

Result<std::string> ReadTokenFile(const std::string& path) {
  std::string token;
  if (path == "-") {
    token.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    APKD_ASSIGN_OR_RETURN(token, ReadFile(path));
  }
  if (token.size() > kMaxTokenFileBytes) {
    return MakeError(ErrorCode::kInvalidArgument, path + " is too large for an ID token");
  }
  const size_t end = token.find_last_not_of(" \t\r\n");
  token.erase(end == std::string::npos ? 0 : end + 1);
  token.erase(0, token.find_first_not_of(" \t\r\n"));
  if (token.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, path + " holds no token");
  }
  return token;
}

}  // namespace

int RunIdentities(const std::vector<std::string>& argv) {
  const std::string verb = argv.empty() ? "" : argv[0];
  const std::vector<std::string> rest(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  auto session = StartSession(
      rest, {.value_options = {"--org", "--issuer", "--subject", "--subject-pattern", "--audience",
                               "--audience-pattern", "--claim", "--jwks-file", "--role"},
             .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "iam identities");
  }
  if (!session->args.Has("--org")) {
    return Usage(kIdentitiesUsage);
  }
  const auto& positionals = session->args.positionals();
  const std::vector<std::string> fields = {
      "id", "kind", "name", "issuer", "subject", "subject_pattern", "audience"};
  if (verb == "list" && positionals.empty()) {
    return Show(session->client.Get(OrgPath(*session, "/identities")), *session, fields);
  }
  if (verb == "create" && positionals.size() == 1) {
    auto body = CreateBody(*session, positionals[0]);
    if (!body.ok()) {
      return ReportError(body.error(), "iam identities create");
    }
    return Show(
        session->client.Post(OrgPath(*session, "/identities"), boost::json::serialize(*body)),
        *session, fields);
  }
  if (verb == "delete" && positionals.size() == 1) {
    auto deleted = RequireSuccess(
        session->client.Delete(OrgPath(*session, "/identities/" + PathSegment(positionals[0]))));
    if (!deleted.ok()) {
      return ReportError(deleted.error(), "iam identities delete");
    }
    std::cerr << "deleted identity " << positionals[0] << "\n";
    return kExitOk;
  }
  return Usage(kIdentitiesUsage);
}

int RunAuthExchange(const std::vector<std::string>& argv) {
  auto session = StartSession(
      argv, {.value_options = {"--identity", "--token-file", "--audience", "--capabilities"},
             .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "auth exchange");
  }
  const auto identity = session->args.Get("--identity");
  const auto token_file = session->args.Get("--token-file");
  if (!identity || !token_file || !session->args.positionals().empty()) {
    return Usage(kExchangeUsage);
  }
  auto external = ReadTokenFile(*token_file);
  if (!external.ok()) {
    return ReportError(external.error(), "auth exchange");
  }
  std::string form = "identity=" + FormValue(*identity);
  if (auto audience = session->args.Get("--audience")) {
    form += "&aud=" + FormValue(*audience);
  }
  if (auto capabilities = session->args.Get("--capabilities")) {
    form += "&cap=" + FormValue(*capabilities);
  }
  // The external token is the only credential: never the login cache or APKCTL_TOKEN.
  const ApiClient client({.server = session->server, .token = *external, .timeout_seconds = 60});
  auto body = JsonBody(client.Post("/sts/exchange", form, "application/x-www-form-urlencoded"));
  if (!body.ok()) {
    return ReportError(body.error(), "auth exchange");
  }
  if (!body->is_object() || !body->as_object().contains("token") ||
      !body->as_object().at("token").is_string()) {
    return ReportError(MakeError(ErrorCode::kUnavailable, "the server's answer has no token"),
                       "auth exchange");
  }
  if (session->output == "json") {
    std::cout << boost::json::serialize(*body) << "\n";
  } else {
    std::cout << std::string(body->as_object().at("token").as_string()) << "\n";
  }
  return kExitOk;
}

}  // namespace apkd::cli
