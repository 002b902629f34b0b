// The HTTP server over raw sockets, for what curl cannot express: several requests on one
// socket, exact header bytes, header limits, truncated and trickled requests, resets mid-download,
// deadlines, connection caps and graceful shutdown.
#include <chrono>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "http_test_util.h"

namespace apkd::http::testing {
namespace {

using std::chrono::milliseconds;

class HttpEdgeTest : public HttpServerFixture {};

// True when a fresh connection still gets a normal answer.
bool ServerAnswers(uint16_t port) {
  RawClient client(port);
  if (!client.connected() || !client.Send(MakeRequest("GET", "/echo/ping"))) {
    return false;
  }
  const auto response = client.ReadResponse();
  return response && response->status == 200;
}

TEST_F(HttpEdgeTest, KeepAliveServesSeveralRequestsOnOneSocket) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo/1")));
  auto first = client.ReadResponse();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->headers.Get("Connection"), "keep-alive");
  EXPECT_NE(first->body.find("path=/echo/1\n"), std::string::npos);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/blob")));
  auto second = client.ReadResponse();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, service_.blob());
  // Pipelined: two requests in one write, answered in order.
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo/a") + MakeRequest("HEAD", "/file")));
  auto third = client.ReadResponse();
  auto fourth = client.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(third && fourth);
  EXPECT_NE(third->body.find("path=/echo/a\n"), std::string::npos);
  EXPECT_EQ(fourth->headers.Get("Content-Length"), std::to_string(TestService::kFileSize));
}

TEST_F(HttpEdgeTest, HeadAndGetHeadersAreIdentical) {
  StartServer();
  for (const char* path : {"/blob", "/file"}) {
    RawClient client(port_);
    ASSERT_TRUE(client.Send(MakeRequest("HEAD", path)));
    auto head = client.ReadResponse(true);
    ASSERT_TRUE(client.Send(MakeRequest("GET", path)));
    auto get = client.ReadResponse();
    ASSERT_TRUE(head && get);
    HeaderMap head_fields = head->headers;
    HeaderMap get_fields = get->headers;
    head_fields.Remove("Date");
    get_fields.Remove("Date");
    EXPECT_EQ(head_fields, get_fields) << path;
    EXPECT_TRUE(head->headers.Has("ETag"));
  }
}

// GETs `range` of `path` on `client` and checks status, Content-Range and the exact bytes.
void ExpectRange(RawClient& client, const char* path, const std::string& bytes,
                 const std::string& range, size_t first, size_t length) {
  ASSERT_TRUE(client.Send(MakeRequest("GET", path, "Range: " + range + "\r\n")));
  const auto response = client.ReadResponse();
  ASSERT_TRUE(response) << path << " " << range;
  EXPECT_EQ(response->status, 206) << path << " " << range;
  EXPECT_EQ(response->headers.Get("Content-Range"), "bytes " + std::to_string(first) + "-" +
                                                        std::to_string(first + length - 1) + "/" +
                                                        std::to_string(bytes.size()));
  EXPECT_TRUE(response->body == bytes.substr(first, length)) << path << " " << range;
}

TEST_F(HttpEdgeTest, RangesAreByteExactForFilesAndBlobs) {
  StartServer();
  RawClient client(port_);
  for (const auto& [path, bytes] :
       {std::pair{"/file", &service_.file_bytes()}, std::pair{"/blob", &service_.blob()}}) {
    const size_t total = bytes->size();
    ExpectRange(client, path, *bytes, "bytes=12345-", 12345, total - 12345);
    ExpectRange(client, path, *bytes, "bytes=100-163", 100, 64);
    ExpectRange(client, path, *bytes, "bytes=-7", total - 7, 7);

    const std::string past_end = "Range: bytes=" + std::to_string(total) + "-\r\n";
    ASSERT_TRUE(client.Send(MakeRequest("GET", path, past_end)));
    auto unsatisfiable = client.ReadResponse();
    ASSERT_TRUE(unsatisfiable);
    EXPECT_EQ(unsatisfiable->status, 416);
    EXPECT_EQ(unsatisfiable->headers.Get("Content-Range"), "bytes */" + std::to_string(total));
    EXPECT_EQ(unsatisfiable->headers.Get("Connection"), "keep-alive");
  }
}

