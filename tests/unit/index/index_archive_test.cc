#include "index/index_archive.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "format/gzip.h"
#include "format/package_reader.h"
#include "format/tar_writer.h"
#include "index/index_builder.h"
#include "index/keyring.h"
#include "index/signature_check.h"
#include "support/fixtures.h"
#include "support/package_parts.h"
#include "support/temp_dir.h"

namespace apkd::index {
namespace {

using ::apkd::testing::Fixture;
using ::apkd::testing::OtherTestKey;
using ::apkd::testing::ReadFixture;
using ::apkd::testing::TempDir;
using ::apkd::testing::TestKey;
using format::SignatureAlgorithm;
using format::SignatureEntry;
using Entries = std::vector<std::pair<std::string, std::string>>;  // (name, body)

constexpr char kWrongKey[] = "alpine-3.16/keys/alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub";
constexpr VerifyRule kBothRules[] = {VerifyRule::kApkTools, VerifyRule::kApko};

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

Keyring KeyringWith(const std::string& name, const std::string& pem_fixture) {
  Keyring keyring;
  const Status status = keyring.Add(name, ReadFixture(pem_fixture));
  EXPECT_TRUE(status.ok()) << status.error().message();
  return keyring;
}

std::string TarOf(const Entries& entries, bool end_of_archive) {
  format::TarWriter tar;
  for (const auto& [name, body] : entries) {
    format::TarEntry entry;
    entry.name = name;
    entry.mode = 0644;
    tar.Add(entry, body);
  }
  if (end_of_archive) {
    tar.Finish();
  }
  return tar.Release();
}

std::string DataMember(const std::string& apkindex, const std::string& description = "d") {
  return format::GzipCompress(TarOf({{"DESCRIPTION", description}, {"APKINDEX", apkindex}}, true));
}

std::string Sign(const crypto::PrivateKey& key, std::string_view data,
                 crypto::DigestAlgorithm digest = crypto::DigestAlgorithm::kSha256) {
  auto signature = key.Sign(digest, data);
  EXPECT_TRUE(signature.ok());
  return signature.ok() ? *signature : std::string();
}

constexpr char kText[] = "C:Q1okp1iSSHQ0yhmnL4cLyk4waB2zE=\nP:hello\nV:1.1-r0\nA:x86_64\n\n";

// A correctly signed index by TestKey() as "acme.rsa.pub", split into its two members.
struct Parts {
  std::string data = DataMember(kText);
  std::string sig_tar = TarOf({{".SIGN.RSA256.acme.rsa.pub", Sign(TestKey(), data)}}, false);
  std::string Bytes() const { return format::GzipCompress(sig_tar) + data; }
};

Keyring AcmeKeyring() {
  Keyring keyring;
  keyring.Add("acme.rsa.pub", TestKey().GetPublicKey());
  return keyring;
}

void ExpectReadError(std::string_view bytes, ErrorCode code, std::string_view phrase,
                     const IndexReadLimits& limits = {}) {
  auto archive = ReadIndexArchive(bytes, limits);
  ASSERT_FALSE(archive.ok()) << phrase;
  EXPECT_EQ(archive.error().code(), code) << archive.error().message();
  EXPECT_TRUE(Contains(archive.error().message(), phrase)) << archive.error().message();
}

void ExpectVerifyError(std::string_view bytes, const Keyring& keyring, std::string_view phrase,
                       VerifyRule rule = VerifyRule::kApkTools) {
  auto archive = ReadVerifiedIndex(bytes, keyring, rule);
  ASSERT_FALSE(archive.ok()) << phrase;
  EXPECT_EQ(archive.error().code(), ErrorCode::kSignatureInvalid) << archive.error().message();
  EXPECT_TRUE(Contains(archive.error().message(), phrase)) << archive.error().message();
}

// ---- Fixture indexes and packages -----------------------------------------------------------

struct SignedFixture {
  const char* index;
  const char* key_file;
  const char* key_name;
  SignatureAlgorithm algorithm;
  size_t records;
};

constexpr SignedFixture kSignedFixtures[] = {
    {"melange-built/x86_64/APKINDEX.tar.gz", "melange-built/melange.rsa.pub", "melange.rsa.pub",
     SignatureAlgorithm::kRsaSha256, 4},
    {"melange-built/aarch64/APKINDEX.tar.gz", "melange-built/melange.rsa.pub", "melange.rsa.pub",
     SignatureAlgorithm::kRsaSha256, 4},
    {"private-packages/x86_64/APKINDEX.tar.gz", "private-packages/private_pkg_key.rsa.pub",
     "private_pkg_key.rsa.pub", SignatureAlgorithm::kRsaSha1, 2},
    {"private-packages/aarch64/APKINDEX.tar.gz", "private-packages/private_pkg_key.rsa.pub",
     "private_pkg_key.rsa.pub", SignatureAlgorithm::kRsaSha1, 2},
    {"rsa256-signed/APKINDEX.tar.gz", "rsa256-signed/test-rsa256.rsa.pub", "test-rsa256.rsa.pub",
     SignatureAlgorithm::kRsaSha256, 1},
};

TEST(IndexFixtureTest, ShippedIndexesVerifyWithShippedKeys) {
  APKD_REQUIRE_FIXTURES();
  for (const SignedFixture& f : kSignedFixtures) {
    const std::string bytes = ReadFixture(f.index);
    const Keyring keyring = KeyringWith(f.key_name, f.key_file);
    for (const VerifyRule rule : kBothRules) {
      auto archive = ReadVerifiedIndex(bytes, keyring, rule);
      ASSERT_TRUE(archive.ok()) << f.index << ": " << archive.error().message();
      EXPECT_EQ(archive->records.size(), f.records) << f.index;
      auto verified = VerifySignatureEntries(archive->signatures, archive->signed_data.In(bytes),
                                             keyring, rule);
      ASSERT_TRUE(verified.ok());
      EXPECT_EQ(verified->key_name, f.key_name);
      EXPECT_EQ(verified->algorithm, f.algorithm) << f.index;
    }
  }
}

TEST(IndexFixtureTest, WrongKeyIsBadAndNoKeyIsUntrusted) {
  APKD_REQUIRE_FIXTURES();
  for (const SignedFixture& f : kSignedFixtures) {
    const std::string bytes = ReadFixture(f.index);
    // A real Alpine key, filed under the name the signature asks for: the signature is bad.
    const Keyring impostor = KeyringWith(f.key_name, kWrongKey);
    for (const VerifyRule rule : kBothRules) {
      ExpectVerifyError(bytes, impostor, "BAD signature", rule);
    }
    ExpectVerifyError(bytes, impostor, std::string("signature by ") + f.key_name);
    ExpectVerifyError(bytes, Keyring(), "UNTRUSTED signature");
    // The right key under another name is not consulted at all.
    ExpectVerifyError(bytes, KeyringWith("other.rsa.pub", f.key_file), "UNTRUSTED");
  }
}

TEST(IndexFixtureTest, ChainguardIndexVerifiesWithEachOfItsKeys) {
  APKD_REQUIRE_FIXTURES();
  const std::string bytes = ReadFixture("chainguard-signed/APKINDEX.tar.gz");
  auto keyring = Keyring::LoadDirectory(Fixture("chainguard-signed/keys"));
  ASSERT_TRUE(keyring.ok()) << keyring.error().message();
  ASSERT_EQ(keyring->Names().size(), 3U);
  for (const VerifyRule rule : kBothRules) {
    auto archive = ReadVerifiedIndex(bytes, *keyring, rule);
    ASSERT_TRUE(archive.ok()) << archive.error().message();
    EXPECT_EQ(archive->signatures.size(), 3U);
    EXPECT_EQ(archive->records.size(), 16U);
  }
  for (const std::string& name : keyring->Names()) {
    Keyring single;
    single.Add(name, *keyring->Find(name));
    EXPECT_TRUE(ReadVerifiedIndex(bytes, single).ok()) << name;
  }
}

TEST(IndexFixtureTest, Alpine316Index) {
  APKD_REQUIRE_FIXTURES();
  const std::string bytes = ReadFixture("alpine-3.16/x86_64/APKINDEX.tar.gz");
  auto archive = ReadIndexArchive(bytes);
  ASSERT_TRUE(archive.ok()) << archive.error().message();
  EXPECT_EQ(archive->records.size(), 4929U);
  EXPECT_TRUE(std::all_of(archive->records.begin(), archive->records.end(),
                          [](const format::IndexRecord& r) { return r.arch == "x86_64"; }));
  EXPECT_EQ(archive->description, "v3.16.3-13-g4d933a1fa3");
  ASSERT_EQ(archive->signatures.size(), 1U);
  const std::string signer = "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub";
  EXPECT_EQ(archive->signatures[0].key_name, signer);
  EXPECT_EQ(archive->signatures[0].algorithm, SignatureAlgorithm::kRsaSha1);
  auto alpine_keys = Keyring::LoadDirectory(Fixture("alpine-3.16/keys"));
  ASSERT_TRUE(alpine_keys.ok());
  ExpectVerifyError(bytes, *alpine_keys, "UNTRUSTED");  // the signing key is not shipped
  ExpectVerifyError(bytes, KeyringWith(signer, kWrongKey), "BAD signature");
}

TEST(IndexFixtureTest, PackageSignatures) {
  APKD_REQUIRE_FIXTURES();
  struct Case {
    std::string package;
    const char* key_file;
    const char* key_name;
  };
  std::vector<Case> cases;
  for (const char* arch : {"x86_64", "aarch64"}) {
    for (const char* name :
         {"custom-ca-certs-1", "custom-ca-certs-2", "pretend-baselayout", "replayout"}) {
      cases.push_back({std::string("melange-built/") + arch + "/" + name + "-1.0.0-r0.apk",
                       "melange-built/melange.rsa.pub", "melange.rsa.pub"});
    }
    for (const char* name : {"package-x", "package-y"}) {
      cases.push_back({std::string("private-packages/") + arch + "/" + name + "-1.0.0-r0.apk",
                       "private-packages/private_pkg_key.rsa.pub", "private_pkg_key.rsa.pub"});
    }
  }
  for (const Case& c : cases) {
    const std::string bytes = ReadFixture(c.package);
    auto package = format::ReadPackage(bytes);
    ASSERT_TRUE(package.ok()) << c.package;
    const std::string_view control = package->control.In(bytes);
    auto good =
        VerifySignatureEntries(package->signatures, control, KeyringWith(c.key_name, c.key_file));
    EXPECT_TRUE(good.ok()) << c.package << ": " << good.error().message();
    auto bad =
        VerifySignatureEntries(package->signatures, control, KeyringWith(c.key_name, kWrongKey));
    ASSERT_FALSE(bad.ok()) << c.package;
    EXPECT_TRUE(Contains(bad.error().message(), "BAD signature")) << c.package;
    auto none = VerifySignatureEntries(package->signatures, control, Keyring());
    ASSERT_FALSE(none.ok());
    EXPECT_TRUE(Contains(none.error().message(), "UNTRUSTED")) << c.package;
  }
  // wolfi/replaces is unsigned: no signature at all is UNTRUSTED, whatever the keyring holds.
  const std::string unsigned_bytes = ReadFixture("wolfi/replaces-0.0.1-r0.apk");
  auto unsigned_package = format::ReadPackage(unsigned_bytes);
  ASSERT_TRUE(unsigned_package.ok());
  auto absent = VerifySignatureEntries(
      unsigned_package->signatures, unsigned_package->control.In(unsigned_bytes),
      KeyringWith("melange.rsa.pub", "melange-built/melange.rsa.pub"));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().message(), "UNTRUSTED signature: no .SIGN entry");
  // wolfi/hello-wolfi was signed by a different key that was also called melange.rsa.pub.
  const std::string wolfi = ReadFixture("wolfi/hello-wolfi-2.12.1-r0.apk");
  auto package = format::ReadPackage(wolfi);
  ASSERT_TRUE(package.ok());
  auto other =
      VerifySignatureEntries(package->signatures, package->control.In(wolfi),
                             KeyringWith("melange.rsa.pub", "melange-built/melange.rsa.pub"));
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(Contains(other.error().message(), "BAD signature"));
}

// ---- Malformed and mis-signed indexes --------------------------------------------------------

TEST(IndexArchiveTest, ReadsAWellFormedIndex) {
  const Parts parts;
  auto archive = ReadVerifiedIndex(parts.Bytes(), AcmeKeyring());
  ASSERT_TRUE(archive.ok()) << archive.error().message();
  EXPECT_EQ(archive->description, "d");
  EXPECT_EQ(archive->apkindex_text, kText);
  EXPECT_EQ(archive->signed_data.In(parts.Bytes()), parts.data);
}

TEST(IndexArchiveTest, AbsentSignatureIsUntrusted) {
  const Parts parts;
  auto archive = ReadIndexArchive(parts.data);  // just the data member
  ASSERT_TRUE(archive.ok()) << archive.error().message();
  EXPECT_TRUE(archive->signatures.empty());
  EXPECT_EQ(archive->records.size(), 1U);
  ExpectVerifyError(parts.data, AcmeKeyring(), "UNTRUSTED signature: no .SIGN entry");
}

TEST(IndexArchiveTest, BadSignatures) {
  Parts tampered;
  tampered.data = DataMember(std::string(kText) + "C:Q1b\nP:evil\nV:1-r0\n\n");
  ExpectVerifyError(tampered.Bytes(), AcmeKeyring(), "BAD signature");
  Parts other_key;
  other_key.sig_tar =
      TarOf({{".SIGN.RSA256.acme.rsa.pub", Sign(OtherTestKey(), other_key.data)}}, false);
  ExpectVerifyError(other_key.Bytes(), AcmeKeyring(), "BAD signature");
  Parts wrong_digest;  // a SHA-1 signature in an RSA256 entry
  wrong_digest.sig_tar =
      TarOf({{".SIGN.RSA256.acme.rsa.pub",
              Sign(TestKey(), wrong_digest.data, crypto::DigestAlgorithm::kSha1)}},
            false);
  ExpectVerifyError(wrong_digest.Bytes(), AcmeKeyring(), "BAD signature");
}

TEST(IndexArchiveTest, StructuralErrors) {
  const Parts parts;
  const std::string sig = format::GzipCompress(parts.sig_tar);
  ExpectReadError(format::GzipCompress(parts.sig_tar + std::string(1024, '\0')) + parts.data,
                  ErrorCode::kCorrupt, "ends with end-of-archive blocks");
  ExpectReadError(sig + format::GzipCompress(TarOf(
                            {{"DESCRIPTION", "d"}, {"APKINDEX", kText}, {"EXTRA", "x"}}, true)),
                  ErrorCode::kCorrupt, "unexpected entry 'EXTRA'");
  ExpectReadError(sig + format::GzipCompress(TarOf({{".PKGINFO", "x"}, {"APKINDEX", kText}}, true)),
                  ErrorCode::kCorrupt, "unexpected entry '.PKGINFO'");
  ExpectReadError(sig + format::GzipCompress(TarOf({{"DESCRIPTION", "d"}}, true)),
                  ErrorCode::kCorrupt, "index has no APKINDEX entry");
  ExpectReadError(sig, ErrorCode::kCorrupt, "signed index without a data member");
  ExpectReadError(format::GzipCompress(parts.sig_tar + TarOf({{"notes", "x"}}, false)) + parts.data,
                  ErrorCode::kCorrupt, "signature member holds 'notes'");
  ExpectReadError(parts.Bytes() + "junk", ErrorCode::kCorrupt, "trailing garbage");
  ExpectReadError(parts.data + parts.data, ErrorCode::kCorrupt, "more than one data member");

  format::TarWriter with_dir;
  format::TarEntry dir;
  dir.name = "DESCRIPTION";
  dir.type = format::TarEntryType::kDirectory;
  with_dir.Add(dir);
  with_dir.Finish();
  ExpectReadError(sig + format::GzipCompress(with_dir.bytes()), ErrorCode::kCorrupt,
                  "unexpected non-file entry");
}

TEST(IndexArchiveTest, DataSplitAcrossMembers) {
  const Parts parts;
  const std::string sig = format::GzipCompress(parts.sig_tar);
  const std::string data_tar = TarOf({{"DESCRIPTION", "d"}, {"APKINDEX", kText}}, true);
  // At an entry boundary: three members in all.
  const std::string at_boundary = sig + format::GzipCompress(data_tar.substr(0, 1024)) +
                                  format::GzipCompress(data_tar.substr(1024));
  ExpectReadError(at_boundary, ErrorCode::kLimitExceeded, "more than 2 gzip members");
  IndexReadLimits roomy;
  roomy.gzip.max_members = 3;
  ExpectReadError(at_boundary, ErrorCode::kCorrupt, "more than one data member", roomy);
  // Inside an entry: the signature member ends in the middle of DESCRIPTION's header.
  ExpectReadError(format::GzipCompress(parts.sig_tar + data_tar.substr(0, 100)) +
                      format::GzipCompress(data_tar.substr(100)),
                  ErrorCode::kCorrupt, "a tar entry runs across a gzip member boundary");
}

TEST(IndexArchiveTest, EveryTruncationIsCorrupt) {
  const std::string bytes = Parts().Bytes();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    auto archive = ReadIndexArchive(std::string_view(bytes).substr(0, cut));
    ASSERT_FALSE(archive.ok()) << cut;
    ASSERT_EQ(archive.error().code(), ErrorCode::kCorrupt) << cut << archive.error().message();
  }
}

