#include "crypto/hmac.h"

#include <climits>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/digest.h"
#include "crypto/openssl_util.h"

namespace apkd::crypto {

using internal::Bytes;
using internal::FatalOpenSslError;
using internal::MutableBytes;

std::string HmacSha256(std::string_view key, std::string_view data) {
  if (key.size() > INT_MAX) {
    FatalOpenSslError("HmacSha256 (key larger than INT_MAX)");
  }
  // HMAC() takes a non-null key pointer even for an empty key.
  static constexpr unsigned char kEmpty = 0;
  const unsigned char* key_bytes = key.empty() ? &kEmpty : Bytes(key);
  std::string out(kHmacSha256Size, '\0');
  unsigned int out_len = 0;
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), Bytes(data), data.size(),
           MutableBytes(out), &out_len) == nullptr ||
      out_len != out.size()) {
    FatalOpenSslError("HmacSha256");
  }
  return out;
}

std::string TokenHash(std::string_view secret) { return Sha256(secret); }

std::string PepperedTokenHash(std::string_view pepper, std::string_view secret) {
  return HmacSha256(pepper, secret);
}

}  // namespace apkd::crypto
