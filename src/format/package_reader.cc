#include "format/package_reader.h"

#include <optional>
#include <string>

#include "crypto/digest.h"
#include "format/version.h"
#include "util/encoding.h"

namespace apkd::format {
namespace {

enum class Segment { kUnknown, kSignature, kControl, kData };

Error Corrupt(std::string message) { return MakeError(ErrorCode::kCorrupt, std::move(message)); }

// Follows the tar stream across gzip members, knowing which segment each entry belongs to.
class PackageTarHandler : public TarHandler {
 public:
  PackageTarHandler(Package& package, const PackageReadOptions& options)
      : package_(package), options_(options) {}

  Status OnMemberStart() {
    switch (segment_) {
      case Segment::kUnknown:
        return OkStatus();  // decided by the first entry
      case Segment::kSignature:
        segment_ = Segment::kControl;
        return OkStatus();
      case Segment::kControl:
        if (!seen_pkginfo_) {
          return Corrupt("control member has no .PKGINFO");
        }
        segment_ = Segment::kData;
        return OkStatus();
      case Segment::kData:
        return Corrupt("extra gzip member in the data part (apk 3 rejects it)");
    }
    return OkStatus();
  }

  Status OnEntry(const TarEntry& entry) override {
    if (segment_ == Segment::kUnknown) {
      segment_ = entry.name.starts_with(kSignaturePrefix) ? Segment::kSignature : Segment::kControl;
    }
    body_.clear();
    switch (segment_) {
      case Segment::kSignature:
        return StartSignature(entry);
      case Segment::kControl:
        return StartControl(entry);
      case Segment::kData:
        return StartData(entry);
      case Segment::kUnknown:
        break;
    }
    return OkStatus();
  }

  Status OnBody(std::string_view chunk) override {
    if (segment_ == Segment::kData) {
      if (hashing_) {
        hasher_.Update(chunk);
      }
      return OkStatus();
    }
    if (keep_body_) {
      body_.append(chunk);
    }
    return OkStatus();
  }

  Status OnEntryEnd() override {
    switch (segment_) {
      case Segment::kSignature:
        package_.signatures.back().signature = std::move(body_);
        break;
      case Segment::kControl:
        if (keep_body_ && current_name_ == ".PKGINFO") {
          APKD_ASSIGN_OR_RETURN(package_.info, ParsePkgInfo(body_));
        }
        break;
      case Segment::kData:
        return FinishDataEntry();
      case Segment::kUnknown:
        break;
    }
    body_.clear();
    return OkStatus();
  }

  Segment segment() const { return segment_; }
  bool seen_pkginfo() const { return seen_pkginfo_; }

 private:
  Status StartSignature(const TarEntry& entry) {
    auto parsed = ParseSignatureEntryName(entry.name);
    if (!parsed || entry.type != TarEntryType::kRegular) {
      return Corrupt("signature member holds '" + entry.name + "', not a .SIGN.* entry");
    }
    if (package_.signatures.size() == options_.max_signature_entries) {
      return MakeError(ErrorCode::kLimitExceeded, "too many signature entries");
    }
    if (entry.size > options_.max_signature_bytes) {
      return MakeError(ErrorCode::kLimitExceeded, "signature entry '" + entry.name + "' is " +
                                                      std::to_string(entry.size) + " bytes");
    }
    package_.signatures.push_back(std::move(*parsed));
    keep_body_ = true;
    return OkStatus();
  }

  Status StartControl(const TarEntry& entry) {
    current_name_ = entry.name;
    if (!seen_pkginfo_ && entry.name != ".PKGINFO") {
      return Corrupt("control member starts with '" + entry.name + "', not .PKGINFO");
    }
    if (entry.name.front() != '.' || entry.name.find('/') != std::string::npos) {
      return Corrupt("data entry '" + entry.name +
                     "' inside the control member (the gzip member boundary is missing)");
    }
    if (entry.name == ".PKGINFO") {
      if (seen_pkginfo_) {
        return Corrupt("two .PKGINFO entries");
      }
      seen_pkginfo_ = true;
      if (entry.size > kMaxPkgInfoBytes) {
        return MakeError(ErrorCode::kLimitExceeded,
                         ".PKGINFO of " + std::to_string(entry.size) + " bytes is oversized (limit " +
                             std::to_string(kMaxPkgInfoBytes) + ")");
      }
    } else if (entry.size > options_.max_control_entry_bytes) {
      return MakeError(ErrorCode::kLimitExceeded, "control entry '" + entry.name + "' of " +
                                                      std::to_string(entry.size) +
                                                      " bytes is oversized");
    }
    package_.control_files.push_back(entry.name);
    keep_body_ = entry.name == ".PKGINFO";
    return OkStatus();
  }

