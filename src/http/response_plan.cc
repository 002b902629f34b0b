#include "http/response_plan.h"

#include <array>
#include <utility>

#include "http/conditional.h"

namespace apkd::http {
namespace {

constexpr int kMinStatus = 200;
constexpr int kMaxStatus = 599;

// Fields whose value the server decides; a handler's copy is dropped.
constexpr std::array<std::string_view, 9> kServerOwnedFields = {
    "Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection", "Keep-Alive",
    "Date",           "Content-Range",     "Accept-Ranges",    "Upgrade"};

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsValidFieldName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    if (!IsTokenChar(c)) {
      return false;
    }
  }
  return true;
}

// No CR, LF or NUL: a handler must never be able to split the response.
bool IsValidFieldValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool IsServerOwned(std::string_view name) {
  for (const std::string_view owned : kServerOwnedFields) {
    if (EqualsIgnoreCase(name, owned)) {
      return true;
    }
  }
  return false;
}

// Moves ETag / Last-Modified set as plain headers into the typed fields. A Last-Modified that
// is not a valid HTTP-date is dropped: apk-tools fail the whole download on one.
void AdoptValidatorHeaders(Response& response) {
  if (const auto etag = response.headers.Get("ETag"); etag && response.etag.empty()) {
    response.etag = std::string(*etag);
  }
  if (const auto date = response.headers.Get("Last-Modified"); date && !response.last_modified) {
    response.last_modified = ParseHttpDate(*date);
  }
  response.headers.Remove("ETag");
  response.headers.Remove("Last-Modified");
}

void SliceBody(Body& body, ByteRange range) {
  if (auto* text = std::get_if<std::string>(&body)) {
    *text = text->substr(range.first, range.length());
  } else if (auto* blob = std::get_if<BlobBody>(&body)) {
    blob->offset += static_cast<size_t>(range.first);
    blob->length = static_cast<size_t>(range.length());
  } else {
    auto& file = std::get<FileBody>(body);
    file.offset += range.first;
    file.length = range.length();
  }
}

// Conditional GET and Range for a 200 with validators. Returns extra fields to emit.
HeaderMap ApplyEntitySemantics(std::string_view method, const HeaderMap& request_headers,
                               Response& response) {
  HeaderMap extra;
  const bool is_get = method == "GET";
  if (EvaluateConditionalGet(request_headers, response.etag, response.last_modified) ==
      ConditionalResult::kNotModified) {
    response.status = status::kNotModified;
    response.headers.Remove("Content-Type");
    return extra;
  }
  extra.Add("Accept-Ranges", "bytes");
  const auto range = request_headers.Get("Range");
  if (!is_get || !range) {
    return extra;
  }
  if (const auto if_range = request_headers.Get("If-Range");
      if_range && !IfRangeMatches(*if_range, response.etag, response.last_modified)) {
    return extra;
  }
  const uint64_t total = BodySize(response.body);
  const RangeDecision decision = EvaluateRange(*range, total);
  if (decision.outcome == RangeOutcome::kPartial) {
    response.status = status::kPartialContent;
    SliceBody(response.body, decision.range);
    extra.Add("Content-Range", ContentRangeValue(decision.range, total));
  } else if (decision.outcome == RangeOutcome::kUnsatisfiable) {
    response.status = status::kRangeNotSatisfiable;
    response.body = std::string();
    response.headers.Remove("Content-Type");
    extra.Add("Content-Range", UnsatisfiedContentRangeValue(total));
  }
  return extra;
}

void AppendField(std::string& head, std::string_view name, std::string_view value) {
  head += name;
  head += ": ";
  head += value;
  head += "\r\n";
}

}  // namespace

ResponsePlan PlanResponse(std::string_view method, const HeaderMap& request_headers,
                          Response response, bool keep_alive, std::string_view date) {
  if (response.status < kMinStatus || response.status > kMaxStatus) {
    response = Response::Text(status::kInternalServerError, "invalid response status\n");
  }
  AdoptValidatorHeaders(response);
  const bool has_validators = !response.etag.empty() || response.last_modified.has_value();
  HeaderMap extra;
  if (response.status == status::kOk && has_validators && (method == "GET" || method == "HEAD")) {
    extra = ApplyEntitySemantics(method, request_headers, response);
  }

  ResponsePlan plan;
  plan.status = response.status;
  const bool bodiless = StatusForbidsBody(response.status);
  const uint64_t length = bodiless ? 0 : BodySize(response.body);
  plan.send_body = !bodiless && method != "HEAD" && length > 0;
  plan.body_length = plan.send_body ? length : 0;
  if (plan.send_body) {
    plan.body = std::move(response.body);
  }

  std::string& head = plan.head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += ReasonPhrase(response.status);
  head += "\r\n";
  AppendField(head, "Date", date);
  for (const auto& [name, value] : response.headers) {
    if (IsValidFieldName(name) && IsValidFieldValue(value) && !IsServerOwned(name)) {
      AppendField(head, name, value);
    }
  }
  if (!response.etag.empty() && IsValidFieldValue(response.etag)) {
    AppendField(head, "ETag", response.etag);
  }
  if (response.last_modified) {
    AppendField(head, "Last-Modified", FormatHttpDate(*response.last_modified));
  }
  for (const auto& [name, value] : extra) {
    AppendField(head, name, value);
  }
  if (!bodiless) {
    AppendField(head, "Content-Length", std::to_string(length));
  }
  AppendField(head, "Connection", keep_alive ? "keep-alive" : "close");
  head += "\r\n";
  return plan;
}

}  // namespace apkd::http
