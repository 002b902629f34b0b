// HTTP validators and conditional/range requests (RFC 9110 §8.8, §13, §14), as pure functions:
//   * HTTP-date: emit only IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", the one format
//     apk-tools accept, apk-protocol.md §5.5); accept IMF-fixdate, RFC 850 and asctime on input;
//   * entity-tags: strong ETag formatting, If-None-Match / If-Match list matching;
//   * the 304 decision for GET/HEAD (If-None-Match, else If-Modified-Since);
//   * a single byte range ("bytes=N-", "bytes=N-M", "bytes=-S"), If-Range, Content-Range text.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/headers.h"

namespace apkd::http {

// IMF-fixdate, always "GMT".
std::string FormatHttpDate(std::chrono::sys_seconds time);
// Any of the three HTTP-date formats (RFC 9110 §5.6.7); nullopt when malformed. A two-digit
// RFC 850 year more than 50 years in the future means the previous century.
std::optional<std::chrono::sys_seconds> ParseHttpDate(std::string_view text);

// `"opaque"`. Characters outside etagc (RFC 9110 §8.8.3: 0x21, 0x23-0x7E, obs-text) are dropped.
std::string StrongEtag(std::string_view opaque);

enum class EtagComparison {
  kStrong,  // both tags strong and identical (If-Match, If-Range)
  kWeak,    // identical after dropping "W/" (If-None-Match)
};

// True when the If-None-Match / If-Match field value is "*" or lists a tag equal to `etag` under
// `comparison`. A malformed list matches nothing.
bool EtagListMatches(std::string_view field_value, std::string_view etag,
                     EtagComparison comparison);

enum class ConditionalResult { kProceed, kNotModified };

// RFC 9110 §13.2.2 steps 3-4 for a GET or HEAD of an existing representation: If-None-Match
// decides when present (weak comparison; "*" always matches); otherwise If-Modified-Since gives
// 304 when `last_modified` is not after the given date. Unparseable dates are ignored.
ConditionalResult EvaluateConditionalGet(const HeaderMap& request_headers, std::string_view etag,
                                         std::optional<std::chrono::sys_seconds> last_modified);

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

enum class RangeOutcome {
  kFull,           // no usable Range: send the whole representation with 200
  kPartial,        // send `range` with 206
  kUnsatisfiable,  // answer 416 with "Content-Range: bytes */total"
};

struct RangeDecision {
  RangeOutcome outcome = RangeOutcome::kFull;
  ByteRange range;
  bool operator==(const RangeDecision&) const = default;
};

// Evaluates a Range field value against a representation of `total` bytes. Only a single
// "bytes" range is served; other units, syntax errors and multiple ranges give kFull (RFC 9110
// §14.2 lets a server ignore Range). kUnsatisfiable when the first byte is at or past the end,
// or for a zero suffix ("bytes=-0") or any range of an empty representation.
RangeDecision EvaluateRange(std::string_view range_value, uint64_t total);

// If-Range (RFC 9110 §13.1.5): true when the Range may be honoured, i.e. the field holds a strong
// entity-tag equal to `etag`, or an HTTP-date equal to `last_modified`.
bool IfRangeMatches(std::string_view if_range, std::string_view etag,
                    std::optional<std::chrono::sys_seconds> last_modified);

// "bytes N-M/T" and "bytes */T".
std::string ContentRangeValue(ByteRange range, uint64_t total);
std::string UnsatisfiedContentRangeValue(uint64_t total);

}  // namespace apkd::http