TEST(IndexArchiveTest, BadApkIndexTextInsideTheArchive) {
  ExpectReadError(DataMember("C:Q1a\r\nP:a\r\nV:1\r\n\r\n"), ErrorCode::kCorrupt,
                  "carriage returns");
  ExpectReadError(DataMember("P:a\nV:1\n\n"), ErrorCode::kCorrupt, "record has no C:");
  ExpectReadError(DataMember("C:Q1a\nP:a\nV:1"), ErrorCode::kCorrupt,
                  "does not end with a newline");
}

TEST(IndexArchiveTest, SignatureEntryLimits) {
  const Parts parts;
  const std::string one = parts.sig_tar;
  std::string nine;
  for (int i = 0; i < 9; ++i) {
    nine += one;
  }
  ExpectReadError(format::GzipCompress(nine) + parts.data, ErrorCode::kLimitExceeded,
                  "too many or too large signature entries");
  IndexReadLimits small;
  small.max_signature_bytes = 255;
  ExpectReadError(parts.Bytes(), ErrorCode::kLimitExceeded, "too large", small);
}

// ---- Which entry decides (apk-protocol §4.2) -------------------------------------------------

TEST(SignatureCheckTest, ApkToolsUseTheFirstKnownEntryApkoTriesAll) {
  const std::string data = "signed bytes";
  const SignatureEntry good{SignatureAlgorithm::kRsaSha256, "acme.rsa.pub", Sign(TestKey(), data)};
  const SignatureEntry bad{SignatureAlgorithm::kRsaSha256, "acme.rsa.pub",
                           Sign(OtherTestKey(), data)};
  const SignatureEntry unknown{SignatureAlgorithm::kRsaSha256, "absent.rsa.pub",
                               Sign(OtherTestKey(), data)};
  const Keyring keyring = AcmeKeyring();

  const std::vector<SignatureEntry> bad_first{bad, good};
  auto apk = VerifySignatureEntries(bad_first, data, keyring, VerifyRule::kApkTools);
  ASSERT_FALSE(apk.ok());
  EXPECT_EQ(apk.error().message(),
            "BAD signature: the RSA256 signature by acme.rsa.pub does not match the data");
  EXPECT_TRUE(VerifySignatureEntries(bad_first, data, keyring, VerifyRule::kApko).ok());

  const std::vector<SignatureEntry> unknown_first{unknown, good};
  for (const VerifyRule rule : kBothRules) {
    auto verified = VerifySignatureEntries(unknown_first, data, keyring, rule);
    ASSERT_TRUE(verified.ok());
    EXPECT_EQ(verified->key_name, "acme.rsa.pub");
  }
  const std::vector<SignatureEntry> only_unknown{unknown};
  auto untrusted = VerifySignatureEntries(only_unknown, data, keyring);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().message(),
            "UNTRUSTED signature: no trusted key among the signers (absent.rsa.pub)");
}

