// Writes a signed APKINDEX.tar.gz (apk-protocol §4.4). Building and signing are separate steps,
// as with `apk index` + `abuild-sign`: the data member (DESCRIPTION, APKINDEX, end-of-archive,
// one gzip member) is built once, then signed by one or more keys, whose signatures form the
// first member (no end-of-archive). Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/signer.h"
#include "format/index_record.h"
#include "format/tar.h"
#include "util/result.h"

namespace apkd::index {

inline constexpr size_t kMaxDescriptionBytes = 160;  // apk 3 ignores longer ones

struct IndexBuildOptions {
  std::string description;
  int64_t mtime = 0;  // tar header time of DESCRIPTION and APKINDEX; 0 keeps output reproducible
  int compression_level = 9;
  // Old apko/go-apk (before Sep 2024) read only a SHA-1 `.SIGN.RSA.` entry, and only first. With
  // this set each key signs twice: SHA-1 first, then SHA-256. apk-tools then check the SHA-1 one.
  bool sha1_signature_first = false;
};

// The tar header fields apk and abuild use for DESCRIPTION and APKINDEX.
format::TarEntry IndexFileEntry(std::string name, int64_t mtime);
// kInvalidArgument unless the description is one line of at most 160 bytes.
Status CheckDescription(std::string_view description);

// Gzip member #2: DESCRIPTION then APKINDEX (the given text), then the end-of-archive marker.
Result<std::string> BuildIndexDataMember(std::string_view apkindex_text,
                                         const IndexBuildOptions& options);

// Gzip member #1 for `data_member`, one `.SIGN.RSA256.<key name>` entry per signer, in order.
Result<std::string> BuildIndexSignatureMember(std::string_view data_member,
                                              std::span<const crypto::Signer* const> signers,
                                              const IndexBuildOptions& options);

// Both members: the whole APKINDEX.tar.gz. Records are written in the given order (sort them
// first with format::SortIndexRecords for a byte-stable result).
Result<std::string> BuildSignedIndex(std::span<const format::IndexRecord> records,
                                     std::span<const crypto::Signer* const> signers,
                                     const IndexBuildOptions& options);

}  // namespace apkd::index
