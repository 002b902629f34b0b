#include "support/package_parts.h"

#include <stdexcept>
#include <utility>

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "format/gzip.h"
#include "format/signature_entry.h"
#include "format/tar_reader.h"
#include "format/tar_writer.h"
#include "util/encoding.h"

namespace apkd::testing {
namespace {

constexpr int kTestKeyBits = 2048;

crypto::PrivateKey GenerateOrDie() {
  auto key = crypto::PrivateKey::Generate(kTestKeyBits);
  if (!key.ok()) {
    throw std::runtime_error("test key generation failed: " + key.error().message());
  }
  return std::move(key).value();
}

format::TarEntry Entry(std::string name, format::TarEntryType type, uint32_t mode) {
  format::TarEntry entry;
  entry.name = std::move(name);
  entry.type = type;
  entry.mode = mode;
  entry.uname = "root";
  entry.gname = "root";
  return entry;
}

std::string Sha1Hex(std::string_view data) { return HexEncode(crypto::Sha1(data)); }

// Keeps the body of one named entry.
class EntryGrabber : public format::TarHandler {
 public:
  explicit EntryGrabber(std::string_view name) : name_(name) {}
  Status OnEntry(const format::TarEntry& entry) override {
    in_target_ = entry.name == name_;
    found_ = found_ || in_target_;
    return OkStatus();
  }
  Status OnBody(std::string_view chunk) override {
    if (in_target_) {
      body_.append(chunk);
    }
    return OkStatus();
  }
  Status OnEntryEnd() override {
    in_target_ = false;
    return OkStatus();
  }
  bool found() const { return found_; }
  const std::string& body() const { return body_; }

 private:
  std::string_view name_;
  bool in_target_ = false;
  bool found_ = false;
  std::string body_;
};

}  // namespace

const crypto::PrivateKey& TestKey() {
  static const crypto::PrivateKey key = GenerateOrDie();
  return key;
}

const crypto::PrivateKey& OtherTestKey() {
  static const crypto::PrivateKey key = GenerateOrDie();
  return key;
}

TarItem FileItem(std::string name, std::string content, uint32_t mode) {
  TarItem item{Entry(std::move(name), format::TarEntryType::kRegular, mode), std::move(content)};
  item.entry.pax[std::string(format::kPaxChecksumSha1)] = Sha1Hex(item.body);
  return item;
}

TarItem SymlinkItem(std::string name, std::string target) {
  TarItem item{Entry(std::move(name), format::TarEntryType::kSymlink, 0777), ""};
  item.entry.pax[std::string(format::kPaxChecksumSha1)] = Sha1Hex(target);
  item.entry.link_name = std::move(target);
  return item;
}

TarItem DirItem(std::string name) {
  return {Entry(std::move(name), format::TarEntryType::kDirectory, 0755), ""};
}

TarItem BareFileItem(std::string name, std::string content) {
  return {Entry(std::move(name), format::TarEntryType::kRegular, 0644), std::move(content)};
}

std::string TarBytes(const std::vector<TarItem>& items, bool end_of_archive) {
  format::TarWriter tar;
  for (const TarItem& item : items) {
    tar.Add(item.entry, item.body);
  }
  if (end_of_archive) {
    tar.Finish();
  }
  return tar.Release();
}

std::vector<TarItem> PackageParts::DefaultData() {
  return {DirItem("usr"), DirItem("usr/bin"), FileItem("usr/bin/hello", "#!/bin/sh\n", 0755),
          SymlinkItem("usr/bin/hi", "hello")};
}

PackageMembers BuildPackageMembers(const PackageParts& parts) {
  PackageMembers members;
  members.data = format::GzipCompress(TarBytes(parts.data, parts.data_end_of_archive));
  members.pkginfo = parts.pkginfo;
  switch (parts.datahash) {
    case DataHash::kCorrect:
      members.pkginfo += "datahash = " + HexEncode(crypto::Sha256(members.data)) + "\n";
      break;
    case DataHash::kWrong:
      members.pkginfo += "datahash = " + HexEncode(crypto::Sha256("something else")) + "\n";
      break;
    case DataHash::kMissing:
      break;
  }
  std::vector<TarItem> control{
      {Entry(".PKGINFO", format::TarEntryType::kRegular, 0644), members.pkginfo}};
  control.insert(control.end(), parts.control_extra.begin(), parts.control_extra.end());
  members.control = format::GzipCompress(TarBytes(control, /*end_of_archive=*/false));
  if (parts.key != nullptr) {
    members.signature = SignatureMember(*parts.key, parts.key_name, members.control);
  }
  return members;
}

std::string TarGzEntry(std::string_view targz, std::string_view name) {
  auto tar = format::GunzipAll(targz);
  EXPECT_TRUE(tar.ok()) << (tar.ok() ? "" : tar.error().message());
  if (!tar.ok()) {
    return {};
  }
  EntryGrabber grabber(name);
  format::TarReader reader(grabber, {});
  const Status status = reader.Feed(*tar);
  EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message());
  EXPECT_TRUE(grabber.found()) << "no entry " << name;
  return grabber.body();
}

std::string SignatureMember(const crypto::PrivateKey& key, std::string_view key_name,
                            std::string_view control_member) {
  auto signature = key.Sign(crypto::DigestAlgorithm::kSha256, control_member);
  EXPECT_TRUE(signature.ok());
  const std::string name =
      format::SignatureEntryName(format::SignatureAlgorithm::kRsaSha256, key_name);
  TarItem item{Entry(name, format::TarEntryType::kRegular, 0644),
               signature.ok() ? *signature : std::string()};
  item.entry.uname.clear();
  item.entry.gname.clear();
  return format::GzipCompress(TarBytes({item}, /*end_of_archive=*/false));
}

}  // namespace apkd::testing
