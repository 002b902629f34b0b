// MetadataStore contract, part 1: organizations, images, entitlements, the base set, packages
// and the repository view. Runs against every implementation (metadata_store_fixture.h).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/validation.h"
#include "unit/storage/metadata_store_fixture.h"

namespace apkd::storage {
namespace {

template <typename Factory>
class CatalogStoreTest : public MetadataStoreTest<Factory> {};
TYPED_TEST_SUITE(CatalogStoreTest, StoreFactories, StoreNames);

using Names = std::vector<std::string>;

std::vector<std::string> Keys(const std::vector<PackageRow>& rows) {
  std::vector<std::string> out;
  for (const PackageRow& row : rows) {
    out.push_back((row.org_uid.empty() ? "" : "private:") + row.name + "-" + row.version + "/" +
                  row.arch);
  }
  return out;
}

TYPED_TEST(CatalogStoreTest, CreateOrgGeneratesAUidAndFindsByNameOrUid) {
  const Org org = this->NewOrg("acme.example");
  EXPECT_TRUE(IsValidUid(org.uid)) << org.uid;
  EXPECT_EQ(org.name, "acme.example");
  EXPECT_EQ(org.created_at, 1700000000);
  EXPECT_EQ(Must(this->store().FindOrg("acme.example")), org);
  EXPECT_EQ(Must(this->store().FindOrg(org.uid)), org);
  EXPECT_EQ(CodeOf(this->store().FindOrg("other")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().FindOrg(std::string(32, 'a'))), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().FindOrg("")), ErrorCode::kNotFound);
}

TYPED_TEST(CatalogStoreTest, CreateOrgKeepsAGivenUidAndRejectsDuplicates) {
  const std::string uid = "0123456789abcdef0123456789abcdef";
  const Org org = Must(this->store().CreateOrg({.uid = uid, .name = "acme", .created_at = 5}));
  EXPECT_EQ(org.uid, uid);
  EXPECT_EQ(CodeOf(this->store().CreateOrg({.uid = "", .name = "acme", .created_at = 6})),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(this->store().CreateOrg({.uid = uid, .name = "other", .created_at = 6})),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(Must(this->store().ListOrgs()).size(), 1u);
}

TYPED_TEST(CatalogStoreTest, RejectsBadOrgNamesAndUids) {
  const std::vector<std::string> bad_names = {"",
                                              "Acme",
                                              "../x",
                                              "a/b",
                                              "a..b",
                                              ".acme",
                                              "-acme",
                                              "acme example",
                                              "acme\n",
                                              "0123456789abcdef0123456789abcdef",
                                              std::string(129, 'a')};
  for (const std::string& name : bad_names) {
    SCOPED_TRACE(name);
    EXPECT_EQ(CodeOf(this->store().CreateOrg({.uid = "", .name = name, .created_at = 0})),
              ErrorCode::kInvalidArgument);
  }
  for (const std::string uid : {"ABCDEF0123456789ABCDEF0123456789", "abc", "../../x"}) {
    EXPECT_EQ(CodeOf(this->store().CreateOrg({.uid = uid, .name = "ok", .created_at = 0})),
              ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(Must(this->store().ListOrgs()).empty());
}

TYPED_TEST(CatalogStoreTest, ListOrgsIsSortedByName) {
  this->NewOrg("zeta");
  this->NewOrg("alpha.example");
  this->NewOrg("mid");
  std::vector<std::string> names;
  for (const Org& org : Must(this->store().ListOrgs())) {
    names.push_back(org.name);
  }
  EXPECT_EQ(names, (Names{"alpha.example", "mid", "zeta"}));
}

TYPED_TEST(CatalogStoreTest, ImagesAreNormalisedReplacedAndDeleted) {
  const Image stored =
      Must(this->store().PutImage({.name = "mysql", .packages = {"mysql", "bash", "mysql"}}));
  EXPECT_EQ(stored.packages, (Names{"bash", "mysql"}));
  EXPECT_EQ(Must(this->store().GetImage("mysql")), stored);
  Must(this->store().PutImage({.name = "empty", .packages = {}}));
  Must(this->store().PutImage({.name = "mysql", .packages = {"openssl", "mysql"}}));
  const std::vector<Image> images = Must(this->store().ListImages());
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0], (Image{.name = "empty", .packages = {}}));
  EXPECT_EQ(images[1], (Image{.name = "mysql", .packages = {"mysql", "openssl"}}));
  MustOk(this->store().DeleteImage("mysql"));
  EXPECT_EQ(CodeOf(this->store().GetImage("mysql")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().DeleteImage("mysql")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().PutImage({.name = "../x", .packages = {}})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(this->store().PutImage({.name = "x", .packages = {"ok", "a/b"}})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(this->store().GetImage("x")), ErrorCode::kNotFound);
}

TYPED_TEST(CatalogStoreTest, EntitlementsLinkOrgsAndImages) {
  const Org acme = this->NewOrg("acme");
  const Org beta = this->NewOrg("beta");
  Must(this->store().PutImage({.name = "mysql", .packages = {"mysql"}}));
  Must(this->store().PutImage({.name = "nginx", .packages = {"nginx"}}));
  MustOk(this->store().AddEntitlement({.org_uid = acme.uid, .image = "nginx"}));
  MustOk(this->store().AddEntitlement({.org_uid = acme.uid, .image = "mysql"}));
  MustOk(this->store().AddEntitlement({.org_uid = beta.uid, .image = "mysql"}));
  EXPECT_EQ(CodeOf(this->store().AddEntitlement({.org_uid = acme.uid, .image = "mysql"})),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(this->store().AddEntitlement({.org_uid = acme.uid, .image = "nope"})),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().AddEntitlement(
                {.org_uid = "0123456789abcdef0123456789abcdef", .image = "mysql"})),
            ErrorCode::kNotFound);
  EXPECT_EQ(Must(this->store().ListEntitlements(acme.uid)),
            (std::vector<Entitlement>{{acme.uid, "mysql"}, {acme.uid, "nginx"}}));
  Names orgs = Must(this->store().ListEntitledOrgs("mysql"));
  Names expected{acme.uid, beta.uid};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(orgs, expected);
  EXPECT_EQ(CodeOf(this->store().ListEntitledOrgs("nope")), ErrorCode::kNotFound);

  MustOk(this->store().RemoveEntitlement({.org_uid = acme.uid, .image = "nginx"}));
  EXPECT_EQ(CodeOf(this->store().RemoveEntitlement({.org_uid = acme.uid, .image = "nginx"})),
            ErrorCode::kNotFound);
  // Deleting an image removes its entitlements.
  MustOk(this->store().DeleteImage("mysql"));
  EXPECT_TRUE(Must(this->store().ListEntitlements(acme.uid)).empty());
  EXPECT_TRUE(Must(this->store().ListEntitlements(beta.uid)).empty());
}

TYPED_TEST(CatalogStoreTest, EntitledNamesAreImagesPlusBaseSet) {
  const Org acme = this->NewOrg("acme");
  EXPECT_TRUE(Must(this->store().GetBaseSet()).empty());
  const Names base{"busybox", "apk-tools", "busybox"};
  MustOk(this->store().SetBaseSet(base));
  EXPECT_EQ(Must(this->store().GetBaseSet()), (Names{"apk-tools", "busybox"}));
  EXPECT_EQ(Must(this->store().EntitledPackageNames(acme.uid)), (Names{"apk-tools", "busybox"}));
  Must(this->store().PutImage({.name = "mysql", .packages = {"mysql", "bash", "busybox"}}));
  Must(this->store().PutImage({.name = "wget", .packages = {"wget"}}));
  MustOk(this->store().AddEntitlement({.org_uid = acme.uid, .image = "mysql"}));
  EXPECT_EQ(Must(this->store().EntitledPackageNames(acme.uid)),
            (Names{"apk-tools", "bash", "busybox", "mysql"}));
  const Names bad{"ok", "../x"};
  EXPECT_EQ(CodeOf(this->store().SetBaseSet(bad)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(this->store().EntitledPackageNames("0123456789abcdef0123456789abcdef")),
            ErrorCode::kNotFound);
}

TYPED_TEST(CatalogStoreTest, InsertAssignsIdsAndFindsExactly) {
  const PackageRow first = this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  const PackageRow second = this->Publish(MakePackage("", "wget", "1.21-r0", "aarch64"));
  EXPECT_GT(first.id, 0);
  EXPECT_GT(second.id, first.id);
  PackageRow expected = MakePackage("", "wget", "1.21-r0", "x86_64");
  expected.id = first.id;
  EXPECT_EQ(first, expected);
  EXPECT_EQ(Must(this->store().FindPackage("", "wget", "1.21-r0", "x86_64")), expected);
  EXPECT_EQ(CodeOf(this->store().FindPackage("", "wget", "1.21-r0", "noarch")),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().FindPackage("", "wget", "1.22-r0", "x86_64")),
            ErrorCode::kNotFound);
}

TYPED_TEST(CatalogStoreTest, RepublishingTheSameBytesIsIdempotent) {
  const PackageRow first = this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  const int64_t counter = this->Counter();
  PackageRow again = MakePackage("", "wget", "1.21-r0", "x86_64");
  again.published_at = 1800000000;  // a later upload of the same package
  EXPECT_EQ(Must(this->store().InsertPackage(again)), first);
  EXPECT_EQ(this->Counter(), counter);  // nothing changed
}

TYPED_TEST(CatalogStoreTest, DifferentBytesUnderTheSameVersionAreRejected) {
  const PackageRow first = this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  const int64_t counter = this->Counter();
  const auto conflict =
      this->store().InsertPackage(MakePackage("", "wget", "1.21-r0", "x86_64", "Q1b3RoZXI="));
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(conflict.error().message().find("wget-1.21-r0"), std::string::npos);
  EXPECT_EQ(Must(this->store().FindPackage("", "wget", "1.21-r0", "x86_64")), first);
  EXPECT_EQ(this->Counter(), counter);
}

TYPED_TEST(CatalogStoreTest, ScopesAreSeparate) {
  const Org acme = this->NewOrg("acme");
  const PackageRow catalog = this->Publish(MakePackage("", "tool", "1-r0", "x86_64"));
  const PackageRow mine =
      this->Publish(MakePackage(acme.uid, "tool", "1-r0", "x86_64", "Q1cHJpdmF0ZQ=="));
  EXPECT_NE(catalog.id, mine.id);
  EXPECT_EQ(Must(this->store().FindPackage(acme.uid, "tool", "1-r0", "x86_64")), mine);
  EXPECT_EQ(Must(this->store().FindPackage("", "tool", "1-r0", "x86_64")), catalog);
  EXPECT_EQ(CodeOf(this->store().InsertPackage(
                MakePackage("0123456789abcdef0123456789abcdef", "tool", "1-r0", "x86_64"))),
            ErrorCode::kNotFound);
}

TYPED_TEST(CatalogStoreTest, RejectsBadPackageFields) {
  std::vector<PackageRow> bad(8, MakePackage("", "ok", "1-r0", "x86_64"));
  bad[0].name = "../x";
  bad[1].name = "";
  bad[2].version = "1/2";
  bad[3].arch = "..";
  bad[4].blob_key = "../../etc/passwd";
  bad[5].blob_key = std::string(64, 'A');
  bad[6].org_uid = "not-a-uid";
  bad[7].checksum = "";
  for (const PackageRow& row : bad) {
    EXPECT_EQ(CodeOf(this->store().InsertPackage(row)), ErrorCode::kInvalidArgument)
        << row.name << " " << row.version << " " << row.arch << " " << row.blob_key;
  }
  EXPECT_TRUE(Must(this->store().ListPackages({})).empty());
}

TYPED_TEST(CatalogStoreTest, WithdrawRemovesTheRowAndIdsAreNotReused) {
  const PackageRow row = this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  EXPECT_EQ(Must(this->store().WithdrawPackage("", "wget", "1.21-r0", "x86_64")), row);
  EXPECT_EQ(CodeOf(this->store().FindPackage("", "wget", "1.21-r0", "x86_64")),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().WithdrawPackage("", "wget", "1.21-r0", "x86_64")),
            ErrorCode::kNotFound);
  EXPECT_FALSE(Must(this->store().IsBlobReferenced(row.blob_key)));
  const PackageRow again = this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  EXPECT_GT(again.id, row.id);
  EXPECT_TRUE(Must(this->store().IsBlobReferenced(row.blob_key)));
  EXPECT_EQ(CodeOf(this->store().IsBlobReferenced("../x")), ErrorCode::kInvalidArgument);
}

TYPED_TEST(CatalogStoreTest, CatalogQueriesIncludeNoarchAndExcludePrivateRows) {
  const Org acme = this->NewOrg("acme");
  this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  this->Publish(MakePackage("", "wget", "1.20-r0", "x86_64"));
  this->Publish(MakePackage("", "wget", "1.21-r0", "aarch64"));
  this->Publish(MakePackage("", "ca-certs", "2024-r0", "noarch"));
  this->Publish(MakePackage("", "curl", "8-r0", "x86_64"));
  this->Publish(MakePackage(acme.uid, "wget", "9-r0", "x86_64"));
  this->Publish(MakePackage(acme.uid, "secret", "1-r0", "noarch"));
  const Names names{"wget", "ca-certs", "unknown"};
  EXPECT_EQ(Keys(Must(this->store().ListPackagesForNames(names, "x86_64"))),
            (Names{"ca-certs-2024-r0/noarch", "wget-1.20-r0/x86_64", "wget-1.21-r0/x86_64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackagesForNames(names, "aarch64"))),
            (Names{"ca-certs-2024-r0/noarch", "wget-1.21-r0/aarch64"}));
  EXPECT_TRUE(Must(this->store().ListPackagesForNames(Names{}, "x86_64")).empty());
  const Names odd{"we\"ird", "back\\slash", "ctl\x01", "bad-utf8\xff", ""};
  EXPECT_TRUE(Must(this->store().ListPackagesForNames(odd, "x86_64")).empty());
  EXPECT_EQ(Keys(Must(this->store().ListPrivatePackages(acme.uid, "aarch64"))),
            (Names{"private:secret-1-r0/noarch"}));
  EXPECT_EQ(Keys(Must(this->store().ListPrivatePackages(acme.uid, "x86_64"))),
            (Names{"private:secret-1-r0/noarch", "private:wget-9-r0/x86_64"}));
  EXPECT_EQ(CodeOf(this->store().ListPrivatePackages("", "x86_64")), ErrorCode::kInvalidArgument);
}

TYPED_TEST(CatalogStoreTest, ListPackagesFilters) {
  const Org acme = this->NewOrg("acme");
  this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  this->Publish(MakePackage("", "wget2", "2-r0", "aarch64"));
  this->Publish(MakePackage("", "curl", "8-r0", "x86_64"));
  this->Publish(MakePackage(acme.uid, "wget", "9-r0", "x86_64"));
  EXPECT_EQ(Keys(Must(this->store().ListPackages({}))),
            (Names{"curl-8-r0/x86_64", "wget-1.21-r0/x86_64", "private:wget-9-r0/x86_64",
                   "wget2-2-r0/aarch64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackages(
                {.org_uid = "", .name = "", .name_contains = "", .arch = "", .limit = 0}))),
            (Names{"curl-8-r0/x86_64", "wget-1.21-r0/x86_64", "wget2-2-r0/aarch64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackages({.org_uid = acme.uid}))),
            (Names{"private:wget-9-r0/x86_64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackages({.name = "wget"}))),
            (Names{"wget-1.21-r0/x86_64", "private:wget-9-r0/x86_64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackages({.name_contains = "get2"}))),
            (Names{"wget2-2-r0/aarch64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackages({.arch = "aarch64"}))),
            (Names{"wget2-2-r0/aarch64"}));
  EXPECT_EQ(Keys(Must(this->store().ListPackages({.limit = 2}))),
            (Names{"curl-8-r0/x86_64", "wget-1.21-r0/x86_64"}));
  EXPECT_TRUE(Must(this->store().ListPackages({.name_contains = "%"})).empty());
}

TYPED_TEST(CatalogStoreTest, RepositoryViewIsEntitledCatalogPlusPrivate) {
  const Org acme = this->NewOrg("acme");
  const Org beta = this->NewOrg("beta");
  Must(this->store().PutImage({.name = "web", .packages = {"wget", "ca-certs"}}));
  MustOk(this->store().AddEntitlement({.org_uid = acme.uid, .image = "web"}));
  const Names base{"busybox"};
  MustOk(this->store().SetBaseSet(base));
  this->Publish(MakePackage("", "wget", "1.21-r0", "x86_64"));
  this->Publish(MakePackage("", "wget", "1.22-r0", "x86_64"));
  this->Publish(MakePackage("", "wget", "1.22-r0", "aarch64"));
  this->Publish(MakePackage("", "ca-certs", "2024-r0", "noarch"));
  this->Publish(MakePackage("", "busybox", "1.36-r0", "x86_64"));
  this->Publish(MakePackage("", "curl", "8-r0", "x86_64"));  // not entitled
  this->Publish(MakePackage(acme.uid, "inhouse", "1-r0", "x86_64"));
  this->Publish(MakePackage(beta.uid, "theirs", "1-r0", "x86_64"));

  const RepositoryView view = Must(this->store().ReadRepository(acme.uid, "x86_64"));
  EXPECT_EQ(view.generation, this->Counter());
  EXPECT_EQ(view.names, (Names{"busybox", "ca-certs", "wget"}));
  EXPECT_EQ(Keys(view.packages),
            (Names{"busybox-1.36-r0/x86_64", "ca-certs-2024-r0/noarch",
                   "private:inhouse-1-r0/x86_64", "wget-1.21-r0/x86_64", "wget-1.22-r0/x86_64"}));

  const RepositoryView other = Must(this->store().ReadRepository(beta.uid, "x86_64"));
  EXPECT_EQ(other.names, (Names{"busybox"}));
  EXPECT_EQ(Keys(other.packages), (Names{"busybox-1.36-r0/x86_64", "private:theirs-1-r0/x86_64"}));

  const RepositoryView arm = Must(this->store().ReadRepository(acme.uid, "aarch64"));
  EXPECT_EQ(Keys(arm.packages), (Names{"ca-certs-2024-r0/noarch", "wget-1.22-r0/aarch64"}));

  EXPECT_EQ(CodeOf(this->store().ReadRepository("0123456789abcdef0123456789abcdef", "x86_64")),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().ReadRepository("acme", "x86_64")), ErrorCode::kInvalidArgument);
}

TYPED_TEST(CatalogStoreTest, DeleteOrgRemovesEverythingScopedToIt) {
  const Org acme = this->NewOrg("acme");
  const Org beta = this->NewOrg("beta");
  Must(this->store().PutImage({.name = "web", .packages = {"wget"}}));
  MustOk(this->store().AddEntitlement({.org_uid = acme.uid, .image = "web"}));
  this->Publish(MakePackage("", "wget", "1-r0", "x86_64"));
  this->Publish(MakePackage(acme.uid, "inhouse", "1-r0", "x86_64"));
  MustOk(this->store().AddSigningKey({.org_uid = acme.uid,
                                      .key_name = "acme-1.rsa.pub",
                                      .private_pem = "PRIVATE",
                                      .public_pem = "PUBLIC",
                                      .state = KeyState::kActive,
                                      .created_at = 1}));
  const Identity token = Must(this->store().CreateIdentity(
      {.kind = IdentityKind::kPullToken, .name = "ci", .org_uid = acme.uid, .secret_hash = "h"}));
  const Identity user =
      Must(this->store().CreateIdentity({.kind = IdentityKind::kUser, .name = "alice"}));
  Must(this->store().CreateRoleBinding(
      {.id = "", .identity_id = user.id, .role = "owner", .org_uid = acme.uid, .created_at = 1}));
  Must(this->store().CreateRoleBinding(
      {.id = "", .identity_id = user.id, .role = "viewer", .org_uid = beta.uid, .created_at = 1}));
  MustOk(this->store().CreateCustomRole(
      {.org_uid = acme.uid, .name = "puller", .capabilities = "apk.list"}));
  Must(this->store().AppendAudit({.time = 1, .kind = AuditKind::kAdmin, .org_uid = acme.uid}));

  MustOk(this->store().DeleteOrg(acme.uid));
  EXPECT_EQ(CodeOf(this->store().FindOrg("acme")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().DeleteOrg(acme.uid)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().DeleteOrg("acme")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Keys(Must(this->store().ListPackages({}))), (Names{"wget-1-r0/x86_64"}));
  EXPECT_TRUE(Must(this->store().ListEntitledOrgs("web")).empty());
  EXPECT_EQ(CodeOf(this->store().GetIdentity(token.id)), ErrorCode::kNotFound);
  EXPECT_EQ(Must(this->store().GetIdentity(user.id)), user);  // users are not org-scoped
  const std::vector<RoleBinding> bindings = Must(this->store().ListRoleBindings({}));
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].org_uid, beta.uid);
  EXPECT_EQ(CodeOf(this->store().GetCustomRole(acme.uid, "puller")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().ListSigningKeys(acme.uid)), ErrorCode::kNotFound);
  EXPECT_EQ(Must(this->store().ListAudit({})).size(), 1u);  // history stays
  // The name is free again.
  EXPECT_NE(this->NewOrg("acme").uid, acme.uid);
}

}  // namespace
}  // namespace apkd::storage
