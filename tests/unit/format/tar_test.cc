#include "format/tar.h"

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "format/tar_reader.h"
#include "format/tar_writer.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/file_io.h"

namespace apkd::format {
namespace {

using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;

struct Recorded {
  TarEntry entry;
  std::string body;
  bool operator==(const Recorded&) const = default;
};

// Records every entry with its body; checks the handler protocol (entry, bodies, end).
class Recorder : public TarHandler {
 public:
  Status OnEntry(const TarEntry& entry) override {
    EXPECT_FALSE(open_) << "OnEntry before the previous OnEntryEnd";
    open_ = true;
    entries.push_back({entry, ""});
    return OkStatus();
  }
  Status OnBody(std::string_view chunk) override {
    EXPECT_TRUE(open_);
    entries.back().body += chunk;
    return OkStatus();
  }
  Status OnEntryEnd() override {
    EXPECT_TRUE(open_);
    open_ = false;
    return OkStatus();
  }

  std::vector<Recorded> entries;

 private:
  bool open_ = false;
};

// Reads `bytes` fed in chunks of `chunk` bytes (0: all at once); the status of Finish(false)
// or of the first failing Feed.
Status ReadTar(std::string_view bytes, Recorder& recorder, size_t chunk = 0,
               TarLimits limits = {}) {
  TarReader reader(recorder, limits);
  if (chunk == 0) {
    chunk = bytes.size() + 1;
  }
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    APKD_RETURN_IF_ERROR(reader.Feed(bytes.substr(at, chunk)));
  }
  return reader.Finish(false);
}

std::vector<Recorded> ReadOk(std::string_view bytes, size_t chunk = 0) {
  Recorder recorder;
  const Status status = ReadTar(bytes, recorder, chunk);
  EXPECT_TRUE(status.ok()) << status.error().message();
  return recorder.entries;
}

Error ReadError(std::string_view bytes, TarLimits limits = {}) {
  Recorder recorder;
  const Status status = ReadTar(bytes, recorder, 0, limits);
  EXPECT_FALSE(status.ok());
  return status.ok() ? MakeError(ErrorCode::kInternal, "unexpectedly ok") : status.error();
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// A raw ustar header, for what TarWriter never writes (GNU long names, base-256, bad checksums).
constexpr std::string_view kPosixMagic(
    "ustar\0"
    "00",
    8);
constexpr std::string_view kGnuMagic("ustar  \0", 8);

void FixChecksum(std::string& block) {
  block.replace(148, 8, 8, ' ');
  unsigned sum = 0;
  for (const char c : block) {
    sum += static_cast<unsigned char>(c);
  }
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%06o", sum);
  block.replace(148, 6, text.data(), 6);
  block[154] = '\0';
}

std::string MakeHeader(std::string_view name, uint64_t size = 0, char type = '0',
                       std::string_view magic = kPosixMagic, std::string_view prefix = {}) {
  std::string block(kTarBlockSize, '\0');
  block.replace(0, name.size(), name);
  block.replace(100, 7, "0000644");
  block.replace(108, 7, "0000000");
  block.replace(116, 7, "0000000");
  std::array<char, 16> octal{};
  std::snprintf(octal.data(), octal.size(), "%011llo", static_cast<unsigned long long>(size));
  block.replace(124, 11, octal.data(), 11);
  block.replace(136, 11, "00000000000");
  block[156] = type;
  block.replace(257, magic.size(), magic);
  block.replace(345, prefix.size(), prefix);
  FixChecksum(block);
  return block;
}

std::string Padded(std::string body) {
  body.append((kTarBlockSize - body.size() % kTarBlockSize) % kTarBlockSize, '\0');
  return body;
}

const std::string kEndOfArchive(2 * kTarBlockSize, '\0');

TarEntry Named(std::string name, TarEntryType type = TarEntryType::kRegular) {
  TarEntry entry;
  entry.name = std::move(name);
  entry.type = type;
  entry.mode = type == TarEntryType::kDirectory ? 0755 : 0644;
  entry.mtime = 1700000000;
  entry.uname = "root";
  entry.gname = "root";
  return entry;
}

// A varied archive: directory, files of awkward sizes, symlink, hard link, PAX records and
// names and link targets longer than the 100-byte fields.
std::string VariedArchive(std::vector<Recorded>& expected) {
  TarWriter writer;
  auto add = [&](TarEntry entry, std::string body) {
    writer.Add(entry, body);
    entry.size = entry.type == TarEntryType::kRegular ? body.size() : 0;
    expected.push_back({entry, body});
  };
  add(Named("usr", TarEntryType::kDirectory), "");
  add(Named("usr/empty"), "");
  add(Named("usr/block"), std::string(512, 'b'));
  TarEntry with_pax = Named("usr/odd");
  with_pax.pax["APK-TOOLS.checksum.SHA1"] = std::string(40, 'a');
  with_pax.pax["comment"] = std::string(250, 'c');  // a 3-digit record length
  add(with_pax, std::string(1025, 'o'));
  TarEntry link = Named("usr/link", TarEntryType::kSymlink);
  link.link_name = "odd";
  add(link, "");
  TarEntry hard = Named("usr/hard", TarEntryType::kHardLink);
  hard.link_name = "usr/odd";
  add(hard, "");
  const std::string long_dir = "usr/" + std::string(120, 'd');
  TarEntry long_name = Named(long_dir + "/file-with-a-long-path");
  long_name.pax["path"] = long_name.name;  // what the reader reports for a PAX-named entry
  TarEntry long_written = long_name;
  long_written.pax.clear();
  writer.Add(long_written, "long");
  long_name.size = 4;
  expected.push_back({long_name, "long"});
  TarEntry long_link = Named("usr/ll", TarEntryType::kSymlink);
  long_link.link_name = std::string(150, 't');
  writer.Add(long_link);
  long_link.pax["linkpath"] = long_link.link_name;
  expected.push_back({long_link, ""});
  writer.Finish();
  return writer.Release();
}

TEST(TarTest, WriterOutputReadsBackExactly) {
  std::vector<Recorded> expected;
  const std::string archive = VariedArchive(expected);
  EXPECT_EQ(archive.size() % kTarBlockSize, 0U);
  EXPECT_EQ(ReadOk(archive), expected);
}

TEST(TarTest, ChunkingDoesNotChangeTheEntries) {
  std::vector<Recorded> expected;
  const std::string archive = VariedArchive(expected);
  for (const size_t chunk : {size_t{1}, size_t{3}, size_t{7}, size_t{100}, size_t{511}, size_t{512},
                             size_t{513}, size_t{4099}}) {
    EXPECT_EQ(ReadOk(archive, chunk), expected) << "chunk " << chunk;
  }
}

TEST(TarTest, WriterHeadersHaveValidChecksumsAndPosixMagic) {
  std::vector<Recorded> expected;
  const std::string archive = VariedArchive(expected);
  // Walk the first header of the archive ("usr/") by hand.
  const std::string_view header = std::string_view(archive).substr(0, kTarBlockSize);
  EXPECT_EQ(header.substr(257, 8), std::string_view("ustar\0"
                                                    "00",
                                                    8));
  EXPECT_EQ(header.substr(0, 4), std::string_view("usr\0", 4));
  EXPECT_EQ(header[156], '5');
  unsigned sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    sum += (i >= 148 && i < 156) ? 32U : static_cast<unsigned char>(header[i]);
  }
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%06o", sum);
  EXPECT_EQ(header.substr(148, 8), std::string(text.data(), 6) + std::string("\0 ", 2));
}

// Independent checker: GNU tar reads what TarWriter writes, PAX names and link targets included.
TEST(TarTest, GnuTarListsWriterOutput) {
  TempDir dir;
  std::vector<Recorded> expected;
  const std::string path = dir.Write("varied.tar", VariedArchive(expected));
  const auto listed = RunCommand("tar tf " + ShellQuote(path) + " 2>/dev/null");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::string want;
  for (const Recorded& r : expected) {
    want += r.entry.name + "\n";  // directories as stored: "usr", as abuild and melange write
  }
  EXPECT_EQ(listed.output, want);
  const auto content = RunCommand("tar xOf " + ShellQuote(path) + " usr/odd 2>/dev/null");
  EXPECT_EQ(content.output, std::string(1025, 'o'));
}

// Independent producer: GNU tar's long-name ('L') headers, PAX headers and base-256 numbers.
TEST(TarTest, ReadsGnuTarArchives) {
  TempDir dir;
  const std::string long_name = std::string(130, 'n') + ".txt";
  dir.Write("in/" + long_name, "content\n");
  for (const std::string format : {"gnu", "pax"}) {
    const std::string out = dir.File(format + ".tar");
    // uid 3000000 does not fit 7 octal digits: GNU format writes it in base-256, PAX as `uid`.
    const auto made = RunCommand("cd " + ShellQuote(dir.File("in")) + " && tar --format=" + format +
                                 " --owner=someone:3000000 --group=0 -cf " + ShellQuote(out) + " " +
                                 ShellQuote(long_name));
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto bytes = ReadFile(out);
    ASSERT_TRUE(bytes.ok());
    const std::vector<Recorded> entries = ReadOk(*bytes);
    ASSERT_EQ(entries.size(), 1U) << format;
    EXPECT_EQ(entries[0].entry.name, long_name) << format;
    EXPECT_EQ(entries[0].body, "content\n") << format;
    EXPECT_EQ(entries[0].entry.uname, "someone") << format;
    if (format == "gnu") {
      EXPECT_EQ(entries[0].entry.uid, 3000000U);
    } else {
      EXPECT_EQ(entries[0].entry.pax.at("uid"), "3000000");
    }
  }
}

TEST(TarTest, GnuLongNameHeader) {
  const std::string long_name = "usr/share/" + std::string(200, 'x');
  std::string archive = MakeHeader("././@LongLink", long_name.size() + 1, 'L', kGnuMagic);
  archive += Padded(long_name + '\0');
  archive += MakeHeader(long_name.substr(0, 100), 3, '0', kGnuMagic);
  archive += Padded("abc") + kEndOfArchive;
  const auto entries = ReadOk(archive, 7);
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].entry.name, long_name);
  EXPECT_EQ(entries[0].body, "abc");
}

