// Server: the HTTP/1.1 server apkd runs behind its repository service. Generic: routing, auth
// and everything apk-specific live in the Handler (http/handler.h).
//
// Model: `threads` event loops, each a single-threaded Boost.Asio io_context with its own
// SO_REUSEPORT listening socket (the kernel spreads connections), one coroutine per connection,
// no locks on the request path. Per connection a watchdog enforces the deadlines below; large
// files go out with sendfile(2). SIGPIPE is ignored process-wide from Start() on (sendfile has
// no MSG_NOSIGNAL; a client reset would otherwise kill the process).
//
// Thread-safety: Start/Stop/port from one controlling thread; the Handler and the access log are
// called concurrently from the loop threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/handler.h"
#include "http/path.h"
#include "util/result.h"

namespace apkd::http {

inline constexpr size_t kKiB = 1024;

struct ServerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal; "0.0.0.0" / "::" for all
  uint16_t port = 0;                  // 0: an ephemeral port, see Server::port()
  unsigned threads = 0;               // event loops; 0: std::thread::hardware_concurrency()

  // Request line + header fields. 20 KiB = up to 4 KiB of request line (the apk-tools URL
  // limit) plus at least 16 KiB of fields (long Basic credentials, apk-protocol.md §5.3).
  // Larger heads get 431.
  size_t header_limit = 20 * kKiB;
  // Default body cap; Handler::OnHeaders may raise it per request. Larger bodies get 413.
  uint64_t body_limit = 1024 * kKiB;
  size_t max_path_bytes = kDefaultMaxPathBytes;  // longer paths get 414

  // Whole request head, from connection accept (or the first byte after a keep-alive wait)
  // to the blank line: defeats slowloris trickling. Expiry closes the connection.
  std::chrono::milliseconds header_timeout{15000};
  // Keep-alive wait for the next request's first byte.
  std::chrono::milliseconds idle_timeout{30000};
  // Longest stretch without body progress while reading a request body.
  std::chrono::milliseconds body_timeout{30000};
  // Longest stretch without send progress while writing a response.
  std::chrono::milliseconds send_timeout{60000};
  // Stop(): how long in-flight requests may take before their connections are cut.
  std::chrono::milliseconds shutdown_grace{10000};
  // After an error response, how long unread request bytes are drained before closing (so the
  // client sees the response instead of a reset).
  std::chrono::milliseconds linger_timeout{2000};

  size_t max_connections = 10000;     // beyond it new connections get 503; 0: unlimited
  size_t max_connections_per_ip = 0;  // 0: unlimited (the right value behind a proxy)

  std::string upload_dir;         // BodySink::kTempFile directory; empty: $TMPDIR or /tmp
  unsigned blocking_threads = 2;  // threads for BodyPolicy::offload handlers; at least 1
  std::chrono::milliseconds max_response_delay{30000};  // cap on Response::delay
};

class Server {
 public:
  // `handler` must be non-null. `access_log` may be empty.
  Server(ServerOptions options, std::shared_ptr<Handler> handler,
         AccessLogFunction access_log = {});
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // Stop()

  // Binds, listens and starts the loops. kInvalidArgument for a bad address, kUnavailable when
  // the port cannot be bound. Call once.
  Status Start();
  // The bound port (the ephemeral one when options.port was 0); 0 before Start.
  uint16_t port() const;
  // Graceful: stops accepting, closes idle keep-alive connections, lets in-flight requests
  // finish (answered with "Connection: close") for up to shutdown_grace, then cuts the rest and
  // joins the threads. Idempotent; blocks until done.
  void Stop();
  // Open connections across all loops.
  size_t active_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apkd::http
