// Management API, part 1: token issuing and the global (operator) resources: orgs, images and
// catalog packages. Global operations need the bootstrap owner (Authorizer::AuthorizeGlobal).
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/status.h"
#include "server/api_access.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {
namespace {

using auth::Capability;
using Segments = std::vector<std::string_view>;

http::Response IssueToken(const Services& s, const http::Request& request) {
  auto principal = s.authorizer.Authenticate(AuthorizationOf(request));
  if (!principal.ok()) {
    service::AuthDecision decision;
    decision.reason = principal.error().message();
    decision.missing_credentials = !AuthorizationOf(request).has_value();
    return AuthFailure(s, request, decision);
  }
  auto body = ParseJsonObject(request);
  if (!body.ok()) {
    return ErrorResponse(body.error());
  }
  // Without an audience the token is for this repository's own host, which a client that
  // reaches the server by another name (127.0.0.1, a proxy) cannot always know.
  const std::string audience = OptionalString(*body, "audience").value_or(s.tokens.audience());
  std::optional<auth::CapabilitySet> capabilities = principal->narrowed;
  if (auto requested = OptionalString(*body, "capabilities")) {
    auto parsed = auth::CapabilitySet::Parse(*requested);
    if (!parsed.ok()) {
      return ErrorResponse(parsed.error());
    }
    capabilities = capabilities.has_value() ? (*capabilities & *parsed) : *parsed;
  }
  auto issued = s.tokens.IssueSession(principal->identity_id, audience, capabilities,
                                      auth::kMaxSessionTokenLifetime);
  if (!issued.ok()) {
    return ErrorResponse(issued.error());
  }
  return JsonResponse(http::status::kOk, boost::json::object{{"token", issued->token},
                                                             {"identity", principal->identity_id},
                                                             {"expires_at", issued->claims.exp}});
}

http::Response Orgs(const Services& s, const http::Request& request, const Segments& seg) {
  if (seg.size() == 1 && request.method == "GET") {
    return Global(s, request, Capability::kGroupsList, [&] {
      auto orgs = s.repo.ListOrgs();
      return orgs.ok() ? ListResponse(*orgs, OrgJson) : ErrorResponse(orgs.error());
    });
  }
  if (seg.size() == 1 && request.method == "POST") {
    return Global(s, request, Capability::kGroupsCreate, [&] {
      auto body = ParseJsonObject(request);
      if (!body.ok()) {
        return ErrorResponse(body.error());
      }
      auto name = StringMember(*body, "name");
      if (!name.ok()) {
        return ErrorResponse(name.error());
      }
      auto org = s.repo.CreateOrg(*name);
      return org.ok() ? JsonResponse(http::status::kCreated, OrgJson(*org))
                      : ErrorResponse(org.error());
    });
  }
  if (seg.size() == 2 && request.method == "DELETE") {
    return Global(s, request, Capability::kGroupsDelete, [&] {
      auto status = s.repo.DeleteOrg(seg[1]);
      return status.ok() ? http::Response::Empty(http::status::kNoContent)
                         : ErrorResponse(status.error());
    });
  }
  if (auto response = HandleOrgApi(s, request, seg)) {
    return std::move(*response);
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

// The "packages" array of names in a JSON request body.
Result<std::vector<std::string>> PackageNames(const http::Request& request) {
  APKD_ASSIGN_OR_RETURN(auto body, ParseJsonObject(request));
  const auto* packages = body.if_contains("packages");
  if (packages == nullptr || !packages->is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, "packages: expected an array");
  }
  std::vector<std::string> names;
  for (const auto& item : packages->as_array()) {
    if (!item.is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, "packages: expected strings");
    }
    names.emplace_back(item.as_string());
  }
  return names;
}

boost::json::array NamesJson(const std::vector<std::string>& names) {
  boost::json::array list;
  for (const auto& name : names) {
    list.emplace_back(name);
  }
  return list;
}

http::Response PutImage(const Services& s, const http::Request& request, std::string_view name) {
  auto names = PackageNames(request);
  if (!names.ok()) {
    return ErrorResponse(names.error());
  }
  auto stored =
      s.repo.PutImage(storage::Image{.name = std::string(name), .packages = std::move(*names)});
  if (!stored.ok()) {
    return ErrorResponse(stored.error());
  }
  return JsonResponse(
      http::status::kOk,
      boost::json::object{{"name", stored->name}, {"packages", NamesJson(stored->packages)}});
}

// /base-set: the package names every org sees besides its images'.
http::Response BaseSet(const Services& s, const http::Request& request) {
  if (request.method == "GET") {
    return Global(s, request, Capability::kApkList, [&] {
      auto names = s.repo.GetBaseSet();
      return names.ok() ? JsonResponse(http::status::kOk,
                                       boost::json::object{{"packages", NamesJson(*names)}})
                        : ErrorResponse(names.error());
    });
  }
  if (request.method == "PUT") {
    return Global(s, request, Capability::kApkCreate, [&] {
      auto names = PackageNames(request);
      if (!names.ok()) {
        return ErrorResponse(names.error());
      }
      auto status = s.repo.SetBaseSet(std::move(*names));
      if (!status.ok()) {
        return ErrorResponse(status.error());
      }
      auto stored = s.repo.GetBaseSet();
      return stored.ok() ? JsonResponse(http::status::kOk,
                                        boost::json::object{{"packages", NamesJson(*stored)}})
                         : ErrorResponse(stored.error());
    });
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

http::Response Images(const Services& s, const http::Request& request, const Segments& seg) {
  if (seg.size() == 1 && request.method == "GET") {
    return Global(s, request, Capability::kApkList, [&] {
      auto images = s.repo.ListImages();
      if (!images.ok()) {
        return ErrorResponse(images.error());
      }
      return ListResponse(*images, [](const storage::Image& image) {
        return boost::json::object{{"name", image.name}, {"packages", NamesJson(image.packages)}};
      });
    });
  }
  if (seg.size() == 2 && request.method == "PUT") {
    return Global(s, request, Capability::kApkCreate, [&] { return PutImage(s, request, seg[1]); });
  }
  if (seg.size() == 2 && request.method == "DELETE") {
    return Global(s, request, Capability::kApkDelete, [&] {
      auto status = s.repo.DeleteImage(seg[1]);
      return status.ok() ? http::Response::Empty(http::status::kNoContent)
                         : ErrorResponse(status.error());
    });
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

}  // namespace

// Shared with the org-scoped routes: publish / list / withdraw in one scope ("" = catalog).
http::Response PackagesIn(const Services& s, const http::Request& request, std::string_view org_uid,
                          const Segments& rest);

http::Response HandleApi(const Services& services, const http::Request& request,
                         const Segments& segments) {
  if (segments.empty()) {
    return http::Response::Text(http::status::kNotFound, "no such API route\n");
  }
  if (segments.size() == 2 && segments[0] == "auth" && segments[1] == "token" &&
      request.method == "POST") {
    return IssueToken(services, request);
  }
  if (segments.size() == 1 && segments[0] == "audit" && request.method == "GET") {
    return HandleGlobalAuditList(services, request);
  }
  if (segments.size() >= 2 && segments[0] == "auth" && segments[1] == "keys") {
    return HandleIssuerKeys(services, request, Segments(segments.begin() + 2, segments.end()));
  }
  if (auto response = HandleUserApi(services, request, segments)) {
    return std::move(*response);
  }
  if (segments[0] == "orgs") {
    return Orgs(services, request, segments);
  }
  if (segments[0] == "images") {
    return Images(services, request, segments);
  }
  if (segments.size() == 1 && segments[0] == "base-set") {
    return BaseSet(services, request);
  }
  if (segments[0] == "packages") {
    const Capability capability = request.method == "POST"     ? Capability::kApkCreate
                                  : request.method == "DELETE" ? Capability::kApkDelete
                                                               : Capability::kApkList;
    return Global(services, request, capability, [&] {
      return PackagesIn(services, request, "", Segments(segments.begin() + 1, segments.end()));
    });
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

}  // namespace apkd::server
