// Management API: an org's roles. GET lists the built-in roles (Chainguard's names and
// compositions) and the org's custom roles; POST makes a custom role from capability names;
// DELETE removes a custom role and its bindings. Capabilities: roles.list/create/delete.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/status.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {
namespace {

boost::json::object RoleJson(const auth::Role& role) {
  boost::json::array capabilities;
  for (const auto& name : role.capabilities.Names()) {
    capabilities.emplace_back(name);
  }
  return {
      {"name", role.name}, {"builtin", role.is_builtin}, {"capabilities", std::move(capabilities)}};
}

}  // namespace

http::Response Roles(const Services& s, const http::Request& request, const storage::Org& org,
                     const std::vector<std::string_view>& rest) {
  if (rest.empty() && request.method == "GET") {
    auto roles = s.iam.ListRoles(org);
    return roles.ok() ? ListResponse(*roles, RoleJson) : ErrorResponse(roles.error());
  }
  if (rest.empty() && request.method == "POST") {
    auto body = ParseJsonObject(request);
    auto name = body.ok() ? StringMember(*body, "name") : Result<std::string>(body.error());
    auto capabilities =
        body.ok() ? StringMember(*body, "capabilities") : Result<std::string>(body.error());
    if (!name.ok() || !capabilities.ok()) {
      return ErrorResponse(name.ok() ? capabilities.error() : name.error());
    }
    auto role = s.iam.CreateCustomRole(org, *name, *capabilities);
    return role.ok() ? JsonResponse(http::status::kCreated, RoleJson(*role))
                     : ErrorResponse(role.error());
  }
  if (rest.size() == 1 && request.method == "DELETE") {
    auto status = s.iam.DeleteCustomRole(org, rest[0]);
    return status.ok() ? http::Response::Empty(http::status::kNoContent)
                       : ErrorResponse(status.error());
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

}  // namespace apkd::server
