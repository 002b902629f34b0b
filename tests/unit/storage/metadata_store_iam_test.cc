// MetadataStore contract, part 2: signing keys, identities, roles, role bindings, audit log,
// settings, the change counter and concurrent use. Runs against every implementation.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/validation.h"
#include "unit/storage/metadata_store_fixture.h"

namespace apkd::storage {
namespace {

template <typename Factory>
class IamStoreTest : public MetadataStoreTest<Factory> {};
TYPED_TEST_SUITE(IamStoreTest, StoreFactories, StoreNames);

constexpr const char* kPrivatePem = "-----BEGIN PRIVATE KEY-----\nSECRET-MATERIAL\n";
constexpr const char* kSecretHash = "$argon2id$v=19$SECRET-HASH";

SigningKeyRow Key(const std::string& org_uid, const std::string& name, int64_t created_at) {
  return {.org_uid = org_uid,
          .key_name = name,
          .private_pem = kPrivatePem,
          .public_pem = "-----BEGIN PUBLIC KEY-----\n",
          .state = KeyState::kActive,
          .created_at = created_at};
}

TYPED_TEST(IamStoreTest, SigningKeysPerOrgAndShared) {
  const Org acme = this->NewOrg("acme");
  MustOk(this->store().AddSigningKey(Key(acme.uid, "acme-2.rsa.pub", 20)));
  MustOk(this->store().AddSigningKey(Key(acme.uid, "acme-1.rsa.pub", 10)));
  MustOk(this->store().AddSigningKey(Key("", "shared.rsa.pub", 5)));
  const std::vector<SigningKeyRow> keys = Must(this->store().ListSigningKeys(acme.uid));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], Key(acme.uid, "acme-1.rsa.pub", 10));
  EXPECT_EQ(keys[1].key_name, "acme-2.rsa.pub");
  EXPECT_EQ(Must(this->store().ListSigningKeys("")).size(), 1u);

  MustOk(this->store().SetSigningKeyState(acme.uid, "acme-1.rsa.pub", KeyState::kRetiring));
  EXPECT_EQ(Must(this->store().ListSigningKeys(acme.uid))[0].state, KeyState::kRetiring);
  EXPECT_EQ(CodeOf(this->store().SetSigningKeyState(acme.uid, "nope", KeyState::kRetired)),
            ErrorCode::kNotFound);

  const Status duplicate = this->store().AddSigningKey(Key(acme.uid, "acme-1.rsa.pub", 30));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(duplicate.error().message().find("SECRET"), std::string::npos);
  EXPECT_EQ(
      CodeOf(this->store().AddSigningKey(Key("0123456789abcdef0123456789abcdef", "x.rsa.pub", 1))),
      ErrorCode::kNotFound);
  SigningKeyRow bad = Key(acme.uid, "../x.rsa.pub", 1);
  const Status invalid = this->store().AddSigningKey(bad);
  EXPECT_EQ(CodeOf(invalid), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invalid.error().message().find("SECRET"), std::string::npos);
}

