// apkd: the repository server. `apkd serve [--config FILE] [--data-dir DIR]
// [--listen ADDR:PORT] [--public-url URL]`. Wiring only; stops gracefully on SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "server/config.h"
#include "server/runtime.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: apkd serve [--config FILE] [--data-dir DIR] [--listen ADDR:PORT] "
               "[--public-url URL] [--threads N] [--rsa-bits N] [--audit-retention-days N]\n");
  return 2;
}

int Serve(const std::vector<std::string>& args) {
  auto config = apkd::server::LoadServeConfig(args);
  if (!config.ok()) {
    std::fprintf(stderr, "apkd: %s\n", config.error().message().c_str());
    return 2;
  }
  // Block the stop signals in every thread (the server's threads inherit the mask) and wait for
  // them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto runtime = apkd::server::Runtime::Open(*config);
  if (!runtime.ok()) {
    std::fprintf(stderr, "apkd: %s\n", runtime.error().message().c_str());
    return 1;
  }
  if (const auto& secret = (*runtime)->bootstrap_secret()) {
    std::printf("bootstrap owner secret (shown once, store it safely): %s\n", secret->c_str());
  }
  if (auto status = (*runtime)->Start(); !status.ok()) {
    std::fprintf(stderr, "apkd: %s\n", status.error().message().c_str());
    return 1;
  }
  std::printf("listening on %s:%u\n", config->listen_address.c_str(),
              static_cast<unsigned>((*runtime)->port()));
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop_signals, &received);
  std::fprintf(stderr, "apkd: signal %d, shutting down\n", received);
  (*runtime)->Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "serve") {
    return Usage();
  }
  return Serve(std::vector<std::string>(argv + 2, argv + argc));
}
