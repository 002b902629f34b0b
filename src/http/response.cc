#include "http/response.h"

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>

namespace apkd::http {
namespace {

constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kJsonType = "application/json";
constexpr int kFirstServerError = 500;

}  // namespace

Result<FileBody> OpenFileBody(const std::string& path, std::chrono::sys_seconds* mtime) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) {
    const int err = errno;
    const ErrorCode code =
        err == ENOENT || err == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIoError;
    return MakeError(code, "open " + path + ": " + std::generic_category().message(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return MakeError(ErrorCode::kIoError,
                     "stat " + path + ": " + std::generic_category().message(err));
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kNotFound, path + ": not a regular file");
  }
  if (mtime != nullptr) {
    *mtime = std::chrono::sys_seconds(std::chrono::seconds(st.st_mtim.tv_sec));
  }
  return FileBody{.fd = std::move(fd), .offset = 0, .length = static_cast<uint64_t>(st.st_size)};
}

uint64_t BodySize(const Body& body) {
  if (const auto* text = std::get_if<std::string>(&body)) {
    return text->size();
  }
  if (const auto* blob = std::get_if<BlobBody>(&body)) {
    // Never promise bytes the buffer does not hold: a short body would hang the client.
    if (!blob->data || blob->offset >= blob->data->size()) {
      return 0;
    }
    return std::min(blob->length, blob->data->size() - blob->offset);
  }
  return std::get<FileBody>(body).length;
}

Response Response::Empty(int status) {
  Response response;
  response.status = status;
  return response;
}

Response Response::Text(int status, std::string text) {
  Response response;
  response.status = status;
  response.headers.Set("Content-Type", std::string(kTextType));
  response.body = std::move(text);
  return response;
}

Response Response::Json(int status, std::string json) {
  Response response;
  response.status = status;
  response.headers.Set("Content-Type", std::string(kJsonType));
  response.body = std::move(json);
  return response;
}

Response Response::Blob(std::shared_ptr<const std::string> data, std::string_view content_type) {
  Response response;
  const size_t length = data ? data->size() : 0;
  response.headers.Set("Content-Type", std::string(content_type));
  response.body = BlobBody{.data = std::move(data), .offset = 0, .length = length};
  return response;
}

Response Response::File(FileBody file, std::string_view content_type) {
  Response response;
  response.headers.Set("Content-Type", std::string(content_type));
  response.body = std::move(file);
  return response;
}

Response Response::FromError(const Error& error) {
  const int status = StatusFromErrorCode(error.code());
  // Server-side failures keep their details in the logs, not in the response.
  if (status >= kFirstServerError) {
    return Text(status, std::string(ReasonPhrase(status)) + "\n");
  }
  return Text(status, error.message() + "\n");
}

}  // namespace apkd::http
