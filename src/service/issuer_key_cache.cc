#include "service/issuer_key_cache.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace apkd::service {
namespace {

constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";
constexpr long kHttpOk = 200;  // NOLINT(google-runtime-int): libcurl's status type

Error Unavailable(const std::string& message) {
  return MakeError(ErrorCode::kUnavailable, message);
}

Result<std::string> FetchDocument(UrlFetcher& fetcher, const std::string& url,
                                  std::string_view what) {
  auto fetched = fetcher.Get(url, auth::kMaxOidcDocumentSize);
  if (!fetched.ok()) {
    return fetched.error().WithContext("fetching the issuer's " + std::string(what));
  }
  if (fetched->status != kHttpOk) {
    return Unavailable("the issuer's " + std::string(what) + " at " + url + " answered HTTP " +
                       std::to_string(fetched->status));
  }
  return std::move(fetched->body);
}

}  // namespace

std::string DiscoveryUrl(const std::string& issuer) {
  std::string url = issuer;
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return url + std::string(kDiscoveryPath);
}

IssuerKeyCache::IssuerKeyCache(UrlFetcher& fetcher, const auth::Clock& clock,
                               IssuerKeyCacheOptions options)
    : fetcher_(fetcher), clock_(clock), options_(options) {}

uint64_t IssuerKeyCache::fetches() const {
  const std::lock_guard lock(mutex_);
  return fetches_;
}

// Discovery (whose issuer must be exactly ours, OIDC Discovery §4.3), then the JWKS. An https
// issuer may not send us to a loopback jwks_uri: only loopback issuers use loopback URLs.
Result<IssuerKeyCache::Keys> IssuerKeyCache::Fetch(const std::string& issuer) {
  APKD_RETURN_IF_ERROR(auth::CheckOidcUrl(issuer));
  APKD_ASSIGN_OR_RETURN(const std::string discovery_json,
                        FetchDocument(fetcher_, DiscoveryUrl(issuer), "discovery document"));
  auto discovery = auth::ParseDiscoveryDocument(discovery_json);
  if (!discovery.ok()) {
    return discovery.error().WithContext("the issuer's discovery document");
  }
  if (discovery->issuer != issuer) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the discovery document of " + issuer + " names another issuer");
  }
  if (Status ok = auth::CheckOidcUrl(discovery->jwks_uri); !ok.ok()) {
    return ok.error().WithContext("the issuer's jwks_uri");
  }
  if (auth::IsLoopbackUrl(discovery->jwks_uri) && !auth::IsLoopbackUrl(issuer)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the issuer's jwks_uri points at a loopback address");
  }
  APKD_ASSIGN_OR_RETURN(const std::string jwks_json,
                        FetchDocument(fetcher_, discovery->jwks_uri, "JWKS"));
  auto keys = auth::ParseJwks(jwks_json);
  if (!keys.ok()) {
    return keys.error().WithContext("the issuer's JWKS");
  }
  return std::make_shared<const std::vector<auth::OidcKey>>(std::move(keys).value());
}

Result<IssuerKeyCache::Keys> IssuerKeyCache::FetchAndStore(const std::string& issuer,
                                                           const Entry* stale) {
  {
    const std::lock_guard lock(mutex_);
    ++fetches_;
  }
  auto fetched = Fetch(issuer);
  const int64_t now = clock_.Now();
  if (!fetched.ok()) {
    if (stale != nullptr && now - stale->fetched_at <= options_.max_stale_seconds) {
      return stale->keys;
    }
    return fetched.error();
  }
  const std::lock_guard lock(mutex_);
  entries_[issuer] = Entry{.keys = *fetched, .fetched_at = now};
  while (entries_.size() > options_.max_issuers) {
    const auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.fetched_at < b.second.fetched_at; });
    entries_.erase(oldest);
  }
  return std::move(fetched).value();
}

Result<IssuerKeyCache::Keys> IssuerKeyCache::Get(const std::string& issuer) {
  std::optional<Entry> cached;
  {
    const std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(issuer); it != entries_.end()) {
      cached = it->second;
    }
  }
  if (cached && clock_.Now() - cached->fetched_at < options_.ttl_seconds) {
    return cached->keys;
  }
  return FetchAndStore(issuer, cached ? &*cached : nullptr);
}

Result<IssuerKeyCache::Keys> IssuerKeyCache::Refresh(const std::string& issuer) {
  std::optional<Entry> cached;
  {
    const std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(issuer); it != entries_.end()) {
      cached = it->second;
    }
  }
  if (cached && clock_.Now() - cached->fetched_at < options_.min_refresh_interval_seconds) {
    return cached->keys;
  }
  return FetchAndStore(issuer, cached ? &*cached : nullptr);
}

}  // namespace apkd::service
