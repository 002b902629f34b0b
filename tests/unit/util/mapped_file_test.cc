// MappedFile: the bytes of an open file as a view, empty files, and refusal of what cannot map.
#include "util/mapped_file.h"

#include <string>
#include <utility>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace apkd {
namespace {

TEST(MappedFileTest, ViewsTheWholeFileAfterTheFdIsClosed) {
  const testing::TempDir dir;
  std::string content(100000, '\0');
  for (size_t i = 0; i < content.size(); ++i) {
    content[i] = static_cast<char>(i * 131 % 251);
  }
  const std::string path = dir.Write("f", content);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto mapped = MappedFile::Map(fd);
  ::close(fd);
  ASSERT_TRUE(mapped.ok()) << mapped.error().message();
  EXPECT_EQ(mapped->bytes(), content);
  MappedFile moved = std::move(mapped).value();
  EXPECT_EQ(moved.bytes().size(), content.size());
}

TEST(MappedFileTest, EmptyFileAndDirectory) {
  const testing::TempDir dir;
  const std::string path = dir.Write("empty", "");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto mapped = MappedFile::Map(fd);
  ::close(fd);
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped->bytes().empty());
  const int dir_fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  EXPECT_EQ(MappedFile::Map(dir_fd).error().code(), ErrorCode::kInvalidArgument);
  ::close(dir_fd);
}

}  // namespace
}  // namespace apkd
