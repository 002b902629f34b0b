#include "format/apkindex_text.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "format/text_fields.h"
#include "format/version.h"

namespace apkd::format {
namespace {

Error LineError(size_t line, std::string message) {
  return format::LineError("APKINDEX", line, std::move(message));
}

Status AssignField(IndexRecord& record, char letter, std::string_view value, size_t line) {
  auto number_error = [&] {
    return LineError(line, std::string(1, letter) + ": is not a decimal number");
  };
  switch (letter) {
    case 'C':
      record.checksum = value;
      break;
    case 'P':
      record.name = value;
      break;
    case 'V':
      record.version = value;
      break;
    case 'A':
      record.arch = value;
      break;
    case 'S':
      if (!ParseDecimal(value, record.size)) {
        return number_error();
      }
      break;
    case 'I':
      if (!ParseDecimal(value, record.installed_size)) {
        return number_error();
      }
      break;
    case 'T':
      record.description = value;
      break;
    case 'U':
      record.url = value;
      break;
    case 'L':
      record.license = value;
      break;
    case 'o':
      record.origin = value;
      break;
    case 'm':
      record.maintainer = value;
      break;
    case 't': {
      int64_t time = 0;
      if (!ParseDecimal(value, time)) {
        return number_error();  // apko refuses a non-integer build time
      }
      record.build_time = time;
      break;
    }
    case 'c':
      record.commit = value;
      break;
    case 'k':
      if (!ParseDecimal(value, record.provider_priority)) {
        return number_error();
      }
      break;
    case 'D':
      AppendWords(value, record.depends);
      break;
    case 'p':
      AppendWords(value, record.provides);
      break;
    case 'i':
      AppendWords(value, record.install_if);
      break;
    default:
      record.unknown_fields.emplace_back(letter, std::string(value));
  }
  return OkStatus();
}

Status CheckRequired(const IndexRecord& record, size_t first_line) {
  const char* missing = record.checksum.empty() ? "C:"
                        : record.name.empty()   ? "P:"
                        : record.version.empty() ? "V:"
                                                 : nullptr;
  if (missing != nullptr) {
    return LineError(first_line, std::string("record has no ") + missing +
                                     " (apk 3 would drop the whole index)");
  }
  return OkStatus();
}

void AppendField(std::string& out, char letter, std::string_view value) {
  if (value.empty()) {
    return;
  }
  out += letter;
  out += ':';
  out.append(value);
  out += '\n';
}

void AppendList(std::string& out, char letter, const std::vector<std::string>& values) {
  if (values.empty()) {
    return;
  }
  out += letter;
  out += ':';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ' ';  // exactly one: apko splits on a single space
    }
    out += values[i];
  }
  out += '\n';
}

}  // namespace

Result<std::vector<IndexRecord>> ParseApkIndex(std::string_view text,
                                               const ApkIndexLimits& limits) {
  if (text.find('\r') != std::string_view::npos) {
    return MakeError(ErrorCode::kCorrupt,
                     "APKINDEX contains carriage returns (CRLF line endings); clients would "
                     "load no usable package");
  }
  if (!text.empty() && text.back() != '\n') {
    return MakeError(ErrorCode::kCorrupt,
                     "APKINDEX does not end with a newline; clients would drop the last record");
  }
  std::vector<IndexRecord> records;
  IndexRecord current;
  bool in_record = false;
  size_t record_line = 0;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    if (line.size() > limits.max_line_bytes) {
      return LineError(line_number, "line longer than " + std::to_string(limits.max_line_bytes) +
                                        " bytes");
    }
    if (line.empty()) {
      if (in_record) {
        APKD_RETURN_IF_ERROR(CheckRequired(current, record_line));
        if (records.size() == limits.max_records) {
          return MakeError(ErrorCode::kLimitExceeded, "more than " +
                                                          std::to_string(limits.max_records) +
                                                          " records in APKINDEX");
        }
        records.push_back(std::move(current));
        current = IndexRecord();
        in_record = false;
      }
      continue;
    }
    const auto letter = static_cast<unsigned char>(line[0]);
    if (line.size() < 2 || line[1] != ':' || !std::isalpha(letter)) {
      return LineError(line_number, "expected 'X:value'");
    }
    if (!in_record) {
      in_record = true;
      record_line = line_number;
    }
    APKD_RETURN_IF_ERROR(AssignField(current, line[0], line.substr(2), line_number));
  }
  if (in_record) {
    APKD_RETURN_IF_ERROR(CheckRequired(current, record_line));
    if (records.size() == limits.max_records) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "more than " + std::to_string(limits.max_records) + " records in APKINDEX");
    }
    records.push_back(std::move(current));
  }
  return records;
}

std::string FormatIndexRecord(const IndexRecord& record) {
  std::string out;
  out.reserve(512);
  AppendField(out, 'C', record.checksum);
  AppendField(out, 'P', record.name);
  AppendField(out, 'V', record.version);
  AppendField(out, 'A', record.arch);
  AppendField(out, 'S', std::to_string(record.size));
  AppendField(out, 'I', std::to_string(record.installed_size));
  AppendField(out, 'T', record.description);
  AppendField(out, 'U', record.url);
  AppendField(out, 'L', record.license);
  AppendField(out, 'o', record.origin);
  AppendField(out, 'm', record.maintainer);
  if (record.build_time) {
    AppendField(out, 't', std::to_string(*record.build_time));
  }
  AppendField(out, 'c', record.commit);
  if (record.provider_priority != 0) {
    AppendField(out, 'k', std::to_string(record.provider_priority));
  }
  AppendList(out, 'D', record.depends);
  AppendList(out, 'p', record.provides);
  AppendList(out, 'i', record.install_if);
  return out;
}

std::string FormatApkIndex(std::span<const IndexRecord> records) {
  std::string out;
  out.reserve(records.size() * 400);
  for (const IndexRecord& record : records) {
    out += FormatIndexRecord(record);
    out += '\n';
  }
  return out;
}

bool IndexRecordLess(const IndexRecord& a, const IndexRecord& b) {
  if (a.name != b.name) {
    return a.name < b.name;
  }
  const auto order = CompareVersions(a.version, b.version);
  if (order != 0) {
    return order < 0;
  }
  if (a.arch != b.arch) {
    return a.arch < b.arch;
  }
  return a.checksum < b.checksum;
}

void SortIndexRecords(std::vector<IndexRecord>& records) {
  std::sort(records.begin(), records.end(), IndexRecordLess);
}

}  // namespace apkd::format