  Status StartData(const TarEntry& entry) {
    ++package_.data_entries;
    hashing_ = false;
    expected_sha1_.clear();
    const bool needs_checksum =
        entry.type == TarEntryType::kRegular || entry.type == TarEntryType::kSymlink;
    if (!needs_checksum) {
      return OkStatus();
    }
    const auto it = entry.pax.find(std::string(kPaxChecksumSha1));
    if (it == entry.pax.end()) {
      return Corrupt("'" + entry.name + "' has no " + std::string(kPaxChecksumSha1) +
                     " (apk 3 refuses packages without per-file checksums)");
    }
    auto expected = HexDecode(it->second);
    if (!expected || expected->size() != crypto::DigestSize(crypto::DigestAlgorithm::kSha1)) {
      return Corrupt("'" + entry.name + "' has a malformed per-file checksum");
    }
    expected_sha1_ = std::move(*expected);
    current_name_ = entry.name;
    hashing_ = true;
    if (entry.type == TarEntryType::kSymlink) {
      hasher_.Update(entry.link_name);  // a symlink's checksum covers its target
    }
    return OkStatus();
  }

  Status FinishDataEntry() {
    if (!hashing_) {
      return OkStatus();
    }
    hashing_ = false;
    if (hasher_.Finish() != expected_sha1_) {
      return Corrupt("per-file checksum mismatch for '" + current_name_ + "'");
    }
    return OkStatus();
  }

  Package& package_;
  const PackageReadOptions& options_;
  Segment segment_ = Segment::kUnknown;
  std::string current_name_;
  std::string body_;
  bool keep_body_ = false;
  bool seen_pkginfo_ = false;
  bool hashing_ = false;
  std::string expected_sha1_;
  crypto::Hasher hasher_{crypto::DigestAlgorithm::kSha1};
};

Status CheckPkgInfo(Package& package, std::string_view bytes, const PackageReadOptions& options) {
  const PkgInfo& info = package.info;
  if (!IsValidPackageName(info.name)) {
    return Corrupt("invalid package name '" + info.name + "' (allowed: [A-Za-z0-9+._-])");
  }
  if (info.arch.empty()) {
    return Corrupt(".PKGINFO has no arch");
  }
  const VersionReport report = ValidateVersion(info.version);
  if (options.require_apk3_version && !report.valid_apk3) {
    return Corrupt("version '" + info.version + "' is not valid for apk 3");
  }
  for (const std::string& problem : report.problems) {
    package.warnings.push_back("version " + info.version + ": " + problem);
  }
  for (const std::string& atom : MakeIndexRecord(info, "", 0).depends) {
    if (auto parsed = ParseDependencyAtom(atom); !parsed.ok()) {
      package.warnings.push_back(parsed.error().message() +
                                 " (apk 3 marks this package uninstallable)");
    }
  }
  if (info.datahash.empty()) {
    return Corrupt(".PKGINFO has no datahash (clients refuse such packages from a repository)");
  }
  const std::string actual = HexEncode(crypto::Sha256(package.data.In(bytes)));
  if (info.datahash != actual) {
    return Corrupt("datahash mismatch: .PKGINFO says " + info.datahash + ", data member is " +
                   actual);
  }
  return OkStatus();
}

}  // namespace

std::string Q1Checksum(std::string_view raw_control_member) {
  return "Q1" + Base64Encode(crypto::Sha1(raw_control_member));
}

Result<Package> ReadPackage(std::string_view bytes, const PackageReadOptions& options) {
  Package package;
  package.file_size = bytes.size();
  PackageTarHandler handler(package, options);
  TarReader tar(handler, options.tar);
  auto on_member = [&](size_t /*index*/, size_t /*offset*/) -> Status {
    if (!tar.AtEntryBoundary()) {
      return Corrupt("a tar entry runs across a gzip member boundary");
    }
    if (tar.SeenEndOfArchive()) {
      return Corrupt("gzip member after the end of the tar archive");
    }
    return handler.OnMemberStart();
  };
  auto members = InflateMembers(bytes, options.gzip, on_member,
                                [&tar](std::string_view chunk) { return tar.Feed(chunk); });
  if (!members.ok()) {
    return members.error();
  }
  APKD_RETURN_IF_ERROR(tar.Finish(/*require_end_of_archive=*/false));
  if (handler.segment() != Segment::kData) {
    return Corrupt(handler.seen_pkginfo() ? "package has no data member"
                                          : "package has no .PKGINFO");
  }
  const size_t count = members->size();
  const GzipMember& control = (*members)[count - 2];
  const GzipMember& data = (*members)[count - 1];
  package.control = {control.offset, control.size};
  package.data = {data.offset, data.size};
  package.identity = Q1Checksum(package.control.In(bytes));
  APKD_RETURN_IF_ERROR(CheckPkgInfo(package, bytes, options));
  return package;
}

}  // namespace apkd::format
