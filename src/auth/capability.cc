#include "auth/capability.h"

#include <array>
#include <bit>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::auth {
namespace {

// Indexed by bit. Names are Chainguard's (chainguard-dev/sdk capabilities.proto).
constexpr std::array<std::string_view, kCapabilityCount> kNames = {
    "apk.list",
    "apk.blobs.get",
    "apk.create",
    "apk.update",
    "apk.delete",
    "groups.list",
    "groups.create",
    "groups.delete",
    "identity.create",
    "identity.list",
    "identity.delete",
    "roles.create",
    "roles.list",
    "roles.delete",
    "role_bindings.create",
    "role_bindings.list",
    "role_bindings.delete",
    "packages.entitlements.list",
    "packages.entitlements.create",
    "packages.entitlements.delete",
    "audit.list",
};

// Longest name echoed back in an error; longer input is cut so errors stay readable.
constexpr size_t kMaxEchoedName = 64;
constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr size_t kBitsPerHexDigit = 4;

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// `name` made safe to quote in an error: printable ASCII only, bounded length.
std::string Printable(std::string_view name) {
  std::string out;
  for (const char c : name.substr(0, kMaxEchoedName)) {
    out += (c >= ' ' && c <= '~' && c != '"') ? c : '?';
  }
  if (name.size() > kMaxEchoedName) {
    out += "...";
  }
  return out;
}

}  // namespace

std::string_view CapabilityName(Capability capability) {
  const auto index = static_cast<size_t>(capability);
  return index < kNames.size() ? kNames[index] : std::string_view("unknown");
}

Result<Capability> ParseCapability(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      return static_cast<Capability>(i);
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown capability \"" + Printable(name) + "\"");
}

Result<CapabilitySet> CapabilitySet::FromBits(Bits bits) {
  if ((bits & ~kValidBits) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "capability set names capabilities unknown to this server");
  }
  return FromValidBits(bits);
}

size_t CapabilitySet::size() const { return static_cast<size_t>(std::popcount(bits_)); }

std::vector<Capability> CapabilitySet::ToList() const {
  std::vector<Capability> out;
  for (const Capability capability : kAllCapabilities) {
    if (Has(capability)) {
      out.push_back(capability);
    }
  }
  return out;
}

std::vector<std::string_view> CapabilitySet::Names() const {
  std::vector<std::string_view> out;
  for (const Capability capability : ToList()) {
    out.push_back(CapabilityName(capability));
  }
  return out;
}

std::string CapabilitySet::ToString() const {
  std::string out;
  for (const std::string_view name : Names()) {
    if (!out.empty()) {
      out += ',';
    }
    out += name;
  }
  return out;
}

Result<CapabilitySet> CapabilitySet::Parse(std::string_view text) {
  CapabilitySet set;
  if (TrimSpaces(text).empty()) {
    return set;
  }
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = TrimSpaces(text.substr(0, comma));
    if (item.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "empty capability name in list");
    }
    APKD_ASSIGN_OR_RETURN(const Capability capability, ParseCapability(item));
    set.Add(capability);
    if (comma == std::string_view::npos) {
      return set;
    }
    text.remove_prefix(comma + 1);
  }
}

std::string CapabilitySet::ToCompact() const {
  if (bits_ == 0) {
    return "0";
  }
  std::string out;
  for (Bits rest = bits_; rest != 0; rest >>= kBitsPerHexDigit) {
    out.insert(out.begin(), kHexDigits[rest & 0xf]);
  }
  return out;
}

Result<CapabilitySet> CapabilitySet::ParseCompact(std::string_view text) {
  constexpr size_t kMaxDigits = sizeof(Bits) * 8 / kBitsPerHexDigit;
  const bool has_leading_zero = text.size() > 1 && text.front() == '0';
  if (text.empty() || text.size() > kMaxDigits || has_leading_zero) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed compact capability set");
  }
  Bits bits = 0;
  for (const char c : text) {
    const size_t digit = kHexDigits.find(c);
    if (digit == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "malformed compact capability set");
    }
    bits = static_cast<Bits>(bits << kBitsPerHexDigit) | static_cast<Bits>(digit);
  }
  return FromBits(bits);
}

}  // namespace apkd::auth