TYPED_TEST(IamStoreTest, IdentitiesCreateFindUpdateDelete) {
  const Org acme = this->NewOrg("acme");
  const Identity alice = Must(this->store().CreateIdentity(
      {.kind = IdentityKind::kUser, .name = "alice", .secret_hash = kSecretHash, .created_at = 1}));
  EXPECT_TRUE(IsValidUid(alice.id));
  EXPECT_EQ(Must(this->store().GetIdentity(alice.id)), alice);
  EXPECT_EQ(Must(this->store().FindUser("alice")), alice);
  EXPECT_EQ(CodeOf(this->store().FindUser("bob")), ErrorCode::kNotFound);

  const Status taken =
      this->store()
          .CreateIdentity(
              {.kind = IdentityKind::kUser, .name = "alice", .secret_hash = kSecretHash})
          .status();
  EXPECT_EQ(CodeOf(taken), ErrorCode::kAlreadyExists);
  EXPECT_EQ(taken.error().message().find("SECRET"), std::string::npos);

  // Pull tokens may share names; they belong to an org.
  const Identity t1 = Must(this->store().CreateIdentity({.kind = IdentityKind::kPullToken,
                                                         .name = "ci",
                                                         .org_uid = acme.uid,
                                                         .secret_hash = "h1",
                                                         .expires_at = 99,
                                                         .created_at = 2}));
  const Identity t2 = Must(this->store().CreateIdentity({.kind = IdentityKind::kPullToken,
                                                         .name = "ci",
                                                         .org_uid = acme.uid,
                                                         .secret_hash = "h2",
                                                         .created_at = 3}));
  const Identity gha =
      Must(this->store().CreateIdentity({.kind = IdentityKind::kAssumable,
                                         .name = "github",
                                         .org_uid = acme.uid,
                                         .issuer = "https://token.actions.githubusercontent.com",
                                         .subject_pattern = "repo:acme/.*",
                                         .audience_pattern = "apk.example.com",
                                         .claim_patterns = R"({"ref":"refs/heads/main"})",
                                         .created_at = 4}));
  EXPECT_EQ(Must(this->store().ListIdentities({})), (std::vector<Identity>{alice, t1, t2, gha}));
  EXPECT_EQ(
      Must(this->store().ListIdentities({.org_uid = acme.uid, .kind = IdentityKind::kPullToken})),
      (std::vector<Identity>{t1, t2}));
  EXPECT_EQ(Must(this->store().ListIdentities({.org_uid = ""})), (std::vector<Identity>{alice}));
  EXPECT_EQ(
      Must(this->store().ListIdentities({.issuer = "https://token.actions.githubusercontent.com"})),
      (std::vector<Identity>{gha}));

  Identity changed = alice;
  changed.secret_hash = "new-hash";
  changed.created_at = 12345;  // ignored: creation time is fixed
  MustOk(this->store().UpdateIdentity(changed));
  changed.created_at = alice.created_at;
  EXPECT_EQ(Must(this->store().GetIdentity(alice.id)), changed);
  Identity kind_change = t1;
  kind_change.kind = IdentityKind::kUser;
  EXPECT_EQ(CodeOf(this->store().UpdateIdentity(kind_change)), ErrorCode::kInvalidArgument);
  Identity ghost = alice;
  ghost.id = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(CodeOf(this->store().UpdateIdentity(ghost)), ErrorCode::kNotFound);

  MustOk(this->store().DeleteIdentity(t1.id));
  EXPECT_EQ(CodeOf(this->store().GetIdentity(t1.id)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().DeleteIdentity(t1.id)), ErrorCode::kNotFound);
}

// Every policy field of an assumable identity survives create, get, list and update verbatim,
// including JSON text with quotes, backslashes and non-ASCII bytes.
TYPED_TEST(IamStoreTest, AssumableIdentityPolicyFieldsRoundTrip) {
  const Org acme = this->NewOrg("acme");
  const std::string jwks =
      R"({"keys":[{"kty":"EC","crv":"P-256","kid":"k\u00e9","x":"AA","y":"BB"}]})";
  const Identity k8s = Must(this->store().CreateIdentity(
      {.kind = IdentityKind::kAssumable,
       .name = "cluster-a",
       .org_uid = acme.uid,
       .issuer = "https://kubernetes.default.svc",
       .subject = "system:serviceaccount:ci:builder",
       .audience = "apk.example.com",
       .claim_patterns = R"({"kubernetes.io/ns":"ci|"build"","x":"é+"})",
       .issuer_keys = jwks,
       .created_at = 5}));
  EXPECT_EQ(k8s.audience, "apk.example.com");
  EXPECT_EQ(Must(this->store().GetIdentity(k8s.id)), k8s);
  EXPECT_EQ(
      Must(this->store().ListIdentities({.org_uid = acme.uid, .kind = IdentityKind::kAssumable})),
      (std::vector<Identity>{k8s}));

  Identity changed = k8s;
  changed.subject.clear();
  changed.subject_pattern = "system:serviceaccount:ci:.*";
  changed.audience.clear();
  changed.audience_pattern = "apk\\.example\\.(com|org)";
  changed.claim_patterns.clear();
  changed.issuer_keys.clear();
  MustOk(this->store().UpdateIdentity(changed));
  EXPECT_EQ(Must(this->store().GetIdentity(k8s.id)), changed);
}

