// Internal to src/http (includes Asio and Beast): one client connection, served by a coroutine
// (Run) plus a watchdog coroutine that closes the socket when the current deadline passes.
// Deadlines: header_timeout for a whole request head, idle_timeout between keep-alive requests,
// body_timeout / send_timeout per stretch without progress. The deadline is a plain time point
// that the request path moves freely; the watchdog re-arms lazily, so nothing is cancelled per
// request. Lives on one Worker's loop thread; kept alive by the two coroutines.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/request.h"
#include "http/response.h"
#include "http/response_plan.h"
#include "http/server_context.h"

namespace apkd::http {

class Worker;

// How reading one request ended.
enum class ReadOutcome {
  kOk,              // complete request, the handler may run
  kRejected,        // Handler::OnHeaders answered; Exchange::early holds the response
  kClosed,          // EOF, reset, timeout, truncated request: close without a response
  kBadRequest,      // 400
  kUriTooLong,      // 414
  kHeaderTooLarge,  // 431
  kBodyTooLarge,    // 413
  kServerError,     // 500 (e.g. the upload temp file could not be written)
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, Worker& worker, const ServerContext& context,
             std::string remote_address, uint16_t remote_port);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Spawns the connection and watchdog coroutines (they hold the shared_ptr).
  void Start();
  // Server stopping: an idle connection closes now, a busy one after its current response.
  void Drain();
  // Grace period over: close the socket, abandoning any exchange.
  void ForceClose();

 private:
  using Clock = std::chrono::steady_clock;
  using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

  struct Exchange {
    ReadOutcome outcome = ReadOutcome::kClosed;
    Request request;
    std::optional<Response> early;
    bool offload = false;       // BodyPolicy::offload: Handle runs on the blocking pool
    bool body_pending = false;  // announced body bytes were left unread
    std::string error;          // for the access log
  };

  struct WriteResult {
    bool ok = false;
    uint64_t body_bytes = 0;
    std::string error;
  };

  static boost::asio::awaitable<void> RunFrame(std::shared_ptr<Connection> self);
  static boost::asio::awaitable<void> WatchdogFrame(std::shared_ptr<Connection> self);
  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<void> Watchdog();

  // connection_read.cc
  boost::asio::awaitable<Exchange> ReadRequest();
  boost::asio::awaitable<bool> ReadBody(Exchange& exchange, const BodyPolicy& policy);
  void FillHead(Exchange& exchange);

  // connection_write.cc
  boost::asio::awaitable<WriteResult> WritePlan(ResponsePlan& plan);
  boost::asio::awaitable<bool> WriteBuffers(std::array<boost::asio::const_buffer, 2> buffers,
                                            uint64_t& written);
  boost::asio::awaitable<bool> SendFile(const FileBody& file, uint64_t& written,
                                        std::string& error);
  boost::asio::awaitable<bool> CopyFile(const FileBody& file, uint64_t offset, uint64_t& written,
                                        std::string& error);
  void SetCork(bool on);

  Response RunHandler(Exchange& exchange);
  // RunHandler on the blocking pool; resumes on this connection's loop.
  boost::asio::awaitable<Response> RunHandlerOffLoop(Exchange& exchange);
  void DisarmDeadline();
  // Waits `delay` on the loop (Response::delay).
  boost::asio::awaitable<void> Delay(std::chrono::milliseconds delay);
  void ReportAccess(const Exchange& exchange, const ResponsePlan& plan, const WriteResult& write,
                    Clock::time_point started);
  boost::asio::awaitable<void> Shutdown(bool linger);
  void ArmDeadline(std::chrono::milliseconds timeout);
  void CloseSocket();

  boost::asio::ip::tcp::socket socket_;
  Worker& worker_;
  const ServerContext& context_;
  const std::string remote_address_;
  const uint16_t remote_port_;
  boost::asio::steady_timer timer_;
  Clock::time_point deadline_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  bool idle_ = true;       // waiting for a request's first byte
  bool draining_ = false;  // server stopping: no keep-alive
};

}  // namespace apkd::http
