// apkctl auth token [--audience HOST] [--capabilities a,b]: a short-lived token for apk's
// HTTP_AUTH=basic:HOST:user:TOKEN. apkctl auth login: exchanges a secret (APKCTL_TOKEN or the
// first line of stdin) for a token and keeps both in the private login cache; with --user NAME
// it logs in with a password (APKCTL_PASSWORD or stdin) and keeps the refresh token instead.
// auth status: who the server says we are and what we hold where. auth logout.
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "cli/client_config.h"
#include "cli/online_commands.h"
#include "cli/online_session.h"

namespace apkd::cli {
namespace {

Result<boost::json::object> ExchangeToken(OnlineSession& session, const std::string& credential,
                                          const std::string& audience,
                                          const std::string& capabilities) {
  ApiClient client({.server = session.server, .token = credential, .timeout_seconds = 60});
  boost::json::object request;
  if (!audience.empty()) {
    request["audience"] = audience;
  }
  if (!capabilities.empty()) {
    request["capabilities"] = capabilities;
  }
  APKD_ASSIGN_OR_RETURN(
      boost::json::value body,
      JsonBody(client.Post("/api/v1/auth/token", boost::json::serialize(request))));
  if (!body.is_object() || !body.as_object().contains("token")) {
    return MakeError(ErrorCode::kUnavailable, "the server's token answer has no token");
  }
  return body.as_object();
}

// The credential that may mint tokens: the login cache's secret for this server, else the
// configured token (APKCTL_TOKEN).
std::string MintingCredential(const OnlineSession& session, const std::string& fallback) {
  auto cache = ReadLoginCache(LoginCachePath());
  if (cache.ok() && cache->server == session.server && !cache->refresh_token.empty()) {
    return cache->refresh_token;
  }
  return fallback;
}

int Token(const std::vector<std::string>& argv) {
  auto session =
      StartSession(argv, {.value_options = {"--audience", "--capabilities"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "auth token");
  }
  const char* env = std::getenv("APKCTL_TOKEN");  // NOLINT(concurrency-mt-unsafe)
  const std::string credential = MintingCredential(*session, env != nullptr ? env : "");
  if (credential.empty()) {
    return ReportError(MakeError(ErrorCode::kUnauthenticated,
                                 "not logged in: run apkctl auth login or set APKCTL_TOKEN"),
                       "auth token");
  }
  auto token = ExchangeToken(*session, credential, session->args.GetOr("--audience", ""),
                             session->args.GetOr("--capabilities", ""));
  if (!token.ok()) {
    return ReportError(token.error(), "auth token");
  }
  std::cout << std::string(token->at("token").as_string()) << "\n";
  return kExitOk;
}

std::string ReadSecretLine(const char* env_name, const char* prompt) {
  const char* env = std::getenv(env_name);  // NOLINT(concurrency-mt-unsafe)
  std::string secret = env != nullptr ? env : "";
  if (secret.empty()) {
    if (::isatty(STDIN_FILENO) != 0) {
      std::cerr << prompt;
    }
    std::getline(std::cin, secret);
  }
  return secret;
}

int SaveLogin(const OnlineSession& session, const boost::json::object& token,
              const std::string& refresh) {
  LoginCache cache{
      .server = session.server,
      .token = std::string(token.at("token").as_string()),
      .refresh_token = refresh,
      .expires_at = token.contains("expires_at") ? token.at("expires_at").to_number<int64_t>() : 0};
  if (Status s = WriteLoginCache(LoginCachePath(), cache); !s.ok()) {
    return ReportError(s.error(), "auth login");
  }
  std::cerr << "logged in to " << session.server << " as identity "
            << (token.contains("identity") ? std::string(token.at("identity").as_string())
                                           : std::string("?"))
            << "\n";
  return kExitOk;
}

int PasswordLogin(const OnlineSession& session) {
  const std::string password = ReadSecretLine("APKCTL_PASSWORD", "password: ");
  const boost::json::object request{{"username", session.args.GetOr("--user", "")},
                                    {"password", password}};
  ApiClient client({.server = session.server, .token = "", .timeout_seconds = 60});
  auto body = JsonBody(client.Post("/api/v1/auth/login", boost::json::serialize(request)));
  if (!body.ok()) {
    return ReportError(body.error(), "auth login");
  }
  if (!body->is_object() || !body->as_object().contains("refresh_token")) {
    return ReportError(MakeError(ErrorCode::kUnavailable, "the server's answer has no token"),
                       "auth login");
  }
  const auto& doc = body->as_object();
  return SaveLogin(session, doc, std::string(doc.at("refresh_token").as_string()));
}

int Login(const std::vector<std::string>& argv) {
  auto session = StartSession(argv, {.value_options = {"--user"}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "auth login");
  }
  if (session->args.Has("--user")) {
    return PasswordLogin(*session);
  }
  const std::string secret =
      ReadSecretLine("APKCTL_TOKEN", "secret (pull-token or owner secret): ");
  if (secret.empty()) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "no secret given"), "auth login");
  }
  auto token = ExchangeToken(*session, secret, "", "");
  if (!token.ok()) {
    return ReportError(token.error(), "auth login");
  }
  return SaveLogin(*session, *token, secret);
}

