// Reads an APK v2 package (apk-protocol §3) into everything an index and a verifier need: the
// .PKGINFO, the `C:` identity, the signature entries and where the members lie. It checks what
// the clients check, so a package it accepts installs: member layout, datahash, per-file
// SHA-1 checksums, safe tar names, and limits on every size. Streams; never holds the
// decompressed data. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/gzip.h"
#include "format/index_record.h"
#include "format/pkginfo.h"
#include "format/signature_entry.h"
#include "format/tar_reader.h"
#include "util/result.h"

namespace apkd::format {

struct PackageReadOptions {
  GzipLimits gzip;
  TarLimits tar;
  size_t max_signature_entries = 8;
  size_t max_signature_bytes = 64 * 1024;  // apk 3 skips larger signature entries
  size_t max_control_entry_bytes = 4 * 1024 * 1024;
  // Refuse versions outside the apk 3 grammar (apk 3 cannot install them).
  bool require_apk3_version = true;
};

struct ByteRange {
  size_t offset = 0;
  size_t size = 0;
  std::string_view In(std::string_view bytes) const { return bytes.substr(offset, size); }
};

struct Package {
  PkgInfo info;
  std::string identity;  // "Q1" + base64(SHA-1(raw control member)): the index's C:
  uint64_t file_size = 0;
  std::vector<SignatureEntry> signatures;  // in file order
  ByteRange control;                       // raw gzip bytes the signatures cover
  ByteRange data;
  uint64_t data_entries = 0;
  std::vector<std::string> control_files;  // .PKGINFO, .pre-install, …
  std::vector<std::string> warnings;       // accepted, but some client would complain

  // The APKINDEX record; `index_arch` rewrites A: (see MakeIndexRecord).
  IndexRecord ToIndexRecord(std::string_view index_arch = {}) const {
    return MakeIndexRecord(info, identity, file_size, index_arch);
  }
};

Result<Package> ReadPackage(std::string_view bytes, const PackageReadOptions& options = {});

// "Q1" + base64(SHA-1(bytes)).
std::string Q1Checksum(std::string_view raw_control_member);

}  // namespace apkd::format
