#include "format/text_fields.h"

#include <algorithm>

namespace apkd::format {

void AppendWords(std::string_view value, std::vector<std::string>& out) {
  size_t start = 0;
  while (start < value.size()) {
    const size_t space = std::min(value.find(' ', start), value.size());
    if (space > start) {
      out.emplace_back(value.substr(start, space - start));
    }
    start = space + 1;
  }
}

Error LineError(std::string_view what, size_t line, std::string message) {
  return MakeError(ErrorCode::kCorrupt, std::string(what) + " line " + std::to_string(line) +
                                            ": " + std::move(message));
}

}  // namespace apkd::format
