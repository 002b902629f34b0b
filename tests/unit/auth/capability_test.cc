#include "auth/capability.h"

#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace apkd::auth {
namespace {

TEST(CapabilityTest, EveryNameRoundTripsAndIsUnique) {
  std::set<std::string_view> seen;
  for (const Capability capability : kAllCapabilities) {
    const std::string_view name = CapabilityName(capability);
    EXPECT_TRUE(seen.insert(name).second) << name;
    auto parsed = ParseCapability(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, capability);
  }
  EXPECT_EQ(seen.size(), kCapabilityCount);
}

TEST(CapabilityTest, ProductSetIsPresent) {
  for (const std::string_view name :
       {"apk.list", "apk.blobs.get", "apk.create", "apk.update", "apk.delete", "groups.list",
        "identity.create", "identity.list", "identity.delete", "roles.create", "roles.list",
        "roles.delete", "role_bindings.create", "role_bindings.list", "role_bindings.delete",
        "packages.entitlements.list", "packages.entitlements.create",
        "packages.entitlements.delete", "audit.list"}) {
    EXPECT_TRUE(ParseCapability(name).ok()) << name;
  }
}

// Bit indices go into tokens: they must never change.
TEST(CapabilityTest, BitIndicesAreStable) {
  EXPECT_EQ(static_cast<int>(Capability::kApkList), 0);
  EXPECT_EQ(static_cast<int>(Capability::kApkBlobsGet), 1);
  EXPECT_EQ(static_cast<int>(Capability::kGroupsList), 5);
  EXPECT_EQ(static_cast<int>(Capability::kEntitlementsDelete), 19);
  EXPECT_EQ(static_cast<int>(Capability::kAuditList), 20);
  EXPECT_EQ(CapabilitySet::All().ToCompact(), "1fffff");
}

TEST(CapabilityTest, ParseIsExact) {
  for (const std::string_view bad : {"", "APK.LIST", "apk.list ", "apk", "apk.*", "repo.list"}) {
    auto parsed = ParseCapability(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  }
  auto unknown = ParseCapability("apk.steal");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("\"apk.steal\""), std::string::npos);
  auto hostile = ParseCapability(std::string(200, 'a') + "\n\"");
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.error().message().find('\n'), std::string::npos);
  EXPECT_LT(hostile.error().message().size(), 120U);
}

TEST(CapabilitySetTest, ListFormatRoundTrip) {
  auto set = CapabilitySet::Parse(" apk.blobs.get ,apk.list,\tgroups.list, apk.list");
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_EQ(set->size(), 3U);
  EXPECT_EQ(set->ToString(), "apk.list,apk.blobs.get,groups.list");
  auto again = CapabilitySet::Parse(set->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *set);
  EXPECT_EQ(CapabilitySet::Parse("").value(), CapabilitySet());
  EXPECT_EQ(CapabilitySet::Parse("  ").value(), CapabilitySet());
  EXPECT_EQ(CapabilitySet().ToString(), "");
  auto all = CapabilitySet::Parse(CapabilitySet::All().ToString());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, CapabilitySet::All());
  EXPECT_EQ(all->Names().size(), kCapabilityCount);
}

TEST(CapabilitySetTest, ListParseErrors) {
  for (const std::string_view bad : {"apk.list,", ",apk.list", "apk.list,,apk.create",
                                     "apk.list;apk.create", "apk.list apk.create"}) {
    auto parsed = CapabilitySet::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(CapabilitySetTest, CompactRoundTrip) {
  EXPECT_EQ(CapabilitySet().ToCompact(), "0");
  EXPECT_EQ(CapabilitySet({Capability::kApkList}).ToCompact(), "1");
  EXPECT_EQ(CapabilitySet({Capability::kApkList, Capability::kApkBlobsGet, Capability::kGroupsList})
                .ToCompact(),
            "23");
  for (const Capability capability : kAllCapabilities) {
    const CapabilitySet set = CapabilitySet::All() - CapabilitySet{capability};
    auto parsed = CapabilitySet::ParseCompact(set.ToCompact());
    ASSERT_TRUE(parsed.ok()) << set.ToCompact();
    EXPECT_EQ(*parsed, set);
  }
  EXPECT_EQ(CapabilitySet::ParseCompact("0").value(), CapabilitySet());
}

TEST(CapabilitySetTest, CompactParseIsCanonicalAndFailsClosed) {
  for (const std::string_view bad :
       {"", "00", "01", "F", "fffff ", "+1", "-1", "0x1", "g", "200000", "fffffffff", "ffffffff"}) {
    auto parsed = CapabilitySet::ParseCompact(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  EXPECT_FALSE(CapabilitySet::FromBits(CapabilitySet::Bits{1} << kCapabilityCount).ok());
  EXPECT_TRUE(CapabilitySet::FromBits(CapabilitySet::kValidBits).ok());
}

TEST(CapabilitySetTest, SetOperations) {
  constexpr CapabilitySet kPull = {Capability::kApkList, Capability::kApkBlobsGet};
  constexpr CapabilitySet kList = {Capability::kApkList, Capability::kRolesList};
  EXPECT_EQ(kPull | kList, (CapabilitySet{Capability::kApkList, Capability::kApkBlobsGet,
                                          Capability::kRolesList}));
  EXPECT_EQ(kPull & kList, CapabilitySet{Capability::kApkList});
  EXPECT_EQ(kPull - kList, CapabilitySet{Capability::kApkBlobsGet});
  EXPECT_TRUE(CapabilitySet::All().ContainsAll(kPull));
  EXPECT_FALSE(kPull.ContainsAll(kList));
  EXPECT_TRUE(kPull.ContainsAll(CapabilitySet()));
  CapabilitySet set;
  EXPECT_TRUE(set.empty());
  set.Add(Capability::kApkDelete).Add(Capability::kApkDelete);
  EXPECT_EQ(set.size(), 1U);
  EXPECT_TRUE(set.Has(Capability::kApkDelete));
  set.Remove(Capability::kApkDelete);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(CapabilitySet::All().size(), kCapabilityCount);
}

}  // namespace
}  // namespace apkd::auth
