// `.PKGINFO`, the package's own metadata (apk-protocol §3.2): `key = value` lines, `#` comments,
// repeatable keys. Parse, format, and map to an index record. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/index_record.h"
#include "util/result.h"

namespace apkd::format {

struct PkgInfo {
  std::string name;         // pkgname
  std::string version;      // pkgver
  std::string arch;         // arch
  std::string description;  // pkgdesc
  std::string url;
  uint64_t installed_size = 0;  // size
  std::string license;
  std::string origin;
  std::string maintainer;
  std::string packager;
  std::optional<int64_t> build_date;  // builddate
  std::string commit;
  int64_t provider_priority = 0;
  std::vector<std::string> depends;
  std::vector<std::string> provides;
  std::vector<std::string> install_if;
  std::vector<std::string> replaces;
  std::vector<std::string> triggers;
  std::string replaces_priority;
  std::string datahash;  // hex SHA-256 of the data member
  std::vector<std::pair<std::string, std::string>> other;  // keys we carry but do not interpret

  bool operator==(const PkgInfo&) const = default;
};

inline constexpr size_t kMaxPkgInfoBytes = 1024 * 1024;

// Requires pkgname and pkgver; numeric keys must be decimal. kCorrupt with the line number.
Result<PkgInfo> ParsePkgInfo(std::string_view text);
std::string FormatPkgInfo(const PkgInfo& info);

// The index record for a package: .PKGINFO fields plus the computed identity and file size.
// `index_arch` rewrites A: (noarch packages get the directory's arch, §1.3); empty keeps it.
IndexRecord MakeIndexRecord(const PkgInfo& info, std::string checksum, uint64_t file_size,
                            std::string_view index_arch = {});

// Package and dependency names: [A-Za-z0-9+._-], starting with a letter or digit.
bool IsValidPackageName(std::string_view name);

}  // namespace apkd::format
