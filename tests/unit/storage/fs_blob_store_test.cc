// FsBlobStore specifics: on-disk layout, atomic publication (no partial blob is ever visible),
// leftovers of a crash removed on open, moves without copies, repair of a damaged blob.
#include "storage/fs_blob_store.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/temp_dir.h"
#include "util/file_io.h"

namespace apkd::storage {
namespace {

using ::apkd::testing::TempDir;

constexpr std::string_view kAbcKey =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::unique_ptr<FsBlobStore> OpenStore(const std::string& root) {
  auto store = FsBlobStore::OpenAt(root);
  EXPECT_TRUE(store.ok()) << store.error().message();
  return std::move(store).value();
}

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++n;
  }
  return n;
}

TEST(FsBlobStoreTest, ContentAddressedLayoutAndReadOnlyFiles) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  ASSERT_TRUE(store->PutBytes("abc").ok());
  const std::string expected = dir.File("blobs") + "/sha256/ba/" + std::string(kAbcKey.substr(2));
  EXPECT_EQ(store->PathForKey(kAbcKey), expected);
  auto content = ReadFile(expected);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "abc");
  struct stat st {};
  ASSERT_EQ(::stat(expected.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  EXPECT_EQ(CountEntries(store->temp_dir()), 0u);
}

TEST(FsBlobStoreTest, OpenRemovesLeftoverTempFilesAndKeepsBlobs) {
  TempDir dir;
  const std::string root = dir.File("blobs");
  {
    auto store = OpenStore(root);
    ASSERT_TRUE(store->PutBytes("abc").ok());
    // What a crash in the middle of Put leaves behind.
    ASSERT_TRUE(WriteFileAtomic(store->temp_dir() + "/put-crashed", "partial").ok());
    std::filesystem::create_directory(store->temp_dir() + "/upload-dir");
    ASSERT_EQ(CountEntries(store->temp_dir()), 2u);
  }
  auto store = OpenStore(root);
  EXPECT_EQ(CountEntries(store->temp_dir()), 0u);
  auto read = store->Read(kAbcKey, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "abc");
  auto list = store->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST(FsBlobStoreTest, ListIgnoresForeignFiles) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  ASSERT_TRUE(store->PutBytes("abc").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.File("blobs/sha256/ba/README"), "not a blob").ok());
  std::filesystem::create_directory(dir.File("blobs/sha256/00"));
  ASSERT_TRUE(WriteFileAtomic(dir.File("blobs/sha256/00/short"), "x").ok());
  auto list = store->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().key, kAbcKey);
}

// A reader polling the final path while a large Put runs never sees a partial blob.
void ExpectNoPartialBlobVisible(FsBlobStore& store, const std::string& bytes,
                                const std::function<Result<std::string>()>& put) {
  const std::string key = BlobKeyOf(bytes);
  const std::string final_path = store.PathForKey(key);
  std::atomic<bool> done{false};
  std::atomic<int> partial_seen{0};
  std::atomic<int> complete_seen{0};
  std::thread watcher([&] {
    while (!done.load()) {
      struct stat st {};
      if (::stat(final_path.c_str(), &st) == 0) {
        auto content = ReadFile(final_path);
        if (static_cast<size_t>(st.st_size) != bytes.size() || !content.ok() ||
            BlobKeyOf(*content) != key) {
          ++partial_seen;
        } else {
          ++complete_seen;
        }
      }
    }
  });
  auto put_key = put();
  done.store(true);
  watcher.join();
  ASSERT_TRUE(put_key.ok()) << put_key.error().message();
  EXPECT_EQ(*put_key, key);
  EXPECT_EQ(partial_seen.load(), 0);
  EXPECT_TRUE(std::filesystem::exists(final_path));
  EXPECT_EQ(CountEntries(store.temp_dir()), 0u);
}

TEST(FsBlobStoreTest, PutBytesNeverExposesAPartialBlob) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  const std::string bytes(8 << 20, 'p');
  ExpectNoPartialBlobVisible(*store, bytes, [&] { return store->PutBytes(bytes); });
}

TEST(FsBlobStoreTest, PutFromFileNeverExposesAPartialBlob) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  std::string bytes(8 << 20, 'f');
  bytes[12345] = 'x';
  const std::string path = dir.Write("upload.apk", bytes);
  ExpectNoPartialBlobVisible(*store, bytes, [&] { return store->Put(path); });
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(FsBlobStoreTest, StagedFileIsMovedNotCopied) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  const std::string staged = store->temp_dir() + "/upload-1";
  ASSERT_TRUE(WriteFileAtomic(staged, "abc").ok());
  struct stat before {};
  ASSERT_EQ(::stat(staged.c_str(), &before), 0);
  auto key = store->Put(staged);
  ASSERT_TRUE(key.ok()) << key.error().message();
  struct stat after {};
  ASSERT_EQ(::stat(store->PathForKey(*key).c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(CountEntries(store->temp_dir()), 0u);
}

TEST(FsBlobStoreTest, PutCopiesAcrossFilesystems) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  struct stat shm {};
  struct stat root {};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(dir.path().c_str(), &root) != 0 ||
      shm.st_dev == root.st_dev || ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "no second writable filesystem at /dev/shm";
  }
  const std::string path = "/dev/shm/apkd-blob-test-" + std::to_string(::getpid());
  ASSERT_TRUE(WriteFileAtomic(path, "abc").ok());
  auto key = store->Put(path);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(*key, kAbcKey);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(CountEntries(store->temp_dir()), 0u);
  auto read = store->Read(*key, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "abc");
}

TEST(FsBlobStoreTest, PutRepairsADamagedBlob) {
  TempDir dir;
  auto store = OpenStore(dir.File("blobs"));
  const std::string path = store->PathForKey(kAbcKey);
  std::filesystem::create_directory(std::filesystem::path(path).parent_path());
  ASSERT_TRUE(WriteFileAtomic(path, "ab").ok());  // truncated by some accident
  auto key = store->PutBytes("abc");
  ASSERT_TRUE(key.ok());
  auto read = store->Read(kAbcKey, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "abc");
}

TEST(FsBlobStoreTest, RejectsAnEmptyRoot) {
  auto store = FsBlobStore::OpenAt("");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace apkd::storage
