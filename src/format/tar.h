// The tar dialect APK files use: ustar headers (POSIX or GNU magic), PAX extended headers (per
// file `x`, global `g`) and GNU long names. Shared by the reader and the writer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace apkd::format {

inline constexpr size_t kTarBlockSize = 512;

enum class TarEntryType : char {
  kRegular = '0',
  kHardLink = '1',
  kSymlink = '2',
  kCharDevice = '3',
  kBlockDevice = '4',
  kDirectory = '5',
  kFifo = '6',
};

struct TarEntry {
  std::string name;  // as stored, PAX `path` / GNU long name applied
  TarEntryType type = TarEntryType::kRegular;
  uint32_t mode = 0;
  uint64_t uid = 0;
  uint64_t gid = 0;
  uint64_t size = 0;
  int64_t mtime = 0;
  std::string link_name;
  std::string uname;
  std::string gname;
  std::map<std::string, std::string> pax;  // PAX records that applied to this entry

  bool operator==(const TarEntry&) const = default;
};

// The PAX record that carries apk's per-file checksum (40 lowercase hex of SHA-1 of the content,
// or of the link target for symlinks).
inline constexpr std::string_view kPaxChecksumSha1 = "APK-TOOLS.checksum.SHA1";

}  // namespace apkd::format
