// End-to-end tests of the offline apkctl tools, checked with tools that share no code with
// apkd: GNU tar lists archives, openssl checks signatures and digests, Python's zlib cuts gzip
// members.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/file_io.h"

namespace apkd {
namespace {

using testing::BuiltBinary;
using testing::Fixture;
using testing::RunCommand;
using testing::ShellQuote;
using testing::TempDir;

std::string Apkctl(const std::string& args) { return BuiltBinary("apkctl") + " " + args; }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

// Records as sets of lines, so that field order and record order do not matter.
std::set<std::set<std::string>> RecordSet(const std::string& text) {
  std::set<std::set<std::string>> records;
  std::set<std::string> current;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!current.empty()) {
        records.insert(current);
      }
      current.clear();
    } else {
      current.insert(line);
    }
  }
  if (!current.empty()) {
    records.insert(current);
  }
  return records;
}

class ApkctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = RunCommand(Apkctl("keygen test --bits 2048 -o " + dir_.path()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto r2 = RunCommand("ls " + dir_.path() + "/test-*.rsa");
    key_ = Trim(r2.output);
    ASSERT_FALSE(key_.empty());
  }

  // Splits `file` into raw gzip members with Python's zlib; returns the member paths.
  std::vector<std::string> SplitMembers(const std::string& file, const std::string& name) {
    const std::string out = dir_.path() + "/" + name;
    RunCommand("mkdir -p " + out);
    auto r = RunCommand(std::string("python3 ") + APKD_SPLIT_GZIP + " " + ShellQuote(file) + " " +
                        out);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::vector<std::string> members;
    for (int i = 0; i < std::stoi(r.output); ++i) {
      members.push_back(out + "/member" + std::to_string(i) + ".gz");
    }
    return members;
  }

  TempDir dir_;
  std::string key_;
};

