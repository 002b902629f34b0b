// Helpers for the HTTP server integration tests: a blocking raw-socket client that reads
// responses byte-exactly, a test service (Handler) with a shared blob, a sendfile'd file, an
// echo, an upload route and a slow route (also offloaded to the blocking pool: `/slow-offloaded`,
// `/throw-offloaded`), and a server fixture on 127.0.0.1:0.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "http/headers.h"
#include "http/server.h"
#include "support/temp_dir.h"

namespace apkd::http::testing {

// Deterministic pseudo-random bytes (so that a misplaced range cannot match by accident).
std::string PatternBytes(size_t size, uint32_t seed);

struct RawResponse {
  int status = 0;
  std::string head;  // status line and fields, without the final blank line
  HeaderMap headers;
  std::string body;
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port; reads give up after `timeout`.
  explicit RawClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view data);
  // One response; the body is read per Content-Length unless `head_request` (or 204/304).
  std::optional<RawResponse> ReadResponse(bool head_request = false);
  // Reads and discards until the peer closes (true) or the timeout passes (false).
  bool WaitForClose(std::chrono::milliseconds timeout);
  // Reads at most `size` bytes (fewer if the peer sends less before the timeout).
  std::string ReadSome(size_t size);
  void ShutdownWrite();
  // Closes with SO_LINGER 0: the peer sees a TCP reset.
  void Reset();

 private:
  bool Fill();  // one recv into buffer_; false on EOF, error or timeout
  int fd_ = -1;
  std::string buffer_;
};

// "GET /path HTTP/1.1" with Host and the given extra lines ("Name: value\r\n" each).
std::string MakeRequest(std::string_view method, std::string_view target,
                        std::string_view extra_fields = "");

struct AccessRecord {
  std::string method;
  std::string path;
  int status = 0;
  uint64_t body_bytes = 0;
  bool completed = false;
};

// The routes every test server serves.
class TestService {
 public:
  static constexpr size_t kBlobSize = size_t{300} << 10;
  static constexpr size_t kFileSize = size_t{16} << 20;  // more than socket buffers hold
  static constexpr uint64_t kUploadLimit = uint64_t{4} << 20;
  static constexpr std::string_view kBlobEtag = "\"blob-v1\"";
  static constexpr std::string_view kFileEtag = "\"file-v1\"";

  TestService();
  std::shared_ptr<Handler> handler() const { return handler_; }
  AccessLogFunction access_log();

  const std::string& blob() const { return *blob_; }
  const std::string& file_bytes() const { return file_bytes_; }
  const std::string& file_path() const { return file_path_; }
  std::vector<AccessRecord> access_records() const;
  int slow_requests_started() const { return slow_started_.load(); }
  int slow_requests_finished() const { return slow_finished_.load(); }

 private:
  class Routes;
  apkd::testing::TempDir dir_;
  std::shared_ptr<const std::string> blob_;
  std::string file_bytes_;
  std::string file_path_;
  std::shared_ptr<Handler> handler_;
  std::atomic<int> slow_started_{0};
  std::atomic<int> slow_finished_{0};
  mutable std::mutex mutex_;
  std::vector<AccessRecord> records_;  // guarded by mutex_
};

// Two loops on 127.0.0.1:0, a short shutdown grace.
ServerOptions TestOptions();

// Owns a TestService and a Server on it; the server stops in TearDown.
class HttpServerFixture : public ::testing::Test {
 protected:
  void StartServer(const ServerOptions& options = TestOptions());
  void TearDown() override;
  std::string Url(std::string_view path_and_query) const;

  TestService service_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

}  // namespace apkd::http::testing
