#include "service/audit_log.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <span>
#include <utility>

namespace apkd::service {

AuditLog::AuditLog(storage::MetadataStore& store, const auth::Clock& clock, AuditLogOptions options)
    : store_(store), clock_(clock), options_(options) {}

AuditLog::~AuditLog() { Stop(); }

void AuditLog::Start() {
  const std::lock_guard lock(mutex_);
  if (running_) {
    return;
  }
  running_ = true;
  stopping_ = false;
  writer_ = std::thread([this] { Run(); });
}

void AuditLog::Stop() {
  {
    const std::lock_guard lock(mutex_);
    if (!running_) {
      return;
    }
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  {
    const std::lock_guard lock(mutex_);
    running_ = false;
  }
  WriteQueued();  // whatever arrived while the writer was finishing
}

bool AuditLog::Record(storage::AuditEvent event, std::string org_ref) {
  if (event.time == 0) {
    event.time = clock_.Now();
  }
  bool wake = false;
  {
    const std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queued) {
      ++dropped_;
      return false;
    }
    queue_.push_back(Pending{std::move(event), std::move(org_ref)});
    ++queued_seq_;
    wake = queue_.size() == options_.batch_size;
  }
  if (wake) {
    wake_.notify_one();
  }
  return true;
}

bool AuditLog::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const uint64_t target = queued_seq_;
  if (written_seq_ >= target) {
    return true;
  }
  if (!running_) {
    lock.unlock();
    WriteQueued();
    return true;
  }
  flush_requested_ = true;
  wake_.notify_one();
  return flushed_.wait_for(lock, timeout, [&] { return written_seq_ >= target; });
}

Result<std::vector<storage::AuditEvent>> AuditLog::List(const storage::AuditQuery& query,
                                                        std::chrono::milliseconds flush_wait) {
  (void)Flush(flush_wait);  // late events are still better than no answer
  return store_.ListAudit(query);
}

Result<int64_t> AuditLog::Prune() {
  if (options_.retention_seconds <= 0) {
    return 0;
  }
  return store_.PruneAudit(clock_.Now() - options_.retention_seconds);
}

uint64_t AuditLog::dropped() const {
  const std::lock_guard lock(mutex_);
  return dropped_;
}

uint64_t AuditLog::written() const {
  const std::lock_guard lock(mutex_);
  return written_;
}

uint64_t AuditLog::write_errors() const {
  const std::lock_guard lock(mutex_);
  return write_errors_;
}

void AuditLog::Run() {
  while (true) {
    bool stop = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.flush_interval, [&] {
        return stopping_ || flush_requested_ || queue_.size() >= options_.batch_size;
      });
      stop = stopping_;
    }
    WriteQueued();
    if (stop) {
      return;
    }
    MaybePrune();
  }
}

void AuditLog::WriteQueued() {
  const std::lock_guard write_lock(write_mutex_);
  std::vector<Pending> batch;
  uint64_t seq = 0;
  {
    const std::lock_guard lock(mutex_);
    batch.swap(queue_);
    seq = queued_seq_;
    flush_requested_ = false;
  }
  const uint64_t count = batch.size();
  const uint64_t accepted = count == 0 ? 0 : WriteBatch(std::move(batch));
  {
    const std::lock_guard lock(mutex_);
    written_seq_ = std::max(written_seq_, seq);
    written_ += accepted;
    write_errors_ += count - accepted;
  }
  flushed_.notify_all();
}

uint64_t AuditLog::WriteBatch(std::vector<Pending> batch) {
  std::map<std::string, std::string, std::less<>> uids;  // org_ref -> uid ("" when unknown)
  std::vector<storage::AuditEvent> events;
  events.reserve(batch.size());
  for (Pending& pending : batch) {
    if (pending.event.org_uid.empty() && !pending.org_ref.empty()) {
      auto it = uids.find(pending.org_ref);
      if (it == uids.end()) {
        auto org = store_.FindOrg(pending.org_ref);
        it = uids.emplace(pending.org_ref, org.ok() ? org->uid : std::string()).first;
      }
      pending.event.org_uid = it->second;
    }
    events.push_back(std::move(pending.event));
  }
  const size_t chunk = std::max<size_t>(options_.batch_size, 1);
  uint64_t accepted = 0;
  const std::span<const storage::AuditEvent> all(events);
  for (size_t at = 0; at < all.size(); at += chunk) {
    const auto part = all.subspan(at, std::min(chunk, all.size() - at));
    const Status status = store_.AppendAuditBatch(part);
    if (status.ok()) {
      accepted += part.size();
      continue;
    }
    // Store messages never hold secrets (metadata_store.h), and events carry no credentials.
    std::fprintf(stderr, "apkd: audit log: %zu events not written: %s\n", part.size(),
                 status.error().message().c_str());
  }
  return accepted;
}

void AuditLog::MaybePrune() {
  if (options_.retention_seconds <= 0) {
    return;
  }
  const int64_t now = clock_.Now();
  if (now < next_prune_) {
    return;
  }
  next_prune_ = now + options_.prune_interval_seconds;
  auto pruned = Prune();
  if (!pruned.ok()) {
    std::fprintf(stderr, "apkd: audit log: pruning failed: %s\n", pruned.error().message().c_str());
  }
}

}  // namespace apkd::service
