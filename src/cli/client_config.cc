#include "cli/client_config.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>

#include <sys/stat.h>

#include "util/file_io.h"

namespace apkd::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  return value != nullptr ? value : "";
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

Status MakePrivateDirectory(const std::string& dir) {
  // Create each missing component; the last one private.
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string part = dir.substr(0, slash);
    if (::mkdir(part.c_str(), slash == std::string::npos ? 0700 : 0755) != 0 && errno != EEXIST) {
      return MakeError(ErrorCode::kIoError, "cannot create " + part);
    }
    if (slash == std::string::npos) {
      break;
    }
  }
  return OkStatus();
}

}  // namespace

std::string LoginCachePath() {
  std::string base = Env("XDG_CONFIG_HOME");
  if (base.empty()) {
    base = Env("HOME") + "/.config";
  }
  return base + "/apkctl/login";
}

Result<LoginCache> ReadLoginCache(const std::string& path) {
  constexpr uint64_t kMaxCacheBytes = 64 * 1024;
  APKD_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, kMaxCacheBytes));
  LoginCache cache;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t equals = line.find(" = ");
    if (equals == std::string::npos) {
      continue;
    }
    const std::string key = line.substr(0, equals);
    const std::string value = line.substr(equals + 3);
    if (key == "server") {
      cache.server = value;
    } else if (key == "token") {
      cache.token = value;
    } else if (key == "refresh_token") {
      cache.refresh_token = value;
    } else if (key == "expires_at") {
      std::from_chars(value.data(), value.data() + value.size(), cache.expires_at);
    }
  }
  return cache;
}

Status WriteLoginCache(const std::string& path, const LoginCache& cache) {
  APKD_RETURN_IF_ERROR(MakePrivateDirectory(DirName(path)));
  const std::string text = "server = " + cache.server + "\ntoken = " + cache.token +
                           "\nrefresh_token = " + cache.refresh_token +
                           "\nexpires_at = " + std::to_string(cache.expires_at) + "\n";
  return WriteFileAtomic(path, text, 0600);
}

Result<ClientConfig> ResolveClientConfig(const std::optional<std::string>& server_flag) {
  ClientConfig config;
  LoginCache cache;
  if (auto cached = ReadLoginCache(LoginCachePath()); cached.ok()) {
    cache = std::move(*cached);
  }
  config.server = server_flag.value_or(Env("APKCTL_SERVER"));
  if (config.server.empty()) {
    config.server = cache.server;
  }
  if (config.server.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no server: pass --server URL, set APKCTL_SERVER, or run apkctl auth login");
  }
  config.token = Env("APKCTL_TOKEN");
  if (config.token.empty() && cache.server == config.server) {
    config.token = cache.token;  // a cached token only goes to the server that issued it
  }
  return config;
}

}  // namespace apkd::cli
