// The audit writer on its own, over the in-memory store: events reach the store in order and in
// batches, the request side never waits for the store, a full queue drops and counts, org
// names are resolved by the writer, and retention pruning runs at start and then periodically
// on the injected clock.
#include "service/audit_log.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/memory_metadata_store.h"

namespace apkd::service {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)
using storage::AuditEvent;
using storage::AuditKind;

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kDay = kSecondsPerDay;

// Counts batches and can hold the writer inside the store until released.
class GatedStore final : public storage::MemoryMetadataStore {
 public:
  Status AppendAuditBatch(std::span<const AuditEvent> events) override {
    {
      std::unique_lock lock(mutex_);
      ++batches_;
      inside_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
      inside_ = false;
    }
    return MemoryMetadataStore::AppendAuditBatch(events);
  }
  void Close() {
    const std::lock_guard lock(mutex_);
    open_ = false;
  }
  void Open() {
    const std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool WaitInside() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return inside_; });
  }
  int batches() {
    const std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  bool inside_ = false;
  int batches_ = 0;
};

AuditEvent Download(const std::string& package, int64_t time = 0) {
  return AuditEvent{.time = time, .kind = AuditKind::kDownload, .package = package};
}

std::vector<AuditEvent> All(storage::MetadataStore& store) {
  auto events = store.ListAudit({.limit = 0});
  EXPECT_TRUE(events.ok());
  return events.ok() ? *events : std::vector<AuditEvent>{};
}

TEST(AuditLogTest, RecordedEventsReachTheStoreInOrderWithTheClocksTime) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock);
  log.Start();
  ASSERT_TRUE(log.Record(Download("a")));
  clock.Advance(1);
  ASSERT_TRUE(log.Record(Download("b")));
  ASSERT_TRUE(log.Record(Download("c", kNow - 5)));
  ASSERT_TRUE(log.Flush(5s));
  const auto events = All(store);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].package, "b");  // newest first
  EXPECT_EQ(events[0].time, kNow + 1);
  EXPECT_EQ(events[1].package, "a");
  EXPECT_EQ(events[1].time, kNow);
  EXPECT_EQ(events[2].time, kNow - 5) << "an explicit time is kept";
  EXPECT_EQ(log.written(), 3u);
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(AuditLogTest, WithoutFlushEventsArriveWithinTheInterval) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock, AuditLogOptions{.flush_interval = 20ms});
  log.Start();
  ASSERT_TRUE(log.Record(Download("a")));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (All(store).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(All(store).size(), 1u);
}

TEST(AuditLogTest, WritesInBatchesNotPerEvent) {
  GatedStore store;
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock, AuditLogOptions{.batch_size = 100, .flush_interval = 50ms});
  log.Start();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(log.Record(Download("p" + std::to_string(i))));
  }
  ASSERT_TRUE(log.Flush(5s));
  const auto events = All(store);
  ASSERT_EQ(events.size(), 1000u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].package, "p" + std::to_string(999 - i));
  }
  EXPECT_LE(store.batches(), 20) << "1,000 events in batches of up to 100";
  EXPECT_GE(store.batches(), 10);
}

TEST(AuditLogTest, RecordNeverWaitsForTheStoreAndAFullQueueDropsAndCounts) {
  GatedStore store;
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock,
               AuditLogOptions{.max_queued = 10, .batch_size = 1, .flush_interval = 10ms});
  store.Close();
  log.Start();
  ASSERT_TRUE(log.Record(Download("first")));
  ASSERT_TRUE(store.WaitInside()) << "the writer is now stuck inside the store";
  // Meanwhile requests go on: ten more queue, the rest are dropped, nobody waits.
  const auto start = std::chrono::steady_clock::now();
  int accepted = 0;
  for (int i = 0; i < 25; ++i) {
    accepted += log.Record(Download("q" + std::to_string(i))) ? 1 : 0;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(log.dropped(), 15u);
  EXPECT_FALSE(log.Flush(50ms)) << "the store still holds the writer";
  store.Open();
  ASSERT_TRUE(log.Flush(5s));
  EXPECT_EQ(All(store).size(), 11u);
  EXPECT_EQ(log.written(), 11u);
  EXPECT_EQ(log.dropped(), 15u);
}

