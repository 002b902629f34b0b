#include "format/gzip.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/file_io.h"

namespace apkd::format {
namespace {

using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;

// Text that compresses, but not to nothing.
std::string SampleText(size_t size, char salt) {
  std::string text;
  text.reserve(size);
  for (size_t i = 0; text.size() < size; ++i) {
    text += "line " + std::to_string(i * 7 + static_cast<size_t>(salt)) + " of the sample\n";
  }
  text.resize(size);
  return text;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

struct Collected {
  std::vector<std::pair<size_t, size_t>> starts;  // (index, offset)
  std::string data;
  std::vector<size_t> data_size_at_start;  // how much output preceded each member
  size_t largest_chunk = 0;
};

Result<std::vector<GzipMember>> Inflate(std::string_view input, Collected& out,
                                        const GzipLimits& limits = {}) {
  return InflateMembers(
      input, limits,
      [&out](size_t index, size_t offset) {
        out.starts.emplace_back(index, offset);
        out.data_size_at_start.push_back(out.data.size());
        return OkStatus();
      },
      [&out](std::string_view chunk) {
        out.data += chunk;
        out.largest_chunk = std::max(out.largest_chunk, chunk.size());
        return OkStatus();
      });
}

TEST(GzipTest, CompressIsReproducibleWithZeroMtime) {
  const std::string text = SampleText(5000, 'a');
  const std::string a = GzipCompress(text);
  const std::string b = GzipCompress(text);
  EXPECT_EQ(a, b);
  ASSERT_GT(a.size(), 10U);
  EXPECT_EQ(static_cast<unsigned char>(a[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(a[1]), 0x8b);
  EXPECT_EQ(a.substr(4, 4), std::string(4, '\0'));  // MTIME
  EXPECT_LT(a.size(), text.size());
}

TEST(GzipTest, InflateMemberReportsSizeAndContent) {
  const std::string text = SampleText(200'000, 'b');
  const std::string member = GzipCompress(text);
  std::string out;
  auto result = InflateMember(member + "tail", text.size(), [&out](std::string_view chunk) {
    EXPECT_LE(chunk.size(), 64U * 1024U);
    out += chunk;
    return OkStatus();
  });
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->offset, 0U);
  EXPECT_EQ(result->size, member.size());  // stops at the trailer, not at "tail"
  EXPECT_EQ(result->decompressed_size, text.size());
  EXPECT_EQ(out, text);
}

TEST(GzipTest, EmptyDataIsAValidMember) {
  const std::string member = GzipCompress("");
  Collected out;
  auto members = Inflate(member, out);
  ASSERT_TRUE(members.ok()) << members.error().message();
  ASSERT_EQ(members->size(), 1U);
  EXPECT_EQ((*members)[0].decompressed_size, 0U);
  EXPECT_EQ((*members)[0].size, member.size());
}

TEST(GzipTest, MembersAreLocatedAndAnnouncedBeforeTheirBytes) {
  const std::string t0 = SampleText(1000, 'x');
  const std::string t1 = SampleText(150'000, 'y');
  const std::string t2 = "short";
  const std::string m0 = GzipCompress(t0);
  const std::string m1 = GzipCompress(t1, 1);
  const std::string m2 = GzipCompress(t2);
  Collected out;
  auto members = Inflate(m0 + m1 + m2, out);
  ASSERT_TRUE(members.ok()) << members.error().message();
  ASSERT_EQ(members->size(), 3U);
  EXPECT_EQ((*members)[0].offset, 0U);
  EXPECT_EQ((*members)[1].offset, m0.size());
  EXPECT_EQ((*members)[2].offset, m0.size() + m1.size());
  EXPECT_EQ((*members)[1].size, m1.size());
  EXPECT_EQ((*members)[2].size, m2.size());
  EXPECT_EQ((*members)[1].decompressed_size, t1.size());
  EXPECT_EQ(out.data, t0 + t1 + t2);
  const std::vector<std::pair<size_t, size_t>> expected_starts{
      {0, 0}, {1, m0.size()}, {2, m0.size() + m1.size()}};
  EXPECT_EQ(out.starts, expected_starts);
  EXPECT_EQ(out.data_size_at_start, (std::vector<size_t>{0, t0.size(), t0.size() + t1.size()}));
  EXPECT_LE(out.largest_chunk, 64U * 1024U);
}

TEST(GzipTest, TruncatedInputIsCorruptAtEveryCut) {
  const std::string member = GzipCompress(SampleText(3000, 'c'));
  const std::string two = member + member;
  for (size_t cut : {size_t{1}, size_t{2}, size_t{5}, size_t{10}, size_t{11}, member.size() / 2,
                     member.size() - 8, member.size() - 1, member.size() + 1, member.size() + 20,
                     two.size() - 1}) {
    auto result = GunzipAll(std::string_view(two).substr(0, cut));
    ASSERT_FALSE(result.ok()) << "cut at " << cut;
    EXPECT_EQ(result.error().code(), ErrorCode::kCorrupt) << "cut at " << cut;
    if (cut > 2 && cut != member.size() + 1) {
      EXPECT_TRUE(Contains(result.error().message(), "truncated"))
          << "cut at " << cut << ": " << result.error().message();
    }
  }
  // One byte past a member boundary is not even a gzip magic.
  auto result = GunzipAll(std::string_view(two).substr(0, member.size() + 1));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(Contains(result.error().message(), "trailing garbage"));
}

TEST(GzipTest, EmptyAndNonGzipInputAreCorrupt) {
  auto empty = GunzipAll("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kCorrupt);
  auto plain = GunzipAll("plain text, not gzip");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Contains(plain.error().message(), "not gzip"));
  // A zlib stream (0x78 0x9c …) is deflate data too, but not a gzip member.
  auto zlib_stream = GunzipAll(std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
  ASSERT_FALSE(zlib_stream.ok());
  EXPECT_EQ(zlib_stream.error().code(), ErrorCode::kCorrupt);
}

TEST(GzipTest, TrailingGarbageIsCorrupt) {
  const std::string member = GzipCompress("abc");
  for (const std::string& tail : {std::string("x"), std::string(512, '\0'), std::string("\x1f")}) {
    auto result = GunzipAll(member + member + tail);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code(), ErrorCode::kCorrupt);
    EXPECT_TRUE(Contains(result.error().message(), "trailing garbage after gzip member 2 at byte " +
                                                       std::to_string(2 * member.size())))
        << result.error().message();
  }
}

TEST(GzipTest, BadCrcIsCorrupt) {
  std::string member = GzipCompress(SampleText(100, 'd'));
  member[member.size() - 6] = static_cast<char>(member[member.size() - 6] ^ 0x55);  // CRC32
  auto result = GunzipAll(member);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Contains(result.error().message(), "gzip member 0"));
  EXPECT_TRUE(Contains(result.error().message(), "corrupt gzip data"));
}

TEST(GzipTest, DecompressionBombHitsTheLimit) {
  const std::string zeros(16 * 1024 * 1024, '\0');
  const std::string bomb = GzipCompress(zeros);
  ASSERT_LT(bomb.size(), 64U * 1024U);  // small on the wire
  GzipLimits limits;
  limits.max_decompressed_bytes = 1024 * 1024;
  size_t received = 0;
  auto result = InflateMembers(bomb, limits, nullptr, [&received](std::string_view chunk) {
    received += chunk.size();
    return OkStatus();
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(Contains(result.error().message(), "exceeds the limit of 1048576 bytes"))
      << result.error().message();
  EXPECT_LE(received, limits.max_decompressed_bytes);  // never handed out more than allowed
}

TEST(GzipTest, DecompressedLimitCountsAllMembersAndIsInclusive) {
  const std::string part(600 * 1024, 'z');
  const std::string two = GzipCompress(part) + GzipCompress(part);
  GzipLimits limits;
  limits.max_decompressed_bytes = 2 * part.size();
  EXPECT_TRUE(GunzipAll(two, limits).ok());
  limits.max_decompressed_bytes = 2 * part.size() - 1;
  auto result = GunzipAll(two, limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(Contains(result.error().message(), "gzip member 1"));
}

TEST(GzipTest, TooManyMembers) {
  const std::string member = GzipCompress("m");
  GzipLimits limits;
  limits.max_members = 2;
  EXPECT_TRUE(GunzipAll(member + member, limits).ok());
  auto result = GunzipAll(member + member + member, limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(Contains(result.error().message(), "more than 2 gzip members"));
}

TEST(GzipTest, SinkAndMemberCallbackErrorsStopInflation) {
  const std::string member = GzipCompress("payload");
  int sink_calls = 0;
  auto stopped = InflateMembers(
      member + member, {},
      [](size_t index, size_t) {
        return index == 1 ? Status(MakeError(ErrorCode::kCorrupt, "no second member")) : OkStatus();
      },
      [&sink_calls](std::string_view) {
        ++sink_calls;
        return OkStatus();
      });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().message(), "no second member");
  EXPECT_EQ(sink_calls, 1);

  auto refused = InflateMembers(member, {}, nullptr, [](std::string_view) {
    return Status(MakeError(ErrorCode::kPermissionDenied, "sink says no"));
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(Contains(refused.error().message(), "sink says no"));
}

// Independent checker: the gzip tool reads what we write, and we read what it writes.
TEST(GzipTest, InteroperatesWithTheGzipTool) {
  TempDir dir;
  const std::string text = SampleText(40'000, 'e');
  const std::string ours = dir.Write("ours.gz", GzipCompress(text) + GzipCompress("second\n"));
  const auto decoded = RunCommand("gzip -dc " + ShellQuote(ours));
  ASSERT_EQ(decoded.exit_code, 0) << decoded.output;
  EXPECT_EQ(decoded.output, text + "second\n");

  dir.Write("a.txt", text);
  dir.Write("b.txt", "bee\n");
  const std::string theirs = dir.File("theirs.gz");
  const auto made = RunCommand("cd " + ShellQuote(dir.path()) + " && gzip -c a.txt > theirs.gz" +
                               " && gzip -nc b.txt >> theirs.gz");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto bytes = ReadFile(theirs);
  ASSERT_TRUE(bytes.ok());
  Collected out;
  auto members = Inflate(*bytes, out);
  ASSERT_TRUE(members.ok()) << members.error().message();
  EXPECT_EQ(members->size(), 2U);  // gzip stored a file name in the first header (FNAME)
  EXPECT_EQ(out.data, text + "bee\n");
}

}  // namespace
}  // namespace apkd::format
