// apkd's own tokens: compact JWS (RFC 7515) with ES256 only, carrying TokenClaims. TokenIssuer
// mints them with the current signing key; TokenVerifier checks them against the keys it was
// given (several during a rotation). Tokens are ASCII `[A-Za-z0-9_-.]` and at most 1,024 bytes
// when issued, so that apk-tools 2.14 accept them as the password inside a repository URL.
// Both classes are safe to use from several threads, including key changes while serving.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/capability.h"
#include "auth/clock.h"
#include "crypto/ec_key.h"
#include "util/result.h"

namespace apkd::auth {

// What a token is for; written to the `knd` claim as "session", "pull", "exchanged" or
// "refresh".
enum class TokenKind {
  kSession,    // after a login (console, apkctl); short-lived
  kPull,       // a long-lived pull token for apk clients and CI
  kExchanged,  // the result of an STS exchange of an external OIDC token; short-lived
  kRefresh,    // after a user's password login: buys session tokens only, never opens a resource
};
std::string_view TokenKindName(TokenKind kind);
Result<TokenKind> ParseTokenKind(std::string_view name);

inline constexpr int64_t kMaxSessionTokenLifetime = 3600;                // 1 h
inline constexpr int64_t kMaxPullTokenLifetime = int64_t{8760} * 3600;   // 365 days
inline constexpr int64_t kMaxRefreshTokenLifetime = int64_t{12} * 3600;  // a working day
// The longest `exp - iat` accepted for a kind (session and exchanged: 1 h, pull: 365 days,
// refresh: 12 h).
int64_t MaxTokenLifetime(TokenKind kind);

// apk-tools 2.14 keep URL passwords in a 1,024-byte buffer (apk-protocol.md §5.3).
inline constexpr size_t kMaxIssuedTokenSize = 1024;
// Anything longer is refused before it is decoded.
inline constexpr size_t kMaxAcceptedTokenSize = 4096;
inline constexpr int64_t kDefaultLeewaySeconds = 30;
inline constexpr int64_t kMaxLeewaySeconds = 60;

// The claims of an apkd token. JSON names: iss, sub, aud, iat, nbf, exp, jti, knd, cap.
struct TokenClaims {
  std::string iss;  // the issuer URL, e.g. "https://apk.example.com"
  std::string sub;  // the identity id
  std::string aud;  // exactly one audience: the repository host, e.g. "apk.example.com"
  int64_t iat = 0;  // seconds since the epoch
  std::optional<int64_t> nbf = std::nullopt;
  int64_t exp = 0;
  std::string jti;  // unique token id (16 base64url characters when issued here)
  TokenKind kind = TokenKind::kSession;
  // When set, the token only carries these capabilities (an intersection with the identity's
  // roles, which the caller still checks). Encoded as CapabilitySet::ToCompact() in `cap`.
  std::optional<CapabilitySet> capabilities = std::nullopt;

  bool operator==(const TokenClaims&) const = default;
};

// A verification key and its id (the JWS `kid`). A key that no longer signs (rotated out)
// carries when that happened and until when it still verifies: tokens it signed must have been
// issued by `retired_at` (plus leeway), and from `verify_until` on it verifies nothing.
struct TokenKey {
  std::string kid;
  crypto::EcVerifyingKey key;
  int64_t retired_at = 0;    // 0: still signing (no limit on iat)
  int64_t verify_until = 0;  // 0: no end; else verifies only while now < verify_until
};

// Key ids are 1–64 characters of [A-Za-z0-9._-].
bool IsValidKeyId(std::string_view kid);
// A default key id: the first 16 characters of the key's RFC 7638 thumbprint.
std::string TokenKeyIdFor(const crypto::EcVerifyingKey& key);

// Serializes and signs `claims` as header {"alg":"ES256","typ":"JWT","kid":kid}. Checks only the
// shape (kid syntax, UTF-8 strings, required claims present), not lifetimes or size: that is
// TokenIssuer's job. Exposed for tools and tests that need unusual tokens.
Result<std::string> SignToken(const TokenClaims& claims, std::string_view kid,
                              const crypto::EcSigningKey& key);

struct TokenRequest {
  std::string subject;
  std::string audience;  // a host name with an optional port; no scheme, no path
  TokenKind kind = TokenKind::kSession;
  int64_t ttl_seconds = kMaxSessionTokenLifetime;            // 1 .. MaxTokenLifetime(kind)
  std::optional<CapabilitySet> capabilities = std::nullopt;  // see TokenClaims::capabilities
};

struct IssuedToken {
  std::string token;
  TokenClaims claims;
};

class TokenIssuer {
 public:
  // `issuer` is the `iss` of every token (the server's public URL); `clock` must outlive this.
  // `previous` are keys rotated out earlier (e.g. restored from storage), newest first; those
  // past their verify_until are dropped.
  static Result<std::unique_ptr<TokenIssuer>> Create(std::string issuer, std::string kid,
                                                     crypto::EcSigningKey key, const Clock& clock,
                                                     std::vector<TokenKey> previous = {});

