// apkctl packages import: reads each APKINDEX.tar.gz of a repository (local or over http),
// checks every listed package against its record and publishes it through UploadPackage.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <stdlib.h>

#include "cli/command.h"
#include "cli/http_download.h"
#include "cli/package_import.h"
#include "cli/upload_report.h"
#include "format/package_reader.h"
#include "index/index_archive.h"
#include "index/keyring.h"
#include "util/file_io.h"

namespace apkd::cli {
namespace {

constexpr std::string_view kIndexName = "APKINDEX.tar.gz";
constexpr std::string_view kDefaultRemoteArches = "x86_64,aarch64";

std::vector<std::string> SplitCommas(std::string_view list) {
  std::vector<std::string> parts;
  for (size_t start = 0; start <= list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) {
      parts.emplace_back(list.substr(start, comma - start));
    }
    start = comma + 1;
  }
  return parts;
}

// A private directory for downloads, removed with its contents when the owner goes away.
class ScratchDir {
 public:
  ScratchDir() = default;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }

  Result<std::string> Path() {
    if (path_.empty()) {
      std::error_code ec;
      std::string pattern =
          (std::filesystem::temp_directory_path(ec) / "apkctl-import-XXXXXX").string();
      if (ec || ::mkdtemp(pattern.data()) == nullptr) {
        return MakeError(ErrorCode::kIoError, "cannot create a temporary directory");
      }
      path_ = pattern;
    }
    return path_;
  }

 private:
  std::string path_;
};

// The repository's files, read in place from a directory or downloaded from a URL.
class RepoSource {
 public:
  RepoSource(std::string root, bool is_remote, std::string basic_auth)
      : root_(std::move(root)), is_remote_(is_remote), basic_auth_(std::move(basic_auth)) {
    while (root_.size() > 1 && root_.back() == '/') {
      root_.pop_back();
    }
  }

  bool is_remote() const { return is_remote_; }
  const std::string& root() const { return root_; }

  // `file` in index directory `dir` ("" for a flat repository), for messages.
  std::string Show(const std::string& dir, const std::string& file) const {
    const std::string shown = root_ + (dir.empty() ? "" : "/" + dir) + "/" + file;
    return is_remote_ ? RedactUrl(shown) : shown;
  }

  // A local path holding the file's bytes: the file itself, or a fresh download (which Release
  // deletes). kNotFound when the repository has no such file.
  Result<std::string> Fetch(const std::string& dir, const std::string& file) {
    if (!is_remote_) {
      std::string path = Show(dir, file);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        return MakeError(ErrorCode::kNotFound, path + ": no such file");
      }
      return path;
    }
    APKD_ASSIGN_OR_RETURN(const std::string scratch, scratch_.Path());
    std::string local = scratch + "/download-" + std::to_string(++downloads_);
    const std::string url =
        root_ + (dir.empty() ? "" : "/" + PathSegment(dir)) + "/" + PathSegment(file);
    APKD_RETURN_IF_ERROR(DownloadFile(url, local, {.basic_auth = basic_auth_}));
    return local;
  }

  void Release(const std::string& local_path) const {
    if (is_remote_) {
      std::remove(local_path.c_str());
    }
  }

 private:
  std::string root_;
  bool is_remote_;
  std::string basic_auth_;
  ScratchDir scratch_;
  uint64_t downloads_ = 0;
};

struct IndexDir {
  std::string dir;        // "" for DIR/APKINDEX.tar.gz, else an arch
  bool required = false;  // a missing index is refused (else skipped with a note)
};

Result<std::vector<IndexDir>> FindIndexes(const RepoSource& source,
                                          const std::optional<std::string>& arches) {
  std::vector<IndexDir> found;
  if (source.is_remote()) {
    for (std::string& arch : SplitCommas(arches.value_or(std::string(kDefaultRemoteArches)))) {
      found.push_back({.dir = std::move(arch), .required = arches.has_value()});
    }
    return found;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(source.root(), ec)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     source.root() + " is neither a directory nor an http(s) URL");
  }
  if (arches) {
    for (std::string& arch : SplitCommas(*arches)) {
      found.push_back({.dir = std::move(arch), .required = true});
    }
    return found;
  }
  if (std::filesystem::is_regular_file(source.Show("", std::string(kIndexName)), ec)) {
    return std::vector<IndexDir>{{.dir = "", .required = true}};
  }
  for (const auto& entry : std::filesystem::directory_iterator(source.root(), ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) &&
        std::filesystem::is_regular_file(source.Show(name, std::string(kIndexName)), ec)) {
      found.push_back({.dir = name, .required = true});
    }
  }
  if (found.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     source.root() + " holds no APKINDEX.tar.gz, neither at its top nor in " +
                         "<arch> subdirectories");
  }
  std::sort(found.begin(), found.end(),
            [](const IndexDir& a, const IndexDir& b) { return a.dir < b.dir; });
  return found;
}

// Errors that say the whole run cannot go on (credentials, server, network), as opposed to one
// file's problem.
bool StopsTheRun(const Error& error) {
  return error.code() == ErrorCode::kUnauthenticated ||
         error.code() == ErrorCode::kPermissionDenied || error.code() == ErrorCode::kUnavailable;
}

