#include "crypto/rsa_key.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "support/fixtures.h"
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

constexpr int kTestBits = 2048;
constexpr size_t kTestSignatureSize = 256;

constexpr DigestAlgorithm kAllAlgorithms[] = {DigestAlgorithm::kSha1, DigestAlgorithm::kSha256,
                                              DigestAlgorithm::kSha512};

const char* OpensslDigestFlag(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return "-sha1";
    case DigestAlgorithm::kSha256:
      return "-sha256";
    case DigestAlgorithm::kSha512:
      return "-sha512";
  }
  return "";
}

std::string ReadOrFail(const std::string& path) {
  auto bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << path << ": " << (bytes.ok() ? "" : bytes.error().message());
  return bytes.ok() ? *bytes : std::string();
}

// Runs an openssl command that must succeed; returns its combined output.
std::string Openssl(const std::string& args) {
  const CommandResult result = RunCommand("openssl " + args);
  EXPECT_EQ(result.exit_code, 0) << "openssl " << args << "\n" << result.output;
  return result.output;
}

// SHA-256 of the DER SPKI of the PEM public key at `path`, computed by openssl and sha256sum.
std::string CliSpkiSha256Hex(const std::string& path) {
  const CommandResult sum =
      RunCommand("openssl pkey -pubin -in " + ShellQuote(path) + " -outform DER | sha256sum");
  EXPECT_EQ(sum.exit_code, 0) << sum.output;
  EXPECT_GE(sum.output.size(), 64U) << sum.output;
  return sum.output.substr(0, 64);
}

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Success if `status` is an error with `code` whose message contains `needle`.
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

std::string FlipBit(std::string data, size_t index) {
  data[index] = static_cast<char>(data[index] ^ 0x01);
  return data;
}

// Two keys generated once for the whole suite (RSA generation is the slow part).
class RsaKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto first = PrivateKey::Generate(kTestBits);
    auto second = PrivateKey::Generate(kTestBits);
    ASSERT_TRUE(first.ok()) << first.error().message();
    ASSERT_TRUE(second.ok()) << second.error().message();
    suite_key.emplace(std::move(first).value());
    suite_other_key.emplace(std::move(second).value());
  }
  static void TearDownTestSuite() {
    suite_key.reset();
    suite_other_key.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(suite_key.has_value() && suite_other_key.has_value()) << "key generation failed";
  }

  static const PrivateKey& Key() { return *suite_key; }
  static const PrivateKey& OtherKey() { return *suite_other_key; }

  static std::optional<PrivateKey> suite_key;
  static std::optional<PrivateKey> suite_other_key;
};

std::optional<PrivateKey> RsaKeyTest::suite_key;
std::optional<PrivateKey> RsaKeyTest::suite_other_key;

constexpr std::string_view kMessage = "APKINDEX member #2 bytes \x1f\x8b\x08 and more";

// --- Generation ---------------------------------------------------------------------------

TEST_F(RsaKeyTest, GeneratedKeyHasRequestedSizeAndExponent) {
  EXPECT_EQ(Key().bits(), kTestBits);
  const PublicKey pub = Key().GetPublicKey();
  EXPECT_EQ(pub.bits(), kTestBits);
  EXPECT_EQ(pub.ExponentBytes(), std::string("\x01\x00\x01", 3));
  const std::string modulus = pub.ModulusBytes();
  ASSERT_EQ(modulus.size(), kTestSignatureSize);
  EXPECT_NE(modulus[0], '\0');
  EXPECT_NE(Key().GetPublicKey().SpkiDer(), OtherKey().GetPublicKey().SpkiDer());
}

TEST(RsaKeyGenerateTest, RefusesSizesOutsideRange) {
  for (const int bits : {-1, 0, 512, 1024, 2047, 8193, 16384}) {
    auto key = PrivateKey::Generate(bits);
    EXPECT_TRUE(FailsWith(key.status(), ErrorCode::kInvalidArgument, std::to_string(bits))) << bits;
  }
}

// --- Sign and verify ----------------------------------------------------------------------

TEST_F(RsaKeyTest, SignVerifyRoundTripForAllDigests) {
  const PublicKey pub = Key().GetPublicKey();
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    auto signature = Key().Sign(algorithm, kMessage);
    ASSERT_TRUE(signature.ok()) << signature.error().message();
    EXPECT_EQ(signature->size(), kTestSignatureSize);
    EXPECT_TRUE(pub.Verify(algorithm, kMessage, *signature).ok());
    EXPECT_TRUE(pub.VerifyDigest(algorithm, Digest(algorithm, kMessage), *signature).ok());
  }
}