TYPED_TEST(IamStoreTest, AssumableIdentityPolicyFieldsAreBounded) {
  const Org acme = this->NewOrg("acme");
  const Identity base{.kind = IdentityKind::kAssumable,
                      .name = "x",
                      .org_uid = acme.uid,
                      .issuer = "https://i.example",
                      .subject = "s"};
  Identity long_audience = base;
  long_audience.audience = std::string(kMaxIdentityPolicyLength + 1, 'a');
  EXPECT_EQ(CodeOf(this->store().CreateIdentity(long_audience)), ErrorCode::kInvalidArgument);
  Identity long_pattern = base;
  long_pattern.subject_pattern = std::string(kMaxIdentityPolicyLength + 1, 'a');
  EXPECT_EQ(CodeOf(this->store().CreateIdentity(long_pattern)), ErrorCode::kInvalidArgument);
  Identity big_claims = base;
  big_claims.claim_patterns = std::string(kMaxClaimPatternsLength + 1, ' ');
  EXPECT_EQ(CodeOf(this->store().CreateIdentity(big_claims)), ErrorCode::kInvalidArgument);
  Identity big_keys = base;
  big_keys.issuer_keys = std::string(kMaxIssuerKeysLength + 1, ' ');
  EXPECT_EQ(CodeOf(this->store().CreateIdentity(big_keys)), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Must(this->store().ListIdentities({})).empty());
  Identity at_limit = base;
  at_limit.issuer_keys = std::string(kMaxIssuerKeysLength, ' ');
  EXPECT_TRUE(this->store().CreateIdentity(at_limit).ok());
}

