// Internal to src/http (includes Asio): one event loop. A Worker owns a single-threaded
// io_context, its SO_REUSEPORT acceptor and the set of its live connections. Everything but
// the constructor, Listen() and BeginStop() runs on the loop thread.
#pragma once

#include <cstdint>
#include <unordered_set>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/server_context.h"
#include "util/result.h"

namespace apkd::http {

class Connection;

class Worker {
 public:
  explicit Worker(const ServerContext& context);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker();

  // Opens, binds (SO_REUSEPORT) and listens; call before Run(), from the starting thread.
  Status Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  uint16_t port() const;
  // Runs the loop on the calling thread until the worker has stopped.
  void Run();
  // Thread-safe: asks the loop to stop accepting and drain its connections.
  void BeginStop();

  // Connections announce themselves (loop thread only).
  void Register(Connection* connection);
  void Unregister(Connection* connection);

 private:
  boost::asio::awaitable<void> AcceptLoop();
  void StopOnLoop();

  const ServerContext& context_;
  // Declared before the io_context so that it outlives connection frames destroyed with it.
  std::unordered_set<Connection*> connections_;
  bool stopping_ = false;
  bool destroying_ = false;
  boost::asio::io_context io_context_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_context_};
  boost::asio::steady_timer grace_timer_{io_context_};
  uint16_t port_ = 0;
};

}  // namespace apkd::http
