#include "http/connection_limiter.h"

namespace apkd::http {

bool ConnectionLimiter::TryAcquire(const std::string& ip) {
  const std::lock_guard lock(mutex_);
  if (max_total_ != 0 && total_ >= max_total_) {
    return false;
  }
  size_t& from_ip = per_ip_[ip];
  if (max_per_ip_ != 0 && from_ip >= max_per_ip_) {
    return false;  // from_ip >= 1 here, so the map entry stays meaningful
  }
  ++from_ip;
  ++total_;
  return true;
}

void ConnectionLimiter::Release(const std::string& ip) {
  const std::lock_guard lock(mutex_);
  const auto it = per_ip_.find(ip);
  if (it == per_ip_.end()) {
    return;
  }
  --total_;
  if (--it->second == 0) {
    per_ip_.erase(it);
  }
}

size_t ConnectionLimiter::active() const {
  const std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace apkd::http
