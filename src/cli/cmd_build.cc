// apkctl build -o OUT.apk --sign-key KEY --name N --version V --arch A [--depend D]…
// [--provides P]… [--description T] [--url U] [--license L] [--origin O] [--maintainer M]
// [--commit C] [--mtime SECONDS] DIR: packages a directory tree as a signed APK v2 file.
// Timestamps come from --mtime, else SOURCE_DATE_EPOCH, else 0, so builds are reproducible.
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "cli/args.h"
#include "cli/offline_commands.h"
#include "cli/signing_keys.h"
#include "format/package_writer.h"
#include "util/file_io.h"

namespace apkd::cli {
namespace {

Result<int64_t> BuildTime(const Args& args) {
  std::optional<std::string> text = args.Get("--mtime");
  if (!text) {
    if (const char* env = std::getenv("SOURCE_DATE_EPOCH")) {  // NOLINT(concurrency-mt-unsafe)
      text = env;
    }
  }
  if (!text) {
    return int64_t{0};
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "--mtime/SOURCE_DATE_EPOCH is not a time");
  }
  return value;
}

Result<format::PkgInfo> InfoFromArgs(const Args& args) {
  format::PkgInfo info;
  APKD_ASSIGN_OR_RETURN(info.name, args.Require("--name"));
  APKD_ASSIGN_OR_RETURN(info.version, args.Require("--version"));
  APKD_ASSIGN_OR_RETURN(info.arch, args.Require("--arch"));
  info.description = args.GetOr("--description", "");
  info.url = args.GetOr("--url", "");
  info.license = args.GetOr("--license", "");
  info.origin = args.GetOr("--origin", info.name);
  info.maintainer = args.GetOr("--maintainer", "");
  info.commit = args.GetOr("--commit", "");
  info.depends = args.GetAll("--depend");
  info.provides = args.GetAll("--provides");
  info.install_if = args.GetAll("--install-if");
  return info;
}

Result<std::string> Build(const Args& args) {
  if (args.positionals().size() != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "expected one DIR");
  }
  APKD_ASSIGN_OR_RETURN(const std::string output, args.Require("-o"));
  APKD_ASSIGN_OR_RETURN(format::PkgInfo info, InfoFromArgs(args));
  APKD_ASSIGN_OR_RETURN(const int64_t mtime, BuildTime(args));
  std::unique_ptr<crypto::LocalSigner> signer;
  if (!args.Has("--unsigned")) {
    APKD_ASSIGN_OR_RETURN(const std::string key_path, args.Require("--sign-key"));
    APKD_ASSIGN_OR_RETURN(signer, LoadSigner(key_path));
  }
  APKD_ASSIGN_OR_RETURN(auto files, format::CollectPackageFiles(args.positionals()[0]));
  APKD_ASSIGN_OR_RETURN(const std::string package,
                        format::BuildPackage(std::move(info), std::move(files), signer.get(),
                                             {.mtime = mtime, .compression_level = 9}));
  APKD_RETURN_IF_ERROR(WriteFileAtomic(output, package));
  return output;
}

}  // namespace

int RunBuild(const std::vector<std::string>& argv) {
  auto args = Args::Parse(
      argv, {.value_options = {"-o", "--sign-key", "--name", "--version", "--arch", "--depend",
                               "--provides", "--install-if", "--description", "--url", "--license",
                               "--origin", "--maintainer", "--commit", "--mtime"},
             .flags = {"--unsigned"}});
  if (!args.ok()) {
    return ReportError(args.error(), "build");
  }
  auto output = Build(*args);
  if (!output.ok()) {
    return ReportError(output.error(), "build");
  }
  std::cerr << "wrote " << *output << "\n";
  return kExitOk;
}

}  // namespace apkd::cli