TEST_F(RsaKeyTest, SignsEmptyInput) {
  auto signature = Key().Sign(DigestAlgorithm::kSha256, "");
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(Key().GetPublicKey().Verify(DigestAlgorithm::kSha256, "", *signature).ok());
  EXPECT_FALSE(Key().GetPublicKey().Verify(DigestAlgorithm::kSha256, "x", *signature).ok());
}

TEST_F(RsaKeyTest, SignDigestEqualsSign) {
  // PKCS#1 v1.5 is deterministic, so both paths must produce the same bytes.
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    auto whole = Key().Sign(algorithm, kMessage);
    auto precomputed = Key().SignDigest(algorithm, Digest(algorithm, kMessage));
    ASSERT_TRUE(whole.ok());
    ASSERT_TRUE(precomputed.ok());
    EXPECT_EQ(*whole, *precomputed);
  }
}

TEST_F(RsaKeyTest, SignDigestChecksDigestLength) {
  const std::string sha1 = Sha1(kMessage);
  const std::string sha512 = Sha512(kMessage);
  for (const auto& [algorithm, digest] : std::vector<std::pair<DigestAlgorithm, std::string>>{
           {DigestAlgorithm::kSha256, sha1},
           {DigestAlgorithm::kSha256, sha512},
           {DigestAlgorithm::kSha1, Sha256(kMessage)},
           {DigestAlgorithm::kSha512, ""},
           {DigestAlgorithm::kSha256, std::string(33, 'x')}}) {
    auto signature = Key().SignDigest(algorithm, digest);
    EXPECT_TRUE(FailsWith(signature.status(), ErrorCode::kInvalidArgument));
    const Status status =
        Key().GetPublicKey().VerifyDigest(algorithm, digest, std::string(256, 'x'));
    EXPECT_TRUE(FailsWith(status, ErrorCode::kInvalidArgument));
  }
}

TEST_F(RsaKeyTest, TamperedDataFails) {
  auto signature = Key().Sign(DigestAlgorithm::kSha256, kMessage);
  ASSERT_TRUE(signature.ok());
  const PublicKey pub = Key().GetPublicKey();
  for (size_t i = 0; i < kMessage.size(); i += 5) {
    const Status status =
        pub.Verify(DigestAlgorithm::kSha256, FlipBit(std::string(kMessage), i), *signature);
    EXPECT_TRUE(FailsWith(status, ErrorCode::kSignatureInvalid)) << "flipped byte " << i;
  }
  EXPECT_FALSE(pub.Verify(DigestAlgorithm::kSha256, std::string(kMessage) + "x", *signature).ok());
  EXPECT_FALSE(pub.Verify(DigestAlgorithm::kSha256, kMessage.substr(1), *signature).ok());
}

TEST_F(RsaKeyTest, TamperedSignatureFails) {
  auto signature = Key().Sign(DigestAlgorithm::kSha256, kMessage);
  ASSERT_TRUE(signature.ok());
  const PublicKey pub = Key().GetPublicKey();
  for (const size_t i : {size_t{0}, size_t{1}, size_t{100}, kTestSignatureSize - 1}) {
    const Status status = pub.Verify(DigestAlgorithm::kSha256, kMessage, FlipBit(*signature, i));
    EXPECT_TRUE(FailsWith(status, ErrorCode::kSignatureInvalid)) << "flipped byte " << i;
  }
}

TEST_F(RsaKeyTest, WrongLengthAndGarbageSignaturesFail) {
  auto signature = Key().Sign(DigestAlgorithm::kSha256, kMessage);
  ASSERT_TRUE(signature.ok());
  const PublicKey pub = Key().GetPublicKey();
  const std::vector<std::string> bad = {
      "",
      signature->substr(1),
      *signature + '\0',
      std::string(1, '\0') + *signature,
      *signature + *signature,
      std::string(kTestSignatureSize, '\0'),
      std::string(kTestSignatureSize, '\xff'),  // larger than the modulus
      pub.ModulusBytes(),                       // equal to the modulus
      RandomBytes(kTestSignatureSize),
      RandomBytes(512),
      "not a signature",
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    const Status status = pub.Verify(DigestAlgorithm::kSha256, kMessage, bad[i]);
    EXPECT_TRUE(FailsWith(status, ErrorCode::kSignatureInvalid)) << "case " << i;
  }
}

