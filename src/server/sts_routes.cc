// POST /sts/exchange (Chainguard's STS shape): `Authorization: Bearer <external ID token>`, a
// form-encoded body (or query) `identity=<id>[&aud=<host>][&cap=a,b][&cap=c]` → 200
// {"token","expires_at","identity"}. Runs on the blocking pool (ApkdHandler::OnHeaders), since
// the first exchange for an issuer fetches its keys.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/capability.h"
#include "http/status.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"
#include "util/encoding.h"

namespace apkd::server {
namespace {

constexpr std::string_view kBearer = "bearer ";
constexpr size_t kMaxFormParameters = 32;

using FormParameters = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded: '+' is a space, %XX a byte.
std::optional<std::string> FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size() || HexDigitValue(text[i + 1]) < 0 ||
          HexDigitValue(text[i + 2]) < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(HexDigitValue(text[i + 1]) * 16 + HexDigitValue(text[i + 2]));
      i += 2;
    }
  }
  return out;
}

Status AppendForm(std::string_view text, FormParameters& out) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    auto value = FormDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name || !value || out.size() >= kMaxFormParameters) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the request is not a valid form (application/x-www-form-urlencoded)");
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return OkStatus();
}

// The external token from "Authorization: Bearer <token>" (scheme case-insensitive).
std::optional<std::string_view> BearerToken(const http::Request& request) {
  const std::optional<std::string_view> header = AuthorizationOf(request);
  if (!header || header->size() <= kBearer.size()) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kBearer.size(); ++i) {
    const char c = (*header)[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBearer[i]) {
      return std::nullopt;
    }
  }
  std::string_view token = header->substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  return token;
}

http::Response Unauthorized(const Error& error) {
  http::Response response = ErrorResponse(error);
  response.headers.Set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  return response;
}

Result<service::ExchangeRequest> ParseExchangeRequest(const FormParameters& form) {
  service::ExchangeRequest request;
  std::optional<auth::CapabilitySet> capabilities;
  for (const auto& [name, value] : form) {
    if (name == "identity") {
      request.identity_id = value;
    } else if (name == "aud") {
      if (!request.audience.empty() && request.audience != value) {
        return MakeError(ErrorCode::kInvalidArgument, "aud names more than one audience");
      }
      request.audience = value;
    } else if (name == "cap") {
      APKD_ASSIGN_OR_RETURN(const auth::CapabilitySet parsed, auth::CapabilitySet::Parse(value));
      capabilities = capabilities.value_or(auth::CapabilitySet()) | parsed;
    }
    // scope, scopes and identity_provider (Chainguard's groups and custom IdPs) do not apply.
  }
  if (request.identity_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "identity is required: the id of the assumable identity to exchange for");
  }
  request.capabilities = capabilities;
  return request;
}

}  // namespace

http::Response HandleStsExchange(const Services& services, const http::Request& request) {
  if (request.method != "POST") {
    http::Response response =
        http::Response::Text(http::status::kMethodNotAllowed, "use POST /sts/exchange\n");
    response.headers.Set("Allow", "POST");
    return response;
  }
  const std::optional<std::string_view> token = BearerToken(request);
  if (!token || token->empty()) {
    return Unauthorized(MakeError(ErrorCode::kUnauthenticated,
                                  "send the external ID token as Authorization: Bearer <token>"));
  }
  FormParameters form;
  if (Status parsed = AppendForm(request.query, form); !parsed.ok()) {
    return ErrorResponse(parsed.error());
  }
  if (Status parsed = AppendForm(request.body, form); !parsed.ok()) {
    return ErrorResponse(parsed.error());
  }
  auto exchange = ParseExchangeRequest(form);
  if (!exchange.ok()) {
    return ErrorResponse(exchange.error());
  }
  auto exchanged = services.sts.Exchange(*token, *exchange);
  if (!exchanged.ok()) {
    return exchanged.error().code() == ErrorCode::kUnauthenticated
               ? Unauthorized(exchanged.error())
               : ErrorResponse(exchanged.error());
  }
  return JsonResponse(http::status::kOk, boost::json::object{{"token", exchanged->token},
                                                             {"expires_at", exchanged->expires_at},
                                                             {"identity", exchanged->identity_id}});
}

}  // namespace apkd::server
