// Index throughput over a real repository: the Alpine 3.16 `main` APKINDEX (4,929 records).
// Measures reading, parsing, formatting, writing (gzip of tar), signing and a full rebuild,
// next to plain zlib compressing the very same tar bytes in the same run, so that the cost of
// our own code shows as a ratio. Every benchmark reports records/s (items) and bytes/s over the
// uncompressed APKINDEX text. Run it through bench/run_index_bench.sh.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <zlib.h>

#include "crypto/rsa_key.h"
#include "crypto/signer.h"
#include "format/apkindex_text.h"
#include "format/gzip.h"
#include "format/index_record.h"
#include "index/index_archive.h"
#include "index/index_builder.h"
#include "util/file_io.h"
#include "util/result.h"

namespace apkd {
namespace {

constexpr std::string_view kIndexFixture = "alpine-3.16/x86_64/APKINDEX.tar.gz";
constexpr int kCompressionLevel = 9;
constexpr int kSigningKeyBits = 4096;
constexpr unsigned kShuffleSeed = 20220523;  // fixed: every run formats the same input order
constexpr int kGzipWindowBits = 15 + 16;     // as format::GzipCompress: gzip wrapper
constexpr int kZlibMemLevel = 8;

// Everything the benchmarks share, built once before any of them runs.
struct Workload {
  std::string fixture_path;
  std::string archive;  // the fixture file as shipped
  std::string text;     // its APKINDEX text
  std::vector<format::IndexRecord> records;
  std::vector<format::IndexRecord> shuffled;  // the records in a fixed random order
  index::IndexBuildOptions options;
  std::string data_member;  // what BuildIndexDataMember makes of `text`
  std::string tar;          // the uncompressed tar inside `data_member`
  std::string sorted_tar;   // the tar a rebuild compresses: canonical order, our formatter
  std::unique_ptr<crypto::LocalSigner> signer;
};

std::string FixturesDir() {
  const char* env = std::getenv("APKD_FIXTURES");  // NOLINT(concurrency-mt-unsafe): one thread
  if (env != nullptr && *env != '\0') {
    return env;
  }
  return APKD_FIXTURES_DIR;
}

// gzip through zlib's own API in one deflate() call: the floor our wrapper is compared with.
std::string RawZlibGzip(std::string_view input, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, kGzipWindowBits, kZlibMemLevel, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, static_cast<uLong>(input.size())), '\0');
  // zlib's API is not const-correct; it never writes through next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

Result<Workload> LoadWorkload(std::string fixture_path) {
  Workload w;
  w.fixture_path = std::move(fixture_path);
  APKD_ASSIGN_OR_RETURN(w.archive, ReadFile(w.fixture_path));
  APKD_ASSIGN_OR_RETURN(index::IndexArchive parsed, index::ReadIndexArchive(w.archive));
  w.text = std::move(parsed.apkindex_text);
  w.records = std::move(parsed.records);
  w.shuffled = w.records;
  std::shuffle(w.shuffled.begin(), w.shuffled.end(), std::mt19937(kShuffleSeed));

  w.options.compression_level = kCompressionLevel;
  if (parsed.description.size() <= index::kMaxDescriptionBytes &&
      parsed.description.find('\n') == std::string::npos) {
    w.options.description = parsed.description;
  }
  APKD_ASSIGN_OR_RETURN(w.data_member, index::BuildIndexDataMember(w.text, w.options));
  // The reference compresses exactly the bytes our writer compressed.
  APKD_ASSIGN_OR_RETURN(w.tar, format::GunzipAll(w.data_member));
  if (format::GzipCompress(w.tar, kCompressionLevel) != w.data_member ||
      RawZlibGzip(w.tar, kCompressionLevel) != w.data_member) {
    std::fprintf(stderr, "warning: zlib reference output differs from the data member\n");
  }
  // A rebuild writes the records sorted, which compresses better than the shipped order; its
  // own zlib reference keeps that ratio honest.
  std::vector<format::IndexRecord> sorted = w.records;
  format::SortIndexRecords(sorted);
  APKD_ASSIGN_OR_RETURN(const std::string sorted_member,
                        index::BuildIndexDataMember(format::FormatApkIndex(sorted), w.options));
  APKD_ASSIGN_OR_RETURN(w.sorted_tar, format::GunzipAll(sorted_member));

  APKD_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(kSigningKeyBits));
  std::string key_name = crypto::KeyIdFor("bench", key.GetPublicKey()) + ".rsa.pub";
  w.signer = std::make_unique<crypto::LocalSigner>(std::move(key_name), std::move(key));
  return w;
}

void ReportThroughput(benchmark::State& state, const Workload& w) {
  const auto iterations = static_cast<int64_t>(state.iterations());
  state.SetItemsProcessed(iterations * static_cast<int64_t>(w.records.size()));
  state.SetBytesProcessed(iterations * static_cast<int64_t>(w.text.size()));
}

template <typename T>
bool CheckOk(benchmark::State& state, const Result<T>& result) {
  if (!result.ok()) {
    state.SkipWithError(result.error().message().c_str());
    return false;
  }
  return true;
}

// (a) gunzip + tar + parse of the file as shipped.
void BenchRead(benchmark::State& state, const Workload& w) {
  for ([[maybe_unused]] auto iteration : state) {
    auto archive = index::ReadIndexArchive(w.archive);
    if (!CheckOk(state, archive)) {
      return;
    }
    benchmark::DoNotOptimize(archive->records.data());
  }
  ReportThroughput(state, w);
}

