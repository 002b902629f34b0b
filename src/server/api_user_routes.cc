// Management API: users (operator-managed, global) and password login. Login answers an
// unknown user exactly like a wrong password, holds failed answers back (Response::delay) as
// LoginThrottle says, and refuses attempts inside a closed window with 429 + Retry-After.
#include <chrono>
#include <map>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "auth/jwt.h"
#include "http/status.h"
#include "server/api_access.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {
namespace {

using auth::Capability;
using Segments = std::vector<std::string_view>;

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

boost::json::object UserJson(const storage::Identity& user) {
  return {{"id", user.id}, {"name", user.name}, {"created_at", user.created_at}};
}

http::Response Login(const Services& s, const http::Request& request) {
  auto body = ParseJsonObject(request);
  if (!body.ok()) {
    return ErrorResponse(body.error());
  }
  auto name = StringMember(*body, "username");
  auto password = StringMember(*body, "password");
  if (!name.ok() || !password.ok()) {
    return ErrorResponse(
        MakeError(ErrorCode::kInvalidArgument, "username and password are required"));
  }
  const auto result = s.users.Login(*name, *password, request.remote_address);
  if (result.outcome == service::LoginOutcome::kThrottled) {
    auto response =
        JsonResponse(http::status::kTooManyRequests,
                     boost::json::object{{"error", "too many failed logins; retry later"}});
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(result.wait).count();
    response.headers.Set("Retry-After", std::to_string(seconds));
    return response;
  }
  if (result.outcome == service::LoginOutcome::kWrongCredentials) {
    auto response = JsonResponse(http::status::kUnauthorized,
                                 boost::json::object{{"error", "wrong user name or password"}});
    response.delay = result.wait;
    return response;
  }
  auto session = s.tokens.IssueSession(result.user.id, s.tokens.audience(), std::nullopt,
                                       auth::kMaxSessionTokenLifetime);
  auto refresh = s.tokens.IssueRefresh(result.user.id);
  if (!session.ok() || !refresh.ok()) {
    return ErrorResponse(session.ok() ? refresh.error() : session.error());
  }
  return JsonResponse(http::status::kOk, boost::json::object{{"token", session->token},
                                                             {"refresh_token", refresh->token},
                                                             {"identity", result.user.id},
                                                             {"expires_at", session->claims.exp}});
}

// Who the caller is and what it holds where: the answer to "why was I refused?".
http::Response Status(const Services& s, const http::Request& request) {
  auto principal = s.authorizer.Authenticate(AuthorizationOf(request));
  if (!principal.ok()) {
    service::AuthDecision decision;
    decision.reason = principal.error().message();
    return AuthFailure(s, request, decision);
  }
  auto identity = s.iam.GetIdentity(principal->identity_id);
  if (!identity.ok()) {
    return ErrorResponse(identity.error());
  }
  const bool bootstrap = s.authorizer.IsBootstrapOwner(principal->identity_id);
  // Orgs: every org for the bootstrap owner, else those the identity has bindings in.
  std::map<std::string, std::vector<std::string>> roles_by_org;
  if (bootstrap) {
    auto orgs = s.repo.ListOrgs();
    if (!orgs.ok()) {
      return ErrorResponse(orgs.error());
    }
    for (const auto& org : *orgs) {
      roles_by_org[org.uid].push_back("owner");
    }
  }
  auto bindings = s.iam.BindingsOf(principal->identity_id);
  if (!bindings.ok()) {
    return ErrorResponse(bindings.error());
  }
  for (const auto& binding : *bindings) {
    roles_by_org[binding.org_uid].push_back(binding.role);
  }
  boost::json::array orgs;
  for (const auto& [uid, roles] : roles_by_org) {
    auto org = s.repo.FindOrg(uid);
    auto held = s.authorizer.CapabilitiesIn(*principal, uid);
    boost::json::array role_list;
    for (const auto& role : roles) {
      role_list.emplace_back(role);
    }
    boost::json::array capabilities;
    for (const auto& name : held.ok() ? held->Names() : std::vector<std::string_view>{}) {
      capabilities.emplace_back(name);
    }
    orgs.push_back(boost::json::object{{"uid", uid},
                                       {"name", org.ok() ? org->name : std::string()},
                                       {"roles", std::move(role_list)},
                                       {"capabilities", std::move(capabilities)}});
  }
  boost::json::object doc{{"identity", identity->id},
                          {"name", identity->name},
                          {"kind", storage::IdentityKindName(identity->kind)},
                          {"bootstrap_owner", bootstrap},
                          {"expires_at", principal->expires_at},
                          {"orgs", std::move(orgs)}};
  if (principal->narrowed.has_value()) {
    boost::json::array narrowed;
    for (const auto& name : principal->narrowed->Names()) {
      narrowed.emplace_back(name);
    }
    doc["token_capabilities"] = std::move(narrowed);
  }
  return JsonResponse(http::status::kOk, doc);
}

http::Response Users(const Services& s, const http::Request& request, const Segments& seg) {
  if (seg.size() == 1 && request.method == "GET") {
    return Global(s, request, Capability::kIdentityList, [&] {
      auto users = s.users.List();
      return users.ok() ? ListResponse(*users, UserJson) : ErrorResponse(users.error());
    });
  }
  if (seg.size() == 1 && request.method == "POST") {
    return Global(s, request, Capability::kIdentityCreate, [&] {
      auto body = ParseJsonObject(request);
      if (!body.ok()) {
        return ErrorResponse(body.error());
      }
      auto name = StringMember(*body, "name");
      auto password = StringMember(*body, "password");
      if (!name.ok() || !password.ok()) {
        return ErrorResponse(
            MakeError(ErrorCode::kInvalidArgument, "name and password are required"));
      }
      auto user = s.users.Create(*name, *password, Now());
      return user.ok() ? JsonResponse(http::status::kCreated, UserJson(*user))
                       : ErrorResponse(user.error());
    });
  }
  if (seg.size() == 2 && request.method == "DELETE") {
    return Global(s, request, Capability::kIdentityDelete, [&] {
      auto status = s.users.Delete(seg[1]);
      return status.ok() ? http::Response::Empty(http::status::kNoContent)
                         : ErrorResponse(status.error());
    });
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

}  // namespace

std::optional<http::Response> HandleUserApi(const Services& services, const http::Request& request,
                                            const Segments& segments) {
  if (segments.size() == 2 && segments[0] == "auth" && segments[1] == "login" &&
      request.method == "POST") {
    return Login(services, request);
  }
  if (segments.size() == 2 && segments[0] == "auth" && segments[1] == "status" &&
      request.method == "GET") {
    return Status(services, request);
  }
  if (!segments.empty() && segments[0] == "users") {
    return Users(services, request, segments);
  }
  return std::nullopt;
}

}  // namespace apkd::server