TEST_F(RsaKeyTest, WrongKeyFails) {
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    auto signature = Key().Sign(algorithm, kMessage);
    ASSERT_TRUE(signature.ok());
    const Status status = OtherKey().GetPublicKey().Verify(algorithm, kMessage, *signature);
    EXPECT_TRUE(FailsWith(status, ErrorCode::kSignatureInvalid));
  }
}

TEST_F(RsaKeyTest, WrongDigestAlgorithmFails) {
  const PublicKey pub = Key().GetPublicKey();
  auto signature = Key().Sign(DigestAlgorithm::kSha256, kMessage);
  ASSERT_TRUE(signature.ok());
  for (const DigestAlgorithm other : {DigestAlgorithm::kSha1, DigestAlgorithm::kSha512}) {
    const Status status = pub.Verify(other, kMessage, *signature);
    EXPECT_TRUE(FailsWith(status, ErrorCode::kSignatureInvalid));
  }
}

TEST_F(RsaKeyTest, CopiesShareTheKey) {
  const PrivateKey copy = Key();  // NOLINT(performance-unnecessary-copy-initialization)
  PrivateKey moved = PrivateKey(copy);
  const PublicKey pub = moved.GetPublicKey();
  const PublicKey pub_copy = pub;  // NOLINT(performance-unnecessary-copy-initialization)
  auto signature = moved.Sign(DigestAlgorithm::kSha512, kMessage);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(Key().GetPublicKey().Verify(DigestAlgorithm::kSha512, kMessage, *signature).ok());
  EXPECT_TRUE(pub_copy.Verify(DigestAlgorithm::kSha512, kMessage, *signature).ok());
  EXPECT_EQ(pub_copy.SpkiDer(), Key().GetPublicKey().SpkiDer());
}

TEST_F(RsaKeyTest, SharedKeysWorkAcrossThreads) {
  // One PrivateKey/PublicKey (and their copies) used concurrently, as a server's signer would be.
  constexpr int kThreads = 4;
  constexpr int kRounds = 10;
  const PublicKey pub = Key().GetPublicKey();
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const PrivateKey local = Key();
      for (int round = 0; round < kRounds; ++round) {
        const std::string message = std::string(kMessage) + std::to_string(t * kRounds + round);
        auto signature = local.Sign(DigestAlgorithm::kSha256, message);
        if (!signature.ok() || !pub.Verify(DigestAlgorithm::kSha256, message, *signature).ok() ||
            pub.Verify(DigestAlgorithm::kSha256, message + "!", *signature).ok()) {
          ++failures[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
}

// --- PEM ----------------------------------------------------------------------------------

TEST_F(RsaKeyTest, PrivatePemRoundTrip) {
  const std::string pem = Key().ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0U) << "must be unencrypted PKCS#8";
  EXPECT_TRUE(pem.ends_with("-----END PRIVATE KEY-----\n"));
  auto loaded = PrivateKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->bits(), kTestBits);
  EXPECT_EQ(loaded->GetPublicKey().SpkiDer(), Key().GetPublicKey().SpkiDer());
  EXPECT_EQ(loaded->ToPem(), pem);
  EXPECT_EQ(*loaded->Sign(DigestAlgorithm::kSha256, kMessage),
            *Key().Sign(DigestAlgorithm::kSha256, kMessage));
}

TEST_F(RsaKeyTest, PublicPemRoundTrip) {
  const PublicKey pub = Key().GetPublicKey();
  const std::string pem = pub.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0U);
  EXPECT_TRUE(pem.ends_with("-----END PUBLIC KEY-----\n"));
  auto loaded = PublicKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->SpkiDer(), pub.SpkiDer());
  EXPECT_EQ(loaded->ModulusBytes(), pub.ModulusBytes());
  EXPECT_EQ(loaded->ToPem(), pem);
  auto signature = Key().Sign(DigestAlgorithm::kSha256, kMessage);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(loaded->Verify(DigestAlgorithm::kSha256, kMessage, *signature).ok());
}

TEST_F(RsaKeyTest, PublicPemHasNoPrivateMaterial) {
  const std::string pem = Key().GetPublicKey().ToPem();
  EXPECT_EQ(pem.find("PRIVATE"), std::string::npos);
  EXPECT_FALSE(PrivateKey::FromPem(pem).ok());
}

