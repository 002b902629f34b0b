// Runs an external program through /bin/sh and captures its output, so that tests can use
// independent checkers (GNU tar, gzip, openssl, sha256sum) and drive the apkctl binary.
#pragma once

#include <string>

namespace apkd::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout followed by stderr (2>&1)
};

CommandResult RunCommand(const std::string& shell_command);
// Single-quotes `arg` for /bin/sh.
std::string ShellQuote(const std::string& arg);
// Path of a binary built by this project (e.g. "apkctl").
std::string BuiltBinary(const std::string& name);

}  // namespace apkd::testing
