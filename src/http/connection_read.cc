// Connection: reading one request (head, path, body policy, body) with Beast's parser.
#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <fcntl.h>
#include <unistd.h>

#include "http/connection.h"
#include "http/path.h"

namespace apkd::http {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kBodyChunk = 64 * kKiB;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Thread-safe strerror. Takes errno by value, so it is read before anything else runs.
std::string ErrnoText(int error) { return std::generic_category().message(error); }

bool IsHttpError(const boost::system::error_code& error, beast_http::error code) {
  return error == beast_http::make_error_code(code);
}

// Maps a parse/read failure to what the client gets. Transport-level failures (EOF, reset,
// a truncated request, a watchdog close) end the connection silently.
ReadOutcome ClassifyReadError(const boost::system::error_code& error) {
  using Outcome = ReadOutcome;
  if (IsHttpError(error, beast_http::error::header_limit) ||
      IsHttpError(error, beast_http::error::buffer_overflow)) {
    return Outcome::kHeaderTooLarge;
  }
  if (IsHttpError(error, beast_http::error::body_limit)) {
    return Outcome::kBodyTooLarge;
  }
  if (IsHttpError(error, beast_http::error::end_of_stream) ||
      IsHttpError(error, beast_http::error::partial_message)) {
    return Outcome::kClosed;
  }
  if (error.category() == beast_http::make_error_code(beast_http::error::bad_method).category()) {
    return Outcome::kBadRequest;
  }
  return Outcome::kClosed;
}

Result<UniqueFd> CreateUploadFile(const std::string& configured_dir) {
  std::string dir = configured_dir;
  if (dir.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read-only env
    dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd.valid()) {
    return fd;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return MakeError(ErrorCode::kIoError, "upload temp file in " + dir + ": " + ErrnoText(errno));
  }
  std::string name = dir + "/.apkd-upload-XXXXXX";
  fd.Reset(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd.valid()) {
    return MakeError(ErrorCode::kIoError, "upload temp file " + name + ": " + ErrnoText(errno));
  }
  ::unlink(name.c_str());
  return fd;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void Connection::FillHead(Exchange& exchange) {
  const auto& message = parser_->get();
  Request& request = exchange.request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.version = static_cast<int>(message.version());
  for (const auto& field : message) {
    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  request.keep_alive = message.keep_alive();
  request.remote_address = remote_address_;
  request.remote_port = remote_port_;
}

asio::awaitable<Connection::Exchange> Connection::ReadRequest() {
  const ServerOptions& options = context_.options;
  Exchange exchange;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(options.header_limit));
  parser_->body_limit(boost::none);  // checked after OnHeaders, which may raise it
  auto [read_error, unused] =
      co_await beast_http::async_read_header(socket_, buffer_, *parser_, kUseTuple);
  if (read_error) {
    exchange.outcome = ClassifyReadError(read_error);
    co_return exchange;
  }
  FillHead(exchange);
  exchange.body_pending = !parser_->is_done();
  Request& request = exchange.request;

  const auto target = SplitTarget(request.target);
  if (!target.ok()) {
    exchange.outcome = ReadOutcome::kBadRequest;
    co_return exchange;
  }
  request.query = std::string(target->query);
  auto path = DecodePath(target->path, options.max_path_bytes);
  if (!path.ok()) {
    request.path = std::string(target->path);  // for the access log only
    exchange.outcome = path.error().code() == ErrorCode::kLimitExceeded ? ReadOutcome::kUriTooLong
                                                                        : ReadOutcome::kBadRequest;
    co_return exchange;
  }
  request.path = std::move(path).value();

  BodyPolicy policy{.limit = options.body_limit, .sink = BodySink::kMemory};
  try {
    exchange.early = context_.handler.OnHeaders(request, policy);
  } catch (const std::exception& e) {
    exchange.error = std::string("OnHeaders threw: ") + e.what();
    exchange.outcome = ReadOutcome::kServerError;
    co_return exchange;
  }
  if (exchange.early) {
    exchange.outcome = ReadOutcome::kRejected;
    co_return exchange;
  }
  exchange.offload = policy.offload;
  if (!exchange.body_pending) {
    exchange.outcome = ReadOutcome::kOk;
    co_return exchange;
  }
  const auto announced = parser_->content_length();
  if (announced && *announced > policy.limit) {
    exchange.outcome = ReadOutcome::kBodyTooLarge;
    co_return exchange;
  }
  const auto expect = request.headers.Get("Expect");
  if (expect && EqualsIgnoreCase(*expect, "100-continue")) {
    auto [write_error, written] =
        co_await asio::async_write(socket_, asio::buffer(kContinue), kUseTuple);
    if (write_error) {
      exchange.outcome = ReadOutcome::kClosed;
      co_return exchange;
    }
  }
  if (co_await ReadBody(exchange, policy)) {
    exchange.outcome = ReadOutcome::kOk;
    exchange.body_pending = false;
  }
  co_return exchange;
}

asio::awaitable<bool> Connection::ReadBody(Exchange& exchange, const BodyPolicy& policy) {
  Request& request = exchange.request;
  parser_->body_limit(policy.limit);
  if (policy.sink == BodySink::kTempFile) {
    auto file = CreateUploadFile(context_.options.upload_dir);
    if (!file.ok()) {
      exchange.error = file.error().message();
      exchange.outcome = ReadOutcome::kServerError;
      co_return false;
    }
    request.body_file = std::move(file).value();
  }
  std::vector<char> chunk(kBodyChunk);
  while (!parser_->is_done()) {
    auto& body = parser_->get().body();
    body.data = chunk.data();
    body.size = chunk.size();
    ArmDeadline(context_.options.body_timeout);
    auto [read_error, unused] =
        co_await beast_http::async_read_some(socket_, buffer_, *parser_, kUseTuple);
    const size_t got = chunk.size() - parser_->get().body().size;
    if (got > 0) {
      request.body_size += got;
      if (!request.body_file.valid()) {
        request.body.append(chunk.data(), got);
      } else if (!WriteAll(request.body_file.get(), chunk.data(), got)) {
        exchange.error = "writing upload temp file: " + ErrnoText(errno);
        exchange.outcome = ReadOutcome::kServerError;
        co_return false;
      }
    }
    if (read_error && !IsHttpError(read_error, beast_http::error::need_buffer)) {
      exchange.outcome = ClassifyReadError(read_error);
      co_return false;
    }
  }
  if (request.body_file.valid() && ::lseek(request.body_file.get(), 0, SEEK_SET) != 0) {
    exchange.error = "rewinding upload temp file: " + ErrnoText(errno);
    exchange.outcome = ReadOutcome::kServerError;
    co_return false;
  }
  co_return true;
}

}  // namespace apkd::http
