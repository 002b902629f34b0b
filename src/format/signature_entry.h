// `.SIGN.<ALG>.<keyname>` tar entries (apk-protocol §4.1-§4.2): the signatures at the head of
// packages and indexes. The key name is the exact key file name the client looks up.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apkd::format {

enum class SignatureAlgorithm { kRsaSha1, kRsaSha256, kRsaSha512, kDsa };

struct SignatureEntry {
  SignatureAlgorithm algorithm = SignatureAlgorithm::kRsaSha256;
  std::string key_name;
  std::string signature;  // raw bytes, modulus-sized

  bool operator==(const SignatureEntry&) const = default;
};

inline constexpr std::string_view kSignaturePrefix = ".SIGN.";
// The whole `.SIGN.<ALG>.<keyname>` must fit the 100-byte ustar name field.
inline constexpr size_t kMaxSignatureEntryName = 100;

// nullopt when `entry_name` is not `.SIGN.<RSA|RSA256|RSA512|DSA>.<non-empty name>`.
std::optional<SignatureEntry> ParseSignatureEntryName(std::string_view entry_name);
std::string SignatureEntryName(SignatureAlgorithm algorithm, std::string_view key_name);
std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm);  // "RSA256", …

}  // namespace apkd::format
