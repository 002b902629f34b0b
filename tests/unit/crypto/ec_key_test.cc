#include "crypto/ec_key.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/encoding.h"
#include "util/file_io.h"

namespace apkd::crypto {
namespace {

using ::apkd::testing::CommandResult;
using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;

constexpr std::string_view kMessage = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0 and \x00\xff bytes";
// The order n of P-256 (FIPS 186-4 D.1.2.3), big-endian.
constexpr std::string_view kP256OrderHex =
    "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

::testing::AssertionResult FailsWith(const Status& status, ErrorCode code,
                                     std::string_view needle = {}) {
  if (status.ok()) {
    return ::testing::AssertionFailure() << "succeeded, expected " << ErrorCodeName(code);
  }
  if (status.error().code() != code) {
    return ::testing::AssertionFailure()
           << "failed with " << ErrorCodeName(status.error().code()) << " ("
           << status.error().message() << "), expected " << ErrorCodeName(code);
  }
  if (status.error().message().find(needle) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message \"" << status.error().message() << "\" lacks \"" << needle << "\"";
  }
  return ::testing::AssertionSuccess();
}

std::string Unhex(std::string_view hex) {
  std::optional<std::string> bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or("");
}

std::string FlipBit(std::string data, size_t index) {
  data[index] = static_cast<char>(data[index] ^ 0x01);
  return data;
}

// One DER INTEGER holding the unsigned big-endian `value` (short form lengths only: ours are
// at most 33 bytes).
std::string DerInteger(std::string_view value) {
  while (value.size() > 1 && value.front() == '\0') {
    value.remove_prefix(1);
  }
  std::string body(value);
  if ((static_cast<uint8_t>(body.front()) & 0x80) != 0) {
    body.insert(body.begin(), '\0');
  }
  return std::string{'\x02', static_cast<char>(body.size())} + body;
}

// The test's own conversion of JOSE r||s into the DER ECDSA-Sig-Value openssl expects.
std::string RawSignatureToDer(std::string_view raw) {
  const std::string content =
      DerInteger(raw.substr(0, kP256CoordinateSize)) + DerInteger(raw.substr(kP256CoordinateSize));
  return std::string{'\x30', static_cast<char>(content.size())} + content;
}

// And back: DER from `openssl dgst -sign` into r||s. Empty on anything unexpected.
std::string DerSignatureToRaw(std::string_view der) {
  if (der.size() < 8 || der[0] != '\x30' || static_cast<size_t>(der[1]) != der.size() - 2) {
    return {};
  }
  std::string out;
  size_t pos = 2;
  for (int i = 0; i < 2; ++i) {
    if (pos + 2 > der.size() || der[pos] != '\x02') {
      return {};
    }
    const auto len = static_cast<size_t>(der[pos + 1]);
    std::string_view value = der.substr(pos + 2, len);
    while (value.size() > kP256CoordinateSize && value.front() == '\0') {
      value.remove_prefix(1);
    }
    if (value.size() > kP256CoordinateSize) {
      return {};
    }
    out += std::string(kP256CoordinateSize - value.size(), '\0');
    out += value;
    pos += 2 + len;
  }
  return pos == der.size() ? out : std::string();
}

// a - b for 32-byte big-endian numbers with a >= b.
std::string Subtract(std::string_view a, std::string_view b) {
  std::string out(a.size(), '\0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = static_cast<uint8_t>(a[i]) - static_cast<uint8_t>(b[i]) - borrow;
    borrow = d < 0 ? 1 : 0;
    d += borrow * 256;
    out[i] = static_cast<char>(d);
  }
  return out;
}

std::string ReadOrFail(const std::string& path) {
  auto bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << path;
  return bytes.ok() ? *bytes : std::string();
}

std::string Openssl(const std::string& args) {
  const CommandResult result = RunCommand("openssl " + args);
  EXPECT_EQ(result.exit_code, 0) << "openssl " << args << "\n" << result.output;
  return result.output;
}

EcSigningKey GenerateOrDie() {
  auto key = EcSigningKey::Generate();
  EXPECT_TRUE(key.ok()) << key.error().message();
  return std::move(key).value();
}

class EcKeyTest : public ::testing::Test {
 protected:
  EcSigningKey key_ = GenerateOrDie();
  EcSigningKey other_key_ = GenerateOrDie();
};

// --- Sign and verify ------------------------------------------------------------------------

TEST_F(EcKeyTest, SignatureIsRawRsAndVerifies) {
  auto signature = key_.Sign(kMessage);
  ASSERT_TRUE(signature.ok()) << signature.error().message();
  EXPECT_EQ(signature->size(), kEs256SignatureSize);
  EXPECT_TRUE(key_.verifying_key().Verify(kMessage, *signature).ok());
  // ECDSA is randomized: a second signature differs and verifies too.
  auto again = key_.Sign(kMessage);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *signature);
  EXPECT_TRUE(key_.verifying_key().Verify(kMessage, *again).ok());
}

TEST_F(EcKeyTest, SignsEmptyInput) {
  auto signature = key_.Sign("");
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(key_.verifying_key().Verify("", *signature).ok());
  EXPECT_FALSE(key_.verifying_key().Verify("x", *signature).ok());
}

TEST_F(EcKeyTest, TamperedDataOrSignatureIsRejected) {
  const std::string signature = key_.Sign(kMessage).value();
  const EcVerifyingKey& pub = key_.verifying_key();
  EXPECT_TRUE(FailsWith(pub.Verify(FlipBit(std::string(kMessage), 3), signature),
                        ErrorCode::kSignatureInvalid));
  for (const size_t index : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
    EXPECT_TRUE(
        FailsWith(pub.Verify(kMessage, FlipBit(signature, index)), ErrorCode::kSignatureInvalid))
        << "bit flipped in byte " << index;
  }
  EXPECT_TRUE(FailsWith(other_key_.verifying_key().Verify(kMessage, signature),
                        ErrorCode::kSignatureInvalid));
}

TEST_F(EcKeyTest, WrongLengthsAndDegenerateSignaturesAreRejected) {
  const std::string signature = key_.Sign(kMessage).value();
  const EcVerifyingKey& pub = key_.verifying_key();
  EXPECT_TRUE(FailsWith(pub.Verify(kMessage, ""), ErrorCode::kSignatureInvalid, "0 bytes"));
  EXPECT_TRUE(FailsWith(pub.Verify(kMessage, signature.substr(0, 63)), ErrorCode::kSignatureInvalid,
                        "63 bytes"));
  EXPECT_TRUE(FailsWith(pub.Verify(kMessage, signature + '\0'), ErrorCode::kSignatureInvalid));
  EXPECT_TRUE(
      FailsWith(pub.Verify(kMessage, RawSignatureToDer(signature)), ErrorCode::kSignatureInvalid))
      << "DER signatures are not the JOSE form";
  EXPECT_TRUE(FailsWith(pub.Verify(kMessage, std::string(64, '\0')), ErrorCode::kSignatureInvalid));
  const std::string order = Unhex(kP256OrderHex);
  EXPECT_TRUE(FailsWith(pub.Verify(kMessage, order + order), ErrorCode::kSignatureInvalid));
  // r and s above the group order.
  EXPECT_TRUE(
      FailsWith(pub.Verify(kMessage, std::string(64, '\xff')), ErrorCode::kSignatureInvalid));
}

TEST_F(EcKeyTest, HighSIsAccepted) {
  const std::string signature = key_.Sign(kMessage).value();
  const std::string r = signature.substr(0, kP256CoordinateSize);
  const std::string s = signature.substr(kP256CoordinateSize);
  const std::string negated = r + Subtract(Unhex(kP256OrderHex), s);
  EXPECT_TRUE(key_.verifying_key().Verify(kMessage, negated).ok());
}

// --- PEM ------------------------------------------------------------------------------------

TEST_F(EcKeyTest, PrivatePemIsPkcs8AndRoundTrips) {
  const std::string pem = key_.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0U) << pem;
  auto loaded = EcSigningKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->verifying_key(), key_.verifying_key());
  EXPECT_EQ(loaded->ToPem(), pem);
  const std::string signature = loaded->Sign(kMessage).value();
  EXPECT_TRUE(key_.verifying_key().Verify(kMessage, signature).ok());
}

