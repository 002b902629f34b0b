// A fresh directory under $TMPDIR, removed with everything in it when the object dies.
#pragma once

#include <string>
#include <string_view>

namespace apkd::testing {

class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }
  // Writes `data` to path()/name (creating parent directories) and returns the full path.
  std::string Write(std::string_view name, std::string_view data, unsigned mode = 0644) const;

 private:
  std::string path_;
};

}  // namespace apkd::testing
