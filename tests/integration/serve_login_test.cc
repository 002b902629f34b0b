// Users and password login through the real apkd, checked with curl: users are created by the
// owner, log in for a session token and a refresh token, get exactly what their role bindings
// grant, cannot open anything with the refresh token, and password guessing is slowed down
// (LoginThrottle): the 20th wrong password in a row is answered seconds later than the first.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "support/apkd_process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::Curl;
using testing::CurlBasicAuth;
using testing::JsonField;
using testing::ShellQuote;
using Clock = std::chrono::steady_clock;

constexpr char kPassword[] = "a long enough passphrase";

class ServeLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 15 free failures, then 0.25 s doubling: the 20th failure waits 4 s, all 20 about 8 s.
    ASSERT_TRUE(server_.Start(dir_.File("data"), {"--login-free-failures", "15"}));
    owner_ = server_.secret();
    ASSERT_FALSE(owner_.empty());
  }
  std::string Url(const std::string& path) const { return ShellQuote(server_.base() + path); }
  testing::HttpResult Post(const std::string& path, const std::string& body,
                           const std::string& credentials = "") const {
    return Curl((credentials.empty() ? "" : CurlBasicAuth(credentials) + " ") + "-X POST -d " +
                ShellQuote(body) + " " + Url(path));
  }
  testing::HttpResult Login(const std::string& user, const std::string& password) const {
    return Post("/api/v1/auth/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  testing::TempDir dir_;
  ApkdProcess server_;
  std::string owner_;
};

TEST_F(ServeLoginTest, UsersLogInAndGetWhatTheirBindingsGrant) {
  ASSERT_EQ(Post("/api/v1/orgs", R"({"name":"acme"})", owner_).status, 201);
  auto created =
      Post("/api/v1/users", "{\"name\":\"alice\",\"password\":\"" + std::string(kPassword) + "\"}",
           owner_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find(kPassword), std::string::npos);
  const std::string alice = JsonField(created.body, "id");
  EXPECT_EQ(Post("/api/v1/users",
                 "{\"name\":\"alice\",\"password\":\"" + std::string(kPassword) + "\"}", owner_)
                .status,
            409);
  auto weak = Post("/api/v1/users", R"({"name":"bob","password":"short"})", owner_);
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.body.find("short"), std::string::npos) << "the password is never quoted";
  EXPECT_EQ(Post("/api/v1/users", R"({"name":"eve","password":"another long one!"})", "x").status,
            401);

  auto login = Login("alice", kPassword);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string session = JsonField(login.body, "token");
  const std::string refresh = JsonField(login.body, "refresh_token");
  ASSERT_FALSE(session.empty());
  ASSERT_FALSE(refresh.empty());
  const std::string index = "/acme/x86_64/APKINDEX.tar.gz";
  EXPECT_EQ(Curl(CurlBasicAuth(session) + " -o /dev/null " + Url(index)).status, 403)
      << "no binding yet";
  ASSERT_EQ(Post("/api/v1/orgs/acme/role-bindings",
                 "{\"identity\":\"" + alice + "\",\"role\":\"viewer\"}", owner_)
                .status,
            201);
  EXPECT_EQ(Curl(CurlBasicAuth(session) + " -o /dev/null " + Url(index)).status, 200);
  // The refresh token opens nothing, but buys a new session token.
  EXPECT_EQ(Curl(CurlBasicAuth(refresh) + " -o /dev/null " + Url(index)).status, 401);
  auto renewed = Post("/api/v1/auth/token", "{}", refresh);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(
      Curl(CurlBasicAuth(JsonField(renewed.body, "token")) + " -o /dev/null " + Url(index)).status,
      200);
  // An unknown user and a wrong password look the same.
  auto wrong = Login("alice", "not the passphrase");
  auto unknown = Login("nobody", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  // Deleting the user ends its session and refresh tokens on the next request.
  ASSERT_EQ(Curl(CurlBasicAuth(owner_) + " -X DELETE " + Url("/api/v1/users/" + alice)).status,
            204);
  EXPECT_EQ(Curl(CurlBasicAuth(session) + " -o /dev/null " + Url(index)).status, 401);
  EXPECT_EQ(Post("/api/v1/auth/token", "{}", refresh).status, 401);
}

TEST_F(ServeLoginTest, PasswordGuessingIsSlowedDown) {
  ASSERT_EQ(Post("/api/v1/users",
                 "{\"name\":\"carol\",\"password\":\"" + std::string(kPassword) + "\"}", owner_)
                .status,
            201);
  std::chrono::milliseconds first{0};
  std::chrono::milliseconds last{0};
  const Clock::time_point begin = Clock::now();
  for (int attempt = 1; attempt <= 20; ++attempt) {
    const Clock::time_point start = Clock::now();
    auto r = Login("carol", "guess number " + std::to_string(attempt));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    ASSERT_EQ(r.status, 401) << "attempt " << attempt << ": " << r.body;
    (attempt == 1 ? first : last) = took;
  }
  EXPECT_GE(last - first, std::chrono::milliseconds(3500))
      << "first " << first.count() << " ms, 20th " << last.count() << " ms";
  EXPECT_LT(Clock::now() - begin, std::chrono::seconds(60)) << "bounded";
  // While a failure's answer is held back its window is closed: another attempt, even with the
  // right password and on another connection, is refused at once with 429 and Retry-After.
  const std::string guess = "{\"username\":\"carol\",\"password\":\"one more guess\"}";
  const std::string right =
      "{\"username\":\"carol\",\"password\":\"" + std::string(kPassword) + "\"}";
  auto closed =
      testing::RunCommand("curl -s -o /dev/null -X POST -d " + ShellQuote(guess) + " " +
                          Url("/api/v1/auth/login") + " & sleep 1.5; curl -s -i -X POST -d " +
                          ShellQuote(right) + " " + Url("/api/v1/auth/login") + "; wait");
  EXPECT_NE(closed.output.find("HTTP/1.1 429"), std::string::npos) << closed.output;
  EXPECT_NE(closed.output.find("Retry-After: "), std::string::npos) << closed.output;
  EXPECT_EQ(closed.output.find("\"token\""), std::string::npos) << closed.output;
}

}  // namespace
}  // namespace apkd
