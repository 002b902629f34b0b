// Drives the real `apkd serve` binary for integration tests: starts it on 127.0.0.1:0 with a
// data dir, reads the port (and the bootstrap owner secret, printed once) from its stdout, and
// stops it with SIGTERM (checking a clean exit) or SIGKILL (crash tests). Plus curl-based
// helpers, so that every check goes through an independent HTTP client.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace apkd::testing {

inline constexpr char kTestHost[] = "apk.test.example";

class ApkdProcess {
 public:
  ApkdProcess() = default;
  ApkdProcess(const ApkdProcess&) = delete;
  ApkdProcess& operator=(const ApkdProcess&) = delete;
  ~ApkdProcess();

  // Starts apkd and waits for its "listening on" line; false (with a gtest failure) otherwise.
  // `extra_args` are appended to the serve command line.
  bool Start(const std::string& data_dir, const std::vector<std::string>& extra_args = {});
  // Starts `apkd serve` with exactly `serve_args` and no defaults (for --config tests); the
  // listen address must be 127.0.0.1 with port 0 so that the port can be read back.
  bool StartWithArgs(const std::vector<std::string>& serve_args);
  // From the next Start on, apkd's stderr is appended to `path` instead of going to the test's.
  void CaptureStderr(std::string path) { stderr_path_ = std::move(path); }
  // SIGTERM and wait; records a gtest failure unless apkd exits 0.
  void Stop();
  // SIGKILL and wait: no chance to clean up.
  void Kill();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The bootstrap owner secret if this start printed one (first start only), else "".
  const std::string& secret() const { return secret_; }
  // Everything apkd printed on stdout up to the "listening on" line.
  const std::string& banner() const { return banner_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string secret_;
  std::string banner_;
  std::string stderr_path_;
};

struct HttpResult {
  int status = 0;
  std::string body;
};

// Runs `curl -s -w '\n%{http_code}' ARGS` and splits body and status.
HttpResult Curl(const std::string& args);
// "-u 'user:TOKEN'" for curl.
std::string CurlBasicAuth(const std::string& token);
// The string value of top-level `key` in a JSON object (via python3's json module), or "".
std::string JsonField(const std::string& json, const std::string& key);
// The python3 interpreter itself (sys.executable), resolved once and shell-quoted: version
// manager shims such as pyenv's cost ~0.4 s per start, which adds up over hundreds of checks.
const std::string& Python3();

}  // namespace apkd::testing