TEST_F(EcKeyTest, PublicPemRoundTrips) {
  const std::string pem = key_.verifying_key().ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0U) << pem;
  auto loaded = EcVerifyingKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(*loaded, key_.verifying_key());
  EXPECT_FALSE(*loaded == other_key_.verifying_key());
  EXPECT_EQ(loaded->ToPem(), pem);
}

TEST(EcKeyPemTest, RefusesWrongKindsOfPem) {
  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem("").status(), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem("garbage").status(), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromPem("garbage").status(), ErrorCode::kInvalidArgument));
  const EcSigningKey key = GenerateOrDie();
  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem(key.verifying_key().ToPem()).status(),
                        ErrorCode::kInvalidArgument, "public key"));
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromPem(key.ToPem()).status(), ErrorCode::kInvalidArgument,
                        "private key"));
  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem(std::string(70000, 'A')).status(),
                        ErrorCode::kInvalidArgument, "bytes"));
}

TEST(EcKeyPemTest, RefusesOtherCurvesRsaAndEncryptedKeys) {
  const TempDir dir;
  Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " +
          ShellQuote(dir.File("p384.pem")));
  Openssl("pkey -in " + ShellQuote(dir.File("p384.pem")) + " -pubout -out " +
          ShellQuote(dir.File("p384.pub")));
  Openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
          ShellQuote(dir.File("rsa.pem")));
  Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
          ShellQuote(dir.File("p256.pem")));
  Openssl("pkey -in " + ShellQuote(dir.File("p256.pem")) + " -aes-128-cbc -passout pass:secret " +
          "-out " + ShellQuote(dir.File("encrypted.pem")));

  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem(ReadOrFail(dir.File("p384.pem"))).status(),
                        ErrorCode::kInvalidArgument, "P-256"));
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromPem(ReadOrFail(dir.File("p384.pub"))).status(),
                        ErrorCode::kInvalidArgument, "P-256"));
  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem(ReadOrFail(dir.File("rsa.pem"))).status(),
                        ErrorCode::kInvalidArgument, "RSA"));
  EXPECT_TRUE(FailsWith(EcSigningKey::FromPem(ReadOrFail(dir.File("encrypted.pem"))).status(),
                        ErrorCode::kInvalidArgument, "encrypted"));
}

