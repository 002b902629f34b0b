// Where apkctl finds its server and credentials, in order: flags (--server), the environment
// (APKCTL_SERVER, APKCTL_TOKEN), then the login cache written by `apkctl auth login`:
// $XDG_CONFIG_HOME/apkctl/login (default ~/.config/apkctl/login), a private file (0600 in a 0700
// directory) of `key = value` lines. The cache holds secrets: it is never printed.
#pragma once

#include <optional>
#include <string>

#include "cli/api_client.h"
#include "util/result.h"

namespace apkd::cli {

struct LoginCache {
  std::string server{};
  std::string token{};          // short-lived session token
  std::string refresh_token{};  // to get a new session token; may be empty
  int64_t expires_at = 0;       // of `token`, seconds since the epoch

  bool operator==(const LoginCache&) const = default;
};

// $XDG_CONFIG_HOME/apkctl/login, or $HOME/.config/apkctl/login.
std::string LoginCachePath();
Result<LoginCache> ReadLoginCache(const std::string& path);
// Creates the directory 0700 and writes the file 0600, atomically.
Status WriteLoginCache(const std::string& path, const LoginCache& cache);

// Resolves the client configuration: `server_flag` wins over APKCTL_SERVER over the cache;
// APKCTL_TOKEN wins over the cache. kInvalidArgument when no server is known.
Result<ClientConfig> ResolveClientConfig(const std::optional<std::string>& server_flag);

}  // namespace apkd::cli
