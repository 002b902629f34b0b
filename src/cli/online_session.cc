#include "cli/online_session.h"

#include <chrono>
#include <iomanip>
#include <iostream>

#include "cli/client_config.h"

namespace apkd::cli {
namespace {

std::string Field(const boost::json::object& object, const std::string& name) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) {
    return "";
  }
  if (value->is_string()) {
    return std::string(value->get_string());
  }
  if (value->is_array()) {
    std::string joined;
    for (const auto& element : value->get_array()) {
      joined +=
          (joined.empty() ? "" : ",") + (element.is_string() ? std::string(element.get_string())
                                                             : boost::json::serialize(element));
    }
    return joined;
  }
  return boost::json::serialize(*value);
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A cached session token that has expired (or will within a minute) is renewed with the cached
// secret, so that a login lasts until logout rather than for one token's hour.
void RenewCachedToken(ClientConfig& config) {
  constexpr int64_t kRenewMargin = 60;
  auto cache = ReadLoginCache(LoginCachePath());
  if (!cache.ok() || cache->server != config.server || cache->token != config.token ||
      cache->refresh_token.empty() || cache->expires_at > Now() + kRenewMargin) {
    return;
  }
  ApiClient client({.server = config.server,
                    .token = cache->refresh_token,
                    .timeout_seconds = config.timeout_seconds});
  auto body = JsonBody(client.Post("/api/v1/auth/token", "{}"));
  if (!body.ok() || !body->is_object() || !body->as_object().contains("token")) {
    return;  // the request that follows reports the real problem
  }
  cache->token = std::string(body->as_object().at("token").as_string());
  if (const auto* expires = body->as_object().if_contains("expires_at")) {
    cache->expires_at = expires->to_number<int64_t>();
  }
  config.token = cache->token;
  (void)WriteLoginCache(LoginCachePath(), *cache);
}

}  // namespace

Result<OnlineSession> StartSession(const std::vector<std::string>& argv, ArgSpec spec) {
  spec.value_options.insert("--server");
  spec.value_options.insert("-o");
  APKD_ASSIGN_OR_RETURN(Args args, Args::Parse(argv, spec));
  const std::string output = args.GetOr("-o", "table");
  if (output != "table" && output != "json" && output != "id" && output != "env") {
    return MakeError(ErrorCode::kInvalidArgument, "-o takes table, json, id or env");
  }
  APKD_ASSIGN_OR_RETURN(ClientConfig config, ResolveClientConfig(args.Get("--server")));
  RenewCachedToken(config);
  std::string server = config.server;
  return OnlineSession{std::move(args), ApiClient(std::move(config)), std::move(server), output};
}

Result<boost::json::value> JsonBody(Result<ApiResponse> response) {
  APKD_ASSIGN_OR_RETURN(ApiResponse ok, RequireSuccess(std::move(response)));
  if (ok.body.empty()) {
    return boost::json::value();
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(ok.body, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable, "the server sent invalid JSON");
  }
  return value;
}

void PrintItems(const boost::json::value& body, const std::vector<std::string>& fields,
                const std::string& id_field, const std::string& output) {
  if (output == "json") {
    std::cout << boost::json::serialize(body) << "\n";
    return;
  }
  boost::json::array items;
  if (body.is_object() && body.as_object().contains("items")) {
    items = body.as_object().at("items").as_array();
  } else if (body.is_object()) {
    items.push_back(body);
  }
  if (output == "id") {
    for (const auto& item : items) {
      std::cout << Field(item.as_object(), id_field) << "\n";
    }
    return;
  }
  std::vector<size_t> widths;
  for (const std::string& field : fields) {
    size_t width = field.size();
    for (const auto& item : items) {
      width = std::max(width, Field(item.as_object(), field).size());
    }
    widths.push_back(width);
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string upper = fields[i];
    for (char& c : upper) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    std::cout << std::left << std::setw(static_cast<int>(widths[i] + 2)) << upper;
  }
  std::cout << "\n";
  for (const auto& item : items) {
    for (size_t i = 0; i < fields.size(); ++i) {
      std::cout << std::left << std::setw(static_cast<int>(widths[i] + 2))
                << Field(item.as_object(), fields[i]);
    }
    std::cout << "\n";
  }
}

std::string PathSegment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace apkd::cli
