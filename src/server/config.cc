#include "server/config.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <utility>

#include "util/file_io.h"

namespace apkd::server {
namespace {

constexpr uint64_t kMaxConfigBytes = 1024 * 1024;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;  // what crypto::PrivateKey::Generate accepts
constexpr size_t kMaxPortDigits = 5;
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

Error BadValue(std::string_view key, std::string_view expected, std::string_view value) {
  return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": expected " +
                                                    std::string(expected) + ", got \"" +
                                                    std::string(value) + "\"");
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// http(s)://HOST[:PORT][/PATH] with a host that can be a token audience (jwt.h): a DNS name or
// an IPv4 address, nothing else.
bool IsValidPublicUrl(std::string_view url) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (!url.starts_with(scheme)) {
      continue;
    }
    url.remove_prefix(scheme.size());
    const std::string_view authority = url.substr(0, url.find('/'));
    const size_t colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), IsHostChar)) {
      return false;
    }
    if (colon == std::string_view::npos) {
      return true;
    }
    const std::string_view port = authority.substr(colon + 1);
    return !port.empty() && port.size() <= kMaxPortDigits &&
           std::all_of(port.begin(), port.end(), IsDigit);
  }
  return false;
}

// apk architecture names: x86_64, aarch64, armv7, ppc64le, loongarch64 ... (they become URL
// path segments, so no '/', '.' or anything else).
bool IsValidArch(std::string_view arch) {
  return !arch.empty() && std::all_of(arch.begin(), arch.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_';
  });
}

Status SetArches(ServeConfig& config, std::string_view key, std::string_view value) {
  std::vector<std::string> arches;
  std::string_view rest = value;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view arch = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (arch.empty()) {
      continue;  // "x86_64, aarch64," is fine
    }
    if (!IsValidArch(arch)) {
      return BadValue(key, "a comma-separated list of architectures like x86_64,aarch64", value);
    }
    arches.emplace_back(arch);
  }
  if (arches.empty()) {
    return BadValue(key, "at least one architecture", value);
  }
  config.arches = std::move(arches);
  return OkStatus();
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
    if (value.empty()) {
      return BadValue(key, "a directory", value);
    }
    config.data_dir = std::string(value);
  } else if (key == "listen") {
    return SetListen(config, value);
  } else if (key == "public_url" || key == "public-url") {
    if (!IsValidPublicUrl(value)) {
      return BadValue(key, "http(s)://HOST[:PORT][/PATH] with a DNS name or IPv4 address", value);
    }
    while (value.ends_with('/')) {
      value.remove_suffix(1);
    }
    config.public_url = std::string(value);
  } else if (key == "threads") {
    APKD_ASSIGN_OR_RETURN(config.threads, ParseNumber<unsigned>(key, value));
  } else if (key == "rsa_bits" || key == "rsa-bits") {
    APKD_ASSIGN_OR_RETURN(config.rsa_bits, ParseNumber<int>(key, value));
    if (config.rsa_bits < kMinRsaBits || config.rsa_bits > kMaxRsaBits) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(key) + " must be " +
                                                        std::to_string(kMinRsaBits) + " to " +
                                                        std::to_string(kMaxRsaBits));
    }
  } else if (key == "audit_retention_days" || key == "audit-retention-days") {
    return SetRetention(config, key, value);
  } else if (key == "arches") {
    return SetArches(config, key, value);
  } else if (key == "login_free_failures" || key == "login-free-failures") {
    APKD_ASSIGN_OR_RETURN(config.login_free_failures, ParseNumber<int>(key, value));
    if (config.login_free_failures < 0 || config.login_free_failures > 100) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(key) + " must be 0 to 100");
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