TEST(TarTest, PaxPathAndMultiDigitRecordLengths) {
  const std::string value_1k(1200, 'v');
  const std::string records = FormatPaxRecord("path", "opt/from-pax") +
                              FormatPaxRecord("x.three", std::string(150, 'w')) +
                              FormatPaxRecord("x.four", value_1k) + "6 a=b\n";
  std::string archive = MakeHeader("PaxHeaders/x", records.size(), 'x');
  archive += Padded(records);
  archive += MakeHeader("short-name", 2) + Padded("hi") + kEndOfArchive;
  const auto entries = ReadOk(archive, 5);
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].entry.name, "opt/from-pax");
  EXPECT_EQ(entries[0].entry.pax.at("x.three"), std::string(150, 'w'));
  EXPECT_EQ(entries[0].entry.pax.at("x.four"), value_1k);
  EXPECT_EQ(entries[0].entry.pax.at("a"), "b");
}

TEST(TarTest, PaxRecordsApplyToOneEntryOnly) {
  TarWriter writer;
  TarEntry first = Named("a");
  first.pax["APK-TOOLS.checksum.SHA1"] = "00";
  writer.Add(first, "1");
  writer.Add(Named("b"), "2");
  writer.Finish();
  const auto entries = ReadOk(writer.bytes());
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].entry.pax.size(), 1U);
  EXPECT_TRUE(entries[1].entry.pax.empty());
}

