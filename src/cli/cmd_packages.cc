// apkctl packages push [--org ORG] FILE… | list [--org ORG] [--arch A] |
// withdraw NAME-VERSION --arch A [--org ORG]. Without --org, the shared catalog.
#include <iostream>

#include "cli/online_commands.h"
#include "cli/online_session.h"
#include "format/version.h"

namespace apkd::cli {
namespace {

constexpr uint64_t kShowProgressFrom = 1024 * 1024;

std::string PackagesPath(const OnlineSession& session) {
  const auto org = session.args.Get("--org");
  return org ? "/api/v1/orgs/" + PathSegment(*org) + "/packages" : "/api/v1/packages";
}

int Push(OnlineSession& session) {
  int failures = 0;
  for (const std::string& file : session.args.positionals()) {
    bool shown = false;
    auto body = JsonBody(session.client.Upload(PackagesPath(session), file,
                                               [&](uint64_t sent, uint64_t total) {
                                                 if (total < kShowProgressFrom) {
                                                   return;
                                                 }
                                                 shown = true;
                                                 std::cerr << "\r" << file << ": "
                                                           << sent * 100 / total << "%"
                                                           << std::flush;
                                               }));
    if (shown) {
      std::cerr << "\n";
    }
    if (!body.ok()) {
      ReportError(body.error(), file);
      ++failures;
      continue;
    }
    const auto& object = body->as_object();
    const bool created = !object.contains("created") || object.at("created").as_bool();
    std::cerr << file << ": " << (created ? "published " : "already published ")
              << std::string(object.at("name").as_string()) << "-"
              << std::string(object.at("version").as_string()) << " ("
              << std::string(object.at("arch").as_string()) << ")\n";
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

// "name-1.2-r0" -> ("name", "1.2-r0"), splitting at the last '-' that leaves a valid version.
std::optional<std::pair<std::string, std::string>> SplitNameVersion(const std::string& text) {
  for (size_t dash = text.find('-'); dash != std::string::npos; dash = text.find('-', dash + 1)) {
    if (format::IsValidVersion(text.substr(dash + 1))) {
      return std::pair{text.substr(0, dash), text.substr(dash + 1)};
    }
  }
  return std::nullopt;
}

int Withdraw(OnlineSession& session) {
  const auto arch = session.args.Get("--arch");
  const auto split = session.args.positionals().size() == 1
                         ? SplitNameVersion(session.args.positionals()[0])
                         : std::nullopt;
  if (!arch || !split) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                 "usage: packages withdraw NAME-VERSION --arch A [--org ORG]"),
                       "packages withdraw");
  }
  const std::string path = PackagesPath(session) + "/" + PathSegment(*arch) + "/" +
                           PathSegment(split->first) + "/" + PathSegment(split->second);
  auto body = JsonBody(session.client.Delete(path));
  if (!body.ok()) {
    return ReportError(body.error(), "packages withdraw");
  }
  std::cerr << "withdrawn " << session.args.positionals()[0] << " (" << *arch << ")\n";
  return kExitOk;
}

}  // namespace

int RunPackages(const std::vector<std::string>& argv) {
  const std::string verb = argv.empty() ? "" : argv[0];
  auto session = StartSession({argv.begin() + (argv.empty() ? 0 : 1), argv.end()},
                              {.value_options = {"--org", "--arch"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "packages");
  }
  if (verb == "push") {
    return Push(*session);
  }
  if (verb == "withdraw") {
    return Withdraw(*session);
  }
  if (verb == "list") {
    auto body = JsonBody(session->client.Get(PackagesPath(*session)));
    if (!body.ok()) {
      return ReportError(body.error(), "packages list");
    }
    if (const auto arch = session->args.Get("--arch"); arch && body->is_object()) {
      auto& items = body->as_object()["items"].as_array();
      boost::json::array kept;
      for (auto& item : items) {
        if (item.as_object().at("arch").as_string() == *arch) {
          kept.push_back(item);
        }
      }
      items = std::move(kept);
    }
    PrintItems(*body, {"name", "version", "arch", "size", "checksum"}, "name", session->output);
    return kExitOk;
  }
  return ReportError(MakeError(ErrorCode::kInvalidArgument,
                               "usage: apkctl packages push|list|withdraw"),
                     "packages");
}

}  // namespace apkd::cli
