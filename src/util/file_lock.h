// An exclusive, advisory lock on a file (flock), held for the life of the object: how one apkd
// process claims its data dir. The kernel drops the lock when the process dies, even by SIGKILL,
// so a crash never leaves a stale lock behind. The holder's pid is written into the file so
// that a refused second start can say who holds it.
#pragma once

#include <string>

#include "util/result.h"

namespace apkd {

class FileLock {
 public:
  // kUnavailable, naming the holder's pid, when another process holds the lock.
  static Result<FileLock> Acquire(const std::string& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace apkd
