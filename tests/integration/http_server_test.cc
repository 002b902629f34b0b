// The HTTP server driven by curl, a client that shares no code with it: bytes, keep-alive reuse,
// HEAD vs GET, ranges, conditional requests, uploads and path decoding.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http_test_util.h"
#include "support/run_command.h"
#include "util/file_io.h"

namespace apkd::http::testing {
namespace {

using apkd::testing::CommandResult;
using apkd::testing::RunCommand;
using apkd::testing::ShellQuote;
using apkd::testing::TempDir;

class HttpCurlTest : public HttpServerFixture {
 protected:
  void SetUp() override { StartServer(); }

  // curl with a hard timeout, quiet but showing errors.
  CommandResult Curl(const std::string& args) const {
    return RunCommand("curl -sS --max-time 20 " + args);
  }

  TempDir scratch_;
};

std::string WithoutDate(const std::string& headers) {
  std::string out;
  size_t start = 0;
  while (start < headers.size()) {
    size_t end = headers.find('\n', start);
    end = end == std::string::npos ? headers.size() : end + 1;
    const std::string line = headers.substr(start, end - start);
    if (line.rfind("Date:", 0) != 0) {
      out += line;
    }
    start = end;
  }
  return out;
}

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

TEST_F(HttpCurlTest, DownloadsAreByteExact) {
  const std::string blob_out = scratch_.File("blob");
  CommandResult r = Curl("-o " + blob_out + " -w '%{http_code} %{size_download}' " + Url("/blob"));
  EXPECT_EQ(r.output, "200 " + std::to_string(TestService::kBlobSize));
  EXPECT_EQ(*ReadFile(blob_out), service_.blob());

  const std::string file_out = scratch_.File("file");
  r = Curl("-o " + file_out + " -w '%{http_code} %{size_download}' " + Url("/file"));
  EXPECT_EQ(r.output, "200 " + std::to_string(TestService::kFileSize));
  EXPECT_EQ(*ReadFile(file_out), service_.file_bytes());
}

TEST_F(HttpCurlTest, KeepAliveReusesOneConnection) {
  const CommandResult r = Curl("-o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}\\n' " +
                               Url("/blob") + " " + Url("/file") + " " + Url("/echo"));
  EXPECT_EQ(r.output, "1\n0\n0\n");
  const CommandResult headers = Curl("-D - -o /dev/null " + Url("/echo"));
  EXPECT_NE(headers.output.find("Connection: keep-alive\r\n"), std::string::npos) << headers.output;
  EXPECT_NE(headers.output.find("Content-Length: "), std::string::npos);
  EXPECT_EQ(headers.output.find("Content-Encoding"), std::string::npos);
}

TEST_F(HttpCurlTest, HeadSendsExactlyTheGetHeaders) {
  for (const char* path : {"/blob", "/file", "/missing"}) {
    const CommandResult head = Curl("-I " + Url(path));
    const CommandResult get = Curl("-D - -o /dev/null " + Url(path));
    EXPECT_EQ(WithoutDate(head.output), WithoutDate(get.output)) << path;
    EXPECT_NE(head.output.find("Date: "), std::string::npos);
  }
  const CommandResult head = Curl("-I " + Url("/file"));
  EXPECT_NE(head.output.find("ETag: \"file-v1\"\r\n"), std::string::npos);
  EXPECT_NE(head.output.find("Content-Length: " + std::to_string(TestService::kFileSize)),
            std::string::npos);
  EXPECT_NE(head.output.find("Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n"),
            std::string::npos);
}

TEST_F(HttpCurlTest, Ranges) {
  const std::string out = scratch_.File("part");
  CommandResult r = Curl("-r 1000-1999 -o " + out + " -w '%{http_code}' " + Url("/file"));
  EXPECT_EQ(r.output, "206");
  EXPECT_EQ(*ReadFile(out), service_.file_bytes().substr(1000, 1000));

  r = Curl("-r -100 -o " + out + " -w '%{http_code}' " + Url("/blob"));
  EXPECT_EQ(r.output, "206");
  EXPECT_EQ(*ReadFile(out), service_.blob().substr(TestService::kBlobSize - 100));

  r = Curl("-r 5000000- -o " + out + " -w '%{http_code}' " + Url("/file"));
  EXPECT_EQ(r.output, "206");
  EXPECT_EQ(*ReadFile(out), service_.file_bytes().substr(5000000));

  r = Curl("-r 99999999- -D - -o /dev/null " + Url("/file"));
  EXPECT_EQ(r.output.rfind("HTTP/1.1 416 ", 0), 0U) << r.output;
  EXPECT_NE(r.output.find("Content-Range: bytes */" + std::to_string(TestService::kFileSize)),
            std::string::npos);
}

TEST_F(HttpCurlTest, ConditionalRequests) {
  CommandResult r =
      Curl("-H 'If-None-Match: \"file-v1\"' -o /dev/null -w '%{http_code}' " + Url("/file"));
  EXPECT_EQ(r.output, "304");
  r = Curl("-H 'If-None-Match: \"other\"' -o /dev/null -w '%{http_code}' " + Url("/file"));
  EXPECT_EQ(r.output, "200");
  // curl -z sends If-Modified-Since.
  r = Curl("-z 'Tue, 14 Nov 2023 22:13:20 GMT' -o /dev/null -w '%{http_code}' " + Url("/blob"));
  EXPECT_EQ(r.output, "304");
  r = Curl("-z 'Tue, 14 Nov 2023 22:13:19 GMT' -o /dev/null -w '%{http_code}' " + Url("/blob"));
  EXPECT_EQ(r.output, "200");
}

TEST_F(HttpCurlTest, UploadsStreamToATempFile) {
  const std::string data = PatternBytes((size_t{3} << 20) + 17, 5);
  const std::string path = scratch_.Write("upload.bin", data);
  const std::string expected =
      "size=" + std::to_string(data.size()) + "\nfnv=" + Fnv1aHex(data) + "\n";
  CommandResult r = Curl("-H 'Expect: 100-continue' --data-binary @" + path + " " + Url("/upload"));
  EXPECT_EQ(r.output, expected);
  r = Curl("-H 'Transfer-Encoding: chunked' --data-binary @" + path + " " + Url("/upload"));
  EXPECT_EQ(r.output, expected);

  const std::string too_big = scratch_.Write("big.bin", PatternBytes(size_t{5} << 20, 3));
  r = Curl("-o /dev/null -w '%{http_code}' --data-binary @" + too_big + " " + Url("/upload"));
  EXPECT_EQ(r.output, "413");
  // The default (1 MiB) limit applies to other routes.
  r = Curl("-o /dev/null -w '%{http_code}' --data-binary @" + path + " " + Url("/echo"));
  EXPECT_EQ(r.output, "413");
}

TEST_F(HttpCurlTest, PathDecoding) {
  CommandResult r = Curl("--path-as-is " +
                         ShellQuote(Url("/echo/tilde-1.2.3%7eabc%7E/g++-1.0-r0.apk//x?q=%20+")));
  EXPECT_EQ(r.output,
            "method=GET\npath=/echo/tilde-1.2.3~abc~/g++-1.0-r0.apk/x\nquery=q=%20+\nbody=\n");
  for (const char* bad : {"/echo/a%2Fb", "/echo/../blob", "/echo/%2e%2e/blob", "/echo/a%00"}) {
    r = Curl("--path-as-is -o /dev/null -w '%{http_code}' " + ShellQuote(Url(bad)));
    EXPECT_EQ(r.output, "400") << bad;
  }
}

TEST_F(HttpCurlTest, AccessLogReportsEachExchange) {
  Curl("-o /dev/null " + Url("/blob"));
  Curl("-o /dev/null -H 'Authorization: Basic dXNlcjpzZWNyZXQ=' " + Url("/missing"));
  // The entry is reported just after the last byte is written, maybe after curl exited.
  auto records = service_.access_records();
  for (int i = 0; i < 200 && records.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    records = service_.access_records();
  }
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].method, "GET");
  EXPECT_EQ(records[0].path, "/blob");
  EXPECT_EQ(records[0].status, 200);
  EXPECT_EQ(records[0].body_bytes, TestService::kBlobSize);
  EXPECT_TRUE(records[0].completed);
  EXPECT_EQ(records[1].status, 404);
}

}  // namespace
}  // namespace apkd::http::testing
