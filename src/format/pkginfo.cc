#include "format/pkginfo.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace apkd::format {
namespace {

Error LineError(size_t line, std::string message) {
  return MakeError(ErrorCode::kCorrupt,
                   ".PKGINFO line " + std::to_string(line) + ": " + std::move(message));
}

template <typename Int>
bool ParseInt(std::string_view text, Int& out) {
  if (text.empty()) {
    return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

void AppendLine(std::string& out, std::string_view key, std::string_view value) {
  out.append(key).append(" = ").append(value).append("\n");
}

Status AssignField(PkgInfo& info, std::string_view key, std::string value, size_t line) {
  if (key == "pkgname") {
    info.name = std::move(value);
  } else if (key == "pkgver") {
    info.version = std::move(value);
  } else if (key == "arch") {
    info.arch = std::move(value);
  } else if (key == "pkgdesc") {
    info.description = std::move(value);
  } else if (key == "url") {
    info.url = std::move(value);
  } else if (key == "size") {
    if (!ParseInt(value, info.installed_size)) {
      return LineError(line, "size is not a decimal number: '" + value + "'");
    }
  } else if (key == "license") {
    info.license = std::move(value);
  } else if (key == "origin") {
    info.origin = std::move(value);
  } else if (key == "maintainer") {
    info.maintainer = std::move(value);
  } else if (key == "packager") {
    info.packager = std::move(value);
  } else if (key == "builddate") {
    int64_t date = 0;
    if (!ParseInt(value, date)) {
      return LineError(line, "builddate is not a decimal number: '" + value + "'");
    }
    info.build_date = date;
  } else if (key == "commit") {
    info.commit = std::move(value);
  } else if (key == "provider_priority") {
    if (!ParseInt(value, info.provider_priority)) {
      return LineError(line, "provider_priority is not a decimal number: '" + value + "'");
    }
  } else if (key == "depend") {
    info.depends.push_back(std::move(value));
  } else if (key == "provides") {
    info.provides.push_back(std::move(value));
  } else if (key == "install_if") {
    info.install_if.push_back(std::move(value));
  } else if (key == "replaces") {
    info.replaces.push_back(std::move(value));
  } else if (key == "triggers") {
    info.triggers.push_back(std::move(value));
  } else if (key == "replaces_priority") {
    info.replaces_priority = std::move(value);
  } else if (key == "datahash") {
    info.datahash = std::move(value);
  } else {
    info.other.emplace_back(std::string(key), std::move(value));
  }
  return OkStatus();
}

// abuild and melange put several atoms in one `depend` line only rarely, but apk splits on
// spaces, so we do too.
void SplitAtoms(const std::vector<std::string>& lines, std::vector<std::string>& out) {
  for (const std::string& line : lines) {
    size_t start = 0;
    while (start < line.size()) {
      const size_t space = std::min(line.find(' ', start), line.size());
      if (space > start) {
        out.push_back(line.substr(start, space - start));
      }
      start = space + 1;
    }
  }
}

}  // namespace

Result<PkgInfo> ParsePkgInfo(std::string_view text) {
  if (text.size() > kMaxPkgInfoBytes) {
    return MakeError(ErrorCode::kLimitExceeded, ".PKGINFO is larger than " +
                                                    std::to_string(kMaxPkgInfoBytes) + " bytes");
  }
  PkgInfo info;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(std::min(newline + 1, text.size()));
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos) {
      return LineError(line_number, "contains a carriage return or NUL byte");
    }
    // `key = value`; tolerate a missing space on either side (`url =` for an empty url).
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return LineError(line_number, "expected 'key = value'");
    }
    std::string_view key = line.substr(0, equals);
    std::string_view value = line.substr(equals + 1);
    if (!key.empty() && key.back() == ' ') {
      key.remove_suffix(1);
    }
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    if (key.empty() || key.find(' ') != std::string_view::npos) {
      return LineError(line_number, "malformed key");
    }
    APKD_RETURN_IF_ERROR(AssignField(info, key, std::string(value), line_number));
  }
  if (info.name.empty()) {
    return MakeError(ErrorCode::kCorrupt, ".PKGINFO has no pkgname");
  }
  if (info.version.empty()) {
    return MakeError(ErrorCode::kCorrupt, ".PKGINFO has no pkgver");
  }
  return info;
}

std::string FormatPkgInfo(const PkgInfo& info) {
  std::string out = "# Generated by apkctl build\n";
  AppendLine(out, "pkgname", info.name);
  AppendLine(out, "pkgver", info.version);
  AppendLine(out, "pkgdesc", info.description);
  AppendLine(out, "url", info.url);
  if (info.build_date) {
    AppendLine(out, "builddate", std::to_string(*info.build_date));
  }
  if (!info.packager.empty()) {
    AppendLine(out, "packager", info.packager);
  }
  AppendLine(out, "size", std::to_string(info.installed_size));
  AppendLine(out, "arch", info.arch);
  AppendLine(out, "origin", info.origin.empty() ? info.name : info.origin);
  if (!info.commit.empty()) {
    AppendLine(out, "commit", info.commit);
  }
  if (!info.maintainer.empty()) {
    AppendLine(out, "maintainer", info.maintainer);
  }
  AppendLine(out, "license", info.license);
  if (info.provider_priority != 0) {
    AppendLine(out, "provider_priority", std::to_string(info.provider_priority));
  }
  for (const auto& [values, key] :
       {std::pair{&info.depends, "depend"}, std::pair{&info.provides, "provides"},
        std::pair{&info.install_if, "install_if"}, std::pair{&info.replaces, "replaces"},
        std::pair{&info.triggers, "triggers"}}) {
    for (const std::string& value : *values) {
      AppendLine(out, key, value);
    }
  }
  if (!info.replaces_priority.empty()) {
    AppendLine(out, "replaces_priority", info.replaces_priority);
  }
  for (const auto& [key, value] : info.other) {
    AppendLine(out, key, value);
  }
  if (!info.datahash.empty()) {
    AppendLine(out, "datahash", info.datahash);
  }
  return out;
}

IndexRecord MakeIndexRecord(const PkgInfo& info, std::string checksum, uint64_t file_size,
                            std::string_view index_arch) {
  IndexRecord record;
  record.checksum = std::move(checksum);
  record.name = info.name;
  record.version = info.version;
  record.arch = index_arch.empty() ? info.arch : std::string(index_arch);
  record.size = file_size;
  record.installed_size = info.installed_size;
  record.description = info.description;
  record.url = info.url;
  record.license = info.license;
  record.origin = info.origin;
  record.maintainer = info.maintainer;
  record.build_time = info.build_date.value_or(0);
  record.commit = info.commit;
  record.provider_priority = info.provider_priority;
  SplitAtoms(info.depends, record.depends);
  SplitAtoms(info.provides, record.provides);
  SplitAtoms(info.install_if, record.install_if);
  return record;
}

bool IsValidPackageName(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name.front()))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '_' ||
           c == '-';
  });
}

}  // namespace apkd::format
