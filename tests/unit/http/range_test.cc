#include <cstdint>
#include <string_view>

#include <gtest/gtest.h>

#include "http/conditional.h"

namespace apkd::http {
namespace {

constexpr auto kFull = RangeOutcome::kFull;
constexpr auto kPartial = RangeOutcome::kPartial;
constexpr auto kUnsatisfiable = RangeOutcome::kUnsatisfiable;

struct RangeCase {
  std::string_view value;
  uint64_t total;
  RangeOutcome outcome;
  ByteRange range;  // when kPartial
};

constexpr RangeCase kCases[] = {
    // The forms apko's retry path and curl send.
    {"bytes=0-", 100, kPartial, {0, 99}},
    {"bytes=40-", 100, kPartial, {40, 99}},
    {"bytes=10-19", 100, kPartial, {10, 19}},
    {"bytes=99-99", 100, kPartial, {99, 99}},
    {"bytes=90-200", 100, kPartial, {90, 99}},
    {"bytes=-10", 100, kPartial, {90, 99}},
    {"bytes=-200", 100, kPartial, {0, 99}},
    {"BYTES=0-0", 100, kPartial, {0, 0}},
    {" bytes=5-9 ", 100, kPartial, {5, 9}},
    {"bytes= 5-9", 100, kPartial, {5, 9}},
    {"bytes=0-4,", 100, kPartial, {0, 4}},
    {"bytes=0-18446744073709551615", 100, kPartial, {0, 99}},
    // Unsatisfiable: 416 with "bytes */total".
    {"bytes=100-", 100, kUnsatisfiable, {}},
    {"bytes=100-200", 100, kUnsatisfiable, {}},
    {"bytes=-0", 100, kUnsatisfiable, {}},
    {"bytes=0-", 0, kUnsatisfiable, {}},
    {"bytes=-5", 0, kUnsatisfiable, {}},
    // Ignored: the whole representation with 200.
    {"bytes=20-10", 100, kFull, {}},
    {"bytes=0-1,5-6", 100, kFull, {}},
    {"bytes=0-1, 200-300", 100, kFull, {}},
    {"bytes=abc", 100, kFull, {}},
    {"bytes=", 100, kFull, {}},
    {"bytes=-", 100, kFull, {}},
    {"bytes=1-2-3", 100, kFull, {}},
    {"bytes=+1-2", 100, kFull, {}},
    {"bytes=1 -2", 100, kFull, {}},
    {"bytes 0-1", 100, kFull, {}},
    {"items=0-1", 100, kFull, {}},
    {"", 100, kFull, {}},
    {"bytes=99999999999999999999-", 100, kFull, {}},
};

TEST(EvaluateRangeTest, Table) {
  for (const RangeCase& c : kCases) {
    const RangeDecision decision = EvaluateRange(c.value, c.total);
    EXPECT_EQ(decision.outcome, c.outcome) << '"' << c.value << "\" of " << c.total;
    if (c.outcome == kPartial) {
      EXPECT_EQ(decision.range, c.range) << c.value;
    }
  }
}

TEST(EvaluateRangeTest, PartialRangesStayInsideTheRepresentation) {
  for (uint64_t total = 1; total < 40; ++total) {
    for (uint64_t first = 0; first < 45; ++first) {
      const std::string value = "bytes=" + std::to_string(first) + "-";
      const RangeDecision decision = EvaluateRange(value, total);
      if (first >= total) {
        EXPECT_EQ(decision.outcome, kUnsatisfiable) << value << " of " << total;
        continue;
      }
      ASSERT_EQ(decision.outcome, kPartial);
      EXPECT_EQ(decision.range.first, first);
      EXPECT_EQ(decision.range.last, total - 1);
      EXPECT_EQ(decision.range.length(), total - first);
    }
  }
}

TEST(ContentRangeTest, StrictFormat) {
  // libfetch parses "bytes N-M/T" and "bytes */T" strictly (apk-protocol.md §5.6).
  EXPECT_EQ(ContentRangeValue({0, 99}, 100), "bytes 0-99/100");
  EXPECT_EQ(ContentRangeValue({40, 40}, 41), "bytes 40-40/41");
  EXPECT_EQ(UnsatisfiedContentRangeValue(100), "bytes */100");
  EXPECT_EQ(UnsatisfiedContentRangeValue(0), "bytes */0");
}

}  // namespace
}  // namespace apkd::http
