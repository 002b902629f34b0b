// apkctl's login cache and server/token resolution.
#include "cli/client_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "support/temp_dir.h"

namespace apkd::cli {
namespace {

// Points XDG_CONFIG_HOME at a temp dir and clears APKCTL_* for one test.
class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("XDG_CONFIG_HOME", dir_.path().c_str(), 1);
    ::unsetenv("APKCTL_SERVER");
    ::unsetenv("APKCTL_TOKEN");
  }
  void TearDown() override {
    ::unsetenv("XDG_CONFIG_HOME");
    ::unsetenv("APKCTL_SERVER");
    ::unsetenv("APKCTL_TOKEN");
  }
  testing::TempDir dir_;
};

TEST_F(ClientConfigTest, CacheIsPrivateAndRoundTrips) {
  const std::string path = LoginCachePath();
  EXPECT_EQ(path, dir_.path() + "/apkctl/login");
  const LoginCache cache{.server = "https://apk.example.com", .token = "tok",
                         .refresh_token = "ref", .expires_at = 1234};
  ASSERT_TRUE(WriteLoginCache(path, cache).ok());
  struct stat file {};
  struct stat directory {};
  ASSERT_EQ(::stat(path.c_str(), &file), 0);
  ASSERT_EQ(::stat((dir_.path() + "/apkctl").c_str(), &directory), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600U);
  EXPECT_EQ(directory.st_mode & 0777, 0700U);
  auto read = ReadLoginCache(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, cache);
}

TEST_F(ClientConfigTest, FlagBeatsEnvironmentBeatsCache) {
  ASSERT_TRUE(WriteLoginCache(LoginCachePath(),
                              {.server = "https://cached", .token = "cached-token"})
                  .ok());
  auto cached = ResolveClientConfig(std::nullopt);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->server, "https://cached");
  EXPECT_EQ(cached->token, "cached-token");

  ::setenv("APKCTL_SERVER", "https://env", 1);
  auto env = ResolveClientConfig(std::nullopt);
  EXPECT_EQ(env->server, "https://env");
  EXPECT_EQ(env->token, "");  // the cached token belongs to another server

  ::setenv("APKCTL_TOKEN", "env-token", 1);
  auto flag = ResolveClientConfig("https://flag");
  EXPECT_EQ(flag->server, "https://flag");
  EXPECT_EQ(flag->token, "env-token");
}

TEST_F(ClientConfigTest, NoServerIsAClearError) {
  auto config = ResolveClientConfig(std::nullopt);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("APKCTL_SERVER"), std::string::npos);
}

}  // namespace
}  // namespace apkd::cli
