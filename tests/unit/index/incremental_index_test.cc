// IncrementalIndex must produce exactly what a full build produces, as one gzip member, after
// any sequence of upserts and removals.
#include "index/incremental_index.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "format/apkindex_text.h"
#include "format/gzip.h"
#include "index/index_builder.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd::index {
namespace {

format::IndexRecord Record(const std::string& name, const std::string& version,
                           const std::string& arch = "x86_64") {
  format::IndexRecord r;
  r.checksum = "Q1" + std::string(27, 'A') + "=";
  r.name = name;
  r.version = version;
  r.arch = arch;
  r.size = 1000 + name.size();
  r.installed_size = 4096;
  r.description = "package " + name + " " + version;
  r.license = "MIT";
  r.build_time = 1700000000;
  r.depends = {"so:libc.musl-x86_64.so.1"};
  return r;
}

// What the full builder makes of the same records: the uncompressed tar stream.
std::string ExpectedTar(std::vector<format::IndexRecord> records, const IndexBuildOptions& o) {
  format::SortIndexRecords(records);
  auto member = BuildIndexDataMember(format::FormatApkIndex(records), o);
  EXPECT_TRUE(member.ok());
  auto tar = format::GunzipAll(*member);
  EXPECT_TRUE(tar.ok());
  return *tar;
}

void ExpectSingleMemberWithContent(const std::string& member, const std::string& expected_tar) {
  std::vector<format::GzipMember> members;
  std::string tar;
  auto result = format::InflateMembers(member, {}, nullptr, [&tar](std::string_view chunk) {
    tar.append(chunk);
    return OkStatus();
  });
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->size(), 1U) << "apk 3 needs the data member to be ONE gzip member";
  EXPECT_EQ(tar.size(), expected_tar.size());
  EXPECT_TRUE(tar == expected_tar);
}

TEST(IncrementalIndexTest, MatchesFullBuildAfterRandomEdits) {
  IndexBuildOptions options;
  options.description = "incremental test";
  IncrementalIndex index(options, /*shard_records=*/8);
  std::vector<format::IndexRecord> truth;
  std::mt19937 rng(42);  // fixed seed: the edit sequence is the same on every run
  for (int step = 0; step < 300; ++step) {
    const std::string name = "pkg" + std::to_string(rng() % 40);
    const std::string version = std::to_string(rng() % 5) + "." + std::to_string(rng() % 3) + "-r0";
    auto same = [&](const format::IndexRecord& r) { return r.name == name && r.version == version; };
    if (rng() % 4 == 0) {
      const bool existed = std::find_if(truth.begin(), truth.end(), same) != truth.end();
      EXPECT_EQ(index.Remove(name, version, "x86_64"), existed);
      truth.erase(std::remove_if(truth.begin(), truth.end(), same), truth.end());
    } else {
      truth.erase(std::remove_if(truth.begin(), truth.end(), same), truth.end());
      truth.push_back(Record(name, version));
      index.Upsert(Record(name, version));
    }
    ASSERT_EQ(index.record_count(), truth.size());
    if (step % 25 == 0) {
      auto member = index.DataMember();
      ASSERT_TRUE(member.ok());
      ExpectSingleMemberWithContent(*member, ExpectedTar(truth, options));
    }
  }
  EXPECT_GT(index.shard_count(), 2U);
}

TEST(IncrementalIndexTest, ResetThenUpsertEqualsFullBuild) {
  IndexBuildOptions options;
  std::vector<format::IndexRecord> records;
  for (int i = 0; i < 1000; ++i) {
    records.push_back(Record("name" + std::to_string(i % 97), std::to_string(i) + ".0-r0"));
  }
  IncrementalIndex index(options, 64);
  index.Reset(records);
  records.push_back(Record("aaa-first", "1.0-r0"));
  index.Upsert(records.back());
  records.push_back(Record("zzz-last", "1.0-r0"));
  index.Upsert(records.back());
  auto member = index.DataMember();
  ASSERT_TRUE(member.ok());
  ExpectSingleMemberWithContent(*member, ExpectedTar(records, options));
}

TEST(IncrementalIndexTest, EmptyIndexIsValid) {
  IncrementalIndex index(IndexBuildOptions{});
  auto member = index.DataMember();
  ASSERT_TRUE(member.ok());
  ExpectSingleMemberWithContent(*member, ExpectedTar({}, IndexBuildOptions{}));
}

TEST(IncrementalIndexTest, GzipAndTarAcceptTheAssembledMember) {
  IncrementalIndex index(IndexBuildOptions{}, 4);
  for (int i = 0; i < 50; ++i) {
    index.Upsert(Record("p" + std::to_string(i), "1.0-r0"));
  }
  auto member = index.DataMember();
  ASSERT_TRUE(member.ok());
  testing::TempDir dir;
  const std::string path = dir.Write("data.tar.gz", *member);
  auto gzip = testing::RunCommand("gzip -t " + path);
  EXPECT_EQ(gzip.exit_code, 0) << gzip.output;
  auto tar = testing::RunCommand("tar tzf " + path);
  EXPECT_EQ(tar.output, "DESCRIPTION\nAPKINDEX\n");
  auto records = testing::RunCommand("tar xzOf " + path + " APKINDEX | grep -c '^P:'");
  EXPECT_EQ(records.output, "50\n");
}

}  // namespace
}  // namespace apkd::index
