#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "http/conditional.h"

namespace apkd::http {
namespace {

using std::chrono::sys_seconds;
using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace): literals only

// RFC 9110 §5.6.7's example instant, 1994-11-06T08:49:37Z.
constexpr sys_seconds kRfcExample{784111777s};

TEST(HttpDateTest, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(sys_seconds{0s}), "Thu, 01 Jan 1970 00:00:00 GMT");
  // 2000-02-29 (leap day of a century leap year) and a time past 2038 (no 32-bit time_t limit).
  EXPECT_EQ(FormatHttpDate(sys_seconds{951782400s + 23h + 59min + 59s}),
            "Tue, 29 Feb 2000 23:59:59 GMT");
  EXPECT_EQ(FormatHttpDate(sys_seconds{2147483648s}), "Tue, 19 Jan 2038 03:14:08 GMT");
}

TEST(HttpDateTest, ParsesAllThreeFormats) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov 16 08:49:37 1994"), kRfcExample + std::chrono::days(10));
}

TEST(HttpDateTest, Rfc850TwoDigitYearUsesTheFiftyYearWindow) {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const int year = static_cast<int>(std::chrono::year_month_day(today).year());
  const auto expect_year = [](int two_digits, int full_year) {
    char text[64];
    std::snprintf(text, sizeof text, "Monday, 01-Jan-%02d 00:00:00 GMT", two_digits);
    const auto parsed = ParseHttpDate(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(*parsed)).year(),
              std::chrono::year(full_year))
        << text;
  };
  expect_year(year % 100, year);                    // this year
  expect_year((year + 10) % 100, year + 10);        // near future stays in the future
  expect_year((year + 60) % 100, year + 60 - 100);  // > 50 years ahead means the last century
  expect_year((year - 1) % 100, year - 1);
}

TEST(HttpDateTest, RoundTrips) {
  // A spread of instants across 1970-2200, every field width exercised.
  for (int64_t t = 0; t < 7'258'118'400; t += 86'399 * 37 + 7) {
    const sys_seconds time{std::chrono::seconds(t)};
    const std::string text = FormatHttpDate(time);
    ASSERT_EQ(text.size(), 29U) << text;
    EXPECT_EQ(ParseHttpDate(text), time) << text;
  }
}

constexpr std::string_view kInvalid[] = {
    "",
    "Sun, 06 Nov 1994 08:49:37 UTC",  // apk-tools reject anything but GMT
    "1994-11-06T08:49:37Z",           // ISO 8601
    "Sun, 06 Nov 1994 08:49:37 gmt",
    "sun, 06 Nov 1994 08:49:37 GMT",  // HTTP-date is case-sensitive
    "Sun, 6 Nov 1994 08:49:37 GMT",   // IMF-fixdate needs two day digits
    "Sun, 06 Nov 94 08:49:37 GMT",
    "Sun, 31 Feb 1994 08:49:37 GMT",  // no such day
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "Sun, 06 Nov 1994 08:60:00 GMT",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "Xyz, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMT ",  // trailing junk
    " Sun, 06 Nov 1994 08:49:37 GMT",
    "Sunday, 06-Nov-1994 08:49:37 GMT",
    "Sun Nov 6 08:49:37 1994",  // asctime pads the day with a space
    "Sun Nov  6 08:49:37 94",
};

TEST(HttpDateTest, RejectsMalformed) {
  for (const std::string_view text : kInvalid) {
    EXPECT_FALSE(ParseHttpDate(text).has_value()) << '"' << text << '"';
  }
}

TEST(HttpDateTest, AcceptsLeapSecondSyntax) {
  EXPECT_EQ(ParseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT"), sys_seconds{1483228800s});
}

}  // namespace
}  // namespace apkd::http
