#include "format/package_reader.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "format/apkindex_text.h"
#include "format/gzip.h"
#include "support/fixtures.h"
#include "support/package_parts.h"

namespace apkd::format {
namespace {

using ::apkd::testing::BareFileItem;
using ::apkd::testing::DataHash;
using ::apkd::testing::DirItem;
using ::apkd::testing::FileItem;
using ::apkd::testing::Fixture;
using ::apkd::testing::PackageMembers;
using ::apkd::testing::PackageParts;
using ::apkd::testing::ReadFixture;
using ::apkd::testing::TarBytes;
using ::apkd::testing::TarGzEntry;
using ::apkd::testing::TestKey;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

Package ReadOk(std::string_view bytes, const PackageReadOptions& options = {}) {
  auto package = ReadPackage(bytes, options);
  EXPECT_TRUE(package.ok()) << package.error().message();
  return package.ok() ? *package : Package{};
}

// Expects ReadPackage to fail with `code` and a message containing `phrase`.
void ExpectError(std::string_view bytes, ErrorCode code, std::string_view phrase,
                 const PackageReadOptions& options = {}) {
  auto package = ReadPackage(bytes, options);
  ASSERT_FALSE(package.ok()) << "expected an error containing: " << phrase;
  EXPECT_EQ(package.error().code(), code) << package.error().message();
  EXPECT_TRUE(Contains(package.error().message(), phrase)) << package.error().message();
}

std::vector<IndexRecord> FixtureIndexRecords(const std::string& index_path) {
  auto records = ParseApkIndex(TarGzEntry(ReadFixture(index_path), "APKINDEX"));
  EXPECT_TRUE(records.ok()) << index_path;
  return records.ok() ? *records : std::vector<IndexRecord>{};
}

const IndexRecord* FindRecord(const std::vector<IndexRecord>& records, std::string_view name,
                              std::string_view version) {
  const auto it = std::find_if(records.begin(), records.end(), [&](const IndexRecord& r) {
    return r.name == name && r.version == version;
  });
  return it == records.end() ? nullptr : &*it;
}

// ---- Fixtures: real packages built by abuild and melange -------------------------------------

TEST(PackageReaderFixtureTest, EveryFixturePackageParses) {
  APKD_REQUIRE_FIXTURES();
  size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(Fixture(""))) {
    if (entry.path().extension() != ".apk") {
      continue;
    }
    ++count;
    const std::string relative =
        std::filesystem::relative(entry.path(), Fixture("")).generic_string();
    const std::string bytes = ReadFixture(relative);
    auto package = ReadPackage(bytes);
    ASSERT_TRUE(package.ok()) << relative << ": " << package.error().message();
    EXPECT_EQ(package->file_size, bytes.size()) << relative;
    EXPECT_EQ(package->identity.size(), 30U) << relative;
    EXPECT_EQ(package->identity, Q1Checksum(package->control.In(bytes))) << relative;
    EXPECT_EQ(package->data.offset + package->data.size, bytes.size()) << relative;
    EXPECT_EQ(package->control.offset + package->control.size, package->data.offset) << relative;
    EXPECT_EQ(package->control_files.front(), ".PKGINFO") << relative;
    EXPECT_GT(package->data_entries, 0U) << relative;
  }
  EXPECT_EQ(count, 17U);
}

// Each package's computed record equals, field for field, the one the real indexer wrote.
TEST(PackageReaderFixtureTest, RecordsEqualTheShippedIndexes) {
  APKD_REQUIRE_FIXTURES();
  struct Repo {
    std::string dir;
    std::string arch;
    std::vector<std::string> packages;
  };
  const std::vector<std::string> melange{
      "custom-ca-certs-1-1.0.0-r0.apk", "custom-ca-certs-2-1.0.0-r0.apk",
      "pretend-baselayout-1.0.0-r0.apk", "replayout-1.0.0-r0.apk"};
  const std::vector<std::string> priv{"package-x-1.0.0-r0.apk", "package-y-1.0.0-r0.apk"};
  const Repo repos[] = {{"melange-built/x86_64", "x86_64", melange},
                        {"melange-built/aarch64", "aarch64", melange},
                        {"private-packages/x86_64", "x86_64", priv},
                        {"private-packages/aarch64", "aarch64", priv}};
  for (const Repo& repo : repos) {
    const auto index = FixtureIndexRecords(repo.dir + "/APKINDEX.tar.gz");
    ASSERT_EQ(index.size(), repo.packages.size()) << repo.dir;
    for (const std::string& file : repo.packages) {
      const Package package = ReadOk(ReadFixture(repo.dir + "/" + file));
      const IndexRecord computed = package.ToIndexRecord(repo.arch);
      const IndexRecord* shipped = FindRecord(index, computed.name, computed.version);
      ASSERT_NE(shipped, nullptr) << repo.dir << "/" << file;
      EXPECT_EQ(computed, *shipped) << repo.dir << "/" << file << "\ncomputed:\n"
                                    << FormatIndexRecord(computed) << "shipped:\n"
                                    << FormatIndexRecord(*shipped);
    }
  }
}

TEST(PackageReaderFixtureTest, AlpinePackageMatchesItsAarch64Record) {
  APKD_REQUIRE_FIXTURES();
  const std::string bytes = ReadFixture("alpine-3.16/x86_64/alpine-baselayout-3.2.0-r23.apk");
  const Package package = ReadOk(bytes);
  EXPECT_EQ(package.info.arch, "aarch64");  // an aarch64 build, although it sits in x86_64/
  ASSERT_EQ(package.signatures.size(), 1U);
  EXPECT_EQ(package.signatures[0].key_name, "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub");
  EXPECT_EQ(package.signatures[0].algorithm, SignatureAlgorithm::kRsaSha1);

  // rsa256-signed/ indexes exactly this build: every field matches.
  const auto rsa256 = FixtureIndexRecords("rsa256-signed/APKINDEX.tar.gz");
  const IndexRecord* exact = FindRecord(rsa256, "alpine-baselayout", "3.2.0-r23");
  ASSERT_NE(exact, nullptr);
  EXPECT_EQ(package.ToIndexRecord("aarch64"), *exact);

  // Alpine's own 3.16 x86_64 index holds the x86_64 build of the same name and version. With
  // A: rewritten to the index arch the metadata agrees, but the build products legitimately
  // differ: identity, file size, installed size, and the arch-specific libc dependency.
  const auto alpine = FixtureIndexRecords("alpine-3.16/x86_64/APKINDEX.tar.gz");
  const IndexRecord* other_build = FindRecord(alpine, "alpine-baselayout", "3.2.0-r23");
  ASSERT_NE(other_build, nullptr);
  IndexRecord computed = package.ToIndexRecord("x86_64");
  EXPECT_NE(computed.checksum, other_build->checksum);
  EXPECT_NE(computed.size, other_build->size);
  EXPECT_NE(computed.installed_size, other_build->installed_size);
  EXPECT_EQ(computed.depends.back(), "so:libc.musl-aarch64.so.1");
  EXPECT_EQ(other_build->depends.back(), "so:libc.musl-x86_64.so.1");
  computed.checksum = other_build->checksum;
  computed.size = other_build->size;
  computed.installed_size = other_build->installed_size;
  computed.depends.back() = other_build->depends.back();
  EXPECT_EQ(computed, *other_build);  // everything else is identical
}

TEST(PackageReaderFixtureTest, Alpine317FixtureIsTheSame316Package) {
  APKD_REQUIRE_FIXTURES();
  // The file named alpine-baselayout-3.4.0-r0.apk is byte-identical to the 3.2.0-r23 aarch64
  // package; the 3.17 index (all aarch64 despite its x86_64/ folder) has 3.4.0-r0 only.
  const std::string bytes = ReadFixture("alpine-3.17/x86_64/alpine-baselayout-3.4.0-r0.apk");
  EXPECT_EQ(bytes, ReadFixture("alpine-3.16/x86_64/alpine-baselayout-3.2.0-r23.apk"));
  const Package package = ReadOk(bytes);
  EXPECT_EQ(package.info.version, "3.2.0-r23");
  const auto index = FixtureIndexRecords("alpine-3.17/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(FindRecord(index, "alpine-baselayout", "3.2.0-r23"), nullptr);
  const IndexRecord* newer = FindRecord(index, "alpine-baselayout", "3.4.0-r0");
  ASSERT_NE(newer, nullptr);
  EXPECT_EQ(newer->arch, "aarch64");
  EXPECT_NE(newer->checksum, package.identity);
}

TEST(PackageReaderFixtureTest, WolfiPackages) {
  APKD_REQUIRE_FIXTURES();
  const Package hello = ReadOk(ReadFixture("wolfi/hello-wolfi-2.12.1-r0.apk"));
  EXPECT_EQ(hello.info.build_date, 12345678);
  EXPECT_EQ(hello.ToIndexRecord().build_time, 12345678);
  EXPECT_EQ(hello.info.url, "");  // melange writes `url = `
  ASSERT_EQ(hello.signatures.size(), 1U);
  EXPECT_EQ(hello.signatures[0].key_name, "melange.rsa.pub");
  EXPECT_EQ(hello.signatures[0].signature.size(), 512U);  // a 4096-bit key

  const std::string unsigned_bytes = ReadFixture("wolfi/replaces-0.0.1-r0.apk");
  const Package replaces = ReadOk(unsigned_bytes);
  EXPECT_TRUE(replaces.signatures.empty());
  EXPECT_EQ(replaces.control.offset, 0U);  // two members: control, data
  EXPECT_EQ(replaces.control.size, 280U);
  EXPECT_EQ(replaces.info.replaces, (std::vector<std::string>{"foo", "bar"}));
  EXPECT_FALSE(replaces.info.build_date.has_value());
  EXPECT_EQ(replaces.ToIndexRecord("aarch64").build_time, 0);
}

// ---- Packages assembled from parts -----------------------------------------------------------

TEST(PackageReaderTest, ReadsAWellFormedPackage) {
  const PackageParts parts;
  const PackageMembers members = BuildPackageMembers(parts);
  const std::string bytes = members.Bytes();
  const Package package = ReadOk(bytes);
  EXPECT_EQ(package.info.name, "hello");
  EXPECT_EQ(package.info.depends, std::vector<std::string>{"libfoo>=2"});
  EXPECT_EQ(package.identity, Q1Checksum(members.control));
  EXPECT_EQ(package.control.offset, members.signature.size());
  EXPECT_EQ(package.control.In(bytes), members.control);
  EXPECT_EQ(package.data.In(bytes), members.data);
  EXPECT_EQ(package.file_size, bytes.size());
  EXPECT_EQ(package.data_entries, 4U);
  EXPECT_EQ(package.control_files, std::vector<std::string>{".PKGINFO"});
  ASSERT_EQ(package.signatures.size(), 1U);
  EXPECT_EQ(package.signatures[0].key_name, "test.rsa.pub");
  EXPECT_EQ(package.signatures[0].algorithm, SignatureAlgorithm::kRsaSha256);
  EXPECT_EQ(package.signatures[0].signature.size(), 256U);
  EXPECT_TRUE(package.warnings.empty());
  const IndexRecord record = package.ToIndexRecord();
  EXPECT_EQ(record.checksum, package.identity);
  EXPECT_EQ(record.size, bytes.size());
}

TEST(PackageReaderTest, UnsignedPackageAndControlScripts) {
  PackageParts parts;
  parts.key = nullptr;
  parts.control_extra = {FileItem(".post-install", "#!/bin/sh\n"), FileItem(".trigger", "t")};
  const PackageMembers members = BuildPackageMembers(parts);
  const Package package = ReadOk(members.Bytes());
  EXPECT_TRUE(package.signatures.empty());
  EXPECT_EQ(package.control.offset, 0U);
  EXPECT_EQ(package.control_files,
            (std::vector<std::string>{".PKGINFO", ".post-install", ".trigger"}));
}

TEST(PackageReaderTest, Q1ChecksumKnownValue) {
  EXPECT_EQ(Q1Checksum(""), "Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=");  // SHA-1("") = da39a3ee…
}

TEST(PackageReaderTest, EveryTruncationIsCorrupt) {
  const std::string bytes = BuildPackageMembers(PackageParts{}).Bytes();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    auto package = ReadPackage(std::string_view(bytes).substr(0, cut));
    ASSERT_FALSE(package.ok()) << "cut at " << cut;
    ASSERT_EQ(package.error().code(), ErrorCode::kCorrupt)
        << "cut at " << cut << ": " << package.error().message();
  }
}

TEST(PackageReaderTest, MemberLayoutErrors) {
  const PackageMembers m = BuildPackageMembers(PackageParts{});
  ExpectError(m.Bytes() + "garbage", ErrorCode::kCorrupt, "trailing garbage after gzip member 3");
  const std::string extra = GzipCompress(TarBytes({FileItem("extra", "x")}, true));
  ExpectError(m.Bytes() + extra, ErrorCode::kCorrupt,
              "gzip member after the end of the tar archive");
  PackageParts open_ended;  // no end-of-archive in the data: the member boundary itself counts
  open_ended.data_end_of_archive = false;
  ExpectError(BuildPackageMembers(open_ended).Bytes() + extra, ErrorCode::kCorrupt,
              "extra gzip member in the data part");
  ExpectError(m.signature + m.control, ErrorCode::kCorrupt, "package has no data member");
  ExpectError(m.signature, ErrorCode::kCorrupt, "package has no .PKGINFO");
  ExpectError("not gzip at all", ErrorCode::kCorrupt, "not gzip data");
  // Control and data in one member: the data entries show up in the control member.
  PackageParts parts;
  const std::string control_tar =
      TarBytes({BareFileItem(".PKGINFO", m.pkginfo)}, false) + TarBytes(parts.data, true);
  ExpectError(m.signature + GzipCompress(control_tar), ErrorCode::kCorrupt,
              "data entry 'usr' inside the control member");
}

TEST(PackageReaderTest, TarEntrySpanningAGzipMemberBoundary) {
  PackageParts parts;
  parts.datahash = DataHash::kMissing;  // the boundary error must come first anyway
  const PackageMembers m = BuildPackageMembers(parts);
  const std::string data_tar = TarBytes(parts.data, true);
  // usr/bin/hello: PAX header 1024-1535, PAX body 1536-2047, header 2048-2559, body 2560-.
  // Cut inside a header block, between the PAX records and the header they apply to, and
  // inside the body.
  for (const size_t cut : {size_t{1100}, size_t{2048}, size_t{2565}}) {
    const std::string split =
        GzipCompress(data_tar.substr(0, cut)) + GzipCompress(data_tar.substr(cut));
    ExpectError(m.signature + m.control + split, ErrorCode::kCorrupt,
                "a tar entry runs across a gzip member boundary");
  }
  // At a real entry boundary the split is a second data member instead.
  const std::string at_boundary =
      GzipCompress(data_tar.substr(0, 1024)) + GzipCompress(data_tar.substr(1024));
  ExpectError(m.signature + m.control + at_boundary, ErrorCode::kCorrupt,
              "extra gzip member in the data part");
}

TEST(PackageReaderTest, SignatureMemberErrors) {
  const PackageMembers m = BuildPackageMembers(PackageParts{});
  auto unzipped = GunzipAll(m.signature);
  ASSERT_TRUE(unzipped.ok());
  const std::string sig_tar = *unzipped;
  ExpectError(GzipCompress(sig_tar + std::string(1024, '\0')) + m.control + m.data,
              ErrorCode::kCorrupt, "gzip member after the end of the tar archive");
  ExpectError(
      GzipCompress(sig_tar + TarBytes({FileItem("notes.txt", "x")}, false)) + m.control + m.data,
      ErrorCode::kCorrupt, "signature member holds 'notes.txt'");
  PackageReadOptions options;
  options.max_signature_bytes = 255;
  ExpectError(m.Bytes(), ErrorCode::kLimitExceeded, "is 256 bytes", options);
  options = {};
  options.max_signature_entries = 1;
  ExpectError(GzipCompress(sig_tar + sig_tar) + m.control + m.data, ErrorCode::kLimitExceeded,
              "too many signature entries", options);
}

TEST(PackageReaderTest, ControlMemberErrors) {
  PackageParts parts;
  parts.control_extra = {BareFileItem(".PKGINFO", "pkgname = x\n")};
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt, "two .PKGINFO entries");

