// Request-target handling: split off the query, percent-decode and normalise the path, split it
// into segments. The rules follow what apk-tools and apko send (apk-protocol.md §1.5):
//   * %XX is decoded with either hex case ("%7e" and "%7E" are '~'); '+' stays a literal '+';
//   * runs of '/' collapse to one ('//x86_64' from apko's library path becomes '/x86_64');
//   * rejected (kInvalidArgument, answered with 400): a malformed escape, %00 or any control
//     byte, and "." / ".." segments (raw or encoded, e.g. "%2e%2e");
//   * %2F (an encoded '/') is rejected too: a decoded slash inside a segment would make one URL
//     segment look like two to everything after routing (storage keys, file names), and no valid
//     org, arch or package file name contains '/'. Rejecting it keeps "segment" unambiguous;
//   * a path longer than the limit is kLimitExceeded (answered with 414).
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::http {

// apk-tools cap whole URLs at 4095 bytes (apk-protocol.md §1.6); leave room for proxies.
inline constexpr size_t kDefaultMaxPathBytes = 8192;

struct TargetParts {
  std::string_view path;   // raw (still encoded) path, starts with '/'
  std::string_view query;  // raw text after '?', without the '?'
};

// Accepts origin-form ("/a/b?q") and absolute-form ("http://host/a/b?q"; the path defaults to
// "/"). Anything else ("*", authority-form, a fragment) is kInvalidArgument.
Result<TargetParts> SplitTarget(std::string_view target);

// Decodes and normalises a raw path per the rules above. Keeps a trailing '/'.
Result<std::string> DecodePath(std::string_view raw_path, size_t max_bytes = kDefaultMaxPathBytes);

// Non-empty segments of a decoded path: "/acme//x86_64/" -> {"acme", "x86_64"}.
// The views point into `path`.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace apkd::http
