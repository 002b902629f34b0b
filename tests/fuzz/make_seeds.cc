// Writes the committed seed corpora for the package and index fuzzers, made with our own
// writers (never copies of fixtures): a few tiny packages and indexes, and APKINDEX texts.
//   apkd_fuzz_make_seeds <tests/fuzz/corpus>
// The key is generated on each run, so the bytes differ between runs; the shapes do not.
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "crypto/rsa_key.h"
#include "crypto/signer.h"
#include "format/apkindex_text.h"
#include "format/index_record.h"
#include "format/package_reader.h"
#include "format/package_writer.h"
#include "format/pkginfo.h"
#include "index/index_builder.h"
#include "util/file_io.h"
#include "util/result.h"

namespace apkd {
namespace {

constexpr int kSeedKeyBits = 2048;  // small seeds; the readers do not care about key size
constexpr size_t kMaxSeedBytes = size_t{8} * 1024;
constexpr int64_t kMtime = 1'700'000'000;

using format::PackageFile;
using format::PkgInfo;
using format::TarEntryType;

PackageFile File(std::string path, std::string content, uint32_t mode = 0644) {
  return {.path = std::move(path), .mode = mode, .content = std::move(content)};
}
PackageFile Dir(std::string path) {
  return {.path = std::move(path), .type = TarEntryType::kDirectory, .mode = 0755};
}
PackageFile Symlink(std::string path, std::string target) {
  return {.path = std::move(path),
          .type = TarEntryType::kSymlink,
          .mode = 0777,
          .link_target = std::move(target)};
}

struct Seed {
  std::string name;
  std::string bytes;
};

Result<std::vector<Seed>> PackageSeeds(const crypto::Signer& signer) {
  PkgInfo hello{.name = "hello", .version = "2.12.1-r0", .arch = "x86_64"};
  hello.description = "the GNU hello world program";
  hello.url = "https://www.gnu.org/software/hello/";
  hello.license = "GPL-3.0-or-later";
  hello.origin = "hello";
  hello.maintainer = "Seed Maker <seeds@example.org>";
  hello.commit = "0123456789abcdef0123456789abcdef01234567";
  hello.depends = {"so:libc.musl-x86_64.so.1", "busybox>=1.35"};
  hello.provides = {"cmd:hello=2.12.1-r0"};
  std::vector<PackageFile> hello_files = {Dir("usr"), Dir("usr/bin"),
                                          File("usr/bin/hello", "#!/bin/sh\necho hello\n", 0755),
                                          Symlink("usr/bin/hi", "hello")};

  PkgInfo minimal{.name = "a", .version = "0", .arch = "noarch"};

  PkgInfo fancy{.name = "py3-fancy_lib+extra", .version = "1.2.3_rc4_p5-r10", .arch = "aarch64"};
  fancy.provider_priority = 100;
  fancy.depends = {"!py3-old", "python3~3.11", "so:libz.so.1 so:libssl.so.3"};
  fancy.provides = {"py3.11-fancy=1.2.3_rc4_p5-r10", "pc:fancy"};
  fancy.install_if = {"py3-fancy_lib+extra=1.2.3_rc4_p5-r10", "python3"};
  fancy.replaces = {"py3-fancy"};
  fancy.triggers = {"/usr/lib/python3.11/site-packages/*"};
  fancy.other = {{"pkgtype", "python"}};
  std::vector<PackageFile> fancy_files = {
      File(std::string(60, 'd') + "/" + std::string(60, 'f') + ".py", "x = 1\n"),  // PAX path
      File("etc/empty.conf", ""), Symlink("usr/lib/fancy.so", "../../" + std::string(110, 'l'))};

  format::PackageBuildOptions options{.mtime = kMtime};
  std::vector<Seed> seeds;
  APKD_ASSIGN_OR_RETURN(std::string signed_hello,
                        format::BuildPackage(hello, hello_files, &signer, options));
  seeds.push_back({"hello-signed.apk", std::move(signed_hello)});
  APKD_ASSIGN_OR_RETURN(std::string unsigned_minimal,
                        format::BuildPackage(minimal, {}, nullptr, options));
  seeds.push_back({"minimal-unsigned.apk", std::move(unsigned_minimal)});
  APKD_ASSIGN_OR_RETURN(std::string signed_fancy,
                        format::BuildPackage(fancy, fancy_files, &signer, options));
  seeds.push_back({"fancy-signed.apk", std::move(signed_fancy)});
  return seeds;
}

// A text with what the writer never emits: unknown letters, repeated list lines, extra blank
// lines, negative numbers, and no final blank line.
constexpr std::string_view kOddText =
    "C:Q1Yz3Fr6tMmjKtkySdTVNbnIEHVkM=\n"
    "P:odd\n"
    "V:1.0-r0\n"
    "A:x86_64\n"
    "S:1\n"
    "I:0\n"
    "T:a  description:with: colons\n"
    "t:-1\n"
    "k:-5\n"
    "D:a  b\n"
    "D:!c>=1\n"
    "r:replaced-pkg\n"
    "q:100\n"
    "F:usr/bin\n"
    "\n"
    "\n"
    "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    "P:odd\n"
    "V:1.0-r0\n"
    "p:so:libodd.so.1=1 cmd:odd\n"
    "i:odd base\n";

Result<std::vector<Seed>> IndexSeeds(const crypto::Signer& signer,
                                     const std::vector<Seed>& packages) {
  std::vector<format::IndexRecord> records;
  for (const Seed& package : packages) {
    APKD_ASSIGN_OR_RETURN(const format::Package read, format::ReadPackage(package.bytes));
    records.push_back(read.ToIndexRecord());
  }
  format::SortIndexRecords(records);
  const std::string text = format::FormatApkIndex(records);
  const crypto::Signer* signers[] = {&signer};

  std::vector<Seed> seeds;
  index::IndexBuildOptions options{.description = "seed-repo", .mtime = kMtime};
  APKD_ASSIGN_OR_RETURN(std::string signed_index,
                        index::BuildSignedIndex(records, signers, options));
  seeds.push_back({"signed-APKINDEX.tar.gz", std::move(signed_index)});
  options.sha1_signature_first = true;
  APKD_ASSIGN_OR_RETURN(std::string two_signatures,
                        index::BuildSignedIndex(records, signers, options));
  seeds.push_back({"sha1-first-APKINDEX.tar.gz", std::move(two_signatures)});
  APKD_ASSIGN_OR_RETURN(std::string unsigned_index, index::BuildIndexDataMember(text, {}));
  seeds.push_back({"unsigned-APKINDEX.tar.gz", std::move(unsigned_index)});
  seeds.push_back({"text-canonical.txt", text});
  seeds.push_back({"text-odd.txt", std::string(kOddText)});
  return seeds;
}

Status WriteSeeds(const std::filesystem::path& dir, const std::vector<Seed>& seeds) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIoError, "creating " + dir.string() + ": " + ec.message());
  }
  for (const Seed& seed : seeds) {
    if (seed.bytes.size() > kMaxSeedBytes) {
      return MakeError(ErrorCode::kLimitExceeded, seed.name + " is " +
                                                      std::to_string(seed.bytes.size()) +
                                                      " bytes; seeds stay under 8 KiB");
    }
    APKD_RETURN_IF_ERROR(WriteFileAtomic((dir / seed.name).string(), seed.bytes));
    std::printf("%6zu  %s\n", seed.bytes.size(), (dir / seed.name).c_str());
  }
  return OkStatus();
}

Status Run(const std::filesystem::path& root) {
  APKD_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(kSeedKeyBits));
  std::string key_name = crypto::KeyIdFor("fuzz-seed", key.GetPublicKey()) + ".rsa.pub";
  const crypto::LocalSigner signer(std::move(key_name), std::move(key));
  APKD_ASSIGN_OR_RETURN(const std::vector<Seed> packages, PackageSeeds(signer));
  APKD_ASSIGN_OR_RETURN(const std::vector<Seed> indexes, IndexSeeds(signer, packages));
  APKD_RETURN_IF_ERROR(WriteSeeds(root / "package_reader", packages));
  return WriteSeeds(root / "index_reader", indexes);
}

}  // namespace
}  // namespace apkd

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir, e.g. tests/fuzz/corpus>\n", argv[0]);
    return 2;
  }
  const apkd::Status status = apkd::Run(argv[1]);
  if (!status.ok()) {
    std::fprintf(stderr, "apkd_fuzz_make_seeds: %s\n", status.error().message().c_str());
    return 1;
  }
  return 0;
}
