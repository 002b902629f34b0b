// IssuerKeyCache: the signing keys of external OIDC issuers, found through OpenID Connect
// Discovery (<issuer>/.well-known/openid-configuration -> jwks_uri -> JWKS) and kept per issuer
// for a TTL. A token signed with an unknown kid may force one early refetch (key rotation), at
// most once per min_refresh_interval per issuer, so forged kids cannot make apkd hammer an
// issuer. When a refetch fails, keys younger than max_stale_seconds go on being used.
// Thread-safe; fetches run without the lock held (two cold requests may both fetch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/clock.h"
#include "auth/oidc_verifier.h"
#include "service/url_fetcher.h"
#include "util/result.h"

namespace apkd::service {

struct IssuerKeyCacheOptions {
  int64_t ttl_seconds = 300;                  // how long a fetched key set is trusted as current
  int64_t min_refresh_interval_seconds = 30;  // forced refetches (unknown kid) per issuer
  int64_t max_stale_seconds = 3600;           // use older keys while the issuer is unreachable
  size_t max_issuers = 1024;                  // the least recently fetched are dropped beyond
};

class IssuerKeyCache {
 public:
  using Keys = std::shared_ptr<const std::vector<auth::OidcKey>>;

  // `fetcher` and `clock` must outlive this.
  IssuerKeyCache(UrlFetcher& fetcher, const auth::Clock& clock, IssuerKeyCacheOptions options = {});

  // The issuer's keys, fetched when absent or older than the TTL. Errors (kUnavailable,
  // kInvalidArgument for bad documents) say what failed without quoting response bodies.
  Result<Keys> Get(const std::string& issuer);
  // Refetches now unless the keys were fetched less than min_refresh_interval ago; returns the
  // keys to use either way.
  Result<Keys> Refresh(const std::string& issuer);

  // How many discovery + JWKS fetches were attempted (for tests and metrics).
  uint64_t fetches() const;

 private:
  struct Entry {
    Keys keys;
    int64_t fetched_at = 0;
  };
  Result<Keys> Fetch(const std::string& issuer);
  Result<Keys> FetchAndStore(const std::string& issuer, const Entry* stale);

  UrlFetcher& fetcher_;
  const auth::Clock& clock_;
  const IssuerKeyCacheOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // guarded by mutex_
  uint64_t fetches_ = 0;                  // guarded by mutex_
};

// "<issuer without a trailing slash>/.well-known/openid-configuration".
std::string DiscoveryUrl(const std::string& issuer);

}  // namespace apkd::service
