#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "http/connection_limiter.h"
#include "http/server_context.h"
#include "http/worker.h"

namespace apkd::http {

class Server::Impl {
 public:
  Impl(ServerOptions options, std::shared_ptr<Handler> handler, AccessLogFunction access_log)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        access_log_(std::move(access_log)),
        limiter_(options_.max_connections, options_.max_connections_per_ip),
        blocking_pool_(std::max(options_.blocking_threads, 1U)),
        context_{options_, *handler_, access_log_, limiter_, stopping_, blocking_pool_} {}

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { Stop(); }

  Status Start() {
    if (started_) {
      return MakeError(ErrorCode::kInternal, "Server::Start called twice");
    }
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(options_.address, error);
    if (error) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "bad listen address '" + options_.address + "': " + error.message());
    }
    // sendfile(2) has no MSG_NOSIGNAL: without this a client reset mid-download kills us.
    std::signal(SIGPIPE, SIG_IGN);
    unsigned threads =
        options_.threads != 0 ? options_.threads : std::thread::hardware_concurrency();
    threads = threads == 0 ? 1 : threads;
    uint16_t port = options_.port;
    for (unsigned i = 0; i < threads; ++i) {
      auto worker = std::make_unique<Worker>(context_);
      // The first acceptor picks the port (maybe ephemeral); the others share it.
      Status listening = worker->Listen({address, port});
      if (!listening.ok()) {
        workers_.clear();
        return listening;
      }
      port = worker->port();
      workers_.push_back(std::move(worker));
    }
    port_ = port;
    started_ = true;
    for (auto& worker : workers_) {
      threads_.emplace_back([w = worker.get()] { w->Run(); });
    }
    return OkStatus();
  }

  void Stop() {
    stopping_.store(true);
    for (auto& worker : workers_) {
      worker->BeginStop();
    }
    // A loop ends only once its offloaded handlers have come back to it, so after the joins
    // the pool has nothing left that refers to a connection.
    for (auto& thread : threads_) {
      thread.join();
    }
    threads_.clear();
    workers_.clear();
    blocking_pool_.join();
  }

  uint16_t port() const { return port_; }
  size_t active_connections() const { return limiter_.active(); }

 private:
  const ServerOptions options_;
  const std::shared_ptr<Handler> handler_;
  const AccessLogFunction access_log_;
  ConnectionLimiter limiter_;
  std::atomic<bool> stopping_{false};
  boost::asio::thread_pool blocking_pool_;  // outlives the workers, which post to it
  const ServerContext context_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
};

Server::Server(ServerOptions options, std::shared_ptr<Handler> handler,
               AccessLogFunction access_log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(access_log))) {
}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }

uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

size_t Server::active_connections() const { return impl_->active_connections(); }

}  // namespace apkd::http
