// Internal to src/http: what every event loop and connection shares, read-only after Start()
// (except the thread-safe limiter and the stopping flag). Owned by Server::Impl, which
// outlives all loops.
#pragma once

#include <atomic>

#include <boost/asio/thread_pool.hpp>

#include "http/connection_limiter.h"
#include "http/handler.h"
#include "http/server.h"

namespace apkd::http {

struct ServerContext {
  const ServerOptions& options;
  Handler& handler;
  const AccessLogFunction& access_log;
  ConnectionLimiter& limiter;
  // Set by Server::Stop() before the loops are told: a handler still running when Stop() is
  // called already sees it, so its response goes out with "Connection: close".
  const std::atomic<bool>& stopping;
  // Where BodyPolicy::offload handlers run; joined by Server::Stop after the loops.
  boost::asio::thread_pool& blocking_pool;
};

}  // namespace apkd::http
