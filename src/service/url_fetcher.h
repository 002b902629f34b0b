// UrlFetcher: the seam through which the service reads documents from other servers (an OIDC
// issuer's discovery document and JWKS). The server wires a libcurl implementation
// (server/curl_fetcher.h); unit tests use a fake, so no test needs the network. Implementations
// must be thread-safe: exchanges run concurrently on the server's blocking pool.
#pragma once

#include <cstddef>
#include <string>

#include "util/result.h"

namespace apkd::service {

struct FetchedDocument {
  long status = 0;  // NOLINT(google-runtime-int): the HTTP status as libcurl reports it
  std::string body;
};

class UrlFetcher {
 public:
  UrlFetcher() = default;
  UrlFetcher(const UrlFetcher&) = delete;
  UrlFetcher& operator=(const UrlFetcher&) = delete;
  UrlFetcher(UrlFetcher&&) = delete;
  UrlFetcher& operator=(UrlFetcher&&) = delete;
  virtual ~UrlFetcher() = default;

  // GET `url` without following redirects. Any HTTP status is a value; a body over `max_bytes`
  // is kLimitExceeded; network failures and timeouts are kUnavailable. Messages may name the URL
  // but never carry the response body.
  virtual Result<FetchedDocument> Get(const std::string& url, size_t max_bytes) = 0;
};

}  // namespace apkd::service
