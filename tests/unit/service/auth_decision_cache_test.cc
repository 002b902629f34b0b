// The authorization decision cache on its own: keys, staleness by store changes, expiry, age
// and the size bound.
#include "service/auth_decision_cache.h"

#include <string>

#include <gtest/gtest.h>

namespace apkd::service {
namespace {

constexpr int64_t kNow = 1'800'000'000;

AuthDecision Allowed(const std::string& identity) {
  AuthDecision decision;
  decision.outcome = AuthOutcome::kAllowed;
  decision.principal.identity_id = identity;
  decision.org.uid = "org-uid";
  return decision;
}

TEST(AuthDecisionCacheTest, KeysSeparateEveryInput) {
  using C = AuthDecisionCache;
  const auto base = C::KeyFor("Basic abc", "acme", auth::Capability::kApkList);
  EXPECT_EQ(base, C::KeyFor("Basic abc", "acme", auth::Capability::kApkList));
  EXPECT_NE(base, C::KeyFor("Basic abd", "acme", auth::Capability::kApkList));
  EXPECT_NE(base, C::KeyFor("Basic abc", "acme2", auth::Capability::kApkList));
  EXPECT_NE(base, C::KeyFor("Basic abc", "acme", auth::Capability::kApkBlobsGet));
  // Moving a byte from one field to the next is a different key (length-prefixed fields).
  EXPECT_NE(C::KeyFor("ab", "c", auth::Capability::kApkList),
            C::KeyFor("a", "bc", auth::Capability::kApkList));
}

TEST(AuthDecisionCacheTest, AnswersOnlyAtTheSameStoreState) {
  auth::FakeClock clock(kNow);
  AuthDecisionCache cache(clock);
  const auto key = AuthDecisionCache::KeyFor("t", "acme", auth::Capability::kApkList);
  EXPECT_FALSE(cache.Find(key, 7).has_value());
  cache.Remember(key, 7, 0, Allowed("id1"));
  auto found = cache.Find(key, 7);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->principal.identity_id, "id1");
  EXPECT_EQ(found->org.uid, "org-uid");
  EXPECT_FALSE(cache.Find(key, 8).has_value()) << "any store change makes it stale";
  cache.Remember(key, 6, 0, Allowed("old"));  // made from an older state: ignored
  EXPECT_EQ(cache.Find(key, 7)->principal.identity_id, "id1");
  cache.Remember(AuthDecisionCache::KeyFor("u", "acme", auth::Capability::kApkList), 8, 0,
                 Allowed("id2"));
  EXPECT_EQ(cache.size(), 1U) << "entries of the old state are dropped";
  EXPECT_FALSE(cache.Find(key, 7).has_value());
}

TEST(AuthDecisionCacheTest, ExpiresWithTheCredentialsAndWithAge) {
  auth::FakeClock clock(kNow);
  AuthDecisionCache cache(clock,
                          AuthDecisionCacheOptions{.max_entries = 10, .max_age_seconds = 10});
  const auto token = AuthDecisionCache::KeyFor("t", "acme", auth::Capability::kApkList);
  const auto secret = AuthDecisionCache::KeyFor("s", "acme", auth::Capability::kApkList);
  cache.Remember(token, 1, kNow + 3, Allowed("a"));
  cache.Remember(secret, 1, 0, Allowed("b"));
  clock.Advance(2);
  EXPECT_TRUE(cache.Find(token, 1).has_value());
  clock.Advance(1);
  EXPECT_FALSE(cache.Find(token, 1).has_value()) << "the token expired";
  EXPECT_TRUE(cache.Find(secret, 1).has_value());
  clock.Advance(7);
  EXPECT_FALSE(cache.Find(secret, 1).has_value()) << "older than max_age";
}

TEST(AuthDecisionCacheTest, StaysWithinItsBound) {
  auth::FakeClock clock(kNow);
  AuthDecisionCache cache(clock, AuthDecisionCacheOptions{.max_entries = 4, .max_age_seconds = 10});
  for (int i = 0; i < 100; ++i) {
    cache.Remember(AuthDecisionCache::KeyFor(std::to_string(i), "o", auth::Capability::kApkList), 1,
                   0, Allowed("x"));
    EXPECT_LE(cache.size(), 4U);
  }
  EXPECT_TRUE(
      cache.Find(AuthDecisionCache::KeyFor("99", "o", auth::Capability::kApkList), 1).has_value());
}

}  // namespace
}  // namespace apkd::service
