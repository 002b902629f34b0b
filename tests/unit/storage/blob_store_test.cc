// One behavioural suite for every BlobStore (filesystem and memory), plus filesystem-only checks:
// layout, atomic publication, crash leftovers, moves without copies.
#include "storage/blob_store.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/fs_blob_store.h"
#include "storage/memory_blob_store.h"
#include "support/temp_dir.h"
#include "util/file_io.h"

namespace apkd::storage {
namespace {

using ::apkd::testing::TempDir;

constexpr std::string_view kAbcKey =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view kEmptyKey =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct FsFactory {
  static constexpr const char* kName = "Fs";
  static std::unique_ptr<BlobStore> Make(const TempDir& dir) {
    auto store = FsBlobStore::OpenAt(dir.File("blobs"));
    EXPECT_TRUE(store.ok()) << store.error().message();
    return std::move(store).value();
  }
};

struct MemoryFactory {
  static constexpr const char* kName = "Memory";
  static std::unique_ptr<BlobStore> Make(const TempDir&) {
    return std::make_unique<MemoryBlobStore>();
  }
};

struct FactoryNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

template <typename Factory>
class BlobStoreTest : public ::testing::Test {
 protected:
  BlobStoreTest() : store_(Factory::Make(dir_)) {}

  BlobStore& store() { return *store_; }

  TempDir dir_;
  std::unique_ptr<BlobStore> store_;
};

using Factories = ::testing::Types<FsFactory, MemoryFactory>;
TYPED_TEST_SUITE(BlobStoreTest, Factories, FactoryNames);

std::string ReadAllFromFd(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n <= 0) {
      return out;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

TYPED_TEST(BlobStoreTest, PutBytesReturnsSha256Key) {
  auto key = this->store().PutBytes("abc");
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(*key, kAbcKey);
  EXPECT_EQ(BlobKeyOf("abc"), kAbcKey);
  auto read = this->store().Read(kAbcKey, 1024);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, "abc");
}

TYPED_TEST(BlobStoreTest, PutBytesIsIdempotent) {
  ASSERT_TRUE(this->store().PutBytes("abc").ok());
  auto again = this->store().PutBytes("abc");
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, kAbcKey);
  auto list = this->store().List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TYPED_TEST(BlobStoreTest, EmptyBlob) {
  auto key = this->store().PutBytes("");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, kEmptyKey);
  auto handle = this->store().Open(kEmptyKey);
  ASSERT_TRUE(handle.ok());
  EXPECT_EQ(handle->size(), 0u);
  EXPECT_EQ(ReadAllFromFd(handle->fd()), "");
}

TYPED_TEST(BlobStoreTest, OpenGivesAnOwnedDescriptorAndSize) {
  const std::string bytes(100000, 'x');
  auto key = this->store().PutBytes(bytes);
  ASSERT_TRUE(key.ok());
  auto handle = this->store().Open(*key);
  ASSERT_TRUE(handle.ok()) << handle.error().message();
  EXPECT_TRUE(handle->valid());
  EXPECT_EQ(handle->size(), bytes.size());
  EXPECT_EQ(ReadAllFromFd(handle->fd()), bytes);
  char byte = 0;
  EXPECT_EQ(::pread(handle->fd(), &byte, 1, 99999), 1);  // random access, as sendfile needs
  EXPECT_EQ(byte, 'x');
  BlobHandle moved = std::move(*handle);
  EXPECT_FALSE(handle->valid());
  const int fd = moved.Release();
  EXPECT_FALSE(moved.valid());
  EXPECT_EQ(::close(fd), 0);  // released descriptors belong to the caller
}

TYPED_TEST(BlobStoreTest, ReadHonoursTheLimit) {
  auto key = this->store().PutBytes("0123456789");
  ASSERT_TRUE(key.ok());
  auto read = this->store().Read(*key, 9);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(this->store().Read(*key, 10).ok());
}

TYPED_TEST(BlobStoreTest, ExistsDeleteAndNotFound) {
  auto key = this->store().PutBytes("abc");
  ASSERT_TRUE(key.ok());
  auto exists = this->store().Exists(*key);
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  ASSERT_TRUE(this->store().Delete(*key).ok());
  exists = this->store().Exists(*key);
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  Status again = this->store().Delete(*key);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  auto open = this->store().Open(*key);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().code(), ErrorCode::kNotFound);
  auto read = this->store().Read(*key, 100);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
}

