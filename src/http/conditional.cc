#include "http/conditional.h"

#include <algorithm>
#include <limits>

namespace apkd::http {
namespace {

constexpr unsigned char kEtagcFirst = 0x21;
constexpr unsigned char kEtagcLast = 0x7e;
constexpr unsigned char kObsTextFirst = 0x80;

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && IsOws(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && IsOws(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool IsEtagChar(unsigned char c) {
  return (c >= kEtagcFirst && c <= kEtagcLast && c != '"') || c >= kObsTextFirst;
}

struct EntityTag {
  bool weak = false;
  std::string_view quoted;  // including the quotes
};

// Parses one entity-tag at `text[pos]`, advancing `pos` past it.
std::optional<EntityTag> ParseEntityTag(std::string_view text, size_t& pos) {
  EntityTag tag;
  if (text.substr(pos, 2) == "W/") {
    tag.weak = true;
    pos += 2;
  }
  if (pos >= text.size() || text[pos] != '"') {
    return std::nullopt;
  }
  const size_t close = text.find('"', pos + 1);
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  tag.quoted = text.substr(pos, close - pos + 1);
  pos = close + 1;
  return tag;
}

std::optional<EntityTag> ParseSingleTag(std::string_view text) {
  size_t pos = 0;
  auto tag = ParseEntityTag(text, pos);
  if (!tag || pos != text.size()) {
    return std::nullopt;
  }
  return tag;
}

bool TagsMatch(const EntityTag& a, const EntityTag& b, EtagComparison comparison) {
  if (comparison == EtagComparison::kStrong && (a.weak || b.weak)) {
    return false;
  }
  return a.quoted == b.quoted;
}

// Unsigned decimal without sign or spaces; nullopt on overflow or a non-digit.
std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

// The one non-empty element of a range-set, or nullopt for zero or several elements.
std::optional<std::string_view> SingleRangeSpec(std::string_view range_set) {
  std::optional<std::string_view> found;
  size_t start = 0;
  while (start <= range_set.size()) {
    size_t comma = range_set.find(',', start);
    if (comma == std::string_view::npos) {
      comma = range_set.size();
    }
    const std::string_view element = TrimOws(range_set.substr(start, comma - start));
    if (!element.empty()) {
      if (found) {
        return std::nullopt;
      }
      found = element;
    }
    start = comma + 1;
  }
  return found;
}

constexpr RangeDecision kFull{};
constexpr RangeDecision kUnsatisfiable{.outcome = RangeOutcome::kUnsatisfiable, .range = {}};

}  // namespace

std::string StrongEtag(std::string_view opaque) {
  std::string tag = "\"";
  for (const char c : opaque) {
    if (IsEtagChar(static_cast<unsigned char>(c))) {
      tag += c;
    }
  }
  tag += '"';
  return tag;
}

bool EtagListMatches(std::string_view field_value, std::string_view etag,
                     EtagComparison comparison) {
  const std::string_view list = TrimOws(field_value);
  if (list == "*") {
    return true;
  }
  const auto ours = ParseSingleTag(etag);
  if (!ours) {
    return false;
  }
  bool matched = false;
  size_t pos = 0;
  while (pos < list.size()) {
    if (IsOws(list[pos]) || list[pos] == ',') {
      ++pos;
      continue;
    }
    const auto tag = ParseEntityTag(list, pos);
    if (!tag) {
      return false;  // a malformed list matches nothing
    }
    matched = matched || TagsMatch(*tag, *ours, comparison);
    while (pos < list.size() && IsOws(list[pos])) {
      ++pos;
    }
    if (pos < list.size() && list[pos] != ',') {
      return false;
    }
  }
  return matched;
}

ConditionalResult EvaluateConditionalGet(const HeaderMap& request_headers, std::string_view etag,
                                         std::optional<std::chrono::sys_seconds> last_modified) {
  if (const auto if_none_match = request_headers.GetCombined("If-None-Match")) {
    if (TrimOws(*if_none_match) == "*") {
      return ConditionalResult::kNotModified;
    }
    return !etag.empty() && EtagListMatches(*if_none_match, etag, EtagComparison::kWeak)
               ? ConditionalResult::kNotModified
               : ConditionalResult::kProceed;
  }
  const auto if_modified_since = request_headers.Get("If-Modified-Since");
  if (!last_modified || !if_modified_since) {
    return ConditionalResult::kProceed;
  }
  const auto since = ParseHttpDate(TrimOws(*if_modified_since));
  return since && *last_modified <= *since ? ConditionalResult::kNotModified
                                           : ConditionalResult::kProceed;
}

RangeDecision EvaluateRange(std::string_view range_value, uint64_t total) {
  const std::string_view value = TrimOws(range_value);
  const size_t equals = value.find('=');
  if (equals == std::string_view::npos || !EqualsIgnoreCase(value.substr(0, equals), "bytes")) {
    return kFull;
  }
  const auto spec = SingleRangeSpec(value.substr(equals + 1));
  if (!spec) {
    return kFull;
  }
  const size_t dash = spec->find('-');
  if (dash == std::string_view::npos) {
    return kFull;
  }
  if (dash == 0) {  // suffix range "-S": the last S bytes
    const auto suffix = ParseDecimal(spec->substr(1));
    if (!suffix) {
      return kFull;
    }
    if (*suffix == 0 || total == 0) {
      return kUnsatisfiable;
    }
    const uint64_t length = std::min(*suffix, total);
    return {.outcome = RangeOutcome::kPartial, .range = {total - length, total - 1}};
  }
  const auto first = ParseDecimal(spec->substr(0, dash));
  const std::string_view last_text = spec->substr(dash + 1);
  const auto last = last_text.empty()
                        ? std::optional<uint64_t>(std::numeric_limits<uint64_t>::max())
                        : ParseDecimal(last_text);
  if (!first || !last || *last < *first) {
    return kFull;
  }
  if (*first >= total) {
    return kUnsatisfiable;
  }
  return {.outcome = RangeOutcome::kPartial, .range = {*first, std::min(*last, total - 1)}};
}

bool IfRangeMatches(std::string_view if_range, std::string_view etag,
                    std::optional<std::chrono::sys_seconds> last_modified) {
  const std::string_view value = TrimOws(if_range);
  if (value.starts_with("W/") || value.starts_with("\"")) {
    const auto theirs = ParseSingleTag(value);
    const auto ours = ParseSingleTag(etag);
    return theirs && ours && TagsMatch(*theirs, *ours, EtagComparison::kStrong);
  }
  const auto date = ParseHttpDate(value);
  return date && last_modified && *date == *last_modified;
}

std::string ContentRangeValue(ByteRange range, uint64_t total) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(total);
}

std::string UnsatisfiedContentRangeValue(uint64_t total) {
  return "bytes */" + std::to_string(total);
}

}  // namespace apkd::http
