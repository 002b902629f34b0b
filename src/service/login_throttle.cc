#include "service/login_throttle.h"

#include <algorithm>

namespace apkd::service {
namespace {

std::string UserKey(std::string_view user) { return "u:" + std::string(user); }
std::string AddressKey(std::string_view address) { return "a:" + std::string(address); }

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleOptions options) : options_(std::move(options)) {
  if (!options_.now) {
    options_.now = [] { return Clock::now(); };
  }
}

std::chrono::milliseconds LoginThrottle::DelayAfter(int failures) const {
  if (failures <= options_.free_failures) {
    return std::chrono::milliseconds(0);
  }
  const int doublings = std::min(failures - options_.free_failures - 1, 30);
  const auto delay = options_.base_delay * (int64_t{1} << doublings);
  return std::min<std::chrono::milliseconds>(delay, options_.max_delay);
}

LoginThrottle::Entry* LoginThrottle::Find(const std::string& key, Clock::time_point now) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    return nullptr;
  }
  if (now - it->second.last_seen > options_.forget_after) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

std::chrono::milliseconds LoginThrottle::RetryAfter(std::string_view user,
                                                    std::string_view address) {
  const std::lock_guard lock(mutex_);
  const Clock::time_point now = options_.now();
  Clock::time_point open_at = now;
  for (const std::string& key : {UserKey(user), AddressKey(address)}) {
    if (const Entry* entry = Find(key, now); entry != nullptr) {
      open_at = std::max(open_at, entry->open_at);
    }
  }
  return std::chrono::ceil<std::chrono::milliseconds>(open_at - now);
}

std::chrono::milliseconds LoginThrottle::RecordFailure(std::string_view user,
                                                       std::string_view address) {
  const std::lock_guard lock(mutex_);
  const Clock::time_point now = options_.now();
  std::chrono::milliseconds delay{0};
  for (const std::string& key : {UserKey(user), AddressKey(address)}) {
    Entry* entry = Find(key, now);
    if (entry == nullptr) {
      MakeRoom(now);
      entry = &entries_[key];
    }
    ++entry->failures;
    entry->last_seen = now;
    const auto own = DelayAfter(entry->failures);
    entry->open_at = now + own;
    delay = std::max(delay, own);
  }
  return delay;
}

void LoginThrottle::RecordSuccess(std::string_view user) {
  const std::lock_guard lock(mutex_);
  entries_.erase(UserKey(user));
}

void LoginThrottle::MakeRoom(Clock::time_point now) {
  if (entries_.size() < options_.max_entries) {
    return;
  }
  std::erase_if(entries_, [&](const auto& entry) {
    return now - entry.second.last_seen > options_.forget_after;
  });
  // Still full of live keys (many addresses at once): drop a tenth, so that this O(n) pass
  // runs once per max_entries / 10 new keys rather than for each.
  size_t to_drop = entries_.size() - options_.max_entries + 1 + options_.max_entries / 10;
  for (auto it = entries_.begin(); it != entries_.end() && to_drop > 0; --to_drop) {
    it = entries_.erase(it);
  }
}

}  // namespace apkd::service
