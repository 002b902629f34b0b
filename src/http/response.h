// Response: what a Handler returns, as a plain move-only value. The body is one of
//   std::string  small or dynamic content, copied once into the socket;
//   BlobBody     an immutable shared buffer (cached index, key), written zero-copy;
//   FileBody     an open file range, sent with sendfile(2).
// Framing headers (Content-Length, Connection, Date, Transfer-Encoding, Content-Encoding) are owned
// by the server and overwritten; entity metadata goes in `etag` / `last_modified`, from which the
// server answers conditional and Range requests (see http/response_plan.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/headers.h"
#include "http/status.h"
#include "http/unique_fd.h"
#include "util/result.h"

namespace apkd::http {

struct BlobBody {
  std::shared_ptr<const std::string> data;  // never mutated while shared
  size_t offset = 0;
  size_t length = 0;
};

struct FileBody {
  UniqueFd fd;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Opens `path` read-only and covers the whole regular file; kNotFound / kIoError otherwise.
// `mtime` receives the file's modification time when non-null.
Result<FileBody> OpenFileBody(const std::string& path, std::chrono::sys_seconds* mtime = nullptr);

using Body = std::variant<std::string, BlobBody, FileBody>;

// Bytes the body will send. A BlobBody range reaching past its buffer is clipped to it.
uint64_t BodySize(const Body& body);

struct Response {
  int status = status::kOk;
  HeaderMap headers;
  Body body;
  // Strong entity-tag including its quotes (see StrongEtag in http/conditional.h); empty = none.
  std::string etag;
  std::optional<std::chrono::sys_seconds> last_modified;
  // Hold the response this long before sending it (throttling password guesses), without
  // blocking the event loop; capped by the server at ServerOptions::max_response_delay.
  std::chrono::milliseconds delay{0};

  static Response Empty(int status);
  static Response Text(int status, std::string text);  // text/plain; charset=utf-8
  static Response Json(int status, std::string json);  // application/json
  static Response Blob(std::shared_ptr<const std::string> data, std::string_view content_type);
  static Response File(FileBody file, std::string_view content_type);
  // Status from StatusFromErrorCode, the message as a text body.
  static Response FromError(const Error& error);

  uint64_t body_size() const { return BodySize(body); }
};

}  // namespace apkd::http
