#include "format/apkindex_text.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "support/fixtures.h"
#include "support/package_parts.h"

namespace apkd::format {
namespace {

using ::apkd::testing::ReadFixture;
using ::apkd::testing::TarGzEntry;
using Strings = std::vector<std::string>;

constexpr std::string_view kTwoRecords =
    "C:Q1okp1iSSHQ0yhmnL4cLyk4waB2zE=\n"
    "P:hello\n"
    "V:1.1-r0\n"
    "A:x86_64\n"
    "S:845\n"
    "I:11\n"
    "T:test package hello\n"
    "U:https://example.com/hello\n"
    "L:MIT\n"
    "o:hello\n"
    "m:Test <t@example.com>\n"
    "t:1700000000\n"
    "c:348653a9ba0701e8e968b3344e72313a9ef334e4\n"
    "k:5\n"
    "D:libfoo>=2 !conflict so:libc.musl-x86_64.so.1\n"
    "p:cmd:hello=1.1-r0 hi\n"
    "i:docs hello\n"
    "\n"
    "C:Q1L7EnY9Q9b23ejRHAmb0g09QaLEo=\n"
    "P:libfoo\n"
    "V:2.0-r0\n"
    "A:x86_64\n"
    "S:1\n"
    "I:2\n"
    "\n";

std::vector<IndexRecord> ParseOk(std::string_view text) {
  auto records = ParseApkIndex(text);
  EXPECT_TRUE(records.ok()) << records.error().message();
  return records.ok() ? *records : std::vector<IndexRecord>{};
}

Error ParseError(std::string_view text, const ApkIndexLimits& limits = {}) {
  auto records = ParseApkIndex(text, limits);
  EXPECT_FALSE(records.ok()) << text;
  return records.ok() ? MakeError(ErrorCode::kInternal, "unexpectedly ok") : records.error();
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

IndexRecord Record(std::string name, std::string version, std::string checksum = "Q1x") {
  IndexRecord record;
  record.checksum = std::move(checksum);
  record.name = std::move(name);
  record.version = std::move(version);
  record.arch = "x86_64";
  return record;
}

TEST(ApkIndexTextTest, ParsesEveryField) {
  const auto records = ParseOk(kTwoRecords);
  ASSERT_EQ(records.size(), 2U);
  const IndexRecord& r = records[0];
  EXPECT_EQ(r.checksum, "Q1okp1iSSHQ0yhmnL4cLyk4waB2zE=");
  EXPECT_EQ(r.name, "hello");
  EXPECT_EQ(r.version, "1.1-r0");
  EXPECT_EQ(r.arch, "x86_64");
  EXPECT_EQ(r.size, 845U);
  EXPECT_EQ(r.installed_size, 11U);
  EXPECT_EQ(r.description, "test package hello");
  EXPECT_EQ(r.url, "https://example.com/hello");
  EXPECT_EQ(r.license, "MIT");
  EXPECT_EQ(r.origin, "hello");
  EXPECT_EQ(r.maintainer, "Test <t@example.com>");
  EXPECT_EQ(r.build_time, 1700000000);
  EXPECT_EQ(r.commit, "348653a9ba0701e8e968b3344e72313a9ef334e4");
  EXPECT_EQ(r.provider_priority, 5);
  EXPECT_EQ(r.depends, (Strings{"libfoo>=2", "!conflict", "so:libc.musl-x86_64.so.1"}));
  EXPECT_EQ(r.provides, (Strings{"cmd:hello=1.1-r0", "hi"}));
  EXPECT_EQ(r.install_if, (Strings{"docs", "hello"}));
  EXPECT_TRUE(r.unknown_fields.empty());
  EXPECT_FALSE(records[1].build_time.has_value());
}

TEST(ApkIndexTextTest, CanonicalTextRoundTripsExactly) {
  EXPECT_EQ(FormatApkIndex(ParseOk(kTwoRecords)), kTwoRecords);
}

TEST(ApkIndexTextTest, FormatIsCanonicalWhateverTheInputOrder) {
  const auto records = ParseOk("V:1-r0\nD:a   b\nP:x\nk:0\nC:Q1c\nA:noarch\nS:3\nI:4\nT:\n");
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].depends, (Strings{"a", "b"}));  // runs of spaces collapse
  // k:0 and empty values are not written; D: is joined with exactly one space.
  EXPECT_EQ(FormatApkIndex(records), "C:Q1c\nP:x\nV:1-r0\nA:noarch\nS:3\nI:4\nD:a b\n\n");
}

TEST(ApkIndexTextTest, EmptyInputAndSeparators) {
  EXPECT_TRUE(ParseOk("").empty());
  EXPECT_TRUE(ParseOk("\n\n").empty());
  EXPECT_EQ(FormatApkIndex({}), "");
  // Extra empty lines between and around records are tolerated; one final '\n' is enough.
  const auto records = ParseOk("\nC:Q1a\nP:a\nV:1-r0\n\n\n\nC:Q1b\nP:b\nV:1-r0\n");
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[1].name, "b");
}