// --- JWK ------------------------------------------------------------------------------------

TEST_F(EcKeyTest, JwkHasFixedWidthCoordinatesAndRoundTrips) {
  const EcPublicJwk jwk = key_.PublicJwk();
  EXPECT_EQ(jwk.kty, "EC");
  EXPECT_EQ(jwk.crv, "P-256");
  EXPECT_EQ(jwk.x.size(), 43U);  // 32 bytes, unpadded base64url
  EXPECT_EQ(jwk.y.size(), 43U);
  auto loaded = EcVerifyingKey::FromJwk(jwk.x, jwk.y);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(*loaded, key_.verifying_key());
  EXPECT_EQ(loaded->Jwk(), jwk);
  EXPECT_TRUE(loaded->Verify(kMessage, key_.Sign(kMessage).value()).ok());
}

TEST_F(EcKeyTest, JwkWithBadCoordinatesIsRefused) {
  const EcPublicJwk jwk = key_.PublicJwk();
  const std::string x = Base64UrlDecode(jwk.x).value();
  const std::string y = Base64UrlDecode(jwk.y).value();
  // Encoding problems.
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromJwk(jwk.x + "=", jwk.y).status(),
                        ErrorCode::kInvalidArgument, "base64url"));
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromJwk(Base64Encode(x), jwk.y).status(),
                        ErrorCode::kInvalidArgument));
  // Wrong widths, including a coordinate with its leading zero byte stripped.
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromJwk(Base64UrlEncode(x.substr(1)), jwk.y).status(),
                        ErrorCode::kInvalidArgument, "32 bytes"));
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromJwk(jwk.x, Base64UrlEncode('\0' + y)).status(),
                        ErrorCode::kInvalidArgument, "32 bytes"));
  // Points off the curve.
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromJwk(jwk.x, Base64UrlEncode(FlipBit(y, 31))).status(),
                        ErrorCode::kInvalidArgument));
  const std::string zeros(32, '\0');
  EXPECT_TRUE(
      FailsWith(EcVerifyingKey::FromJwk(Base64UrlEncode(zeros), Base64UrlEncode(zeros)).status(),
                ErrorCode::kInvalidArgument));
  const std::string ones(32, '\xff');  // larger than the field prime
  EXPECT_TRUE(FailsWith(EcVerifyingKey::FromJwk(Base64UrlEncode(ones), jwk.y).status(),
                        ErrorCode::kInvalidArgument));
}

