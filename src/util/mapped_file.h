// A read-only memory map of a whole open file, so that a large upload staged on disk can be
// handed to parsers as a std::string_view without copying it onto the heap: its pages come from
// the page cache and can be dropped under memory pressure.
#pragma once

#include <cstddef>
#include <string_view>

#include "util/result.h"

namespace apkd {

class MappedFile {
 public:
  // Maps the file `fd` refers to (from offset 0 to its current size); the fd may be closed
  // afterwards. An empty file maps to an empty view.
  static Result<MappedFile> Map(int fd);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void Unmap();

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace apkd