TEST(TarTest, MalformedPaxRecordsAreCorrupt) {
  for (const std::string& records :
       {std::string("7 a=b\n"), std::string("x a=b\n"), std::string("6 ab\n\n"),
        std::string("5 =b\n"), std::string("6 a=b "), std::string("99 a=b\n")}) {
    std::string archive = MakeHeader("p", records.size(), 'x');
    archive += Padded(records) + MakeHeader("f") + kEndOfArchive;
    const Error error = ReadError(archive);
    EXPECT_EQ(error.code(), ErrorCode::kCorrupt) << records;
    EXPECT_TRUE(Contains(error.message(), "PAX")) << records << ": " << error.message();
  }
}

TEST(TarTest, FormatPaxRecordLengthIsSelfConsistent) {
  for (size_t n = 0; n <= 1100; ++n) {
    const std::string record = FormatPaxRecord("k", std::string(n, 'v'));
    const size_t space = record.find(' ');
    ASSERT_NE(space, std::string::npos);
    EXPECT_EQ(std::stoul(record.substr(0, space)), record.size()) << n;
    EXPECT_EQ(record.substr(space + 1, 2), "k=");
    EXPECT_EQ(record.back(), '\n');
  }
  // The record length crosses 99 -> 100: a 2-digit prefix no longer fits.
  EXPECT_EQ(FormatPaxRecord("k", std::string(93, 'v')).substr(0, 3), "99 ");
  EXPECT_EQ(FormatPaxRecord("k", std::string(94, 'v')).substr(0, 4), "101 ");
  EXPECT_EQ(FormatPaxRecord("k", std::string(94, 'v')).size(), 101U);
}