struct ImportContext {
  RepoSource& source;
  const ApiClient& client;
  std::string api_path;
  const index::Keyring* keyring = nullptr;  // verify index signatures when set
  UploadReport& report;
};

// The package of one index record: found, matching the record's C:, then uploaded.
Result<UploadOutcome> ImportRecord(ImportContext& ctx, const std::string& dir,
                                   const format::IndexRecord& record) {
  const std::string file = record.name + "-" + record.version + ".apk";
  UploadOutcome refused = UploadOutcome::Refused(ctx.source.Show(dir, file), "");
  if (file.find('/') != std::string::npos || file.starts_with('.')) {
    refused.reason = "the index names an unsafe file name";
    return refused;
  }
  auto local = ctx.source.Fetch(dir, file);
  if (!local.ok()) {
    if (StopsTheRun(local.error())) {
      return local.error();
    }
    refused.reason = local.error().code() == ErrorCode::kNotFound
                         ? "missing: the index lists " + record.name + "-" + record.version +
                               " but the repository has no " + file
                         : local.error().message();
    return refused;
  }
  auto bytes = ReadFile(*local);
  auto package = bytes.ok() ? format::ReadPackage(*bytes) : Result<format::Package>(bytes.error());
  if (!package.ok()) {
    ctx.source.Release(*local);
    refused.reason = "not a valid package: " + package.error().message();
    return refused;
  }
  if (package->identity != record.checksum) {
    ctx.source.Release(*local);
    refused.reason = "checksum mismatch: the index says " + record.checksum + ", the file has " +
                     package->identity;
    return refused;
  }
  auto outcome = UploadPackage(ctx.client, ctx.api_path, *local, refused.file);
  ctx.source.Release(*local);
  return outcome;
}

// Imports every record of one index; an error only when the run must stop.
Status ImportIndex(ImportContext& ctx, const IndexDir& index_dir) {
  const std::string shown = ctx.source.Show(index_dir.dir, std::string(kIndexName));
  auto refuse = [&](std::string reason) {
    ctx.report.Add(UploadOutcome::Refused(shown, std::move(reason)));
    return OkStatus();
  };
  auto local = ctx.source.Fetch(index_dir.dir, std::string(kIndexName));
  if (!local.ok()) {
    if (StopsTheRun(local.error())) {
      return local.error();
    }
    if (local.error().code() == ErrorCode::kNotFound && !index_dir.required) {
      std::cerr << "apkctl: no index at " << shown << ", skipped\n";
      return OkStatus();
    }
    return refuse(local.error().code() == ErrorCode::kNotFound ? "no such index"
                                                               : local.error().message());
  }
  auto bytes = ReadFile(*local);
  ctx.source.Release(*local);
  if (!bytes.ok()) {
    return refuse(bytes.error().message());
  }
  auto archive = ctx.keyring != nullptr ? index::ReadVerifiedIndex(*bytes, *ctx.keyring)
                                        : index::ReadIndexArchive(*bytes);
  if (!archive.ok()) {
    return refuse("index refused: " + archive.error().message());
  }
  std::cerr << shown << ": " << archive->records.size() << " packages\n";
  for (const format::IndexRecord& record : archive->records) {
    APKD_ASSIGN_OR_RETURN(UploadOutcome outcome, ImportRecord(ctx, index_dir.dir, record));
    ctx.report.Add(std::move(outcome));
  }
  return OkStatus();
}

}  // namespace

int ImportPackages(OnlineSession& session) {
  const auto& positionals = session.args.positionals();
  if (positionals.size() != 1) {
    return ReportError(
        MakeError(ErrorCode::kInvalidArgument,
                  "usage: packages import [--org ORG] [--arch A,B] [--auth USER:TOKEN] "
                  "[--keys-dir DIR] DIR|URL"),
        "packages import");
  }
  const std::string& where = positionals[0];
  const bool is_remote = where.starts_with("http://") || where.starts_with("https://");
  if (!is_remote && where.find("://") != std::string::npos) {
    return ReportError(
        MakeError(ErrorCode::kInvalidArgument, "SOURCE must be a directory or an http(s) URL"),
        "packages import");
  }
  std::optional<index::Keyring> keyring;
  if (const auto keys_dir = session.args.Get("--keys-dir")) {
    auto loaded = index::Keyring::LoadDirectory(*keys_dir);
    if (!loaded.ok()) {
      return ReportError(loaded.error(), "packages import: loading keys");
    }
    keyring = std::move(loaded).value();
  }
  RepoSource source(where, is_remote, session.args.GetOr("--auth", ""));
  auto indexes = FindIndexes(source, session.args.Get("--arch"));
  if (!indexes.ok()) {
    return ReportError(indexes.error(), "packages import");
  }
  UploadReport report(session.output);
  ImportContext ctx{.source = source,
                    .client = session.client,
                    .api_path = PackagesApiPath(session.args.Get("--org")),
                    .keyring = keyring ? &*keyring : nullptr,
                    .report = report};
  for (const IndexDir& index_dir : *indexes) {
    if (Status s = ImportIndex(ctx, index_dir); !s.ok()) {
      return report.Finish(s.error());
    }
  }
  return report.Finish();
}

}  // namespace apkd::cli
