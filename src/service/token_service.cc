#include "service/token_service.h"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

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

std::string FormatPreviousIssuerKeys(const std::vector<auth::TokenKey>& keys) {
  std::string text;
  for (const auth::TokenKey& key : keys) {
    if (key.retired_at == 0) {
      continue;
    }
    const crypto::EcPublicJwk jwk = key.key.Jwk();
    text += key.kid + " " + std::to_string(key.retired_at) + " " +
            std::to_string(key.verify_until) + " " + jwk.x + " " + jwk.y + "\n";
  }
  return text;
}

namespace {

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  while (!line.empty()) {
    const size_t space = line.find(' ');
    fields.push_back(line.substr(0, space));
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  return fields;
}

std::optional<int64_t> ParseTime(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<std::vector<auth::TokenKey>> ParsePreviousIssuerKeys(std::string_view text, int64_t now) {
  constexpr size_t kFieldCount = 5;
  std::vector<auth::TokenKey> keys;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty()) {
      continue;
    }
    const std::vector<std::string_view> fields = Fields(line);
    const Error corrupt =
        MakeError(ErrorCode::kCorrupt, "the stored previous token issuer keys do not parse");
    if (fields.size() != kFieldCount || !auth::IsValidKeyId(fields[0])) {
      return corrupt;
    }
    const std::optional<int64_t> retired_at = ParseTime(fields[1]);
    const std::optional<int64_t> verify_until = ParseTime(fields[2]);
    auto key = crypto::EcVerifyingKey::FromJwk(fields[3], fields[4]);
    if (!retired_at || *retired_at == 0 || !verify_until || !key.ok()) {
      return corrupt;
    }
    if (*verify_until != 0 && *verify_until <= now) {
      continue;  // every token it signed has expired
    }
    keys.push_back(auth::TokenKey{.kid = std::string(fields[0]),
                                  .key = std::move(key).value(),
                                  .retired_at = *retired_at,
                                  .verify_until = *verify_until});
  }
  return keys;
}

TokenService::TokenService(storage::MetadataStore& store, const auth::Clock& clock,
                           std::unique_ptr<auth::TokenIssuer> issuer,
                           std::unique_ptr<auth::TokenVerifier> verifier, std::string audience)
    : store_(store),
      clock_(clock),
      issuer_(std::move(issuer)),
      verifier_(std::move(verifier)),
      audience_(std::move(audience)) {}

Result<std::unique_ptr<TokenService>> TokenService::Create(storage::MetadataStore& store,
                                                           std::string issuer, std::string audience,
                                                           const auth::Clock& clock) {
  APKD_ASSIGN_OR_RETURN(auto key, LoadOrCreateIssuerKey(store));
  const std::string kid = auth::TokenKeyIdFor(key.verifying_key());
  std::vector<auth::TokenKey> previous;
  auto stored = store.GetSetting(kIssuerPreviousKeysSetting);
  if (stored.ok()) {
    APKD_ASSIGN_OR_RETURN(previous, ParsePreviousIssuerKeys(*stored, clock.Now()));
  } else if (stored.error().code() != ErrorCode::kNotFound) {
    return stored.error();
  }
  // A rotation that stopped between its two writes leaves the current key in the list too.
  std::erase_if(previous, [&](const auth::TokenKey& old) { return old.kid == kid; });
  APKD_ASSIGN_OR_RETURN(
      auto verifier,
      auth::TokenVerifier::Create(
          auth::TokenVerifierOptions{.issuer = issuer, .audience = audience}, clock));
  APKD_ASSIGN_OR_RETURN(auto token_issuer, auth::TokenIssuer::Create(std::move(issuer), kid, key,
                                                                     clock, std::move(previous)));
  APKD_RETURN_IF_ERROR(verifier->SetKeys(token_issuer->VerificationKeys()));
  return std::unique_ptr<TokenService>(new TokenService(store, clock, std::move(token_issuer),
                                                        std::move(verifier), std::move(audience)));
}

int64_t TokenService::retired_key_window() const {
  return kLongestIssuedTokenLifetime + verifier_->options().leeway_seconds;
}

Result<std::string> TokenService::RotateIssuerKey() {
  const std::lock_guard lock(rotate_mutex_);
  APKD_ASSIGN_OR_RETURN(auto key, crypto::EcSigningKey::Generate());
  const std::string kid = auth::TokenKeyIdFor(key.verifying_key());
  const int64_t now = clock_.Now();
  const int64_t window = retired_key_window();
  // Persist first, in an order a crash cannot hurt: the old key joins the previous keys, then
  // the new key becomes current (Create drops the current key from the previous ones).
  std::vector<auth::TokenKey> previous = issuer_->VerificationKeys();
  for (auth::TokenKey& old : previous) {
    if (old.retired_at == 0) {
      old.retired_at = now;
      old.verify_until = now + window;
    }
  }
  APKD_RETURN_IF_ERROR(
      store_.SetSetting(kIssuerPreviousKeysSetting, FormatPreviousIssuerKeys(previous)));
  APKD_RETURN_IF_ERROR(store_.SetSetting(kIssuerKeySetting, key.ToPem()));
  APKD_RETURN_IF_ERROR(issuer_->Rotate(kid, std::move(key), window));
  APKD_RETURN_IF_ERROR(verifier_->SetKeys(issuer_->VerificationKeys()));
  return kid;
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
