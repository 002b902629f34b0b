#include "gzip_mutator.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "format/gzip.h"
#include "format/tar.h"
#include "util/result.h"

// Provided by libFuzzer: its built-in mutations.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace apkd::fuzz {
namespace {

constexpr uint64_t kMaxInflatedBytes = uint64_t{1} << 20;
constexpr int kCompressionLevel = 1;  // speed: the readers do not care how well it compresses
constexpr size_t kMinGrowth = 64;

// ustar header fields the fix-up needs (see format/tar_reader.cc).
constexpr size_t kSizeOffset = 124;
constexpr size_t kSizeLength = 12;
constexpr size_t kChecksumOffset = 148;
constexpr size_t kChecksumLength = 8;
constexpr size_t kMagicOffset = 257;
constexpr std::string_view kMagic = "ustar";

// One gzip member of the input and its decompressed bytes.
struct Member {
  size_t offset = 0;
  size_t size = 0;
  std::string payload;
};

bool SplitMembers(std::string_view input, std::vector<Member>& out) {
  std::vector<std::string> payloads;
  const format::GzipLimits limits{.max_members = 16, .max_decompressed_bytes = kMaxInflatedBytes};
  auto members = format::InflateMembers(
      input, limits,
      [&payloads](size_t /*index*/, size_t /*offset*/) {
        payloads.emplace_back();
        return OkStatus();
      },
      [&payloads](std::string_view chunk) {
        payloads.back().append(chunk);
        return OkStatus();
      });
  if (!members.ok() || members->empty()) {
    return false;
  }
  for (size_t i = 0; i < members->size(); ++i) {
    out.push_back({.offset = (*members)[i].offset,
                   .size = (*members)[i].size,
                   .payload = std::move(payloads[i])});
  }
  return true;
}

uint64_t OctalField(std::string_view field) {
  uint64_t value = 0;
  for (const char c : field) {
    if (c < '0' || c > '7') {
      break;
    }
    value = value << 3 | static_cast<uint64_t>(c - '0');
  }
  return value;
}

// Walks the headers from the start of `tar` (the size fields say where the next one is) and
// rewrites each checksum; stops at the first block that is not a ustar header.
void FixTarChecksums(std::string& tar) {
  size_t offset = 0;
  while (tar.size() - offset >= format::kTarBlockSize) {
    char* block = tar.data() + offset;
    const std::string_view header(block, format::kTarBlockSize);
    if (header.substr(kMagicOffset, kMagic.size()) != kMagic) {
      return;
    }
    unsigned sum = 0;
    for (size_t i = 0; i < format::kTarBlockSize; ++i) {
      const bool in_field = i >= kChecksumOffset && i < kChecksumOffset + kChecksumLength;
      sum += in_field ? unsigned{' '} : static_cast<unsigned char>(block[i]);
    }
    char field[kChecksumLength + 1];
    std::snprintf(field, sizeof(field), "%06o", sum);  // six digits, then NUL
    field[kChecksumLength - 1] = ' ';
    std::memcpy(block + kChecksumOffset, field, kChecksumLength);

    const uint64_t size = OctalField(header.substr(kSizeOffset, kSizeLength));
    const uint64_t body_blocks = (size + format::kTarBlockSize - 1) / format::kTarBlockSize;
    if (body_blocks >= tar.size() / format::kTarBlockSize) {
      return;
    }
    offset += format::kTarBlockSize * (1 + static_cast<size_t>(body_blocks));
    if (offset > tar.size()) {
      return;
    }
  }
}

}  // namespace

size_t MutateGzipMembers(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<Member> members;
  // One round in four mutates the raw bytes: that covers the gzip framing itself.
  if (rng() % 4 == 0 || !SplitMembers(input, members)) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  const Member& member = members[rng() % members.size()];
  std::string payload = member.payload;
  const size_t capacity = payload.size() + payload.size() / 2 + kMinGrowth;
  payload.resize(capacity);
  payload.resize(LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(payload.data()), member.payload.size(),
                                  capacity));
  if (rng() % 4 != 0) {  // leave some checksums wrong: that path needs exercise too
    FixTarChecksums(payload);
  }
  std::string out(input.substr(0, member.offset));
  out += format::GzipCompress(payload, kCompressionLevel);
  out.append(input.substr(member.offset + member.size));
  if (out.size() > max_size) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  std::copy(out.begin(), out.end(), data);
  return out.size();
}

}  // namespace apkd::fuzz