TEST_F(RsaKeyTest, LoadsPkcs1PrivateKeyPem) {
  const TempDir dir;
  const std::string pkcs8 = dir.Write("key.pem", Key().ToPem(), 0600);
  const std::string pkcs1 = dir.File("key.pkcs1.pem");
  Openssl("rsa -traditional -in " + ShellQuote(pkcs8) + " -out " + ShellQuote(pkcs1));
  const std::string pem = ReadOrFail(pkcs1);
  ASSERT_EQ(pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0U) << pem.substr(0, 40);
  auto loaded = PrivateKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->GetPublicKey().SpkiDer(), Key().GetPublicKey().SpkiDer());
  // Saving converts to PKCS#8.
  EXPECT_EQ(loaded->ToPem(), Key().ToPem());
}

TEST_F(RsaKeyTest, RefusesPkcs1PublicKeyWithConversionHint) {
  const TempDir dir;
  const std::string spki = dir.Write("key.pub", Key().GetPublicKey().ToPem());
  const std::string pkcs1 = dir.File("key.pkcs1.pub");
  Openssl("rsa -pubin -in " + ShellQuote(spki) + " -RSAPublicKey_out -out " + ShellQuote(pkcs1));
  const std::string pem = ReadOrFail(pkcs1);
  ASSERT_EQ(pem.rfind("-----BEGIN RSA PUBLIC KEY-----\n", 0), 0U) << pem.substr(0, 40);
  auto loaded = PublicKey::FromPem(pem);
  EXPECT_TRUE(FailsWith(loaded.status(), ErrorCode::kInvalidArgument, "SubjectPublicKeyInfo"));
}

TEST_F(RsaKeyTest, RefusesEncryptedPrivateKeys) {
  const TempDir dir;
  const std::string plain = dir.Write("key.pem", Key().ToPem(), 0600);
  const std::string pkcs8 = dir.File("enc8.pem");
  const std::string legacy = dir.File("enc1.pem");
  Openssl("pkey -in " + ShellQuote(plain) + " -aes256 -passout pass:hunter2 -out " +
          ShellQuote(pkcs8));
  Openssl("rsa -traditional -in " + ShellQuote(plain) + " -aes256 -passout pass:hunter2 -out " +
          ShellQuote(legacy));
  const std::string pkcs8_pem = ReadOrFail(pkcs8);
  const std::string legacy_pem = ReadOrFail(legacy);
  ASSERT_EQ(pkcs8_pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0U);
  ASSERT_NE(legacy_pem.find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  for (const std::string& pem : {pkcs8_pem, legacy_pem}) {
    auto loaded = PrivateKey::FromPem(pem);
    ASSERT_TRUE(FailsWith(loaded.status(), ErrorCode::kInvalidArgument, "encrypted"));
    // The message never echoes key material.
    EXPECT_EQ(loaded.error().message().find(pem.substr(pem.find('\n') + 1, 16)), std::string::npos);
  }
}

TEST_F(RsaKeyTest, RefusesNonRsaKeys) {
  const TempDir dir;
  for (const std::string algorithm : {"EC -pkeyopt ec_paramgen_curve:P-256", "ED25519"}) {
    SCOPED_TRACE(algorithm);
    const std::string priv = dir.File("other.pem");
    const std::string pub = dir.File("other.pub");
    Openssl("genpkey -algorithm " + algorithm + " -out " + ShellQuote(priv));
    Openssl("pkey -in " + ShellQuote(priv) + " -pubout -out " + ShellQuote(pub));
    auto loaded_priv = PrivateKey::FromPem(ReadOrFail(priv));
    EXPECT_TRUE(FailsWith(loaded_priv.status(), ErrorCode::kInvalidArgument, "RSA"));
    auto loaded_pub = PublicKey::FromPem(ReadOrFail(pub));
    EXPECT_TRUE(FailsWith(loaded_pub.status(), ErrorCode::kInvalidArgument, "RSA"));
  }
}

TEST_F(RsaKeyTest, RefusesGarbagePem) {
  const std::string priv_pem = Key().ToPem();
  const std::string pub_pem = Key().GetPublicKey().ToPem();
  const std::vector<std::string> garbage = {
      "",
      "hello",
      std::string(100, '\0'),
      "-----BEGIN PRIVATE KEY-----\nnot base64 !!\n-----END PRIVATE KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\nnot base64 !!\n-----END PUBLIC KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\n",
      priv_pem.substr(0, priv_pem.size() / 2),
      pub_pem.substr(0, pub_pem.size() / 2),
      priv_pem.substr(0, priv_pem.size() - 27),  // END line missing
      std::string(2 << 20, 'A'),                 // oversize
  };
  for (size_t i = 0; i < garbage.size(); ++i) {
    auto priv = PrivateKey::FromPem(garbage[i]);
    EXPECT_TRUE(FailsWith(priv.status(), ErrorCode::kInvalidArgument)) << "case " << i;
    auto pub = PublicKey::FromPem(garbage[i]);
    EXPECT_TRUE(FailsWith(pub.status(), ErrorCode::kInvalidArgument)) << "case " << i;
  }
}

TEST_F(RsaKeyTest, CorruptedPemBodyNeverLoadsAsTheSameKey) {
  // Change one base64 character in the middle of the body: either the DER no longer parses or
  // (rarely) it parses to a different key; it must never crash or yield the original key.
  const std::string pub_pem = Key().GetPublicKey().ToPem();
  for (size_t pos = 40; pos < pub_pem.size() - 40; pos += 23) {
    if (pub_pem[pos] == '\n') {
      continue;
    }
    std::string corrupted = pub_pem;
    corrupted[pos] = corrupted[pos] == 'A' ? 'B' : 'A';
    auto loaded = PublicKey::FromPem(corrupted);
    if (loaded.ok()) {
      EXPECT_NE(loaded->SpkiDer(), Key().GetPublicKey().SpkiDer()) << pos;
    }
  }
  const std::string priv_pem = Key().ToPem();
  for (size_t pos = 40; pos < priv_pem.size() - 40; pos += 97) {
    if (priv_pem[pos] == '\n') {
      continue;
    }
    std::string corrupted = priv_pem;
    corrupted[pos] = corrupted[pos] == 'A' ? 'B' : 'A';
    auto loaded = PrivateKey::FromPem(corrupted);
    if (loaded.ok()) {
      // Some private fields (CRT parameters) are not cross-checked on load; the key must
      // still be usable without crashing.
      (void)loaded->Sign(DigestAlgorithm::kSha256, kMessage);
    }
  }
}

TEST_F(RsaKeyTest, PublicAndPrivateLoadersRejectEachOthersInput) {
  EXPECT_TRUE(FailsWith(PrivateKey::FromPem(Key().GetPublicKey().ToPem()).status(),
                        ErrorCode::kInvalidArgument, "got a public key"));
  auto priv_as_pub = PublicKey::FromPem(Key().ToPem());
  ASSERT_TRUE(FailsWith(priv_as_pub.status(), ErrorCode::kInvalidArgument, "got a private key"));
  // Error messages never contain key material.
  EXPECT_EQ(priv_as_pub.error().message().find("MII"), std::string::npos);
}

TEST_F(RsaKeyTest, PemWithSurroundingTextLoads) {
  const std::string pem = "comment line\n" + Key().GetPublicKey().ToPem() + "trailer\n";
  auto loaded = PublicKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->SpkiDer(), Key().GetPublicKey().SpkiDer());
}

