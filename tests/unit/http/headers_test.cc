#include "http/headers.h"

#include <string>

#include <gtest/gtest.h>

#include "http/connection_limiter.h"
#include "http/response.h"
#include "http/status.h"
#include "support/temp_dir.h"

namespace apkd::http {
namespace {

TEST(HeaderMapTest, CaseInsensitiveMultimap) {
  HeaderMap headers;
  headers.Add("Accept", "a");
  headers.Add("X-Token", "t");
  headers.Add("accept", "b");
  EXPECT_EQ(headers.Get("ACCEPT"), "a");
  EXPECT_EQ(headers.GetAll("Accept"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(headers.GetCombined("accept"), "a, b");
  EXPECT_FALSE(headers.Get("Missing").has_value());
  EXPECT_FALSE(headers.GetCombined("Missing").has_value());
  EXPECT_TRUE(headers.Has("x-token"));

  headers.Set("ACCEPT", "c");
  EXPECT_EQ(headers.GetAll("accept"), (std::vector<std::string_view>{"c"}));
  EXPECT_EQ(headers.Remove("x-TOKEN"), 1U);
  EXPECT_EQ(headers.Remove("x-token"), 0U);
  EXPECT_EQ(headers.size(), 1U);
}

TEST(EqualsIgnoreCaseTest, AsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("Keep-Alive", "keep-alive"));
  EXPECT_FALSE(EqualsIgnoreCase("keep-alive", "keep-alive "));
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\xa9", "\xc3\x89"));
}

TEST(ConnectionLimiterTest, TotalAndPerIpCaps) {
  ConnectionLimiter limiter(3, 2);
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.1"));
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.1"));
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1"));  // per-IP cap
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.2"));
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.3"));  // total cap
  EXPECT_EQ(limiter.active(), 3U);
  limiter.Release("10.0.0.1");
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.3"));
  limiter.Release("10.0.0.9");  // never acquired: ignored
  EXPECT_EQ(limiter.active(), 3U);

  ConnectionLimiter unlimited(0, 0);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(unlimited.TryAcquire("::1"));
  }
}

TEST(StatusTest, ErrorCodeMapping) {
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kNotFound), 404);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kLimitExceeded), 413);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kCorrupt), 422);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(StatusFromErrorCode(ErrorCode::kInternal), 500);
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

TEST(ResponseTest, FromErrorHidesServerSideDetails) {
  const Response not_found = Response::FromError(MakeError(ErrorCode::kNotFound, "no pkg foo"));
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(std::get<std::string>(not_found.body), "no pkg foo\n");
  const Response internal =
      Response::FromError(MakeError(ErrorCode::kIoError, "/srv/secret/path: EIO"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(std::get<std::string>(internal.body), "Internal Server Error\n");
}

TEST(ResponseTest, OpenFileBody) {
  const testing::TempDir dir;
  const std::string path = dir.Write("blob.bin", "0123456789");
  std::chrono::sys_seconds mtime{};
  auto file = OpenFileBody(path, &mtime);
  ASSERT_TRUE(file.ok()) << file.error().message();
  EXPECT_TRUE(file->fd.valid());
  EXPECT_EQ(file->offset, 0U);
  EXPECT_EQ(file->length, 10U);
  EXPECT_GT(mtime.time_since_epoch().count(), 0);

  const auto missing = OpenFileBody(dir.File("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  const auto directory = OpenFileBody(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace apkd::http
