// apkctl: the command-line client. Wiring only: finds the subcommand and runs it.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/offline_commands.h"
#include "cli/online_commands.h"

namespace {

void PrintUsage(std::ostream& out) {
  out << "usage: apkctl COMMAND [ARGS]\n\nServer commands (--server URL or APKCTL_SERVER):\n";
  for (const apkd::cli::Command& command : apkd::cli::OnlineCommands()) {
    out << "  " << command.name << std::string(14 - command.name.size(), ' ') << command.summary
        << "\n";
  }
  out << "\nOffline tools (no server needed):\n";
  for (const apkd::cli::Command& command : apkd::cli::OfflineCommands()) {
    out << "  " << command.name << std::string(14 - command.name.size(), ' ') << command.summary
        << "\n";
  }
  out << "\nRun 'apkctl COMMAND --help' for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? apkd::cli::kExitUsage : apkd::cli::kExitOk;
  }
  std::vector<apkd::cli::Command> commands(apkd::cli::OnlineCommands().begin(),
                                           apkd::cli::OnlineCommands().end());
  commands.insert(commands.end(), apkd::cli::OfflineCommands().begin(),
                  apkd::cli::OfflineCommands().end());
  for (const apkd::cli::Command& command : commands) {
    if (args[0] != command.name) {
      continue;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (!rest.empty() && (rest[0] == "--help" || rest[0] == "-h")) {
      std::cout << "usage: apkctl " << command.usage << "\n";
      return apkd::cli::kExitOk;
    }
    return command.run(rest);
  }
  std::cerr << "apkctl: unknown command '" << args[0] << "'\n";
  PrintUsage(std::cerr);
  return apkd::cli::kExitUsage;
}
