// Parsing of the HTTP `Authorization` header value (RFC 7235): `Basic base64(user:password)`
// (RFC 7617), which every apk client sends with the token as the password and any user name, and
// `Bearer <token>` (RFC 6750) for the management API and the STS. Pure functions, thread-safe.
// Errors are kUnauthenticated and never quote the header.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace apkd::auth {

enum class AuthScheme { kBasic, kBearer };

struct Credentials {
  AuthScheme scheme = AuthScheme::kBasic;
  std::string user;    // Basic only; may be empty (apk sends "user", ggcr "_token")
  std::string secret;  // the Basic password or the Bearer token

  bool operator==(const Credentials&) const = default;
};

// Longest header value accepted: a 4 KiB token is about 5.5 KiB of base64; HTTP_AUTH passwords
// can be longer (apk-protocol.md §5.3).
inline constexpr size_t kMaxAuthorizationHeaderSize = size_t{16} * 1024;

// Scheme names are case-insensitive and followed by one or more spaces; surrounding whitespace
// is ignored. Basic: strict padded base64, split at the first ':' (so the password may contain
// ':'); the decoded text must not contain control characters. Bearer: one token68.
Result<Credentials> ParseAuthorizationHeader(std::string_view value);

}  // namespace apkd::auth
