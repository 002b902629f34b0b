// apkctl index -o OUT --sign-key KEY… [--rewrite-arch ARCH] [--description TEXT] [--sha1-first]
// FILE.apk…: what `apk index` followed by `abuild-sign` do, in one step.
#include <iostream>
#include <set>

#include "cli/args.h"
#include "cli/offline_commands.h"
#include "cli/signing_keys.h"
#include "format/apkindex_text.h"
#include "format/package_reader.h"
#include "index/index_builder.h"
#include "util/file_io.h"

namespace apkd::cli {
namespace {

Result<std::vector<format::IndexRecord>> ReadRecords(const std::vector<std::string>& files,
                                                     const std::string& rewrite_arch) {
  std::vector<format::IndexRecord> records;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& file : files) {
    APKD_ASSIGN_OR_RETURN(const std::string bytes, ReadFile(file));
    auto package = format::ReadPackage(bytes);
    if (!package.ok()) {
      return package.error().WithContext(file);
    }
    for (const std::string& warning : package->warnings) {
      std::cerr << "apkctl: warning: " << file << ": " << warning << "\n";
    }
    if (!seen.emplace(package->info.name, package->info.version).second) {
      return MakeError(ErrorCode::kInvalidArgument, file + ": " + package->info.name + "-" +
                                                        package->info.version + " is given twice");
    }
    records.push_back(package->ToIndexRecord(rewrite_arch));
  }
  format::SortIndexRecords(records);
  return records;
}

}  // namespace

int RunIndex(const std::vector<std::string>& argv) {
  auto args = Args::Parse(
      argv, {.value_options = {"-o", "--output", "--sign-key", "--rewrite-arch", "--description"},
             .flags = {"--sha1-first"}});
  if (!args.ok()) {
    return ReportError(args.error(), "index");
  }
  const auto output = args->Get("-o") ? args->Get("-o") : args->Get("--output");
  if (!output) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "missing -o OUT"), "index");
  }
  if (args->GetAll("--sign-key").empty()) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "missing --sign-key KEY"), "index");
  }
  auto signers = LoadSigners(args->GetAll("--sign-key"));
  if (!signers.ok()) {
    return ReportError(signers.error(), "index");
  }
  auto records = ReadRecords(args->positionals(), args->GetOr("--rewrite-arch", ""));
  if (!records.ok()) {
    return ReportError(records.error(), "index");
  }
  index::IndexBuildOptions options;
  options.description = args->GetOr("--description", "");
  options.sha1_signature_first = args->Has("--sha1-first");
  auto bytes = index::BuildSignedIndex(*records, signers->view, options);
  if (!bytes.ok()) {
    return ReportError(bytes.error(), "index");
  }
  if (Status s = WriteFileAtomic(*output, *bytes); !s.ok()) {
    return ReportError(s.error(), "index");
  }
  std::cerr << "Index has " << records->size() << " packages (signed by";
  for (const crypto::Signer* signer : signers->view) {
    std::cerr << " " << signer->key_name();
  }
  std::cerr << ")\n";
  return kExitOk;
}

}  // namespace apkd::cli
