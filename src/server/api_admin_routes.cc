// Management API, part 2: org-scoped resources (entitlements, packages, keys, pull tokens, role
// bindings), the package routes shared with the catalog, and the JSON helpers.
#include <chrono>
#include <optional>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/status.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"
#include "util/mapped_file.h"

namespace apkd::server {

using auth::Capability;
using Segments = std::vector<std::string_view>;

Result<boost::json::object> ParseJsonObject(const http::Request& request) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec || !value.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "request body must be a JSON object");
  }
  return std::move(value.as_object());
}

Result<std::string> StringMember(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": expected a string");
  }
  return std::string(value->as_string());
}

std::optional<std::string> OptionalString(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    return std::nullopt;
  }
  return std::string(value->as_string());
}

boost::json::object OrgJson(const storage::Org& org) {
  return {{"uid", org.uid}, {"name", org.name}, {"created_at", org.created_at}};
}

boost::json::object PackageJson(const storage::PackageRow& row) {
  return {{"name", row.name},       {"version", row.version},          {"arch", row.arch},
          {"org_uid", row.org_uid}, {"checksum", row.checksum},        {"size", row.size},
          {"sha256", row.blob_key}, {"published_at", row.published_at}};
}

boost::json::object KeyJson(const storage::SigningKeyRow& row) {
  return {{"name", row.key_name},
          {"state", std::string(storage::KeyStateName(row.state))},
          {"public_pem", row.public_pem},
          {"created_at", row.created_at}};
}

boost::json::object BindingJson(const storage::RoleBinding& binding) {
  return {{"id", binding.id},
          {"identity", binding.identity_id},
          {"role", binding.role},
          {"org_uid", binding.org_uid},
          {"created_at", binding.created_at}};
}

http::Response JsonResponse(int status, const boost::json::value& value) {
  return http::Response::Json(status, boost::json::serialize(value) + "\n");
}

