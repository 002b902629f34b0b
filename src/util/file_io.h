// Whole-file reads with a size cap, and atomic whole-file writes (temp file, fsync, rename), so
// that a reader never sees a half-written file and a failed write leaves nothing behind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd {

inline constexpr uint64_t kDefaultMaxFileBytes = uint64_t{1} << 31;  // 2 GiB

Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes = kDefaultMaxFileBytes);

// Writes `data` to `path` with the given mode, atomically: tmp file in the same directory,
// fsync, rename, fsync of the directory. On failure the tmp file is removed.
Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// Regular-file names directly inside `dir`, sorted.
Result<std::vector<std::string>> ListFiles(const std::string& dir);

}  // namespace apkd
