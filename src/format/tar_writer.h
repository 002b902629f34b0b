// Writes ustar entries the way abuild and apk do: POSIX magic, correct checksums, a PAX `x`
// header before an entry that needs one (checksums, long names), and optional end-of-archive
// blocks. Appends to an in-memory buffer. Not thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "format/tar.h"

namespace apkd::format {

class TarWriter {
 public:
  // Appends a header (plus a PAX header if `entry.pax` is non-empty or the name does not fit)
  // and the body, padded to 512 bytes. `entry.size` is taken from body.size() for regular files.
  void Add(const TarEntry& entry, std::string_view body = {});
  // Appends only the header of a regular file of `size` bytes whose body the caller writes
  // elsewhere (pieces of a large body compressed separately). No PAX header: the name must fit.
  void AddHeaderOnly(const TarEntry& entry, uint64_t size);
  // Appends the 1024-byte end-of-archive marker.
  void Finish();

  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  void AppendHeader(const TarEntry& entry, char type_flag, uint64_t size);
  void AppendBody(std::string_view body);

  std::string out_;
};

// Formats PAX records ("<len> key=value\n") with the self-referential length computed.
std::string FormatPaxRecord(std::string_view key, std::string_view value);

}  // namespace apkd::format