TEST(TarTest, Base256SizeField) {
  std::string header = MakeHeader("big", 0);
  const uint64_t size = 700;
  header[124] = static_cast<char>(0x80);
  for (size_t i = 0; i < 11; ++i) {  // big-endian in bytes 125-135
    header[135 - i] = static_cast<char>(i < 8 ? (size >> (8 * i)) & 0xff : 0);
  }
  FixChecksum(header);
  const auto entries = ReadOk(header + Padded(std::string(size, 's')) + kEndOfArchive, 13);
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].entry.size, size);
  EXPECT_EQ(entries[0].body, std::string(size, 's'));
}

TEST(TarTest, PosixPrefixFieldIsJoined) {
  const std::string archive =
      MakeHeader("file", 1, '0', kPosixMagic, "some/dir") + Padded("x") + kEndOfArchive;
  const auto entries = ReadOk(archive);
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].entry.name, "some/dir/file");
}

TEST(TarTest, BadHeaderChecksumIsCorrupt) {
  std::string header = MakeHeader("file", 1);
  header[136] = '1';  // mtime changes, checksum does not
  const Error error = ReadError(header + Padded("x") + kEndOfArchive);
  EXPECT_EQ(error.code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(Contains(error.message(), "tar header checksum mismatch")) << error.message();
  EXPECT_TRUE(Contains(error.message(), "tar at byte 512")) << error.message();
}

TEST(TarTest, SignedChecksumOfOldWritersIsAccepted) {
  std::string header = MakeHeader("caf\xc3\xa9", 0);
  int sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<signed char>(header[i]);
  }
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%06o", static_cast<unsigned>(sum));
  header.replace(148, 6, text.data(), 6);
  const auto entries = ReadOk(header + kEndOfArchive);
  ASSERT_EQ(entries.size(), 1U);
}

TEST(TarTest, BadMagicAndUnknownTypeAreCorrupt) {
  const Error magic = ReadError(MakeHeader("f", 0, '0', "nope") + kEndOfArchive);
  EXPECT_TRUE(Contains(magic.message(), "not a ustar header")) << magic.message();
  const Error type = ReadError(MakeHeader("f", 0, 'S') + kEndOfArchive);
  EXPECT_TRUE(Contains(type.message(), "unsupported tar entry type 'S'")) << type.message();
}

TEST(TarTest, HostileNamesAreRefused) {
  for (const std::string name : {"../x", "a/../../x", "/etc/passwd", "..", "a/..", "./../x"}) {
    TarWriter writer;
    writer.Add(Named(name), "evil");
    writer.Finish();
    const Error error = ReadError(writer.bytes());
    EXPECT_EQ(error.code(), ErrorCode::kCorrupt) << name;
    EXPECT_TRUE(Contains(error.message(), name)) << error.message();
  }
  // The same through a PAX path and a GNU long name.
  const std::string records = FormatPaxRecord("path", "ok/../../etc/shadow");
  const Error pax = ReadError(MakeHeader("p", records.size(), 'x') + Padded(records) +
                              MakeHeader("harmless") + kEndOfArchive);
  EXPECT_TRUE(Contains(pax.message(), "escapes the root")) << pax.message();
  const Error gnu = ReadError(MakeHeader("././@LongLink", 12, 'L') + Padded("/etc/passwd\0") +
                              MakeHeader("harmless") + kEndOfArchive);
  EXPECT_TRUE(Contains(gnu.message(), "absolute entry name")) << gnu.message();
  // A hard link may not point outside either; a symlink target is just data.
  TarWriter links;
  TarEntry symlink = Named("s", TarEntryType::kSymlink);
  symlink.link_name = "../../elsewhere";
  links.Add(symlink);
  links.Finish();
  EXPECT_EQ(ReadOk(links.bytes()).size(), 1U);
  TarWriter hard;
  TarEntry hardlink = Named("h", TarEntryType::kHardLink);
  hardlink.link_name = "../outside";
  hard.Add(hardlink);
  hard.Finish();
  EXPECT_EQ(ReadError(hard.bytes()).code(), ErrorCode::kCorrupt);
}

