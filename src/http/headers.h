// HeaderMap: an ordered list of HTTP header fields with case-insensitive name lookup. Keeps
// duplicates in arrival order (a multimap), which is what HTTP field semantics need.
// A plain value type: not synchronised, safe to move between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apkd::http {

// ASCII case-insensitive equality, as HTTP field names and most tokens compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

class HeaderMap {
 public:
  using Field = std::pair<std::string, std::string>;

  // Appends a field, keeping any existing fields with the same name.
  void Add(std::string name, std::string value);
  // Replaces every field named `name` with one field.
  void Set(std::string_view name, std::string value);
  // Removes every field named `name`; returns how many were removed.
  size_t Remove(std::string_view name);

  bool Has(std::string_view name) const;
  // Value of the first field named `name`.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Every value of fields named `name`, in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  // All values joined with ", " (RFC 9110 §5.3 list combination); nullopt when absent.
  std::optional<std::string> GetCombined(std::string_view name) const;

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

  bool operator==(const HeaderMap&) const = default;

 private:
  std::vector<Field> fields_;
};

}  // namespace apkd::http
