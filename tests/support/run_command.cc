#include "support/run_command.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace apkd::testing {

CommandResult RunCommand(const std::string& shell_command) {
  CommandResult result;
  const std::string full = "(" + shell_command + ") 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (const char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string BuiltBinary(const std::string& name) {
  return std::string(APKD_BINARY_DIR) + "/src/app/" + name;
}

}  // namespace apkd::testing