TYPED_TEST(BlobStoreTest, ListIsSortedWithSizes) {
  std::vector<std::string> keys;
  for (const std::string bytes : {"one", "two", "three", "four"}) {
    auto key = this->store().PutBytes(bytes);
    ASSERT_TRUE(key.ok());
    keys.push_back(*key);
  }
  auto list = this->store().List();
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list->size(), 4u);
  for (size_t i = 1; i < list->size(); ++i) {
    EXPECT_LT((*list)[i - 1].key, (*list)[i].key);
  }
  for (const BlobInfo& info : *list) {
    auto read = this->store().Read(info.key, 100);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(info.size, read->size());
    EXPECT_GT(info.modified_at, 0);
  }
}

TYPED_TEST(BlobStoreTest, PutTakesTheFile) {
  const std::string path = this->dir_.Write("upload.apk", "abc");
  auto key = this->store().Put(path);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(*key, kAbcKey);
  EXPECT_FALSE(std::filesystem::exists(path));
  // Same bytes again: same key, no error, and the file is consumed as well.
  const std::string second = this->dir_.Write("again.apk", "abc");
  auto again = this->store().Put(second);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, kAbcKey);
  EXPECT_FALSE(std::filesystem::exists(second));
  auto read = this->store().Read(kAbcKey, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "abc");
}

TYPED_TEST(BlobStoreTest, PutRejectsWhatIsNotARegularFile) {
  auto missing = this->store().Put(this->dir_.File("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  std::filesystem::create_directory(this->dir_.File("dir"));
  auto dir = this->store().Put(this->dir_.File("dir"));
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_directory(this->dir_.File("dir")));

  const std::string target = this->dir_.Write("target", "abc");
  std::filesystem::create_symlink(target, this->dir_.File("link"));
  auto link = this->store().Put(this->dir_.File("link"));
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_symlink(this->dir_.File("link")));
}

TYPED_TEST(BlobStoreTest, RejectsMalformedKeysEverywhere) {
  const std::string good(kAbcKey);
  const std::vector<std::string> bad = {
      "",
      "../x",
      "../../etc/passwd",
      "/etc/passwd",
      good.substr(1),                                                      // 63
      good + "0",                                                          // 65
      "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",  // uppercase
      good.substr(0, 62) + "/x",                                           // 64 with a slash
      good.substr(0, 60) + "/../",  // 64 with a dot-dot segment
      good.substr(0, 63) + "g",     // not hex
      std::string(64, '\0'),
  };
  ASSERT_TRUE(this->store().PutBytes("abc").ok());
  for (const std::string& key : bad) {
    SCOPED_TRACE(key);
    EXPECT_FALSE(IsValidBlobKey(key));
    auto open = this->store().Open(key);
    ASSERT_FALSE(open.ok());
    EXPECT_EQ(open.error().code(), ErrorCode::kInvalidArgument);
    auto read = this->store().Read(key, 100);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument);
    auto exists = this->store().Exists(key);
    ASSERT_FALSE(exists.ok());
    EXPECT_EQ(exists.error().code(), ErrorCode::kInvalidArgument);
    Status deleted = this->store().Delete(key);
    ASSERT_FALSE(deleted.ok());
    EXPECT_EQ(deleted.error().code(), ErrorCode::kInvalidArgument);
  }
  auto list = this->store().List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TYPED_TEST(BlobStoreTest, ConcurrentPutsAndReadsAgree) {
  constexpr int kThreads = 4;
  constexpr int kBlobsPerThread = 16;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBlobsPerThread; ++i) {
        // Half the contents are shared between threads (same key written concurrently).
        const std::string bytes =
            "blob-" + std::to_string(i % 2 == 0 ? i : t * 1000 + i) + std::string(5000, 'z');
        auto key = this->store().PutBytes(bytes);
        if (!key.ok() || *key != BlobKeyOf(bytes)) {
          ++failures;
          continue;
        }
        auto read = this->store().Read(*key, 1 << 20);
        if (!read.ok() || *read != bytes) {
          ++failures;
        }
        if (i % 4 == 0 && !this->store().List().ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  auto list = this->store().List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), size_t{kBlobsPerThread / 2 + kThreads * kBlobsPerThread / 2});
}

}  // namespace
}  // namespace apkd::storage
