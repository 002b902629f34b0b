#include "format/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>

namespace apkd::format {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr int kGzipWindowBits = 15 + 16;  // 15-bit window, gzip wrapper only

struct InflateStream {
  z_stream z{};
  bool initialized = false;
  InflateStream() { initialized = inflateInit2(&z, kGzipWindowBits) == Z_OK; }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  ~InflateStream() {
    if (initialized) {
      inflateEnd(&z);
    }
  }
};

Error Corrupt(std::string message) { return MakeError(ErrorCode::kCorrupt, std::move(message)); }

// zlib takes uInt lengths; feed it at most this much input per call.
constexpr size_t kMaxFeed = size_t{1} << 30;

}  // namespace

Result<GzipMember> InflateMember(std::string_view input, uint64_t max_output,
                                 const ByteSink& sink) {
  if (input.size() < 2 || static_cast<unsigned char>(input[0]) != 0x1f ||
      static_cast<unsigned char>(input[1]) != 0x8b) {
    return Corrupt("not a gzip member (bad magic)");
  }
  InflateStream stream;
  if (!stream.initialized) {
    return MakeError(ErrorCode::kInternal, "zlib inflateInit2 failed");
  }
  std::array<unsigned char, kChunk> out{};
  size_t consumed = 0;
  uint64_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (stream.z.avail_in == 0) {
      const size_t feed = std::min(input.size() - consumed, kMaxFeed);
      if (feed == 0) {
        return Corrupt("truncated gzip member (unexpected end of data)");
      }
      // zlib's API is not const-correct; it never writes through next_in.
      stream.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + consumed));
      stream.z.avail_in = static_cast<uInt>(feed);
      consumed += feed;
    }
    stream.z.next_out = out.data();
    stream.z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&stream.z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      if (rc == Z_BUF_ERROR && stream.z.avail_in == 0) {
        continue;  // needs more input; the loop feeds it or reports truncation
      }
      const char* why = stream.z.msg != nullptr ? stream.z.msg : "inflate failed";
      return Corrupt(std::string("corrupt gzip data: ") + why);
    }
    const size_t n = out.size() - stream.z.avail_out;
    produced += n;
    if (produced > max_output) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "decompressed data exceeds the limit of " + std::to_string(max_output) +
                           " bytes");
    }
    if (n > 0) {
      APKD_RETURN_IF_ERROR(sink(std::string_view(reinterpret_cast<const char*>(out.data()), n)));
    }
  }
  return GzipMember{.offset = 0,
                    .size = consumed - stream.z.avail_in,
                    .decompressed_size = produced};
}

Result<std::vector<GzipMember>> InflateMembers(std::string_view input, const GzipLimits& limits,
                                               const MemberStart& on_member,
                                               const ByteSink& sink) {
  std::vector<GzipMember> members;
  size_t offset = 0;
  uint64_t total = 0;
  if (input.empty()) {
    return Corrupt("empty input: no gzip member");
  }
  while (offset < input.size()) {
    // Junk is reported as junk, even where no further member would be allowed.
    const std::string_view rest = input.substr(offset);
    if (rest.size() < 2 || static_cast<unsigned char>(rest[0]) != 0x1f ||
        static_cast<unsigned char>(rest[1]) != 0x8b) {
      if (offset == 0) {
        return Corrupt("not gzip data");
      }
      return Corrupt("trailing garbage after gzip member " + std::to_string(members.size()) +
                     " at byte " + std::to_string(offset));
    }
    if (members.size() == limits.max_members) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "more than " + std::to_string(limits.max_members) + " gzip members");
    }
    if (on_member) {
      APKD_RETURN_IF_ERROR(on_member(members.size(), offset));
    }
    auto member = InflateMember(rest, limits.max_decompressed_bytes - total, sink);
    if (!member.ok()) {
      return std::move(member).error().WithContext("gzip member " +
                                                   std::to_string(members.size()));
    }
    member->offset = offset;
    total += member->decompressed_size;
    offset += member->size;
    members.push_back(*member);
  }
  return members;
}

std::string GzipCompress(std::string_view data, int level) {
  z_stream z{};
  constexpr int kMemLevel = 8;
  if (deflateInit2(&z, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out;
  std::array<unsigned char, kChunk> buffer{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && !data.empty()) {
      const size_t feed = std::min(data.size(), kMaxFeed);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z.avail_in = static_cast<uInt>(feed);
      data.remove_prefix(feed);
    }
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    rc = deflate(&z, data.empty() ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) {
      out.clear();
      break;
    }
    out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - z.avail_out);
  }
  deflateEnd(&z);
  return out;
}

Result<std::string> GunzipAll(std::string_view input, const GzipLimits& limits) {
  std::string out;
  auto members = InflateMembers(input, limits, nullptr, [&out](std::string_view chunk) {
    out.append(chunk);
    return OkStatus();
  });
  if (!members.ok()) {
    return members.error();
  }
  return out;
}

}  // namespace apkd::format
