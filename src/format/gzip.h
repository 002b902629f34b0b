// gzip members, the unit every APK file is cut into: an .apk is 2-3 concatenated members and an
// APKINDEX.tar.gz exactly 2, and signatures cover raw member bytes. Locating members means
// inflating them, so both functions stream decompressed bytes to a sink instead of holding them.
// Pure functions over caller-owned buffers; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::format {

// Receives decompressed bytes in order, in chunks of at most 64 KiB.
using ByteSink = std::function<Status(std::string_view)>;

struct GzipMember {
  size_t offset = 0;  // of the 0x1f 0x8b header in the input
  size_t size = 0;    // header through the CRC32+ISIZE trailer
  uint64_t decompressed_size = 0;
};

struct GzipLimits {
  size_t max_members = 16;
  uint64_t max_decompressed_bytes = uint64_t{8} << 30;  // total over all members
};

// Inflates the single gzip member at the start of `input`, verifying its CRC and length, and
// reports where it ends. `max_output` caps the decompressed size (kLimitExceeded beyond it).
Result<GzipMember> InflateMember(std::string_view input, uint64_t max_output,
                                 const ByteSink& sink);

// Cuts `input` into its members; `on_member(index, member)` is called before each member's bytes
// go to `sink`, so that a caller can tell which member a byte belongs to. Trailing bytes that
// are not a gzip member, a truncated member and too many members are errors (kCorrupt /
// kLimitExceeded), as they are for apk-tools.
using MemberStart = std::function<Status(size_t index, size_t offset)>;
Result<std::vector<GzipMember>> InflateMembers(std::string_view input, const GzipLimits& limits,
                                               const MemberStart& on_member,
                                               const ByteSink& sink);

// Compresses `data` into one gzip member with mtime 0 (reproducible output).
std::string GzipCompress(std::string_view data, int level = 9);

// Whole-buffer convenience for small inputs (tests, indexes): every member concatenated.
Result<std::string> GunzipAll(std::string_view input, const GzipLimits& limits = {});

}  // namespace apkd::format
