#include "format/tar_reader.h"

#include <algorithm>
#include <string>

namespace apkd::format {
namespace {

// ustar header field offsets and lengths (apk-protocol §4.4).
struct Field {
  size_t offset;
  size_t length;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChecksum{148, 8};
constexpr size_t kTypeOffset = 156;
constexpr Field kLinkName{157, 100};
constexpr Field kMagic{257, 6};
constexpr Field kUname{265, 32};
constexpr Field kGname{297, 32};
constexpr Field kPrefix{345, 155};

constexpr std::string_view kPosixMagic("ustar\0", 6);

std::string_view FieldView(std::string_view block, Field f) {
  return block.substr(f.offset, f.length);
}

std::string CString(std::string_view field) {
  return std::string(field.substr(0, std::min(field.find('\0'), field.size())));
}

Error Corrupt(std::string message) { return MakeError(ErrorCode::kCorrupt, std::move(message)); }

// Octal, space/NUL padded; or GNU base-256 when the top bit of the first byte is set.
Result<uint64_t> ParseNumber(std::string_view field, std::string_view what) {
  if (!field.empty() && (static_cast<unsigned char>(field[0]) & 0x80U) != 0) {
    uint64_t value = static_cast<unsigned char>(field[0]) & 0x7fU;
    for (size_t i = 1; i < field.size(); ++i) {
      if (value >> 56 != 0) {
        return Corrupt(std::string(what) + " field overflows");
      }
      value = value << 8 | static_cast<unsigned char>(field[i]);
    }
    return value;
  }
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') {
    ++i;
  }
  uint64_t value = 0;
  for (; i < field.size() && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7') {
      return Corrupt("bad octal digit in tar " + std::string(what) + " field");
    }
    if (value >> 61 != 0) {
      return Corrupt(std::string(what) + " field overflows");
    }
    value = value << 3 | static_cast<uint64_t>(field[i] - '0');
  }
  return value;
}

bool HeaderChecksumMatches(std::string_view block, uint64_t stored) {
  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    const bool in_field = i >= kChecksum.offset && i < kChecksum.offset + kChecksum.length;
    const char c = in_field ? ' ' : block[i];
    unsigned_sum += static_cast<unsigned char>(c);
    signed_sum += static_cast<signed char>(c);
  }
  // Some old writers summed signed chars; accept either, as GNU tar does.
  return stored == unsigned_sum || static_cast<int64_t>(stored) == signed_sum;
}

bool IsZeroBlock(std::string_view block) {
  return std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; });
}

// PAX records: "<len> <key>=<value>\n", len counting the whole record.
Status ParsePaxRecords(std::string_view body, std::map<std::string, std::string>& out) {
  while (!body.empty()) {
    const size_t space = body.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20) {
      return Corrupt("malformed PAX record length");
    }
    uint64_t length = 0;
    for (size_t i = 0; i < space; ++i) {
      if (body[i] < '0' || body[i] > '9') {
        return Corrupt("malformed PAX record length");
      }
      length = length * 10 + static_cast<uint64_t>(body[i] - '0');
    }
    if (length <= space + 1 || length > body.size() || body[length - 1] != '\n') {
      return Corrupt("PAX record length does not match its content");
    }
    const std::string_view record = body.substr(space + 1, length - space - 2);
    const size_t equals = record.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Corrupt("PAX record without key=value");
    }
    out[std::string(record.substr(0, equals))] = std::string(record.substr(equals + 1));
    body.remove_prefix(length);
  }
  return OkStatus();
}

Result<TarEntryType> ParseType(char flag) {
  switch (flag) {
    case '0':
    case '\0':
    case '7':  // contiguous file: a regular file everywhere that matters
      return TarEntryType::kRegular;
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
      return static_cast<TarEntryType>(flag);
    default:
      return Corrupt(std::string("unsupported tar entry type '") + flag + "'");
  }
}

Result<uint64_t> ParseDecimal(const std::string& text, std::string_view what) {
  if (text.empty() || text.size() > 19 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Corrupt("bad PAX " + std::string(what) + " value");
  }
  return std::stoull(text);
}

}  // namespace