TYPED_TEST(IamStoreTest, IdentityValidation) {
  EXPECT_EQ(CodeOf(this->store().CreateIdentity({.kind = IdentityKind::kUser, .name = ""})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(this->store().CreateIdentity(
                {.id = "../x", .kind = IdentityKind::kUser, .name = "a"})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(this->store().CreateIdentity(
                {.kind = IdentityKind::kAssumable, .name = "x", .issuer = "https://i"})),
            ErrorCode::kInvalidArgument);  // neither subject nor pattern
  EXPECT_EQ(CodeOf(this->store().CreateIdentity({.kind = IdentityKind::kPullToken,
                                                 .name = "ci",
                                                 .org_uid = "0123456789abcdef0123456789abcdef"})),
            ErrorCode::kNotFound);
  EXPECT_TRUE(Must(this->store().ListIdentities({})).empty());
}

TYPED_TEST(IamStoreTest, CustomRolesAndBindings) {
  const Org acme = this->NewOrg("acme");
  const Org beta = this->NewOrg("beta");
  const Identity alice =
      Must(this->store().CreateIdentity({.kind = IdentityKind::kUser, .name = "alice"}));
  const Identity bob =
      Must(this->store().CreateIdentity({.kind = IdentityKind::kUser, .name = "bob"}));
  const CustomRole puller{.org_uid = acme.uid, .name = "puller", .capabilities = "apk.list"};
  MustOk(this->store().CreateCustomRole(puller));
  EXPECT_EQ(CodeOf(this->store().CreateCustomRole(puller)), ErrorCode::kAlreadyExists);
  EXPECT_EQ(Must(this->store().GetCustomRole(acme.uid, "puller")), puller);
  EXPECT_EQ(CodeOf(this->store().GetCustomRole(beta.uid, "puller")), ErrorCode::kNotFound);
  EXPECT_EQ(Must(this->store().ListCustomRoles(acme.uid)), (std::vector<CustomRole>{puller}));
  EXPECT_TRUE(Must(this->store().ListCustomRoles(beta.uid)).empty());

  const RoleBinding b1 = Must(this->store().CreateRoleBinding(
      {.identity_id = alice.id, .role = "owner", .org_uid = acme.uid, .created_at = 1}));
  const RoleBinding b2 = Must(this->store().CreateRoleBinding(
      {.identity_id = bob.id, .role = "puller", .org_uid = acme.uid, .created_at = 2}));
  const RoleBinding b3 = Must(this->store().CreateRoleBinding(
      {.identity_id = alice.id, .role = "viewer", .org_uid = beta.uid, .created_at = 3}));
  EXPECT_TRUE(IsValidUid(b1.id));
  EXPECT_EQ(CodeOf(this->store().CreateRoleBinding(
                {.identity_id = alice.id, .role = "owner", .org_uid = acme.uid})),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(this->store().CreateRoleBinding(
                {.identity_id = std::string(32, 'f'), .role = "owner", .org_uid = acme.uid})),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(this->store().CreateRoleBinding(
                {.identity_id = alice.id, .role = "owner", .org_uid = std::string(32, 'e')})),
            ErrorCode::kNotFound);
  EXPECT_EQ(Must(this->store().ListRoleBindings({})), (std::vector<RoleBinding>{b1, b2, b3}));
  EXPECT_EQ(Must(this->store().ListRoleBindings({.org_uid = acme.uid})),
            (std::vector<RoleBinding>{b1, b2}));
  EXPECT_EQ(Must(this->store().ListRoleBindings({.identity_id = alice.id})),
            (std::vector<RoleBinding>{b1, b3}));

  // Deleting a custom role unbinds it; deleting an identity removes its bindings.
  MustOk(this->store().DeleteCustomRole(acme.uid, "puller"));
  EXPECT_EQ(CodeOf(this->store().DeleteCustomRole(acme.uid, "puller")), ErrorCode::kNotFound);
  EXPECT_EQ(Must(this->store().ListRoleBindings({})), (std::vector<RoleBinding>{b1, b3}));
  MustOk(this->store().DeleteIdentity(alice.id));
  EXPECT_TRUE(Must(this->store().ListRoleBindings({})).empty());
  EXPECT_EQ(CodeOf(this->store().DeleteRoleBinding(b1.id)), ErrorCode::kNotFound);
  const RoleBinding b4 = Must(this->store().CreateRoleBinding(
      {.identity_id = bob.id, .role = "viewer", .org_uid = beta.uid, .created_at = 4}));
  MustOk(this->store().DeleteRoleBinding(b4.id));
  EXPECT_TRUE(Must(this->store().ListRoleBindings({})).empty());
}

TYPED_TEST(IamStoreTest, AuditIsNewestFirstFilteredAndPruned) {
  const std::string acme = std::string(32, 'a');
  const std::string beta = std::string(32, 'b');
  std::vector<int64_t> ids;
  for (int64_t t : {100, 300, 200, 300}) {
    ids.push_back(Must(
        this->store().AppendAudit({.time = t,
                                   .kind = t == 200 ? AuditKind::kDenied : AuditKind::kDownload,
                                   .identity_id = "id",
                                   .org_uid = t == 100 ? beta : acme,
                                   .package = "wget",
                                   .version = "1.21-r0",
                                   .arch = "x86_64",
                                   .source_address = "192.0.2.1",
                                   .user_agent = "apk/2.14",
                                   .detail = "t" + std::to_string(t)})));
  }
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_GT(ids[i], ids[i - 1]);
  }
  const std::vector<AuditEvent> all = Must(this->store().ListAudit({.limit = 0}));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, ids[3]);  // same time: the later event first
  EXPECT_EQ(all[1].id, ids[1]);
  EXPECT_EQ(all[2].id, ids[2]);
  EXPECT_EQ(all[3].id, ids[0]);
  EXPECT_EQ(all[3].org_uid, beta);
  EXPECT_EQ(all[3].user_agent, "apk/2.14");
  EXPECT_EQ(Must(this->store().ListAudit({.limit = 2})).size(), 2u);
  EXPECT_EQ(Must(this->store().ListAudit({.org_uid = beta})).size(), 1u);
  EXPECT_EQ(Must(this->store().ListAudit({.kind = AuditKind::kDenied}))[0].detail, "t200");

  EXPECT_EQ(Must(this->store().PruneAudit(200)), 1);  // strictly older than 200
  EXPECT_EQ(Must(this->store().ListAudit({})).size(), 3u);
  EXPECT_EQ(Must(this->store().PruneAudit(1000)), 3);
  EXPECT_TRUE(Must(this->store().ListAudit({})).empty());
  EXPECT_GT(Must(this->store().AppendAudit({.time = 1})), ids.back());  // ids are not reused
}

