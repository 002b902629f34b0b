// An apkctl subcommand: its name, a one-line summary, usage text and entry point. Commands write
// results to stdout and errors (with a reason) to stderr, and return the process exit code.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::cli {

struct Command {
  std::string_view name;  // may contain a space for nested commands ("auth token")
  std::string_view summary;
  std::string_view usage;
  int (*run)(const std::vector<std::string>& args);
};

// Exit codes: 0 success, 1 the checked thing failed (bad signature, corrupt file), 2 usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int ExitCodeFor(const Error& error);
// Prints "apkctl: <context>: <message>" to stderr and returns ExitCodeFor(error).
int ReportError(const Error& error, std::string_view context = {});

// The offline tools (no server needed).
std::span<const Command> OfflineCommands();

}  // namespace apkd::cli
