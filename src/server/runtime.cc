#include "server/runtime.h"

#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "auth/clock.h"
#include "http/server.h"
#include "server/handler.h"
#include "server/metrics.h"
#include "service/audit_log.h"
#include "service/authorizer.h"
#include "service/bootstrap.h"
#include "service/iam_service.h"
#include "service/index_cache.h"
#include "service/login_throttle.h"
#include "service/org_keys.h"
#include "service/repository_service.h"
#include "service/token_service.h"
#include "service/user_service.h"
#include "storage/fs_blob_store.h"
#include "storage/sqlite_metadata_store.h"
#include "util/file_lock.h"

namespace apkd::server {

struct Runtime::Parts {
  std::optional<FileLock> data_dir_lock;  // first member: released last
  ServeConfig config;
  auth::SystemClock clock;
  std::unique_ptr<storage::SqliteMetadataStore> store;
  std::unique_ptr<service::AuditLog> audit;  // after the store: stopped and destroyed before it
  std::unique_ptr<storage::FsBlobStore> blobs;
  std::unique_ptr<service::OrgKeys> keys;
  std::unique_ptr<service::IndexCache> cache;
  std::unique_ptr<service::RepositoryService> repo;
  std::unique_ptr<service::IamService> iam;
  std::unique_ptr<service::TokenService> tokens;
  std::unique_ptr<service::Authorizer> authorizer;
  std::unique_ptr<service::LoginThrottle> login_throttle;
  std::unique_ptr<service::UserService> users;
  Metrics metrics;
  std::optional<std::string> bootstrap_secret;
  std::unique_ptr<http::Server> server;
};

Runtime::Runtime(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Runtime::~Runtime() { Stop(); }

Result<std::unique_ptr<Runtime>> Runtime::Open(const ServeConfig& config) {
  auto p = std::make_unique<Parts>();
  p->config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIoError, "cannot create data dir " + config.data_dir);
  }
  // One process owns a data dir: caches (indexes, authorization answers) trust that every change
  // to the store goes through this process.
  APKD_ASSIGN_OR_RETURN(p->data_dir_lock, FileLock::Acquire(config.data_dir + "/apkd.lock"));
  APKD_ASSIGN_OR_RETURN(p->store, storage::SqliteMetadataStore::Open(config.data_dir + "/apkd.db"));
  p->audit = std::make_unique<service::AuditLog>(
      *p->store, p->clock,
      service::AuditLogOptions{.retention_seconds =
                                   config.audit_retention_days * service::kSecondsPerDay});
  APKD_ASSIGN_OR_RETURN(p->blobs, storage::FsBlobStore::OpenAt(config.data_dir + "/blobs"));
  APKD_ASSIGN_OR_RETURN(const std::string host, service::HostOfUrl(config.public_url));
  p->keys = std::make_unique<service::OrgKeys>(
      *p->store, service::OrgKeysOptions{.rsa_bits = config.rsa_bits, .now = {}});
  service::OrgKeys* keys = p->keys.get();
  p->cache = std::make_unique<service::IndexCache>(
      *p->store, [keys](std::string_view org_uid) { return keys->SignersFor(org_uid); },
      service::IndexCacheOptions{.arches = config.arches, .description = "apkd", .now = {}});
  p->repo = std::make_unique<service::RepositoryService>(*p->store, *p->blobs, *p->cache, *keys);
  p->iam = std::make_unique<service::IamService>(*p->store);
  APKD_ASSIGN_OR_RETURN(
      p->tokens, service::TokenService::Create(*p->store, config.public_url, host, p->clock));
  p->authorizer = std::make_unique<service::Authorizer>(*p->store, p->tokens->verifier(), p->clock);
  p->login_throttle = std::make_unique<service::LoginThrottle>(
      service::LoginThrottleOptions{.free_failures = config.login_free_failures});
  p->users = std::make_unique<service::UserService>(*p->store, *p->login_throttle);
  APKD_ASSIGN_OR_RETURN(auto boot, service::Bootstrap(*p->store, p->clock.Now()));
  p->bootstrap_secret = std::move(boot.secret);
  APKD_RETURN_IF_ERROR(p->cache->RefreshAll());

  Services services{.repo = *p->repo,
                    .iam = *p->iam,
                    .authorizer = *p->authorizer,
                    .tokens = *p->tokens,
                    .users = *p->users,
                    .cache = *p->cache,
                    .audit = *p->audit,
                    .metrics = p->metrics,
                    .public_url = config.public_url,
                    .realm = host};
  http::ServerOptions options;
  options.address = config.listen_address;
  options.port = config.listen_port;
  options.threads = config.threads;
  // Uploads are staged beside the data, not in a /tmp that may be RAM.
  options.upload_dir = config.data_dir + "/uploads";
  std::filesystem::create_directories(options.upload_dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIoError, "cannot create " + options.upload_dir);
  }
  Metrics* metrics = &p->metrics;
  p->server = std::make_unique<http::Server>(
      options, std::make_shared<ApkdHandler>(std::move(services)),
      [metrics](const http::AccessLogEntry& entry) {
        metrics->Record(entry.path, entry.status, entry.body_bytes, entry.duration);
      });
  return std::unique_ptr<Runtime>(new Runtime(std::move(p)));
}

const std::optional<std::string>& Runtime::bootstrap_secret() const {
  return parts_->bootstrap_secret;
}

Status Runtime::Start() {
  parts_->audit->Start();
  return parts_->server->Start();
}
uint16_t Runtime::port() const { return parts_->server->port(); }
void Runtime::Stop() {
  if (parts_ && parts_->server) {
    parts_->server->Stop();
  }
  if (parts_ && parts_->audit) {
    parts_->audit->Stop();  // writes what the last requests queued
  }
}

}  // namespace apkd::server
