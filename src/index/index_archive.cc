#include "index/index_archive.h"

#include <string>

#include "format/tar_reader.h"

namespace apkd::index {
namespace {

Error Corrupt(std::string message) { return MakeError(ErrorCode::kCorrupt, std::move(message)); }

class IndexTarHandler : public format::TarHandler {
 public:
  IndexTarHandler(IndexArchive& archive, const IndexReadLimits& limits)
      : archive_(archive), limits_(limits) {}

  void OnMemberStart(size_t index) { member_ = index; }
  bool has_signature_member() const { return has_signature_member_; }

  Status OnEntry(const format::TarEntry& entry) override {
    if (member_ == 0 && !decided_) {
      decided_ = true;
      has_signature_member_ = entry.name.starts_with(format::kSignaturePrefix);
    }
    const bool in_signatures = has_signature_member_ && member_ == 0;
    if (entry.type != format::TarEntryType::kRegular) {
      return Corrupt("unexpected non-file entry '" + entry.name + "' in an index");
    }
    if (in_signatures) {
      auto parsed = format::ParseSignatureEntryName(entry.name);
      if (!parsed) {
        return Corrupt("signature member holds '" + entry.name + "', not a .SIGN.* entry");
      }
      if (archive_.signatures.size() == limits_.max_signature_entries ||
          entry.size > limits_.max_signature_bytes) {
        return MakeError(ErrorCode::kLimitExceeded, "too many or too large signature entries");
      }
      archive_.signatures.push_back(std::move(*parsed));
      target_ = &archive_.signatures.back().signature;
      return OkStatus();
    }
    if (!has_signature_member_ && member_ > 0) {
      return Corrupt("more than one data member");
    }
    if (entry.name == "DESCRIPTION") {
      target_ = &archive_.description;
    } else if (entry.name == "APKINDEX") {
      target_ = &archive_.apkindex_text;
      seen_apkindex_ = true;
    } else {
      // apko fails on any other name; apk 3 treats dot-names as package control data.
      return Corrupt("unexpected entry '" + entry.name + "' in an index (only DESCRIPTION and "
                     "APKINDEX are allowed)");
    }
    target_->clear();
    return OkStatus();
  }

  Status OnBody(std::string_view chunk) override {
    target_->append(chunk);
    return OkStatus();
  }

  Status OnEntryEnd() override { return OkStatus(); }

  bool seen_apkindex() const { return seen_apkindex_; }

 private:
  IndexArchive& archive_;
  const IndexReadLimits& limits_;
  size_t member_ = 0;
  bool decided_ = false;
  bool has_signature_member_ = false;
  bool seen_apkindex_ = false;
  std::string* target_ = nullptr;
};

}  // namespace

Result<IndexArchive> ReadIndexArchive(std::string_view bytes, const IndexReadLimits& limits) {
  IndexArchive archive;
  IndexTarHandler handler(archive, limits);
  format::TarLimits tar_limits;
  tar_limits.max_entries = limits.max_signature_entries + 2;
  format::TarReader tar(handler, tar_limits);
  auto on_member = [&](size_t index, size_t /*offset*/) -> Status {
    if (index > 1 || (index == 1 && !handler.has_signature_member())) {
      return Corrupt("more than one data member");
    }
    if (index > 0) {
      if (!tar.AtEntryBoundary()) {
        return Corrupt("a tar entry runs across a gzip member boundary");
      }
      if (tar.SeenEndOfArchive()) {
        return Corrupt(
            "the signature member ends with end-of-archive blocks (apk-tools report BAD "
            "archive)");
      }
    }
    handler.OnMemberStart(index);
    return OkStatus();
  };
  auto members = format::InflateMembers(
      bytes, limits.gzip, on_member, [&tar](std::string_view chunk) { return tar.Feed(chunk); });
  if (!members.ok()) {
    return members.error();
  }
  APKD_RETURN_IF_ERROR(tar.Finish(/*require_end_of_archive=*/false));
  const size_t expected_members = handler.has_signature_member() ? 2 : 1;
  if (members->size() != expected_members) {
    return Corrupt(handler.has_signature_member() ? "signed index without a data member"
                                                  : "more than one data member");
  }
  if (!handler.seen_apkindex()) {
    return Corrupt("index has no APKINDEX entry");
  }
  const format::GzipMember& data = members->back();
  archive.signed_data = {data.offset, data.size};
  APKD_ASSIGN_OR_RETURN(archive.records, format::ParseApkIndex(archive.apkindex_text, limits.text));
  return archive;
}

Result<IndexArchive> ReadVerifiedIndex(std::string_view bytes, const Keyring& keyring,
                                       VerifyRule rule, const IndexReadLimits& limits) {
  APKD_ASSIGN_OR_RETURN(IndexArchive archive, ReadIndexArchive(bytes, limits));
  APKD_RETURN_IF_ERROR(VerifySignatureEntries(archive.signatures,
                                              archive.signed_data.In(bytes), keyring, rule));
  return archive;
}

}  // namespace apkd::index
