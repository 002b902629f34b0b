// Command-line arguments for apkctl subcommands: `--name value`, `--name=value`, `-o value`,
// repeatable options, boolean flags and positionals, checked against what a command declares.
// Value type; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::cli {

struct ArgSpec {
  std::set<std::string, std::less<>> value_options;  // e.g. "--sign-key", "-o"
  std::set<std::string, std::less<>> flags;          // e.g. "--sha1-first"
};

class Args {
 public:
  static Result<Args> Parse(const std::vector<std::string>& argv, const ArgSpec& spec);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool Has(std::string_view name) const;
  // Last value given for `name`, if any.
  std::optional<std::string> Get(std::string_view name) const;
  std::string GetOr(std::string_view name, std::string fallback) const;
  std::vector<std::string> GetAll(std::string_view name) const;
  // The value, or an InvalidArgument error naming the missing option.
  Result<std::string> Require(std::string_view name) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positionals_;
};

}  // namespace apkd::cli
