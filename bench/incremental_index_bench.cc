// Index rebuild after one publish into an org with 30,000 package names x 5 versions (synthetic
// metadata), against a full rebuild of the same index in the same run. Both include signing the
// data member with an RSA 4096 key, as a publish does.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "crypto/rsa_key.h"
#include "crypto/signer.h"
#include "index/incremental_index.h"
#include "format/apkindex_text.h"
#include "index/index_builder.h"

namespace apkd::index {
namespace {

constexpr int kNames = 30'000;
constexpr int kVersions = 5;

format::IndexRecord SyntheticRecord(int name, int version) {
  format::IndexRecord r;
  r.name = "pkg-" + std::to_string(name * 7919 % 100'003);
  r.version = "1." + std::to_string(version) + ".0-r" + std::to_string(name % 3);
  r.checksum = "Q1" + std::to_string(name * 10 + version) + std::string(16, 'x') + "=";
  r.arch = "x86_64";
  r.size = 100'000 + static_cast<uint64_t>(name);
  r.installed_size = 400'000;
  r.description = "synthetic package number " + std::to_string(name);
  r.url = "https://example.com/" + r.name;
  r.license = "Apache-2.0";
  r.origin = r.name;
  r.maintainer = "Bench <bench@example.com>";
  r.build_time = 1'700'000'000 + name;
  r.commit = std::string(40, 'a');
  r.depends = {"so:libc.so.6", "ca-certificates-bundle"};
  r.provides = {"cmd:" + r.name + "=" + r.version};
  return r;
}

std::vector<format::IndexRecord> SyntheticIndex() {
  std::vector<format::IndexRecord> records;
  records.reserve(static_cast<size_t>(kNames) * kVersions);
  for (int n = 0; n < kNames; ++n) {
    for (int v = 0; v < kVersions; ++v) {
      records.push_back(SyntheticRecord(n, v));
    }
  }
  return records;
}

const crypto::LocalSigner& Signer() {
  static const crypto::LocalSigner signer("bench.rsa.pub", *crypto::PrivateKey::Generate(4096));
  return signer;
}

void Sign(const std::string& data_member) {
  const crypto::Signer* signers[] = {&Signer()};
  benchmark::DoNotOptimize(BuildIndexSignatureMember(data_member, signers, {}));
}

void BM_FullRebuild(benchmark::State& state) {
  const std::vector<format::IndexRecord> records = SyntheticIndex();
  for (auto _ : state) {
    IncrementalIndex index(IndexBuildOptions{});
    index.Reset(records);
    auto member = index.DataMember();
    Sign(*member);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
}
BENCHMARK(BM_FullRebuild)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same full rebuild through the one-stream builder (apkctl index's path), for reference.
void BM_FullRebuildOneStream(benchmark::State& state) {
  std::vector<format::IndexRecord> records = SyntheticIndex();
  const crypto::Signer* signers[] = {&Signer()};
  for (auto _ : state) {
    std::vector<format::IndexRecord> copy = records;
    format::SortIndexRecords(copy);
    benchmark::DoNotOptimize(BuildSignedIndex(copy, signers, {}));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
}
BENCHMARK(BM_FullRebuildOneStream)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_IncrementalPublish(benchmark::State& state) {
  IncrementalIndex index(IndexBuildOptions{});
  index.Reset(SyntheticIndex());
  benchmark::DoNotOptimize(index.DataMember());  // the state before the publish
  int published = 0;
  for (auto _ : state) {
    index.Upsert(SyntheticRecord(published % kNames, kVersions + published));
    ++published;
    auto member = index.DataMember();
    Sign(*member);
  }
  state.counters["records"] = static_cast<double>(index.record_count());
}
BENCHMARK(BM_IncrementalPublish)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace apkd::index

BENCHMARK_MAIN();
