// apkctl packages push [--org ORG] PATH… (files, or directories searched for *.apk) |
// import [--org ORG] SOURCE (cmd_import.cc) | list [--org ORG] [--arch A] |
// withdraw NAME-VERSION --arch A [--org ORG]. Without --org, the shared catalog.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/online_commands.h"
#include "cli/online_session.h"
#include "cli/package_import.h"
#include "cli/upload_report.h"
#include "format/version.h"

namespace apkd::cli {
namespace {

// Files as given; directories walked recursively for *.apk, each directory's files sorted.
std::vector<std::string> PackageFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      files.push_back(path);  // a missing or unreadable file is reported as refused
      continue;
    }
    std::vector<std::string> found;
    for (std::filesystem::recursive_directory_iterator it(path, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().extension() == ".apk" && it->is_regular_file(ec)) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      std::cerr << "apkctl: warning: " << path << ": " << ec.message() << "\n";
    }
    if (found.empty()) {
      std::cerr << "apkctl: warning: no .apk files under " << path << "\n";
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

int Push(OnlineSession& session) {
  if (session.args.positionals().empty()) {
    return ReportError(
        MakeError(ErrorCode::kInvalidArgument, "usage: packages push [--org ORG] FILE|DIR..."),
        "packages push");
  }
  UploadReport report(session.output);
  const std::string api_path = PackagesApiPath(session.args.Get("--org"));
  for (const std::string& file : PackageFiles(session.args.positionals())) {
    auto outcome = UploadPackage(session.client, api_path, file);
    if (!outcome.ok()) {
      return report.Finish(outcome.error().WithContext(file));
    }
    report.Add(std::move(outcome).value());
  }
  return report.Finish();
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
  const std::string path = PackagesApiPath(session.args.Get("--org")) + "/" + PathSegment(*arch) +
                           "/" + PathSegment(split->first) + "/" + PathSegment(split->second);
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
  ArgSpec spec{.value_options = {"--org", "--arch"}, .flags = {}};
  if (verb == "import") {
    spec.value_options.insert({"--auth", "--keys-dir"});
  }
  auto session = StartSession({argv.begin() + (argv.empty() ? 0 : 1), argv.end()}, spec);
  if (!session.ok()) {
    return ReportError(session.error(), "packages");
  }
  if (verb == "push") {
    return Push(*session);
  }
  if (verb == "import") {
    return ImportPackages(*session);
  }
  if (verb == "withdraw") {
    return Withdraw(*session);
  }
  if (verb == "list") {
    auto body = JsonBody(session->client.Get(PackagesApiPath(session->args.Get("--org"))));
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
  return ReportError(
      MakeError(ErrorCode::kInvalidArgument, "usage: apkctl packages push|import|list|withdraw"),
      "packages");
}

}  // namespace apkd::cli
