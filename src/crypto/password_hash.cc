#include "crypto/password_hash.h"

#include <string>

#include <sodium.h>

namespace apkd::crypto {
namespace {

// OWASP's floor for Argon2id is 19 MiB / t=2; libsodium's "interactive" (64 MiB, t=2) is above
// it and keeps a login well under a second on a small server.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "a password must have " +
                                                      std::to_string(kMinPasswordBytes) + " to " +
                                                      std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (!SodiumReady()) {
    return MakeError(ErrorCode::kInternal, "libsodium failed to initialise");
  }
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit) != 0) {
    return MakeError(ErrorCode::kInternal, "password hashing ran out of memory");
  }
  out.resize(out.find('\0'));
  return out;
}

bool VerifyPassword(std::string_view stored, std::string_view password) {
  if (!SodiumReady() || stored.empty() || stored.size() >= crypto_pwhash_STRBYTES ||
      password.size() > kMaxPasswordBytes) {
    return false;
  }
  const std::string terminated(stored);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view stored) {
  if (!SodiumReady() || stored.size() >= crypto_pwhash_STRBYTES) {
    return true;
  }
  const std::string terminated(stored);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), kOpsLimit, kMemLimit) != 0;
}

}  // namespace apkd::crypto
