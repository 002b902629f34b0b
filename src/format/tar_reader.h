// A push parser for tar streams: bytes go in with Feed() in any chunking (so it can sit behind a
// gzip inflater and never hold a whole archive), entries come out through a TarHandler. It
// refuses hostile input: `..` or absolute names, bad checksums, oversized headers, data after
// the end-of-archive marker. Errors are sticky. Not thread-safe; one instance per stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "format/tar.h"
#include "util/result.h"

namespace apkd::format {

class TarHandler {
 public:
  virtual ~TarHandler() = default;
  virtual Status OnEntry(const TarEntry& entry) = 0;
  virtual Status OnBody(std::string_view chunk) = 0;
  virtual Status OnEntryEnd() = 0;
};

struct TarLimits {
  uint64_t max_entries = 1'000'000;
  uint64_t max_entry_size = uint64_t{8} << 30;
  size_t max_extended_header_bytes = 64 * 1024;  // one PAX or GNU long-name body
  size_t max_name_bytes = 4096;
};

class TarReader {
 public:
  TarReader(TarHandler& handler, TarLimits limits);

  Status Feed(std::string_view data);
  // True between entries (not inside a header, an extended header or a body).
  bool AtEntryBoundary() const;
  bool SeenEndOfArchive() const { return state_ == State::kAfterEnd; }
  uint64_t entry_count() const { return entry_count_; }
  // Checks that the stream ended cleanly: at an entry boundary and, if asked, after the
  // end-of-archive marker.
  Status Finish(bool require_end_of_archive) const;

 private:
  enum class State { kHeader, kBody, kPadding, kExtendedBody, kAfterEnd };

  Status Fail(Error error);
  Status ConsumeHeaderBlock();
  Status ConsumeExtendedBody();
  Status StartEntry(TarEntry entry);

  TarHandler& handler_;
  TarLimits limits_;
  State state_ = State::kHeader;
  std::string block_;  // partial 512-byte header block
  std::string extended_;  // body of a PAX/GNU long-name entry being read
  char extended_type_ = 0;
  uint64_t remaining_ = 0;  // bytes left in the current body or padding
  uint64_t padding_after_ = 0;
  int zero_blocks_ = 0;
  uint64_t entry_count_ = 0;
  uint64_t offset_ = 0;  // bytes consumed, for messages
  std::map<std::string, std::string> pending_pax_;
  std::string pending_long_name_;
  std::string pending_long_link_;
  Status error_;
};

// Checks a path from an archive: relative, no `..` component, no NUL, bounded length.
Status CheckArchivePath(std::string_view name, size_t max_bytes);

}  // namespace apkd::format
