// Index rebuild after one publish, end to end through the service, into an org that sees
// 30,000 package names x 5 versions (synthetic metadata), on the SQLite store and on the memory
// store. "Full" = the first build of the org's index from its whole view (what a rebuild from
// scratch costs); "one publish" = RepositoryService::Publish of one real package (validation,
// blob write, row insert, index refresh, RSA 4096 signature). Prints wall and CPU times and the
// ratio full / one publish; target >= 50x. The rows are loaded on tmpfs (/dev/shm) when there is
// one, then the database is copied to disk and reopened, so that the measured publishes pay for
// real fsyncs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "crypto/digest.h"
#include "crypto/rsa_key.h"
#include "crypto/signer.h"
#include "format/package_writer.h"
#include "service/index_cache.h"
#include "service/org_keys.h"
#include "service/repository_service.h"
#include "storage/memory_blob_store.h"
#include "storage/memory_metadata_store.h"
#include "storage/sqlite_metadata_store.h"
#include "util/encoding.h"

namespace apkd {
namespace {

constexpr int kNames = 30'000;
constexpr int kVersions = 5;
constexpr int kPublishes = 5;

struct Times {
  double wall_ms = 0;
  double cpu_ms = 0;
};

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Times Measure(const std::function<void()>& work) {
  const auto wall = std::chrono::steady_clock::now();
  const double cpu = CpuMs();
  work();
  return Times{
      .wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall)
                     .count(),
      .cpu_ms = CpuMs() - cpu};
}

std::string Name(int n) { return "pkg-" + std::to_string(n * 7919 % 100'003); }

storage::PackageRow SyntheticRow(int n, int v) {
  storage::PackageRow row;
  row.name = Name(n);
  row.version = "1." + std::to_string(v) + ".0-r0";
  row.arch = "x86_64";
  row.checksum =
      "Q1" + Base64Encode(crypto::Digest(crypto::DigestAlgorithm::kSha1, row.name + row.version));
  row.size = 100'000 + static_cast<uint64_t>(n);
  row.blob_key = HexEncode(crypto::Digest(crypto::DigestAlgorithm::kSha256, row.checksum));
  row.record_text =
      "C:" + row.checksum + "\nP:" + row.name + "\nV:" + row.version +
      "\nA:x86_64\nS:" + std::to_string(row.size) + "\nI:400000\nT:synthetic package number " +
      std::to_string(n) + "\nU:https://example.com/" + row.name + "\nL:Apache-2.0\no:" + row.name +
      "\nm:Bench <bench@example.com>\nt:1700000000\nc:" + std::string(40, 'a') +
      "\nD:so:libc.so.6 ca-certificates-bundle\np:cmd:" + row.name + "=" + row.version + "\n";
  row.published_at = 1'700'000'000;
  return row;
}

// Catalog rows and one image naming them all.
void Load(storage::MetadataStore& store) {
  storage::Image image{.name = "everything"};
  for (int n = 0; n < kNames; ++n) {
    image.packages.push_back(Name(n));
    for (int v = 0; v < kVersions; ++v) {
      if (!store.InsertPackage(SyntheticRow(n, v)).ok()) {
        std::fprintf(stderr, "insert failed\n");
        std::exit(1);
      }
    }
  }
  std::sort(image.packages.begin(), image.packages.end());
  if (!store.PutImage(image).ok()) {
    std::exit(1);
  }
}

std::string RealPackage(const crypto::LocalSigner& signer, int version) {
  format::PkgInfo info;
  info.name = Name(42);
  info.version = "2." + std::to_string(version) + ".0-r0";
  info.arch = "x86_64";
  info.description = "published during the bench";
  format::PackageFile file;
  file.path = "usr/share/bench/file";
  file.content = info.version;
  return format::BuildPackage(info, {file}, &signer).value();
}

void Run(const char* label, storage::MetadataStore& store, const crypto::LocalSigner& signer) {
  storage::MemoryBlobStore blobs;
  service::OrgKeys keys(store, service::OrgKeysOptions{.rsa_bits = 4096, .now = {}});
  service::IndexCache cache(
      store, [&keys](std::string_view uid) { return keys.SignersFor(uid); },
      service::IndexCacheOptions{.arches = {"x86_64"}, .description = "bench", .now = {}});
  service::RepositoryService repo(store, blobs, cache, keys);
  // CreateOrg builds the org's (empty) index; the entitlement then builds the whole view: the
  // full rebuild.
  const storage::Org org = repo.CreateOrg("bench-" + std::string(label)).value();
  const Times full = Measure([&] {
    if (!repo.AddEntitlement(org, "everything").ok()) {
      std::exit(1);
    }
  });
  const size_t count = cache.Get(org.uid, "x86_64")->package_count;
  std::vector<Times> publishes;
  for (int i = 0; i < kPublishes; ++i) {
    const std::string bytes = RealPackage(signer, i);
    publishes.push_back(Measure([&] {
      if (!repo.Publish("", bytes).ok()) {
        std::exit(1);
      }
    }));
  }
  std::sort(publishes.begin(), publishes.end(),
            [](const Times& a, const Times& b) { return a.wall_ms < b.wall_ms; });
  const Times median = publishes[publishes.size() / 2];
  std::printf(
      "%-8s %8zu records  full %8.1f ms (cpu %8.1f)  one publish %7.1f ms (cpu %7.1f)"
      "  ratio %6.1fx wall, %6.1fx cpu\n",
      label, count, full.wall_ms, full.cpu_ms, median.wall_ms, median.cpu_ms,
      full.wall_ms / median.wall_ms, full.cpu_ms / median.cpu_ms);
}

int Main() {
  const auto key = crypto::PrivateKey::Generate(2048).value();
  const crypto::LocalSigner signer("bench.rsa.pub", key);

  storage::MemoryMetadataStore memory;
  Load(memory);
  Run("memory", memory, signer);

  const bool shm = std::filesystem::is_directory("/dev/shm");
  const std::string scratch =
      (shm ? std::string("/dev/shm") : std::filesystem::temp_directory_path().string()) +
      "/apkd-bench-" + std::to_string(::getpid());
  const std::string disk = std::filesystem::temp_directory_path().string() + "/apkd-bench-disk-" +
                           std::to_string(::getpid());
  std::filesystem::create_directories(scratch);
  std::filesystem::create_directories(disk);
  {
    auto loading = storage::SqliteMetadataStore::Open(scratch + "/apkd.db").value();
    Load(*loading);
  }  // closed: the WAL is checkpointed into apkd.db
  std::filesystem::copy_file(scratch + "/apkd.db", disk + "/apkd.db");
  std::filesystem::remove_all(scratch);
  {
    auto sqlite = storage::SqliteMetadataStore::Open(disk + "/apkd.db").value();
    Run("sqlite", *sqlite, signer);
  }
  std::filesystem::remove_all(disk);
  return 0;
}

}  // namespace
}  // namespace apkd

int main() { return apkd::Main(); }
