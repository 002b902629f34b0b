// The HTTP client apkctl uses for the management API: JSON requests with a bearer token, and
// streamed package uploads with progress. Wraps libcurl (TLS, proxies, redirects as curl does
// them). One client per thread; tokens are never written to logs or error messages.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace apkd::cli {

struct ApiResponse {
  long status = 0;
  std::string body;
  std::string content_type;
};

struct ClientConfig {
  std::string server;  // e.g. "https://apk.example.com" (no trailing slash)
  std::string token;   // sent as "Authorization: Bearer <token>" when non-empty
  long timeout_seconds = 300;
};

// bytes sent so far, total bytes
using UploadProgress = std::function<void(uint64_t, uint64_t)>;

class ApiClient {
 public:
  explicit ApiClient(ClientConfig config);

  Result<ApiResponse> Get(std::string_view path) const;
  Result<ApiResponse> Delete(std::string_view path) const;
  Result<ApiResponse> Post(std::string_view path, std::string_view body,
                           std::string_view content_type = "application/json") const;
  Result<ApiResponse> Put(std::string_view path, std::string_view body,
                          std::string_view content_type = "application/json") const;
  // Streams the file at `file_path` as the request body (no whole-file buffering).
  Result<ApiResponse> Upload(std::string_view path, const std::string& file_path,
                             const UploadProgress& progress = {}) const;

 private:
  Result<ApiResponse> SendBody(const char* method, std::string_view path, std::string_view body,
                               std::string_view content_type) const;
  ClientConfig config_;
};

// A non-2xx response as an Error with the server's message (the `error` member of a JSON
// body, else the body): 401 → kUnauthenticated,
// 403 → kPermissionDenied, 404 → kNotFound, 409 → kAlreadyExists, 400/413 → kInvalidArgument,
// anything else → kUnavailable.
Error ErrorFromResponse(const ApiResponse& response);
// The response itself when 2xx, else ErrorFromResponse.
Result<ApiResponse> RequireSuccess(Result<ApiResponse> response);

}  // namespace apkd::cli
