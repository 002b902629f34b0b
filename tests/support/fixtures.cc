#include "support/fixtures.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "util/file_io.h"

namespace apkd::testing {

std::string FixturesDir() {
  if (const char* env = std::getenv("APKD_FIXTURES")) {  // NOLINT(concurrency-mt-unsafe)
    return env;
  }
  return APKD_FIXTURES_DIR;
}

bool HaveFixtures() {
  struct stat st {};
  return ::stat((FixturesDir() + "/melange-built").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Fixture(const std::string& relative) { return FixturesDir() + "/" + relative; }

std::string ReadFixture(const std::string& relative) {
  auto bytes = ReadFile(Fixture(relative));
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message());
  return bytes.ok() ? *bytes : std::string();
}

}  // namespace apkd::testing
