// Password hashing for user identities: Argon2id (libsodium's crypto_pwhash_str), memory-hard so
// that a stolen database is expensive to attack offline. The stored string carries its own
// algorithm, salt and cost parameters ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"), so costs can be
// raised later without a migration (NeedsRehash). Hashing takes tens of milliseconds and
// 64 MiB by design: call it off the HTTP event loop. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace apkd::crypto {

inline constexpr size_t kMinPasswordBytes = 12;
inline constexpr size_t kMaxPasswordBytes = 1024;

// kInvalidArgument for a password outside [kMinPasswordBytes, kMaxPasswordBytes] (the message
// never quotes it); kInternal if libsodium cannot start or runs out of memory.
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `stored` (a HashPassword result); false for anything malformed.
// Constant-time in the password (libsodium's verification).
bool VerifyPassword(std::string_view stored, std::string_view password);
// Whether `stored` was made with other cost parameters than HashPassword uses now.
bool NeedsRehash(std::string_view stored);

}  // namespace apkd::crypto
