// Metrics: Prometheus counters fed by the HTTP access-log hook: requests by route and status,
// response bytes, and a request latency histogram; index builds (IndexCache) and the audit
// writer's counters (AuditLog) are read at render time. Thread-safe (one mutex; the hook is called
// once per finished exchange).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace apkd::server {

// A low-cardinality route label for a decoded request path.
std::string_view RouteLabel(std::string_view path);

// The audit writer's counters (service::AuditLog), read at render time.
struct AuditCounts {
  uint64_t written = 0;
  uint64_t dropped = 0;
};

class Metrics {
 public:
  static constexpr std::array<double, 8> kLatencyBuckets = {0.001, 0.005, 0.01, 0.05,
                                                            0.1,   0.5,   1.0,  5.0};

  void Record(std::string_view path, int status, uint64_t bytes,
              std::chrono::microseconds duration);
  // The Prometheus text exposition (version 0.0.4).
  std::string Render(uint64_t index_builds, const AuditCounts& audit = {}) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (route, status)
  uint64_t bytes_sent_ = 0;
  std::array<uint64_t, kLatencyBuckets.size()> buckets_{};
  uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
};

}  // namespace apkd::server
