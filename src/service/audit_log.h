// AuditLog: the write side of the audit trail, kept off the request path. Record() only appends
// to a bounded in-memory queue (one short mutex hold, no I/O); a background thread writes what
// is queued to the store in one transaction (MetadataStore::AppendAuditBatch) every
// `flush_interval`, or as soon as `batch_size` events wait. When the queue is full an event is
// dropped and counted (dropped(), exported as apkd_audit_dropped_total), so a flood of requests
// slows nothing but the audit trail. The same thread deletes events older than the retention
// once when started and then every `prune_interval_seconds` of the injected clock.
// Thread-safe. Start() and Stop() from one controlling thread; the destructor stops. The store
// and the clock must outlive this object.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/clock.h"
#include "storage/metadata_store.h"
#include "storage/records.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int64_t kDefaultAuditRetentionDays = 90;

struct AuditLogOptions {
  size_t max_queued = 8192;  // events waiting beyond this are dropped (and counted)
  size_t batch_size = 256;   // a batch this large is written at once, not at the next tick
  std::chrono::milliseconds flush_interval{100};
  int64_t retention_seconds = kDefaultAuditRetentionDays * kSecondsPerDay;  // 0: keep forever
  int64_t prune_interval_seconds = 3600;
};

class AuditLog {
 public:
  AuditLog(storage::MetadataStore& store, const auth::Clock& clock, AuditLogOptions options = {});
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  AuditLog(AuditLog&&) = delete;
  AuditLog& operator=(AuditLog&&) = delete;
  ~AuditLog();

  // Starts the writer thread, which prunes once right away (off the caller's thread, so a large
  // backlog never delays startup) and then every prune_interval_seconds. Idempotent.
  void Start();
  // Writes everything still queued and joins the writer. Idempotent.
  void Stop();

  // Queues `event`; its time is set to the clock's now when 0. When `org_ref` (an org name or
  // uid, as a request named it) is given and event.org_uid is empty, the writer resolves it to
  // the org's uid (left empty for an unknown org), so the request path never reads the store.
  // Never blocks on the store. Returns false when the event was dropped because the queue is
  // full.
  bool Record(storage::AuditEvent event, std::string org_ref = {});

  // Waits until every event queued before the call has been handed to the store (written or
  // counted as a write error), at most `timeout`; true if it got there. Without a running
  // writer the caller writes the queue itself.
  bool Flush(std::chrono::milliseconds timeout);

  // The stored events matching `query` (newest first), after waiting up to `flush_wait` for
  // the events queued before the call to be written.
  Result<std::vector<storage::AuditEvent>> List(const storage::AuditQuery& query,
                                                std::chrono::milliseconds flush_wait);

  // Deletes events older than the retention (nothing when it is 0); returns how many.
  Result<int64_t> Prune();

  uint64_t dropped() const;       // events refused because the queue was full
  uint64_t written() const;       // events the store accepted
  uint64_t write_errors() const;  // events lost because the store refused a batch

 private:
  struct Pending {
    storage::AuditEvent event;
    std::string org_ref;
  };

  void Run();
  // Takes everything queued and hands it to the store, in order.
  void WriteQueued();
  // Writes `batch` in transactions of at most batch_size events (bounding how long the store's
  // lock is held); returns how many the store accepted.
  uint64_t WriteBatch(std::vector<Pending> batch);
  void MaybePrune();

  storage::MetadataStore& store_;
  const auth::Clock& clock_;
  const AuditLogOptions options_;

  std::mutex write_mutex_;  // held while writing: batches reach the store in queue order
  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the writer: work, a flush request, or stop
  std::condition_variable flushed_;  // Flush() callers: written_seq_ moved
  std::vector<Pending> queue_;       // guarded by mutex_
  uint64_t queued_seq_ = 0;          // guarded by mutex_; events ever accepted
  uint64_t written_seq_ = 0;         // guarded by mutex_; events handed to the store
  bool flush_requested_ = false;     // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  bool running_ = false;             // guarded by mutex_; the writer thread runs
  uint64_t dropped_ = 0;             // guarded by mutex_
  uint64_t written_ = 0;             // guarded by mutex_
  uint64_t write_errors_ = 0;        // guarded by mutex_
  int64_t next_prune_ = 0;           // writer thread only
  std::thread writer_;               // controlling thread only
};

}  // namespace apkd::service