  TokenIssuer(const TokenIssuer&) = delete;
  TokenIssuer& operator=(const TokenIssuer&) = delete;
  TokenIssuer(TokenIssuer&&) = delete;
  TokenIssuer& operator=(TokenIssuer&&) = delete;
  ~TokenIssuer();

  // Fills iss, iat = now, exp = now + ttl, a random jti, and signs with the current key.
  // kInvalidArgument for a bad request, kLimitExceeded if the token would exceed 1,024 bytes.
  Result<IssuedToken> Issue(const TokenRequest& request) const;

  // Makes (kid, key) the signing key. The key it replaces gets retired_at = now and, with a
  // positive `verify_window_seconds`, verify_until = now + window (the longest a token it signed
  // can still be valid); with 0 it stays until RetireKey. Previous keys stay in
  // VerificationKeys() meanwhile, so tokens they signed keep verifying. kAlreadyExists if `kid`
  // is already in use.
  Status Rotate(std::string kid, crypto::EcSigningKey key, int64_t verify_window_seconds = 0);
  // Drops a previous key. kNotFound if unknown, kInvalidArgument for the current key.
  Status RetireKey(std::string_view kid);

  const std::string& issuer() const { return issuer_; }
  std::string current_kid() const;
  // The current key first, then older ones still before their verify_until, newest first: what
  // the JWKS publishes and what a TokenVerifier should be given.
  std::vector<TokenKey> VerificationKeys() const;

 private:
  TokenIssuer(std::string issuer, std::string kid, crypto::EcSigningKey key, const Clock& clock);

  const std::string issuer_;
  const Clock& clock_;
  mutable std::shared_mutex mutex_;
  std::string kid_;                 // guarded by mutex_
  crypto::EcSigningKey key_;        // guarded by mutex_
  std::vector<TokenKey> previous_;  // guarded by mutex_; newest first
};

struct TokenVerifierOptions {
  std::string issuer;    // `iss` must equal this exactly
  std::string audience;  // `aud` must equal this exactly: the host, no scheme ("apk.example.com")
  int64_t leeway_seconds = kDefaultLeewaySeconds;  // clock skew tolerated, 0 .. kMaxLeewaySeconds
};

class TokenVerifier {
 public:
  // `clock` must outlive this.
  static Result<std::unique_ptr<TokenVerifier>> Create(TokenVerifierOptions options,
                                                       const Clock& clock);

  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;
  TokenVerifier(TokenVerifier&&) = delete;
  TokenVerifier& operator=(TokenVerifier&&) = delete;
  ~TokenVerifier();

  // kAlreadyExists if `kid` is present with a different key; adding the same pair is a no-op.
  // The key has no retirement limits (see SetKeys for keys that have).
  Status AddKey(std::string kid, crypto::EcVerifyingKey key);
  // Returns whether the key was present. Tokens signed with it stop verifying at once.
  bool RemoveKey(std::string_view kid);
  // Replaces all keys (e.g. with TokenIssuer::VerificationKeys()).
  Status SetKeys(std::vector<TokenKey> keys);
  std::vector<std::string> kids() const;

  // Checks, in order: size, syntax, header (alg must be ES256, kid known, nothing else but typ
  // "JWT"), the key's verify_until, signature, claim syntax, iss, aud, exp > now - leeway, nbf
  // and iat <= now + leeway, iat <= the key's retired_at + leeway, and exp - iat within
  // MaxTokenLifetime(knd). Every failure is kUnauthenticated with a reason that never includes
  // the token or any part of it.
  Result<TokenClaims> Verify(std::string_view token) const;

  const TokenVerifierOptions& options() const { return options_; }

 private:
  TokenVerifier(TokenVerifierOptions options, const Clock& clock);
  std::optional<TokenKey> FindKey(std::string_view kid) const;
  Status CheckClaims(const TokenClaims& claims, const TokenKey& key) const;

  const TokenVerifierOptions options_;
  const Clock& clock_;
  mutable std::shared_mutex mutex_;
  std::vector<TokenKey> keys_;  // guarded by mutex_
};

}  // namespace apkd::auth