// --- Cross-checks with the openssl command-line tool --------------------------------------

TEST_F(RsaKeyTest, SpkiDerAndKeyIdMatchOpensslCli) {
  const TempDir dir;
  const std::string pub = dir.Write("key.pub", Key().GetPublicKey().ToPem());
  const std::string der = dir.File("key.der");
  Openssl("pkey -pubin -in " + ShellQuote(pub) + " -outform DER -out " + ShellQuote(der));
  EXPECT_EQ(Key().GetPublicKey().SpkiDer(), ReadOrFail(der));

  const std::string expected_hex = CliSpkiSha256Hex(pub);
  const std::string id = KeyIdFor("acme", Key().GetPublicKey());
  EXPECT_EQ(id, "acme-" + expected_hex);
  EXPECT_EQ(id.size(), 5U + 64U);
  EXPECT_EQ(id, Lowercase(id));
  EXPECT_NE(KeyIdFor("acme", OtherKey().GetPublicKey()), id);
}

TEST_F(RsaKeyTest, ModulusMatchesOpensslCli) {
  const TempDir dir;
  const std::string pub = dir.Write("key.pub", Key().GetPublicKey().ToPem());
  const std::string output = Openssl("rsa -pubin -in " + ShellQuote(pub) + " -noout -modulus");
  ASSERT_EQ(output.rfind("Modulus=", 0), 0U) << output;
  std::string hex = output.substr(8);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) {
    hex.pop_back();
  }
  EXPECT_EQ(HexEncode(Key().GetPublicKey().ModulusBytes()), Lowercase(hex));
}

