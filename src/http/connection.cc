#include "http/connection.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/conditional.h"
#include "http/worker.h"

namespace apkd::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// Unread request bytes drained after an error response, at most.
constexpr size_t kMaxLingerBytes = 1024 * kKiB;
constexpr size_t kLingerChunk = 16 * kKiB;

// The Date value, formatted at most once per second per loop thread.
std::string_view CurrentHttpDate() {
  thread_local std::chrono::sys_seconds cached_second{};
  thread_local std::string cached_text;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (now != cached_second || cached_text.empty()) {
    cached_second = now;
    cached_text = FormatHttpDate(now);
  }
  return cached_text;
}

Response ErrorResponse(int status) {
  return Response::Text(status, std::string(ReasonPhrase(status)) + "\n");
}

void ReportSpawnFailure(const std::exception_ptr& error) {
  if (!error) {
    return;
  }
  try {
    std::rethrow_exception(error);
  } catch (const std::exception&) {
    // Coroutines catch what they expect; an escape here (bad_alloc) ends only this connection.
  } catch (...) {
  }
}

}  // namespace

Connection::Connection(tcp::socket socket, Worker& worker, const ServerContext& context,
                       std::string remote_address, uint16_t remote_port)
    : socket_(std::move(socket)),
      worker_(worker),
      context_(context),
      remote_address_(std::move(remote_address)),
      remote_port_(remote_port),
      timer_(socket_.get_executor()),
      deadline_(Clock::now() + context.options.header_timeout) {
  worker_.Register(this);
}

Connection::~Connection() {
  context_.limiter.Release(remote_address_);
  worker_.Unregister(this);
}

void Connection::Start() {
  asio::co_spawn(socket_.get_executor(), RunFrame(shared_from_this()), ReportSpawnFailure);
  asio::co_spawn(socket_.get_executor(), WatchdogFrame(shared_from_this()), ReportSpawnFailure);
}

asio::awaitable<void> Connection::RunFrame(std::shared_ptr<Connection> self) {
  co_await self->Run();
}

asio::awaitable<void> Connection::WatchdogFrame(std::shared_ptr<Connection> self) {
  co_await self->Watchdog();
}

void Connection::Drain() {
  draining_ = true;
  if (idle_) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);  // wakes the keep-alive wait, which then sees draining_
  }
}

void Connection::ForceClose() { CloseSocket(); }

void Connection::CloseSocket() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

void Connection::ArmDeadline(std::chrono::milliseconds timeout) {
  const Clock::time_point next = Clock::now() + timeout;
  const bool earlier = next < deadline_;
  deadline_ = next;
  if (earlier) {
    timer_.cancel();  // the watchdog re-arms for the new, earlier deadline
  }
}

asio::awaitable<void> Connection::Delay(std::chrono::milliseconds delay) {
  DisarmDeadline();  // our own wait, not the client's slowness
  // In slices, so that a stopping server (or a closed socket) does not wait the whole delay.
  constexpr std::chrono::milliseconds kSlice{100};
  asio::steady_timer timer(socket_.get_executor());
  const Clock::time_point end = Clock::now() + delay;
  while (!draining_ && socket_.is_open() && Clock::now() < end) {
    timer.expires_after(std::min<Clock::duration>(kSlice, end - Clock::now()));
    co_await timer.async_wait(kUseTuple);
  }
}

void Connection::DisarmDeadline() { deadline_ = Clock::time_point::max(); }

asio::awaitable<void> Connection::Watchdog() {
  while (socket_.is_open()) {
    timer_.expires_at(deadline_);
    co_await timer_.async_wait(kUseTuple);
    if (socket_.is_open() && Clock::now() >= deadline_) {
      CloseSocket();  // pending reads / writes complete with operation_aborted
    }
  }
}

