#include "format/deflate_chunks.h"

#include <zlib.h>

#include <algorithm>
#include <array>

namespace apkd::format {
namespace {

constexpr int kRawDeflateWindowBits = -15;
constexpr int kMemLevel = 8;
constexpr size_t kOutChunk = 64 * 1024;
constexpr size_t kMaxFeed = size_t{1} << 30;
// gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS = Unix.
constexpr std::array<unsigned char, 10> kGzipHeader = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

void AppendLittleEndian32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out += static_cast<char>((value >> (8 * i)) & 0xffU);
  }
}

}  // namespace

DeflatedChunk DeflateChunk(std::string_view data, int level, bool final) {
  DeflatedChunk chunk;
  chunk.length = data.size();
  uLong crc = crc32(0L, Z_NULL, 0);
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, kRawDeflateWindowBits, kMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return chunk;
  }
  std::array<unsigned char, kOutChunk> buffer{};
  const int flush_at_end = final ? Z_FINISH : Z_SYNC_FLUSH;
  bool done = false;
  while (!done) {
    int flush = Z_NO_FLUSH;
    if (z.avail_in == 0) {
      const size_t feed = std::min(data.size(), kMaxFeed);
      crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(feed));
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z.avail_in = static_cast<uInt>(feed);
      data.remove_prefix(feed);
    }
    if (data.empty()) {
      flush = flush_at_end;
    }
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    const int rc = deflate(&z, flush);
    chunk.deflated.append(reinterpret_cast<const char*>(buffer.data()),
                          buffer.size() - z.avail_out);
    // A flush is complete when deflate left output space unused (or, for Z_FINISH, ended).
    done = flush != Z_NO_FLUSH && (rc == Z_STREAM_END || (z.avail_out != 0 && z.avail_in == 0));
  }
  deflateEnd(&z);
  chunk.crc32 = static_cast<uint32_t>(crc);
  return chunk;
}

std::string AssembleGzipMember(std::span<const DeflatedChunk* const> chunks) {
  size_t total = kGzipHeader.size() + 8;
  for (const DeflatedChunk* chunk : chunks) {
    total += chunk->deflated.size();
  }
  std::string out;
  out.reserve(total);
  out.append(reinterpret_cast<const char*>(kGzipHeader.data()), kGzipHeader.size());
  uLong crc = crc32(0L, Z_NULL, 0);
  uint64_t length = 0;
  for (const DeflatedChunk* chunk : chunks) {
    out += chunk->deflated;
    crc = crc32_combine(crc, chunk->crc32, static_cast<z_off_t>(chunk->length));
    length += chunk->length;
  }
  AppendLittleEndian32(out, static_cast<uint32_t>(crc));
  AppendLittleEndian32(out, static_cast<uint32_t>(length & 0xffffffffU));
  return out;
}

}  // namespace apkd::format