TEST_F(EcKeyTest, ThumbprintIsRfc7638) {
  const EcPublicJwk jwk = key_.PublicJwk();
  const std::string canonical =
      R"({"crv":"P-256","kty":"EC","x":")" + jwk.x + R"(","y":")" + jwk.y + R"("})";
  const TempDir dir;
  const std::string path = dir.Write("jwk.json", canonical);
  const CommandResult sum = RunCommand("openssl dgst -sha256 -binary " + ShellQuote(path) +
                                       " | basenc --base64url | tr -d '=\\n'");
  ASSERT_EQ(sum.exit_code, 0) << sum.output;
  EXPECT_EQ(key_.verifying_key().Thumbprint(), sum.output);
  EXPECT_NE(key_.verifying_key().Thumbprint(), other_key_.verifying_key().Thumbprint());
}

// --- Independent checks with the openssl CLI ------------------------------------------------

TEST_F(EcKeyTest, OpensslVerifiesOurSignatures) {
  const TempDir dir;
  const std::string pub = dir.Write("pub.pem", key_.verifying_key().ToPem());
  const std::string data = dir.Write("data", kMessage);
  const std::string raw = key_.Sign(kMessage).value();
  const std::string sig = dir.Write("sig.der", RawSignatureToDer(raw));
  const std::string out = Openssl("dgst -sha256 -verify " + ShellQuote(pub) + " -signature " +
                                  ShellQuote(sig) + " " + ShellQuote(data));
  EXPECT_NE(out.find("Verified OK"), std::string::npos) << out;

  const std::string bad = dir.Write("bad.der", RawSignatureToDer(FlipBit(raw, 40)));
  const CommandResult refused =
      RunCommand("openssl dgst -sha256 -verify " + ShellQuote(pub) + " -signature " +
                 ShellQuote(bad) + " " + ShellQuote(data));
  EXPECT_NE(refused.exit_code, 0) << refused.output;
}

TEST_F(EcKeyTest, OpensslSeesTheJwkCoordinates) {
  const TempDir dir;
  const std::string pub = dir.Write("pub.pem", key_.verifying_key().ToPem());
  // `openssl ec -text` prints "pub:" then the uncompressed point as colon-separated hex.
  const std::string text = Openssl("ec -pubin -in " + ShellQuote(pub) + " -text -noout");
  EXPECT_NE(text.find("ASN1 OID: prime256v1"), std::string::npos) << text;
  const size_t start = text.find("pub:");
  ASSERT_NE(start, std::string::npos) << text;
  std::string hex;
  for (size_t i = start + 4; i < text.size() && text.compare(i, 4, "ASN1") != 0; ++i) {
    const char c = text[i];
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
      hex += c;
    }
  }
  const EcPublicJwk jwk = key_.PublicJwk();
  EXPECT_EQ(hex, "04" + HexEncode(Base64UrlDecode(jwk.x).value()) +
                     HexEncode(Base64UrlDecode(jwk.y).value()));
}

TEST(EcKeyOpensslTest, LoadsOpensslKeysAndVerifiesOpensslSignatures) {
  const TempDir dir;
  const std::string key_path = dir.File("key.pem");
  Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + ShellQuote(key_path));
  Openssl("ec -in " + ShellQuote(key_path) + " -out " + ShellQuote(dir.File("sec1.pem")));
  Openssl("pkey -in " + ShellQuote(key_path) + " -pubout -out " + ShellQuote(dir.File("pub.pem")));
  const std::string data = dir.Write("data", kMessage);
  Openssl("dgst -sha256 -sign " + ShellQuote(key_path) + " -out " +
          ShellQuote(dir.File("sig.der")) + " " + ShellQuote(data));

  auto key = EcSigningKey::FromPem(ReadOrFail(key_path));
  ASSERT_TRUE(key.ok()) << key.error().message();
  const std::string sec1_pem = ReadOrFail(dir.File("sec1.pem"));
  EXPECT_NE(sec1_pem.find("BEGIN EC PRIVATE KEY"), std::string::npos) << sec1_pem;
  auto sec1 = EcSigningKey::FromPem(sec1_pem);
  ASSERT_TRUE(sec1.ok()) << sec1.error().message();
  auto pub = EcVerifyingKey::FromPem(ReadOrFail(dir.File("pub.pem")));
  ASSERT_TRUE(pub.ok()) << pub.error().message();
  EXPECT_EQ(key->verifying_key(), *pub);
  EXPECT_EQ(sec1->verifying_key(), *pub);

  const std::string raw = DerSignatureToRaw(ReadOrFail(dir.File("sig.der")));
  ASSERT_EQ(raw.size(), kEs256SignatureSize);
  EXPECT_TRUE(pub->Verify(kMessage, raw).ok());
  EXPECT_FALSE(pub->Verify("other message", raw).ok());
}

}  // namespace
}  // namespace apkd::crypto
