#include "service/org_keys.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "crypto/rsa_key.h"

namespace apkd::service {
namespace {

constexpr size_t kHexDigestChars = 64;
// "<slug>-<64 hex>" must fit kMaxKeyIdBytes.
constexpr size_t kMaxSlugBytes = kMaxKeyIdBytes - kHexDigestChars - 1;

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

storage::SigningKeyRow PublicOnly(storage::SigningKeyRow row) {
  row.private_pem.clear();
  return row;
}

}  // namespace

std::string KeySlug(std::string_view org_name) {
  std::string slug;
  for (const char c : org_name) {
    if (slug.size() == kMaxSlugBytes) {
      break;
    }
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool keep =
        (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '-';
    slug.push_back(keep ? lower : '-');
  }
  return slug.empty() ? std::string("org") : slug;
}

std::string KeyIdOf(std::string_view key_name) {
  if (key_name.size() > kKeyFileSuffix.size() && key_name.ends_with(kKeyFileSuffix)) {
    key_name.remove_suffix(kKeyFileSuffix.size());
  }
  return std::string(key_name);
}

OrgKeys::OrgKeys(storage::MetadataStore& store, OrgKeysOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.now) {
    options_.now = SystemNow;
  }
}

Result<storage::SigningKeyRow> OrgKeys::CreateFor(const storage::Org& org) {
  APKD_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(options_.rsa_bits));
  const crypto::PublicKey public_key = key.GetPublicKey();
  storage::SigningKeyRow row{
      .org_uid = org.uid,
      .key_name = crypto::KeyIdFor(KeySlug(org.name), public_key) + std::string(kKeyFileSuffix),
      .private_pem = key.ToPem(),
      .public_pem = public_key.ToPem(),
      .state = storage::KeyState::kActive,
      .created_at = options_.now(),
  };
  APKD_RETURN_IF_ERROR(store_.AddSigningKey(row));
  return PublicOnly(std::move(row));
}

Result<std::shared_ptr<const crypto::Signer>> OrgKeys::SignerFor(
    const storage::SigningKeyRow& row) {
  {
    const std::lock_guard lock(mutex_);
    if (auto it = signers_.find(row.key_name); it != signers_.end()) {
      return it->second;
    }
  }
  auto key = crypto::PrivateKey::FromPem(row.private_pem);
  if (!key.ok()) {
    return MakeError(ErrorCode::kInternal, "signing key " + row.key_name + " does not load");
  }
  std::shared_ptr<const crypto::Signer> signer =
      std::make_shared<crypto::LocalSigner>(row.key_name, std::move(key).value());
  const std::lock_guard lock(mutex_);
  signers_.emplace(row.key_name, signer);
  return signer;
}

Result<std::vector<std::shared_ptr<const crypto::Signer>>> OrgKeys::SignersFor(
    std::string_view org_uid) {
  APKD_ASSIGN_OR_RETURN(auto rows, store_.ListSigningKeys(org_uid));
  std::vector<std::shared_ptr<const crypto::Signer>> signers;
  for (const auto state : {storage::KeyState::kRetiring, storage::KeyState::kActive}) {
    for (const auto& row : rows) {
      if (row.state != state) {
        continue;
      }
      APKD_ASSIGN_OR_RETURN(auto signer, SignerFor(row));
      signers.push_back(std::move(signer));
    }
  }
  return signers;
}

Result<std::vector<PublicOrgKey>> OrgKeys::Published(std::string_view org_uid) {
  APKD_ASSIGN_OR_RETURN(auto rows, store_.ListSigningKeys(org_uid));
  std::vector<PublicOrgKey> keys;
  for (const auto& row : rows) {
    if (row.state == storage::KeyState::kRetired) {
      continue;
    }
    APKD_ASSIGN_OR_RETURN(auto public_key, crypto::PublicKey::FromPem(row.public_pem));
    keys.push_back(PublicOrgKey{.kid = KeyIdOf(row.key_name),
                                .key_name = row.key_name,
                                .public_pem = row.public_pem,
                                .modulus = public_key.ModulusBytes(),
                                .exponent = public_key.ExponentBytes(),
                                .state = row.state});
  }
  return keys;
}

Result<std::vector<storage::SigningKeyRow>> OrgKeys::List(std::string_view org_uid) {
  APKD_ASSIGN_OR_RETURN(auto rows, store_.ListSigningKeys(org_uid));
  std::vector<storage::SigningKeyRow> out;
  out.reserve(rows.size());
  for (auto& row : rows) {
    out.push_back(PublicOnly(std::move(row)));
  }
  return out;
}

Result<storage::SigningKeyRow> OrgKeys::Rotate(const storage::Org& org) {
  APKD_ASSIGN_OR_RETURN(auto rows, store_.ListSigningKeys(org.uid));
  // Generate first: a failure leaves the current keys untouched.
  APKD_ASSIGN_OR_RETURN(auto fresh, CreateFor(org));
  for (const auto& row : rows) {
    if (row.state == storage::KeyState::kRetiring) {
      APKD_RETURN_IF_ERROR(
          store_.SetSigningKeyState(org.uid, row.key_name, storage::KeyState::kRetired));
    } else if (row.state == storage::KeyState::kActive) {
      APKD_RETURN_IF_ERROR(
          store_.SetSigningKeyState(org.uid, row.key_name, storage::KeyState::kRetiring));
    }
  }
  return fresh;
}

Status OrgKeys::Retire(std::string_view org_uid) {
  APKD_ASSIGN_OR_RETURN(auto rows, store_.ListSigningKeys(org_uid));
  bool any = false;
  for (const auto& row : rows) {
    if (row.state == storage::KeyState::kRetiring) {
      APKD_RETURN_IF_ERROR(
          store_.SetSigningKeyState(org_uid, row.key_name, storage::KeyState::kRetired));
      any = true;
    }
  }
  if (!any) {
    return MakeError(ErrorCode::kNotFound, "no retiring key to retire");
  }
  return OkStatus();
}

}  // namespace apkd::service