TEST_F(HttpEdgeTest, NotModifiedViaEtagAndDate) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/file", "If-None-Match: W/\"x\", \"file-v1\"\r\n")));
  auto by_etag = client.ReadResponse();
  ASSERT_TRUE(by_etag);
  EXPECT_EQ(by_etag->status, 304);
  EXPECT_EQ(by_etag->headers.Get("ETag"), "\"file-v1\"");
  EXPECT_EQ(by_etag->body, "");
  // apk-tools send If-Modified-Since with the cached file's mtime (apk-protocol.md §5.5).
  ASSERT_TRUE(client.Send(
      MakeRequest("GET", "/blob", "If-Modified-Since: Wed, 15 Nov 2023 00:00:00 GMT\r\n")));
  auto by_date = client.ReadResponse();
  ASSERT_TRUE(by_date);
  EXPECT_EQ(by_date->status, 304);
  // The connection is still usable after bodiless responses.
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo/after")));
  auto after = client.ReadResponse();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpEdgeTest, HeaderLimits) {
  StartServer();
  {
    RawClient client(port_);
    const std::string field = "Authorization: Basic " + std::string(size_t{16} << 10, 'A') + "\r\n";
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo/" + std::string(3000, 'p'), field)));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  }
  {
    RawClient client(port_);
    const std::string field = "X-Big: " + std::string(size_t{20} << 10, 'B') + "\r\n";
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo", field)));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
    EXPECT_EQ(response->headers.Get("Connection"), "close");
    EXPECT_TRUE(client.WaitForClose(milliseconds(3000)));
  }
  EXPECT_TRUE(ServerAnswers(port_));
}

TEST_F(HttpEdgeTest, MalformedRequestsGet400AndClose) {
  StartServer();
  for (const char* bad :
       {"GARBAGE\r\n\r\n", "GET /echo HTTP/9.9\r\n\r\n", "GET /echo HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET echo HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    RawClient client(port_);
    ASSERT_TRUE(client.Send(bad));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response) << bad;
    EXPECT_EQ(response->status, 400) << bad;
    EXPECT_EQ(response->headers.Get("Connection"), "close");
    EXPECT_TRUE(client.WaitForClose(milliseconds(3000)));
  }
}

TEST_F(HttpEdgeTest, BodyOverTheLimitGets413WithoutReadingIt) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/echo", "Content-Length: 2000000\r\n")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->headers.Get("Connection"), "close");
}

TEST_F(HttpEdgeTest, EarlyAnswerFromOnHeaders) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/early-401")));
  auto no_body = client.ReadResponse();
  ASSERT_TRUE(no_body);
  EXPECT_EQ(no_body->status, 401);
  EXPECT_EQ(no_body->headers.Get("Connection"), "keep-alive");  // nothing left unread
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/early-401", "Content-Length: 5000000\r\n")));
  auto with_body = client.ReadResponse();
  ASSERT_TRUE(with_body);
  EXPECT_EQ(with_body->status, 401);
  EXPECT_EQ(with_body->headers.Get("Connection"), "close");
}

TEST_F(HttpEdgeTest, HandlerExceptionIs500AndTheConnectionLives) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/throw")));
  auto thrown = client.ReadResponse();
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 500);
  EXPECT_EQ(thrown->body.find("boom"), std::string::npos);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo")));
  auto next = client.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpEdgeTest, Http10WithoutKeepAliveCloses) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send("GET /echo HTTP/1.0\r\n\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->headers.Get("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(milliseconds(3000)));
}

}  // namespace
}  // namespace apkd::http::testing
