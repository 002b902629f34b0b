#include "crypto/rsa_key.h"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/digest.h"
#include "crypto/openssl_util.h"
#include "util/encoding.h"
#include "util/result.h"

namespace apkd::crypto {

using internal::BignumPtr;
using internal::BioPtr;
using internal::Bytes;
using internal::CheckPemSize;
using internal::DigestName;
using internal::DrainBio;
using internal::EvpMd;
using internal::EvpPkeyCtxPtr;
using internal::EvpPkeyPtr;
using internal::InternalError;
using internal::MutableBytes;
using internal::OpenSslBytesPtr;
using internal::ReadBio;
using internal::RefusePassphrase;
using internal::TakeOpenSslReason;

namespace {

constexpr int kMinGenerateBits = 2048;
// Limits for public keys that arrive as numbers (JWKS): the smallest modulus still considered
// safe, the largest one worth verifying with, and the usual exponent range (RFC 8017 allows more,
// but no issuer uses exponents above 2^32 - 1).
constexpr int kMinImportBits = 2048;
constexpr int kMaxImportBits = 8192;
constexpr int kMaxExponentBits = 32;
constexpr int kMaxGenerateBits = 8192;
constexpr unsigned long kPublicExponent = 65537;  // NOLINT(google-runtime-int): BN_set_word
// An 8192-bit private key is about 6.5 KB of PEM; anything far larger is not a key.
constexpr size_t kMaxPemBytes = size_t{1} << 20;

Status CheckIsRsa(const EVP_PKEY* pkey, std::string_view what) {
  if (EVP_PKEY_is_a(pkey, "RSA") == 1) {
    return OkStatus();
  }
  const char* type = EVP_PKEY_get0_type_name(pkey);
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(what) + " is " + (type != nullptr ? type : "not RSA") +
                       "; only RSA keys can sign APK indexes and packages");
}

Status CheckDigestLength(DigestAlgorithm algorithm, std::string_view digest) {
  if (digest.size() == DigestSize(algorithm)) {
    return OkStatus();
  }
  return MakeError(ErrorCode::kInvalidArgument, "a " + std::string(DigestName(algorithm)) +
                                                    " digest is " +
                                                    std::to_string(DigestSize(algorithm)) +
                                                    " bytes, got " + std::to_string(digest.size()));
}

// DER SubjectPublicKeyInfo of any key (public or private).
Result<std::string> EncodeSpki(const EVP_PKEY* pkey) {
  const int len = i2d_PUBKEY(pkey, nullptr);
  if (len <= 0) {
    return InternalError("encoding the public key");
  }
  std::string der(static_cast<size_t>(len), '\0');
  unsigned char* cursor = MutableBytes(der);
  if (i2d_PUBKEY(pkey, &cursor) != len) {
    return InternalError("encoding the public key");
  }
  return der;
}

// Parses a DER SubjectPublicKeyInfo; nullptr unless the whole input is one valid SPKI.
EvpPkeyPtr ParseSpki(const unsigned char* der, size_t size) {
  if (size > LONG_MAX) {
    return nullptr;
  }
  const unsigned char* cursor = der;
  // NOLINTNEXTLINE(google-runtime-int): d2i_* take a long length
  EvpPkeyPtr pkey(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(size)));
  if (pkey == nullptr || cursor != der + size) {
    return nullptr;
  }
  return pkey;
}

// The DER body of the first PEM block labelled exactly `label` (other blocks are skipped), or
// nullptr. Unlike PEM_read_bio_PUBKEY, which also takes PKCS#1 "RSA PUBLIC KEY", this is strict.
OpenSslBytesPtr ReadPemBlock(BIO* bio, const char* label, size_t* size) {
  unsigned char* data = nullptr;
  long length = 0;  // NOLINT(google-runtime-int): OpenSSL API
  bool asked_for_passphrase = false;
  if (PEM_bytes_read_bio(&data, &length, nullptr, label, bio, RefusePassphrase,
                         &asked_for_passphrase) != 1 ||
      length < 0) {
    OPENSSL_free(data);
    return nullptr;
  }
  *size = static_cast<size_t>(length);
  return OpenSslBytesPtr(data);
}

