// The data member of an APKINDEX.tar.gz kept up to date record by record. Records live in
// sorted shards of a few hundred; each shard keeps its text compressed on its own (see
// format/deflate_chunks.h), so a publish recompresses one shard and the small tar framing, not
// the whole index: a 150,000-record index changes in milliseconds instead of seconds. The
// output is byte-for-byte a valid single gzip member whose content equals BuildIndexDataMember
// of the same records. Not thread-safe: one owner (the index cache) serialises updates.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "format/deflate_chunks.h"
#include "format/index_record.h"
#include "index/index_builder.h"
#include "util/result.h"

namespace apkd::index {

class IncrementalIndex {
 public:
  static constexpr size_t kDefaultShardRecords = 256;

  explicit IncrementalIndex(IndexBuildOptions options,
                            size_t shard_records = kDefaultShardRecords);

  // Replaces everything (a full rebuild). Records need not be sorted.
  void Reset(std::vector<format::IndexRecord> records);
  // Adds a record, or replaces the one with the same name, version and arch.
  void Upsert(format::IndexRecord record);
  // Removes the record with this name, version and arch; false if there was none.
  bool Remove(std::string_view name, std::string_view version, std::string_view arch);

  // The gzip data member (DESCRIPTION, APKINDEX, end-of-archive), recompressing only shards
  // changed since the last call.
  Result<std::string> DataMember();

  size_t record_count() const { return record_count_; }
  size_t shard_count() const { return shards_.size(); }

 private:
  struct Shard {
    std::vector<format::IndexRecord> records;  // sorted, as SortIndexRecords orders them
    std::string text;                           // FormatApkIndex(records)
    format::DeflatedChunk compressed;
    bool dirty = true;
  };

  size_t FindShard(const format::IndexRecord& record) const;
  void SplitIfLarge(size_t shard_index);
  void Refresh(Shard& shard) const;

  IndexBuildOptions options_;
  size_t shard_records_;
  std::vector<Shard> shards_;
  size_t record_count_ = 0;
};

}  // namespace apkd::index