TEST(SignatureCheckTest, Rsa512IsSkippedByApkoAndDsaByEveryone) {
  const std::string data = "payload";
  const std::vector<SignatureEntry> rsa512{
      {SignatureAlgorithm::kRsaSha512, "acme.rsa.pub",
       Sign(TestKey(), data, crypto::DigestAlgorithm::kSha512)}};
  const Keyring keyring = AcmeKeyring();
  auto apk = VerifySignatureEntries(rsa512, data, keyring, VerifyRule::kApkTools);
  ASSERT_TRUE(apk.ok());
  EXPECT_EQ(apk->algorithm, SignatureAlgorithm::kRsaSha512);
  auto apko = VerifySignatureEntries(rsa512, data, keyring, VerifyRule::kApko);
  ASSERT_FALSE(apko.ok());
  EXPECT_TRUE(Contains(apko.error().message(), "UNTRUSTED"));
  const std::vector<SignatureEntry> dsa{{SignatureAlgorithm::kDsa, "acme.rsa.pub", "sig"}};
  EXPECT_FALSE(VerifySignatureEntries(dsa, data, keyring).ok());
}

TEST(KeyringTest, LoadAndLookUp) {
  TempDir dir;
  dir.Write("b.rsa.pub", TestKey().GetPublicKey().ToPem());
  dir.Write("a.rsa.pub", OtherTestKey().GetPublicKey().ToPem());
  dir.Write("README", "not a key");
  auto keyring = Keyring::LoadDirectory(dir.path());
  ASSERT_TRUE(keyring.ok()) << keyring.error().message();
  EXPECT_EQ(keyring->Names(), (std::vector<std::string>{"a.rsa.pub", "b.rsa.pub"}));
  ASSERT_NE(keyring->Find("b.rsa.pub"), nullptr);
  EXPECT_EQ(keyring->Find("b.rsa.pub")->ToPem(), TestKey().GetPublicKey().ToPem());
  EXPECT_EQ(keyring->Find("README"), nullptr);
  EXPECT_FALSE(keyring->empty());

  dir.Write("broken.rsa.pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  auto broken = Keyring::LoadDirectory(dir.path());
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(Contains(broken.error().message(), "key broken.rsa.pub")) << broken.error().message();
  EXPECT_FALSE(Keyring::LoadDirectory(dir.File("absent")).ok());
  Keyring manual;
  EXPECT_TRUE(manual.empty());
  EXPECT_FALSE(manual.Add("x.rsa.pub", "garbage").ok());
  EXPECT_TRUE(manual.empty());
}

}  // namespace
}  // namespace apkd::index
