// PlanResponse turns a Handler's Response into exactly what goes on the wire: it applies the
// request semantics every GET/HEAD gets for free (304 via If-None-Match / If-Modified-Since,
// single Range -> 206 / 416, HEAD = GET's headers without the body) and serialises the head
// with the server-owned fields (Date, Content-Length, Connection: keep-alive|close, ETag,
// Last-Modified as IMF-fixdate, Accept-Ranges, Content-Range). Never emits Content-Encoding or
// Transfer-Encoding. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/headers.h"
#include "http/response.h"

namespace apkd::http {

struct ResponsePlan {
  int status = status::kOk;
  std::string head;          // status line, fields and the blank line
  Body body;                 // sent after the head when `send_body`; already range-sliced
  bool send_body = false;    // false for HEAD and for 204 / 304
  uint64_t body_length = 0;  // bytes that follow the head (0 when !send_body)
};

// `method` and `request_headers` may be empty for errors raised before a request was parsed.
// Range and conditional handling applies only to 200 responses to GET (Range) or GET/HEAD
// (conditionals) that carry an ETag or Last-Modified; such responses also get
// "Accept-Ranges: bytes". 204 and 304 responses carry no Content-Length (RFC 9110 §8.6).
// `date` is the preformatted Date value (callers cache it per second).
ResponsePlan PlanResponse(std::string_view method, const HeaderMap& request_headers,
                          Response response, bool keep_alive, std::string_view date);

}  // namespace apkd::http
