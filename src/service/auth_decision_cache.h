// AuthDecisionCache: remembers the Authorizer's answers for (credentials, org, capability), so
// that the hot path (apk fetching an index or a package, a 304 revalidation) costs one SHA-256
// and a map lookup instead of an ES256 verification and several store reads. An answer is used
// only while
//  - the store's LocalChangeCount() is what it was before the answer was worked out: any change
//    to bindings, identities, roles, orgs or keys makes every answer stale, so revocation stays
//    effective on the very next request;
//  - the credentials have not expired (the token's exp, the pull token's expiry), by `clock`;
//  - it is younger than max_age_seconds, a bound for what this process cannot see.
// Only answers about authenticated callers are kept (allowed, forbidden, not found): bad
// credentials must not be able to fill memory. Keys are SHA-256 digests of the inputs, so the
// credentials are not kept and lookups compare digests, never secrets. When full, it starts
// over (a burst of distinct callers costs re-verification, not memory). Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

#include "auth/capability.h"
#include "auth/clock.h"
#include "service/auth_decision.h"

namespace apkd::service {

struct AuthDecisionCacheOptions {
  size_t max_entries = 16384;
  int64_t max_age_seconds = 10;
};

class AuthDecisionCache {
 public:
  using Key = std::array<uint8_t, 32>;

  AuthDecisionCache(const auth::Clock& clock, AuthDecisionCacheOptions options = {});

  static Key KeyFor(std::string_view authorization, std::string_view org,
                    auth::Capability capability);

  // The remembered answer, if it is still good at `change_count`.
  std::optional<AuthDecision> Find(const Key& key, uint64_t change_count) const;
  // Keeps `decision`, worked out from the store as it was at `change_count` (read before the
  // decision was made), until `expires_at` (0: no expiry of its own).
  void Remember(const Key& key, uint64_t change_count, int64_t expires_at,
                const AuthDecision& decision);
  size_t size() const;

 private:
  struct Entry {
    AuthDecision decision;
    int64_t valid_until = 0;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const {
      size_t h = 0;
      std::memcpy(&h, key.data(), sizeof h);  // already a uniform digest
      return h;
    }
  };

  const auth::Clock& clock_;
  AuthDecisionCacheOptions options_;
  mutable std::shared_mutex mutex_;
  uint64_t change_count_ = 0;  // the store state every entry was made at
  std::unordered_map<Key, Entry, KeyHash> entries_;
};

}  // namespace apkd::service
