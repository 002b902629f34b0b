// apkctl's API client against the real HTTP server on 127.0.0.1: bearer tokens, JSON bodies,
// streamed uploads with progress, and HTTP errors mapped to error codes with the server's reason.
#include "cli/api_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "crypto/digest.h"
#include "http/server.h"
#include "support/temp_dir.h"
#include "util/encoding.h"

namespace apkd::cli {
namespace {

class UploadHandler : public http::Handler {
 public:
  std::optional<http::Response> OnHeaders(const http::Request& head,
                                          http::BodyPolicy& policy) override {
    if (head.path == "/upload") {
      policy.limit = 64 * 1024 * 1024;
    }
    return std::nullopt;
  }

  http::Response Handle(const http::Request& request) override {
    const auto auth = request.headers.Get("Authorization");
    if (!auth || *auth != "Bearer secret-token") {
      return http::Response::Text(401, "missing or wrong token");
    }
    if (request.path == "/forbidden") {
      return http::Response::Text(403, "caller does not have the required capabilities");
    }
    if (request.path == "/conflict") {
      return http::Response::Text(409, "other bytes already published");
    }
    if (request.path == "/upload") {
      // Echo the SHA-256 of what arrived, so the test can compare it with the file.
      return http::Response::Text(200, HexEncode(crypto::Sha256(request.body)));
    }
    return http::Response::Json(200, "{\"method\":\"" + request.method + "\",\"body\":\"" +
                                          request.body + "\"}");
  }
};

class ApiClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_.port());
  }

  http::Server server_{http::ServerOptions{}, std::make_shared<UploadHandler>()};
  std::string base_;
};

TEST_F(ApiClientTest, SendsBearerTokenAndJson) {
  ApiClient client({.server = base_ + "/", .token = "secret-token", .timeout_seconds = 10});
  auto get = RequireSuccess(client.Get("/things"));
  ASSERT_TRUE(get.ok()) << get.error().message();
  EXPECT_EQ(get->body, "{\"method\":\"GET\",\"body\":\"\"}");
  EXPECT_NE(get->content_type.find("application/json"), std::string::npos);
  auto post = RequireSuccess(client.Post("/things", "{}"));
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->body, "{\"method\":\"POST\",\"body\":\"{}\"}");
  auto del = RequireSuccess(client.Delete("/things/1"));
  ASSERT_TRUE(del.ok());
  EXPECT_NE(del->body.find("DELETE"), std::string::npos);
}

TEST_F(ApiClientTest, MapsStatusesToErrorsWithTheServersReason) {
  ApiClient anonymous({.server = base_, .token = "", .timeout_seconds = 10});
  auto unauthenticated = RequireSuccess(anonymous.Get("/things"));
  ASSERT_FALSE(unauthenticated.ok());
  EXPECT_EQ(unauthenticated.error().code(), ErrorCode::kUnauthenticated);
  ApiClient client({.server = base_, .token = "secret-token", .timeout_seconds = 10});
  auto forbidden = RequireSuccess(client.Get("/forbidden"));
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(forbidden.error().message().find("required capabilities"), std::string::npos);
  auto conflict = RequireSuccess(client.Get("/conflict"));
  EXPECT_EQ(conflict.error().code(), ErrorCode::kAlreadyExists);
  // The token never appears in an error.
  EXPECT_EQ(forbidden.error().message().find("secret-token"), std::string::npos);
}

TEST_F(ApiClientTest, UploadsAFileWhole) {
  testing::TempDir dir;
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>((i * 131) % 251);
  }
  const std::string path = dir.Write("big.apk", data);
  ApiClient client({.server = base_, .token = "secret-token", .timeout_seconds = 30});
  uint64_t last_sent = 0;
  uint64_t total = 0;
  auto response = RequireSuccess(client.Upload("/upload", path, [&](uint64_t sent, uint64_t all) {
    EXPECT_GE(sent, last_sent);
    last_sent = sent;
    total = all;
  }));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, HexEncode(crypto::Sha256(data)));
  EXPECT_EQ(total, data.size());
  EXPECT_EQ(last_sent, data.size());
}

TEST_F(ApiClientTest, UnreachableServerIsUnavailable) {
  ApiClient client({.server = "http://127.0.0.1:1", .token = "t", .timeout_seconds = 5});
  auto response = client.Get("/x");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace apkd::cli
