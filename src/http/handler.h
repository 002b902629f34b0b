// The seam between the generic HTTP server and the service that plugs into it.
//
// Threading: the server runs one event loop per thread and calls the Handler on the thread that
// owns the connection, so a Handler is called concurrently from several threads and must be
// thread-safe. Calls are synchronous and block that loop (and every connection on it): a
// handler must be fast (memory lookups, small files, short SQLite reads). A request whose
// handling is slow by nature (publishing a package: validation, fsync, index rebuild) is marked
// in OnHeaders with BodyPolicy::offload, and Handle then runs on the server's blocking pool
// while the loop goes on serving its other connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace apkd::http {

enum class BodySink {
  kMemory,    // Request::body
  kTempFile,  // Request::body_file: an unlinked file in ServerOptions::upload_dir, at offset 0
};

// How the server reads one request's body. Pre-filled from ServerOptions before OnHeaders.
struct BodyPolicy {
  uint64_t limit = 0;  // larger bodies get 413 (checked against Content-Length before reading)
  BodySink sink = BodySink::kMemory;
  // Run Handle for this request on the blocking pool (ServerOptions::blocking_threads). No
  // deadline applies while it runs; Server::Stop waits for it.
  bool offload = false;
};

class Handler {
 public:
  Handler() = default;
  Handler(const Handler&) = delete;
  Handler& operator=(const Handler&) = delete;
  virtual ~Handler() = default;

  // Called once the request head is parsed, before any body byte is read; `head` has no body.
  // May raise `policy.limit` / pick a temp-file sink for an upload route, or return a Response
  // to answer at once (e.g. 401 before a 100 MB upload). When a body was announced and is not
  // read, the server closes the connection after that response.
  virtual std::optional<Response> OnHeaders(const Request& /*head*/, BodyPolicy& /*policy*/) {
    return std::nullopt;
  }

  // Called with the complete request. An exception becomes a 500 (details only in the log).
  // HEAD arrives as "HEAD": answer it exactly like GET (same body object, ETag, Last-Modified);
  // the server sends GET's headers, Content-Length included, and drops the body. Conditional
  // requests and Range are applied by the server from `etag` / `last_modified`
  // (http/response_plan.h), so a handler never evaluates them itself.
  virtual Response Handle(const Request& request) = 0;
};

using HandlerFunction = std::function<Response(const Request&)>;

// A Handler with the default body policy that calls `function` for every request.
std::shared_ptr<Handler> MakeHandler(HandlerFunction function);

// One finished exchange, reported after the response was written (or failed). Views are valid
// only during the callback. Never carries request headers (no Authorization in logs).
struct AccessLogEntry {
  std::string_view method;  // empty when the request line was not parsed
  std::string_view path;    // decoded path; the raw path if it did not decode
  int status = 0;
  uint64_t body_bytes = 0;                // body bytes actually written
  std::chrono::microseconds duration{0};  // first header byte read -> last byte written
  std::string_view remote_address;
  bool completed = true;   // false when the connection failed mid-response
  std::string_view error;  // why a 5xx happened or the write failed; usually empty
};

// Called on the connection's thread, like the Handler; must be thread-safe and fast.
using AccessLogFunction = std::function<void(const AccessLogEntry&)>;

}  // namespace apkd::http
