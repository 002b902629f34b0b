// ServeConfig: the settings of `apkd serve`, from a `key = value` file and command-line flags
// (flags win). Plain value; validated by LoadServeConfig.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace apkd::server {

struct ServeConfig {
  std::string data_dir = "./apkd-data";              // data_dir: apkd.db + blobs/
  std::string listen_address = "127.0.0.1";          // listen = ADDR:PORT ("[::1]:8080" for IPv6)
  uint16_t listen_port = 8080;                       // 0: ephemeral (printed on stdout)
  std::string public_url = "http://localhost:8080";  // public_url: what clients use
  unsigned threads = 0;                              // threads: event loops; 0 = all cores
  int rsa_bits = 4096;                               // rsa_bits: org signing keys (≥ 2048)
  std::vector<std::string> arches = {"x86_64", "aarch64"};  // arches = x86_64,aarch64
  int login_free_failures = 5;  // login_free_failures: failed logins answered without delay
  // audit_retention_days: audit events (downloads, denials) older than this are deleted, at
  // startup and hourly; 0 keeps them forever.
  int64_t audit_retention_days = 90;
};

// Parses `args` (after "serve"): --config FILE, --data-dir DIR, --listen ADDR:PORT,
// --public-url URL, --threads N, --rsa-bits N, --audit-retention-days N. A --config file is read
// first.
Result<ServeConfig> LoadServeConfig(const std::vector<std::string>& args);

}  // namespace apkd::server