TEST_F(RsaKeyTest, OurSignaturesVerifyWithOpensslCli) {
  const TempDir dir;
  const std::string pub = dir.Write("key.pub", Key().GetPublicKey().ToPem());
  const std::string data = dir.Write("data", kMessage);
  const std::string tampered = dir.Write("tampered", std::string(kMessage) + ".");
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    SCOPED_TRACE(OpensslDigestFlag(algorithm));
    auto signature = Key().Sign(algorithm, kMessage);
    ASSERT_TRUE(signature.ok());
    const std::string sig = dir.Write("sig", *signature);
    const std::string verify = std::string("openssl dgst ") + OpensslDigestFlag(algorithm) +
                               " -verify " + ShellQuote(pub) + " -signature " + ShellQuote(sig) +
                               " ";
    const CommandResult good = RunCommand(verify + ShellQuote(data));
    EXPECT_EQ(good.exit_code, 0) << good.output;
    EXPECT_NE(good.output.find("Verified OK"), std::string::npos) << good.output;
    const CommandResult bad = RunCommand(verify + ShellQuote(tampered));
    EXPECT_NE(bad.exit_code, 0) << bad.output;
  }
}

TEST_F(RsaKeyTest, OpensslCliSignaturesVerifyWithUs) {
  const TempDir dir;
  const std::string priv = dir.Write("key.pem", Key().ToPem(), 0600);
  const std::string data = dir.Write("data", kMessage);
  const PublicKey pub = Key().GetPublicKey();
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    SCOPED_TRACE(OpensslDigestFlag(algorithm));
    const std::string sig = dir.File("sig");
    Openssl(std::string("dgst ") + OpensslDigestFlag(algorithm) + " -sign " + ShellQuote(priv) +
            " -out " + ShellQuote(sig) + " " + ShellQuote(data));
    const std::string signature = ReadOrFail(sig);
    EXPECT_EQ(signature.size(), kTestSignatureSize);
    EXPECT_TRUE(pub.Verify(algorithm, kMessage, signature).ok());
    EXPECT_EQ(signature, *Key().Sign(algorithm, kMessage));  // PKCS#1 v1.5 is deterministic
    EXPECT_FALSE(OtherKey().GetPublicKey().Verify(algorithm, kMessage, signature).ok());
  }
}

// --- Real keys and signed indexes from abuild, melange and apk.cgr.dev --------------------

constexpr const char* kChainguardKey =
    "chainguard-signed/keys/"
    "chainguard-0106f58bac88057c2ff5c2829850df492717a876ed700443550353c7ab23f5a0.rsa.pub";

constexpr const char* kFixtureKeys[] = {
    "rsa256-signed/test-rsa256.rsa.pub",
    "private-packages/private_pkg_key.rsa.pub",
    "melange-built/melange.rsa.pub",
    "alpine-3.16/keys/alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
    kChainguardKey,
};

void ExpectRealPublicKeyLoads(const std::string& relative) {
  SCOPED_TRACE(relative);
  auto key = PublicKey::FromPem(::apkd::testing::ReadFixture(relative));
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_TRUE(key->bits() == 2048 || key->bits() == 4096) << key->bits();
  EXPECT_EQ(key->ExponentBytes(), std::string("\x01\x00\x01", 3));
  EXPECT_EQ(KeyIdFor("k", *key), "k-" + CliSpkiSha256Hex(::apkd::testing::Fixture(relative)));
}

TEST(RsaKeyFixtureTest, RealPublicKeysLoad) {
  APKD_REQUIRE_FIXTURES();
  for (const char* relative : kFixtureKeys) {
    ExpectRealPublicKeyLoads(relative);
  }
}

// The first entry of gzip member #1 of a v2 index: `.SIGN.<ALG>.<keyname>` and its body.
struct IndexSignature {
  std::string entry_name;
  std::string signature;
};

std::optional<IndexSignature> ReadIndexSignature(const std::string& index_path) {
  const TempDir dir;
  const std::string tar = dir.File("index.tar");
  const CommandResult unzip =
      RunCommand("gzip -dc < " + ShellQuote(index_path) + " > " + ShellQuote(tar));
  EXPECT_EQ(unzip.exit_code, 0) << unzip.output;
  const std::string bytes = ReadOrFail(tar);
  constexpr size_t kBlock = 512;
  if (bytes.size() < kBlock) {
    return std::nullopt;
  }
  IndexSignature out;
  out.entry_name = bytes.substr(0, bytes.find('\0'));
  size_t size = 0;
  for (size_t i = 124; i < 136 && bytes[i] >= '0' && bytes[i] <= '7'; ++i) {
    size = size * 8 + static_cast<size_t>(bytes[i] - '0');
  }
  if (bytes.size() < kBlock + size) {
    return std::nullopt;
  }
  out.signature = bytes.substr(kBlock, size);
  return out;
}

