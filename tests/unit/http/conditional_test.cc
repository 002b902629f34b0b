#include "http/conditional.h"

#include <chrono>
#include <string_view>

#include <gtest/gtest.h>

namespace apkd::http {
namespace {

using std::chrono::sys_seconds;
constexpr sys_seconds kModified{std::chrono::seconds(784111777)};  // Sun, 06 Nov 1994 08:49:37
constexpr std::string_view kEtag = "\"abc123\"";

TEST(StrongEtagTest, QuotesAndDropsInvalidCharacters) {
  EXPECT_EQ(StrongEtag("abc123"), "\"abc123\"");
  EXPECT_EQ(StrongEtag(""), "\"\"");
  EXPECT_EQ(StrongEtag("a\"b c\x01\r\nd"), "\"abcd\"");
}

struct ListCase {
  std::string_view field;
  bool weak_match;
  bool strong_match;
};

constexpr ListCase kListCases[] = {
    {"\"abc123\"", true, true},
    {"W/\"abc123\"", true, false},
    {"\"x\", \"abc123\"", true, true},
    {"\"x\",W/\"abc123\" , \"y\"", true, false},
    {" \"x\" ,\"y\" ", false, false},
    {"*", true, true},
    {" * ", true, true},
    {"\"ABC123\"", false, false},  // opaque tags compare byte for byte
    {"abc123", false, false},      // malformed: unquoted
    {"\"abc123", false, false},
    {"\"abc123\" junk", false, false},
    {"\"abc123\";\"x\"", false, false},
    {"", false, false},
    {",,\"abc123\",,", true, true},  // empty list elements are allowed
};

TEST(EtagListMatchesTest, Table) {
  for (const ListCase& c : kListCases) {
    EXPECT_EQ(EtagListMatches(c.field, kEtag, EtagComparison::kWeak), c.weak_match) << c.field;
    EXPECT_EQ(EtagListMatches(c.field, kEtag, EtagComparison::kStrong), c.strong_match) << c.field;
  }
  EXPECT_TRUE(EtagListMatches("\"abc123\"", "W/\"abc123\"", EtagComparison::kWeak));
  EXPECT_FALSE(EtagListMatches("\"abc123\"", "W/\"abc123\"", EtagComparison::kStrong));
}

HeaderMap Headers(std::initializer_list<std::pair<std::string, std::string>> fields) {
  HeaderMap headers;
  for (const auto& [name, value] : fields) {
    headers.Add(name, value);
  }
  return headers;
}

constexpr auto kNotModified = ConditionalResult::kNotModified;
constexpr auto kProceed = ConditionalResult::kProceed;

TEST(EvaluateConditionalGetTest, IfNoneMatch) {
  EXPECT_EQ(EvaluateConditionalGet(Headers({{"If-None-Match", "\"abc123\""}}), kEtag, kModified),
            kNotModified);
  EXPECT_EQ(
      EvaluateConditionalGet(Headers({{"if-none-match", "W/\"abc123\""}}), kEtag, std::nullopt),
      kNotModified);
  EXPECT_EQ(EvaluateConditionalGet(Headers({{"If-None-Match", "\"other\""}}), kEtag, kModified),
            kProceed);
  // Several fields combine into one list.
  EXPECT_EQ(EvaluateConditionalGet(
                Headers({{"If-None-Match", "\"other\""}, {"If-None-Match", "\"abc123\""}}), kEtag,
                kModified),
            kNotModified);
  EXPECT_EQ(EvaluateConditionalGet(Headers({{"If-None-Match", "*"}}), "", std::nullopt),
            kNotModified);
  EXPECT_EQ(EvaluateConditionalGet(Headers({{"If-None-Match", "\"abc123\""}}), "", kModified),
            kProceed);
}

TEST(EvaluateConditionalGetTest, IfNoneMatchOverridesIfModifiedSince) {
  const HeaderMap headers = Headers(
      {{"If-None-Match", "\"other\""}, {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}});
  EXPECT_EQ(EvaluateConditionalGet(headers, kEtag, kModified), kProceed);
}

TEST(EvaluateConditionalGetTest, IfModifiedSince) {
  const auto ims = [](std::string_view date) {
    return Headers({{"If-Modified-Since", std::string(date)}});
  };
  EXPECT_EQ(EvaluateConditionalGet(ims("Sun, 06 Nov 1994 08:49:37 GMT"), kEtag, kModified),
            kNotModified);
  EXPECT_EQ(EvaluateConditionalGet(ims("Mon, 07 Nov 1994 00:00:00 GMT"), kEtag, kModified),
            kNotModified);
  EXPECT_EQ(EvaluateConditionalGet(ims("Sun, 06 Nov 1994 08:49:36 GMT"), kEtag, kModified),
            kProceed);
  EXPECT_EQ(EvaluateConditionalGet(ims(" Sunday, 06-Nov-94 08:49:37 GMT "), kEtag, kModified),
            kNotModified);
  EXPECT_EQ(EvaluateConditionalGet(ims("yesterday"), kEtag, kModified), kProceed);
  EXPECT_EQ(EvaluateConditionalGet(ims("Sun, 06 Nov 1994 08:49:37 GMT"), kEtag, std::nullopt),
            kProceed);
  EXPECT_EQ(EvaluateConditionalGet(HeaderMap(), kEtag, kModified), kProceed);
}

TEST(IfRangeMatchesTest, StrongEtagOrExactDate) {
  EXPECT_TRUE(IfRangeMatches("\"abc123\"", kEtag, kModified));
  EXPECT_FALSE(IfRangeMatches("W/\"abc123\"", kEtag, kModified));
  EXPECT_FALSE(IfRangeMatches("\"other\"", kEtag, kModified));
  EXPECT_FALSE(IfRangeMatches("\"abc123\"", "", kModified));
  EXPECT_TRUE(IfRangeMatches("Sun, 06 Nov 1994 08:49:37 GMT", kEtag, kModified));
  EXPECT_FALSE(IfRangeMatches("Sun, 06 Nov 1994 08:49:38 GMT", kEtag, kModified));
  EXPECT_FALSE(IfRangeMatches("Sun, 06 Nov 1994 08:49:37 GMT", kEtag, std::nullopt));
  EXPECT_FALSE(IfRangeMatches("garbage", kEtag, kModified));
}

}  // namespace
}  // namespace apkd::http
