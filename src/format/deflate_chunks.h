// One gzip member assembled from independently compressed pieces, so that a large, mostly
// unchanged text can be recompressed piece by piece. Each piece is raw deflate ending in a sync
// flush (byte-aligned, not final); the last piece is final. Concatenated behind a gzip header
// and closed with the combined CRC-32 and length, the pieces form ONE valid gzip member, which
// is what apk 3 requires of an index's data member (pigz builds members the same way).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace apkd::format {

struct DeflatedChunk {
  std::string deflated;  // raw deflate bytes
  uint32_t crc32 = 0;    // of the uncompressed bytes
  uint64_t length = 0;   // uncompressed
};

// Compresses `data` on its own. `final` marks the stream's last chunk.
DeflatedChunk DeflateChunk(std::string_view data, int level, bool final);

// gzip header (mtime 0) + the chunks' deflate bytes + CRC-32/ISIZE trailer. The last chunk must
// have been made with final = true.
std::string AssembleGzipMember(std::span<const DeflatedChunk* const> chunks);

}  // namespace apkd::format
