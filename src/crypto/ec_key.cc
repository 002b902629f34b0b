#include "crypto/ec_key.h"

#include <array>
#include <climits>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "crypto/digest.h"
#include "crypto/openssl_util.h"
#include "util/encoding.h"
#include "util/result.h"

namespace apkd::crypto {

using internal::BignumPtr;
using internal::BioPtr;
using internal::Bytes;
using internal::CheckPemSize;
using internal::DrainBio;
using internal::EvpMdCtxPtr;
using internal::EvpPkeyCtxPtr;
using internal::EvpPkeyPtr;
using internal::InternalError;
using internal::MutableBytes;
using internal::ReadBio;
using internal::RefusePassphrase;
using internal::TakeOpenSslReason;

namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, internal::Deleter<ECDSA_SIG_free>>;

// A P-256 private key is about 250 bytes of PEM; anything far larger is not one.
constexpr size_t kMaxPemBytes = size_t{64} << 10;
// OpenSSL's name for P-256, as used by OSSL_PKEY_PARAM_GROUP_NAME.
constexpr const char* kP256GroupName = "prime256v1";
constexpr char kUncompressedPointTag = '\x04';

// Only EC keys on the named curve P-256 are ES256 keys (explicit curve parameters are refused,
// even when they describe P-256, since they have no group name).
Status CheckIsP256(const EVP_PKEY* pkey, std::string_view what) {
  if (EVP_PKEY_is_a(pkey, "EC") != 1) {
    const char* type = EVP_PKEY_get0_type_name(pkey);
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is " +
                                                      (type != nullptr ? type : "not EC") +
                                                      "; ES256 needs an EC key on the curve P-256");
  }
  std::array<char, 64> name{};
  size_t name_len = 0;
  if (EVP_PKEY_get_group_name(pkey, name.data(), name.size(), &name_len) != 1 ||
      OBJ_sn2nid(name.data()) != NID_X9_62_prime256v1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(what) + " is not on the named curve P-256 (prime256v1)");
  }
  return OkStatus();
}

// One affine coordinate of an EC key as 32 big-endian bytes.
Result<std::string> Coordinate(const EVP_PKEY* pkey, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1) {
    return InternalError(std::string("reading EC parameter ") + param);
  }
  const BignumPtr bn(raw);
  std::string out(kP256CoordinateSize, '\0');
  if (BN_bn2binpad(bn.get(), MutableBytes(out), static_cast<int>(out.size())) !=
      static_cast<int>(out.size())) {
    return InternalError(std::string("encoding EC parameter ") + param);
  }
  return out;
}

// A public-only P-256 EVP_PKEY from raw coordinates, after OpenSSL's full public key check (the
// point is on the curve, not the point at infinity, and of the right order).
Result<EvpPkeyPtr> PublicKeyFromPoint(std::string_view x, std::string_view y) {
  if (x.size() != kP256CoordinateSize || y.size() != kP256CoordinateSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "P-256 coordinates are " + std::to_string(kP256CoordinateSize) +
                         " bytes each, got " + std::to_string(x.size()) + " and " +
                         std::to_string(y.size()));
  }
  std::string point;
  point.reserve(1 + 2 * kP256CoordinateSize);
  point += kUncompressedPointTag;
  point += x;
  point += y;
  std::string group(kP256GroupName);
  std::array<OSSL_PARAM, 3> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return InternalError("setting up EC key import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.data()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the coordinates are not a point on P-256 (" + TakeOpenSslReason() + ")");
  }
  EvpPkeyPtr pkey(raw);
  const EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr) {
    return InternalError("setting up the EC public key check");
  }
  if (EVP_PKEY_public_check(check.get()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the EC public key is not a valid P-256 point (" + TakeOpenSslReason() + ")");
  }
  return pkey;
}

