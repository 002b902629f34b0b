#include "cli/api_client.h"

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <boost/json.hpp>
#include <curl/curl.h>
#include <sys/stat.h>

namespace apkd::cli {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct UploadState {
  FILE* file = nullptr;
  const UploadProgress* progress = nullptr;
};

size_t ReadFileChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* state = static_cast<UploadState*>(user);
  return std::fread(buffer, size, count, state->file);
}

int ReportProgress(void* user, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t ultotal,
                   curl_off_t ulnow) {
  const auto* state = static_cast<UploadState*>(user);
  if (state->progress != nullptr && *state->progress && ultotal > 0) {
    (*state->progress)(static_cast<uint64_t>(ulnow), static_cast<uint64_t>(ultotal));
  }
  return 0;
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// Common setup, perform, and result extraction for every request kind.
Result<ApiResponse> Perform(const ClientConfig& config, std::string_view path,
                            const std::function<void(CURL*, curl_slist*&)>& customize) {
  GlobalInit();
  CurlHandle curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  }
  const std::string url = config.server + std::string(path);
  ApiResponse response;
  curl_slist* headers = nullptr;
  if (!config.token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + config.token).c_str());
  }
  headers = curl_slist_append(headers, "Accept: application/json");
  customize(curl.get(), headers);
  HeaderList header_guard(headers, curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, config.timeout_seconds);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "apkctl");
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    // The URL carries no credentials (the token travels in a header), so it may be shown.
    return MakeError(ErrorCode::kUnavailable,
                     std::string("cannot reach ") + url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
  char* content_type = nullptr;
  curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) {
    response.content_type = content_type;
  }
  return response;
}

// The management API's `{"error":"…"}` reason, or the body as it is (plain-text answers).
std::string ServerMessage(const std::string& body) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(body, ec);
  if (!ec && value.is_object()) {
    if (const auto* error = value.as_object().if_contains("error"); error && error->is_string()) {
      return std::string(error->get_string());
    }
  }
  return body;
}

}  // namespace

ApiClient::ApiClient(ClientConfig config) : config_(std::move(config)) {
  while (!config_.server.empty() && config_.server.back() == '/') {
    config_.server.pop_back();
  }
}

Result<ApiResponse> ApiClient::Get(std::string_view path) const {
  return Perform(config_, path, [](CURL*, curl_slist*&) {});
}

Result<ApiResponse> ApiClient::Delete(std::string_view path) const {
  return Perform(config_, path, [](CURL* curl, curl_slist*&) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
  });
}

Result<ApiResponse> ApiClient::Post(std::string_view path, std::string_view body,
                                    std::string_view content_type) const {
  return SendBody("POST", path, body, content_type);
}

Result<ApiResponse> ApiClient::Put(std::string_view path, std::string_view body,
                                   std::string_view content_type) const {
  return SendBody("PUT", path, body, content_type);
}

Result<ApiResponse> ApiClient::SendBody(const char* method, std::string_view path,
                                        std::string_view body,
                                        std::string_view content_type) const {
  const std::string header = "Content-Type: " + std::string(content_type);
  return Perform(config_, path, [&](CURL* curl, curl_slist*& headers) {
    headers = curl_slist_append(headers, header.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  });
}

Result<ApiResponse> ApiClient::Upload(std::string_view path, const std::string& file_path,
                                      const UploadProgress& progress) const {
  struct stat st {};
  if (::stat(file_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kNotFound, file_path + " is not a readable file");
  }
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(file_path.c_str(), "rb"),
                                                     std::fclose);
  if (!file) {
    return MakeError(ErrorCode::kIoError, "cannot open " + file_path);
  }
  UploadState state{file.get(), &progress};
  return Perform(config_, path, [&](CURL* curl, curl_slist*& headers) {
    headers = curl_slist_append(headers, "Content-Type: application/vnd.apk");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadFileChunk);
    curl_easy_setopt(curl, CURLOPT_READDATA, &state);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(st.st_size));
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, ReportProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state);
  });
}

Error ErrorFromResponse(const ApiResponse& response) {
  std::string message = ServerMessage(response.body);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  message = "server answered " + std::to_string(response.status) +
            (message.empty() ? "" : ": " + message);
  switch (response.status) {
    case 400:
    case 413:
      return MakeError(ErrorCode::kInvalidArgument, message);
    case 401:
      return MakeError(ErrorCode::kUnauthenticated, message);
    case 403:
      return MakeError(ErrorCode::kPermissionDenied, message);
    case 404:
      return MakeError(ErrorCode::kNotFound, message);
    case 409:
      return MakeError(ErrorCode::kAlreadyExists, message);
    default:
      return MakeError(ErrorCode::kUnavailable, message);
  }
}

Result<ApiResponse> RequireSuccess(Result<ApiResponse> response) {
  if (!response.ok()) {
    return response;
  }
  if (response->status < 200 || response->status > 299) {
    return ErrorFromResponse(*response);
  }
  return response;
}

}  // namespace apkd::cli
