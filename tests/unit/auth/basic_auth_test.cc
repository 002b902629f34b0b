#include "auth/basic_auth.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "util/encoding.h"

namespace apkd::auth {
namespace {

std::string BasicHeader(std::string_view user_colon_password) {
  return "Basic " + Base64Encode(user_colon_password);
}

struct GoodCase {
  std::string header;
  AuthScheme scheme;
  std::string user;
  std::string secret;
};

TEST(BasicAuthTest, AcceptedHeaders) {
  const std::string token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  const GoodCase cases[] = {
      {BasicHeader("user:secret"), AuthScheme::kBasic, "user", "secret"},
      {"Basic dXNlcjpzZWNyZXQ=", AuthScheme::kBasic, "user", "secret"},
      {"basic " + Base64Encode("user:" + token), AuthScheme::kBasic, "user", token},
      {"BASIC " + Base64Encode("_token:" + token), AuthScheme::kBasic, "_token", token},
      {"  Basic \t " + Base64Encode("u:p") + "  ", AuthScheme::kBasic, "u", "p"},
      {BasicHeader(":" + token), AuthScheme::kBasic, "", token},         // empty user
      {BasicHeader("user:a:b:c"), AuthScheme::kBasic, "user", "a:b:c"},  // first ':' splits
      {BasicHeader("user:"), AuthScheme::kBasic, "user", ""},
      {BasicHeader(":"), AuthScheme::kBasic, "", ""},
      {BasicHeader("us\xc3\xa9r:p\xc3\xa4ss"), AuthScheme::kBasic, "us\xc3\xa9r", "p\xc3\xa4ss"},
      {"Bearer " + token, AuthScheme::kBearer, "", token},
      {"bearer abc", AuthScheme::kBearer, "", "abc"},
      {"BEARER  a-b_c.d~e+f/g==", AuthScheme::kBearer, "", "a-b_c.d~e+f/g=="},
  };
  for (const GoodCase& c : cases) {
    auto parsed = ParseAuthorizationHeader(c.header);
    ASSERT_TRUE(parsed.ok()) << c.header << ": " << parsed.error().message();
    EXPECT_EQ(parsed->scheme, c.scheme) << c.header;
    EXPECT_EQ(parsed->user, c.user) << c.header;
    EXPECT_EQ(parsed->secret, c.secret) << c.header;
  }
}

TEST(BasicAuthTest, RefusedHeaders) {
  const std::string secret = "s3cr3t-token-value";
  const std::string refused[] = {
      "",
      "   ",
      "Basic",
      "Basic ",
      "BasicdXNlcjpzZWNyZXQ=",
      "Digest username=\"u\"",
      "Negotiate abc",
      "Basic dXNlcjpzZWNyZXQ",    // padding missing
      "Basic dXNlcjpzZWNyZXQ=x",  // data after padding
      "Basic !!!!",
      "Basic dXNl cjpzZWNyZXQ=",  // two values
      BasicHeader("user-without-colon-" + secret),
      BasicHeader("user:" + secret + "\n"),
      BasicHeader(std::string("user\0x:", 7) + secret),
      BasicHeader("user:\x7f" + secret),
      "Bearer",
      "Bearer ",
      "Bearer a b",
      "Bearer =abc",
      "Bearer a=b",
      "Bearer " + secret + ",x",
      "Basic " + std::string(17 * 1024, 'A'),
  };
  for (const std::string& header : refused) {
    auto parsed = ParseAuthorizationHeader(header);
    ASSERT_FALSE(parsed.ok()) << header;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kUnauthenticated) << header;
    EXPECT_EQ(parsed.error().message().find(secret), std::string::npos) << parsed.error().message();
    if (header.size() > 12) {
      EXPECT_EQ(parsed.error().message().find(header.substr(6)), std::string::npos)
          << parsed.error().message();
    }
  }
}

}  // namespace
}  // namespace apkd::auth
