// Assembling APK packages from parts (signature, control and data members) so that each negative
// test can change exactly one thing: a missing datahash, a file without its PAX checksum, a
// name with `..`. Also 2048-bit test keys generated once per process. Not thread-safe on first
// use of the keys; the tests are single-threaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/rsa_key.h"
#include "format/tar.h"

namespace apkd::testing {

// Two distinct 2048-bit keys, generated on first use and kept for the whole test binary.
const crypto::PrivateKey& TestKey();
const crypto::PrivateKey& OtherTestKey();

struct TarItem {
  format::TarEntry entry;
  std::string body;
};

// A regular file whose PAX header carries the correct APK-TOOLS.checksum.SHA1.
TarItem FileItem(std::string name, std::string content, uint32_t mode = 0644);
// A symlink whose PAX checksum covers the target, as apk expects.
TarItem SymlinkItem(std::string name, std::string target);
TarItem DirItem(std::string name);
// A regular file with no PAX checksum at all.
TarItem BareFileItem(std::string name, std::string content);

// Serialises `items` with format::TarWriter; `end_of_archive` appends the 1024 zero bytes.
std::string TarBytes(const std::vector<TarItem>& items, bool end_of_archive);

enum class DataHash { kCorrect, kMissing, kWrong };

struct PackageParts {
  // .PKGINFO text without its datahash line (which is appended according to `datahash`).
  std::string pkginfo =
      "# test package\n"
      "pkgname = hello\n"
      "pkgver = 1.0-r0\n"
      "pkgdesc = test package hello\n"
      "url = https://example.com/hello\n"
      "builddate = 1700000000\n"
      "size = 10\n"
      "arch = x86_64\n"
      "origin = hello\n"
      "license = MIT\n"
      "depend = libfoo>=2\n";
  DataHash datahash = DataHash::kCorrect;
  std::vector<TarItem> control_extra;  // entries after .PKGINFO in the control member
  std::vector<TarItem> data = DefaultData();
  bool data_end_of_archive = true;
  const crypto::PrivateKey* key = &TestKey();  // nullptr: unsigned (two members)
  std::string key_name = "test.rsa.pub";

  static std::vector<TarItem> DefaultData();
};

// The three gzip members, each usable on its own (offsets, hashes, re-assembly).
struct PackageMembers {
  std::string signature;  // empty when unsigned
  std::string control;
  std::string data;
  std::string pkginfo;  // the exact .PKGINFO text in the control member

  std::string Bytes() const { return signature + control + data; }
};

PackageMembers BuildPackageMembers(const PackageParts& parts);

// The body of entry `name` in a (multi-member) tar.gz such as an APKINDEX.tar.gz; fails the
// test and returns "" when it cannot be read or the entry is absent.
std::string TarGzEntry(std::string_view targz, std::string_view name);

// The `.SIGN.RSA256.<key_name>` member over `control_member`, signed by `key`.
std::string SignatureMember(const crypto::PrivateKey& key, std::string_view key_name,
                            std::string_view control_member);

}  // namespace apkd::testing