asio::awaitable<void> Connection::Run() {
  const ServerOptions& options = context_.options;
  bool first = true;
  bool linger = false;
  while (socket_.is_open() && !draining_) {
    if (buffer_.size() == 0) {
      idle_ = true;
      ArmDeadline(first ? options.header_timeout : options.idle_timeout);
      auto [wait_error] = co_await socket_.async_wait(tcp::socket::wait_read, kUseTuple);
      if (wait_error || draining_) {
        break;
      }
    }
    idle_ = false;
    first = false;
    const Clock::time_point started = Clock::now();
    ArmDeadline(options.header_timeout);
    Exchange exchange = co_await ReadRequest();

    Response response;
    bool keep_alive = false;
    switch (exchange.outcome) {
      case ReadOutcome::kClosed:
        co_await Shutdown(false);
        co_return;
      case ReadOutcome::kOk:
        if (exchange.offload) {
          response = co_await RunHandlerOffLoop(exchange);
        } else {
          response = RunHandler(exchange);
        }
        keep_alive = exchange.request.keep_alive;
        break;
      case ReadOutcome::kRejected:
        response = std::move(*exchange.early);
        keep_alive = exchange.request.keep_alive && !exchange.body_pending;
        break;
      case ReadOutcome::kBadRequest:
        response = ErrorResponse(status::kBadRequest);
        break;
      case ReadOutcome::kUriTooLong:
        response = ErrorResponse(status::kUriTooLong);
        break;
      case ReadOutcome::kHeaderTooLarge:
        response = ErrorResponse(status::kHeaderFieldsTooLarge);
        break;
      case ReadOutcome::kBodyTooLarge:
        response = ErrorResponse(status::kPayloadTooLarge);
        break;
      case ReadOutcome::kServerError:
        response = ErrorResponse(status::kInternalServerError);
        break;
    }
    if (response.delay.count() > 0 && !draining_) {
      co_await Delay(std::min(response.delay, options.max_response_delay));
    }
    keep_alive = keep_alive && !draining_ && !context_.stopping.load();
    linger = !keep_alive && exchange.outcome != ReadOutcome::kOk;
    // Release the request body (and any upload temp file) before the possibly long write.
    exchange.request.body = std::string();
    exchange.request.body_file.Reset();
    ResponsePlan plan = PlanResponse(exchange.request.method, exchange.request.headers,
                                     std::move(response), keep_alive, CurrentHttpDate());
    ArmDeadline(options.send_timeout);
    const WriteResult write = co_await WritePlan(plan);
    ReportAccess(exchange, plan, write, started);
    if (!write.ok) {
      co_await Shutdown(false);
      co_return;
    }
    if (!keep_alive) {
      break;
    }
  }
  co_await Shutdown(linger || buffer_.size() > 0);
}

Response Connection::RunHandler(Exchange& exchange) {
  try {
    return context_.handler.Handle(exchange.request);
  } catch (const std::exception& e) {
    exchange.error = std::string("handler threw: ") + e.what();
  } catch (...) {
    exchange.error = "handler threw a non-standard exception";
  }
  return ErrorResponse(status::kInternalServerError);
}

asio::awaitable<Response> Connection::RunHandlerOffLoop(Exchange& exchange) {
  DisarmDeadline();  // the handler's own work is not the client's slowness
  co_return co_await asio::co_spawn(
      context_.blocking_pool.get_executor(),
      [this, &exchange]() -> asio::awaitable<Response> { co_return RunHandler(exchange); },
      asio::use_awaitable);
}

void Connection::ReportAccess(const Exchange& exchange, const ResponsePlan& plan,
                              const WriteResult& write, Clock::time_point started) {
  if (!context_.access_log) {
    return;
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  const AccessLogEntry entry{
      .method = exchange.request.method,
      .path = exchange.request.path,
      .status = plan.status,
      .body_bytes = write.body_bytes,
      .duration = elapsed,
      .remote_address = remote_address_,
      .completed = write.ok,
      .error =
          write.error.empty() ? std::string_view(exchange.error) : std::string_view(write.error),
  };
  try {
    context_.access_log(entry);
  } catch (...) {
    // A failing log sink must not take the connection down.
  }
}

asio::awaitable<void> Connection::Shutdown(bool linger) {
  if (!socket_.is_open()) {
    co_return;
  }
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    // Read and drop what the client is still sending until it closes, so that it reads our
    // response instead of getting a reset for unread data.
    ArmDeadline(context_.options.linger_timeout);
    std::array<char, kLingerChunk> sink{};
    size_t drained = 0;
    while (socket_.is_open() && drained < kMaxLingerBytes) {
      auto [read_error, n] = co_await socket_.async_read_some(asio::buffer(sink), kUseTuple);
      if (read_error) {
        break;
      }
      drained += n;
    }
  }
  CloseSocket();
}

}  // namespace apkd::http
