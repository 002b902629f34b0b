// A strict reader and a writer for flat JSON objects whose member values are strings or integers:
// the shape of apkd's token headers and claim sets. The reader is stricter than RFC 8259 where
// leniency has caused token bugs elsewhere: duplicate member names, nested objects and arrays,
// fractions and exponents, true/false/null, invalid UTF-8, lone surrogates, "\u0000" and trailing
// bytes are all refused. Errors name a byte offset, never the input. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "util/result.h"

namespace apkd::auth {

using FlatJsonValue = std::variant<std::string, int64_t>;
using FlatJsonObject = std::map<std::string, FlatJsonValue, std::less<>>;

// The maximum number of members the reader accepts.
inline constexpr size_t kMaxFlatJsonMembers = 32;

// Parses `text`, which must be exactly one JSON object (whitespace around tokens allowed).
// Errors are kInvalidArgument.
Result<FlatJsonObject> ParseFlatJsonObject(std::string_view text);

bool IsValidUtf8(std::string_view text);

// Builds `{"a":"x","b":1}` in the order members are added. No whitespace. String values and names
// are escaped as JSON requires; they must be valid UTF-8 (the caller checks with IsValidUtf8).
class FlatJsonWriter {
 public:
  FlatJsonWriter& Add(std::string_view name, std::string_view value);
  FlatJsonWriter& Add(std::string_view name, int64_t value);
  std::string Finish() const;

 private:
  void AddName(std::string_view name);
  std::string body_;
};

}  // namespace apkd::auth
