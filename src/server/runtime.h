// Runtime: the wiring of `apkd serve`: opens the SQLite metadata store and the file blob store
// under the data dir, builds the services, runs the first-start bootstrap, warms the index
// cache and owns the HTTP server. Start/Stop from one controlling thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/config.h"
#include "util/result.h"

namespace apkd::server {

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> Open(const ServeConfig& config);
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime();

  // The bootstrap owner's secret, only on the very first start of a data dir.
  const std::optional<std::string>& bootstrap_secret() const;
  Status Start();
  uint16_t port() const;
  void Stop();

 private:
  struct Parts;
  explicit Runtime(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace apkd::server
