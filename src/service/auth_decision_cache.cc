#include "service/auth_decision_cache.h"

#include <algorithm>
#include <mutex>

#include "crypto/digest.h"

namespace apkd::service {

AuthDecisionCache::AuthDecisionCache(const auth::Clock& clock, AuthDecisionCacheOptions options)
    : clock_(clock), options_(options) {}

AuthDecisionCache::Key AuthDecisionCache::KeyFor(std::string_view authorization,
                                                 std::string_view org,
                                                 auth::Capability capability) {
  // Length-prefixed fields, so that no two different inputs hash the same bytes.
  crypto::Hasher hasher(crypto::DigestAlgorithm::kSha256);
  for (const std::string_view field : {authorization, org, auth::CapabilityName(capability)}) {
    const uint64_t size = field.size();
    hasher.Update(std::string_view(reinterpret_cast<const char*>(&size), sizeof size));
    hasher.Update(field);
  }
  const std::string digest = hasher.Finish();
  Key key{};
  std::copy_n(digest.begin(), std::min(digest.size(), key.size()), key.begin());
  return key;
}

std::optional<AuthDecision> AuthDecisionCache::Find(const Key& key, uint64_t change_count) const {
  const std::shared_lock lock(mutex_);
  if (change_count != change_count_) {
    return std::nullopt;
  }
  const auto it = entries_.find(key);
  if (it == entries_.end() || clock_.Now() >= it->second.valid_until) {
    return std::nullopt;
  }
  return it->second.decision;
}

void AuthDecisionCache::Remember(const Key& key, uint64_t change_count, int64_t expires_at,
                                 const AuthDecision& decision) {
  int64_t valid_until = clock_.Now() + options_.max_age_seconds;
  if (expires_at != 0) {
    valid_until = std::min(valid_until, expires_at);
  }
  const std::unique_lock lock(mutex_);
  if (change_count < change_count_) {
    return;  // worked out from an older state than the entries already here
  }
  if (change_count != change_count_ || entries_.size() >= options_.max_entries) {
    entries_.clear();
    change_count_ = change_count;
  }
  entries_.insert_or_assign(key, Entry{.decision = decision, .valid_until = valid_until});
}

size_t AuthDecisionCache::size() const {
  const std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace apkd::service
