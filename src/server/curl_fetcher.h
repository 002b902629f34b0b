// CurlFetcher: service::UrlFetcher over libcurl, for OIDC discovery documents and JWKS. GET only,
// http and https only, no redirects (a redirect is answered as its 3xx status), a bounded body,
// 5 s to connect and 10 s per request, and loopback addresses never through a proxy. TLS is
// verified against the system trust store. Thread-safe: every Get uses its own easy handle.
#pragma once

#include <cstddef>
#include <string>

#include "service/url_fetcher.h"

namespace apkd::server {

class CurlFetcher final : public service::UrlFetcher {
 public:
  // Initializes libcurl once per process; construct it before serving starts.
  CurlFetcher();

  Result<service::FetchedDocument> Get(const std::string& url, size_t max_bytes) override;
};

}  // namespace apkd::server
