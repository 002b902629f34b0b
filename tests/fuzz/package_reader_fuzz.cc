// libFuzzer target for format::ReadPackage. Every package it accepts must yield an index record
// that survives FormatIndexRecord -> ParseApkIndex unchanged (else the server would publish an
// index that it, or a client, reads differently), and its control and data members must end the
// file back to back. Mutations go inside the gzip members (gzip_mutator.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "format/apkindex_text.h"
#include "format/index_record.h"
#include "format/package_reader.h"
#include "gzip_mutator.h"

namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

apkd::format::PackageReadOptions SmallLimits() {
  apkd::format::PackageReadOptions options;
  options.gzip.max_members = 4;
  options.gzip.max_decompressed_bytes = 16 * kMiB;
  options.tar.max_entries = 4096;
  options.tar.max_entry_size = 16 * kMiB;
  options.max_control_entry_bytes = kMiB;
  return options;
}

[[noreturn]] void Fail(const std::string& what, const std::string& text) {
  std::fprintf(stderr, "package_reader_fuzz: %s\n--- index text ---\n%s--- end ---\n", what.c_str(),
               text.c_str());
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const apkd::format::PackageReadOptions options = SmallLimits();
  auto package = apkd::format::ReadPackage(bytes, options);
  if (!package.ok()) {
    return 0;
  }
  // Control and data are the last two members, back to back, and end the file.
  const apkd::format::ByteRange& control = package->control;
  const apkd::format::ByteRange& data_member = package->data;
  if (control.offset + control.size != data_member.offset ||
      data_member.offset + data_member.size != size) {
    Fail("control and data members do not end the file back to back", "");
  }
  const apkd::format::IndexRecord record = package->ToIndexRecord();
  const std::string text = apkd::format::FormatIndexRecord(record) + "\n";
  auto reparsed = apkd::format::ParseApkIndex(text);
  if (!reparsed.ok()) {
    Fail("the record of an accepted package does not parse: " + reparsed.error().message(), text);
  }
  if (reparsed->size() != 1 || reparsed->front() != record) {
    Fail("the record of an accepted package changes through format + parse", text);
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return apkd::fuzz::MutateGzipMembers(data, size, max_size, seed);
}
