#include "format/tar_writer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace apkd::format {
namespace {

constexpr size_t kNameFieldSize = 100;
constexpr size_t kChecksumOffset = 148;
constexpr size_t kChecksumSize = 8;

// Writes `value` as zero-padded octal into a field of `width` bytes (width-1 digits + NUL).
void PutOctal(std::string& block, size_t offset, size_t width, uint64_t value) {
  std::string digits(width - 1, '0');
  for (size_t i = width - 1; i-- > 0 && value != 0;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  block.replace(offset, width - 1, digits);
  block[offset + width - 1] = '\0';
}

void PutString(std::string& block, size_t offset, size_t width, std::string_view value) {
  block.replace(offset, std::min(value.size(), width), value.substr(0, width));
}

std::string ShortNameFor(std::string_view name) {
  // The real name travels in the PAX header; keep the basename in the ustar field as GNU tar
  // does, so that tools without PAX support still show something sensible.
  const size_t slash = name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  return std::string(base.substr(0, kNameFieldSize));
}

}  // namespace

std::string FormatPaxRecord(std::string_view key, std::string_view value) {
  const size_t payload = 1 + key.size() + 1 + value.size() + 1;  // ' ' key '=' value '\n'
  size_t length = payload + 1;
  while (std::to_string(length).size() + payload != length) {
    length = std::to_string(length).size() + payload;
  }
  return std::to_string(length) + " " + std::string(key) + "=" + std::string(value) + "\n";
}

void TarWriter::Add(const TarEntry& entry, std::string_view body) {
  const bool long_name = entry.name.size() > kNameFieldSize;
  const bool long_link = entry.link_name.size() > kNameFieldSize;
  if (!entry.pax.empty() || long_name || long_link) {
    std::string records;
    for (const auto& [key, value] : entry.pax) {
      records += FormatPaxRecord(key, value);
    }
    if (long_name) {
      records += FormatPaxRecord("path", entry.name);
    }
    if (long_link) {
      records += FormatPaxRecord("linkpath", entry.link_name);
    }
    TarEntry pax_header;
    pax_header.name = "PaxHeaders/" + ShortNameFor(entry.name);
    pax_header.name.resize(std::min(pax_header.name.size(), kNameFieldSize));
    pax_header.mode = 0644;
    pax_header.mtime = entry.mtime;
    AppendHeader(pax_header, 'x', records.size());
    AppendBody(records);
  }
  const uint64_t size = entry.type == TarEntryType::kRegular ? body.size() : 0;
  TarEntry header = entry;
  if (long_name) {
    header.name = ShortNameFor(entry.name);
  }
  if (long_link) {
    header.link_name = entry.link_name.substr(0, kNameFieldSize);
  }
  AppendHeader(header, static_cast<char>(entry.type), size);
  if (size > 0) {
    AppendBody(body);
  }
}

void TarWriter::AddHeaderOnly(const TarEntry& entry, uint64_t size) {
  AppendHeader(entry, static_cast<char>(TarEntryType::kRegular), size);
}

void TarWriter::Finish() { out_.append(2 * kTarBlockSize, '\0'); }

void TarWriter::AppendHeader(const TarEntry& entry, char type_flag, uint64_t size) {
  std::string block(kTarBlockSize, '\0');
  PutString(block, 0, kNameFieldSize, entry.name);
  PutOctal(block, 100, 8, entry.mode);
  PutOctal(block, 108, 8, entry.uid);
  PutOctal(block, 116, 8, entry.gid);
  PutOctal(block, 124, 12, size);
  PutOctal(block, 136, 12, static_cast<uint64_t>(entry.mtime < 0 ? 0 : entry.mtime));
  block[156] = type_flag;
  PutString(block, 157, 100, entry.link_name);
  PutString(block, 257, 6, std::string_view("ustar\0", 6));
  PutString(block, 263, 2, "00");
  PutString(block, 265, 32, entry.uname);
  PutString(block, 297, 32, entry.gname);
  // Checksum: sum of all bytes with the field itself read as spaces; 6 octal digits, NUL, space.
  block.replace(kChecksumOffset, kChecksumSize, kChecksumSize, ' ');
  unsigned sum = 0;
  for (const char c : block) {
    sum += static_cast<unsigned char>(c);
  }
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%06o", sum);
  block.replace(kChecksumOffset, 6, text.data(), 6);
  block[kChecksumOffset + 6] = '\0';
  block[kChecksumOffset + 7] = ' ';
  out_ += block;
}

void TarWriter::AppendBody(std::string_view body) {
  out_.append(body);
  out_.append((kTarBlockSize - body.size() % kTarBlockSize) % kTarBlockSize, '\0');
}

}  // namespace apkd::format
