// Connection: writing one planned response. Strings and shared blobs go out as one gather write
// of head + body (zero-copy for blobs); files as head + sendfile(2) under TCP_CORK, in bounded
// chunks with a yield every few MiB so one download cannot starve the loop's other connections.
#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/connection.h"

namespace apkd::http {
namespace {

namespace asio = boost::asio;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr uint64_t kSendfileChunk = uint64_t{1} << 20;  // 1 MiB per sendfile call
constexpr uint64_t kYieldEvery = uint64_t{4} << 20;     // let other connections run every 4 MiB
constexpr size_t kCopyChunk = 64 * kKiB;

}  // namespace

void Connection::SetCork(bool on) {
  if (!socket_.is_open()) {
    return;
  }
  const int value = on ? 1 : 0;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

asio::awaitable<bool> Connection::WriteBuffers(std::array<asio::const_buffer, 2> buffers,
                                               uint64_t& written) {
  while (buffers[0].size() + buffers[1].size() > 0) {
    auto [write_error, n] = co_await socket_.async_write_some(buffers, kUseTuple);
    if (write_error) {
      co_return false;
    }
    written += n;
    ArmDeadline(context_.options.send_timeout);
    const size_t from_first = std::min(n, buffers[0].size());
    buffers[0] += from_first;
    buffers[1] += n - from_first;
  }
  co_return true;
}

asio::awaitable<Connection::WriteResult> Connection::WritePlan(ResponsePlan& plan) {
  WriteResult result;
  const asio::const_buffer head = asio::buffer(plan.head);
  uint64_t written = 0;
  asio::const_buffer body;
  if (plan.send_body) {
    if (const auto* text = std::get_if<std::string>(&plan.body)) {
      body = asio::buffer(*text);
    } else if (const auto* blob = std::get_if<BlobBody>(&plan.body)) {
      if (plan.body_length > 0) {  // body_length is clipped to the buffer (BodySize)
        body = asio::const_buffer(blob->data->data() + blob->offset,
                                  static_cast<size_t>(plan.body_length));
      }
    } else {
      SetCork(true);
      result.ok = co_await WriteBuffers({head, asio::const_buffer()}, written) &&
                  co_await SendFile(std::get<FileBody>(plan.body), result.body_bytes, result.error);
      SetCork(false);
      if (!result.ok && result.error.empty()) {
        result.error = "client went away during the response";
      }
      co_return result;
    }
  }
  result.ok = co_await WriteBuffers({head, body}, written);
  result.body_bytes = written > head.size() ? written - head.size() : 0;
  if (!result.ok) {
    result.error = "client went away during the response";
  }
  co_return result;
}

asio::awaitable<bool> Connection::SendFile(const FileBody& file, uint64_t& written,
                                           std::string& error) {
  boost::system::error_code ignored;
  socket_.native_non_blocking(true, ignored);
  auto offset = static_cast<off_t>(file.offset);
  uint64_t remaining = file.length;
  uint64_t since_yield = 0;
  while (remaining > 0) {
    if (!socket_.is_open()) {
      error = "connection closed during sendfile";
      co_return false;
    }
    const auto chunk = static_cast<size_t>(std::min(remaining, kSendfileChunk));
    const ssize_t n = ::sendfile(socket_.native_handle(), file.fd.get(), &offset, chunk);
    if (n > 0) {
      const auto sent = static_cast<uint64_t>(n);
      remaining -= sent;
      written += sent;
      since_yield += sent;
      ArmDeadline(context_.options.send_timeout);
      if (since_yield >= kYieldEvery) {
        since_yield = 0;
        co_await asio::post(socket_.get_executor(), asio::use_awaitable);
      }
      continue;
    }
    if (n == 0) {
      error = "file shorter than its announced length";  // framing is broken: must close
      co_return false;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN) {
      auto [wait_error] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, kUseTuple);
      if (wait_error) {
        error = "client went away during sendfile";
        co_return false;
      }
      continue;
    }
    if ((errno == EINVAL || errno == ENOSYS) && written == 0) {
      co_return co_await CopyFile(file, file.offset, written, error);  // no sendfile support
    }
    error = "sendfile: " + std::generic_category().message(errno);
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Connection::CopyFile(const FileBody& file, uint64_t offset, uint64_t& written,
                                           std::string& error) {
  std::vector<char> chunk(kCopyChunk);
  uint64_t remaining = file.length;
  while (remaining > 0) {
    const auto want = static_cast<size_t>(std::min<uint64_t>(remaining, chunk.size()));
    const ssize_t n = ::pread(file.fd.get(), chunk.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      error = n == 0 ? "file shorter than its announced length"
                     : "pread: " + std::generic_category().message(errno);
      co_return false;
    }
    const auto got = static_cast<uint64_t>(n);
    uint64_t ignored = 0;
    if (!co_await WriteBuffers(
            {asio::const_buffer(chunk.data(), static_cast<size_t>(got)), asio::const_buffer()},
            ignored)) {
      error = "client went away during the response";
      co_return false;
    }
    offset += got;
    remaining -= got;
    written += got;
  }
  co_return true;
}

}  // namespace apkd::http
