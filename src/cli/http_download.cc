#include "cli/http_download.h"

#include <cstdio>
#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace apkd::cli {
namespace {

constexpr long kMaxRedirects = 5;

struct Sink {
  FILE* file = nullptr;
  uint64_t written = 0;
  uint64_t max_bytes = 0;
  bool over_limit = false;
};

size_t WriteChunk(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t bytes = size * count;
  if (sink->written + bytes > sink->max_bytes) {
    sink->over_limit = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->written += bytes;
  return std::fwrite(data, 1, bytes, sink->file);
}

Error ErrorForStatus(long status, const std::string& shown_url) {
  const std::string message = shown_url + ": server answered " + std::to_string(status);
  switch (status) {
    case 401:
      return MakeError(ErrorCode::kUnauthenticated, message);
    case 403:
      return MakeError(ErrorCode::kPermissionDenied, message);
    case 404:
    case 410:
      return MakeError(ErrorCode::kNotFound, message);
    default:
      return MakeError(ErrorCode::kUnavailable, message);
  }
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

// Runs the transfer into `sink`; the HTTP status, or why there is none.
Result<long> Transfer(const std::string& url, Sink& sink, const DownloadOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlHandle curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  }
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, kMaxRedirects);
  if (!options.basic_auth.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl.get(), CURLOPT_USERPWD, options.basic_auth.c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, WriteChunk);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, options.timeout_seconds);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "apkctl");
  const CURLcode rc = curl_easy_perform(curl.get());
  const std::string shown = RedactUrl(url);
  if (sink.over_limit) {
    return MakeError(ErrorCode::kLimitExceeded,
                     shown + ": larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot download " + shown + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

}  // namespace

Status DownloadFile(const std::string& url, const std::string& dest_path,
                    const DownloadOptions& options) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(dest_path.c_str(), "wb"),
                                                     std::fclose);
  if (!file) {
    return MakeError(ErrorCode::kIoError, "cannot create " + dest_path);
  }
  Sink sink{.file = file.get(), .written = 0, .max_bytes = options.max_bytes, .over_limit = false};
  auto status = Transfer(url, sink, options);
  const bool flushed = std::fflush(file.get()) == 0 && std::ferror(file.get()) == 0;
  file.reset();
  Status outcome = OkStatus();
  if (!status.ok()) {
    outcome = status.error();
  } else if (*status < 200 || *status > 299) {
    outcome = ErrorForStatus(*status, RedactUrl(url));
  } else if (!flushed) {
    outcome = MakeError(ErrorCode::kIoError, "cannot write " + dest_path);
  }
  if (!outcome.ok()) {
    std::remove(dest_path.c_str());
  }
  return outcome;
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return url;
  }
  const size_t authority = scheme_end + 3;
  const size_t path = url.find('/', authority);
  const size_t at = url.rfind('@', path == std::string::npos ? url.size() : path);
  if (at == std::string::npos || at < authority) {
    return url;
  }
  return url.substr(0, authority) + "***" + url.substr(at);
}

}  // namespace apkd::cli
