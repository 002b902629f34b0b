#include "http/worker.h"

#include <chrono>
#include <exception>
#include <memory>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sys/socket.h>

#include "http/connection.h"

namespace apkd::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// After accept() fails for lack of descriptors or memory, wait before retrying.
constexpr std::chrono::milliseconds kAcceptBackoff{50};
constexpr std::string_view kOverloaded =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
    "Connection: close\r\n\r\n";

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// Best effort, never blocks: the connection is over the cap, tell it so and close.
void RejectOverloaded(tcp::socket& socket) {
  ::send(socket.native_handle(), kOverloaded.data(), kOverloaded.size(),
         MSG_NOSIGNAL | MSG_DONTWAIT);
  boost::system::error_code ignored;
  socket.close(ignored);
}

}  // namespace

Worker::Worker(const ServerContext& context) : context_(context) {}

Worker::~Worker() { destroying_ = true; }

Status Worker::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code error;
  acceptor_.open(endpoint.protocol(), error);
  if (!error) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  }
  if (!error) {
    acceptor_.set_option(ReusePort(true), error);
  }
  if (!error) {
    acceptor_.bind(endpoint, error);
  }
  if (!error) {
    acceptor_.listen(asio::socket_base::max_listen_connections, error);
  }
  if (error) {
    return MakeError(ErrorCode::kUnavailable, "listening on " + endpoint.address().to_string() +
                                                  ":" + std::to_string(endpoint.port()) + ": " +
                                                  error.message());
  }
  port_ = acceptor_.local_endpoint(error).port();
  return OkStatus();
}

uint16_t Worker::port() const { return port_; }

void Worker::Run() {
  asio::co_spawn(io_context_, AcceptLoop(), [](const std::exception_ptr&) {});
  for (;;) {
    try {
      io_context_.run();
      return;
    } catch (...) {
      // A throwing completion handler (bad_alloc) must not end the loop for everyone else.
    }
  }
}

void Worker::BeginStop() {
  asio::post(io_context_, [this] { StopOnLoop(); });
}

void Worker::StopOnLoop() {
  if (stopping_) {
    return;
  }
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (Connection* connection : connections_) {
    connection->Drain();
  }
  if (connections_.empty()) {
    return;
  }
  grace_timer_.expires_after(context_.options.shutdown_grace);
  grace_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) {
      return;  // cancelled: every connection finished in time
    }
    for (Connection* connection : connections_) {
      connection->ForceClose();
    }
  });
}

void Worker::Register(Connection* connection) { connections_.insert(connection); }

void Worker::Unregister(Connection* connection) {
  connections_.erase(connection);
  if (stopping_ && !destroying_ && connections_.empty()) {
    grace_timer_.cancel();
  }
}

asio::awaitable<void> Worker::AcceptLoop() {
  asio::steady_timer backoff(io_context_);
  while (acceptor_.is_open()) {
    auto [accept_error, socket] = co_await acceptor_.async_accept(kUseTuple);
    if (accept_error) {
      if (!acceptor_.is_open() || accept_error == asio::error::operation_aborted) {
        co_return;
      }
      backoff.expires_after(kAcceptBackoff);  // EMFILE, ENOBUFS, ...: let descriptors free up
      co_await backoff.async_wait(kUseTuple);
      continue;
    }
    boost::system::error_code error;
    const tcp::endpoint remote = socket.remote_endpoint(error);
    if (error) {
      continue;  // already reset by the peer
    }
    std::string address = remote.address().to_string();
    if (stopping_ || !context_.limiter.TryAcquire(address)) {
      RejectOverloaded(socket);
      continue;
    }
    socket.set_option(tcp::no_delay(true), error);
    auto connection = std::make_shared<Connection>(std::move(socket), *this, context_,
                                                   std::move(address), remote.port());
    connection->Start();
  }
}

}  // namespace apkd::http
