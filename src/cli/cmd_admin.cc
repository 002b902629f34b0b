// apkctl iam organizations create NAME | list | delete NAME; iam role-bindings list|create|delete
// --org ORG; images create NAME --packages a,b | list | delete NAME; entitlements add|remove
// --org ORG --image NAME | list --org ORG; repo address --org ORG; keys list|rotate|retire
// --org ORG.
#include <array>
#include <iostream>

#include "cli/online_commands.h"
#include "cli/online_session.h"

namespace apkd::cli {
namespace {

using Verb = std::pair<std::string, std::vector<std::string>>;

Verb SplitVerb(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    return {"", {}};
  }
  return {argv[0], {argv.begin() + 1, argv.end()}};
}

int Usage(std::string_view text) {
  return ReportError(MakeError(ErrorCode::kInvalidArgument, "usage: " + std::string(text)));
}

// Runs one request and prints its JSON result (or reports its error).
int Show(Result<ApiResponse> response, const OnlineSession& session,
         const std::vector<std::string>& fields, const std::string& id_field) {
  auto body = JsonBody(std::move(response));
  if (!body.ok()) {
    return ReportError(body.error());
  }
  if (!body->is_null()) {
    PrintItems(*body, fields, id_field, session.output);
  }
  return kExitOk;
}

std::string OrgPath(const OnlineSession& session, const std::string& suffix) {
  return "/api/v1/orgs/" + PathSegment(session.args.GetOr("--org", "")) + suffix;
}

}  // namespace

int RunOrganizations(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session = StartSession(rest, {});
  if (!session.ok()) {
    return ReportError(session.error(), "iam organizations");
  }
  const auto& names = session->args.positionals();
  const std::vector<std::string> fields = {"name", "uid"};
  if (verb == "list") {
    return Show(session->client.Get("/api/v1/orgs"), *session, fields, "name");
  }
  if (verb == "create" && names.size() == 1) {
    const boost::json::object body{{"name", names[0]}};
    return Show(session->client.Post("/api/v1/orgs", boost::json::serialize(body)), *session,
                fields, "uid");
  }
  if (verb == "delete" && names.size() == 1) {
    return Show(session->client.Delete("/api/v1/orgs/" + PathSegment(names[0])), *session, fields,
                "uid");
  }
  return Usage("apkctl iam organizations create NAME | list | delete NAME");
}

