// The APKINDEX text (apk-protocol §2.3-§2.4): records of `X:value` lines separated by one empty
// line, LF only. The writer is byte-stable: canonical field order `C P V A S I T U L o m t c k D
// p i`, records sorted by name then version (§6.2), ending in "\n\n". Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/index_record.h"
#include "util/result.h"

namespace apkd::format {

struct ApkIndexLimits {
  size_t max_records = 2'000'000;
  size_t max_line_bytes = 1024 * 1024;  // apko's scanner limit
};

// Refuses what a client would silently mangle: CRLF, a 1-byte line, a record without C:, P: or
// V:, a non-numeric S:/I:/t:/k:, a missing final newline. Messages name the line.
Result<std::vector<IndexRecord>> ParseApkIndex(std::string_view text,
                                               const ApkIndexLimits& limits = {});

// One record's lines, each ending in '\n' (no separator line).
std::string FormatIndexRecord(const IndexRecord& record);
// Every record, in the given order, each followed by an empty line.
std::string FormatApkIndex(std::span<const IndexRecord> records);

// The index order: name, then version (apk 3 ordering), then arch and checksum, so that the
// order is total and the output deterministic.
bool IndexRecordLess(const IndexRecord& a, const IndexRecord& b);
void SortIndexRecords(std::vector<IndexRecord>& records);

}  // namespace apkd::format
