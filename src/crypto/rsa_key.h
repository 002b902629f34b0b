// RSA keys for APK signing: generation, PEM load/save, PKCS#1 v1.5 signatures over SHA-1/256/512,
// and the key-id scheme `<name>-<hex SHA-256 of the DER SubjectPublicKeyInfo>` (apk-protocol §4.1,
// §7.3). Keys are immutable after construction and safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crypto/digest.h"
#include "util/result.h"

namespace apkd::crypto {

class PublicKey {
 public:
  // PEM "PUBLIC KEY" (X.509 SubjectPublicKeyInfo), the form apk-tools and apko load. A PKCS#1
  // "RSA PUBLIC KEY" is refused with a message saying so, since apko cannot use it.
  static Result<PublicKey> FromPem(std::string_view pem);
  // From the modulus and public exponent as big-endian bytes (leading zero bytes allowed). For
  // keys from outside (an OIDC issuer's JWKS): the modulus must be odd and 2048 to 8192 bits,
  // the exponent odd and between 3 and 2^32 - 1, or the key is kInvalidArgument.
  static Result<PublicKey> FromModulusExponent(std::string_view n, std::string_view e);
  // The same from the JWK members "n" and "e" (RFC 7518 §6.3.1): unpadded base64url.
  static Result<PublicKey> FromJwk(std::string_view n, std::string_view e);

  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  PublicKey(const PublicKey&);
  PublicKey& operator=(const PublicKey&);
  ~PublicKey();

  std::string ToPem() const;          // "-----BEGIN PUBLIC KEY-----\n…", newline-terminated
  std::string SpkiDer() const;        // DER SubjectPublicKeyInfo
  std::string ModulusBytes() const;   // big-endian, no leading zero byte (for JWKS "n")
  std::string ExponentBytes() const;  // big-endian (for JWKS "e")
  int bits() const;

  // PKCS#1 v1.5 verification of `signature` over H(data).
  Status Verify(DigestAlgorithm algorithm, std::string_view data, std::string_view signature) const;
  // The same, over an already computed digest H(data).
  Status VerifyDigest(DigestAlgorithm algorithm, std::string_view digest,
                      std::string_view signature) const;

 private:
  struct Impl;
  explicit PublicKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
  friend class PrivateKey;
};

class PrivateKey {
 public:
  static constexpr int kDefaultBits = 4096;

  static Result<PrivateKey> Generate(int bits = kDefaultBits);
  // PEM "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1, what `abuild-keygen` writes).
  // Encrypted keys are refused with a clear error.
  static Result<PrivateKey> FromPem(std::string_view pem);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  PrivateKey(const PrivateKey&);
  PrivateKey& operator=(const PrivateKey&);
  ~PrivateKey();

  std::string ToPem() const;  // unencrypted PKCS#8 PEM
  PublicKey GetPublicKey() const;
  int bits() const;

  // PKCS#1 v1.5 signature over H(data); its length is the modulus size.
  Result<std::string> Sign(DigestAlgorithm algorithm, std::string_view data) const;
  Result<std::string> SignDigest(DigestAlgorithm algorithm, std::string_view digest) const;

 private:
  struct Impl;
  explicit PrivateKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// `<name>-<64 lowercase hex of SHA-256(DER SPKI)>`: a stable id anyone can recompute from the
// public key. The key file is `<id>.rsa.pub`, the index entry `.SIGN.RSA256.<id>.rsa.pub`.
std::string KeyIdFor(std::string_view name, const PublicKey& key);

}  // namespace apkd::crypto
