// Small helpers shared by the line-oriented formats (.PKGINFO, APKINDEX): strict decimal
// parsing, space-separated lists, and line-numbered errors. Internal to src/format.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::format {

// The whole of `text` as a decimal integer; false on empty, junk or overflow.
template <typename Int>
bool ParseDecimal(std::string_view text, Int& out) {
  if (text.empty()) {
    return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Appends the non-empty space-separated words of `value` (apk splits on runs of spaces).
void AppendWords(std::string_view value, std::vector<std::string>& out);

// kCorrupt "<what> line <n>: <message>".
Error LineError(std::string_view what, size_t line, std::string message);

}  // namespace apkd::format
