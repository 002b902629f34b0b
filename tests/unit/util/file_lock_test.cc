// FileLock: one holder at a time, a clear refusal naming the holder, and no stale lock after the
// holder is killed.
#include "util/file_lock.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace apkd {
namespace {

TEST(FileLockTest, OneHolderAtATime) {
  const testing::TempDir dir;
  const std::string path = dir.File("apkd.lock");
  std::optional<FileLock> first;
  {
    auto lock = FileLock::Acquire(path);
    ASSERT_TRUE(lock.ok()) << lock.error().message();
    first.emplace(std::move(lock).value());
  }
  auto second = FileLock::Acquire(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(second.error().message().find("pid " + std::to_string(getpid())), std::string::npos)
      << second.error().message();
  first.reset();
  EXPECT_TRUE(FileLock::Acquire(path).ok()) << "released with its holder";
}

TEST(FileLockTest, AKilledHolderLeavesNoStaleLock) {
  const testing::TempDir dir;
  const std::string path = dir.File("apkd.lock");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = FileLock::Acquire(path);
    const char byte = lock.ok() ? 'y' : 'n';
    (void)!write(ready[1], &byte, 1);
    pause();
    _exit(0);
  }
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  EXPECT_FALSE(FileLock::Acquire(path).ok()) << "the child holds it";
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_TRUE(FileLock::Acquire(path).ok());
  close(ready[0]);
  close(ready[1]);
}

TEST(FileLockTest, UnwritablePlaceIsAnIoError) {
  auto lock = FileLock::Acquire("/nonexistent-dir/apkd.lock");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace apkd
