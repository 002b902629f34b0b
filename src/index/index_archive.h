// Reads an APKINDEX.tar.gz the strict way (apk-protocol §2.1): an optional signature member of
// `.SIGN.*` entries without end-of-archive, then exactly one data member holding only
// DESCRIPTION and APKINDEX. Verification against a keyring follows the client rules in
// signature_check.h. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "format/apkindex_text.h"
#include "format/gzip.h"
#include "format/index_record.h"
#include "format/package_reader.h"
#include "format/signature_entry.h"
#include "index/signature_check.h"
#include "util/result.h"

namespace apkd::index {

struct IndexReadLimits {
  format::GzipLimits gzip{.max_members = 2, .max_decompressed_bytes = uint64_t{1} << 30};
  size_t max_signature_entries = 8;
  size_t max_signature_bytes = 64 * 1024;
  format::ApkIndexLimits text;
};

struct IndexArchive {
  std::vector<format::SignatureEntry> signatures;
  std::string description;
  std::string apkindex_text;
  format::ByteRange signed_data;  // the data member: what the signatures cover
  std::vector<format::IndexRecord> records;
};

Result<IndexArchive> ReadIndexArchive(std::string_view bytes, const IndexReadLimits& limits = {});

// Reads and verifies; kSignatureInvalid when no trusted signature matches.
Result<IndexArchive> ReadVerifiedIndex(std::string_view bytes, const Keyring& keyring,
                                       VerifyRule rule = VerifyRule::kApkTools,
                                       const IndexReadLimits& limits = {});

}  // namespace apkd::index
