// ConnectionLimiter: caps concurrent connections in total and per client IP. Shared by all event
// loop threads; every method is thread-safe (one mutex, touched only on accept and close).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace apkd::http {

class ConnectionLimiter {
 public:
  // 0 means unlimited.
  ConnectionLimiter(size_t max_total, size_t max_per_ip)
      : max_total_(max_total), max_per_ip_(max_per_ip) {}

  // Counts a new connection from `ip`; false (and nothing counted) when a cap is reached.
  bool TryAcquire(const std::string& ip);
  // Forgets one connection counted by TryAcquire.
  void Release(const std::string& ip);
  size_t active() const;

 private:
  const size_t max_total_;
  const size_t max_per_ip_;
  mutable std::mutex mutex_;
  size_t total_ = 0;                                // guarded by mutex_
  std::unordered_map<std::string, size_t> per_ip_;  // guarded by mutex_
};

}  // namespace apkd::http
