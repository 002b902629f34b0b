#include "index/incremental_index.h"

#include <algorithm>
#include <string>

#include "format/apkindex_text.h"
#include "format/tar_writer.h"

namespace apkd::index {
namespace {

bool SameKey(const format::IndexRecord& a, std::string_view name, std::string_view version,
             std::string_view arch) {
  return a.name == name && a.version == version && a.arch == arch;
}

}  // namespace

IncrementalIndex::IncrementalIndex(IndexBuildOptions options, size_t shard_records)
    : options_(std::move(options)), shard_records_(std::max<size_t>(shard_records, 1)) {}

void IncrementalIndex::Reset(std::vector<format::IndexRecord> records) {
  std::sort(records.begin(), records.end(), format::IndexRecordLess);
  shards_.clear();
  record_count_ = records.size();
  for (size_t start = 0; start < records.size(); start += shard_records_) {
    Shard shard;
    const size_t end = std::min(records.size(), start + shard_records_);
    shard.records.assign(std::make_move_iterator(records.begin() + static_cast<ptrdiff_t>(start)),
                         std::make_move_iterator(records.begin() + static_cast<ptrdiff_t>(end)));
    shards_.push_back(std::move(shard));
  }
}

size_t IncrementalIndex::FindShard(const format::IndexRecord& record) const {
  // The first shard whose last record is not less than `record`; past the end, the last shard.
  const auto it = std::lower_bound(shards_.begin(), shards_.end(), record,
                                   [](const Shard& shard, const format::IndexRecord& r) {
                                     return format::IndexRecordLess(shard.records.back(), r);
                                   });
  return it == shards_.end() ? shards_.size() - 1 : static_cast<size_t>(it - shards_.begin());
}

void IncrementalIndex::Upsert(format::IndexRecord record) {
  Remove(record.name, record.version, record.arch);
  if (shards_.empty()) {
    shards_.emplace_back();
    shards_.back().records.push_back(std::move(record));
    record_count_ = 1;
    return;
  }
  const size_t index = FindShard(record);
  Shard& shard = shards_[index];
  const auto position =
      std::upper_bound(shard.records.begin(), shard.records.end(), record, format::IndexRecordLess);
  shard.records.insert(position, std::move(record));
  shard.dirty = true;
  ++record_count_;
  SplitIfLarge(index);
}

bool IncrementalIndex::Remove(std::string_view name, std::string_view version,
                              std::string_view arch) {
  for (size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = shards_[i];
    if (shard.records.empty() || shard.records.front().name > name ||
        shard.records.back().name < name) {
      continue;
    }
    const auto it = std::find_if(shard.records.begin(), shard.records.end(),
                                 [&](const auto& r) { return SameKey(r, name, version, arch); });
    if (it == shard.records.end()) {
      continue;
    }
    shard.records.erase(it);
    shard.dirty = true;
    --record_count_;
    if (shard.records.empty()) {
      shards_.erase(shards_.begin() + static_cast<ptrdiff_t>(i));
    }
    return true;
  }
  return false;
}

void IncrementalIndex::SplitIfLarge(size_t shard_index) {
  Shard& shard = shards_[shard_index];
  if (shard.records.size() < 2 * shard_records_) {
    return;
  }
  Shard upper;
  const auto middle = shard.records.begin() + static_cast<ptrdiff_t>(shard.records.size() / 2);
  upper.records.assign(std::make_move_iterator(middle),
                       std::make_move_iterator(shard.records.end()));
  shard.records.erase(middle, shard.records.end());
  shard.dirty = true;
  shards_.insert(shards_.begin() + static_cast<ptrdiff_t>(shard_index) + 1, std::move(upper));
}

void IncrementalIndex::Refresh(Shard& shard) const {
  if (!shard.dirty) {
    return;
  }
  shard.text = format::FormatApkIndex(shard.records);
  shard.compressed = format::DeflateChunk(shard.text, options_.compression_level, false);
  shard.dirty = false;
}

Result<std::string> IncrementalIndex::DataMember() {
  APKD_RETURN_IF_ERROR(CheckDescription(options_.description));
  uint64_t text_size = 0;
  for (Shard& shard : shards_) {
    Refresh(shard);
    text_size += shard.text.size();
  }
  // The framing around the shards: DESCRIPTION and the APKINDEX header (which carries the
  // total size) before them; the APKINDEX padding and end-of-archive after.
  format::TarWriter head;
  head.Add(IndexFileEntry("DESCRIPTION", options_.mtime), options_.description);
  format::TarEntry apkindex = IndexFileEntry("APKINDEX", options_.mtime);
  std::string framing = head.Release();
  {
    format::TarWriter header_only;
    header_only.AddHeaderOnly(apkindex, text_size);
    framing += header_only.Release();
  }
  const size_t padding = (format::kTarBlockSize - text_size % format::kTarBlockSize) %
                         format::kTarBlockSize;
  const std::string tail(padding + 2 * format::kTarBlockSize, '\0');

  const format::DeflatedChunk head_chunk =
      format::DeflateChunk(framing, options_.compression_level, false);
  const format::DeflatedChunk tail_chunk =
      format::DeflateChunk(tail, options_.compression_level, true);
  std::vector<const format::DeflatedChunk*> chunks;
  chunks.reserve(shards_.size() + 2);
  chunks.push_back(&head_chunk);
  for (const Shard& shard : shards_) {
    chunks.push_back(&shard.compressed);
  }
  chunks.push_back(&tail_chunk);
  return format::AssembleGzipMember(chunks);
}

}  // namespace apkd::index
