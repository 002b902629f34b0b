// Publishing many packages in one command (apkctl packages push / import): one outcome per file
// — created, unchanged (the same bytes were already published) or refused (the server's 400,
// 409 or 413 reason, or a local check that failed) — printed as it happens and summarised as
// "N created, M unchanged, K refused". Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "util/result.h"

namespace apkd::cli {

// "/api/v1/orgs/<org>/packages", or the shared catalog's "/api/v1/packages" without an org.
std::string PackagesApiPath(const std::optional<std::string>& org);

enum class Outcome { kCreated, kUnchanged, kRefused };

struct UploadOutcome {
  std::string file;  // what was uploaded: a path, or the URL it was downloaded from
  Outcome outcome = Outcome::kRefused;
  std::string name;  // the package as the server recorded it; empty when refused
  std::string version;
  std::string arch;
  std::string reason;  // why it was refused

  static UploadOutcome Refused(std::string file, std::string reason) {
    UploadOutcome outcome;
    outcome.file = std::move(file);
    outcome.reason = std::move(reason);
    return outcome;
  }
};

// POSTs the .apk at `file_path` to `api_path`, with progress on stderr for large files. A 400,
// 409 or 413 answer (and an unreadable file) is a refused outcome; any other failure — server
// unreachable, 401, 403, 404, 5xx — is an error, after which a run should stop. `shown_as`
// names the file in the outcome (defaults to `file_path`).
Result<UploadOutcome> UploadPackage(const ApiClient& client, const std::string& api_path,
                                    const std::string& file_path, const std::string& shown_as = {});

// Collects outcomes and prints them per `output` (product.md §5 -o):
//   table (and env): one line per outcome on stdout as it is added, then the summary line;
//   json: nothing until Finish, then {"items":[{file,outcome,name,version,arch,reason}],
//         "created":N,"unchanged":M,"refused":K[,"error":"…"]} on stdout;
//   id:   NAME-VERSION of each created or unchanged package on stdout.
// In json and id modes refusals and the summary also go to stderr.
class UploadReport {
 public:
  explicit UploadReport(std::string output) : output_(std::move(output)) {}

  void Add(UploadOutcome outcome);
  // Prints the summary; `stopped_by` is the error that ended the run early, if any (reported on
  // stderr too). Returns the exit code: kExitOk only if nothing was refused and nothing stopped
  // the run.
  int Finish(const std::optional<Error>& stopped_by = std::nullopt);

 private:
  std::string output_;
  std::vector<UploadOutcome> outcomes_;
};

}  // namespace apkd::cli
