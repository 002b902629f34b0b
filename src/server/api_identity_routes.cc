// Management API: an org's identities (/api/v1/orgs/<org>/identities[/<id>]). POST creates an
// assumable identity (external OIDC issuer + subject/audience/claim policy, bound to a role),
// GET lists every identity of the org (pull tokens too), DELETE removes one with its bindings.
// The caller was authorized by HandleOrgApi (identity.create / identity.list / identity.delete);
// the role an identity is bound to may grant only capabilities the caller holds in the org.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/status.h"
#include "server/api_json.h"
#include "server/handler.h"
#include "server/responses.h"

namespace apkd::server {
namespace {

using Segments = std::vector<std::string_view>;

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error BadField(std::string_view name, std::string_view want) {
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(name) + ": expected " + std::string(want));
}

// An optional string member: "" when absent; an error when present with another type.
Result<std::string> OptionalText(const boost::json::object& body, std::string_view name) {
  const boost::json::value* value = body.if_contains(name);
  if (value == nullptr) {
    return std::string();
  }
  if (!value->is_string()) {
    return BadField(name, "a string");
  }
  return std::string(value->get_string());
}

Result<service::AssumableIdentitySpec> SpecFromJson(const boost::json::object& body) {
  service::AssumableIdentitySpec spec;
  APKD_ASSIGN_OR_RETURN(spec.name, StringMember(body, "name"));
  APKD_ASSIGN_OR_RETURN(spec.policy.issuer, StringMember(body, "issuer"));
  APKD_ASSIGN_OR_RETURN(spec.policy.subject, OptionalText(body, "subject"));
  APKD_ASSIGN_OR_RETURN(spec.policy.subject_pattern, OptionalText(body, "subject_pattern"));
  APKD_ASSIGN_OR_RETURN(spec.policy.audience, OptionalText(body, "audience"));
  APKD_ASSIGN_OR_RETURN(spec.policy.audience_pattern, OptionalText(body, "audience_pattern"));
  APKD_ASSIGN_OR_RETURN(const std::string role, OptionalText(body, "role"));
  if (!role.empty()) {
    spec.role = role;
  }
  if (const boost::json::value* claims = body.if_contains("claims"); claims != nullptr) {
    if (!claims->is_object()) {
      return BadField("claims", "an object of claim name to regular expression");
    }
    for (const auto& [claim, pattern] : claims->get_object()) {
      if (!pattern.is_string()) {
        return BadField("claims", "string patterns");
      }
      spec.policy.claim_patterns.emplace(std::string(claim), std::string(pattern.get_string()));
    }
  }
  if (const boost::json::value* jwks = body.if_contains("jwks"); jwks != nullptr) {
    if (!jwks->is_object()) {
      return BadField("jwks", "a JWK Set object {\"keys\":[...]}");
    }
    spec.issuer_keys = boost::json::serialize(*jwks);
  }
  return spec;
}

boost::json::object IdentityJson(const storage::Identity& identity) {
  boost::json::object json{{"id", identity.id},
                           {"kind", std::string(storage::IdentityKindName(identity.kind))},
                           {"name", identity.name},
                           {"org_uid", identity.org_uid},
                           {"expires_at", identity.expires_at},
                           {"created_at", identity.created_at}};
  if (identity.kind != storage::IdentityKind::kAssumable) {
    return json;
  }
  json["issuer"] = identity.issuer;
  const std::pair<const char*, const std::string*> policy[] = {
      {"subject", &identity.subject},
      {"subject_pattern", &identity.subject_pattern},
      {"audience", &identity.audience},
      {"audience_pattern", &identity.audience_pattern}};
  for (const auto& [name, value] : policy) {
    if (!value->empty()) {
      json[name] = *value;
    }
  }
  boost::json::object claims;
  auto decoded = auth::DecodeClaimPatterns(identity.claim_patterns);
  if (decoded.ok()) {
    for (const auto& [claim, pattern] : *decoded) {
      claims[claim] = pattern;
    }
  }
  json["claims"] = std::move(claims);
  json["keys"] = identity.issuer_keys.empty() ? "discovery" : "inline";
  return json;
}

http::Response CreateIdentity(const Services& s, const http::Request& request,
                              const service::AuthDecision& decision) {
  const storage::Org& org = decision.org;
  auto body = ParseJsonObject(request);
  if (!body.ok()) {
    return ErrorResponse(body.error());
  }
  auto spec = SpecFromJson(*body);
  if (!spec.ok()) {
    return ErrorResponse(spec.error());
  }
  // What the caller holds here bounds the role it may hand out.
  auto held = s.authorizer.CapabilitiesIn(decision.principal, org.uid);
  if (!held.ok()) {
    return ErrorResponse(held.error());
  }
  auto created = s.identities.CreateAssumable(org, std::move(spec).value(), *held, Now());
  if (!created.ok()) {
    return ErrorResponse(created.error());
  }
  boost::json::object json = IdentityJson(created->identity);
  json["binding"] = BindingJson(created->binding);
  return JsonResponse(http::status::kCreated, json);
}

}  // namespace

http::Response HandleIdentities(const Services& s, const http::Request& request,
                                const service::AuthDecision& decision, const Segments& rest) {
  const storage::Org& org = decision.org;
  if (rest.empty() && request.method == "POST") {
    return CreateIdentity(s, request, decision);
  }
  if (rest.empty() && request.method == "GET") {
    auto identities = s.identities.List(org);
    return identities.ok() ? ListResponse(*identities, IdentityJson)
                           : ErrorResponse(identities.error());
  }
  if (rest.size() == 1 && request.method == "DELETE") {
    const Status deleted = s.identities.Delete(org, rest[0]);
    return deleted.ok() ? http::Response::Empty(http::status::kNoContent)
                        : ErrorResponse(deleted.error());
  }
  return http::Response::Text(http::status::kNotFound, "no such API route\n");
}

}  // namespace apkd::server
