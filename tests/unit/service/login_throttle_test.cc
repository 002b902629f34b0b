// LoginThrottle: free failures, doubling delays up to the cap, the closed window, per user and
// per address, success, forgetting, and the memory bound.
#include "service/login_throttle.h"

#include <string>

#include <gtest/gtest.h>

namespace apkd::service {
namespace {

using std::chrono::milliseconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle Make(size_t max_entries = 1000) {
    return LoginThrottle(LoginThrottleOptions{.free_failures = 3,
                                              .base_delay = milliseconds(250),
                                              .max_delay = milliseconds(8000),
                                              .forget_after = std::chrono::seconds(900),
                                              .max_entries = max_entries,
                                              .now = [this] { return now_; }});
  }
  LoginThrottle::Clock::time_point now_{};
};

TEST_F(LoginThrottleTest, DelaysDoubleAfterTheFreeFailuresUpToTheCap) {
  LoginThrottle throttle = Make();
  std::vector<int64_t> delays;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.1"), milliseconds(0)) << i;
    const milliseconds delay = throttle.RecordFailure("alice", "10.0.0.1");
    delays.push_back(delay.count());
    now_ += delay;  // a patient attacker waits each answer out
  }
  EXPECT_EQ(std::vector<int64_t>(delays.begin(), delays.begin() + 9),
            (std::vector<int64_t>{0, 0, 0, 250, 500, 1000, 2000, 4000, 8000}));
  EXPECT_EQ(delays.back(), 8000) << "capped";
}

TEST_F(LoginThrottleTest, TheWindowIsClosedUntilTheDelayIsOver) {
  LoginThrottle throttle = Make();
  for (int i = 0; i < 5; ++i) {
    throttle.RecordFailure("alice", "10.0.0.1");
  }
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.9"), milliseconds(500)) << "per user";
  EXPECT_EQ(throttle.RetryAfter("bob", "10.0.0.1"), milliseconds(500)) << "per address";
  EXPECT_EQ(throttle.RetryAfter("bob", "10.0.0.9"), milliseconds(0));
  now_ += milliseconds(499);
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.9"), milliseconds(1));
  now_ += milliseconds(1);
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.9"), milliseconds(0));
}

TEST_F(LoginThrottleTest, SuccessClearsTheUserAndQuietKeysAreForgotten) {
  LoginThrottle throttle = Make();
  for (int i = 0; i < 6; ++i) {
    throttle.RecordFailure("alice", "10.0.0.1");
  }
  throttle.RecordSuccess("alice");
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.2"), milliseconds(0));
  EXPECT_GT(throttle.RetryAfter("carol", "10.0.0.1"), milliseconds(0))
      << "the address keeps its count";
  now_ += std::chrono::seconds(901);
  EXPECT_EQ(throttle.RetryAfter("carol", "10.0.0.1"), milliseconds(0));
  EXPECT_EQ(throttle.RecordFailure("carol", "10.0.0.1"), milliseconds(0)) << "starts over";
}

TEST_F(LoginThrottleTest, StaysWithinItsBound) {
  LoginThrottle throttle = Make(/*max_entries=*/100);
  for (int i = 0; i < 1000; ++i) {
    throttle.RecordFailure("user" + std::to_string(i), "addr" + std::to_string(i));
  }
  // Nothing to observe but that it did not grow without bound and still works.
  for (int i = 0; i < 4; ++i) {
    throttle.RecordFailure("mallory", "10.9.9.9");
  }
  EXPECT_EQ(throttle.RetryAfter("mallory", "10.0.0.1"), milliseconds(250));
}

}  // namespace
}  // namespace apkd::service
