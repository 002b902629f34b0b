// Entry points of the apkctl commands that talk to an apkd server (product.md §5). Global
// options: --server URL (or APKCTL_SERVER), -o table|json|id; credentials from APKCTL_TOKEN or
// the login cache (cli/client_config.h).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "cli/command.h"

namespace apkd::cli {

int RunAuth(const std::vector<std::string>& args);
int RunPullToken(const std::vector<std::string>& args);  // apkctl auth pull-token …
int RunPackages(const std::vector<std::string>& args);
int RunIam(const std::vector<std::string>& args);  // apkctl iam organizations …
int RunOrganizations(const std::vector<std::string>& args);
int RunImages(const std::vector<std::string>& args);
int RunEntitlements(const std::vector<std::string>& args);
int RunRepo(const std::vector<std::string>& args);
int RunKeys(const std::vector<std::string>& args);
int RunAudit(const std::vector<std::string>& args);  // apkctl audit list --org ORG …

std::span<const Command> OnlineCommands();

}  // namespace apkd::cli
