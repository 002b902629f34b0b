#include "format/signature_entry.h"

#include <array>
#include <utility>

namespace apkd::format {
namespace {

constexpr std::array<std::pair<std::string_view, SignatureAlgorithm>, 4> kAlgorithms{{
    {"RSA512", SignatureAlgorithm::kRsaSha512},
    {"RSA256", SignatureAlgorithm::kRsaSha256},
    {"RSA", SignatureAlgorithm::kRsaSha1},
    {"DSA", SignatureAlgorithm::kDsa},
}};

}  // namespace

std::optional<SignatureEntry> ParseSignatureEntryName(std::string_view entry_name) {
  if (!entry_name.starts_with(kSignaturePrefix)) {
    return std::nullopt;
  }
  entry_name.remove_prefix(kSignaturePrefix.size());
  for (const auto& [name, algorithm] : kAlgorithms) {
    if (entry_name.size() > name.size() + 1 && entry_name.starts_with(name) &&
        entry_name[name.size()] == '.') {
      return SignatureEntry{.algorithm = algorithm,
                            .key_name = std::string(entry_name.substr(name.size() + 1)),
                            .signature = {}};
    }
  }
  return std::nullopt;
}

std::string SignatureEntryName(SignatureAlgorithm algorithm, std::string_view key_name) {
  return std::string(kSignaturePrefix) + std::string(SignatureAlgorithmName(algorithm)) + "." +
         std::string(key_name);
}

std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  for (const auto& [name, value] : kAlgorithms) {
    if (value == algorithm) {
      return name;
    }
  }
  return "?";
}

}  // namespace apkd::format