TEST(ApkIndexTextTest, UnknownLettersAreKeptButNotWritten) {
  const auto records = ParseOk("C:Q1a\nP:a\nV:1-r0\ng:group\nX:upper\n\n");
  ASSERT_EQ(records.size(), 1U);
  const std::vector<std::pair<char, std::string>> unknown{{'g', "group"}, {'X', "upper"}};
  EXPECT_EQ(records[0].unknown_fields, unknown);
  EXPECT_EQ(FormatApkIndex(records), "C:Q1a\nP:a\nV:1-r0\nS:0\nI:0\n\n");
}

TEST(ApkIndexTextTest, CrlfIsRefused) {
  std::string crlf(kTwoRecords);
  for (size_t at = crlf.find('\n'); at != std::string::npos; at = crlf.find('\n', at + 2)) {
    crlf.insert(at, "\r");
  }
  const Error error = ParseError(crlf);
  EXPECT_EQ(error.code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Contains(error.message(), "carriage returns")) << error.message();
}

TEST(ApkIndexTextTest, MissingFinalNewlineIsRefused) {
  std::string text(kTwoRecords);
  text.resize(text.size() - 2);  // "...I:2" with no newline at all
  const Error error = ParseError(text);
  EXPECT_EQ(error.code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Contains(error.message(), "does not end with a newline")) << error.message();
}

TEST(ApkIndexTextTest, RecordsMissingARequiredFieldAreRefused) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const Case cases[] = {
      {"C:Q1a\nP:a\nV:1-r0\n\nP:b\nV:1-r0\nA:x86_64\n\n", "APKINDEX line 5: record has no C:"},
      {"C:Q1a\nV:1-r0\n\n", "APKINDEX line 1: record has no P:"},
      {"C:Q1a\nP:a\nA:x86_64\n", "APKINDEX line 1: record has no V:"},
      {"C:\nP:a\nV:1\n\n", "APKINDEX line 1: record has no C:"},
  };
  for (const Case& c : cases) {
    const Error error = ParseError(c.text);
    EXPECT_EQ(error.code(), ErrorCode::kCorrupt);
    EXPECT_TRUE(Contains(error.message(), c.message)) << error.message();
    EXPECT_TRUE(Contains(error.message(), "drop the whole index")) << error.message();
  }
}

TEST(ApkIndexTextTest, MalformedLinesAreRefused) {
  const std::string valid = "C:Q1a\nP:a\nV:1-r0\n";
  for (const std::string_view bad :
       {"x\n", "PX\n", "P\n", "1:digit\n", ":colon\n", " P:a\n", "P :a\n"}) {
    const Error error = ParseError(valid + std::string(bad));
    EXPECT_EQ(error.code(), ErrorCode::kCorrupt) << bad;
    EXPECT_EQ(error.message(), "APKINDEX line 4: expected 'X:value'") << bad;
  }
}

TEST(ApkIndexTextTest, NonNumericNumbersAreRefused) {
  for (const char letter : {'S', 'I', 't', 'k'}) {
    for (const std::string_view value : {"12a", "", "-", "1.5", " 1", "99999999999999999999999"}) {
      const std::string text =
          "C:Q1a\nP:a\nV:1-r0\n" + std::string(1, letter) + ":" + std::string(value) + "\n\n";
      const Error error = ParseError(text);
      EXPECT_EQ(error.message(),
                "APKINDEX line 4: " + std::string(1, letter) + ": is not a decimal number")
          << text;
    }
  }
  // Negative build times and priorities are numbers; sizes are not signed.
  EXPECT_EQ(ParseOk("C:Q1a\nP:a\nV:1\nt:-5\nk:-1\n")[0].build_time, -5);
  EXPECT_EQ(ParseError("C:Q1a\nP:a\nV:1\nS:-5\n").code(), ErrorCode::kCorrupt);
}

