#include "support/apkd_process.h"

#include <cstdio>
#include <cstdlib>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/run_command.h"

namespace apkd::testing {
namespace {

constexpr std::string_view kListening = "listening on 127.0.0.1:";
constexpr std::string_view kSecretPrefix = "apkds_";

}  // namespace

ApkdProcess::~ApkdProcess() {
  if (running()) {
    Stop();
  }
}

bool ApkdProcess::Start(const std::string& data_dir, const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"--data-dir",   data_dir,
                                   "--listen",     "127.0.0.1:0",
                                   "--public-url", std::string("https://") + kTestHost,
                                   "--rsa-bits",   "2048",
                                   "--threads",    "2"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return StartWithArgs(args);
}

bool ApkdProcess::StartWithArgs(const std::vector<std::string>& serve_args) {
  port_ = 0;
  secret_.clear();
  banner_.clear();
  int out[2];
  if (pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return false;
  }
  const std::string binary = BuiltBinary("apkd");
  std::vector<std::string> args = {binary, "serve"};
  args.insert(args.end(), serve_args.begin(), serve_args.end());
  pid_ = fork();
  if (pid_ < 0) {
    ADD_FAILURE() << "fork failed";
    return false;
  }
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    if (!stderr_path_.empty()) {
      const int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (err >= 0) {
        dup2(err, STDERR_FILENO);
        close(err);
      }
    }
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[1024];
  while (fgets(line, sizeof line, stream) != nullptr) {
    const std::string text(line);
    banner_ += text;
    if (auto at = text.find(kSecretPrefix); at != std::string::npos && secret_.empty()) {
      secret_ = text.substr(at, text.find_first_of(" \n", at) - at);
    }
    if (auto at = text.find(kListening); at != std::string::npos) {
      port_ = std::atoi(text.c_str() + at + kListening.size());
      break;
    }
  }
  // Nothing reads apkd's stdout after the banner: it ignores SIGPIPE and logs to stderr.
  fclose(stream);
  if (port_ <= 0) {
    ADD_FAILURE() << "apkd did not report its port; it printed:\n" << banner_;
    Kill();
    return false;
  }
  return true;
}

void ApkdProcess::Stop() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "unclean shutdown";
  pid_ = -1;
}

void ApkdProcess::Kill() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

HttpResult Curl(const std::string& args) {
  auto r = RunCommand("curl -s -w '\\n%{http_code}' " + args);
  const size_t nl = r.output.rfind('\n');
  if (nl == std::string::npos) {
    return HttpResult{0, r.output};
  }
  return HttpResult{std::atoi(r.output.c_str() + nl + 1), r.output.substr(0, nl)};
}

std::string CurlBasicAuth(const std::string& token) { return "-u " + ShellQuote("user:" + token); }

std::string JsonField(const std::string& json, const std::string& key) {
  auto r = RunCommand("printf %s " + ShellQuote(json) + " | " + Python3() +
                      " -c 'import json,sys;print(json.load(sys.stdin).get(\"" + key +
                      "\",\"\"))' 2>/dev/null");
  return r.exit_code == 0 ? r.output.substr(0, r.output.find('\n')) : "";
}

const std::string& Python3() {
  static const std::string python = [] {
    auto r = RunCommand("python3 -c 'import sys; print(sys.executable)' 2>/dev/null");
    const std::string path = r.output.substr(0, r.output.find('\n'));
    return ShellQuote(r.exit_code == 0 && !path.empty() ? path : "python3");
  }();
  return python;
}

}  // namespace apkd::testing
