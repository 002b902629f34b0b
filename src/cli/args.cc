#include "cli/args.h"

namespace apkd::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args args;
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positionals || arg.size() < 2 || arg[0] != '-') {
      args.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const size_t equals = arg.find('='); arg.starts_with("--") && equals != std::string::npos) {
      name = arg.substr(0, equals);
      inline_value = arg.substr(equals + 1);
    }
    if (spec.flags.contains(name)) {
      if (inline_value) {
        return MakeError(ErrorCode::kInvalidArgument, name + " takes no value");
      }
      args.values_[name].emplace_back();
      continue;
    }
    if (!spec.value_options.contains(name)) {
      return MakeError(ErrorCode::kInvalidArgument, "unknown option " + name);
    }
    if (!inline_value) {
      if (i + 1 == argv.size()) {
        return MakeError(ErrorCode::kInvalidArgument, name + " needs a value");
      }
      inline_value = argv[++i];
    }
    args.values_[name].push_back(*inline_value);
  }
  return args;
}

bool Args::Has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::optional<std::string> Args::Get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second.back();
}

std::string Args::GetOr(std::string_view name, std::string fallback) const {
  return Get(name).value_or(std::move(fallback));
}

std::vector<std::string> Args::GetAll(std::string_view name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::string> Args::Require(std::string_view name) const {
  if (auto value = Get(name)) {
    return *value;
  }
  return MakeError(ErrorCode::kInvalidArgument, "missing required option " + std::string(name));
}

}  // namespace apkd::cli
