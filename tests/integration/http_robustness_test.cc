// The HTTP server under hostile or unlucky clients: truncated requests, slowloris trickles,
// idle keep-alive connections, resets mid-download, connection caps, and a graceful Stop with
// requests in flight.
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http_test_util.h"

namespace apkd::http::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class HttpRobustnessTest : public HttpServerFixture {};

bool ServerAnswers(uint16_t port) {
  RawClient client(port);
  if (!client.connected() || !client.Send(MakeRequest("GET", "/echo/ping"))) {
    return false;
  }
  const auto response = client.ReadResponse();
  return response && response->status == 200;
}

TEST_F(HttpRobustnessTest, TruncatedRequestThenCloseIsHarmless) {
  StartServer();
  // libfetch writes the request line and Host, then gives up on the connection after a 401
  // (apk-protocol.md §5.2.1): no final CRLF, then close.
  for (int i = 0; i < 20; ++i) {
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /acme/x86_64/APKINDEX.tar.gz HTTP/1.1\r\nHost: x\r\n"));
  }
  // The same, but half-closed: the server must close its side promptly, not wait for more.
  RawClient half(port_);
  ASSERT_TRUE(half.Send("GET /echo HTTP/1.1\r\nHost: x\r\n"));
  half.ShutdownWrite();
  EXPECT_TRUE(half.WaitForClose(milliseconds(2000)));
  EXPECT_TRUE(ServerAnswers(port_));
}

TEST_F(HttpRobustnessTest, SlowlorisIsCutAtTheHeaderDeadline) {
  ServerOptions options = TestOptions();
  options.header_timeout = milliseconds(1000);
  StartServer(options);
  RawClient trickler(port_, milliseconds(200));
  const Clock::time_point start = Clock::now();
  ASSERT_TRUE(trickler.Send("GET /echo HTTP/1.1\r\n"));
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {
    // One header line every 200 ms keeps an inactivity timeout happy, not a whole-head deadline.
    cut = !trickler.Send("X-Trickle-" + std::to_string(i) + ": y\r\n") ||
          trickler.WaitForClose(milliseconds(200));
  }
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(cut);
  EXPECT_GE(elapsed, milliseconds(900));
  EXPECT_LT(elapsed, milliseconds(3000));
  EXPECT_TRUE(ServerAnswers(port_));
}

TEST_F(HttpRobustnessTest, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions options = TestOptions();
  options.idle_timeout = milliseconds(500);
  StartServer(options);
  RawClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(client.ReadResponse());
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(client.WaitForClose(milliseconds(3000)));
  EXPECT_GE(Clock::now() - start, milliseconds(400));
}

TEST_F(HttpRobustnessTest, ClientResetMidDownloadDoesNotKillTheServer) {
  StartServer();
  for (int i = 0; i < 5; ++i) {
    for (const char* path : {"/file", "/blob"}) {
      RawClient client(port_);
      ASSERT_TRUE(client.Send(MakeRequest("GET", path)));
      EXPECT_EQ(client.ReadSome(1000).size(), 1000U);
      client.Reset();
    }
  }
  // And a client that just stops reading and closes normally.
  {
    RawClient client(port_);
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/file") + MakeRequest("GET", "/file")));
  }
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_TRUE(ServerAnswers(port_));
  const auto records = service_.access_records();
  bool saw_incomplete = false;
  for (const AccessRecord& r : records) {
    saw_incomplete = saw_incomplete || (r.path == "/file" && !r.completed);
  }
  EXPECT_TRUE(saw_incomplete);
}

TEST_F(HttpRobustnessTest, ConnectionCapAnswers503) {
  ServerOptions options = TestOptions();
  options.max_connections = 2;
  StartServer(options);
  RawClient first(port_);
  RawClient second(port_);
  ASSERT_TRUE(first.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(second.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(first.ReadResponse());
  ASSERT_TRUE(second.ReadResponse());
  RawClient third(port_);
  auto rejected = third.ReadResponse();
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 503);
  EXPECT_EQ(server_->active_connections(), 2U);
}

TEST_F(HttpRobustnessTest, GracefulStopFinishesInFlightRequests) {
  StartServer();
  RawClient idle(port_);
  ASSERT_TRUE(idle.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(idle.ReadResponse());  // now an idle keep-alive connection

  RawClient busy(port_);
  ASSERT_TRUE(busy.Send(MakeRequest("GET", "/slow")));
  for (int i = 0; i < 200 && service_.slow_requests_started() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(service_.slow_requests_started(), 1);

  const Clock::time_point start = Clock::now();
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  auto response = busy.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "slow done\n");
  EXPECT_EQ(response->headers.Get("Connection"), "close");
  EXPECT_TRUE(idle.WaitForClose(milliseconds(2000)));
  stopped.get();
  EXPECT_LT(Clock::now() - start, milliseconds(2500));  // well inside the 3 s grace
  RawClient late(port_);
  EXPECT_FALSE(late.connected() && late.Send(MakeRequest("GET", "/echo")) && late.ReadResponse());
}

TEST_F(HttpRobustnessTest, OffloadedHandlersLeaveTheirLoopServing) {
  ServerOptions options = TestOptions();
  options.threads = 1;  // one loop: a blocking handler on it would hold every connection
  StartServer(options);
  RawClient busy(port_);
  ASSERT_TRUE(busy.Send(MakeRequest("GET", "/slow-offloaded")));
  for (int i = 0; i < 200 && service_.slow_requests_started() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(service_.slow_requests_started(), 1);
  EXPECT_TRUE(ServerAnswers(port_));
  EXPECT_EQ(service_.slow_requests_finished(), 0) << "answered while the slow handler ran";
  auto response = busy.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "slow done\n");
  // Exceptions on the pool become a 500, as on the loop, and the server goes on.
  RawClient thrower(port_);
  ASSERT_TRUE(thrower.Send(MakeRequest("GET", "/throw-offloaded")));
  auto failed = thrower.ReadResponse();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_TRUE(ServerAnswers(port_));
}

TEST_F(HttpRobustnessTest, DelayedResponsesWaitWithoutHoldingTheLoop) {
  ServerOptions options = TestOptions();
  options.threads = 1;
  StartServer(options);
  const Clock::time_point start = Clock::now();
  RawClient delayed(port_);
  ASSERT_TRUE(delayed.Send(MakeRequest("GET", "/delayed")));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(ServerAnswers(port_));
  EXPECT_LT(Clock::now() - start, milliseconds(500)) << "the other request did not wait";
  auto response = delayed.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "late\n");
  EXPECT_GE(Clock::now() - start, milliseconds(600));
}

TEST_F(HttpRobustnessTest, StopWaitsForOffloadedHandlers) {
  StartServer();
  RawClient busy(port_);
  ASSERT_TRUE(busy.Send(MakeRequest("GET", "/slow-offloaded")));
  for (int i = 0; i < 200 && service_.slow_requests_started() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(service_.slow_requests_started(), 1);
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  auto response = busy.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers.Get("Connection"), "close");
  stopped.get();
  EXPECT_EQ(service_.slow_requests_finished(), 1);
}

TEST_F(HttpRobustnessTest, StopCutsRequestsThatOutliveTheGrace) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = milliseconds(100);
  StartServer(options);
  RawClient downloader(port_);
  ASSERT_TRUE(downloader.Send(MakeRequest("GET", "/file")));
  EXPECT_EQ(downloader.ReadSome(10).size(), 10U);  // then stop reading: the send blocks
  const Clock::time_point start = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
}

}  // namespace
}  // namespace apkd::http::testing