  const PackageMembers m = BuildPackageMembers(PackageParts{});
  const std::string script_first = GzipCompress(
      TarBytes({FileItem(".post-install", "x"), BareFileItem(".PKGINFO", m.pkginfo)}, false));
  ExpectError(script_first + m.data, ErrorCode::kCorrupt,
              "control member starts with '.post-install', not .PKGINFO");

  PackageParts big;
  big.pkginfo += "# " + std::string(kMaxPkgInfoBytes, 'x') + "\n";
  ExpectError(BuildPackageMembers(big).Bytes(), ErrorCode::kLimitExceeded, ".PKGINFO of 1048");
  PackageReadOptions options;
  options.max_control_entry_bytes = 10;
  PackageParts script;
  script.control_extra = {FileItem(".pre-install", std::string(11, 's'))};
  ExpectError(BuildPackageMembers(script).Bytes(), ErrorCode::kLimitExceeded,
              "control entry '.pre-install' of 11 bytes is oversized", options);
}

TEST(PackageReaderTest, PkgInfoContentErrors) {
  PackageParts parts;
  parts.datahash = DataHash::kMissing;
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt, "has no datahash");
  parts.datahash = DataHash::kWrong;
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt, "datahash mismatch");

  parts = {};
  parts.pkginfo = "pkgname = bad name\npkgver = 1-r0\narch = x86_64\n";
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt, "invalid package name");
  parts.pkginfo = "pkgname = ok\npkgver = 1-r0\n";
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt, "has no arch");
  parts.pkginfo = "pkgname = ok\npkgver = 1-r0\narch = x86_64\nsize = big\n";
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt,
              ".PKGINFO line 4: size is not a decimal number");
}

