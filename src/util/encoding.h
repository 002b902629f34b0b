// Text encodings of binary data: lowercase hex, standard base64 (with padding, as in APKINDEX
// `C:Q1…`) and unpadded base64url (as in JWTs and JWKS). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apkd {

// 0-15 for a hex digit of either case, -1 for anything else.
int HexDigitValue(char c);

std::string HexEncode(std::string_view bytes);
// Accepts upper- or lowercase digits; nullopt on odd length or a non-hex character.
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Strict: standard alphabet, padding required, no whitespace.
std::optional<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);
// Strict: URL-safe alphabet, no padding.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace apkd