TYPED_TEST(IamStoreTest, AuditBatchAppendsInOrderAndSinceFilters) {
  const std::string acme = std::string(32, 'a');
  std::vector<AuditEvent> batch;
  for (int64_t t = 10; t <= 50; t += 10) {
    batch.push_back({.time = t,
                     .kind = t == 30 ? AuditKind::kDenied : AuditKind::kDownload,
                     .org_uid = acme,
                     .package = "p" + std::to_string(t),
                     .detail = "{\"status\":403}"});
  }
  MustOk(this->store().AppendAuditBatch({}));
  MustOk(this->store().AppendAuditBatch(batch));
  const std::vector<AuditEvent> all = Must(this->store().ListAudit({.limit = 0}));
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); ++i) {
    AuditEvent expected = batch[batch.size() - 1 - i];
    expected.id = all[i].id;
    EXPECT_EQ(all[i], expected);
    if (i > 0) {
      EXPECT_LT(all[i].id, all[i - 1].id) << "appended in order";
    }
  }
  const auto since = Must(this->store().ListAudit({.since = 30, .limit = 0}));
  ASSERT_EQ(since.size(), 3u);
  EXPECT_EQ(since.back().time, 30);
  EXPECT_EQ(Must(this->store().ListAudit({.kind = AuditKind::kDownload, .since = 30})).size(), 2u);
  EXPECT_EQ(Must(this->store().ListAudit({.org_uid = acme, .since = 31, .limit = 1}))[0].time, 50);
  EXPECT_TRUE(Must(this->store().ListAudit({.since = 51})).empty());
}

TYPED_TEST(IamStoreTest, Settings) {
  EXPECT_EQ(CodeOf(this->store().GetSetting("index.description")), ErrorCode::kNotFound);
  MustOk(this->store().SetSetting("index.description", "one"));
  MustOk(this->store().SetSetting("index.description", "two"));
  MustOk(this->store().SetSetting("a", ""));
  EXPECT_EQ(Must(this->store().GetSetting("index.description")), "two");
  EXPECT_EQ(Must(this->store().ListSettings()),
            (std::vector<Setting>{{"a", ""}, {"index.description", "two"}}));
  EXPECT_EQ(CodeOf(this->store().SetSetting("", "x")), ErrorCode::kInvalidArgument);
}