// (b) the APKINDEX text parser alone.
void BenchParse(benchmark::State& state, const Workload& w) {
  for ([[maybe_unused]] auto iteration : state) {
    auto records = format::ParseApkIndex(w.text);
    if (!CheckOk(state, records)) {
      return;
    }
    benchmark::DoNotOptimize(records->data());
  }
  ReportThroughput(state, w);
}

// Copies the shuffled records outside the timed region: sorting consumes its input.
std::vector<format::IndexRecord> UntimedCopy(benchmark::State& state,
                                             const std::vector<format::IndexRecord>& records) {
  state.PauseTiming();
  std::vector<format::IndexRecord> copy = records;
  state.ResumeTiming();
  return copy;
}

// (c) sort into the canonical order, then emit the text.
void BenchFormat(benchmark::State& state, const Workload& w) {
  for ([[maybe_unused]] auto iteration : state) {
    std::vector<format::IndexRecord> records = UntimedCopy(state, w.shuffled);
    format::SortIndexRecords(records);
    std::string text = format::FormatApkIndex(records);
    benchmark::DoNotOptimize(text.data());
  }
  ReportThroughput(state, w);
}

// (d) the unsigned data member: tar of DESCRIPTION + APKINDEX, gzip level 9.
void BenchWrite(benchmark::State& state, const Workload& w) {
  size_t out_bytes = 0;
  for ([[maybe_unused]] auto iteration : state) {
    auto member = index::BuildIndexDataMember(w.text, w.options);
    if (!CheckOk(state, member)) {
      return;
    }
    out_bytes = member->size();
    benchmark::DoNotOptimize(member->data());
  }
  ReportThroughput(state, w);
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

// (e1) reference: our gzip wrapper over the same tar bytes (no tar building).
void BenchZlibGzipCompress(benchmark::State& state, const Workload& w) {
  size_t out_bytes = 0;
  for ([[maybe_unused]] auto iteration : state) {
    std::string out = format::GzipCompress(w.tar, kCompressionLevel);
    out_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  ReportThroughput(state, w);
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

// (e2) reference: zlib's deflate in one call over the same tar bytes.
void BenchZlibDeflate(benchmark::State& state, const Workload& w) {
  size_t out_bytes = 0;
  for ([[maybe_unused]] auto iteration : state) {
    std::string out = RawZlibGzip(w.tar, kCompressionLevel);
    out_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  ReportThroughput(state, w);
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

// (e3) reference for the rebuild: zlib's deflate over the tar that a rebuild compresses.
void BenchZlibDeflateSorted(benchmark::State& state, const Workload& w) {
  size_t out_bytes = 0;
  for ([[maybe_unused]] auto iteration : state) {
    std::string out = RawZlibGzip(w.sorted_tar, kCompressionLevel);
    out_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  ReportThroughput(state, w);
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

// (f) the signature member: one RSA-4096 PKCS#1 v1.5 signature over SHA-256 of the data member.
void BenchSign(benchmark::State& state, const Workload& w) {
  const crypto::Signer* signers[] = {w.signer.get()};
  for ([[maybe_unused]] auto iteration : state) {
    auto member = index::BuildIndexSignatureMember(w.data_member, signers, w.options);
    if (!CheckOk(state, member)) {
      return;
    }
    benchmark::DoNotOptimize(member->data());
  }
  ReportThroughput(state, w);
}

// (g) what a publish does: sort + format + write + sign.
void BenchRebuild(benchmark::State& state, const Workload& w) {
  const crypto::Signer* signers[] = {w.signer.get()};
  size_t out_bytes = 0;
  for ([[maybe_unused]] auto iteration : state) {
    std::vector<format::IndexRecord> records = UntimedCopy(state, w.shuffled);
    format::SortIndexRecords(records);
    auto index = index::BuildSignedIndex(records, signers, w.options);
    if (!CheckOk(state, index)) {
      return;
    }
    out_bytes = index->size();
    benchmark::DoNotOptimize(index->data());
  }
  ReportThroughput(state, w);
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

void RegisterAll(const Workload& w) {
  using Fn = void (*)(benchmark::State&, const Workload&);
  const std::pair<const char*, Fn> benchmarks[] = {
      {"read", BenchRead},
      {"parse", BenchParse},
      {"format", BenchFormat},
      {"write", BenchWrite},
      {"zlib_gzip_compress", BenchZlibGzipCompress},
      {"zlib_deflate", BenchZlibDeflate},
      {"zlib_deflate_sorted", BenchZlibDeflateSorted},
      {"sign", BenchSign},
      {"rebuild", BenchRebuild},
  };
  for (const auto& [name, fn] : benchmarks) {
    benchmark::RegisterBenchmark(name, fn, std::cref(w))->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace apkd

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  const std::string path = apkd::FixturesDir() + "/" + std::string(apkd::kIndexFixture);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    std::fprintf(stderr,
                 "apkd_index_bench: fixture %s is absent; nothing to measure (set APKD_FIXTURES "
                 "to the fixture folder)\n",
                 path.c_str());
    return 0;
  }
  auto workload = apkd::LoadWorkload(path);
  if (!workload.ok()) {
    std::fprintf(stderr, "apkd_index_bench: %s: %s\n", path.c_str(),
                 workload.error().message().c_str());
    return 1;
  }
  benchmark::AddCustomContext("fixture", path);
  benchmark::AddCustomContext("records", std::to_string(workload->records.size()));
  benchmark::AddCustomContext("apkindex_text_bytes", std::to_string(workload->text.size()));
  benchmark::AddCustomContext("data_member_bytes", std::to_string(workload->data_member.size()));
  benchmark::AddCustomContext("tar_bytes", std::to_string(workload->tar.size()));
  benchmark::AddCustomContext("sorted_tar_bytes", std::to_string(workload->sorted_tar.size()));
  apkd::RegisterAll(*workload);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
