// TokenService: apkd's own ES256 tokens. The issuer key is generated on first start and kept in
// the store's settings (PEM), so a restart keeps issued tokens valid. Mints session tokens
// (≤ 1 h) for an authenticated principal and verifies presented tokens (aud = the public host).
// Thread-safe (TokenIssuer and TokenVerifier are).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/clock.h"
#include "auth/jwt.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr std::string_view kIssuerKeySetting = "token_issuer_key_pem";

// The persisted issuer key, created and stored when absent.
Result<crypto::EcSigningKey> LoadOrCreateIssuerKey(storage::MetadataStore& store);

// "https://apk.example.com:8443/x" -> "apk.example.com"; kInvalidArgument if there is no host.
Result<std::string> HostOfUrl(std::string_view url);

class TokenService {
 public:
  // `issuer` = the public URL, `audience` = its host; `clock` must outlive this.
  static Result<std::unique_ptr<TokenService>> Create(storage::MetadataStore& store,
                                                      std::string issuer, std::string audience,
                                                      const auth::Clock& clock);

  // A session token for `subject`. `audience` must be this server's; `capabilities` narrows the
  // token (the identity's role bindings still decide on every request).
  Result<auth::IssuedToken> IssueSession(std::string_view subject, std::string_view audience,
                                         std::optional<auth::CapabilitySet> capabilities,
                                         int64_t ttl_seconds) const;

  // A refresh token for a user who just logged in with a password (12 h): it buys session
  // tokens at POST /api/v1/auth/token and opens nothing else.
  Result<auth::IssuedToken> IssueRefresh(std::string_view subject) const;

  const auth::TokenVerifier& verifier() const { return *verifier_; }
  const auth::TokenIssuer& issuer() const { return *issuer_; }
  const std::string& audience() const { return audience_; }

 private:
  TokenService(std::unique_ptr<auth::TokenIssuer> issuer,
               std::unique_ptr<auth::TokenVerifier> verifier, std::string audience);

  std::unique_ptr<auth::TokenIssuer> issuer_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::string audience_;
};

}  // namespace apkd::service
