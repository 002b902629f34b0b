// Entry points of the offline apkctl tools (product.md §5), one file each.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace apkd::cli {

int RunKeygen(const std::vector<std::string>& args);
int RunIndex(const std::vector<std::string>& args);
int RunVerify(const std::vector<std::string>& args);
int RunInfo(const std::vector<std::string>& args);
int RunVersion(const std::vector<std::string>& args);
int RunBuild(const std::vector<std::string>& args);

}  // namespace apkd::cli