std::string Joined(const boost::json::value& list) {
  std::string text;
  if (list.is_array()) {
    for (const auto& item : list.as_array()) {
      text += (text.empty() ? "" : ",") + std::string(item.as_string());
    }
  }
  return text;
}

int Status(const std::vector<std::string>& argv) {
  auto session = StartSession(argv, {.value_options = {}, .flags = {}});
  if (!session.ok()) {
    return ReportError(session.error(), "auth status");
  }
  auto body = JsonBody(session->client.Get("/api/v1/auth/status"));
  if (!body.ok()) {
    return ReportError(body.error(), "auth status");
  }
  if (session->output != "table" || !body->is_object()) {
    PrintItems(*body, {}, "identity", session->output);
    return kExitOk;
  }
  const auto& doc = body->as_object();
  std::cout << "identity:   " << std::string(doc.at("identity").as_string()) << " ("
            << std::string(doc.at("kind").as_string()) << ")\n";
  if (const auto expires = doc.at("expires_at").to_number<int64_t>(); expires != 0) {
    std::cout << "expires_at: " << expires << "\n";
  }
  if (doc.contains("token_capabilities")) {
    std::cout << "token narrowed to: " << Joined(doc.at("token_capabilities")) << "\n";
  }
  for (const auto& org : doc.at("orgs").as_array()) {
    const auto& o = org.as_object();
    std::cout << "org " << std::string(o.at("name").as_string()) << " ("
              << std::string(o.at("uid").as_string()) << "): roles " << Joined(o.at("roles"))
              << "\n  capabilities: " << Joined(o.at("capabilities")) << "\n";
  }
  return kExitOk;
}

int Logout() {
  const std::string path = LoginCachePath();
  if (std::remove(path.c_str()) != 0) {
    std::cerr << "apkctl: not logged in\n";
    return kExitOk;
  }
  std::cerr << "logged out\n";
  return kExitOk;
}

}  // namespace

int RunAuth(const std::vector<std::string>& argv) {
  const std::string verb = argv.empty() ? "" : argv[0];
  const std::vector<std::string> rest(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  if (verb == "token") {
    return Token(rest);
  }
  if (verb == "login") {
    return Login(rest);
  }
  if (verb == "logout") {
    return Logout();
  }
  if (verb == "status") {
    return Status(rest);
  }
  if (verb == "pull-token") {
    return RunPullToken(rest);
  }
  return ReportError(
      MakeError(ErrorCode::kInvalidArgument,
                "usage: apkctl auth login [--user NAME] | logout | status | token [--audience "
                "HOST] [--capabilities a,b] | pull-token create|list|delete --org ORG"),
      "auth");
}

}  // namespace apkd::cli