// Offsets (> 0) where another gzip member could start: the signed bytes run from there to EOF.
std::vector<size_t> GzipMemberCandidates(const std::string& file) {
  std::vector<size_t> out;
  for (size_t pos = file.find("\x1f\x8b\x08", 1); pos != std::string::npos;
       pos = file.find("\x1f\x8b\x08", pos + 1)) {
    out.push_back(pos);
  }
  return out;
}

int CountVerifyingSuffixes(const PublicKey& key, DigestAlgorithm algorithm, const std::string& file,
                           std::string_view signature) {
  int verified = 0;
  for (const size_t start : GzipMemberCandidates(file)) {
    const Status status = key.Verify(algorithm, std::string_view(file).substr(start), signature);
    if (status.ok()) {
      ++verified;
    } else {
      EXPECT_EQ(status.error().code(), ErrorCode::kSignatureInvalid);
    }
  }
  return verified;
}

// How many candidate member boundaries give bytes whose signature verifies with `key`.
int CountVerifyingSplits(const std::string& index_relative, const std::string& key_relative,
                         DigestAlgorithm algorithm, std::string_view expected_prefix) {
  const std::string index_path = ::apkd::testing::Fixture(index_relative);
  const std::optional<IndexSignature> sig = ReadIndexSignature(index_path);
  EXPECT_TRUE(sig.has_value());
  if (!sig) {
    return -1;
  }
  EXPECT_EQ(sig->entry_name.rfind(expected_prefix, 0), 0U) << sig->entry_name;
  auto key = PublicKey::FromPem(::apkd::testing::ReadFixture(key_relative));
  EXPECT_TRUE(key.ok());
  if (!key.ok()) {
    return -1;
  }
  return CountVerifyingSuffixes(*key, algorithm, ReadOrFail(index_path), sig->signature);
}

TEST(RsaKeyFixtureTest, VerifiesRealIndexSignatures) {
  APKD_REQUIRE_FIXTURES();
  EXPECT_EQ(
      CountVerifyingSplits("rsa256-signed/APKINDEX.tar.gz", "rsa256-signed/test-rsa256.rsa.pub",
                           DigestAlgorithm::kSha256, ".SIGN.RSA256.test-rsa256.rsa.pub"),
      1);
  EXPECT_EQ(
      CountVerifyingSplits("melange-built/x86_64/APKINDEX.tar.gz", "melange-built/melange.rsa.pub",
                           DigestAlgorithm::kSha256, ".SIGN.RSA256.melange.rsa.pub"),
      1);
  EXPECT_EQ(CountVerifyingSplits("private-packages/x86_64/APKINDEX.tar.gz",
                                 "private-packages/private_pkg_key.rsa.pub", DigestAlgorithm::kSha1,
                                 ".SIGN.RSA.private_pkg_key.rsa.pub"),
            1);
  EXPECT_EQ(CountVerifyingSplits("chainguard-signed/APKINDEX.tar.gz", kChainguardKey,
                                 DigestAlgorithm::kSha256, ".SIGN.RSA256.chainguard-0106f58b"),
            1);
}

// n and e of a key that openssl generated, read back through openssl's own printout, give the
// same key (same SPKI) and verify its signatures.
TEST_F(RsaKeyTest, FromModulusExponentMatchesOpensslKey) {
  const TempDir dir;
  const std::string key_path = dir.File("k.pem");
  Openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + key_path + " 2>/dev/null");
  Openssl("pkey -in " + key_path + " -pubout -out " + dir.File("k.pub"));
  std::string modulus_line = Openssl("rsa -in " + key_path + " -noout -modulus");
  const std::string modulus_hex = Lowercase(modulus_line.substr(
      modulus_line.find('=') + 1, modulus_line.find('\n') - modulus_line.find('=') - 1));
  const std::optional<std::string> n = HexDecode(modulus_hex);
  ASSERT_TRUE(n.has_value()) << modulus_line;
  auto key = PublicKey::FromModulusExponent(*n, std::string("\x01\x00\x01", 3));
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->ToPem(), ReadOrFail(dir.File("k.pub")));
  EXPECT_EQ(key->bits(), 2048);

  const std::string data = "signed by openssl";
  const std::string data_path = dir.Write("data", data);
  Openssl("dgst -sha256 -sign " + key_path + " -out " + dir.File("sig") + " " + data_path);
  EXPECT_TRUE(key->Verify(DigestAlgorithm::kSha256, data, ReadOrFail(dir.File("sig"))).ok());
  EXPECT_FALSE(key->Verify(DigestAlgorithm::kSha256, "other", ReadOrFail(dir.File("sig"))).ok());

  // The JWK form is base64url of the same numbers, with or without a leading zero byte.
  auto from_jwk = PublicKey::FromJwk(Base64UrlEncode(*n), "AQAB");
  ASSERT_TRUE(from_jwk.ok()) << from_jwk.error().message();
  EXPECT_EQ(from_jwk->SpkiDer(), key->SpkiDer());
  auto padded =
      PublicKey::FromModulusExponent(std::string(1, '\0') + *n, std::string("\x01\x00\x01", 3));
  ASSERT_TRUE(padded.ok()) << padded.error().message();
  EXPECT_EQ(padded->SpkiDer(), key->SpkiDer());
}

