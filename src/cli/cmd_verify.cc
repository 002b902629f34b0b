// apkctl verify [--keys-dir DIR] FILE…: checks packages (.apk) and indexes (anything else) the
// way apk-tools would: structure, checksums, and the first signature whose key is trusted.
// Exit 0 only if every file verifies.
#include <iostream>

#include "cli/args.h"
#include "cli/offline_commands.h"
#include "format/package_reader.h"
#include "index/index_archive.h"
#include "index/signature_check.h"
#include "util/file_io.h"

namespace apkd::cli {
namespace {

Result<index::Verified> VerifyFile(const std::string& path, const index::Keyring& keyring) {
  APKD_ASSIGN_OR_RETURN(const std::string bytes, ReadFile(path));
  if (path.ends_with(".apk")) {
    APKD_ASSIGN_OR_RETURN(const format::Package package, format::ReadPackage(bytes));
    return index::VerifySignatureEntries(package.signatures, package.control.In(bytes), keyring);
  }
  APKD_ASSIGN_OR_RETURN(const index::IndexArchive archive, index::ReadIndexArchive(bytes));
  return index::VerifySignatureEntries(archive.signatures, archive.signed_data.In(bytes), keyring);
}

}  // namespace

int RunVerify(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {.value_options = {"--keys-dir"}, .flags = {}});
  if (!args.ok()) {
    return ReportError(args.error(), "verify");
  }
  if (args->positionals().empty()) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "no FILE given"), "verify");
  }
  auto keyring = index::Keyring::LoadDirectory(args->GetOr("--keys-dir", "/etc/apk/keys"));
  if (!keyring.ok()) {
    return ReportError(keyring.error(), "verify: loading keys");
  }
  int failures = 0;
  for (const std::string& path : args->positionals()) {
    auto verified = VerifyFile(path, *keyring);
    if (verified.ok()) {
      std::cout << path << ": OK (" << format::SignatureAlgorithmName(verified->algorithm)
                << " signature by " << verified->key_name << ")\n";
    } else {
      std::cout << path << ": FAILED: " << verified.error().message() << "\n";
      ++failures;
    }
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace apkd::cli
