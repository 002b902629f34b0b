#include "server/curl_fetcher.h"

#include <memory>
#include <mutex>
#include <string>

#include <curl/curl.h>

namespace apkd::server {
namespace {

constexpr long kConnectTimeoutSeconds = 5;  // NOLINT(google-runtime-int): libcurl's type
constexpr long kTimeoutSeconds = 10;        // NOLINT(google-runtime-int)

struct Sink {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t bytes = size * count;
  if (sink->body.size() + bytes > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body.append(data, bytes);
  return bytes;
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

}  // namespace

CurlFetcher::CurlFetcher() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<service::FetchedDocument> CurlFetcher::Get(const std::string& url, size_t max_bytes) {
  const CurlHandle curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  }
  Sink sink{.body = {}, .max_bytes = max_bytes, .too_large = false};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, kTimeoutSeconds);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "apkd");
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  const CURLcode rc = curl_easy_perform(handle);
  if (sink.too_large) {
    return MakeError(ErrorCode::kLimitExceeded,
                     url + " answered with more than " + std::to_string(max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot fetch " + url + ": " + curl_easy_strerror(rc));
  }
  service::FetchedDocument document;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &document.status);
  document.body = std::move(sink.body);
  return document;
}

}  // namespace apkd::server
