#include "cli/command.h"

#include <iostream>

namespace apkd::cli {

int ExitCodeFor(const Error& error) {
  return error.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

int ReportError(const Error& error, std::string_view context) {
  std::cerr << "apkctl: ";
  if (!context.empty()) {
    std::cerr << context << ": ";
  }
  std::cerr << error.message() << "\n";
  return ExitCodeFor(error);
}

}  // namespace apkd::cli