namespace {

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

http::Response NoContentOr(const Status& status) {
  return status.ok() ? http::Response::Empty(http::status::kNoContent)
                     : ErrorResponse(status.error());
}

Capability CapabilityFor(std::string_view method, Capability list, Capability create,
                         Capability remove) {
  if (method == "POST" || method == "PUT") {
    return create;
  }
  return method == "DELETE" ? remove : list;
}

http::Response Entitlements(const Services& s, const http::Request& request,
                            const storage::Org& org, const Segments& rest) {
  if (rest.empty() && request.method == "GET") {
    auto list = s.repo.ListEntitlements(org);
    if (!list.ok()) {
      return ErrorResponse(list.error());
    }
    return ListResponse(*list, [](const storage::Entitlement& e) {
      return boost::json::object{{"image", e.image}};
    });
  }
  if (rest.empty() && request.method == "POST") {
    auto body = ParseJsonObject(request);
    auto image = body.ok() ? StringMember(*body, "image") : Result<std::string>(body.error());
    if (!image.ok()) {
      return ErrorResponse(image.error());
    }
    return NoContentOr(s.repo.AddEntitlement(org, *image));
  }
  if (rest.size() == 1 && request.method == "DELETE") {
    return NoContentOr(s.repo.RemoveEntitlement(org, rest[0]));
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

http::Response Keys(const Services& s, const http::Request& request, const storage::Org& org,
                    const Segments& rest) {
  if (rest.empty() && request.method == "GET") {
    auto keys = s.repo.ListKeys(org);
    return keys.ok() ? ListResponse(*keys, KeyJson) : ErrorResponse(keys.error());
  }
  if (rest.size() == 1 && rest[0] == "rotate" && request.method == "POST") {
    auto key = s.repo.RotateKey(org);
    return key.ok() ? JsonResponse(http::status::kCreated, KeyJson(*key))
                    : ErrorResponse(key.error());
  }
  if (rest.size() == 1 && rest[0] == "retire" && request.method == "POST") {
    return NoContentOr(s.repo.RetireKeys(org));
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

boost::json::object PullTokenJson(const storage::Identity& identity) {
  return {{"identity", identity.id},
          {"name", identity.name},
          {"expires_at", identity.expires_at},
          {"created_at", identity.created_at}};
}

// Granting a role is limited to what the caller holds in the org: identity.create or
// role_bindings.create (pull_token_creator) must not become a way to mint an owner.
std::optional<http::Response> RefuseEscalation(const Services& s, const http::Request& request,
                                               const service::AuthDecision& decision,
                                               std::string_view role) {
  auto granted = s.iam.RoleCapabilities(decision.org, role);
  if (!granted.ok()) {
    return ErrorResponse(granted.error());
  }
  auto held = s.authorizer.CapabilitiesIn(decision.principal, decision.org.uid);
  if (!held.ok()) {
    return ErrorResponse(held.error());
  }
  const auth::CapabilitySet missing = *granted - *held;
  if (missing.empty()) {
    return std::nullopt;
  }
  service::AuthDecision refused = decision;
  refused.outcome = service::AuthOutcome::kForbidden;
  refused.missing = *auth::ParseCapability(missing.Names().front());
  return AuthFailure(s, request, refused);
}

http::Response PullTokens(const Services& s, const http::Request& request,
                          const service::AuthDecision& decision, const Segments& rest) {
  const storage::Org& org = decision.org;
  if (rest.empty() && request.method == "GET") {
    auto list = s.iam.ListPullIdentities(org);
    return list.ok() ? ListResponse(*list, PullTokenJson) : ErrorResponse(list.error());
  }
  if (rest.size() == 1 && request.method == "DELETE") {
    return NoContentOr(s.iam.DeletePullIdentity(org, rest[0]));
  }
  if (!rest.empty() || request.method != "POST") {
    return http::Response::Text(http::status::kNotFound, "no such API route\n");
  }
  auto body = ParseJsonObject(request);
  auto name = body.ok() ? StringMember(*body, "name") : Result<std::string>(body.error());
  if (!name.ok()) {
    return ErrorResponse(name.error());
  }
  const std::string role = OptionalString(*body, "role").value_or("apk.pull");
  if (auto refused = RefuseEscalation(s, request, decision, role)) {
    return std::move(*refused);
  }
  int64_t ttl = 0;
  if (const auto* value = body->if_contains("ttl_seconds"); value != nullptr) {
    if (!value->is_int64() || value->as_int64() <= 0) {
      return ErrorResponse(
          MakeError(ErrorCode::kInvalidArgument, "ttl_seconds: expected a positive integer"));
    }
    ttl = value->as_int64();
  }
  auto created = s.iam.CreatePullIdentity(org, *name, role, Now(), ttl);
  if (!created.ok()) {
    return ErrorResponse(created.error());
  }
  auto json = PullTokenJson(created->identity);
  json["secret"] = created->secret;
  json["binding"] = BindingJson(created->binding);
  return JsonResponse(http::status::kCreated, json);
}

http::Response RoleBindings(const Services& s, const http::Request& request,
                            const service::AuthDecision& decision, const Segments& rest) {
  const storage::Org& org = decision.org;
  if (rest.empty() && request.method == "GET") {
    auto list = s.iam.ListBindings(org);
    return list.ok() ? ListResponse(*list, BindingJson) : ErrorResponse(list.error());
  }
  if (rest.empty() && request.method == "POST") {
    auto body = ParseJsonObject(request);
    auto identity = body.ok() ? StringMember(*body, "identity") : Result<std::string>(body.error());
    auto role = body.ok() ? StringMember(*body, "role") : Result<std::string>(body.error());
    if (!identity.ok() || !role.ok()) {
      return ErrorResponse(identity.ok() ? role.error() : identity.error());
    }
    if (auto refused = RefuseEscalation(s, request, decision, *role)) {
      return std::move(*refused);
    }
    auto binding = s.iam.Bind(org, *identity, *role, Now());
    return binding.ok() ? JsonResponse(http::status::kCreated, BindingJson(*binding))
                        : ErrorResponse(binding.error());
  }
  if (rest.size() == 1 && request.method == "DELETE") {
    return NoContentOr(s.iam.Unbind(org, rest[0]));
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

Capability RequiredCapability(std::string_view resource, std::string_view method) {
  if (resource == "entitlements") {
    return CapabilityFor(method, Capability::kEntitlementsList, Capability::kEntitlementsCreate,
                         Capability::kEntitlementsDelete);
  }
  if (resource == "audit") {  // who pulled what from where: owners only
    return Capability::kAuditList;
  }
  if (resource == "keys") {  // rotation changes what clients must trust: owner-level
    return method == "GET" ? Capability::kApkList : Capability::kRolesCreate;
  }
  if (resource == "pull-tokens") {
    return CapabilityFor(method, Capability::kIdentityList, Capability::kIdentityCreate,
                         Capability::kIdentityDelete);
  }
  if (resource == "role-bindings") {
    return CapabilityFor(method, Capability::kRoleBindingsList, Capability::kRoleBindingsCreate,
                         Capability::kRoleBindingsDelete);
  }
  if (resource == "roles") {
    return CapabilityFor(method, Capability::kRolesList, Capability::kRolesCreate,
                         Capability::kRolesDelete);
  }
  return CapabilityFor(method, Capability::kApkList, Capability::kApkCreate,
                       Capability::kApkDelete);
}

}  // namespace

http::Response PackagesIn(const Services& s, const http::Request& request, std::string_view org_uid,
                          const Segments& rest) {
  if (rest.empty() && request.method == "POST") {
    // Uploads arrive in a temp file (ApkdHandler::OnHeaders); map it rather than copy it.
    std::optional<MappedFile> staged;
    if (request.body_file.valid()) {
      auto mapped = MappedFile::Map(request.body_file.get());
      if (!mapped.ok()) {
        return ErrorResponse(mapped.error());
      }
      staged = std::move(mapped).value();
    }
    auto outcome = s.repo.Publish(org_uid, staged ? staged->bytes() : request.body);
    if (!outcome.ok()) {
      return ErrorResponse(outcome.error());
    }
    auto json = PackageJson(outcome->row);
    json["created"] = outcome->created;
    return JsonResponse(outcome->created ? http::status::kCreated : http::status::kOk, json);
  }
  if (rest.empty() && request.method == "GET") {
    storage::PackageFilter filter{.org_uid = std::string(org_uid)};
    auto rows = s.repo.ListPackages(filter);
    return rows.ok() ? ListResponse(*rows, PackageJson) : ErrorResponse(rows.error());
  }
  if (rest.size() == 3 && request.method == "DELETE") {  // <arch>/<name>/<version>
    auto row = s.repo.Withdraw(org_uid, rest[1], rest[2], rest[0]);
    return row.ok() ? JsonResponse(http::status::kOk, PackageJson(*row))
                    : ErrorResponse(row.error());
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

// /orgs/<org>/<resource>/...
std::optional<http::Response> HandleOrgApi(const Services& s, const http::Request& request,
                                           const Segments& seg) {
  if (seg.size() < 3) {
    return std::nullopt;
  }
  const std::string_view resource = seg[2];
  const auto decision = s.authorizer.Authorize(AuthorizationOf(request), seg[1],
                                               RequiredCapability(resource, request.method));
  if (!decision.allowed()) {
    return AuthFailure(s, request, decision);
  }
  const Segments rest(seg.begin() + 3, seg.end());
  if (resource == "entitlements") {
    return Entitlements(s, request, decision.org, rest);
  }
  if (resource == "packages") {
    return PackagesIn(s, request, decision.org.uid, rest);
  }
  if (resource == "keys") {
    return Keys(s, request, decision.org, rest);
  }
  if (resource == "pull-tokens") {
    return PullTokens(s, request, decision, rest);
  }
  if (resource == "role-bindings") {
    return RoleBindings(s, request, decision, rest);
  }
  if (resource == "roles") {
    return Roles(s, request, decision.org, rest);
  }
  if (resource == "audit" && rest.empty() && request.method == "GET") {
    return HandleAuditList(s, request, decision.org);
  }
  return std::nullopt;
}

}  // namespace apkd::server
