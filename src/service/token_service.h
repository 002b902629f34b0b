// TokenService: apkd's own ES256 tokens. The issuer key is generated on first start and kept in
// the store's settings (PEM), so a restart keeps issued tokens valid. Mints session tokens
// (≤ 1 h) for an authenticated principal and verifies presented tokens (aud = the public host).
// RotateIssuerKey makes a new key the signer; the old one keeps verifying the tokens it signed
// until they can all have expired (its public half and window are kept in settings too).
// Thread-safe (TokenIssuer and TokenVerifier are; rotations are serialised).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/clock.h"
#include "auth/jwt.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr std::string_view kIssuerKeySetting = "token_issuer_key_pem";
// Rotated-out issuer keys still verifying, one per line: "<kid> <retired_at> <verify_until> <x>
// <y>" (x, y: the JWK coordinates). Public halves only: a retired key never signs again.
inline constexpr std::string_view kIssuerPreviousKeysSetting = "token_issuer_previous_keys";
// The longest lifetime of a token this service issues (session tokens). A rotated-out key keeps
// verifying for this plus the clock leeway; if apkd ever issues longer-lived tokens with this
// key (pull tokens as JWTs), this must grow to their lifetime. Refresh tokens (12 h) are not
// counted on purpose: after a rotation they stop working within this window and the user logs
// in again, which is what a key rotation after a suspected leak should do.
inline constexpr int64_t kLongestIssuedTokenLifetime = auth::kMaxSessionTokenLifetime;

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
  // Makes a freshly generated key the signer and returns its kid. The replaced key keeps
  // verifying tokens issued before now (never later ones) for retired_key_window() seconds,
  // after which every token it signed has expired. Persisted before it takes effect, so a
  // restart keeps both keys; rotations are serialised.
  Result<std::string> RotateIssuerKey();
  // The keys that verify tokens right now: the current one first, then rotated-out keys still
  // within their window, newest first. Exactly what /.well-known/jwks.json publishes.
  std::vector<auth::TokenKey> VerifyingKeys() const { return issuer_->VerificationKeys(); }
  // kLongestIssuedTokenLifetime plus the verifier's clock leeway.
  int64_t retired_key_window() const;

  const auth::TokenVerifier& verifier() const { return *verifier_; }
  const auth::TokenIssuer& issuer() const { return *issuer_; }
  const std::string& audience() const { return audience_; }

 private:
  TokenService(storage::MetadataStore& store, const auth::Clock& clock,
               std::unique_ptr<auth::TokenIssuer> issuer,
               std::unique_ptr<auth::TokenVerifier> verifier, std::string audience);

  storage::MetadataStore& store_;
  const auth::Clock& clock_;
  std::unique_ptr<auth::TokenIssuer> issuer_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::string audience_;
  std::mutex rotate_mutex_;
};

// The kIssuerPreviousKeysSetting text for `keys` (entries with retired_at == 0 are skipped), and
// back. Parsing refuses malformed lines (kCorrupt) and drops keys past their verify_until.
std::string FormatPreviousIssuerKeys(const std::vector<auth::TokenKey>& keys);
Result<std::vector<auth::TokenKey>> ParsePreviousIssuerKeys(std::string_view text, int64_t now);

}  // namespace apkd::service
