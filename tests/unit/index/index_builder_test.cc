#include "index/index_builder.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "format/apkindex_text.h"
#include "format/gzip.h"
#include "format/tar_reader.h"
#include "index/index_archive.h"
#include "index/keyring.h"
#include "support/package_parts.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/file_io.h"

namespace apkd::index {
namespace {

using ::apkd::testing::OtherTestKey;
using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;
using ::apkd::testing::TestKey;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

const crypto::LocalSigner& SignerA() {
  static const crypto::LocalSigner signer("acme-a.rsa.pub", TestKey());
  return signer;
}

const crypto::LocalSigner& SignerB() {
  static const crypto::LocalSigner signer("acme-b.rsa.pub", OtherTestKey());
  return signer;
}

std::vector<format::IndexRecord> SampleRecords() {
  auto records = format::ParseApkIndex(
      "C:Q1okp1iSSHQ0yhmnL4cLyk4waB2zE=\nP:hello\nV:1.1-r0\nA:x86_64\nS:845\nI:11\n"
      "T:test package hello\nt:1700000000\nD:libfoo>=2\n\n"
      "C:Q1L7EnY9Q9b23ejRHAmb0g09QaLEo=\nP:libfoo\nV:2.0-r10\nA:x86_64\nS:1\nI:2\nt:0\n\n"
      "C:Q1yXDHMYWZPTTipwenGmJ4rs1ZoQk=\nP:libfoo\nV:2.0-r2\nA:x86_64\nS:1\nI:2\nt:0\n\n");
  EXPECT_TRUE(records.ok());
  return records.ok() ? *records : std::vector<format::IndexRecord>{};
}

std::string BuildOk(std::span<const format::IndexRecord> records,
                    std::vector<const crypto::Signer*> signers,
                    const IndexBuildOptions& options = {}) {
  auto index = BuildSignedIndex(records, signers, options);
  EXPECT_TRUE(index.ok()) << index.error().message();
  return index.ok() ? *index : std::string();
}

std::vector<format::GzipMember> Members(std::string_view bytes, std::string* tar = nullptr) {
  auto members = format::InflateMembers(bytes, {}, nullptr, [tar](std::string_view chunk) {
    if (tar != nullptr) {
      tar->append(chunk);
    }
    return OkStatus();
  });
  EXPECT_TRUE(members.ok());
  return members.ok() ? *members : std::vector<format::GzipMember>{};
}

// Names of the entries in a tar stream, and whether it ended with the end-of-archive marker.
class NameLister : public format::TarHandler {
 public:
  Status OnEntry(const format::TarEntry& entry) override {
    names.push_back(entry.name);
    return OkStatus();
  }
  Status OnBody(std::string_view) override { return OkStatus(); }
  Status OnEntryEnd() override { return OkStatus(); }
  std::vector<std::string> names;
};

std::vector<std::string> TarNames(std::string_view tar, bool* end_of_archive) {
  NameLister lister;
  format::TarReader reader(lister, {});
  EXPECT_TRUE(reader.Feed(tar).ok());
  EXPECT_TRUE(reader.Finish(false).ok());
  *end_of_archive = reader.SeenEndOfArchive();
  return lister.names;
}

TEST(IndexBuilderTest, LayoutFollowsTheRecipe) {
  IndexBuildOptions options;
  options.description = "v3.20-test";
  const std::string index = BuildOk(SampleRecords(), {&SignerA()}, options);
  const auto members = Members(index);
  ASSERT_EQ(members.size(), 2U);
  bool end = false;
  std::string sig_tar;
  Members(index.substr(0, members[1].offset), &sig_tar);
  EXPECT_EQ(TarNames(sig_tar, &end), std::vector<std::string>{".SIGN.RSA256.acme-a.rsa.pub"});
  EXPECT_FALSE(end);                     // no end-of-archive blocks in the signature member
  EXPECT_EQ(sig_tar.size(), 2U * 512U);  // a header, then the 256-byte signature padded
  std::string data_tar;
  Members(index.substr(members[1].offset), &data_tar);
  EXPECT_EQ(TarNames(data_tar, &end), (std::vector<std::string>{"DESCRIPTION", "APKINDEX"}));
  EXPECT_TRUE(end);
  EXPECT_EQ(data_tar.substr(data_tar.size() - 1024), std::string(1024, '\0'));

  auto read = ReadIndexArchive(index);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(read->description, "v3.20-test");
  EXPECT_EQ(read->apkindex_text, format::FormatApkIndex(SampleRecords()));
  EXPECT_EQ(read->records, SampleRecords());
  EXPECT_EQ(read->signed_data.offset, members[1].offset);
  EXPECT_EQ(read->signed_data.size, members[1].size);
}

TEST(IndexBuilderTest, SameInputGivesIdenticalBytes) {
  const std::string a = BuildOk(SampleRecords(), {&SignerA()});
  const std::string b = BuildOk(SampleRecords(), {&SignerA()});
  EXPECT_EQ(a, b);
  // Sorting first makes the output independent of the input order.
  auto shuffled = SampleRecords();
  std::swap(shuffled[0], shuffled[2]);
  auto sorted_a = SampleRecords();
  format::SortIndexRecords(sorted_a);
  format::SortIndexRecords(shuffled);
  EXPECT_EQ(BuildOk(sorted_a, {&SignerA()}), BuildOk(shuffled, {&SignerA()}));
  EXPECT_EQ(sorted_a[1].version, "2.0-r2");  // before 2.0-r10
  EXPECT_EQ(sorted_a[2].version, "2.0-r10");
}

TEST(IndexBuilderTest, ReadsBackAndVerifies) {
  const std::string index = BuildOk(SampleRecords(), {&SignerA(), &SignerB()});
  Keyring keyring;
  keyring.Add("acme-b.rsa.pub", SignerB().public_key());
  auto verified = ReadVerifiedIndex(index, keyring);
  ASSERT_TRUE(verified.ok()) << verified.error().message();
  ASSERT_EQ(verified->signatures.size(), 2U);
  EXPECT_EQ(verified->signatures[0].key_name, "acme-a.rsa.pub");
  EXPECT_EQ(verified->signatures[1].key_name, "acme-b.rsa.pub");
  EXPECT_EQ(verified->records.size(), 3U);
}

TEST(IndexBuilderTest, Sha1SignatureFirstForOldApko) {
  IndexBuildOptions options;
  options.sha1_signature_first = true;
  const std::string index = BuildOk(SampleRecords(), {&SignerA(), &SignerB()}, options);
  auto read = ReadIndexArchive(index);
  ASSERT_TRUE(read.ok()) << read.error().message();
  std::vector<std::string> names;
  for (const auto& s : read->signatures) {
    names.push_back(format::SignatureEntryName(s.algorithm, s.key_name));
  }
  EXPECT_EQ(names, (std::vector<std::string>{".SIGN.RSA.acme-a.rsa.pub", ".SIGN.RSA.acme-b.rsa.pub",
                                             ".SIGN.RSA256.acme-a.rsa.pub",
                                             ".SIGN.RSA256.acme-b.rsa.pub"}));
  const std::string_view data = read->signed_data.In(index);
  EXPECT_TRUE(SignerA()
                  .public_key()
                  .Verify(crypto::DigestAlgorithm::kSha1, data, read->signatures[0].signature)
                  .ok());
  EXPECT_TRUE(SignerB()
                  .public_key()
                  .Verify(crypto::DigestAlgorithm::kSha256, data, read->signatures[3].signature)
                  .ok());
}

TEST(IndexBuilderTest, ResigningReusesTheDataMember) {
  auto data = BuildIndexDataMember("C:Q1a\nP:a\nV:1-r0\n\n", {});
  ASSERT_TRUE(data.ok());
  const std::vector<const crypto::Signer*> a{&SignerA()};
  const std::vector<const crypto::Signer*> b{&SignerB()};
  auto sig_a = BuildIndexSignatureMember(*data, a, {});
  auto sig_b = BuildIndexSignatureMember(*data, b, {});
  ASSERT_TRUE(sig_a.ok() && sig_b.ok());
  EXPECT_NE(*sig_a, *sig_b);
  Keyring keyring;
  keyring.Add("acme-b.rsa.pub", SignerB().public_key());
  EXPECT_TRUE(ReadVerifiedIndex(*sig_b + *data, keyring).ok());
  auto untrusted = ReadVerifiedIndex(*sig_a + *data, keyring);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_TRUE(Contains(untrusted.error().message(), "UNTRUSTED"));
}

TEST(IndexBuilderTest, RefusesBadOptions) {
  const std::vector<const crypto::Signer*> a{&SignerA()};
  IndexBuildOptions options;
  options.description = std::string(161, 'd');
  auto long_description = BuildSignedIndex(SampleRecords(), a, options);
  ASSERT_FALSE(long_description.ok());
  EXPECT_EQ(long_description.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(long_description.error().message(), "apk 3 ignores"));
  options.description = std::string(160, 'd');
  EXPECT_TRUE(BuildSignedIndex(SampleRecords(), a, options).ok());
  options.description = "two\nlines";
  EXPECT_TRUE(
      Contains(BuildSignedIndex(SampleRecords(), a, options).error().message(), "one line"));

  auto unsigned_index = BuildSignedIndex(SampleRecords(), {}, {});
  ASSERT_FALSE(unsigned_index.ok());
  EXPECT_TRUE(Contains(unsigned_index.error().message(), "at least one signing key"));

  // `.SIGN.RSA256.` is 13 bytes: a key name of 87 fits the 100-byte field, 88 does not.
  const crypto::LocalSigner fits(std::string(79, 'k') + ".rsa.pub", TestKey());
  const crypto::LocalSigner too_long(std::string(80, 'k') + ".rsa.pub", TestKey());
  const crypto::LocalSigner slash("dir/key.rsa.pub", TestKey());
  const crypto::LocalSigner empty("", TestKey());
  const std::vector<const crypto::Signer*> empty_list{&empty};
  auto unnamed = BuildSignedIndex(SampleRecords(), empty_list, {});
  ASSERT_FALSE(unnamed.ok()) << "'.SIGN.RSA256.' with no key name is unreadable";
  EXPECT_EQ(unnamed.error().code(), ErrorCode::kInvalidArgument);
  const std::vector<const crypto::Signer*> fits_list{&fits};
  const std::vector<const crypto::Signer*> too_long_list{&too_long};
  const std::vector<const crypto::Signer*> slash_list{&slash};
  EXPECT_TRUE(BuildSignedIndex(SampleRecords(), fits_list, {}).ok());
  auto long_name = BuildSignedIndex(SampleRecords(), too_long_list, {});
  ASSERT_FALSE(long_name.ok());
  EXPECT_TRUE(Contains(long_name.error().message(), "longer than the 100-byte tar name field"));
  auto with_slash = BuildSignedIndex(SampleRecords(), slash_list, {});
  ASSERT_FALSE(with_slash.ok());
  EXPECT_TRUE(Contains(with_slash.error().message(), "must not contain '/'"));
}

// ---- Independent checkers: GNU tar, Python's zlib and openssl --------------------------------

TEST(IndexBuilderToolsTest, GnuTarPythonAndOpensslAgree) {
  TempDir dir;
  IndexBuildOptions options;
  options.description = "tools";
  const std::string index_bytes = BuildOk(SampleRecords(), {&SignerA()}, options);
  const std::string index = dir.Write("APKINDEX.tar.gz", index_bytes);

  // GNU tar reads the two members as one stream.
  const auto listing = RunCommand("tar tzf " + ShellQuote(index) + " 2>/dev/null");
  ASSERT_EQ(listing.exit_code, 0) << listing.output;
  EXPECT_EQ(listing.output, ".SIGN.RSA256.acme-a.rsa.pub\nDESCRIPTION\nAPKINDEX\n");

  // Member 2 by our offsets, and by an independent split with zlib.decompressobj.
  const auto members = Members(index_bytes);
  ASSERT_EQ(members.size(), 2U);
  dir.Write("member2.bin", index_bytes.substr(members[1].offset));
  if (RunCommand("command -v python3").exit_code == 0) {
    const auto split = RunCommand(
        "python3 -c \"import sys, zlib; b = open(sys.argv[1], 'rb').read(); "
        "d = zlib.decompressobj(31); d.decompress(b); "
        "open(sys.argv[2], 'wb').write(d.unused_data); print(len(b) - len(d.unused_data))\" " +
        ShellQuote(index) + " " + ShellQuote(dir.File("member2.py.bin")));
    ASSERT_EQ(split.exit_code, 0) << split.output;
    EXPECT_EQ(split.output, std::to_string(members[1].offset) + "\n");
    auto python_member = ReadFile(dir.File("member2.py.bin"));
    ASSERT_TRUE(python_member.ok());
    EXPECT_EQ(*python_member, index_bytes.substr(members[1].offset));
  }

  const auto extract = RunCommand("cd " + ShellQuote(dir.path()) + " && tar xzf " +
                                  ShellQuote(index) + " '.SIGN.RSA256.acme-a.rsa.pub'");
  ASSERT_EQ(extract.exit_code, 0) << extract.output;
  dir.Write("pub.pem", SignerA().public_key().ToPem());
  const auto verified =
      RunCommand("cd " + ShellQuote(dir.path()) +
                 " && openssl dgst -sha256 -verify pub.pem -signature .SIGN.RSA256.acme-a.rsa.pub "
                 "member2.bin");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_TRUE(Contains(verified.output, "Verified OK")) << verified.output;
  // The same signature does not cover the whole file.
  const auto whole = RunCommand(
      "cd " + ShellQuote(dir.path()) +
      " && openssl dgst -sha256 -verify pub.pem -signature .SIGN.RSA256.acme-a.rsa.pub " +
      ShellQuote(index));
  EXPECT_NE(whole.exit_code, 0) << whole.output;

  const auto apkindex = RunCommand("tar xzOf " + ShellQuote(index) + " APKINDEX");
  EXPECT_EQ(apkindex.output, format::FormatApkIndex(SampleRecords()));
}

}  // namespace
}  // namespace apkd::index
