// Internal to src/crypto: RAII owners for OpenSSL objects and small shared helpers. Only .cc files
// under src/crypto may include this header (it is the one place that pulls in <openssl/...>).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/digest.h"
#include "util/result.h"

namespace apkd::crypto::internal {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* ptr) const {
    Fn(ptr);
  }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

struct OpenSslFree {
  void operator()(unsigned char* ptr) const { OPENSSL_free(ptr); }
};
using OpenSslBytesPtr = std::unique_ptr<unsigned char, OpenSslFree>;

inline const EVP_MD* EvpMd(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return EVP_sha1();
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

inline std::string_view DigestName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return "SHA-1";
    case DigestAlgorithm::kSha256:
      return "SHA-256";
    case DigestAlgorithm::kSha512:
      return "SHA-512";
  }
  return "unknown digest";
}

// The reason of the most recent OpenSSL error (a static string, never key material), and clears
// the thread's error queue so that stale errors do not leak into later calls.
inline std::string TakeOpenSslReason() {
  const unsigned long code = ERR_peek_last_error();  // NOLINT(google-runtime-int): OpenSSL API
  ERR_clear_error();
  if (code == 0) {
    return "no OpenSSL error recorded";
  }
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? std::string(reason) : "unknown OpenSSL error";
}

// Clears the thread's OpenSSL error queue when the scope ends, so that what one operation left
// behind (decoders record errors even on success) never confuses a later caller such as TLS code.
class ClearErrorsOnExit {
 public:
  ClearErrorsOnExit() = default;
  ClearErrorsOnExit(const ClearErrorsOnExit&) = delete;
  ClearErrorsOnExit& operator=(const ClearErrorsOnExit&) = delete;
  ClearErrorsOnExit(ClearErrorsOnExit&&) = delete;
  ClearErrorsOnExit& operator=(ClearErrorsOnExit&&) = delete;
  ~ClearErrorsOnExit() { ERR_clear_error(); }
};

// For failures that cannot be reported through the API (hashing, the DRBG): these only fail when
// the process is out of memory or OpenSSL is broken, and continuing would be unsafe.
[[noreturn]] inline void FatalOpenSslError(const char* what) {
  std::fprintf(stderr, "apkd: fatal OpenSSL failure in %s: %s\n", what,  // NOLINT(cert-err33-c)
               TakeOpenSslReason().c_str());
  std::abort();
}

inline const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

inline unsigned char* MutableBytes(std::string& data) {
  return reinterpret_cast<unsigned char*>(data.data());
}

// kInternal "<what> failed (<OpenSSL reason>)"; clears the thread's error queue.
Error InternalError(std::string_view what);
// kInvalidArgument when `pem` is longer than `max_bytes` ("… accepted for <kind>").
Status CheckPemSize(std::string_view pem, size_t max_bytes, std::string_view kind);
// A read-only memory BIO over `pem`; the caller checked that the size fits an int.
BioPtr ReadBio(std::string_view pem);
// Drains a memory BIO into a string.
Result<std::string> DrainBio(BIO* bio);
// The password callback for PEM reads: never supplies a passphrase, and records in `*userdata`
// (a bool) that one was asked for, which happens only for encrypted keys.
int RefusePassphrase(char* buf, int size, int rwflag, void* userdata);

}  // namespace apkd::crypto::internal