Status CheckArchivePath(std::string_view name, size_t max_bytes) {
  if (name.empty()) {
    return Corrupt("empty entry name");
  }
  if (name.size() > max_bytes) {
    return MakeError(ErrorCode::kLimitExceeded, "entry name longer than " +
                                                    std::to_string(max_bytes) + " bytes");
  }
  if (name.find('\0') != std::string_view::npos) {
    return Corrupt("entry name contains a NUL byte");
  }
  if (name.front() == '/') {
    return Corrupt("absolute entry name '" + std::string(name) + "'");
  }
  size_t start = 0;
  while (start <= name.size()) {
    const size_t slash = std::min(name.find('/', start), name.size());
    if (name.substr(start, slash - start) == "..") {
      return Corrupt("entry name '" + std::string(name) + "' escapes the root with '..'");
    }
    start = slash + 1;
  }
  return OkStatus();
}

TarReader::TarReader(TarHandler& handler, TarLimits limits)
    : handler_(handler), limits_(limits) {}

Status TarReader::Fail(Error error) {
  error_ = std::move(error).WithContext("tar at byte " + std::to_string(offset_));
  return error_;
}

bool TarReader::AtEntryBoundary() const {
  return (state_ == State::kHeader && block_.empty() && zero_blocks_ == 0 &&
          pending_pax_.empty() && pending_long_name_.empty() && pending_long_link_.empty()) ||
         state_ == State::kAfterEnd;
}

Status TarReader::Finish(bool require_end_of_archive) const {
  if (!error_.ok()) {
    return error_;
  }
  if (state_ == State::kAfterEnd) {
    return block_.empty() ? OkStatus() : Status(Corrupt("truncated padding after end of archive"));
  }
  if (!AtEntryBoundary()) {
    return Corrupt("tar stream ends inside an entry (truncated)");
  }
  if (require_end_of_archive) {
    return Corrupt("tar stream has no end-of-archive marker");
  }
  return OkStatus();
}

Status TarReader::Feed(std::string_view data) {
  if (!error_.ok()) {
    return error_;
  }
  while (!data.empty()) {
    switch (state_) {
      case State::kHeader: {
        const size_t take = std::min(kTarBlockSize - block_.size(), data.size());
        block_.append(data.substr(0, take));
        data.remove_prefix(take);
        offset_ += take;
        if (block_.size() == kTarBlockSize) {
          if (Status s = ConsumeHeaderBlock(); !s.ok()) {
            return Fail(s.error());
          }
        }
        break;
      }
      case State::kBody: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
        if (Status s = handler_.OnBody(data.substr(0, take)); !s.ok()) {
          return Fail(s.error());
        }
        data.remove_prefix(take);
        offset_ += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          if (Status s = handler_.OnEntryEnd(); !s.ok()) {
            return Fail(s.error());
          }
          remaining_ = padding_after_;
          state_ = remaining_ == 0 ? State::kHeader : State::kPadding;
        }
        break;
      }
      case State::kExtendedBody: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
        extended_.append(data.substr(0, take));
        data.remove_prefix(take);
        offset_ += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          if (Status s = ConsumeExtendedBody(); !s.ok()) {
            return Fail(s.error());
          }
          remaining_ = padding_after_;
          state_ = remaining_ == 0 ? State::kHeader : State::kPadding;
        }
        break;
      }
      case State::kPadding: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
        data.remove_prefix(take);
        offset_ += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          state_ = State::kHeader;
        }
        break;
      }
      case State::kAfterEnd: {
        // apk-tools accept only zero blocks after the marker (abuild pads to 10240 bytes).
        if (!IsZeroBlock(data)) {
          return Fail(Corrupt("data after the end-of-archive marker"));
        }
        offset_ += data.size();
        data = {};
        break;
      }
    }
  }
  return OkStatus();
}