namespace {

constexpr std::string_view kRoleBindingsUsage =
    "apkctl iam role-bindings list --org ORG | create --org ORG --identity ID --role ROLE | "
    "delete --org ORG ID";

int RunRoleBindings(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session =
      StartSession(rest, {.value_options = {"--org", "--identity", "--role"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "iam role-bindings");
  }
  if (!session->args.Has("--org")) {
    return Usage(kRoleBindingsUsage);
  }
  const auto& ids = session->args.positionals();
  const std::vector<std::string> fields = {"id", "identity", "role", "created_at"};
  if (verb == "list" && ids.empty()) {
    return Show(session->client.Get(OrgPath(*session, "/role-bindings")), *session, fields, "id");
  }
  const auto identity = session->args.Get("--identity");
  const auto role = session->args.Get("--role");
  if (verb == "create" && ids.empty() && identity && role) {
    const boost::json::object body{{"identity", *identity}, {"role", *role}};
    return Show(
        session->client.Post(OrgPath(*session, "/role-bindings"), boost::json::serialize(body)),
        *session, fields, "id");
  }
  if (verb == "delete" && ids.size() == 1) {
    auto deleted = RequireSuccess(
        session->client.Delete(OrgPath(*session, "/role-bindings/" + PathSegment(ids[0]))));
    if (!deleted.ok()) {
      return ReportError(deleted.error(), "iam role-bindings delete");
    }
    std::cerr << "deleted role binding " << ids[0] << "\n";
    return kExitOk;
  }
  return Usage(kRoleBindingsUsage);
}

constexpr std::string_view kRolesUsage =
    "apkctl iam roles list --org ORG | create NAME --org ORG --capabilities a,b | delete NAME "
    "--org ORG";

int RunRoles(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session = StartSession(rest, {.value_options = {"--org", "--capabilities"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "iam roles");
  }
  if (!session->args.Has("--org")) {
    return Usage(kRolesUsage);
  }
  const auto& names = session->args.positionals();
  const std::vector<std::string> fields = {"name", "builtin", "capabilities"};
  if (verb == "list" && names.empty()) {
    return Show(session->client.Get(OrgPath(*session, "/roles")), *session, fields, "name");
  }
  const auto capabilities = session->args.Get("--capabilities");
  if (verb == "create" && names.size() == 1 && capabilities) {
    const boost::json::object body{{"name", names[0]}, {"capabilities", *capabilities}};
    return Show(session->client.Post(OrgPath(*session, "/roles"), boost::json::serialize(body)),
                *session, fields, "name");
  }
  if (verb == "delete" && names.size() == 1) {
    auto deleted = RequireSuccess(
        session->client.Delete(OrgPath(*session, "/roles/" + PathSegment(names[0]))));
    if (!deleted.ok()) {
      return ReportError(deleted.error(), "iam roles delete");
    }
    std::cerr << "deleted role " << names[0] << "\n";
    return kExitOk;
  }
  return Usage(kRolesUsage);
}

}  // namespace

int RunIam(const std::vector<std::string>& argv) {
  if (!argv.empty() && (argv[0] == "organizations" || argv[0] == "orgs")) {
    return RunOrganizations({argv.begin() + 1, argv.end()});
  }
  if (!argv.empty() && argv[0] == "role-bindings") {
    return RunRoleBindings({argv.begin() + 1, argv.end()});
  }
  if (!argv.empty() && argv[0] == "roles") {
    return RunRoles({argv.begin() + 1, argv.end()});
  }
  return Usage("apkctl iam organizations create NAME | list | delete NAME\n       " +
               std::string(kRoleBindingsUsage) + "\n       " + std::string(kRolesUsage));
}

int RunImages(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session = StartSession(rest, {.value_options = {"--packages"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "images");
  }
  const auto& names = session->args.positionals();
  const std::vector<std::string> fields = {"name", "packages"};
  if (verb == "list") {
    return Show(session->client.Get("/api/v1/images"), *session, fields, "name");
  }
  if (verb == "create" && names.size() == 1 && session->args.Has("--packages")) {
    boost::json::array packages;
    const std::string list = *session->args.Get("--packages");
    for (size_t start = 0; start <= list.size();) {
      const size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start) {
        packages.emplace_back(list.substr(start, comma - start));
      }
      start = comma + 1;
    }
    const boost::json::object body{{"packages", packages}};
    return Show(session->client.Put("/api/v1/images/" + PathSegment(names[0]),
                                    boost::json::serialize(body)),
                *session, fields, "name");
  }
  if (verb == "delete" && names.size() == 1) {
    return Show(session->client.Delete("/api/v1/images/" + PathSegment(names[0])), *session, fields,
                "name");
  }
  return Usage("apkctl images create NAME --packages a,b | list | delete NAME");
}

int RunEntitlements(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session = StartSession(rest, {.value_options = {"--org", "--image"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "entitlements");
  }
  if (!session->args.Has("--org")) {
    return Usage("apkctl entitlements add|remove --org ORG --image NAME | list --org ORG");
  }
  const std::vector<std::string> fields = {"image"};
  if (verb == "list") {
    return Show(session->client.Get(OrgPath(*session, "/entitlements")), *session, fields, "image");
  }
  const std::string image = session->args.GetOr("--image", "");
  if (verb == "add" && !image.empty()) {
    const boost::json::object body{{"image", image}};
    return Show(
        session->client.Post(OrgPath(*session, "/entitlements"), boost::json::serialize(body)),
        *session, fields, "image");
  }
  if (verb == "remove" && !image.empty()) {
    return Show(session->client.Delete(OrgPath(*session, "/entitlements/" + PathSegment(image))),
                *session, fields, "image");
  }
  return Usage("apkctl entitlements add|remove --org ORG --image NAME | list --org ORG");
}

int RunRepo(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session = StartSession(rest, {.value_options = {"--org"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "repo");
  }
  if (verb != "address" || !session->args.Has("--org")) {
    return Usage("apkctl repo address --org ORG");
  }
  std::cout << session->server << "/" << PathSegment(*session->args.Get("--org")) << "\n";
  return kExitOk;
}

namespace {

// POST …/keys/retire answers 404 both for "no retiring key" and for an org the caller may not
// see; the org's key list tells them apart, so that the first gets a clear message.
int RetireKeys(const OnlineSession& session) {
  auto retired = RequireSuccess(session.client.Post(OrgPath(session, "/keys/retire"), "{}"));
  const std::string org = session.args.GetOr("--org", "");
  if (!retired.ok()) {
    if (retired.error().code() == ErrorCode::kNotFound &&
        JsonBody(session.client.Get(OrgPath(session, "/keys"))).ok()) {
      return ReportError(
          MakeError(ErrorCode::kNotFound, "nothing to retire: " + org +
                                              " has no retiring key (apkctl keys rotate makes the "
                                              "current key retiring)"),
          "keys retire");
    }
    return ReportError(retired.error(), "keys retire");
  }
  std::cerr << "retired the retiring keys of " << org << ": they no longer sign its indexes\n";
  return kExitOk;
}

}  // namespace

int RunKeys(const std::vector<std::string>& argv) {
  auto [verb, rest] = SplitVerb(argv);
  auto session = StartSession(rest, {.value_options = {"--org"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "keys");
  }
  if (!session->args.Has("--org")) {
    return Usage("apkctl keys list --org ORG | rotate --org ORG | retire --org ORG");
  }
  const std::vector<std::string> fields = {"name", "state", "created_at"};
  if (verb == "list") {
    return Show(session->client.Get(OrgPath(*session, "/keys")), *session, fields, "name");
  }
  if (verb == "rotate") {
    return Show(session->client.Post(OrgPath(*session, "/keys/rotate"), "{}"), *session, fields,
                "name");
  }
  if (verb == "retire") {
    return RetireKeys(*session);
  }
  return Usage("apkctl keys list --org ORG | rotate --org ORG | retire --org ORG");
}

std::span<const Command> OnlineCommands() {
  static constexpr std::array<Command, 8> kCommands{{
      {"auth", "log in, get a token for apk (auth token --audience HOST)",
       "auth login | logout | token [--audience HOST] [--capabilities a,b]", RunAuth},
      {"packages", "publish (files, directories, whole repositories), list, withdraw packages",
       "packages push [--org ORG] FILE|DIR...\n"
       "       apkctl packages import [--org ORG] [--arch A,B] [--auth USER:TOKEN] "
       "[--keys-dir DIR] DIR|URL\n"
       "       apkctl packages list [--org ORG] [--arch A]\n"
       "       apkctl packages withdraw NAME-VERSION --arch A [--org ORG]\n"
       "  push: DIRs are searched recursively for *.apk; each file is created, unchanged or\n"
       "        refused; exit 1 if any was refused; -o json lists the outcomes\n"
       "  import: DIR/<arch>/APKINDEX.tar.gz (or DIR/APKINDEX.tar.gz) with the packages beside\n"
       "        each index, or URL/<arch>/APKINDEX.tar.gz for --arch (default x86_64,aarch64);\n"
       "        a package must match its index record's C: checksum; --auth sends Basic\n"
       "        credentials to URL; --keys-dir verifies the index signatures",
       RunPackages},
      {"iam", "organizations and role bindings",
       "iam organizations create NAME | list | delete NAME\n"
       "       apkctl iam role-bindings list --org ORG | "
       "create --org ORG --identity ID --role ROLE | delete --org ORG ID",
       RunIam},
      {"images", "named package sets", "images create NAME --packages a,b | list | delete NAME",
       RunImages},
      {"entitlements", "which images an org may use",
       "entitlements add|remove --org ORG --image NAME | list --org ORG", RunEntitlements},
      {"repo", "the repository address of an org", "repo address --org ORG", RunRepo},
      {"keys", "an org's index signing keys",
       "keys list --org ORG | rotate --org ORG | retire --org ORG\n"
       "  rotate: a new key signs beside the old one, which becomes retiring\n"
       "  retire: retiring keys stop signing (fails when no key is retiring)",
       RunKeys},
      {"audit", "an org's audit log: downloads and denied requests (owners)",
       "audit list [--org ORG] [--kind download|denied] [--limit N] [--since UNIX]\n"
       "  newest first; --limit 1..1000 (default 100); --since keeps events at or after that\n"
       "  Unix time; -o json shows every field (user agent, method, message); without --org\n"
       "  every event, also denials outside any org (bootstrap owner)",
       RunAudit},
  }};
  return kCommands;
}

}  // namespace apkd::cli
