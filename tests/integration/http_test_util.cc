#include "http_test_util.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/response.h"
#include "util/file_io.h"

namespace apkd::http::testing {

std::string PatternBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  uint64_t state = 0x9e3779b97f4a7c15ULL ^ seed;
  for (size_t i = 0; i < size; i += sizeof state) {
    state ^= state << 13;  // xorshift64, 8 bytes per step
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(bytes.data() + i, &state, std::min(sizeof state, size - i));
  }
  return bytes;
}

RawClient::RawClient(uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    return;
  }
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool RawClient::Send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawClient::Fill() {
  char chunk[size_t{64} << 10];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawClient::ReadResponse(bool head_request) {
  size_t end = 0;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) {
      return std::nullopt;
    }
  }
  RawResponse response;
  response.head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  if (response.head.size() < 12 || response.head.compare(0, 9, "HTTP/1.1 ") != 0) {
    return std::nullopt;
  }
  response.status = std::stoi(response.head.substr(9, 3));
  size_t line_start = response.head.find("\r\n");
  while (line_start != std::string::npos) {
    line_start += 2;
    const size_t line_end = response.head.find("\r\n", line_start);
    const std::string line = response.head.substr(line_start, line_end - line_start);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      const size_t value = line.find_first_not_of(' ', colon + 1);
      response.headers.Add(line.substr(0, colon),
                           value == std::string::npos ? "" : line.substr(value));
    }
    line_start = line_end;
  }
  const bool bodiless =
      head_request || response.status == 204 || response.status == 304 || response.status < 200;
  const auto length = response.headers.Get("Content-Length");
  if (bodiless || !length) {
    return response;
  }
  const size_t want = std::stoull(std::string(*length));
  while (buffer_.size() < want) {
    if (!Fill()) {
      return std::nullopt;
    }
  }
  response.body = buffer_.substr(0, want);
  buffer_.erase(0, want);
  return response;
}

bool RawClient::WaitForClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char chunk[size_t{64} << 10];
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      return true;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return true;
    }
  }
  return false;
}

std::string RawClient::ReadSome(size_t size) {
  while (buffer_.size() < size && Fill()) {
  }
  std::string out = buffer_.substr(0, size);
  buffer_.erase(0, out.size());
  return out;
}

void RawClient::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

void RawClient::Reset() {
  linger hard{};
  hard.l_onoff = 1;
  hard.l_linger = 0;
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  ::close(fd_);
  fd_ = -1;
}

std::string MakeRequest(std::string_view method, std::string_view target,
                        std::string_view extra_fields) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  request.append("Host: 127.0.0.1\r\nUser-Agent: libfetch/2.0\r\n");
  request.append(extra_fields);
  request.append("\r\n");
  return request;
}

namespace {

constexpr std::chrono::sys_seconds kModified{std::chrono::seconds(1700000000)};

std::string Fnv1aHex(std::string_view data) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : data) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::string ReadAllFd(int fd) {
  std::string data;
  char chunk[size_t{64} << 10];
  ssize_t n = 0;
  while ((n = ::read(fd, chunk, sizeof chunk)) > 0) {
    data.append(chunk, static_cast<size_t>(n));
  }
  return data;
}

}  // namespace

class TestService::Routes final : public Handler {
 public:
  explicit Routes(TestService& service) : service_(service) {}

  std::optional<Response> OnHeaders(const Request& head, BodyPolicy& policy) override {
    if (head.path == "/early-401") {
      return Response::Text(status::kUnauthorized, "who are you?\n");
    }
    if (head.path == "/upload") {
      policy.limit = kUploadLimit;
      policy.sink = BodySink::kTempFile;
    }
    policy.offload = head.path.ends_with("-offloaded");
    return std::nullopt;
  }

  Response Handle(const Request& request) override {
    if (request.path == "/blob") {
      Response response = Response::Blob(service_.blob_, "application/octet-stream");
      response.etag = std::string(kBlobEtag);
      response.last_modified = kModified;
      return response;
    }
    if (request.path == "/file") {
      auto file = OpenFileBody(service_.file_path_);
      if (!file.ok()) {
        return Response::FromError(file.error());
      }
      Response response = Response::File(std::move(file).value(), "application/gzip");
      response.etag = std::string(kFileEtag);
      response.last_modified = kModified;
      return response;
    }
    if (request.path == "/upload") {
      const std::string data = ReadAllFd(request.body_file.get());
      return Response::Text(
          status::kOk, "size=" + std::to_string(data.size()) + "\nfnv=" + Fnv1aHex(data) + "\n");
    }
    if (request.path == "/slow" || request.path == "/slow-offloaded") {
      ++service_.slow_started_;
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      ++service_.slow_finished_;
      return Response::Text(status::kOk, "slow done\n");
    }
    if (request.path == "/delayed") {
      auto response = Response::Text(status::kOk, "late\n");
      response.delay = std::chrono::milliseconds(600);
      return response;
    }
    if (request.path == "/throw" || request.path == "/throw-offloaded") {
      throw std::runtime_error("boom");
    }
    if (request.path.starts_with("/echo")) {
      return Response::Text(status::kOk, "method=" + request.method + "\npath=" + request.path +
                                             "\nquery=" + request.query + "\nbody=" + request.body +
                                             "\n");
    }
    return Response::Text(status::kNotFound, "not found\n");
  }

 private:
  TestService& service_;
};

TestService::TestService()
    : blob_(std::make_shared<const std::string>(PatternBytes(kBlobSize, 7))),
      file_bytes_(PatternBytes(kFileSize, 11)),
      file_path_(dir_.Write("file.bin", file_bytes_)),
      handler_(std::make_shared<Routes>(*this)) {}

AccessLogFunction TestService::access_log() {
  return [this](const AccessLogEntry& entry) {
    const std::lock_guard lock(mutex_);
    records_.push_back(AccessRecord{.method = std::string(entry.method),
                                    .path = std::string(entry.path),
                                    .status = entry.status,
                                    .body_bytes = entry.body_bytes,
                                    .completed = entry.completed});
  };
}

std::vector<AccessRecord> TestService::access_records() const {
  const std::lock_guard lock(mutex_);
  return records_;
}

void HttpServerFixture::StartServer(const ServerOptions& options) {
  server_ = std::make_unique<Server>(options, service_.handler(), service_.access_log());
  const Status started = server_->Start();
  ASSERT_TRUE(started.ok()) << started.error().message();
  port_ = server_->port();
  ASSERT_NE(port_, 0);
}

void HttpServerFixture::TearDown() {
  if (server_) {
    server_->Stop();
  }
}

std::string HttpServerFixture::Url(std::string_view path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.shutdown_grace = std::chrono::seconds(3);
  return options;
}

}  // namespace apkd::http::testing