TYPED_TEST(IamStoreTest, ChangeCounterMovesOnEveryMutationOnly) {
  MetadataStore& s = this->store();
  Org org;
  Identity user;
  RoleBinding binding;
  const std::vector<std::function<void()>> mutations = {
      [&] { org = this->NewOrg("acme"); },
      [&] { Must(s.PutImage({.name = "web", .packages = {"wget"}})); },
      [&] { MustOk(s.AddEntitlement({.org_uid = org.uid, .image = "web"})); },
      [&] { MustOk(s.SetBaseSet(std::vector<std::string>{"busybox"})); },
      [&] { this->Publish(MakePackage("", "wget", "1-r0", "x86_64")); },
      [&] { Must(s.WithdrawPackage("", "wget", "1-r0", "x86_64")); },
      [&] { MustOk(s.AddSigningKey(Key(org.uid, "k.rsa.pub", 1))); },
      [&] { MustOk(s.SetSigningKeyState(org.uid, "k.rsa.pub", KeyState::kRetired)); },
      [&] { user = Must(s.CreateIdentity({.kind = IdentityKind::kUser, .name = "u"})); },
      [&] { MustOk(s.UpdateIdentity(user)); },
      [&] { MustOk(s.CreateCustomRole({.org_uid = org.uid, .name = "r", .capabilities = "x"})); },
      [&] {
        binding =
            Must(s.CreateRoleBinding({.identity_id = user.id, .role = "r", .org_uid = org.uid}));
      },
      [&] { MustOk(s.DeleteRoleBinding(binding.id)); },
      [&] { MustOk(s.DeleteCustomRole(org.uid, "r")); },
      [&] { MustOk(s.DeleteIdentity(user.id)); },
      [&] { MustOk(s.SetSetting("k", "v")); },
      [&] { MustOk(s.RemoveEntitlement({.org_uid = org.uid, .image = "web"})); },
      [&] { MustOk(s.DeleteImage("web")); },
      [&] { MustOk(s.DeleteOrg(org.uid)); },
  };
  const auto reads = [&] {
    static_cast<void>(s.FindOrg("acme"));
    static_cast<void>(s.ListOrgs());
    static_cast<void>(s.ListImages());
    static_cast<void>(s.GetBaseSet());
    static_cast<void>(s.ListPackages({}));
    static_cast<void>(s.ListPackagesForNames(std::vector<std::string>{"wget"}, "x86_64"));
    static_cast<void>(s.ListIdentities({}));
    static_cast<void>(s.ListRoleBindings({}));
    static_cast<void>(s.ListSettings());
    static_cast<void>(s.ListAudit({}));
    if (!org.uid.empty()) {
      static_cast<void>(s.ReadRepository(org.uid, "x86_64"));
      static_cast<void>(s.ListSigningKeys(org.uid));
    }
  };
  int64_t last = this->Counter();
  uint64_t last_local = s.LocalChangeCount();
  for (size_t i = 0; i < mutations.size(); ++i) {
    SCOPED_TRACE("mutation " + std::to_string(i));
    mutations[i]();
    const int64_t now = this->Counter();
    EXPECT_GT(now, last);
    EXPECT_GT(s.LocalChangeCount(), last_local) << "the lock-free count moves with it";
    last = now;
    last_local = s.LocalChangeCount();
    reads();
    EXPECT_EQ(this->Counter(), last);
    EXPECT_EQ(s.LocalChangeCount(), last_local);
  }
  // Failed mutations and the audit log leave it alone.
  EXPECT_FALSE(s.DeleteOrg(std::string(32, 'c')).ok());
  EXPECT_FALSE(s.InsertPackage(MakePackage("", "../x", "1", "x86_64")).ok());
  EXPECT_FALSE(s.AddEntitlement({.org_uid = std::string(32, 'c'), .image = "web"}).ok());
  Must(s.AppendAudit({.time = 1}));
  MustOk(s.AppendAuditBatch(std::vector<AuditEvent>{{.time = 2}, {.time = 3}}));
  Must(s.PruneAudit(10));
  EXPECT_EQ(this->Counter(), last);
  EXPECT_EQ(s.LocalChangeCount(), last_local);
}

TYPED_TEST(IamStoreTest, ConcurrentReadersAndWritersStayConsistent) {
  const Org org = this->NewOrg("acme");
  Must(this->store().PutImage({.name = "all", .packages = {"p0", "p1", "p2"}}));
  MustOk(this->store().AddEntitlement({.org_uid = org.uid, .image = "all"}));
  constexpr int kWriters = 3;
  constexpr int kPackagesPerWriter = 15;
  std::atomic<int> failures{0};
  std::atomic<int> writers_done{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPackagesPerWriter; ++i) {
        const PackageRow row =
            MakePackage("", "p" + std::to_string(w), "1." + std::to_string(i) + "-r0", "x86_64");
        if (!this->store().InsertPackage(row).ok() || !this->store().InsertPackage(row).ok()) {
          ++failures;
        }
        if (!this->store().AppendAudit({.time = i, .org_uid = org.uid}).ok()) {
          ++failures;
        }
      }
      ++writers_done;
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      int64_t last_generation = 0;
      size_t last_count = 0;
      while (writers_done.load() < kWriters) {
        auto view = this->store().ReadRepository(org.uid, "x86_64");
        if (!view.ok() || view->generation < last_generation ||
            view->packages.size() < last_count) {
          ++failures;
          break;
        }
        last_generation = view->generation;
        last_count = view->packages.size();
        if (!this->store().ListPackages({.name = "p1"}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  const RepositoryView view = Must(this->store().ReadRepository(org.uid, "x86_64"));
  EXPECT_EQ(view.packages.size(), size_t{kWriters * kPackagesPerWriter});
  EXPECT_EQ(Must(this->store().ListAudit({.limit = 0})).size(),
            size_t{kWriters * kPackagesPerWriter});
}

}  // namespace
}  // namespace apkd::storage
