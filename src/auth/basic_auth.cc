#include "auth/basic_auth.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "util/encoding.h"
#include "util/result.h"

namespace apkd::auth {
namespace {

Error Malformed(std::string_view reason) {
  return MakeError(ErrorCode::kUnauthenticated,
                   "malformed Authorization header: " + std::string(reason));
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsWhitespace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && IsWhitespace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool IsToken68(std::string_view text) {
  size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) {
      break;
    }
  }
  if (i == 0) {
    return false;
  }
  for (; i < text.size(); ++i) {
    if (text[i] != '=') {
      return false;
    }
  }
  return true;
}

bool HasControlCharacter(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      return true;
    }
  }
  return false;
}

Result<Credentials> ParseBasic(std::string_view encoded) {
  const std::optional<std::string> decoded = Base64Decode(encoded);
  if (!decoded) {
    return Malformed("Basic credentials are not valid base64");
  }
  if (HasControlCharacter(*decoded)) {
    return Malformed("Basic credentials contain control characters");
  }
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    return Malformed("Basic credentials have no ':' between user and password");
  }
  return Credentials{.scheme = AuthScheme::kBasic,
                     .user = decoded->substr(0, colon),
                     .secret = decoded->substr(colon + 1)};
}

}  // namespace

Result<Credentials> ParseAuthorizationHeader(std::string_view value) {
  if (value.size() > kMaxAuthorizationHeaderSize) {
    return Malformed("longer than " + std::to_string(kMaxAuthorizationHeaderSize) + " bytes");
  }
  value = Trim(value);
  size_t scheme_end = 0;
  while (scheme_end < value.size() && !IsWhitespace(value[scheme_end])) {
    ++scheme_end;
  }
  const std::string_view scheme = value.substr(0, scheme_end);
  const std::string_view rest = Trim(value.substr(scheme_end));
  const bool is_basic = EqualsIgnoreCase(scheme, "Basic");
  if (!is_basic && !EqualsIgnoreCase(scheme, "Bearer")) {
    return Malformed("the scheme is neither Basic nor Bearer");
  }
  if (rest.empty()) {
    return Malformed("no credentials after the scheme");
  }
  if (!IsToken68(rest)) {
    return Malformed("the credentials are not a single base64 or token68 value");
  }
  if (is_basic) {
    return ParseBasic(rest);
  }
  return Credentials{.scheme = AuthScheme::kBearer, .user = {}, .secret = std::string(rest)};
}

}  // namespace apkd::auth