TEST(TarTest, CheckArchivePath) {
  for (const std::string_view ok : {"a", "a/b", "..a", "a..", "a/..b/c", "./x", ".PKGINFO"}) {
    EXPECT_TRUE(CheckArchivePath(ok, 100).ok()) << ok;
  }
  EXPECT_EQ(CheckArchivePath("", 100).error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(CheckArchivePath(std::string_view("a\0b", 3), 100).error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(CheckArchivePath(std::string(101, 'a'), 100).error().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(CheckArchivePath(std::string(100, 'a'), 100).ok());
}

TEST(TarTest, EndOfArchiveRules) {
  TarWriter writer;
  writer.Add(Named("f"), "data");
  const std::string body = writer.bytes();
  writer.Finish();
  const std::string complete = writer.bytes();

  // abuild pads to 10240-byte records: zeros after the marker are fine.
  EXPECT_EQ(ReadOk(complete + std::string(8192, '\0')).size(), 1U);
  const Error after = ReadError(complete + MakeHeader("late"));
  EXPECT_TRUE(Contains(after.message(), "data after the end-of-archive marker"));
  const Error lone = ReadError(body + std::string(512, '\0') + MakeHeader("g"));
  EXPECT_TRUE(Contains(lone.message(), "lone zero block"));

  Recorder recorder;
  TarReader reader(recorder, {});
  ASSERT_TRUE(reader.Feed(body).ok());
  EXPECT_TRUE(reader.AtEntryBoundary());
  EXPECT_TRUE(reader.Finish(false).ok());
  const Status missing = reader.Finish(true);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Contains(missing.error().message(), "no end-of-archive marker"));
  ASSERT_TRUE(reader.Feed(kEndOfArchive).ok());
  EXPECT_TRUE(reader.SeenEndOfArchive());
  EXPECT_TRUE(reader.Finish(true).ok());
  EXPECT_EQ(reader.entry_count(), 1U);
}

TEST(TarTest, TruncationIsReportedByFinish) {
  TarWriter writer;
  writer.Add(Named("f"), std::string(1000, 'f'));
  const std::string bytes = writer.bytes();
  for (const size_t cut : {size_t{100}, size_t{512}, size_t{700}, size_t{1512}, size_t{1530}}) {
    Recorder recorder;
    TarReader reader(recorder, {});
    ASSERT_TRUE(reader.Feed(std::string_view(bytes).substr(0, cut)).ok());
    EXPECT_FALSE(reader.AtEntryBoundary()) << cut;
    const Status status = reader.Finish(false);
    ASSERT_FALSE(status.ok()) << cut;
    EXPECT_TRUE(Contains(status.error().message(), "truncated")) << cut;
  }
}

TEST(TarTest, LimitsAreEnforced) {
  TarWriter writer;
  TarEntry entry = Named(std::string(50, 'n'));
  entry.pax["comment"] = std::string(300, 'c');
  writer.Add(entry, std::string(600, 'x'));
  writer.Add(Named("second"), "2");
  writer.Finish();
  const std::string bytes = writer.bytes();
  EXPECT_EQ(ReadOk(bytes).size(), 2U);

  TarLimits limits;
  limits.max_entries = 1;
  EXPECT_TRUE(Contains(ReadError(bytes, limits).message(), "more than 1 tar entries"));
  limits = {};
  limits.max_entry_size = 599;
  EXPECT_EQ(ReadError(bytes, limits).code(), ErrorCode::kLimitExceeded);
  limits = {};
  limits.max_extended_header_bytes = 100;
  EXPECT_TRUE(Contains(ReadError(bytes, limits).message(), "extended header"));
  limits = {};
  limits.max_name_bytes = 49;
  EXPECT_EQ(ReadError(bytes, limits).code(), ErrorCode::kLimitExceeded);
}

class FailingHandler : public Recorder {
 public:
  Status OnBody(std::string_view) override {
    ++calls;
    return MakeError(ErrorCode::kPermissionDenied, "refused by handler");
  }
  int calls = 0;
};

TEST(TarTest, HandlerErrorsAreStickyAndCarryTheOffset) {
  TarWriter writer;
  writer.Add(Named("f"), "abc");
  writer.Finish();
  FailingHandler handler;
  TarReader reader(handler, {});
  const Status first = reader.Feed(writer.bytes());
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(first.error().message(), "tar at byte 512: refused by handler");
  const Status again = reader.Feed(kEndOfArchive);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), first.error());
  EXPECT_EQ(handler.calls, 1);
  EXPECT_FALSE(reader.Finish(false).ok());
}

}  // namespace
}  // namespace apkd::format
