// A libFuzzer custom mutation for gzip-wrapped inputs (.apk files, APKINDEX.tar.gz). Byte flips
// in compressed data nearly always fail the CRC, so most rounds inflate the members, mutate the
// tar stream of one of them (re-computing the tar header checksums, so that mutated headers get
// parsed rather than rejected), and deflate it again. Inputs that are not gzip get plain
// libFuzzer mutations. Single-threaded, as libFuzzer calls it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace apkd::fuzz {

// The contract of LLVMFuzzerCustomMutator: mutates `data[0, size)` in place, never beyond
// `max_size` bytes, deterministically for a given `seed`; returns the new size.
size_t MutateGzipMembers(uint8_t* data, size_t size, size_t max_size, unsigned int seed);

}  // namespace apkd::fuzz