TEST(PackageReaderTest, VersionOutsideTheApk3Grammar) {
  PackageParts parts;
  parts.pkginfo = "pkgname = old\npkgver = 2.0p1-r0\narch = x86_64\ndepend = libfoo>=2.0p1\n";
  const std::string bytes = BuildPackageMembers(parts).Bytes();
  ExpectError(bytes, ErrorCode::kCorrupt, "is not valid for apk 3");
  PackageReadOptions lax;
  lax.require_apk3_version = false;
  const Package package = ReadOk(bytes, lax);
  EXPECT_FALSE(package.warnings.empty());
  const bool warns_about_dependency =
      std::any_of(package.warnings.begin(), package.warnings.end(),
                  [](const std::string& w) { return Contains(w, "uninstallable"); });
  EXPECT_TRUE(warns_about_dependency);
}

TEST(PackageReaderTest, PerFileChecksums) {
  PackageParts parts;
  parts.data = {DirItem("usr"), BareFileItem("usr/plain", "no checksum")};
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt,
              "'usr/plain' has no APK-TOOLS.checksum.SHA1");

  parts.data = {FileItem("usr/wrong", "actual content")};
  parts.data[0].body = "other content";
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt,
              "per-file checksum mismatch for 'usr/wrong'");

  parts.data = {apkd::testing::SymlinkItem("usr/link", "target")};
  parts.data[0].entry.link_name = "elsewhere";
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt,
              "per-file checksum mismatch for 'usr/link'");

  parts.data = {FileItem("usr/odd", "x")};
  parts.data[0].entry.pax[std::string(kPaxChecksumSha1)] = "not-hex";
  ExpectError(BuildPackageMembers(parts).Bytes(), ErrorCode::kCorrupt,
              "malformed per-file checksum");
}