Status TarReader::ConsumeHeaderBlock() {
  const std::string block = std::move(block_);
  block_.clear();
  if (IsZeroBlock(block)) {
    if (++zero_blocks_ == 2) {
      state_ = State::kAfterEnd;
    }
    return OkStatus();
  }
  if (zero_blocks_ != 0) {
    return Corrupt("a lone zero block inside the archive");
  }
  if (FieldView(block, kMagic).substr(0, 5) != "ustar") {
    return Corrupt("not a ustar header (bad magic)");
  }
  APKD_ASSIGN_OR_RETURN(const uint64_t stored_checksum,
                        ParseNumber(FieldView(block, kChecksum), "checksum"));
  if (!HeaderChecksumMatches(block, stored_checksum)) {
    return Corrupt("tar header checksum mismatch");
  }
  APKD_ASSIGN_OR_RETURN(const uint64_t size, ParseNumber(FieldView(block, kSize), "size"));
  const char flag = block[kTypeOffset];
  padding_after_ = (kTarBlockSize - size % kTarBlockSize) % kTarBlockSize;

  if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
    if (size > limits_.max_extended_header_bytes) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "extended header of " + std::to_string(size) + " bytes exceeds the limit");
    }
    extended_.clear();
    extended_type_ = flag;
    remaining_ = size;
    state_ = State::kExtendedBody;
    if (size == 0) {
      APKD_RETURN_IF_ERROR(ConsumeExtendedBody());
      state_ = State::kHeader;
    }
    return OkStatus();
  }

  APKD_ASSIGN_OR_RETURN(const TarEntryType type, ParseType(flag));
  TarEntry entry;
  entry.type = type;
  entry.size = size;
  entry.name = CString(FieldView(block, kName));
  const std::string prefix = CString(FieldView(block, kPrefix));
  // Only POSIX ustar has a prefix field; GNU keeps other data there.
  if (FieldView(block, kMagic) == kPosixMagic && !prefix.empty()) {
    entry.name = prefix + "/" + entry.name;
  }
  APKD_ASSIGN_OR_RETURN(const uint64_t mode, ParseNumber(FieldView(block, kMode), "mode"));
  entry.mode = static_cast<uint32_t>(mode & 07777);
  APKD_ASSIGN_OR_RETURN(entry.uid, ParseNumber(FieldView(block, kUid), "uid"));
  APKD_ASSIGN_OR_RETURN(entry.gid, ParseNumber(FieldView(block, kGid), "gid"));
  APKD_ASSIGN_OR_RETURN(const uint64_t mtime, ParseNumber(FieldView(block, kMtime), "mtime"));
  entry.mtime = static_cast<int64_t>(mtime);
  entry.link_name = CString(FieldView(block, kLinkName));
  entry.uname = CString(FieldView(block, kUname));
  entry.gname = CString(FieldView(block, kGname));
  return StartEntry(std::move(entry));
}

Status TarReader::ConsumeExtendedBody() {
  switch (extended_type_) {
    case 'x':
      return ParsePaxRecords(extended_, pending_pax_);
    case 'g': {
      std::map<std::string, std::string> ignored;  // global defaults: validated, not applied
      return ParsePaxRecords(extended_, ignored);
    }
    case 'L':
      pending_long_name_ = CString(extended_);
      return OkStatus();
    case 'K':
      pending_long_link_ = CString(extended_);
      return OkStatus();
    default:
      return MakeError(ErrorCode::kInternal, "unexpected extended header type");
  }
}

Status TarReader::StartEntry(TarEntry entry) {
  if (++entry_count_ > limits_.max_entries) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "more than " + std::to_string(limits_.max_entries) + " tar entries");
  }
  if (!pending_long_name_.empty()) {
    entry.name = std::move(pending_long_name_);
  }
  if (!pending_long_link_.empty()) {
    entry.link_name = std::move(pending_long_link_);
  }
  pending_long_name_.clear();
  pending_long_link_.clear();
  entry.pax = std::move(pending_pax_);
  pending_pax_.clear();
  if (auto it = entry.pax.find("path"); it != entry.pax.end()) {
    entry.name = it->second;
  }
  if (auto it = entry.pax.find("linkpath"); it != entry.pax.end()) {
    entry.link_name = it->second;
  }
  if (auto it = entry.pax.find("size"); it != entry.pax.end()) {
    APKD_ASSIGN_OR_RETURN(entry.size, ParseDecimal(it->second, "size"));
    padding_after_ = (kTarBlockSize - entry.size % kTarBlockSize) % kTarBlockSize;
  }
  if (entry.size > limits_.max_entry_size) {
    return MakeError(ErrorCode::kLimitExceeded, "entry '" + entry.name + "' of " +
                                                    std::to_string(entry.size) +
                                                    " bytes exceeds the entry size limit");
  }
  APKD_RETURN_IF_ERROR(CheckArchivePath(entry.name, limits_.max_name_bytes));
  if (entry.type == TarEntryType::kHardLink) {
    APKD_RETURN_IF_ERROR(CheckArchivePath(entry.link_name, limits_.max_name_bytes));
  }
  APKD_RETURN_IF_ERROR(handler_.OnEntry(entry));
  remaining_ = entry.size;
  if (remaining_ == 0) {
    APKD_RETURN_IF_ERROR(handler_.OnEntryEnd());
    state_ = State::kHeader;
  } else {
    state_ = State::kBody;
  }
  return OkStatus();
}

}  // namespace apkd::format
