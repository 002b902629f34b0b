#include "service/token_service.h"

#include <utility>

namespace apkd::service {

Result<crypto::EcSigningKey> LoadOrCreateIssuerKey(storage::MetadataStore& store) {
  auto pem = store.GetSetting(kIssuerKeySetting);
  if (pem.ok()) {
    auto key = crypto::EcSigningKey::FromPem(*pem);
    if (!key.ok()) {
      return MakeError(ErrorCode::kInternal, "the stored token issuer key does not load");
    }
    return key;
  }
  if (pem.error().code() != ErrorCode::kNotFound) {
    return pem.error();
  }
  APKD_ASSIGN_OR_RETURN(auto key, crypto::EcSigningKey::Generate());
  APKD_RETURN_IF_ERROR(store.SetSetting(kIssuerKeySetting, key.ToPem()));
  return key;
}

Result<std::string> HostOfUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) {
    url.remove_prefix(at + 1);
  }
  if (url.starts_with('[')) {  // IPv6 literal
    const size_t close = url.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "bad host in public URL");
    }
    url = url.substr(0, close + 1);
  } else {
    url = url.substr(0, url.find(':'));
  }
  if (url.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "public URL has no host");
  }
  return std::string(url);
}

TokenService::TokenService(std::unique_ptr<auth::TokenIssuer> issuer,
                           std::unique_ptr<auth::TokenVerifier> verifier, std::string audience)
    : issuer_(std::move(issuer)), verifier_(std::move(verifier)), audience_(std::move(audience)) {}

Result<std::unique_ptr<TokenService>> TokenService::Create(storage::MetadataStore& store,
                                                           std::string issuer, std::string audience,
                                                           const auth::Clock& clock) {
  APKD_ASSIGN_OR_RETURN(auto key, LoadOrCreateIssuerKey(store));
  const std::string kid = auth::TokenKeyIdFor(key.verifying_key());
  APKD_ASSIGN_OR_RETURN(auto token_issuer, auth::TokenIssuer::Create(issuer, kid, key, clock));
  APKD_ASSIGN_OR_RETURN(
      auto verifier,
      auth::TokenVerifier::Create(
          auth::TokenVerifierOptions{.issuer = issuer, .audience = audience}, clock));
  APKD_RETURN_IF_ERROR(verifier->SetKeys(token_issuer->VerificationKeys()));
  return std::unique_ptr<TokenService>(
      new TokenService(std::move(token_issuer), std::move(verifier), std::move(audience)));
}

Result<auth::IssuedToken> TokenService::IssueSession(
    std::string_view subject, std::string_view audience,
    std::optional<auth::CapabilitySet> capabilities, int64_t ttl_seconds) const {
  if (audience != audience_) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "audience must be this repository's host: " + audience_);
  }
  if (ttl_seconds <= 0 || ttl_seconds > auth::kMaxSessionTokenLifetime) {
    ttl_seconds = auth::kMaxSessionTokenLifetime;
  }
  return issuer_->Issue(auth::TokenRequest{.subject = std::string(subject),
                                           .audience = std::string(audience),
                                           .kind = auth::TokenKind::kSession,
                                           .ttl_seconds = ttl_seconds,
                                           .capabilities = capabilities});
}

Result<auth::IssuedToken> TokenService::IssueRefresh(std::string_view subject) const {
  return issuer_->Issue(auth::TokenRequest{.subject = std::string(subject),
                                           .audience = audience_,
                                           .kind = auth::TokenKind::kRefresh,
                                           .ttl_seconds = auth::kMaxRefreshTokenLifetime,
                                           .capabilities = std::nullopt});
}

}  // namespace apkd::service
