#include "http/path.h"

#include "util/encoding.h"

namespace apkd::http {
namespace {

constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7f;

bool IsControl(unsigned char c) { return c < kFirstPrintable || c == kDelete; }

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != prefix[i]) {
      return false;
    }
  }
  return true;
}

Error BadPath(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad request path: " + std::move(message));
}

// Checks the segment that ends at the end of `out` (after the last '/').
bool IsDotSegment(std::string_view out) {
  const size_t slash = out.rfind('/');
  const std::string_view segment = out.substr(slash + 1);
  return segment == "." || segment == "..";
}

// The byte at raw[i], decoding a %XX escape (and advancing `i` past it). Rejects malformed
// escapes, an encoded '/', and NUL / control bytes.
Result<char> NextByte(std::string_view raw, size_t& i) {
  char c = raw[i];
  if (c == '%') {
    const bool complete = i + 2 < raw.size();
    const int hi = complete ? HexDigitValue(raw[i + 1]) : -1;
    const int lo = complete ? HexDigitValue(raw[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return BadPath("malformed percent-escape");
    }
    c = static_cast<char>(hi * 16 + lo);
    i += 2;
    if (c == '/') {
      return BadPath("encoded '/' (%2F) inside a segment");
    }
  }
  if (IsControl(static_cast<unsigned char>(c))) {
    return BadPath("control character or NUL");
  }
  return c;
}

}  // namespace

Result<TargetParts> SplitTarget(std::string_view target) {
  if (target.find('#') != std::string_view::npos) {
    return BadPath("fragment in request-target");
  }
  std::string_view rest = target;
  if (StartsWithIgnoreCase(rest, "http://") || StartsWithIgnoreCase(rest, "https://")) {
    rest.remove_prefix(rest.find("//") + 2);
    const size_t path_start = rest.find_first_of("/?");
    rest = path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
    if (rest.front() == '?') {
      return TargetParts{.path = "/", .query = rest.substr(1)};
    }
  }
  if (rest.empty() || rest.front() != '/') {
    return BadPath("request-target must start with '/'");
  }
  const size_t question = rest.find('?');
  if (question == std::string_view::npos) {
    return TargetParts{.path = rest, .query = {}};
  }
  return TargetParts{.path = rest.substr(0, question), .query = rest.substr(question + 1)};
}

Result<std::string> DecodePath(std::string_view raw_path, size_t max_bytes) {
  if (raw_path.size() > max_bytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "request path longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (raw_path.empty() || raw_path.front() != '/') {
    return BadPath("must start with '/'");
  }
  std::string out;
  out.reserve(raw_path.size());
  for (size_t i = 0; i < raw_path.size(); ++i) {
    if (raw_path[i] != '/') {
      APKD_ASSIGN_OR_RETURN(const char byte, NextByte(raw_path, i));
      out += byte;
      continue;
    }
    if (IsDotSegment(out)) {
      return BadPath("'.' or '..' segment");
    }
    if (out.empty() || out.back() != '/') {  // collapse "//"
      out += '/';
    }
  }
  if (IsDotSegment(out)) {
    return BadPath("'.' or '..' segment");
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end > start) {
      segments.push_back(path.substr(start, end - start));
    }
    start = end + 1;
  }
  return segments;
}

}  // namespace apkd::http
