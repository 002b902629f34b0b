#include "server/metrics.h"

#include <sstream>

namespace apkd::server {

std::string_view RouteLabel(std::string_view path) {
  if (path == "/healthz" || path == "/readyz" || path == "/metrics") {
    return path.substr(1);
  }
  if (path.starts_with("/api/")) {
    return "api";
  }
  if (path.ends_with("/APKINDEX.tar.gz")) {
    return "index";
  }
  if (path.ends_with(".apk")) {
    return "package";
  }
  if (path.ends_with("/apk-configuration") || path.ends_with("/jwks.json") ||
      path.ends_with(".rsa.pub")) {
    return "key_discovery";
  }
  return "other";
}

void Metrics::Record(std::string_view path, int status, uint64_t bytes,
                     std::chrono::microseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1e6;
  const std::lock_guard lock(mutex_);
  ++requests_[{std::string(RouteLabel(path)), status}];
  bytes_sent_ += bytes;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++buckets_[i];
    }
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string Metrics::Render(uint64_t index_builds, const AuditCounts& audit) const {
  std::ostringstream out;
  const std::lock_guard lock(mutex_);
  out << "# HELP apkd_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE apkd_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "apkd_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP apkd_http_response_bytes_total Response body bytes sent.\n"
      << "# TYPE apkd_http_response_bytes_total counter\n"
      << "apkd_http_response_bytes_total " << bytes_sent_ << "\n"
      << "# HELP apkd_index_builds_total Signed indexes (re)built.\n"
      << "# TYPE apkd_index_builds_total counter\n"
      << "apkd_index_builds_total " << index_builds << "\n"
      << "# HELP apkd_audit_events_total Audit events written to the store.\n"
      << "# TYPE apkd_audit_events_total counter\n"
      << "apkd_audit_events_total " << audit.written << "\n"
      << "# HELP apkd_audit_dropped_total Audit events dropped because the write queue was full.\n"
      << "# TYPE apkd_audit_dropped_total counter\n"
      << "apkd_audit_dropped_total " << audit.dropped << "\n"
      << "# HELP apkd_http_request_duration_seconds Request latency.\n"
      << "# TYPE apkd_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    out << "apkd_http_request_duration_seconds_bucket{le=\"" << kLatencyBuckets[i] << "\"} "
        << buckets_[i] << "\n";
  }
  out << "apkd_http_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
      << "apkd_http_request_duration_seconds_sum " << latency_sum_ << "\n"
      << "apkd_http_request_duration_seconds_count " << latency_count_ << "\n";
  return out.str();
}

}  // namespace apkd::server
