#include "util/file_io.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace apkd {
namespace {

using ::apkd::testing::TempDir;

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ReadFileTest, ReadsWholeFileIncludingNulBytes) {
  TempDir dir;
  const std::string content("a\0b\nc", 5);
  const std::string path = dir.Write("f.bin", content);
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, content);
}

TEST(ReadFileTest, ReadsEmptyFile) {
  TempDir dir;
  auto read = ReadFile(dir.Write("empty", ""));
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
}

TEST(ReadFileTest, SizeLimitIsInclusive) {
  TempDir dir;
  const std::string path = dir.Write("ten", "0123456789");
  EXPECT_TRUE(ReadFile(path, 10).ok());
  auto over = ReadFile(path, 9);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(over.error().message().find("larger than 9 bytes"), std::string::npos)
      << over.error().message();
}

TEST(ReadFileTest, MissingFileIsNotFound) {
  TempDir dir;
  auto read = ReadFile(dir.File("absent"));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(read.error().message().find("absent"), std::string::npos);
}

TEST(ReadFileTest, DirectoryIsNotARegularFile) {
  TempDir dir;
  auto read = ReadFile(dir.path());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(read.error().message().find("not a regular file"), std::string::npos);
}

// A FIFO is not a regular file; opening one for reading must not wait for a writer.
TEST(ReadFileTest, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  const std::string fifo = dir.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // If ReadFile did block in open(2), this writer releases it after a while, so that the test
  // fails on time instead of hanging.
  std::atomic<bool> done{false};
  std::thread releaser([&fifo, &done] {
    for (int i = 0; i < 60 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) {
      ::close(fd);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  auto read = ReadFile(fifo);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  done = true;
  releaser.join();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_LT(elapsed, std::chrono::seconds(2)) << "ReadFile blocked opening a FIFO";
}

TEST(WriteFileAtomicTest, WritesContentAndModeAndLeavesNoTempFile) {
  TempDir dir;
  const std::string path = dir.File("out.txt");
  ASSERT_TRUE(WriteFileAtomic(path, "hello\n", 0600).ok());
  EXPECT_EQ(DirEntries(dir.path()), std::vector<std::string>{"out.txt"});
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "hello\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
}

TEST(WriteFileAtomicTest, ReplacesByRenameNotInPlace) {
  TempDir dir;
  const std::string path = dir.File("index");
  ASSERT_TRUE(WriteFileAtomic(path, "old contents").ok());
  // A hard link keeps the old inode: an in-place rewrite would change it too, a rename does not.
  const std::string old_link = dir.File("old-link");
  ASSERT_EQ(::link(path.c_str(), old_link.c_str()), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);

  ASSERT_TRUE(WriteFileAtomic(path, "new").ok());
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(*ReadFile(path), "new");
  EXPECT_EQ(*ReadFile(old_link), "old contents");
  EXPECT_EQ(DirEntries(dir.path()), (std::vector<std::string>{"index", "old-link"}));
}

TEST(WriteFileAtomicTest, MissingDirectoryFailsWithoutLeftovers) {
  TempDir dir;
  const Status status = WriteFileAtomic(dir.File("no/such/dir/file"), "x");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(DirEntries(dir.path()).empty());
}

TEST(WriteFileAtomicTest, FailedRenameRemovesTheTempFile) {
  TempDir dir;
  // The target is a non-empty directory: rename(2) fails after the data was written.
  const std::string target = dir.File("target");
  dir.Write("target/keep", "k");
  const Status status = WriteFileAtomic(target, "data");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kIoError);
  EXPECT_NE(status.error().message().find("renaming"), std::string::npos)
      << status.error().message();
  EXPECT_EQ(DirEntries(dir.path()), std::vector<std::string>{"target"});
  EXPECT_EQ(DirEntries(target), std::vector<std::string>{"keep"});
}

TEST(WriteFileAtomicTest, WritesLargeData) {
  TempDir dir;
  std::string big(3 * 1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>(i * 31 % 251);
  }
  const std::string path = dir.File("big");
  ASSERT_TRUE(WriteFileAtomic(path, big).ok());
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, big);
}

TEST(ListFilesTest, ListsRegularFilesSorted) {
  TempDir dir;
  dir.Write("b.pub", "b");
  dir.Write("a.pub", "a");
  dir.Write("sub/c.pub", "c");  // a directory: not listed, nor is its content
  ASSERT_EQ(::symlink("a.pub", dir.File("link.pub").c_str()), 0);  // follows to a regular file
  ASSERT_EQ(::symlink("nowhere", dir.File("dangling").c_str()), 0);
  auto names = ListFiles(dir.path());
  ASSERT_TRUE(names.ok()) << names.error().message();
  EXPECT_EQ(*names, (std::vector<std::string>{"a.pub", "b.pub", "link.pub"}));
}

TEST(ListFilesTest, MissingDirectoryIsNotFound) {
  TempDir dir;
  auto names = ListFiles(dir.File("absent"));
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace apkd