TEST(PackageReaderTest, HostileDataNames) {
  for (const std::string name : {"../x", "a/../../x", "/etc/passwd"}) {
    PackageParts parts;
    parts.data = {FileItem(name, "pwned")};
    auto package = ReadPackage(BuildPackageMembers(parts).Bytes());
    ASSERT_FALSE(package.ok()) << name;
    EXPECT_EQ(package.error().code(), ErrorCode::kCorrupt);
    EXPECT_TRUE(Contains(package.error().message(), "'" + name + "'")) << package.error().message();
  }
}

TEST(PackageReaderTest, BadTarHeaderChecksumInData) {
  PackageParts parts;
  std::string data_tar = TarBytes(parts.data, true);
  data_tar[136] = static_cast<char>(data_tar[136] ^ 1);  // first header's mtime
  const PackageMembers m = BuildPackageMembers(parts);
  ExpectError(m.signature + m.control + GzipCompress(data_tar), ErrorCode::kCorrupt,
              "tar header checksum mismatch");
}

TEST(PackageReaderTest, DecompressionBombInData) {
  PackageParts parts;
  parts.data = {FileItem("zeros", std::string(4 * 1024 * 1024, '\0'))};
  const std::string bytes = BuildPackageMembers(parts).Bytes();
  EXPECT_LT(bytes.size(), 16U * 1024U);
  PackageReadOptions options;
  options.gzip.max_decompressed_bytes = 1024 * 1024;
  ExpectError(bytes, ErrorCode::kLimitExceeded, "exceeds the limit", options);
  options = {};
  options.tar.max_entry_size = 1024 * 1024;
  ExpectError(bytes, ErrorCode::kLimitExceeded, "exceeds the entry size limit", options);
}

}  // namespace
}  // namespace apkd::format
