// LoginThrottle: slows password guessing down, per user name and per source address. Each
// failed login raises that key's count of consecutive failures; past a few free ones, the
// answer to a failure is held back (Response::delay, which does not block the event loop) and
// the key is closed until the delay is over: an attempt arriving earlier is refused with 429
// without even checking the password, so parallel connections do not help an attacker. The
// delay doubles per failure up to a cap; a success clears the user's count (not the address's);
// quiet keys are forgotten. Bounded memory: when full, the oldest entries go. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace apkd::service {

struct LoginThrottleOptions {
  int free_failures = 5;                      // answered without delay
  std::chrono::milliseconds base_delay{250};  // the first delayed answer
  std::chrono::milliseconds max_delay{8000};  // the cap
  std::chrono::seconds forget_after{900};     // a key quiet this long starts over
  size_t max_entries = 100000;
  std::function<std::chrono::steady_clock::time_point()> now{};  // default: steady_clock
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginThrottle(LoginThrottleOptions options = {});

  // How long until `user` / `address` may try again; zero when they may now.
  std::chrono::milliseconds RetryAfter(std::string_view user, std::string_view address);
  // Records a failure and returns how long its answer must be held back.
  std::chrono::milliseconds RecordFailure(std::string_view user, std::string_view address);
  void RecordSuccess(std::string_view user);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point open_at{};  // attempts before this are refused
    Clock::time_point last_seen{};
  };

  std::chrono::milliseconds DelayAfter(int failures) const;
  Entry* Find(const std::string& key, Clock::time_point now);
  void MakeRoom(Clock::time_point now);

  LoginThrottleOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // "u:<user>" and "a:<address>"
};

}  // namespace apkd::service