Result<std::string> BigNumParam(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) {
    return InternalError(std::string("reading RSA parameter ") + name);
  }
  const BignumPtr bn(raw);
  std::string out(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  if (BN_bn2bin(bn.get(), MutableBytes(out)) != static_cast<int>(out.size())) {
    return InternalError(std::string("encoding RSA parameter ") + name);
  }
  return out;
}

// A PKEY context set up for PKCS#1 v1.5 with `algorithm`, initialised by `init`.
Result<EvpPkeyCtxPtr> Pkcs1Context(EVP_PKEY* pkey, DigestAlgorithm algorithm,
                                   int (*init)(EVP_PKEY_CTX*), std::string_view what) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (ctx == nullptr || init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EvpMd(algorithm)) != 1) {
    return InternalError(std::string("setting up RSA ") + std::string(what));
  }
  return ctx;
}

using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, internal::Deleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, internal::Deleter<OSSL_PARAM_free>>;

// A public-only RSA EVP_PKEY from n and e, after the range checks above.
Result<EvpPkeyPtr> RsaPublicFromNumbers(std::string_view n_bytes, std::string_view e_bytes) {
  if (n_bytes.size() > static_cast<size_t>(kMaxImportBits) || e_bytes.size() > sizeof(uint64_t) ||
      n_bytes.empty() || e_bytes.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the RSA modulus or exponent has a bad length");
  }
  const BignumPtr n(BN_bin2bn(Bytes(n_bytes), static_cast<int>(n_bytes.size()), nullptr));
  const BignumPtr e(BN_bin2bn(Bytes(e_bytes), static_cast<int>(e_bytes.size()), nullptr));
  if (n == nullptr || e == nullptr) {
    return InternalError("reading the RSA modulus and exponent");
  }
  const int bits = BN_num_bits(n.get());
  if (bits < kMinImportBits || bits > kMaxImportBits || BN_is_odd(n.get()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the RSA modulus must be odd and " + std::to_string(kMinImportBits) + " to " +
                         std::to_string(kMaxImportBits) + " bits, got " + std::to_string(bits) +
                         " bits");
  }
  if (BN_num_bits(e.get()) > kMaxExponentBits || BN_is_odd(e.get()) != 1 ||
      BN_cmp(e.get(), BN_value_one()) <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the RSA public exponent must be odd, at least 3 and below 2^32");
  }
  const ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return InternalError("setting up RSA key import");
  }
  const ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return InternalError("setting up RSA key import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the RSA public key does not load (" + TakeOpenSslReason() + ")");
  }
  return EvpPkeyPtr(raw);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PublicKey

struct PublicKey::Impl {
  EvpPkeyPtr pkey;  // public half only
  std::string spki_der;

  static Result<std::shared_ptr<const Impl>> Create(EvpPkeyPtr pkey) {
    APKD_ASSIGN_OR_RETURN(std::string der, EncodeSpki(pkey.get()));
    return std::make_shared<const Impl>(Impl{std::move(pkey), std::move(der)});
  }
};

PublicKey::PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::PublicKey(const PublicKey&) = default;
PublicKey& PublicKey::operator=(const PublicKey&) = default;
PublicKey::~PublicKey() = default;

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_RETURN_IF_ERROR(CheckPemSize(pem, kMaxPemBytes, "a key"));
  const BioPtr bio = ReadBio(pem);
  if (bio == nullptr) {
    return InternalError("allocating a PEM reader");
  }
  size_t der_size = 0;
  const OpenSslBytesPtr der = ReadPemBlock(bio.get(), "PUBLIC KEY", &der_size);
  if (der == nullptr) {
    const std::string reason = TakeOpenSslReason();
    if (pem.find("-----BEGIN RSA PUBLIC KEY-----") != std::string_view::npos) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "the public key is PKCS#1 (\"RSA PUBLIC KEY\"); apk clients (apko in "
          "particular) need a SubjectPublicKeyInfo \"PUBLIC KEY\" PEM. Convert it with "
          "`openssl rsa -RSAPublicKey_in -pubout -in KEY -out KEY.rsa.pub`");
    }
    if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "expected a PEM \"PUBLIC KEY\" but got a private key");
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "no valid PEM \"PUBLIC KEY\" block found (" + reason + ")");
  }
  EvpPkeyPtr pkey = ParseSpki(der.get(), der_size);
  if (pkey == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the PEM \"PUBLIC KEY\" block is not a valid SubjectPublicKeyInfo (" +
                         TakeOpenSslReason() + ")");
  }
  APKD_RETURN_IF_ERROR(CheckIsRsa(pkey.get(), "the public key"));
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(std::move(pkey)));
  return PublicKey(std::move(impl));
}

