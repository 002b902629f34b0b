// apkctl info [--rewrite-arch ARCH] FILE.apk: the package's APKINDEX record, as an index
// built from it would carry it. Warnings (e.g. versions some client orders differently) go to
// stderr.
#include <iostream>

#include "cli/args.h"
#include "cli/offline_commands.h"
#include "format/apkindex_text.h"
#include "format/package_reader.h"
#include "util/file_io.h"

namespace apkd::cli {

int RunInfo(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {.value_options = {"--rewrite-arch"}, .flags = {}});
  if (!args.ok()) {
    return ReportError(args.error(), "info");
  }
  if (args->positionals().size() != 1) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "expected one FILE.apk"), "info");
  }
  const std::string& path = args->positionals()[0];
  auto bytes = ReadFile(path);
  if (!bytes.ok()) {
    return ReportError(bytes.error(), "info");
  }
  auto package = format::ReadPackage(*bytes);
  if (!package.ok()) {
    return ReportError(package.error(), path);
  }
  for (const std::string& warning : package->warnings) {
    std::cerr << "apkctl: warning: " << path << ": " << warning << "\n";
  }
  std::cout << format::FormatIndexRecord(package->ToIndexRecord(args->GetOr("--rewrite-arch", "")));
  return kExitOk;
}

}  // namespace apkd::cli
