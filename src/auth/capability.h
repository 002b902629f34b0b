// Capabilities (`resource.verb`, Chainguard's names) and CapabilitySet, a bitset of them.
// Each capability has a stable bit index that is written into tokens, so enumerators are only
// ever appended, never renumbered or reused. Pure value types, thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::auth {

// The value is the bit index. Append new capabilities at the end and bump kCapabilityCount.
enum class Capability : uint8_t {
  kApkList = 0,              // apk.list: see indexes and package metadata
  kApkBlobsGet = 1,          // apk.blobs.get: download package bytes
  kApkCreate = 2,            // apk.create: publish packages
  kApkUpdate = 3,            // apk.update
  kApkDelete = 4,            // apk.delete: withdraw packages
  kGroupsList = 5,           // groups.list: see organizations
  kGroupsCreate = 6,         // groups.create: create organizations
  kGroupsDelete = 7,         // groups.delete
  kIdentityCreate = 8,       // identity.create: identities and pull tokens
  kIdentityList = 9,         // identity.list
  kIdentityDelete = 10,      // identity.delete
  kRolesCreate = 11,         // roles.create: custom roles
  kRolesList = 12,           // roles.list
  kRolesDelete = 13,         // roles.delete
  kRoleBindingsCreate = 14,  // role_bindings.create
  kRoleBindingsList = 15,    // role_bindings.list
  kRoleBindingsDelete = 16,  // role_bindings.delete
  kEntitlementsList = 17,    // packages.entitlements.list
  kEntitlementsCreate = 18,  // packages.entitlements.create
  kEntitlementsDelete = 19,  // packages.entitlements.delete
  kAuditList = 20,           // audit.list: read an org's audit log (downloads, denials); owner only
};

inline constexpr size_t kCapabilityCount = 21;

// Every capability, in bit order (which is also the canonical output order).
inline constexpr std::array<Capability, kCapabilityCount> kAllCapabilities = [] {
  std::array<Capability, kCapabilityCount> all{};
  for (size_t i = 0; i < kCapabilityCount; ++i) {
    all[i] = static_cast<Capability>(i);
  }
  return all;
}();

// "apk.blobs.get" and so on.
std::string_view CapabilityName(Capability capability);
// Exact, case-sensitive match of a Chainguard name; kInvalidArgument otherwise.
Result<Capability> ParseCapability(std::string_view name);

class CapabilitySet {
 public:
  using Bits = uint32_t;
  static_assert(kCapabilityCount <= sizeof(Bits) * 8, "widen CapabilitySet::Bits");
  static constexpr Bits kValidBits = (Bits{1} << kCapabilityCount) - 1;

  constexpr CapabilitySet() = default;
  constexpr CapabilitySet(std::initializer_list<Capability> capabilities) {
    for (const Capability capability : capabilities) {
      bits_ |= Bit(capability);
    }
  }
  static constexpr CapabilitySet All() { return FromValidBits(kValidBits); }
  // kInvalidArgument if `bits` names a capability this build does not know (fail closed).
  static Result<CapabilitySet> FromBits(Bits bits);

  constexpr Bits bits() const { return bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  size_t size() const;
  constexpr bool Has(Capability capability) const { return (bits_ & Bit(capability)) != 0; }
  constexpr bool ContainsAll(CapabilitySet other) const {
    return (bits_ & other.bits_) == other.bits_;
  }

  constexpr CapabilitySet& Add(Capability capability) {
    bits_ |= Bit(capability);
    return *this;
  }
  constexpr CapabilitySet& Remove(Capability capability) {
    bits_ &= static_cast<Bits>(~Bit(capability));
    return *this;
  }
  friend constexpr CapabilitySet operator|(CapabilitySet a, CapabilitySet b) {
    return FromValidBits(a.bits_ | b.bits_);
  }
  friend constexpr CapabilitySet operator&(CapabilitySet a, CapabilitySet b) {
    return FromValidBits(a.bits_ & b.bits_);
  }
  // The capabilities of `a` that are not in `b`.
  friend constexpr CapabilitySet operator-(CapabilitySet a, CapabilitySet b) {
    return FromValidBits(a.bits_ & static_cast<Bits>(~b.bits_));
  }
  constexpr bool operator==(const CapabilitySet&) const = default;

  std::vector<Capability> ToList() const;       // bit order
  std::vector<std::string_view> Names() const;  // bit order
  // Comma-separated names in bit order ("apk.list,apk.blobs.get"); "" when empty.
  std::string ToString() const;
  // The inverse of ToString, also what `--capabilities a,b` takes: names separated by commas,
  // spaces around names ignored, duplicates allowed. Empty items and unknown names are
  // kInvalidArgument. "" is the empty set.
  static Result<CapabilitySet> Parse(std::string_view text);

  // The compact form used in token claims: lowercase hex of bits(), no leading zeros ("0" when
  // empty). ParseCompact accepts exactly that canonical form and refuses unknown bits.
  std::string ToCompact() const;
  static Result<CapabilitySet> ParseCompact(std::string_view text);

 private:
  static constexpr Bits Bit(Capability capability) {
    return Bits{1} << static_cast<unsigned>(capability);
  }
  static constexpr CapabilitySet FromValidBits(Bits bits) {
    CapabilitySet set;
    set.bits_ = bits & kValidBits;
    return set;
  }

  Bits bits_ = 0;
};

}  // namespace apkd::auth
