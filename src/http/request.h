// Request: one parsed HTTP/1.1 request as a plain value, free of any HTTP-library type.
// The server fills it on the connection's thread and hands it to the Handler by const reference;
// it stays valid only for the duration of that call.
#pragma once

#include <cstdint>
#include <string>

#include "http/headers.h"
#include "http/unique_fd.h"

namespace apkd::http {

struct Request {
  std::string method;  // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;  // raw request-target, e.g. "/acme/x86_64/g++-1.0-r0.apk?x=1"
  // Percent-decoded, `//`-collapsed path without the query (see http/path.h). Always starts
  // with '/', never contains a NUL, a control character, or a "." / ".." segment.
  std::string path;
  std::string query;  // raw text after '?', not decoded; empty when absent
  int version = 11;   // 10 for HTTP/1.0, 11 for HTTP/1.1
  HeaderMap headers;
  std::string remote_address;  // peer IP as text ("127.0.0.1", "::1")
  uint16_t remote_port = 0;
  bool keep_alive = true;  // what the client asked for (HTTP version + Connection header)

  // Body, per the BodyPolicy chosen in Handler::OnHeaders (http/handler.h):
  std::string body;        // BodySink::kMemory
  UniqueFd body_file;      // BodySink::kTempFile: an unlinked temp file, read offset unspecified
  uint64_t body_size = 0;  // bytes received, for either sink

  bool IsGetOrHead() const { return method == "GET" || method == "HEAD"; }
};

}  // namespace apkd::http
