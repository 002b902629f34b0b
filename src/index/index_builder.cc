#include "index/index_builder.h"

#include <string>

#include "format/apkindex_text.h"
#include "format/gzip.h"
#include "format/signature_entry.h"
#include "format/tar_writer.h"

namespace apkd::index {
namespace {

using format::SignatureAlgorithm;

Status AddSignature(format::TarWriter& tar, const crypto::Signer& signer,
                    SignatureAlgorithm algorithm, crypto::DigestAlgorithm digest,
                    std::string_view data_member) {
  format::TarEntry entry;
  entry.name = format::SignatureEntryName(algorithm, signer.key_name());
  if (entry.name.size() > format::kMaxSignatureEntryName) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "key name '" + signer.key_name() + "' makes '" + entry.name +
                         "' longer than the 100-byte tar name field");
  }
  if (signer.key_name().find('/') != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "key name must not contain '/'");
  }
  if (signer.key_name().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "key name must not be empty");
  }
  entry.mode = 0644;
  APKD_ASSIGN_OR_RETURN(const std::string signature, signer.Sign(digest, data_member));
  tar.Add(entry, signature);
  return OkStatus();
}

}  // namespace

format::TarEntry IndexFileEntry(std::string name, int64_t mtime) {
  format::TarEntry entry;
  entry.name = std::move(name);
  entry.mode = 0644;
  entry.mtime = mtime;
  entry.uname = "root";
  entry.gname = "root";
  return entry;
}

Status CheckDescription(std::string_view description) {
  if (description.size() > kMaxDescriptionBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "index description is " + std::to_string(description.size()) +
                         " bytes; apk 3 ignores descriptions over 160");
  }
  if (description.find('\n') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "index description must be one line");
  }
  return OkStatus();
}

Result<std::string> BuildIndexDataMember(std::string_view apkindex_text,
                                         const IndexBuildOptions& options) {
  APKD_RETURN_IF_ERROR(CheckDescription(options.description));
  format::TarWriter tar;
  // DESCRIPTION first: apk 3 hands it to the parser only once it reaches APKINDEX.
  tar.Add(IndexFileEntry("DESCRIPTION", options.mtime), options.description);
  tar.Add(IndexFileEntry("APKINDEX", options.mtime), apkindex_text);
  tar.Finish();
  return format::GzipCompress(tar.bytes(), options.compression_level);
}

Result<std::string> BuildIndexSignatureMember(std::string_view data_member,
                                              std::span<const crypto::Signer* const> signers,
                                              const IndexBuildOptions& options) {
  if (signers.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an index needs at least one signing key");
  }
  format::TarWriter tar;
  if (options.sha1_signature_first) {
    for (const crypto::Signer* signer : signers) {
      APKD_RETURN_IF_ERROR(AddSignature(tar, *signer, SignatureAlgorithm::kRsaSha1,
                                        crypto::DigestAlgorithm::kSha1, data_member));
    }
  }
  for (const crypto::Signer* signer : signers) {
    APKD_RETURN_IF_ERROR(AddSignature(tar, *signer, SignatureAlgorithm::kRsaSha256,
                                      crypto::DigestAlgorithm::kSha256, data_member));
  }
  // No end-of-archive blocks: apk-tools would stop reading before the APKINDEX (§2.1).
  return format::GzipCompress(tar.bytes(), options.compression_level);
}

Result<std::string> BuildSignedIndex(std::span<const format::IndexRecord> records,
                                     std::span<const crypto::Signer* const> signers,
                                     const IndexBuildOptions& options) {
  APKD_ASSIGN_OR_RETURN(std::string data_member,
                        BuildIndexDataMember(format::FormatApkIndex(records), options));
  APKD_ASSIGN_OR_RETURN(std::string signature_member,
                        BuildIndexSignatureMember(data_member, signers, options));
  return signature_member + data_member;
}

}  // namespace apkd::index
