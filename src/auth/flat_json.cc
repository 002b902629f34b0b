#include "auth/flat_json.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "util/result.h"

namespace apkd::auth {
namespace {

constexpr uint32_t kHighSurrogateFirst = 0xD800;
constexpr uint32_t kLowSurrogateFirst = 0xDC00;
constexpr uint32_t kLowSurrogateLast = 0xDFFF;
constexpr uint32_t kSurrogateBase = 0x10000;
constexpr unsigned kSurrogateShift = 10;
constexpr size_t kUnicodeEscapeDigits = 4;

bool IsContinuation(unsigned char c) { return c >= 0x80 && c <= 0xBF; }

// Length of the well-formed UTF-8 sequence starting at text[pos] (which is >= 0x80), or 0.
// Follows RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
size_t Utf8SequenceLength(std::string_view text, size_t pos) {
  const auto at = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const size_t left = text.size() - pos;
  const unsigned char lead = at(0);
  size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    second_min = lead == 0xE0 ? 0xA0 : 0x80;
    second_max = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    second_min = lead == 0xF0 ? 0x90 : 0x80;
    second_max = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (left < length || at(1) < second_min || at(1) > second_max) {
    return 0;
  }
  for (size_t i = 2; i < length; ++i) {
    if (!IsContinuation(at(i))) {
      return 0;
    }
  }
  return length;
}

void AppendUtf8(uint32_t code_point, std::string& out) {
  const auto byte = [](uint32_t v) { return static_cast<char>(static_cast<unsigned char>(v)); };
  if (code_point < 0x80) {
    out += byte(code_point);
  } else if (code_point < 0x800) {
    out += byte(0xC0 | (code_point >> 6));
    out += byte(0x80 | (code_point & 0x3F));
  } else if (code_point < kSurrogateBase) {
    out += byte(0xE0 | (code_point >> 12));
    out += byte(0x80 | ((code_point >> 6) & 0x3F));
    out += byte(0x80 | (code_point & 0x3F));
  } else {
    out += byte(0xF0 | (code_point >> 18));
    out += byte(0x80 | ((code_point >> 12) & 0x3F));
    out += byte(0x80 | ((code_point >> 6) & 0x3F));
    out += byte(0x80 | (code_point & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<FlatJsonObject> ParseDocument() {
    SkipWhitespace();
    if (!Consume('{')) {
      return Fail("expected '{'");
    }
    FlatJsonObject object;
    SkipWhitespace();
    if (!Consume('}')) {
      do {
        APKD_RETURN_IF_ERROR(ParseMember(object));
        SkipWhitespace();
      } while (Consume(','));
      if (!Consume('}')) {
        return Fail("expected ',' or '}'");
      }
    }
    SkipWhitespace();
    if (pos_ != text_.size()) {
      return Fail("unexpected data after the object");
    }
    return object;
  }

 private:
  Status ParseMember(FlatJsonObject& object) {
    SkipWhitespace();
    const size_t name_pos = pos_;
    APKD_ASSIGN_OR_RETURN(std::string name, ParseString());
    SkipWhitespace();
    if (!Consume(':')) {
      return Fail("expected ':'");
    }
    SkipWhitespace();
    APKD_ASSIGN_OR_RETURN(FlatJsonValue value, ParseValue());
    if (object.size() >= kMaxFlatJsonMembers) {
      return FailAt(name_pos, "too many members");
    }
    if (!object.emplace(std::move(name), std::move(value)).second) {
      return FailAt(name_pos, "duplicate member name");
    }
    return OkStatus();
  }

  Result<FlatJsonValue> ParseValue() {
    if (pos_ >= text_.size()) {
      return Fail("expected a value");
    }
    const char c = text_[pos_];
    if (c == '"') {
      APKD_ASSIGN_OR_RETURN(std::string value, ParseString());
      return FlatJsonValue(std::move(value));
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      APKD_ASSIGN_OR_RETURN(const int64_t value, ParseInteger());
      return FlatJsonValue(value);
    }
    if (c == '{' || c == '[') {
      return Fail("nested objects and arrays are not accepted");
    }
    if (c == 't' || c == 'f' || c == 'n') {
      return Fail("true, false and null are not accepted");
    }
    return Fail("expected a value");
  }

  Result<std::string> ParseString() {
    if (!Consume('"')) {
      return Fail("expected '\"'");
    }
    std::string out;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        APKD_RETURN_IF_ERROR(ParseEscape(out));
      } else if (c < 0x20) {
        return Fail("control character in a string");
      } else if (c < 0x80) {
        out += static_cast<char>(c);
        ++pos_;
      } else {
        const size_t length = Utf8SequenceLength(text_, pos_);
        if (length == 0) {
          return Fail("invalid UTF-8");
        }
        out.append(text_.substr(pos_, length));
        pos_ += length;
      }
    }
    return Fail("unterminated string");
  }

  // Parses the escape at pos_ (a backslash) and appends what it stands for.
  Status ParseEscape(std::string& out) {
    ++pos_;
    if (pos_ >= text_.size()) {
      return Fail("unterminated escape");
    }
    const char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out += c;
        return OkStatus();
      case 'b':
        out += '\b';
        return OkStatus();
      case 'f':
        out += '\f';
        return OkStatus();
      case 'n':
        out += '\n';
        return OkStatus();
      case 'r':
        out += '\r';
        return OkStatus();
      case 't':
        out += '\t';
        return OkStatus();
      case 'u':
        return ParseUnicodeEscape(out);
      default:
        return Fail("unknown escape");
    }
  }

  // After "\u": four hex digits, and for a high surrogate a second "\uXXXX" low surrogate.
  Status ParseUnicodeEscape(std::string& out) {
    const std::optional<uint32_t> first = HexQuad();
    if (!first) {
      return Fail("malformed \\u escape");
    }
    uint32_t code_point = *first;
    if (code_point >= kLowSurrogateFirst && code_point <= kLowSurrogateLast) {
      return Fail("lone low surrogate");
    }
    if (code_point >= kHighSurrogateFirst && code_point < kLowSurrogateFirst) {
      if (!Consume('\\') || !Consume('u')) {
        return Fail("lone high surrogate");
      }
      const std::optional<uint32_t> second = HexQuad();
      if (!second || *second < kLowSurrogateFirst || *second > kLowSurrogateLast) {
        return Fail("lone high surrogate");
      }
      code_point = kSurrogateBase + ((code_point - kHighSurrogateFirst) << kSurrogateShift) +
                   (*second - kLowSurrogateFirst);
    }
    if (code_point == 0) {
      return Fail("\\u0000 is not accepted");
    }
    AppendUtf8(code_point, out);
    return OkStatus();
  }

  std::optional<uint32_t> HexQuad() {
    if (text_.size() - pos_ < kUnicodeEscapeDigits) {
      return std::nullopt;
    }
    uint32_t value = 0;
    for (size_t i = 0; i < kUnicodeEscapeDigits; ++i) {
      const char c = text_[pos_ + i];
      uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
      value = value << 4 | digit;
    }
    pos_ += kUnicodeEscapeDigits;
    return value;
  }

  // -?(0|[1-9][0-9]*), fitting int64_t; fractions and exponents are refused.
  Result<int64_t> ParseInteger() {
    const bool negative = Consume('-');
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') {
      return Fail("malformed number");
    }
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
        text_[pos_ + 1] <= '9') {
      return Fail("leading zero in a number");
    }
    // Accumulate the magnitude; INT64_MIN's magnitude is one more than INT64_MAX.
    const uint64_t limit =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1U : 0U);
    uint64_t magnitude = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const auto digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (magnitude > (limit - digit) / 10) {
        return Fail("number out of range");
      }
      magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return Fail("only integers are accepted");
    }
    if (!negative) {
      return static_cast<int64_t>(magnitude);
    }
    if (magnitude == 0) {
      return Fail("negative zero");
    }
    return -static_cast<int64_t>(magnitude - 1) - 1;
  }

  void SkipWhitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Error Fail(std::string_view what) const { return FailAt(pos_, what); }
  static Error FailAt(size_t pos, std::string_view what) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "malformed JSON at byte " + std::to_string(pos) + ": " + std::string(what));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void AppendQuoted(std::string_view text, std::string& out) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

Result<FlatJsonObject> ParseFlatJsonObject(std::string_view text) {
  return Parser(text).ParseDocument();
}

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, pos);
    if (length == 0) {
      return false;
    }
    pos += length;
  }
  return true;
}

void FlatJsonWriter::AddName(std::string_view name) {
  body_ += body_.empty() ? '{' : ',';
  AppendQuoted(name, body_);
  body_ += ':';
}

FlatJsonWriter& FlatJsonWriter::Add(std::string_view name, std::string_view value) {
  AddName(name);
  AppendQuoted(value, body_);
  return *this;
}

FlatJsonWriter& FlatJsonWriter::Add(std::string_view name, int64_t value) {
  AddName(name);
  body_ += std::to_string(value);
  return *this;
}

std::string FlatJsonWriter::Finish() const { return body_.empty() ? "{}" : body_ + "}"; }

}  // namespace apkd::auth
