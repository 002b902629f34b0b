#include "format/package_writer.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/digest.h"
#include "format/gzip.h"
#include "format/package_reader.h"
#include "support/package_parts.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/encoding.h"

namespace apkd::format {
namespace {

using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;
using ::apkd::testing::TestKey;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

PkgInfo HelloInfo() {
  PkgInfo info;
  info.name = "hello";
  info.version = "2.12-r1";
  info.arch = "x86_64";
  info.description = "greets";
  info.url = "https://example.com";
  info.license = "MIT";
  info.depends = {"so:libc.musl-x86_64.so.1", "busybox>=1.36"};
  info.provides = {"cmd:hello=2.12-r1"};
  return info;
}

std::vector<PackageFile> HelloFiles() {
  return {
      {.path = "usr/bin/hello",
       .type = TarEntryType::kRegular,
       .mode = 0755,
       .content = "#!/bin/sh\necho hello\n",
       .link_target = ""},
      {.path = "usr",
       .type = TarEntryType::kDirectory,
       .mode = 0755,
       .content = "",
       .link_target = ""},
      {.path = "usr/bin",
       .type = TarEntryType::kDirectory,
       .mode = 0755,
       .content = "",
       .link_target = ""},
      {.path = "usr/bin/hi",
       .type = TarEntryType::kSymlink,
       .mode = 0777,
       .content = "",
       .link_target = "hello"},
      {.path = "usr/share/hello/" + std::string(110, 'l'),
       .type = TarEntryType::kRegular,
       .mode = 0644,
       .content = std::string(3000, 'z'),
       .link_target = ""},
  };
}

const crypto::LocalSigner& Signer() {
  static const crypto::LocalSigner signer("test-key.rsa.pub", TestKey());
  return signer;
}

std::string BuildOk(const PkgInfo& info, const std::vector<PackageFile>& files,
                    const crypto::Signer* signer, const PackageBuildOptions& options = {}) {
  auto package = BuildPackage(info, files, signer, options);
  EXPECT_TRUE(package.ok()) << package.error().message();
  return package.ok() ? *package : std::string();
}

std::vector<GzipMember> Members(std::string_view bytes) {
  auto members = InflateMembers(bytes, {}, nullptr, [](std::string_view) { return OkStatus(); });
  EXPECT_TRUE(members.ok());
  return members.ok() ? *members : std::vector<GzipMember>{};
}

std::string MemberBytes(std::string_view bytes, const GzipMember& m) {
  return std::string(bytes.substr(m.offset, m.size));
}

TEST(PackageWriterTest, BuildsAPackageTheReaderAccepts) {
  PackageBuildOptions options;
  options.mtime = 1700000000;
  const std::string bytes = BuildOk(HelloInfo(), HelloFiles(), &Signer(), options);
  auto package = ReadPackage(bytes);
  ASSERT_TRUE(package.ok()) << package.error().message();
  EXPECT_EQ(package->info.name, "hello");
  EXPECT_EQ(package->info.version, "2.12-r1");
  EXPECT_EQ(package->info.build_date, 1700000000);       // taken from mtime when unset
  EXPECT_EQ(package->info.installed_size, 21U + 3000U);  // regular file bytes
  EXPECT_EQ(package->info.depends, HelloInfo().depends);
  EXPECT_EQ(package->info.origin, "hello");
  EXPECT_EQ(package->data_entries, 5U);
  ASSERT_EQ(package->signatures.size(), 1U);
  EXPECT_EQ(package->signatures[0].key_name, "test-key.rsa.pub");
  EXPECT_EQ(package->signatures[0].algorithm, SignatureAlgorithm::kRsaSha256);
  // The signature covers the control member's raw gzip bytes.
  EXPECT_TRUE(Signer()
                  .public_key()
                  .Verify(crypto::DigestAlgorithm::kSha256, package->control.In(bytes),
                          package->signatures[0].signature)
                  .ok());
  EXPECT_FALSE(Signer()
                   .public_key()
                   .Verify(crypto::DigestAlgorithm::kSha256, package->data.In(bytes),
                           package->signatures[0].signature)
                   .ok());
  const auto members = Members(bytes);
  ASSERT_EQ(members.size(), 3U);
  EXPECT_EQ(package->control.offset, members[1].offset);
  EXPECT_EQ(package->info.datahash, HexEncode(crypto::Sha256(MemberBytes(bytes, members[2]))));
}

TEST(PackageWriterTest, UnsignedPackageHasTwoMembers) {
  const std::string bytes = BuildOk(HelloInfo(), HelloFiles(), nullptr);
  EXPECT_EQ(Members(bytes).size(), 2U);
  auto package = ReadPackage(bytes);
  ASSERT_TRUE(package.ok()) << package.error().message();
  EXPECT_TRUE(package->signatures.empty());
  EXPECT_EQ(package->info.build_date, 0);
}

TEST(PackageWriterTest, OutputIsDeterministicAndOrderIndependent) {
  const std::string a = BuildOk(HelloInfo(), HelloFiles(), &Signer());
  std::vector<PackageFile> reversed = HelloFiles();
  std::reverse(reversed.begin(), reversed.end());
  const std::string b = BuildOk(HelloInfo(), reversed, &Signer());
  EXPECT_EQ(a, b);
  PkgInfo changed = HelloInfo();
  changed.description = "greets loudly";
  EXPECT_NE(BuildOk(changed, HelloFiles(), &Signer()), a);
}

TEST(PackageWriterTest, RefusesBadInput) {
  struct Case {
    PkgInfo info;
    std::vector<PackageFile> files;
    std::string phrase;
  };
  PkgInfo bad_name = HelloInfo();
  bad_name.name = "-hello";
  PkgInfo bad_version = HelloInfo();
  bad_version.version = "1.0p1";
  PkgInfo no_arch = HelloInfo();
  no_arch.arch.clear();
  PkgInfo bad_dep = HelloInfo();
  bad_dep.depends = {"foo>=1..2"};
  const auto file = [](std::string path) {
    return std::vector<PackageFile>{{.path = std::move(path),
                                     .type = TarEntryType::kRegular,
                                     .mode = 0644,
                                     .content = "x",
                                     .link_target = ""}};
  };
  // Every bad argument is kInvalidArgument, including a dependency that apk 3 cannot parse.
  const Case cases[] = {
      {bad_name, HelloFiles(), "invalid package name '-hello'"},
      {bad_version, HelloFiles(), "version '1.0p1' is not valid"},
      {no_arch, HelloFiles(), "arch is empty"},
      {bad_dep, HelloFiles(), "foo>=1..2"},
      {HelloInfo(), file("../etc/passwd"), "escapes the root"},
      {HelloInfo(), file("a/../../x"), "escapes the root"},
      {HelloInfo(), file("/etc/passwd"), "absolute entry name"},
  };
  for (const Case& c : cases) {
    auto package = BuildPackage(c.info, c.files, &Signer());
    ASSERT_FALSE(package.ok()) << c.phrase;
    EXPECT_EQ(package.error().code(), ErrorCode::kInvalidArgument) << package.error().message();
    EXPECT_TRUE(Contains(package.error().message(), c.phrase)) << package.error().message();
  }
  const crypto::LocalSigner no_name("", TestKey());
  auto unnamed = BuildPackage(HelloInfo(), HelloFiles(), &no_name);
  ASSERT_FALSE(unnamed.ok()) << "an empty key name gives an entry '.SIGN.RSA256.' nobody reads";
  EXPECT_EQ(unnamed.error().code(), ErrorCode::kInvalidArgument);
  // apk-tools take an entry name with '/' for data.
  const crypto::LocalSigner slash("keys/acme.rsa.pub", TestKey());
  auto with_slash = BuildPackage(HelloInfo(), HelloFiles(), &slash);
  ASSERT_FALSE(with_slash.ok());
  EXPECT_EQ(with_slash.error().code(), ErrorCode::kInvalidArgument);
  // `.SIGN.RSA256.` is 13 bytes: 87 bytes of key name fit the 100-byte field, 88 do not.
  const crypto::LocalSigner fits(std::string(79, 'k') + ".rsa.pub", TestKey());
  EXPECT_TRUE(BuildPackage(HelloInfo(), HelloFiles(), &fits).ok());
  const crypto::LocalSigner long_name(std::string(80, 'k') + ".rsa.pub", TestKey());
  auto package = BuildPackage(HelloInfo(), HelloFiles(), &long_name);
  ASSERT_FALSE(package.ok());
  EXPECT_EQ(package.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(package.error().message(), "too long for a signature entry"));
}

// A line break in any .PKGINFO value would inject keys ("pkgdesc = x\ndepend = evil") and give a
// package that ReadPackage itself refuses.
TEST(PackageWriterTest, RefusesLineBreaksInValues) {
  const auto refused = [](const PkgInfo& info) {
    auto package = BuildPackage(info, HelloFiles(), nullptr);
    if (package.ok()) {
      return ::testing::AssertionFailure()
             << "built; reading it back gives: "
             << (ReadPackage(*package).ok() ? "ok" : ReadPackage(*package).error().message());
    }
    if (package.error().code() != ErrorCode::kInvalidArgument) {
      return ::testing::AssertionFailure() << package.error().message();
    }
    return ::testing::AssertionSuccess();
  };
  PkgInfo info = HelloInfo();
  info.description = "greets\ndepend = evil";
  EXPECT_TRUE(refused(info));
  info = HelloInfo();
  info.url = "https://example.com\r";
  EXPECT_TRUE(refused(info));
  info = HelloInfo();
  info.license = "MIT\nAND evil";
  EXPECT_TRUE(refused(info));
  info = HelloInfo();
  info.maintainer = std::string("a\0b", 3);
  EXPECT_TRUE(refused(info));
}

TEST(PackageWriterTest, CollectPackageFiles) {
  TempDir dir;
  dir.Write("root/usr/bin/tool", "#!/bin/sh\n", 0755);
  dir.Write("root/etc/conf", "k=v\n", 0600);
  ASSERT_EQ(::symlink("tool", dir.File("root/usr/bin/alias").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/passwd", dir.File("root/etc/outside").c_str()), 0);
  auto files = CollectPackageFiles(dir.File("root"));
  ASSERT_TRUE(files.ok()) << files.error().message();
  std::vector<std::string> paths;
  for (const PackageFile& f : *files) {
    paths.push_back(f.path);
  }
  // The symlink keeps its own path (not the path of the file it points to).
  EXPECT_EQ(paths, (std::vector<std::string>{"etc", "etc/conf", "etc/outside", "usr", "usr/bin",
                                             "usr/bin/alias", "usr/bin/tool"}));
  EXPECT_EQ((*files)[1].content, "k=v\n");
  EXPECT_EQ((*files)[1].mode, 0600U);
  EXPECT_EQ((*files)[2].type, TarEntryType::kSymlink);
  EXPECT_EQ((*files)[2].link_target, "/etc/passwd");
  EXPECT_EQ((*files)[3].type, TarEntryType::kDirectory);
  EXPECT_EQ((*files)[5].type, TarEntryType::kSymlink);
  EXPECT_EQ((*files)[5].link_target, "tool");
  EXPECT_EQ((*files)[6].mode, 0755U);
  EXPECT_TRUE(BuildPackage(HelloInfo(), *files, nullptr).ok());
  auto with_slash = CollectPackageFiles(dir.File("root") + "/");
  ASSERT_TRUE(with_slash.ok());
  ASSERT_EQ(with_slash->size(), files->size());
  EXPECT_EQ((*with_slash)[5].path, "usr/bin/alias");

  ASSERT_EQ(::mkfifo(dir.File("root/fifo").c_str(), 0644), 0);
  auto fifo = CollectPackageFiles(dir.File("root"));
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().code(), ErrorCode::kInvalidArgument);
  auto missing = CollectPackageFiles(dir.File("absent"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Contains(missing.error().message(), "is not a directory"));
}

// ---- Independent checkers: GNU tar, sha256sum, sha1sum, openssl, Python's tarfile -----------

class PackageWriterToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bytes_ = BuildOk(HelloInfo(), HelloFiles(), &Signer());
    path_ = dir_.Write("hello-2.12-r1.apk", bytes_);
    members_ = Members(bytes_);
    ASSERT_EQ(members_.size(), 3U);
  }

  std::string Run(const std::string& command) {
    const auto result = RunCommand(command);
    EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
    return result.output;
  }

  TempDir dir_;
  std::string bytes_;
  std::string path_;
  std::vector<GzipMember> members_;
};

TEST_F(PackageWriterToolsTest, GnuTarListsTheEntries) {
  const std::string listing = Run("tar tzf " + ShellQuote(path_) + " 2>/dev/null");
  EXPECT_EQ(listing,
            ".SIGN.RSA256.test-key.rsa.pub\n.PKGINFO\nusr\nusr/bin\nusr/bin/hello\n"
            "usr/bin/hi\nusr/share/hello/" +
                std::string(110, 'l') + "\n");
  const std::string content = Run("tar xzOf " + ShellQuote(path_) + " usr/bin/hello 2>/dev/null");
  EXPECT_EQ(content, "#!/bin/sh\necho hello\n");
}

TEST_F(PackageWriterToolsTest, DatahashAndIdentityMatchIndependentDigests) {
  dir_.Write("control.bin", MemberBytes(bytes_, members_[1]));
  dir_.Write("data.bin", MemberBytes(bytes_, members_[2]));
  auto package = ReadPackage(bytes_);
  ASSERT_TRUE(package.ok());
  const std::string sha256 = Run("sha256sum " + ShellQuote(dir_.File("data.bin")));
  EXPECT_EQ(sha256.substr(0, 64), package->info.datahash);
  const std::string b64 = Run("openssl dgst -sha1 -binary " + ShellQuote(dir_.File("control.bin")) +
                              " | openssl base64 -A");
  EXPECT_EQ("Q1" + b64, package->identity);
  // And the .PKGINFO that tar extracts says the same datahash.
  const std::string pkginfo = Run("tar xzOf " + ShellQuote(path_) + " .PKGINFO 2>/dev/null");
  EXPECT_TRUE(Contains(pkginfo, "\ndatahash = " + package->info.datahash + "\n")) << pkginfo;
}

TEST_F(PackageWriterToolsTest, PerFileChecksumsMatchSha1sum) {
  if (RunCommand("command -v python3").exit_code != 0) {
    GTEST_SKIP() << "python3 is not installed";
  }
  // Python's tarfile reads the PAX records; sha1sum hashes the original contents.
  const std::string script =
      "import sys, tarfile\n"
      "with tarfile.open(sys.argv[1], 'r:gz') as t:\n"
      "    for m in t.getmembers():\n"
      "        c = m.pax_headers.get('APK-TOOLS.checksum.SHA1')\n"
      "        if c: print(c, m.name)\n";
  dir_.Write("pax.py", script);
  const std::string listed =
      Run("python3 " + ShellQuote(dir_.File("pax.py")) + " " + ShellQuote(path_));
  std::string expected;
  for (const PackageFile& f : HelloFiles()) {
    if (f.type == TarEntryType::kDirectory) {
      continue;
    }
    const std::string file =
        dir_.Write("orig/" + f.path, f.type == TarEntryType::kSymlink ? f.link_target : f.content);
    expected += Run("sha1sum " + ShellQuote(file)).substr(0, 40) + " " + f.path + "\n";
  }
  // tarfile lists in archive order (sorted by path), the same order as this sorted expectation.
  std::vector<std::string> want_lines;
  std::vector<std::string> got_lines;
  for (size_t at = 0, nl = 0; (nl = expected.find('\n', at)) != std::string::npos; at = nl + 1) {
    want_lines.push_back(expected.substr(at, nl - at));
  }
  for (size_t at = 0, nl = 0; (nl = listed.find('\n', at)) != std::string::npos; at = nl + 1) {
    got_lines.push_back(listed.substr(at, nl - at));
  }
  std::sort(want_lines.begin(), want_lines.end());
  std::sort(got_lines.begin(), got_lines.end());
  EXPECT_EQ(got_lines, want_lines);
  EXPECT_EQ(got_lines.size(), 3U);
}

TEST_F(PackageWriterToolsTest, SignatureVerifiesWithOpenssl) {
  dir_.Write("control.bin", MemberBytes(bytes_, members_[1]));
  dir_.Write("pub.pem", Signer().public_key().ToPem());
  Run("cd " + ShellQuote(dir_.path()) + " && tar xzf " + ShellQuote(path_) +
      " .SIGN.RSA256.test-key.rsa.pub 2>/dev/null");
  const std::string verified =
      Run("cd " + ShellQuote(dir_.path()) +
          " && openssl dgst -sha256 -verify pub.pem -signature .SIGN.RSA256.test-key.rsa.pub "
          "control.bin");
  EXPECT_TRUE(Contains(verified, "Verified OK")) << verified;
}

}  // namespace
}  // namespace apkd::format
