// Locating the shared fixture folder (real packages built by abuild and melange). Tests call
// APKD_REQUIRE_FIXTURES() first: without the folder they skip with a clear message.
#pragma once

#include <string>

namespace apkd::testing {

// Absolute path of the fixture folder (APKD_FIXTURES env var overrides the configured one).
std::string FixturesDir();
bool HaveFixtures();
// FixturesDir() + "/" + relative
std::string Fixture(const std::string& relative);
// Reads a fixture file whole; fails the test if it cannot.
std::string ReadFixture(const std::string& relative);

}  // namespace apkd::testing

#define APKD_REQUIRE_FIXTURES()                                                            \
  do {                                                                                     \
    if (!::apkd::testing::HaveFixtures()) {                                                \
      GTEST_SKIP() << "fixture folder " << ::apkd::testing::FixturesDir()                 \
                   << " is absent; these tests need ../shared/fixtures beside the repo";   \
    }                                                                                      \
  } while (false)
