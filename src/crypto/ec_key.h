// ECDSA P-256 keys for ES256 (RFC 7518 §3.4): the keys that sign apkd's own tokens. Signatures
// use the JOSE form, the raw 64-byte big-endian r||s, never DER. Public keys load from PEM
// ("PUBLIC KEY") or from JWK coordinates and are checked to be valid P-256 points at load time.
// Keys are immutable after construction and safe to share between threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace apkd::crypto {

// Length of one P-256 coordinate or scalar, and of an ES256 signature (r||s).
inline constexpr size_t kP256CoordinateSize = 32;
inline constexpr size_t kEs256SignatureSize = 2 * kP256CoordinateSize;

// The public members of an EC JWK (RFC 7518 §6.2.1): kty "EC", crv "P-256", and the affine
// coordinates as unpadded base64url of exactly 32 big-endian bytes each.
struct EcPublicJwk {
  std::string kty = "EC";
  std::string crv = "P-256";
  std::string x;
  std::string y;

  bool operator==(const EcPublicJwk&) const = default;
};

class EcVerifyingKey {
 public:
  // `x` and `y` are the JWK members: base64url, no padding, 32 bytes each once decoded.
  static Result<EcVerifyingKey> FromJwk(std::string_view x, std::string_view y);
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo) holding a P-256 key with the named curve.
  static Result<EcVerifyingKey> FromPem(std::string_view pem);

  EcVerifyingKey(EcVerifyingKey&&) noexcept;
  EcVerifyingKey& operator=(EcVerifyingKey&&) noexcept;
  EcVerifyingKey(const EcVerifyingKey&);
  EcVerifyingKey& operator=(const EcVerifyingKey&);
  ~EcVerifyingKey();

  std::string ToPem() const;  // "-----BEGIN PUBLIC KEY-----\n…", newline-terminated
  EcPublicJwk Jwk() const;
  // RFC 7638 JWK thumbprint: unpadded base64url of SHA-256 over the canonical JWK
  // {"crv":"P-256","kty":"EC","x":…,"y":…}. A stable, public name for the key.
  std::string Thumbprint() const;

  // Verifies an ES256 signature (raw r||s, 64 bytes) over SHA-256(data). Every failure,
  // including a wrong length or r, s outside [1, n-1], is kSignatureInvalid.
  Status Verify(std::string_view data, std::string_view signature) const;

  bool operator==(const EcVerifyingKey& other) const;

 private:
  struct Impl;
  explicit EcVerifyingKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
  friend class EcSigningKey;
};

class EcSigningKey {
 public:
  static Result<EcSigningKey> Generate();
  // PEM "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC 1) on the named curve P-256. Encrypted
  // keys and other curves are refused.
  static Result<EcSigningKey> FromPem(std::string_view pem);

  EcSigningKey(EcSigningKey&&) noexcept;
  EcSigningKey& operator=(EcSigningKey&&) noexcept;
  EcSigningKey(const EcSigningKey&);
  EcSigningKey& operator=(const EcSigningKey&);
  ~EcSigningKey();

  std::string ToPem() const;  // unencrypted PKCS#8 PEM
  const EcVerifyingKey& verifying_key() const;
  EcPublicJwk PublicJwk() const { return verifying_key().Jwk(); }

  // ES256 signature over SHA-256(data): exactly 64 bytes, r||s, big-endian, zero-padded.
  Result<std::string> Sign(std::string_view data) const;

 private:
  struct Impl;
  explicit EcSigningKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace apkd::crypto
