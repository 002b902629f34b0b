// Keyed hashing for stored secrets: HMAC-SHA256, and the hash under which apkd stores token
// secrets so that a database dump does not hand out working credentials. Pure functions,
// thread-safe. Outputs are raw bytes; use util/encoding.h for hex or base64.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace apkd::crypto {

inline constexpr size_t kHmacSha256Size = 32;

// HMAC-SHA256 (RFC 2104) of `data` under `key`; any key length is accepted.
std::string HmacSha256(std::string_view key, std::string_view data);

// What to store for a high-entropy token secret: SHA-256(secret). Look-ups hash the presented
// secret and compare the stored value with ConstantTimeEquals (crypto/digest.h).
std::string TokenHash(std::string_view secret);

// The same with a server-side pepper, HMAC-SHA256(pepper, secret): a stolen database alone is
// then not enough to test guesses offline. An empty pepper is refused by callers, not here.
std::string PepperedTokenHash(std::string_view pepper, std::string_view secret);

}  // namespace apkd::crypto