Result<PublicKey> PublicKey::FromModulusExponent(std::string_view n, std::string_view e) {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, RsaPublicFromNumbers(n, e));
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(std::move(pkey)));
  return PublicKey(std::move(impl));
}

Result<PublicKey> PublicKey::FromJwk(std::string_view n, std::string_view e) {
  const std::optional<std::string> raw_n = Base64UrlDecode(n);
  const std::optional<std::string> raw_e = Base64UrlDecode(e);
  if (!raw_n || !raw_e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "JWK n and e must be unpadded base64url (RFC 7518 §6.3.1)");
  }
  return FromModulusExponent(*raw_n, *raw_e);
}

std::string PublicKey::ToPem() const {
  const internal::ClearErrorsOnExit clear_errors;
  const BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) {
    internal::FatalOpenSslError("PublicKey::ToPem");
  }
  auto pem = DrainBio(bio.get());
  if (!pem.ok()) {
    internal::FatalOpenSslError("PublicKey::ToPem");
  }
  return std::move(pem).value();
}

std::string PublicKey::SpkiDer() const { return impl_->spki_der; }

std::string PublicKey::ModulusBytes() const {
  auto n = BigNumParam(impl_->pkey.get(), OSSL_PKEY_PARAM_RSA_N);
  if (!n.ok()) {
    internal::FatalOpenSslError("PublicKey::ModulusBytes");
  }
  return std::move(n).value();
}

std::string PublicKey::ExponentBytes() const {
  auto e = BigNumParam(impl_->pkey.get(), OSSL_PKEY_PARAM_RSA_E);
  if (!e.ok()) {
    internal::FatalOpenSslError("PublicKey::ExponentBytes");
  }
  return std::move(e).value();
}

int PublicKey::bits() const { return EVP_PKEY_get_bits(impl_->pkey.get()); }

Status PublicKey::Verify(DigestAlgorithm algorithm, std::string_view data,
                         std::string_view signature) const {
  return VerifyDigest(algorithm, Digest(algorithm, data), signature);
}

