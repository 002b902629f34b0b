#include "auth/roles.h"

#include <string>

#include <gtest/gtest.h>

#include "auth/capability.h"

namespace apkd::auth {
namespace {

const Role& Builtin(std::string_view name) {
  const Role* role = FindBuiltinRole(name);
  EXPECT_NE(role, nullptr) << name;
  static const Role kMissing;
  return role != nullptr ? *role : kMissing;
}

TEST(RolesTest, ApkPullIsExactlyListBlobsAndGroups) {
  const Role& pull = Builtin("apk.pull");
  EXPECT_TRUE(pull.is_builtin);
  EXPECT_EQ(pull.capabilities.ToString(), "apk.list,apk.blobs.get,groups.list");
}

TEST(RolesTest, ConsoleViewerBrowsesButCannotDownload) {
  const CapabilitySet caps = Builtin("console_viewer").capabilities;
  EXPECT_TRUE(caps.Has(Capability::kApkList));
  EXPECT_FALSE(caps.Has(Capability::kApkBlobsGet));
  for (const Capability capability : caps.ToList()) {
    EXPECT_TRUE(CapabilityName(capability).ends_with(".list")) << CapabilityName(capability);
  }
  // Every list capability is there, except audit.list (owners only: who pulled what from where).
  for (const Capability capability : kAllCapabilities) {
    if (CapabilityName(capability).ends_with(".list") && capability != Capability::kAuditList) {
      EXPECT_TRUE(caps.Has(capability)) << CapabilityName(capability);
    }
  }
}

TEST(RolesTest, ViewerIsConsoleViewerPlusPull) {
  EXPECT_EQ(Builtin("viewer").capabilities,
            Builtin("console_viewer").capabilities | Builtin("apk.pull").capabilities);
  EXPECT_TRUE(Builtin("viewer").capabilities.Has(Capability::kApkBlobsGet));
  EXPECT_FALSE(Builtin("viewer").capabilities.Has(Capability::kApkCreate));
}

TEST(RolesTest, EditorPublishesButCannotGrant) {
  const CapabilitySet caps = Builtin("editor").capabilities;
  EXPECT_TRUE(caps.ContainsAll(Builtin("viewer").capabilities));
  EXPECT_TRUE(caps.Has(Capability::kApkCreate));
  EXPECT_TRUE(caps.Has(Capability::kApkUpdate));
  EXPECT_TRUE(caps.Has(Capability::kApkDelete));
  for (const Capability grant : {Capability::kIdentityCreate, Capability::kRoleBindingsCreate,
                                 Capability::kRolesCreate, Capability::kEntitlementsCreate,
                                 Capability::kEntitlementsDelete, Capability::kGroupsCreate}) {
    EXPECT_FALSE(caps.Has(grant)) << CapabilityName(grant);
  }
}

TEST(RolesTest, OwnerHasEverything) {
  EXPECT_EQ(Builtin("owner").capabilities, CapabilitySet::All());
  for (const Capability capability : kAllCapabilities) {
    EXPECT_TRUE(Builtin("owner").capabilities.Has(capability));
  }
}

TEST(RolesTest, OnlyOwnerReadsTheAuditLog) {
  for (const Role& role : BuiltinRoles()) {
    EXPECT_EQ(role.capabilities.Has(Capability::kAuditList), role.name == "owner") << role.name;
  }
}

TEST(RolesTest, PullTokenCreatorCannotListIdentities) {
  const CapabilitySet caps = Builtin("pull_token_creator").capabilities;
  EXPECT_TRUE(caps.ContainsAll(Builtin("apk.pull").capabilities));
  EXPECT_TRUE(caps.Has(Capability::kIdentityCreate));
  EXPECT_TRUE(caps.Has(Capability::kRoleBindingsCreate));
  EXPECT_TRUE(caps.Has(Capability::kRolesList));
  EXPECT_FALSE(caps.Has(Capability::kIdentityList));
}

TEST(RolesTest, BuiltinTableIsConsistent) {
  EXPECT_EQ(BuiltinRoles().size(), 6U);
  for (const Role& role : BuiltinRoles()) {
    EXPECT_TRUE(role.is_builtin);
    EXPECT_EQ(FindBuiltinRole(role.name), &role);
    EXPECT_TRUE(IsBuiltinRoleName(role.name));
    // Every role is within owner's.
    EXPECT_TRUE(CapabilitySet::All().ContainsAll(role.capabilities));
  }
  EXPECT_EQ(FindBuiltinRole("Owner"), nullptr);
  EXPECT_EQ(FindBuiltinRole("apk.role"), nullptr);
}

TEST(RolesTest, CustomRoles) {
  auto role = MakeCustomRole("ci-puller", CapabilitySet{Capability::kApkList});
  ASSERT_TRUE(role.ok()) << role.error().message();
  EXPECT_FALSE(role->is_builtin);
  EXPECT_EQ(role->name, "ci-puller");
  EXPECT_EQ(role->capabilities, CapabilitySet{Capability::kApkList});

  EXPECT_TRUE(ValidateCustomRoleName("a").ok());
  EXPECT_TRUE(ValidateCustomRoleName("team.pull_2").ok());
  EXPECT_TRUE(ValidateCustomRoleName(std::string(64, 'r')).ok());
  auto builtin = MakeCustomRole("owner", CapabilitySet());
  ASSERT_FALSE(builtin.ok());
  EXPECT_EQ(builtin.error().code(), ErrorCode::kAlreadyExists);
  for (const std::string& bad :
       {std::string(), std::string(65, 'r'), std::string("Admin"), std::string("-x"),
        std::string(".x"), std::string("a b"), std::string("a/b"), std::string("caf\xc3\xa9")}) {
    auto status = ValidateCustomRoleName(bad);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace apkd::auth