TEST_F(ApkctlTest, KeygenWritesPrivateKeyAndIdFromPublicKeyHash) {
  struct stat st {};
  ASSERT_EQ(::stat(key_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  // The id is the SHA-256 of the DER SubjectPublicKeyInfo, recomputed by openssl.
  auto r = RunCommand("openssl pkey -pubin -in " + key_ + ".pub -outform DER | sha256sum");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string hex = r.output.substr(0, 64);
  EXPECT_NE(key_.find("/test-" + hex + ".rsa"), std::string::npos) << key_;
}

TEST_F(ApkctlTest, BuiltPackageVerifiesAndItsHashesMatchIndependentTools) {
  const std::string tree = dir_.path() + "/tree";
  dir_.Write("tree/usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
  dir_.Write("tree/usr/share/hello/data.txt", "some data\n");
  RunCommand("ln -s hello " + tree + "/usr/bin/hi");
  const std::string apk = dir_.path() + "/hello-1.0-r0.apk";
  auto build = RunCommand(Apkctl("build -o " + apk + " --sign-key " + key_ +
                                 " --name hello --version 1.0-r0 --arch x86_64 --depend so:libc.so "
                                 "--description 'test package' " + tree));
  ASSERT_EQ(build.exit_code, 0) << build.output;
  auto verify = RunCommand(Apkctl("verify --keys-dir " + dir_.path() + " " + apk));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;

  auto listing = RunCommand("tar tzf " + apk + " 2>/dev/null");
  EXPECT_NE(listing.output.find("usr/bin/hello"), std::string::npos) << listing.output;
  EXPECT_NE(listing.output.find(".PKGINFO"), std::string::npos);

  const auto members = SplitMembers(apk, "pkg");
  ASSERT_EQ(members.size(), 3U);
  auto datahash = RunCommand("sha256sum < " + members[2]);
  auto pkginfo = RunCommand("tar xzOf " + apk + " .PKGINFO 2>/dev/null");
  EXPECT_NE(pkginfo.output.find("datahash = " + datahash.output.substr(0, 64)),
            std::string::npos)
      << pkginfo.output;
  auto identity = RunCommand("openssl dgst -sha1 -binary " + members[1] + " | base64");
  auto info = RunCommand(Apkctl("info " + apk));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("C:Q1" + Trim(identity.output) + "\n"), std::string::npos)
      << info.output;
  // Per-file checksum of the shell script, as sha1sum sees it.
  auto sha1 = RunCommand("sha1sum < " + tree + "/usr/bin/hello");
  auto pax = RunCommand("zcat " + members[2] + " | strings | grep APK-TOOLS.checksum.SHA1");
  EXPECT_NE(pax.output.find(sha1.output.substr(0, 40)), std::string::npos) << pax.output;
}

TEST_F(ApkctlTest, IndexOverFixturePackagesReproducesShippedRecords) {
  APKD_REQUIRE_FIXTURES();
  for (const std::string repo : {"melange-built", "private-packages"}) {
    for (const std::string arch : {"x86_64", "aarch64"}) {
      SCOPED_TRACE(repo + "/" + arch);
      const std::string dir = Fixture(repo + "/" + arch);
      const std::string out = dir_.path() + "/" + repo + "-" + arch + ".tar.gz";
      auto r = RunCommand(Apkctl("index -o " + out + " --sign-key " + key_ + " --rewrite-arch " +
                                 arch + " " + dir + "/*.apk"));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      auto ours = RunCommand("tar xzOf " + out + " APKINDEX 2>/dev/null");
      auto shipped = RunCommand("tar xzOf " + dir + "/APKINDEX.tar.gz APKINDEX 2>/dev/null");
      EXPECT_EQ(RecordSet(ours.output), RecordSet(shipped.output));
      EXPECT_FALSE(RecordSet(ours.output).empty());
    }
  }
}

TEST_F(ApkctlTest, IndexIsReadableByTarAndItsSignatureByOpenssl) {
  APKD_REQUIRE_FIXTURES();
  const std::string out = dir_.path() + "/APKINDEX.tar.gz";
  auto r = RunCommand(Apkctl("index -o " + out + " --sign-key " + key_ +
                             " --description 'test repo' " +
                             Fixture("melange-built/x86_64") + "/*.apk"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Member 1 has no end-of-archive marker by design; GNU tar still lists everything.
  auto listing = RunCommand("tar tzf " + out + " 2>/dev/null");
  const std::string key_name = key_.substr(key_.rfind('/') + 1) + ".pub";
  EXPECT_EQ(listing.output, ".SIGN.RSA256." + key_name + "\nDESCRIPTION\nAPKINDEX\n");

  const auto members = SplitMembers(out, "index");
  ASSERT_EQ(members.size(), 2U);
  const std::string sig = dir_.path() + "/sig";
  RunCommand("tar xzOf " + out + " .SIGN.RSA256." + key_name + " > " + sig + " 2>/dev/null");
  auto check = RunCommand("openssl dgst -sha256 -verify " + key_ + ".pub -signature " + sig +
                          " " + members[1]);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("Verified OK"), std::string::npos);
  // And openssl rejects it over the wrong bytes.
  auto wrong = RunCommand("openssl dgst -sha256 -verify " + key_ + ".pub -signature " + sig +
                          " " + members[0]);
  EXPECT_NE(wrong.exit_code, 0);
}

TEST_F(ApkctlTest, VerifyAcceptsShippedSignaturesAndRejectsAWrongKey) {
  APKD_REQUIRE_FIXTURES();
  auto good = RunCommand(Apkctl("verify --keys-dir " + Fixture("melange-built") + " " +
                                Fixture("melange-built/x86_64") + "/*"));
  EXPECT_EQ(good.exit_code, 0) << good.output;
  auto sha1 = RunCommand(Apkctl("verify --keys-dir " + Fixture("private-packages") + " " +
                                Fixture("private-packages/x86_64/APKINDEX.tar.gz")));
  EXPECT_EQ(sha1.exit_code, 0) << sha1.output;
  EXPECT_NE(sha1.output.find("OK (RSA signature"), std::string::npos) << sha1.output;

  // The Alpine key installed under melange's key name: a wrong key where the client looks.
  const std::string keys = dir_.path() + "/wrong-keys";
  RunCommand("mkdir -p " + keys + " && cp " +
             Fixture("alpine-3.16/keys/alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub") +
             " " + keys + "/melange.rsa.pub");
  auto bad = RunCommand(Apkctl("verify --keys-dir " + keys + " " +
                               Fixture("melange-built/x86_64/APKINDEX.tar.gz")));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("BAD signature"), std::string::npos) << bad.output;
  auto untrusted = RunCommand(Apkctl("verify --keys-dir " + Fixture("alpine-3.16/keys") + " " +
                                     Fixture("rsa256-signed/APKINDEX.tar.gz")));
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.output.find("UNTRUSTED"), std::string::npos) << untrusted.output;
}

TEST_F(ApkctlTest, VersionPrintsOrder) {
  EXPECT_EQ(RunCommand(Apkctl("version 1.2-r0 1.10-r0 2>/dev/null")).output, "<\n");
  EXPECT_EQ(RunCommand(Apkctl("version 1.0-r1 1.0-r1 2>/dev/null")).output, "=\n");
  EXPECT_EQ(RunCommand(Apkctl("version 1.0_p1-r0 1.0-r9 2>/dev/null")).output, ">\n");
  auto note = RunCommand(Apkctl("version 1.001 1.0_alpha"));
  EXPECT_NE(note.output.find("apk 2.14 orders them <"), std::string::npos) << note.output;
}

TEST_F(ApkctlTest, BadInputFailsWithReasonAndNonZeroExit) {
  const std::string garbage = dir_.Write("garbage.apk", "this is not a package");
  auto r = RunCommand(Apkctl("info " + garbage));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("not gzip data"), std::string::npos) << r.output;

  dir_.Write("tree/a", "a\n");
  const std::string apk = dir_.path() + "/a-1-r0.apk";
  ASSERT_EQ(RunCommand(Apkctl("build -o " + apk + " --sign-key " + key_ +
                              " --name a --version 1-r0 --arch x86_64 " + dir_.path() + "/tree"))
                .exit_code,
            0);
  auto truncated = RunCommand("head -c 700 " + apk + " > " + apk + ".cut && " +
                              Apkctl("info " + apk + ".cut"));
  EXPECT_NE(truncated.exit_code, 0);
  EXPECT_NE(truncated.output.find("truncated"), std::string::npos) << truncated.output;

  auto bad_version = RunCommand(Apkctl("build -o x.apk --sign-key " + key_ +
                                       " --name a --version 1.0a1 --arch x86_64 " +
                                       dir_.path() + "/tree"));
  EXPECT_EQ(bad_version.exit_code, 2) << bad_version.output;
  EXPECT_NE(bad_version.output.find("not valid for apk 3"), std::string::npos);

  auto unknown = RunCommand(Apkctl("index --bogus"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown option --bogus"), std::string::npos);
}

}  // namespace
}  // namespace apkd
