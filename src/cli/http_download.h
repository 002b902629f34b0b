// Downloading one file of an apk repository over http(s) into a local file, with optional Basic
// credentials (what apk's HTTP_AUTH sends). Wraps libcurl: http and https only, redirects
// followed (credentials are not sent to another host), a size cap. Credentials never appear in
// error messages. Thread-safe (no shared state besides curl's one-time global init).
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace apkd::cli {

struct DownloadOptions {
  std::string basic_auth;  // "user:token"; empty sends no credentials
  uint64_t max_bytes = uint64_t{512} << 20;
  long timeout_seconds = 300;
};

// Writes the body of `url` to `dest_path` (created or truncated). On failure the file is removed.
// Errors: kNotFound (404, 410), kUnauthenticated (401), kPermissionDenied (403), kLimitExceeded
// (larger than max_bytes), kUnavailable (unreachable, other statuses), kIoError (local file).
Status DownloadFile(const std::string& url, const std::string& dest_path,
                    const DownloadOptions& options);

// `url` with any user:password@ part replaced by "***@", for messages.
std::string RedactUrl(const std::string& url);

}  // namespace apkd::cli