// Converts a DER ECDSA-Sig-Value into the fixed-width JOSE form r||s.
Result<std::string> DerToRaw(std::string_view der) {
  const unsigned char* cursor = Bytes(der);
  // NOLINTNEXTLINE(google-runtime-int): d2i_* take a long length
  const EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (sig == nullptr || cursor != Bytes(der) + der.size()) {
    return InternalError("decoding the ECDSA signature");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(kEs256SignatureSize, '\0');
  constexpr int kWidth = static_cast<int>(kP256CoordinateSize);
  if (BN_bn2binpad(r, MutableBytes(out), kWidth) != kWidth ||
      BN_bn2binpad(s, MutableBytes(out) + kP256CoordinateSize, kWidth) != kWidth) {
    return InternalError("encoding the ECDSA signature");
  }
  return out;
}

// Converts r||s (already checked to be 64 bytes) into DER for OpenSSL; nullopt if impossible.
std::optional<std::string> RawToDer(std::string_view raw) {
  constexpr int kWidth = static_cast<int>(kP256CoordinateSize);
  BignumPtr r(BN_bin2bn(Bytes(raw), kWidth, nullptr));
  BignumPtr s(BN_bin2bn(Bytes(raw) + kP256CoordinateSize, kWidth, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return std::nullopt;
  }
  // The signature object owns r and s now.
  static_cast<void>(r.release());
  static_cast<void>(s.release());
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) {
    return std::nullopt;
  }
  std::string der(static_cast<size_t>(len), '\0');
  unsigned char* cursor = MutableBytes(der);
  if (i2d_ECDSA_SIG(sig.get(), &cursor) != len) {
    return std::nullopt;
  }
  return der;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// EcVerifyingKey

struct EcVerifyingKey::Impl {
  EvpPkeyPtr pkey;  // public half only
  std::string x;    // 32 raw bytes
  std::string y;    // 32 raw bytes

  static Result<std::shared_ptr<const Impl>> Create(std::string x, std::string y) {
    APKD_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, PublicKeyFromPoint(x, y));
    return std::make_shared<const Impl>(Impl{std::move(pkey), std::move(x), std::move(y)});
  }

  // From any P-256 key, public or private.
  static Result<std::shared_ptr<const Impl>> FromPkey(const EVP_PKEY* pkey) {
    APKD_ASSIGN_OR_RETURN(std::string x, Coordinate(pkey, OSSL_PKEY_PARAM_EC_PUB_X));
    APKD_ASSIGN_OR_RETURN(std::string y, Coordinate(pkey, OSSL_PKEY_PARAM_EC_PUB_Y));
    return Create(std::move(x), std::move(y));
  }
};

EcVerifyingKey::EcVerifyingKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
EcVerifyingKey::EcVerifyingKey(EcVerifyingKey&&) noexcept = default;
EcVerifyingKey& EcVerifyingKey::operator=(EcVerifyingKey&&) noexcept = default;
EcVerifyingKey::EcVerifyingKey(const EcVerifyingKey&) = default;
EcVerifyingKey& EcVerifyingKey::operator=(const EcVerifyingKey&) = default;
EcVerifyingKey::~EcVerifyingKey() = default;

Result<EcVerifyingKey> EcVerifyingKey::FromJwk(std::string_view x, std::string_view y) {
  const internal::ClearErrorsOnExit clear_errors;
  std::optional<std::string> raw_x = Base64UrlDecode(x);
  std::optional<std::string> raw_y = Base64UrlDecode(y);
  if (!raw_x || !raw_y) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "JWK x and y must be unpadded base64url (RFC 7518 §6.2.1)");
  }
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(std::move(*raw_x), std::move(*raw_y)));
  return EcVerifyingKey(std::move(impl));
}

Result<EcVerifyingKey> EcVerifyingKey::FromPem(std::string_view pem) {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_RETURN_IF_ERROR(CheckPemSize(pem, kMaxPemBytes, "an EC key"));
  const BioPtr bio = ReadBio(pem);
  if (bio == nullptr) {
    return InternalError("allocating a PEM reader");
  }
  const EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "expected a PEM \"PUBLIC KEY\" but got a private key");
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "no valid PEM \"PUBLIC KEY\" block found (" + TakeOpenSslReason() + ")");
  }
  APKD_RETURN_IF_ERROR(CheckIsP256(pkey.get(), "the public key"));
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::FromPkey(pkey.get()));
  return EcVerifyingKey(std::move(impl));
}

std::string EcVerifyingKey::ToPem() const {
  const internal::ClearErrorsOnExit clear_errors;
  const BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) {
    internal::FatalOpenSslError("EcVerifyingKey::ToPem");
  }
  auto pem = DrainBio(bio.get());
  if (!pem.ok()) {
    internal::FatalOpenSslError("EcVerifyingKey::ToPem");
  }
  return std::move(pem).value();
}

EcPublicJwk EcVerifyingKey::Jwk() const {
  return EcPublicJwk{.x = Base64UrlEncode(impl_->x), .y = Base64UrlEncode(impl_->y)};
}

std::string EcVerifyingKey::Thumbprint() const {
  // RFC 7638 §3.2: required members only, sorted by name, no whitespace.
  const EcPublicJwk jwk = Jwk();
  const std::string canonical = R"({"crv":")" + jwk.crv + R"(","kty":")" + jwk.kty + R"(","x":")" +
                                jwk.x + R"(","y":")" + jwk.y + R"("})";
  return Base64UrlEncode(Sha256(canonical));
}