TEST_F(RsaKeyTest, FromModulusExponentRefusesWeakOrMalformedNumbers) {
  const std::string n = Key().GetPublicKey().ModulusBytes();
  const std::string e = Key().GetPublicKey().ExponentBytes();
  ASSERT_TRUE(PublicKey::FromModulusExponent(n, e).ok());
  // 1024 bits: too small.
  EXPECT_TRUE(FailsWith(PublicKey::FromModulusExponent(n.substr(0, 128), e).status(),
                        ErrorCode::kInvalidArgument, "2048"));
  // An even modulus is not an RSA modulus.
  std::string even = n;
  even.back() = static_cast<char>(even.back() & ~1);
  EXPECT_TRUE(FailsWith(PublicKey::FromModulusExponent(even, e).status(),
                        ErrorCode::kInvalidArgument, "odd"));
  for (const std::string& bad_e :
       {std::string("\x01", 1), std::string("\x02", 1), std::string("\x01\x00\x00", 3),
        std::string("\x01\x00\x00\x00\x01", 5), std::string()}) {
    EXPECT_TRUE(
        FailsWith(PublicKey::FromModulusExponent(n, bad_e).status(), ErrorCode::kInvalidArgument))
        << HexEncode(bad_e);
  }
  EXPECT_TRUE(
      FailsWith(PublicKey::FromModulusExponent("", e).status(), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(FailsWith(PublicKey::FromModulusExponent(std::string(2000, '\xff'), e).status(),
                        ErrorCode::kInvalidArgument));
  // JWK members are unpadded base64url; standard base64 and padding are refused.
  EXPECT_TRUE(FailsWith(PublicKey::FromJwk(Base64UrlEncode(n), "AQAB=").status(),
                        ErrorCode::kInvalidArgument));
  EXPECT_TRUE(FailsWith(PublicKey::FromJwk(Base64Encode(n) + "+/", "AQAB").status(),
                        ErrorCode::kInvalidArgument));
}

TEST(RsaKeyFixtureTest, RealIndexWithWrongKeyFails) {
  APKD_REQUIRE_FIXTURES();
  // Other real 4096-bit keys: same signature size, different key.
  for (const char* wrong_key :
       {"melange-built/melange.rsa.pub", "private-packages/private_pkg_key.rsa.pub"}) {
    SCOPED_TRACE(wrong_key);
    EXPECT_EQ(CountVerifyingSplits("rsa256-signed/APKINDEX.tar.gz", wrong_key,
                                   DigestAlgorithm::kSha256, ".SIGN.RSA256.test-rsa256.rsa.pub"),
              0);
  }
  // Signed by the Alpine key ...-6165ee59 (4096-bit); ...-4a6a0840 is a real 2048-bit Alpine key
  // that did not sign it.
  EXPECT_EQ(CountVerifyingSplits(
                "alpine-3.16/x86_64/APKINDEX.tar.gz",
                "alpine-3.16/keys/alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
                DigestAlgorithm::kSha1, ".SIGN.RSA.alpine-devel@lists.alpinelinux.org-6165ee59"),
            0);
  // Right key, wrong digest: an RSA256 signature checked as SHA-1 or SHA-512.
  for (const DigestAlgorithm algorithm : {DigestAlgorithm::kSha1, DigestAlgorithm::kSha512}) {
    EXPECT_EQ(
        CountVerifyingSplits("rsa256-signed/APKINDEX.tar.gz", "rsa256-signed/test-rsa256.rsa.pub",
                             algorithm, ".SIGN.RSA256.test-rsa256.rsa.pub"),
        0);
  }
}

}  // namespace
}  // namespace apkd::crypto
