#include "http/headers.h"

#include <algorithm>

namespace apkd::http {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

void HeaderMap::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void HeaderMap::Set(std::string_view name, std::string value) {
  Remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

size_t HeaderMap::Remove(std::string_view name) {
  const auto old_size = fields_.size();
  std::erase_if(fields_, [name](const Field& f) { return EqualsIgnoreCase(f.first, name); });
  return old_size - fields_.size();
}

bool HeaderMap::Has(std::string_view name) const { return Get(name).has_value(); }

std::optional<std::string_view> HeaderMap::Get(std::string_view name) const {
  const auto it = std::find_if(fields_.begin(), fields_.end(),
                               [name](const Field& f) { return EqualsIgnoreCase(f.first, name); });
  if (it == fields_.end()) {
    return std::nullopt;
  }
  return std::string_view(it->second);
}

std::vector<std::string_view> HeaderMap::GetAll(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Field& f : fields_) {
    if (EqualsIgnoreCase(f.first, name)) {
      values.emplace_back(f.second);
    }
  }
  return values;
}

std::optional<std::string> HeaderMap::GetCombined(std::string_view name) const {
  std::optional<std::string> combined;
  for (const Field& f : fields_) {
    if (!EqualsIgnoreCase(f.first, name)) {
      continue;
    }
    if (combined) {
      *combined += ", ";
      *combined += f.second;
    } else {
      combined = f.second;
    }
  }
  return combined;
}

}  // namespace apkd::http