Status EcVerifyingKey::Verify(std::string_view data, std::string_view signature) const {
  const internal::ClearErrorsOnExit clear_errors;
  if (signature.size() != kEs256SignatureSize) {
    return MakeError(ErrorCode::kSignatureInvalid,
                     "ES256 signature is " + std::to_string(signature.size()) +
                         " bytes, expected " + std::to_string(kEs256SignatureSize));
  }
  const std::optional<std::string> der = RawToDer(signature);
  if (!der) {
    return MakeError(ErrorCode::kSignatureInvalid, "ES256 signature could not be decoded");
  }
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) != 1) {
    return InternalError("setting up ES256 verification");
  }
  if (EVP_DigestVerify(ctx.get(), Bytes(*der), der->size(), Bytes(data), data.size()) != 1) {
    return MakeError(ErrorCode::kSignatureInvalid, "ES256 signature does not match the key");
  }
  return OkStatus();
}

bool EcVerifyingKey::operator==(const EcVerifyingKey& other) const {
  return impl_->x == other.impl_->x && impl_->y == other.impl_->y;
}

// ---------------------------------------------------------------------------------------------
// EcSigningKey

struct EcSigningKey::Impl {
  EvpPkeyPtr pkey;
  EcVerifyingKey verifying_key;

  static Result<std::shared_ptr<const Impl>> Create(EvpPkeyPtr pkey) {
    APKD_ASSIGN_OR_RETURN(auto public_impl, EcVerifyingKey::Impl::FromPkey(pkey.get()));
    return std::make_shared<const Impl>(
        Impl{std::move(pkey), EcVerifyingKey(std::move(public_impl))});
  }
};

EcSigningKey::EcSigningKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
EcSigningKey::EcSigningKey(EcSigningKey&&) noexcept = default;
EcSigningKey& EcSigningKey::operator=(EcSigningKey&&) noexcept = default;
EcSigningKey::EcSigningKey(const EcSigningKey&) = default;
EcSigningKey& EcSigningKey::operator=(const EcSigningKey&) = default;
EcSigningKey::~EcSigningKey() = default;

Result<EcSigningKey> EcSigningKey::Generate() {
  const internal::ClearErrorsOnExit clear_errors;
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), kP256GroupName) != 1) {
    return InternalError("setting up P-256 key generation");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return InternalError("generating a P-256 key");
  }
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(EvpPkeyPtr(raw)));
  return EcSigningKey(std::move(impl));
}

Result<EcSigningKey> EcSigningKey::FromPem(std::string_view pem) {
  const internal::ClearErrorsOnExit clear_errors;
  APKD_RETURN_IF_ERROR(CheckPemSize(pem, kMaxPemBytes, "an EC key"));
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
                       "the private key is encrypted; apkd needs an unencrypted key");
    }
    if (pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "expected a PEM private key but got a public key");
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "not a valid PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\" (" + reason + ")");
  }
  APKD_RETURN_IF_ERROR(CheckIsP256(pkey.get(), "the private key"));
  const EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr) {
    return InternalError("setting up the EC key check");
  }
  if (EVP_PKEY_check(check.get()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the EC private key is inconsistent (" + TakeOpenSslReason() + ")");
  }
  APKD_ASSIGN_OR_RETURN(auto impl, Impl::Create(std::move(pkey)));
  return EcSigningKey(std::move(impl));
}

std::string EcSigningKey::ToPem() const {
  const internal::ClearErrorsOnExit clear_errors;
  // Secure memory BIO: the buffer holding the key is cleansed when the BIO is freed.
  const BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    internal::FatalOpenSslError("EcSigningKey::ToPem");
  }
  auto pem = DrainBio(bio.get());
  if (!pem.ok()) {
    internal::FatalOpenSslError("EcSigningKey::ToPem");
  }
  return std::move(pem).value();
}

const EcVerifyingKey& EcSigningKey::verifying_key() const { return impl_->verifying_key; }

Result<std::string> EcSigningKey::Sign(std::string_view data) const {
  const internal::ClearErrorsOnExit clear_errors;
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) != 1) {
    return InternalError("setting up ES256 signing");
  }
  size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, Bytes(data), data.size()) != 1) {
    return InternalError("sizing the ES256 signature");
  }
  std::string der(size, '\0');
  if (EVP_DigestSign(ctx.get(), MutableBytes(der), &size, Bytes(data), data.size()) != 1) {
    return InternalError("ES256 signing");
  }
  der.resize(size);
  return DerToRaw(der);
}

}  // namespace apkd::crypto
