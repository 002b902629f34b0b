#include "index/signature_check.h"

#include <optional>
#include <string>

namespace apkd::index {
namespace {

using format::SignatureAlgorithm;

std::optional<crypto::DigestAlgorithm> DigestFor(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kRsaSha1:
      return crypto::DigestAlgorithm::kSha1;
    case SignatureAlgorithm::kRsaSha256:
      return crypto::DigestAlgorithm::kSha256;
    case SignatureAlgorithm::kRsaSha512:
      return crypto::DigestAlgorithm::kSha512;
    case SignatureAlgorithm::kDsa:
      return std::nullopt;  // obsolete; skipped by every client
  }
  return std::nullopt;
}

Error Untrusted(std::string why) {
  return MakeError(ErrorCode::kSignatureInvalid, "UNTRUSTED signature: " + std::move(why));
}

std::string KeyList(std::span<const format::SignatureEntry> entries) {
  std::string names;
  for (const auto& entry : entries) {
    names += (names.empty() ? "" : ", ") + entry.key_name;
  }
  return names;
}

}  // namespace

Result<Verified> VerifySignatureEntries(std::span<const format::SignatureEntry> entries,
                                        std::string_view signed_bytes, const Keyring& keyring,
                                        VerifyRule rule) {
  if (entries.empty()) {
    return Untrusted("no .SIGN entry");
  }
  std::optional<Error> first_failure;
  for (const format::SignatureEntry& entry : entries) {
    const auto digest = DigestFor(entry.algorithm);
    if (!digest || (rule == VerifyRule::kApko && entry.algorithm == SignatureAlgorithm::kRsaSha512)) {
      continue;
    }
    const crypto::PublicKey* key = keyring.Find(entry.key_name);
    if (key == nullptr) {
      continue;
    }
    if (key->Verify(*digest, signed_bytes, entry.signature).ok()) {
      return Verified{.key_name = entry.key_name, .algorithm = entry.algorithm};
    }
    Error bad = MakeError(ErrorCode::kSignatureInvalid,
                          "BAD signature: the " +
                              std::string(format::SignatureAlgorithmName(entry.algorithm)) +
                              " signature by " + entry.key_name + " does not match the data");
    if (rule == VerifyRule::kApkTools) {
      return bad;  // apk-tools never fall back to a later entry
    }
    if (!first_failure) {
      first_failure = std::move(bad);
    }
  }
  if (first_failure) {
    return *first_failure;
  }
  return Untrusted("no trusted key among the signers (" + KeyList(entries) + ")");
}

}  // namespace apkd::index