Status PublicKey::VerifyDigest(DigestAlgorithm algorithm, std::string_view digest,
                               std::string_view signature) const {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_RETURN_IF_ERROR(CheckDigestLength(algorithm, digest));
  const int expected_size = EVP_PKEY_get_size(impl_->pkey.get());
  if (expected_size <= 0 || signature.size() != static_cast<size_t>(expected_size)) {
    return MakeError(ErrorCode::kSignatureInvalid,
                     "RSA signature is " + std::to_string(signature.size()) + " bytes, expected " +
                         std::to_string(expected_size) + " for a " + std::to_string(bits()) +
                         "-bit key");
  }
  APKD_ASSIGN_OR_RETURN(
      const EvpPkeyCtxPtr ctx,
      Pkcs1Context(impl_->pkey.get(), algorithm, EVP_PKEY_verify_init, "verification"));
  const int rc =
      EVP_PKEY_verify(ctx.get(), Bytes(signature), signature.size(), Bytes(digest), digest.size());
  if (rc != 1) {
    return MakeError(ErrorCode::kSignatureInvalid, "RSA " + std::string(DigestName(algorithm)) +
                                                       " signature does not match the key");
  }
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------
// PrivateKey

struct PrivateKey::Impl {
  EvpPkeyPtr pkey;
  PublicKey public_key;

  // Takes a parsed or generated RSA key and derives its public-only half.
  static Result<std::shared_ptr<const Impl>> Create(EvpPkeyPtr pkey) {
    APKD_ASSIGN_OR_RETURN(const std::string der, EncodeSpki(pkey.get()));
    EvpPkeyPtr public_only = ParseSpki(Bytes(der), der.size());
    if (public_only == nullptr) {
      return InternalError("deriving the public key");
    }
    APKD_ASSIGN_OR_RETURN(auto public_impl, PublicKey::Impl::Create(std::move(public_only)));
    return std::make_shared<const Impl>(Impl{std::move(pkey), PublicKey(std::move(public_impl))});
  }
};

PrivateKey::PrivateKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::PrivateKey(const PrivateKey&) = default;
PrivateKey& PrivateKey::operator=(const PrivateKey&) = default;
PrivateKey::~PrivateKey() = default;

Result<PrivateKey> PrivateKey::Generate(int bits) {
  const internal::ClearErrorsOnExit clear_errors;
  if (bits < kMinGenerateBits || bits > kMaxGenerateBits) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "RSA key size must be between " + std::to_string(kMinGenerateBits) + " and " +
                         std::to_string(kMaxGenerateBits) + " bits, got " + std::to_string(bits));
  }
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  const BignumPtr exponent(BN_new());
  if (ctx == nullptr || exponent == nullptr || BN_set_word(exponent.get(), kPublicExponent) != 1 ||
      EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), exponent.get()) != 1) {
    return InternalError("setting up RSA key generation");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return InternalError("generating an RSA key");
  }
  EvpPkeyPtr pkey(raw);
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(std::move(pkey)));
  return PrivateKey(std::move(impl));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_RETURN_IF_ERROR(CheckPemSize(pem, kMaxPemBytes, "a key"));
  const BioPtr bio = ReadBio(pem);
  if (bio == nullptr) {
    return InternalError("allocating a PEM reader");
  }
  bool asked_for_passphrase = false;
  EvpPkeyPtr pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, RefusePassphrase, &asked_for_passphrase));
  if (pkey == nullptr) {
    const std::string reason = TakeOpenSslReason();
    if (asked_for_passphrase ||
        pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the private key is encrypted; apkd needs an unencrypted key (decrypt it "
                       "with `openssl pkey -in KEY -out KEY.plain` and protect the file instead)");
    }
    if (pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos ||
        pem.find("-----BEGIN RSA PUBLIC KEY-----") != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "expected a PEM private key but got a public key");
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "not a valid PEM \"PRIVATE KEY\" or \"RSA PRIVATE KEY\" (" + reason + ")");
  }
  APKD_RETURN_IF_ERROR(CheckIsRsa(pkey.get(), "the private key"));
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(std::move(pkey)));
  return PrivateKey(std::move(impl));
}

std::string PrivateKey::ToPem() const {
  const internal::ClearErrorsOnExit clear_errors;
  // Secure memory BIO: the buffer holding the key is cleansed when the BIO is freed.
  const BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    internal::FatalOpenSslError("PrivateKey::ToPem");
  }
  auto pem = DrainBio(bio.get());
  if (!pem.ok()) {
    internal::FatalOpenSslError("PrivateKey::ToPem");
  }
  return std::move(pem).value();
}

PublicKey PrivateKey::GetPublicKey() const { return impl_->public_key; }

int PrivateKey::bits() const { return EVP_PKEY_get_bits(impl_->pkey.get()); }

Result<std::string> PrivateKey::Sign(DigestAlgorithm algorithm, std::string_view data) const {
  return SignDigest(algorithm, Digest(algorithm, data));
}

Result<std::string> PrivateKey::SignDigest(DigestAlgorithm algorithm,
                                           std::string_view digest) const {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_RETURN_IF_ERROR(CheckDigestLength(algorithm, digest));
  APKD_ASSIGN_OR_RETURN(const EvpPkeyCtxPtr ctx,
                        Pkcs1Context(impl_->pkey.get(), algorithm, EVP_PKEY_sign_init, "signing"));
  size_t size = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &size, Bytes(digest), digest.size()) != 1) {
    return InternalError("sizing the RSA signature");
  }
  std::string signature(size, '\0');
  if (EVP_PKEY_sign(ctx.get(), MutableBytes(signature), &size, Bytes(digest), digest.size()) != 1) {
    return InternalError("RSA signing");
  }
  signature.resize(size);
  return signature;
}

std::string KeyIdFor(std::string_view name, const PublicKey& key) {
  return std::string(name) + "-" + HexEncode(Sha256(key.SpkiDer()));
}

}  // namespace apkd::crypto
