// ApkdHandler: routes every request of `apkd serve` to a thin handler: parse, call one service
// function, map the result. Repository paths (/<org>/<arch>/…, key discovery), operator paths
// (/healthz, /readyz, /metrics) and the management API (/api/v1/…, JSON). Org names "api",
// "healthz", "readyz" and "metrics" are shadowed by these routes. Thread-safe: all state lives
// in the (thread-safe) services.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.h"
#include "server/metrics.h"
#include "service/audit_log.h"
#include "service/authorizer.h"
#include "service/iam_service.h"
#include "service/index_cache.h"
#include "service/repository_service.h"
#include "service/token_service.h"
#include "service/user_service.h"

namespace apkd::server {

inline constexpr uint64_t kMaxUploadBytes = uint64_t{512} * 1024 * 1024;

struct Services {
  service::RepositoryService& repo;
  service::IamService& iam;
  service::Authorizer& authorizer;
  service::TokenService& tokens;
  service::UserService& users;
  service::IndexCache& cache;
  service::AuditLog& audit;
  Metrics& metrics;
  std::string public_url;  // without a trailing '/'
  std::string realm;       // the public host
};

// Path split on '/' without empty segments.
std::vector<std::string_view> SplitPath(std::string_view path);
std::optional<std::string_view> AuthorizationOf(const http::Request& request);

// Repository and discovery routes; nullopt when the path is not one of them.
std::optional<http::Response> HandleRepository(const Services& services,
                                               const http::Request& request,
                                               const std::vector<std::string_view>& segments);
// /api/v1/… (segments without "api", "v1").
http::Response HandleApi(const Services& services, const http::Request& request,
                         const std::vector<std::string_view>& segments);
// Users and password login (/auth/login, /users…); nullopt when no route matched.
std::optional<http::Response> HandleUserApi(const Services& services, const http::Request& request,
                                            const std::vector<std::string_view>& segments);
// /orgs/<org>/roles[/<name>] (`rest` after "roles").
http::Response Roles(const Services& services, const http::Request& request,
                     const storage::Org& org, const std::vector<std::string_view>& rest);
// The org-scoped and IAM part of the API; nullopt when no route matched.
std::optional<http::Response> HandleOrgApi(const Services& services, const http::Request& request,
                                           const std::vector<std::string_view>& segments);
// Queues the audit record of a package download (`arch` as requested).
void RecordDownload(const Services& services, const http::Request& request,
                    const service::AuthDecision& decision, const storage::PackageRow& row,
                    std::string_view arch);
// GET /api/v1/orgs/<org>/audit (the caller holds audit.list in `org`).
http::Response HandleAuditList(const Services& services, const http::Request& request,
                               const storage::Org& org);
// GET /api/v1/audit: every event, including those of no org (global routes, unknown orgs);
// bootstrap owner only.
http::Response HandleGlobalAuditList(const Services& services, const http::Request& request);
// /.well-known/openid-configuration and /.well-known/jwks.json (segments include
// ".well-known"); nullopt for anything else.
std::optional<http::Response> HandleWellKnown(const Services& services,
                                              const std::vector<std::string_view>& segments);
// /api/v1/auth/keys/… (segments after "keys"): issuer key rotation, bootstrap owner only.
http::Response HandleIssuerKeys(const Services& services, const http::Request& request,
                                const std::vector<std::string_view>& rest);

class ApkdHandler final : public http::Handler {
 public:
  explicit ApkdHandler(Services services);

  std::optional<http::Response> OnHeaders(const http::Request& head,
                                          http::BodyPolicy& policy) override;
  http::Response Handle(const http::Request& request) override;

 private:
  Services services_;
};

}  // namespace apkd::server
