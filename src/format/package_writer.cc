#include "format/package_writer.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/digest.h"
#include "format/gzip.h"
#include "format/signature_entry.h"
#include "format/tar_reader.h"
#include "format/tar_writer.h"
#include "format/version.h"
#include "util/encoding.h"
#include "util/file_io.h"

namespace apkd::format {
namespace {

TarEntry RootOwned(std::string name, TarEntryType type, uint32_t mode, int64_t mtime) {
  TarEntry entry;
  entry.name = std::move(name);
  entry.type = type;
  entry.mode = mode;
  entry.mtime = mtime;
  entry.uname = "root";
  entry.gname = "root";
  return entry;
}

// A line break or NUL in a value would end the `key = value` line early and inject more keys.
Status CheckOneLine(std::string_view key, std::string_view value) {
  if (value.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     ".PKGINFO " + std::string(key) + " contains a line break or NUL byte");
  }
  return OkStatus();
}

Status CheckValuesAreOneLine(const PkgInfo& info) {
  using Single = std::pair<std::string_view, const std::string*>;
  const std::array<Single, 9> singles{{{"arch", &info.arch},
                                       {"pkgdesc", &info.description},
                                       {"url", &info.url},
                                       {"license", &info.license},
                                       {"origin", &info.origin},
                                       {"maintainer", &info.maintainer},
                                       {"packager", &info.packager},
                                       {"commit", &info.commit},
                                       {"replaces_priority", &info.replaces_priority}}};
  for (const auto& [key, value] : singles) {
    APKD_RETURN_IF_ERROR(CheckOneLine(key, *value));
  }
  using Repeated = std::pair<std::string_view, const std::vector<std::string>*>;
  const std::array<Repeated, 5> repeated{{{"depend", &info.depends},
                                          {"provides", &info.provides},
                                          {"install_if", &info.install_if},
                                          {"replaces", &info.replaces},
                                          {"triggers", &info.triggers}}};
  for (const auto& [key, values] : repeated) {
    for (const std::string& value : *values) {
      APKD_RETURN_IF_ERROR(CheckOneLine(key, value));
    }
  }
  for (const auto& [key, value] : info.other) {
    APKD_RETURN_IF_ERROR(CheckOneLine("key", key));
    APKD_RETURN_IF_ERROR(CheckOneLine(key, value));
  }
  return OkStatus();
}

Status CheckInfo(const PkgInfo& info) {
  APKD_RETURN_IF_ERROR(CheckValuesAreOneLine(info));
  if (!IsValidPackageName(info.name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid package name '" + info.name + "' (allowed: [A-Za-z0-9+._-])");
  }
  if (!IsValidVersion(info.version)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "version '" + info.version + "' is not valid for apk 3");
  }
  if (info.arch.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "package arch is empty");
  }
  for (const std::string& atom : MakeIndexRecord(info, "", 0).depends) {
    if (auto parsed = ParseDependencyAtom(atom); !parsed.ok()) {
      return MakeError(ErrorCode::kInvalidArgument, parsed.error().message());
    }
  }
  return OkStatus();
}

std::string BuildDataTar(const std::vector<PackageFile>& files, int64_t mtime,
                         uint64_t& installed_size) {
  TarWriter tar;
  installed_size = 0;
  for (const PackageFile& file : files) {
    TarEntry entry = RootOwned(file.path, file.type, file.mode, mtime);
    if (file.type == TarEntryType::kRegular) {
      entry.pax[std::string(kPaxChecksumSha1)] = HexEncode(crypto::Sha1(file.content));
      installed_size += file.content.size();
      tar.Add(entry, file.content);
    } else if (file.type == TarEntryType::kSymlink) {
      entry.link_name = file.link_target;
      entry.pax[std::string(kPaxChecksumSha1)] = HexEncode(crypto::Sha1(file.link_target));
      tar.Add(entry);
    } else {
      tar.Add(entry);
    }
  }
  tar.Finish();
  return tar.Release();
}

}  // namespace

Result<std::string> BuildPackage(PkgInfo info, std::vector<PackageFile> files,
                                 const crypto::Signer* signer,
                                 const PackageBuildOptions& options) {
  APKD_RETURN_IF_ERROR(CheckInfo(info));
  std::sort(files.begin(), files.end(),
            [](const PackageFile& a, const PackageFile& b) { return a.path < b.path; });
  for (const PackageFile& file : files) {
    if (Status s = CheckArchivePath(file.path, TarLimits{}.max_name_bytes); !s.ok()) {
      return MakeError(ErrorCode::kInvalidArgument, s.error().message());
    }
  }
  uint64_t installed_size = 0;
  const std::string data_member =
      GzipCompress(BuildDataTar(files, options.mtime, installed_size), options.compression_level);
  info.installed_size = installed_size;
  info.datahash = HexEncode(crypto::Sha256(data_member));
  if (!info.build_date) {
    info.build_date = options.mtime;
  }

  TarWriter control;
  control.Add(RootOwned(".PKGINFO", TarEntryType::kRegular, 0644, options.mtime),
              FormatPkgInfo(info));
  // No end-of-archive here: the tar stream continues in the data member.
  const std::string control_member = GzipCompress(control.bytes(), options.compression_level);

  std::string package;
  if (signer != nullptr) {
    APKD_ASSIGN_OR_RETURN(const std::string signature,
                          signer->Sign(crypto::DigestAlgorithm::kSha256, control_member));
    TarWriter signature_tar;
    TarEntry entry = RootOwned(
        SignatureEntryName(SignatureAlgorithm::kRsaSha256, signer->key_name()),
        TarEntryType::kRegular, 0644, options.mtime);
    // apk-tools take an entry name with '/' for data, and '.SIGN.RSA256.' names no key.
    if (signer->key_name().empty() || signer->key_name().find('/') != std::string::npos ||
        entry.name.size() > kMaxSignatureEntryName) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "key name '" + signer->key_name() +
                           "' is empty, has a '/' or is too long for a signature entry");
    }
    signature_tar.Add(entry, signature);
    package = GzipCompress(signature_tar.bytes(), options.compression_level);
  }
  package += control_member;
  package += data_member;
  return package;
}

Result<std::vector<PackageFile>> CollectPackageFiles(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, root + " is not a directory");
  }
  std::vector<PackageFile> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    PackageFile file;
    // Lexical, not fs::relative: that resolves symlinks and would name a link by its target.
    file.path = entry.path().lexically_relative(root).generic_string();
    const fs::file_status status = entry.symlink_status(ec);
    file.mode = static_cast<uint32_t>(status.permissions()) & 07777;
    if (fs::is_symlink(status)) {
      file.type = TarEntryType::kSymlink;
      file.link_target = fs::read_symlink(entry.path(), ec).string();
    } else if (fs::is_directory(status)) {
      file.type = TarEntryType::kDirectory;
    } else if (fs::is_regular_file(status)) {
      file.type = TarEntryType::kRegular;
      APKD_ASSIGN_OR_RETURN(file.content, ReadFile(entry.path().string()));
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       entry.path().string() + " is not a file, directory or symlink");
    }
    files.push_back(std::move(file));
  }
  if (ec) {
    return MakeError(ErrorCode::kIoError, "reading " + root + ": " + ec.message());
  }
  std::sort(files.begin(), files.end(),
            [](const PackageFile& a, const PackageFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace apkd::format
