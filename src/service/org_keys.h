// OrgKeys: every org's RSA index-signing keys. A key is created with its org; Rotate makes a new
// active key and turns the old one into "retiring" (both sign the index, old first, so clients
// holding either key verify); Retire ends the overlap. Key names are
// `<slug>-<64 hex SHA-256 of DER SPKI>.rsa.pub` (apk-protocol.md §4.1, §7.3).
// Thread-safe: parsed signers are cached under a mutex; the store is the system of record.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/signer.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

inline constexpr size_t kMaxKeyIdBytes = 79;  // apk-protocol.md §4.1
inline constexpr std::string_view kKeyFileSuffix = ".rsa.pub";

// The org name lowercased, characters outside [a-z0-9-] replaced by '-', truncated so that
// `<slug>-<64 hex>` stays within kMaxKeyIdBytes; "org" when nothing is left.
std::string KeySlug(std::string_view org_name);
// "acme-<hex>.rsa.pub" -> "acme-<hex>".
std::string KeyIdOf(std::string_view key_name);

struct OrgKeysOptions {
  int rsa_bits = 4096;           // tests use 2048 to stay fast
  std::function<int64_t()> now;  // seconds since the epoch; defaults to the system clock
};

// A published (public) key: what the JWKS and /<org>/<kid>.rsa.pub serve.
struct PublicOrgKey {
  std::string kid;  // key name without ".rsa.pub"
  std::string key_name;
  std::string public_pem;
  std::string modulus;   // big-endian bytes
  std::string exponent;  // big-endian bytes
  storage::KeyState state = storage::KeyState::kActive;
};

class OrgKeys {
 public:
  OrgKeys(storage::MetadataStore& store, OrgKeysOptions options);

  // Generates and stores a new active key for `org`.
  Result<storage::SigningKeyRow> CreateFor(const storage::Org& org);
  // The keys that sign the org's index: retiring first, then active.
  Result<std::vector<std::shared_ptr<const crypto::Signer>>> SignersFor(std::string_view org_uid);
  // Active and retiring keys (public parts only).
  Result<std::vector<PublicOrgKey>> Published(std::string_view org_uid);
  // Every key row of the org with private_pem cleared.
  Result<std::vector<storage::SigningKeyRow>> List(std::string_view org_uid);
  // New active key; the old active one becomes retiring, an older retiring one retired.
  Result<storage::SigningKeyRow> Rotate(const storage::Org& org);
  // Every retiring key becomes retired; kNotFound when none is retiring.
  Status Retire(std::string_view org_uid);

 private:
  Result<std::shared_ptr<const crypto::Signer>> SignerFor(const storage::SigningKeyRow& row);

  storage::MetadataStore& store_;
  OrgKeysOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const crypto::Signer>, std::less<>> signers_;  // by name
};

}  // namespace apkd::service