TEST(AuditLogTest, StopWritesWhatIsQueued) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  {
    AuditLog log(store, clock, AuditLogOptions{.flush_interval = 10s});
    log.Start();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(log.Record(Download("p")));
    }
  }  // the destructor stops
  EXPECT_EQ(All(store).size(), 5u);
}

TEST(AuditLogTest, FlushWithoutAWriterWritesInline) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock);
  ASSERT_TRUE(log.Record(Download("p")));
  EXPECT_TRUE(All(store).empty());
  ASSERT_TRUE(log.Flush(1s));
  EXPECT_EQ(All(store).size(), 1u);
}

TEST(AuditLogTest, ListSeesWhatWasRecordedBeforeIt) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock, AuditLogOptions{.flush_interval = 10s});
  log.Start();
  ASSERT_TRUE(log.Record(Download("a")));
  ASSERT_TRUE(log.Record(AuditEvent{.kind = AuditKind::kDenied}));
  auto listed = log.List({.kind = AuditKind::kDownload}, 5s);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u) << "flushed first, although the tick is 10 s away";
  EXPECT_EQ((*listed)[0].package, "a");
}

TEST(AuditLogTest, OrgReferencesAreResolvedByTheWriter) {
  storage::MemoryMetadataStore store;
  auto org = store.CreateOrg({.name = "acme.example"});
  ASSERT_TRUE(org.ok());
  auth::FakeClock clock(kNow);
  AuditLog log(store, clock);
  AuditEvent denied{.kind = AuditKind::kDenied};
  ASSERT_TRUE(log.Record(denied, "acme.example"));
  ASSERT_TRUE(log.Record(denied, org->uid));
  ASSERT_TRUE(log.Record(denied, "no-such-org"));
  AuditEvent explicit_uid{.kind = AuditKind::kDenied, .org_uid = std::string(32, 'f')};
  ASSERT_TRUE(log.Record(explicit_uid, "acme.example"));
  ASSERT_TRUE(log.Flush(1s));
  const auto events = All(store);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].org_uid, org->uid) << "by name";
  EXPECT_EQ(events[2].org_uid, org->uid) << "by uid";
  EXPECT_EQ(events[1].org_uid, "") << "unknown";
  EXPECT_EQ(events[0].org_uid, std::string(32, 'f')) << "an explicit uid wins";
  EXPECT_EQ(store.ListAudit({.org_uid = org->uid}).value().size(), 2u);
}

bool WaitFor(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(AuditLogTest, RetentionPrunesAtStartAndThenPeriodically) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  ASSERT_TRUE(store.AppendAudit(Download("ancient", kNow - 91 * kDay)).ok());
  ASSERT_TRUE(store.AppendAudit(Download("old", kNow - 90 * kDay + 1000)).ok());
  ASSERT_TRUE(store.AppendAudit(Download("new", kNow - 1)).ok());
  AuditLog log(
      store, clock,
      AuditLogOptions{
          .flush_interval = 5ms, .retention_seconds = 90 * kDay, .prune_interval_seconds = 3600});
  log.Start();
  ASSERT_TRUE(WaitFor([&] { return All(store).size() == 2; })) << "pruned once at start";
  EXPECT_EQ(All(store).back().package, "old");

  // Half an hour later "old" is past the retention, but the next prune is due an hour after
  // the first.
  clock.Set(kNow + 1800);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(All(store).size(), 2u);
  clock.Set(kNow + 3600);
  ASSERT_TRUE(WaitFor([&] { return All(store).size() == 1; })) << "pruned again";
  EXPECT_EQ(All(store)[0].package, "new");
}

TEST(AuditLogTest, ZeroRetentionKeepsEverything) {
  storage::MemoryMetadataStore store;
  auth::FakeClock clock(kNow);
  ASSERT_TRUE(store.AppendAudit(Download("ancient", 1)).ok());
  AuditLog log(store, clock, AuditLogOptions{.flush_interval = 5ms, .retention_seconds = 0});
  log.Start();
  EXPECT_EQ(log.Prune().value(), 0);
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(All(store).size(), 1u);
}

}  // namespace
}  // namespace apkd::service
