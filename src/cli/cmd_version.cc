// apkctl version A B: prints <, = or > as apk 3 orders A against B, and notes on stderr where
// apk 2.14 or apko would order them differently. apkctl version --check V…: a validity report
// per version (apk 3, apk 2.14, apko, the server's safe profile); exit 1 if one is invalid.
#include <iostream>

#include "cli/args.h"
#include "cli/offline_commands.h"
#include "format/version.h"

namespace apkd::cli {
namespace {

std::string_view YesNo(bool value) { return value ? "yes" : "no"; }

int CheckVersions(const std::vector<std::string>& versions) {
  int invalid = 0;
  for (const std::string& version : versions) {
    const format::VersionReport report = format::ValidateVersion(version);
    std::cout << version << ": apk3 " << YesNo(report.valid_apk3) << ", apk2 "
              << YesNo(report.valid_apk2) << ", apko " << YesNo(report.valid_apko)
              << ", safe profile " << YesNo(report.safe_profile) << "\n";
    for (const std::string& problem : report.problems) {
      std::cout << "  " << problem << "\n";
    }
    invalid += report.valid_apk3 ? 0 : 1;
  }
  return invalid == 0 ? kExitOk : kExitFailure;
}

}  // namespace

int RunVersion(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {.value_options = {}, .flags = {"--check"}});
  if (!args.ok()) {
    return ReportError(args.error(), "version");
  }
  if (args->Has("--check")) {
    return CheckVersions(args->positionals());
  }
  if (args->positionals().size() != 2) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "expected two versions A B"),
                       "version");
  }
  const std::string& a = args->positionals()[0];
  const std::string& b = args->positionals()[1];
  for (const std::string& version : {a, b}) {
    if (!format::IsValidVersion(version)) {
      std::cerr << "apkctl: warning: '" << version << "' is not a valid apk 3 version\n";
    }
  }
  const auto apk3 = format::CompareVersions(a, b);
  std::cout << format::OrderSymbol(apk3) << "\n";
  if (const auto apk2 = format::CompareVersionsApk2(a, b); apk2 != apk3) {
    std::cerr << "note: apk 2.14 orders them " << format::OrderSymbol(apk2) << "\n";
  }
  if (const auto apko = format::CompareVersionsApko(a, b); !apko) {
    std::cerr << "note: apko cannot parse one of them\n";
  } else if (*apko != apk3) {
    std::cerr << "note: apko orders them " << format::OrderSymbol(*apko) << "\n";
  }
  return kExitOk;
}

}  // namespace apkd::cli
