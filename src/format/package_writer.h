// Builds a signed APK v2 package the way abuild and melange do (apk-protocol §3): a signature
// member, a control member (.PKGINFO with datahash, no end-of-archive) and a data member whose
// files and symlinks carry PAX SHA-1 checksums. Deterministic for the same inputs.
// Thread-safe (no shared state); the whole package is built in memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/signer.h"
#include "format/pkginfo.h"
#include "format/tar.h"
#include "util/result.h"

namespace apkd::format {

struct PackageFile {
  std::string path;  // relative, no leading '/', e.g. "usr/bin/hello"
  TarEntryType type = TarEntryType::kRegular;
  uint32_t mode = 0644;
  std::string content;      // regular files
  std::string link_target;  // symlinks
};

struct PackageBuildOptions {
  int64_t mtime = 0;  // for every entry; also builddate when info.build_date is unset
  int compression_level = 9;
};

// `info` needs name, version and arch; size and datahash are computed. `signer` may be null for
// an unsigned package (two gzip members).
Result<std::string> BuildPackage(PkgInfo info, std::vector<PackageFile> files,
                                 const crypto::Signer* signer,
                                 const PackageBuildOptions& options = {});

// Reads a directory tree (regular files, directories, symlinks; anything else is refused) into
// PackageFile entries, sorted by path.
Result<std::vector<PackageFile>> CollectPackageFiles(const std::string& root);

}  // namespace apkd::format
