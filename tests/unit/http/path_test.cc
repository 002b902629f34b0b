#include "http/path.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace apkd::http {
namespace {

struct DecodeCase {
  std::string_view raw;
  std::string_view decoded;  // expected result when ok
};

// What apk-tools, apko and curl actually send (apk-protocol.md §1.5), and normalisation.
constexpr DecodeCase kAccepted[] = {
    {"/", "/"},
    {"/acme/x86_64/APKINDEX.tar.gz", "/acme/x86_64/APKINDEX.tar.gz"},
    {"/acme/x86_64/tilde-1.2.3%7eabc123-r0.apk", "/acme/x86_64/tilde-1.2.3~abc123-r0.apk"},
    {"/acme/x86_64/tilde-1.2.3%7Eabc123-r0.apk", "/acme/x86_64/tilde-1.2.3~abc123-r0.apk"},
    {"/acme/x86_64/g++-12.2.1-r0.apk", "/acme/x86_64/g++-12.2.1-r0.apk"},
    {"/acme/x86_64/libstdc%2B%2b-12.apk", "/acme/x86_64/libstdc++-12.apk"},
    {"/a%20b", "/a b"},
    {"//x86_64//APKINDEX.tar.gz", "/x86_64/APKINDEX.tar.gz"},
    {"/acme///", "/acme/"},
    {"/acme/", "/acme/"},
    {"/...", "/..."},
    {"/.well-known/x", "/.well-known/x"},
    {"/a/..b/c.", "/a/..b/c."},
    {"/%C3%A9t%c3%a9", "/\xc3\xa9t\xc3\xa9"},
    {"/a%25b", "/a%b"},
};

TEST(DecodePathTest, AcceptsAndNormalises) {
  for (const DecodeCase& c : kAccepted) {
    const auto decoded = DecodePath(c.raw);
    ASSERT_TRUE(decoded.ok()) << c.raw << ": " << decoded.error().message();
    EXPECT_EQ(*decoded, c.decoded) << c.raw;
  }
}

constexpr std::string_view kRejected[] = {
    "",
    "acme/x86_64",  // not origin-form
    "/a%2Fb",       // encoded '/' would make one segment look like two
    "/a%2fb",
    "/..",
    "/../etc/passwd",
    "/a/../b",
    "/a/..",
    "/a/.",
    "/./a",
    "/a//../b",
    "/%2e%2e/etc",  // encoded dot segments are still dot segments
    "/%2E%2e",
    "/a/.%2e/b",
    "/a/%2e",
    "/a%00b",  // NUL
    "/a%0ab",  // control characters, encoded or raw
    "/a%7f",
    "/a\x01",
    "/a\tb",
    "/a%",  // malformed escapes
    "/a%4",
    "/a%zz",
    "/a%4g",
    "/a%%41",
};

TEST(DecodePathTest, Rejects) {
  for (const std::string_view raw : kRejected) {
    const auto decoded = DecodePath(raw);
    ASSERT_FALSE(decoded.ok()) << "accepted: " << raw << " -> " << *decoded;
    EXPECT_EQ(decoded.error().code(), ErrorCode::kInvalidArgument) << raw;
  }
}

TEST(DecodePathTest, LengthLimit) {
  const std::string at_limit = "/" + std::string(kDefaultMaxPathBytes - 1, 'a');
  EXPECT_TRUE(DecodePath(at_limit).ok());
  const auto too_long = DecodePath(at_limit + "a");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_FALSE(DecodePath("/abcdef", 4).ok());
  EXPECT_TRUE(DecodePath("/abc", 4).ok());
}

TEST(SplitTargetTest, OriginForm) {
  auto parts = SplitTarget("/acme/x86_64/APKINDEX.tar.gz?a=1&b=%20");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->path, "/acme/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(parts->query, "a=1&b=%20");

  parts = SplitTarget("/plain");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->path, "/plain");
  EXPECT_EQ(parts->query, "");

  parts = SplitTarget("/?");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->path, "/");
  EXPECT_EQ(parts->query, "");
}

TEST(SplitTargetTest, AbsoluteForm) {
  auto parts = SplitTarget("http://repo.example:8080/acme/x86_64/a.apk?x");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->path, "/acme/x86_64/a.apk");
  EXPECT_EQ(parts->query, "x");

  parts = SplitTarget("HTTPS://repo.example");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->path, "/");

  parts = SplitTarget("http://repo.example?q=1");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->path, "/");
  EXPECT_EQ(parts->query, "q=1");
}

TEST(SplitTargetTest, RejectsOtherForms) {
  EXPECT_FALSE(SplitTarget("*").ok());
  EXPECT_FALSE(SplitTarget("repo.example:443").ok());
  EXPECT_FALSE(SplitTarget("").ok());
  EXPECT_FALSE(SplitTarget("/a#fragment").ok());
}

TEST(SplitPathTest, Segments) {
  using Segments = std::vector<std::string_view>;
  EXPECT_EQ(SplitPath("/acme/x86_64/APKINDEX.tar.gz"),
            (Segments{"acme", "x86_64", "APKINDEX.tar.gz"}));
  EXPECT_EQ(SplitPath("/acme//x86_64/"), (Segments{"acme", "x86_64"}));
  EXPECT_EQ(SplitPath("/"), Segments{});
  EXPECT_EQ(SplitPath(""), Segments{});
  EXPECT_EQ(SplitPath("/g++-1.0-r0.apk"), Segments{"g++-1.0-r0.apk"});
}

}  // namespace
}  // namespace apkd::http
