// The apk-facing routes: per-org signed indexes, package downloads and key discovery.
#include <chrono>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/conditional.h"
#include "http/status.h"
#include "server/handler.h"
#include "server/responses.h"
#include "util/encoding.h"

namespace apkd::server {
namespace {

constexpr std::string_view kIndexFile = "APKINDEX.tar.gz";
constexpr std::string_view kKeySuffix = ".rsa.pub";

http::Response ServeIndex(const Services& s, const http::Request& request, std::string_view org,
                          std::string_view arch) {
  const auto decision =
      s.authorizer.Authorize(AuthorizationOf(request), org, auth::Capability::kApkList);
  if (!decision.allowed()) {
    return AuthFailure(s, request, decision);
  }
  auto index = s.cache.Get(decision.org.uid, arch);
  if (index == nullptr) {
    return http::Response::Text(http::status::kNotFound, "no index for this arch\n");
  }
  auto response = http::Response::Blob(index->bytes, "application/gzip");
  response.etag = index->etag;
  response.last_modified = std::chrono::sys_seconds(std::chrono::seconds(index->last_modified));
  response.headers.Set("Cache-Control", "private, no-cache");
  return response;
}

http::Response ServePackage(const Services& s, const http::Request& request, std::string_view org,
                            std::string_view arch, std::string_view file) {
  const auto decision =
      s.authorizer.Authorize(AuthorizationOf(request), org, auth::Capability::kApkBlobsGet);
  if (!decision.allowed()) {
    return AuthFailure(s, request, decision);
  }
  auto download = s.repo.OpenDownload(decision.org, arch, file);
  if (!download.ok()) {
    return ErrorResponse(download.error());
  }
  const uint64_t size = download->blob.size();
  http::FileBody body{.fd = http::UniqueFd(download->blob.Release()), .offset = 0, .length = size};
  auto response = http::Response::File(std::move(body), "application/octet-stream");
  response.etag = http::StrongEtag(download->row.blob_key);
  response.last_modified =
      std::chrono::sys_seconds(std::chrono::seconds(download->row.published_at));
  response.headers.Set("Cache-Control", "private, max-age=31536000, immutable");
  if (request.method == "GET") {
    RecordDownload(s, request, decision, download->row, arch);
  }
  return response;
}

// Key discovery is anonymous (apk-protocol.md §7.2): public keys are not secret.
std::optional<http::Response> ServeDiscovery(const Services& s, std::string_view org_name,
                                             std::string_view file) {
  const bool is_config = file == "apk-configuration";
  const bool is_jwks = file == "jwks.json";
  const bool is_key = file.ends_with(kKeySuffix);
  if (!is_config && !is_jwks && !is_key) {
    return std::nullopt;
  }
  auto org = s.repo.FindOrg(org_name);
  if (!org.ok()) {
    return ErrorResponse(org.error());
  }
  if (is_config) {
    boost::json::object doc;
    doc["jwks_uri"] = s.public_url + "/" + std::string(org_name) + "/jwks.json";
    return http::Response::Json(http::status::kOk, boost::json::serialize(doc));
  }
  auto keys = s.repo.PublishedKeys(*org);
  if (!keys.ok()) {
    return ErrorResponse(keys.error());
  }
  if (is_jwks) {
    boost::json::array list;
    for (const auto& key : *keys) {
      list.push_back(boost::json::object{{"kty", "RSA"},
                                         {"kid", key.kid},
                                         {"use", "sig"},
                                         {"alg", "RS256"},
                                         {"n", Base64UrlEncode(key.modulus)},
                                         {"e", Base64UrlEncode(key.exponent)}});
    }
    boost::json::object doc;
    doc["keys"] = std::move(list);
    return http::Response::Json(http::status::kOk, boost::json::serialize(doc));
  }
  for (const auto& key : *keys) {
    if (key.key_name == file) {
      auto response = http::Response::Text(http::status::kOk, key.public_pem);
      response.headers.Set("Content-Type", "application/x-pem-file");
      response.etag = http::StrongEtag(key.kid);
      return response;
    }
  }
  return http::Response::Text(http::status::kNotFound, "no such key\n");
}

}  // namespace

std::optional<http::Response> HandleRepository(const Services& services,
                                               const http::Request& request,
                                               const std::vector<std::string_view>& segments) {
  if (!request.IsGetOrHead()) {
    return std::nullopt;
  }
  if (segments.size() == 2) {
    return ServeDiscovery(services, segments[0], segments[1]);
  }
  if (segments.size() != 3) {
    return std::nullopt;
  }
  if (segments[2] == kIndexFile) {
    return ServeIndex(services, request, segments[0], segments[1]);
  }
  if (segments[2].ends_with(".apk")) {
    return ServePackage(services, request, segments[0], segments[1], segments[2]);
  }
  return std::nullopt;
}

}  // namespace apkd::server
