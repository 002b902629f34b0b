// libFuzzer target for APKINDEX reading. The first byte picks the mode: 0x1f (gzip magic) reads
// the input as an APKINDEX.tar.gz with index::ReadIndexArchive; anything else is APKINDEX text.
// In both modes, parsed records must survive FormatApkIndex -> ParseApkIndex unchanged (letters
// the writer does not know are dropped by design), and the output must be a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/apkindex_text.h"
#include "format/index_record.h"
#include "gzip_mutator.h"
#include "index/index_archive.h"

namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr unsigned char kGzipMagic = 0x1f;

apkd::format::ApkIndexLimits SmallTextLimits() {
  return {.max_records = 10'000, .max_line_bytes = size_t{64} * 1024};
}

apkd::index::IndexReadLimits SmallArchiveLimits() {
  apkd::index::IndexReadLimits limits;
  limits.gzip.max_decompressed_bytes = 16 * kMiB;
  limits.text = SmallTextLimits();
  return limits;
}

[[noreturn]] void Fail(const std::string& what, const std::string& text) {
  std::fprintf(stderr, "index_reader_fuzz: %s\n--- formatted text ---\n%s--- end ---\n",
               what.c_str(), text.c_str());
  __builtin_trap();
}

void CheckRoundTrip(std::vector<apkd::format::IndexRecord> records) {
  const std::string text = apkd::format::FormatApkIndex(records);
  // Default limits: the writer may join repeated D:/p:/i: lines into one longer line.
  auto reparsed = apkd::format::ParseApkIndex(text);
  if (!reparsed.ok()) {
    Fail("formatted records do not parse: " + reparsed.error().message(), text);
  }
  for (apkd::format::IndexRecord& record : records) {
    record.unknown_fields.clear();  // never written
  }
  if (*reparsed != records) {
    Fail("records change through format + parse", text);
  }
  if (apkd::format::FormatApkIndex(*reparsed) != text) {
    Fail("format is not a fixed point of parse + format", text);
  }
  // Sorting runs the version comparison over whatever versions the input had; an inconsistent
  // ordering would make std::sort read out of bounds.
  apkd::format::SortIndexRecords(records);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (size > 0 && data[0] == kGzipMagic) {
    static const apkd::index::IndexReadLimits limits = SmallArchiveLimits();
    auto archive = apkd::index::ReadIndexArchive(bytes, limits);
    if (!archive.ok()) {
      return 0;
    }
    // The data member is the last one, and nothing may follow it.
    if (archive->signed_data.offset + archive->signed_data.size != size) {
      Fail("the signed data range does not end the file", archive->apkindex_text);
    }
    CheckRoundTrip(std::move(archive->records));
    return 0;
  }
  static const apkd::format::ApkIndexLimits limits = SmallTextLimits();
  auto records = apkd::format::ParseApkIndex(bytes, limits);
  if (records.ok()) {
    CheckRoundTrip(std::move(*records));
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return apkd::fuzz::MutateGzipMembers(data, size, max_size, seed);
}
