// Verifying `.SIGN.*` entries against a keyring exactly as the clients do (apk-protocol §4.2):
// apk-tools use the FIRST entry whose algorithm they know and whose key file they have, and that
// one decides; apko tries every entry it has a key for and skips RSA512. Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "format/signature_entry.h"
#include "index/keyring.h"
#include "util/result.h"

namespace apkd::index {

enum class VerifyRule { kApkTools, kApko };

struct Verified {
  std::string key_name;
  format::SignatureAlgorithm algorithm = format::SignatureAlgorithm::kRsaSha256;
};

// `signed_bytes` are the raw gzip bytes the signatures cover (an index's data member, a
// package's control member). kSignatureInvalid says why: no signature, no trusted key, or which
// key's signature is bad.
Result<Verified> VerifySignatureEntries(std::span<const format::SignatureEntry> entries,
                                        std::string_view signed_bytes, const Keyring& keyring,
                                        VerifyRule rule = VerifyRule::kApkTools);

}  // namespace apkd::index
