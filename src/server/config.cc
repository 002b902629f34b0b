#include "server/config.h"

#include <charconv>
#include <string_view>

#include "util/file_io.h"

namespace apkd::server {
namespace {

constexpr uint64_t kMaxConfigBytes = 1024 * 1024;
constexpr int kMinRsaBits = 2048;
constexpr int64_t kMaxRetentionDays = 36500;  // a century: keeps day arithmetic far from overflow

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

template <typename T>
Result<T> ParseNumber(std::string_view key, std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": not a number");
  }
  return value;
}

Status SetListen(ServeConfig& config, std::string_view value) {
  const size_t colon = value.rfind(':');
  if (colon == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "listen: expected ADDR:PORT");
  }
  std::string_view address = value.substr(0, colon);
  if (address.starts_with('[') && address.ends_with(']')) {
    address = address.substr(1, address.size() - 2);
  }
  APKD_ASSIGN_OR_RETURN(config.listen_port,
                        ParseNumber<uint16_t>("listen", value.substr(colon + 1)));
  config.listen_address = std::string(address);
  return OkStatus();
}

Status SetRetention(ServeConfig& config, std::string_view key, std::string_view value) {
  APKD_ASSIGN_OR_RETURN(config.audit_retention_days, ParseNumber<int64_t>(key, value));
  if (config.audit_retention_days < 0 || config.audit_retention_days > kMaxRetentionDays) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        std::string(key) + " must be 0 (keep forever) to " + std::to_string(kMaxRetentionDays));
  }
  return OkStatus();
}

Status SetKey(ServeConfig& config, std::string_view key, std::string_view value) {
  if (key == "data_dir" || key == "data-dir") {
    config.data_dir = std::string(value);
  } else if (key == "listen") {
    return SetListen(config, value);
  } else if (key == "public_url" || key == "public-url") {
    while (value.ends_with('/')) {
      value.remove_suffix(1);
    }
    config.public_url = std::string(value);
  } else if (key == "threads") {
    APKD_ASSIGN_OR_RETURN(config.threads, ParseNumber<unsigned>(key, value));
  } else if (key == "rsa_bits" || key == "rsa-bits") {
    APKD_ASSIGN_OR_RETURN(config.rsa_bits, ParseNumber<int>(key, value));
    if (config.rsa_bits < kMinRsaBits) {
      return MakeError(ErrorCode::kInvalidArgument, "rsa_bits must be at least 2048");
    }
  } else if (key == "audit_retention_days" || key == "audit-retention-days") {
    return SetRetention(config, key, value);
  } else if (key == "arches") {
    config.arches.clear();
    while (!value.empty()) {
      const size_t comma = value.find(',');
      const std::string_view arch = Trim(value.substr(0, comma));
      if (!arch.empty()) {
        config.arches.emplace_back(arch);
      }
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    }
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "unknown setting " + std::string(key));
  }
  return OkStatus();
}

Status ReadConfigFile(ServeConfig& config, const std::string& path) {
  APKD_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxConfigBytes));
  std::string_view rest = text;
  int line_number = 0;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    const std::string_view line = Trim(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ":" + std::to_string(line_number) + ": expected key = value");
    }
    Status status = SetKey(config, Trim(line.substr(0, eq)), Trim(line.substr(eq + 1)));
    if (!status.ok()) {
      return status.error().WithContext(path + ":" + std::to_string(line_number));
    }
  }
  return OkStatus();
}

}  // namespace

Result<ServeConfig> LoadServeConfig(const std::vector<std::string>& args) {
  ServeConfig config;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--config") {
      APKD_RETURN_IF_ERROR(ReadConfigFile(config, args[i + 1]));
    }
  }
  for (size_t i = 0; i < args.size(); i += 2) {
    const std::string& flag = args[i];
    if (!flag.starts_with("--") || i + 1 >= args.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "unexpected argument " + flag);
    }
    if (flag != "--config") {
      APKD_RETURN_IF_ERROR(SetKey(config, std::string_view(flag).substr(2), args[i + 1]));
    }
  }
  return config;
}

}  // namespace apkd::server
