#include "http/response_plan.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace apkd::http {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr std::chrono::sys_seconds kModified{std::chrono::seconds(784111777)};

HeaderMap Headers(std::initializer_list<std::pair<std::string, std::string>> fields) {
  HeaderMap headers;
  for (const auto& [name, value] : fields) {
    headers.Add(name, value);
  }
  return headers;
}

// A cacheable entity: ten bytes with an ETag and a Last-Modified.
Response Entity() {
  Response response = Response::Text(status::kOk, "0123456789");
  response.etag = "\"e1\"";
  response.last_modified = kModified;
  return response;
}

bool HasLine(const std::string& head, std::string_view line) {
  return head.find("\r\n" + std::string(line) + "\r\n") != std::string::npos;
}

TEST(PlanResponseTest, SerialisesFramingFields) {
  const ResponsePlan plan =
      PlanResponse("GET", HeaderMap(), Response::Text(status::kOk, "hello"), true, kDate);
  EXPECT_EQ(plan.status, 200);
  EXPECT_TRUE(plan.head.starts_with("HTTP/1.1 200 OK\r\nDate: " + std::string(kDate) + "\r\n"));
  EXPECT_TRUE(plan.head.ends_with("\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_TRUE(HasLine(plan.head, "Content-Length: 5"));
  EXPECT_TRUE(HasLine(plan.head, "Content-Type: text/plain; charset=utf-8"));
  EXPECT_EQ(plan.head.find("Accept-Ranges"), std::string::npos);  // no validators
  EXPECT_TRUE(plan.send_body);
  EXPECT_EQ(plan.body_length, 5U);
  EXPECT_EQ(std::get<std::string>(plan.body), "hello");

  const ResponsePlan closing =
      PlanResponse("GET", HeaderMap(), Response::Text(status::kOk, "x"), false, kDate);
  EXPECT_TRUE(closing.head.ends_with("\r\nConnection: close\r\n\r\n"));
}

TEST(PlanResponseTest, HeadHasExactlyTheGetHeaders) {
  const ResponsePlan get = PlanResponse("GET", HeaderMap(), Entity(), true, kDate);
  const ResponsePlan head = PlanResponse("HEAD", HeaderMap(), Entity(), true, kDate);
  EXPECT_EQ(head.head, get.head);
  EXPECT_TRUE(HasLine(head.head, "Content-Length: 10"));
  EXPECT_TRUE(HasLine(head.head, "ETag: \"e1\""));
  EXPECT_TRUE(HasLine(head.head, "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT"));
  EXPECT_TRUE(HasLine(head.head, "Accept-Ranges: bytes"));
  EXPECT_FALSE(head.send_body);
  EXPECT_EQ(head.body_length, 0U);
}

TEST(PlanResponseTest, DropsServerOwnedAndUnsafeFields) {
  Response response = Response::Text(status::kOk, "abc");
  response.headers.Add("Content-Length", "999");
  response.headers.Add("Content-Encoding", "gzip");
  response.headers.Add("Transfer-Encoding", "chunked");
  response.headers.Add("connection", "close");
  response.headers.Add("X-Split", "a\r\nSet-Cookie: evil=1");
  response.headers.Add("Bad Name", "x");
  response.headers.Add("X-Fine", "yes");
  const ResponsePlan plan = PlanResponse("GET", HeaderMap(), std::move(response), true, kDate);
  EXPECT_TRUE(HasLine(plan.head, "Content-Length: 3"));
  EXPECT_EQ(plan.head.find("999"), std::string::npos);
  EXPECT_EQ(plan.head.find("Content-Encoding"), std::string::npos);
  EXPECT_EQ(plan.head.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(plan.head.find("evil"), std::string::npos);
  EXPECT_EQ(plan.head.find("Bad Name"), std::string::npos);
  EXPECT_TRUE(HasLine(plan.head, "X-Fine: yes"));
  EXPECT_TRUE(HasLine(plan.head, "Connection: keep-alive"));
}

TEST(PlanResponseTest, ValidatorHeadersAreNormalised) {
  Response response = Response::Text(status::kOk, "abc");
  response.headers.Add("Last-Modified", "2024-01-01T00:00:00Z");  // would break apk-tools
  const ResponsePlan bad = PlanResponse("GET", HeaderMap(), std::move(response), true, kDate);
  EXPECT_EQ(bad.head.find("Last-Modified"), std::string::npos);

  response = Response::Text(status::kOk, "abc");
  response.headers.Add("Last-Modified", "Sunday, 06-Nov-94 08:49:37 GMT");
  response.headers.Add("ETag", "\"h\"");
  const ResponsePlan good = PlanResponse("GET", HeaderMap(), std::move(response), true, kDate);
  EXPECT_TRUE(HasLine(good.head, "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT"));
  EXPECT_TRUE(HasLine(good.head, "ETag: \"h\""));
}

TEST(PlanResponseTest, NotModified) {
  for (const std::string_view method : {"GET", "HEAD"}) {
    const ResponsePlan plan =
        PlanResponse(method, Headers({{"If-None-Match", "\"e1\""}}), Entity(), true, kDate);
    EXPECT_EQ(plan.status, 304) << method;
    EXPECT_TRUE(plan.head.starts_with("HTTP/1.1 304 Not Modified\r\n"));
    EXPECT_TRUE(HasLine(plan.head, "ETag: \"e1\""));
    EXPECT_TRUE(HasLine(plan.head, "Connection: keep-alive"));
    EXPECT_EQ(plan.head.find("Content-Length"), std::string::npos);
    EXPECT_EQ(plan.head.find("Content-Type"), std::string::npos);
    EXPECT_FALSE(plan.send_body);
  }
  const ResponsePlan by_date = PlanResponse(
      "GET", Headers({{"If-Modified-Since", std::string(kDate)}}), Entity(), true, kDate);
  EXPECT_EQ(by_date.status, 304);
}

TEST(PlanResponseTest, ConditionalsOnlyForGetAndHeadOf200) {
  const HeaderMap inm = Headers({{"If-None-Match", "\"e1\""}});
  EXPECT_EQ(PlanResponse("POST", inm, Entity(), true, kDate).status, 200);
  Response missing = Entity();
  missing.status = status::kNotFound;
  EXPECT_EQ(PlanResponse("GET", inm, std::move(missing), true, kDate).status, 404);
}

TEST(PlanResponseTest, RangeOnStringBody) {
  const ResponsePlan plan =
      PlanResponse("GET", Headers({{"Range", "bytes=2-4"}}), Entity(), true, kDate);
  EXPECT_EQ(plan.status, 206);
  EXPECT_TRUE(plan.head.starts_with("HTTP/1.1 206 Partial Content\r\n"));
  EXPECT_TRUE(HasLine(plan.head, "Content-Range: bytes 2-4/10"));
  EXPECT_TRUE(HasLine(plan.head, "Content-Length: 3"));
  EXPECT_EQ(std::get<std::string>(plan.body), "234");
}

TEST(PlanResponseTest, RangeOnBlobAndFileBodies) {
  auto data = std::make_shared<const std::string>("abcdefghij");
  Response blob = Response::Blob(data, "application/octet-stream");
  blob.etag = "\"b\"";
  const ResponsePlan blob_plan =
      PlanResponse("GET", Headers({{"Range", "bytes=-3"}}), std::move(blob), true, kDate);
  ASSERT_EQ(blob_plan.status, 206);
  const auto& sliced = std::get<BlobBody>(blob_plan.body);
  EXPECT_EQ(sliced.data, data);  // shared, not copied
  EXPECT_EQ(sliced.offset, 7U);
  EXPECT_EQ(sliced.length, 3U);

  Response file = Response::File(FileBody{.fd = UniqueFd(), .offset = 100, .length = 50},
                                 "application/octet-stream");
  file.last_modified = kModified;
  const ResponsePlan file_plan =
      PlanResponse("GET", Headers({{"Range", "bytes=10-"}}), std::move(file), true, kDate);
  ASSERT_EQ(file_plan.status, 206);
  EXPECT_TRUE(HasLine(file_plan.head, "Content-Range: bytes 10-49/50"));
  const auto& part = std::get<FileBody>(file_plan.body);
  EXPECT_EQ(part.offset, 110U);
  EXPECT_EQ(part.length, 40U);
}

TEST(PlanResponseTest, UnsatisfiableRange) {
  const ResponsePlan plan =
      PlanResponse("GET", Headers({{"Range", "bytes=10-"}}), Entity(), true, kDate);
  EXPECT_EQ(plan.status, 416);
  EXPECT_TRUE(HasLine(plan.head, "Content-Range: bytes */10"));
  EXPECT_TRUE(HasLine(plan.head, "Content-Length: 0"));
  EXPECT_TRUE(HasLine(plan.head, "Connection: keep-alive"));
  EXPECT_FALSE(plan.send_body);
}

TEST(PlanResponseTest, RangeIgnoredWhenItMustBe) {
  const HeaderMap range = Headers({{"Range", "bytes=0-1"}});
  // HEAD: RFC 9110 defines Range for GET only; HEAD mirrors the plain GET.
  EXPECT_EQ(PlanResponse("HEAD", range, Entity(), true, kDate).status, 200);
  // No validators: a dynamic response is not range-addressable.
  EXPECT_EQ(PlanResponse("GET", range, Response::Text(200, "0123"), true, kDate).status, 200);
  // If-Range naming another version.
  const HeaderMap stale = Headers({{"Range", "bytes=0-1"}, {"If-Range", "\"old\""}});
  const ResponsePlan full = PlanResponse("GET", stale, Entity(), true, kDate);
  EXPECT_EQ(full.status, 200);
  EXPECT_TRUE(HasLine(full.head, "Content-Length: 10"));
  const HeaderMap fresh = Headers({{"Range", "bytes=0-1"}, {"If-Range", "\"e1\""}});
  EXPECT_EQ(PlanResponse("GET", fresh, Entity(), true, kDate).status, 206);
  // Several ranges: the whole representation.
  EXPECT_EQ(
      PlanResponse("GET", Headers({{"Range", "bytes=0-1,4-5"}}), Entity(), true, kDate).status,
      200);
}

TEST(PlanResponseTest, BodilessStatusesAndBadStatus) {
  const ResponsePlan no_content =
      PlanResponse("DELETE", HeaderMap(), Response::Empty(status::kNoContent), true, kDate);
  EXPECT_EQ(no_content.head.find("Content-Length"), std::string::npos);
  EXPECT_FALSE(no_content.send_body);

  const ResponsePlan empty =
      PlanResponse("GET", HeaderMap(), Response::Empty(status::kNotFound), true, kDate);
  EXPECT_TRUE(HasLine(empty.head, "Content-Length: 0"));
  EXPECT_FALSE(empty.send_body);

  const ResponsePlan bad = PlanResponse("GET", HeaderMap(), Response::Empty(99), true, kDate);
  EXPECT_EQ(bad.status, 500);
  const ResponsePlan interim = PlanResponse("GET", HeaderMap(), Response::Empty(100), true, kDate);
  EXPECT_EQ(interim.status, 500);  // no 1xx, ever (apk-protocol.md §5.6)
}

}  // namespace
}  // namespace apkd::http