TEST(ApkIndexTextTest, Limits) {
  ApkIndexLimits limits;
  limits.max_line_bytes = 10;
  const Error line = ParseError("C:Q1a\nP:abcdefghijk\nV:1\n", limits);
  EXPECT_EQ(line.message(), "APKINDEX line 2: line longer than 10 bytes");
  limits = {};
  limits.max_records = 1;
  const Error records = ParseError("C:Q1a\nP:a\nV:1\n\nC:Q1b\nP:b\nV:1\n\n", limits);
  EXPECT_EQ(records.code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(ParseApkIndex("C:Q1a\nP:a\nV:1\n\n", limits).ok());
  // The limit also holds when the last record ends with a single '\n' (no separator line).
  auto unterminated = ParseApkIndex("C:Q1a\nP:a\nV:1\n\nC:Q1b\nP:b\nV:1\n", limits);
  ASSERT_FALSE(unterminated.ok());
  EXPECT_EQ(unterminated.error().code(), ErrorCode::kLimitExceeded);
}

TEST(SortIndexRecordsTest, ByNameThenApkVersionThenChecksum) {
  std::vector<IndexRecord> records{
      Record("zlib", "1.2.13-r0"),    Record("a", "1.0-r10"),    Record("a", "1.0-r2"),
      Record("a", "1.0.1-r0"),        Record("a", "1.0_rc1-r0"), Record("a-b", "0.1-r0"),
      Record("a", "1.0-r2", "Q1aaa"), Record("a", "10-r0"),      Record("a", "9-r0"),
  };
  SortIndexRecords(records);
  Strings order;
  for (const IndexRecord& r : records) {
    order.push_back(r.name + " " + r.version + " " + r.checksum);
  }
  EXPECT_EQ(order, (Strings{"a 1.0_rc1-r0 Q1x", "a 1.0-r2 Q1aaa", "a 1.0-r2 Q1x", "a 1.0-r10 Q1x",
                            "a 1.0.1-r0 Q1x", "a 9-r0 Q1x", "a 10-r0 Q1x", "a-b 0.1-r0 Q1x",
                            "zlib 1.2.13-r0 Q1x"}));
}

// Fixture indexes written by abuild/apk index, melange and apko. Those whose records are all in
// canonical field order (checked by hand: C P V A S I T U L o m t c k D p i) round-trip byte for
// byte; record order is kept (private-packages lists package-y before package-x, unsorted).
struct FixtureIndex {
  const char* path;
  size_t records;
};

TEST(ApkIndexFixtureTest, CanonicalFixturesRoundTripByteForByte) {
  APKD_REQUIRE_FIXTURES();
  const FixtureIndex fixtures[] = {
      {"melange-built/x86_64/APKINDEX.tar.gz", 4},
      {"melange-built/aarch64/APKINDEX.tar.gz", 4},
      {"private-packages/x86_64/APKINDEX.tar.gz", 2},
      {"private-packages/aarch64/APKINDEX.tar.gz", 2},
      {"rsa256-signed/APKINDEX.tar.gz", 1},
      {"alpine-3.16/x86_64/APKINDEX.tar.gz", 4929},
      {"alpine-3.17/x86_64/APKINDEX.tar.gz", 5004},
  };
  for (const FixtureIndex& f : fixtures) {
    const std::string text = TarGzEntry(ReadFixture(f.path), "APKINDEX");
    ASSERT_FALSE(text.empty()) << f.path;
    const auto records = ParseOk(text);
    EXPECT_EQ(records.size(), f.records) << f.path;
    EXPECT_TRUE(FormatApkIndex(records) == text) << f.path << " does not round-trip";
  }
}

TEST(ApkIndexFixtureTest, ChainguardIndexIsNotCanonicalButParsesTheSame) {
  APKD_REQUIRE_FIXTURES();
  const std::string text = TarGzEntry(ReadFixture("chainguard-signed/APKINDEX.tar.gz"), "APKINDEX");
  const auto records = ParseOk(text);
  ASSERT_EQ(records.size(), 16U);
  // apko writes k: after p: in some records, and one record has an empty `T:` line, which our
  // writer omits. So the text differs, but the records are the same after a second parse.
  const std::string formatted = FormatApkIndex(records);
  EXPECT_NE(formatted, text);
  EXPECT_NE(text.find("\np:so:ld-linux-aarch64.so.1=1\nk:10\n"), std::string::npos);
  EXPECT_NE(formatted.find("\nk:10\nD:wolfi-baselayout\np:so:ld-linux-aarch64.so.1=1\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nT:\n"), std::string::npos);
  EXPECT_EQ(formatted.find("\nT:\n"), std::string::npos);
  EXPECT_EQ(ParseOk(formatted), records);
}

TEST(ApkIndexFixtureTest, Alpine316IndexIsAllX86_64) {
  APKD_REQUIRE_FIXTURES();
  const auto records =
      ParseOk(TarGzEntry(ReadFixture("alpine-3.16/x86_64/APKINDEX.tar.gz"), "APKINDEX"));
  ASSERT_EQ(records.size(), 4929U);
  EXPECT_TRUE(std::all_of(records.begin(), records.end(),
                          [](const IndexRecord& r) { return r.arch == "x86_64"; }));
  EXPECT_TRUE(std::all_of(records.begin(), records.end(), [](const IndexRecord& r) {
    return r.checksum.size() == 30 && r.checksum.starts_with("Q1");
  }));
  // Sorting the real index is stable: sorting twice gives the same order and bytes.
  auto sorted = records;
  SortIndexRecords(sorted);
  auto again = sorted;
  SortIndexRecords(again);
  EXPECT_EQ(FormatApkIndex(sorted), FormatApkIndex(again));
}

}  // namespace
}  // namespace apkd::format
