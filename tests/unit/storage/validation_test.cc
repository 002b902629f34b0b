#include "storage/validation.h"

#include <string>

#include <gtest/gtest.h>

namespace apkd::storage {
namespace {

TEST(ValidationTest, Uids) {
  EXPECT_TRUE(IsValidUid("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(IsValidUid("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(IsValidUid("0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(IsValidUid(""));
  const std::string a = NewUid();
  const std::string b = NewUid();
  EXPECT_TRUE(IsValidUid(a));
  EXPECT_NE(a, b);
}

TEST(ValidationTest, OrgNames) {
  for (const char* ok : {"acme", "acme.example", "a", "team-1_x", "0day"}) {
    EXPECT_TRUE(CheckOrgName(ok).ok()) << ok;
  }
  for (const char* bad :
       {"", "Acme", ".a", "a..b", "a/b", "a b", "0123456789abcdef0123456789abcdef"}) {
    EXPECT_FALSE(CheckOrgName(bad).ok()) << bad;
  }
}

TEST(ValidationTest, PathTokensAndLabels) {
  EXPECT_TRUE(CheckPathToken("x", "libstdc++").ok());
  EXPECT_TRUE(CheckPathToken("x", "1.2.3_git2023-r0").ok());
  for (const char* bad : {"", ".", "..", "a/b", "a b", "\x7f", "tab\t"}) {
    EXPECT_FALSE(CheckPathToken("x", bad).ok()) << bad;
  }
  EXPECT_TRUE(CheckLabel("x", "CI token for acme").ok());
  EXPECT_FALSE(CheckLabel("x", "line\nbreak").ok());
  EXPECT_FALSE(CheckLabel("x", std::string(256, 'a')).ok());
}

TEST(ValidationTest, QuotedValuesAreEscapedAndShort) {
  EXPECT_EQ(QuoteForMessage("a\"b\n"), "\"a\\x22b\\x0a\"");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x')), "\"" + std::string(64, 'x') + "\"…");
}

TEST(ValidationTest, SortedUnique) {
  const std::vector<std::string> in{"b", "a", "b", "c"};
  EXPECT_EQ(SortedUnique(in), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace apkd::storage
