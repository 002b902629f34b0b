#include "format/version.h"

#include <algorithm>
#include <array>
#include <compare>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace apkd::format {
namespace {

using std::strong_ordering;

// '<', '=', '>' as a strong_ordering; 'x' (apko only) means "cannot parse".
std::optional<strong_ordering> FromChar(char c) {
  switch (c) {
    case '<':
      return strong_ordering::less;
    case '=':
      return strong_ordering::equal;
    case '>':
      return strong_ordering::greater;
    default:
      return std::nullopt;
  }
}

strong_ordering Reversed(strong_ordering order) {
  if (std::is_lt(order)) {
    return strong_ordering::greater;
  }
  return std::is_gt(order) ? strong_ordering::less : strong_ordering::equal;
}

std::string Sym(std::optional<strong_ordering> order) {
  return order ? std::string(OrderSymbol(*order)) : std::string("x");
}

struct OrderCase {
  std::string_view a;
  std::string_view b;
  char apk3;
  char apk2;
  char apko;  // 'x': apko cannot parse a or b
};

// Checks a case both ways round, so every row also tests antisymmetry.
void ExpectOrders(const OrderCase& c) {
  SCOPED_TRACE(std::string(c.a) + " vs " + std::string(c.b));
  EXPECT_EQ(OrderSymbol(CompareVersions(c.a, c.b)), Sym(FromChar(c.apk3)));
  EXPECT_EQ(OrderSymbol(CompareVersionsApk2(c.a, c.b)), Sym(FromChar(c.apk2)));
  EXPECT_EQ(Sym(CompareVersionsApko(c.a, c.b)), Sym(FromChar(c.apko)));
  EXPECT_EQ(CompareVersions(c.b, c.a), Reversed(CompareVersions(c.a, c.b)));
  EXPECT_EQ(CompareVersionsApk2(c.b, c.a), Reversed(CompareVersionsApk2(c.a, c.b)));
}

// §6.2: the apk 3.0.6 rules, one row per rule.
TEST(CompareVersionsTest, Apk3Rules) {
  const OrderCase cases[] = {
      // Step 4 examples from the text.
      {"1.0", "1.0-r0", '<', '<', '='},
      {"1.0-r1", "1.0_p1", '<', '<', '<'},
      {"1.0a", "1.0.1", '<', '<', '<'},
      {"1.0", "1.0.0", '<', '<', '<'},
      // INITIAL and DIGIT numerically; DIGIT as strings when either starts with '0'.
      {"2", "10", '<', '<', '<'},
      {"1.9", "1.10", '<', '<', '<'},
      {"1.01", "1.1", '<', '<', '='},
      {"1.01", "1.001", '>', '>', '='},
      {"1.010", "1.01", '>', '>', '>'},
      {"1.0", "1.00", '<', '>', '='},
      {"00.1", "0.1", '=', '=', '='},
      // LETTER by byte, and a letter sorts after no letter.
      {"1.0a", "1.0b", '<', '<', '<'},
      {"1.0", "1.0a", '<', '<', '<'},
      // SUFFIX ranks: alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p.
      {"1.0_alpha", "1.0_beta", '<', '<', '<'},
      {"1.0_beta", "1.0_pre", '<', '<', '<'},
      {"1.0_pre", "1.0_rc", '<', '<', '<'},
      {"1.0_rc", "1.0", '<', '<', '<'},
      {"1.0", "1.0_cvs", '<', '<', '<'},
      {"1.0_cvs", "1.0_svn", '<', '<', '<'},
      {"1.0_svn", "1.0_git", '<', '<', '<'},
      {"1.0_git", "1.0_hg", '<', '<', '<'},
      {"1.0_hg", "1.0_p", '<', '<', '<'},
      // SUFFIX_NO and REVISION numerically.
      {"1.0_rc2", "1.0_rc10", '<', '<', '<'},
      {"1.0-r2", "1.0-r10", '<', '<', '<'},
      {"1.0_rc", "1.0_rc0", '<', '<', '='},
      {"1.0_p", "1.0_p0", '<', '<', '='},
      // A pre-release suffix after a longer common prefix still sorts first.
      {"1.0_alpha", "1.0", '<', '<', '<'},
      {"1.0a_alpha", "1.0a", '<', '<', '<'},
      {"1.0_rc1_p2", "1.0_rc1", '>', '>', '>'},
      // HASH as byte strings; sorts between suffixes and the revision.
      {"1.2.3~abc-r0", "1.2.3~abd-r0", '<', '=', 'x'},
      {"1.2.3~ab-r0", "1.2.3~abc-r0", '<', '=', 'x'},
      {"1.2.3~abc", "1.2.3-r0", '>', '>', 'x'},
      {"1.2.3~abc-r0", "1.2.3-r0", '>', '>', 'x'},
      // Identical strings, and invalid tails on both sides.
      {"1.0-r1", "1.0-r1", '=', '=', '='},
      {"1.0_foo", "1.0_bar", '=', '=', 'x'},
  };
  for (const OrderCase& c : cases) {
    ExpectOrders(c);
  }
}

constexpr std::array<std::string_view, 18> kPolicyOrder = {
    "0.9_pre-r0",
    "1.0_alpha-r0",
    "1.0_beta2_pre1-r0",
    "1.0_rc1-r0",
    "1.0_rc1_p2-r0",
    "1.0-r0",
    "1.0-r1",
    "1.0-r2",
    "1.0-r10",
    "1.0_git20240101-r0",
    "1.0_p1-r0",
    "1.0a-r0",
    "1.0.1-r0",
    "1.001-r0",
    "1.01-r0",
    "1.9-r0",
    "1.10-r0",
    "2-r0",
};

// §6.2: the `apk policy` order observed from apk 3.0.6 is strictly ascending.
TEST(CompareVersionsTest, ObservedApk3PolicyOrderIsStrictlyAscending) {
  for (size_t i = 0; i < kPolicyOrder.size(); ++i) {
    EXPECT_EQ(CompareVersions(kPolicyOrder[i], kPolicyOrder[i]), strong_ordering::equal);
    for (size_t j = i + 1; j < kPolicyOrder.size(); ++j) {
      EXPECT_EQ(CompareVersions(kPolicyOrder[i], kPolicyOrder[j]), strong_ordering::less)
          << kPolicyOrder[i] << " vs " << kPolicyOrder[j];
    }
  }
}

// §6.2: apk 2.14 gives the same order except that 1.001-r0 comes right after 0.9_pre-r0.
TEST(CompareVersionsTest, Apk2PlacesLeadingZeroVersionSecond) {
  std::vector<std::string> apk2_order(kPolicyOrder.begin(), kPolicyOrder.end());
  const auto it = std::find(apk2_order.begin(), apk2_order.end(), "1.001-r0");
  ASSERT_NE(it, apk2_order.end());
  apk2_order.erase(it);
  apk2_order.insert(apk2_order.begin() + 1, "1.001-r0");
  for (size_t i = 0; i < apk2_order.size(); ++i) {
    for (size_t j = i + 1; j < apk2_order.size(); ++j) {
      EXPECT_EQ(CompareVersionsApk2(apk2_order[i], apk2_order[j]), strong_ordering::less)
          << apk2_order[i] << " vs " << apk2_order[j];
    }
  }
  EXPECT_EQ(CompareVersionsApk2("1.001-r0", "1.0_alpha-r0"), strong_ordering::less);
  EXPECT_EQ(CompareVersions("1.001-r0", "1.0_alpha-r0"), strong_ordering::greater);
}

// §6.3: where the three clients disagree.
TEST(CompareVersionsTest, ClientDisagreementsTable) {
  const OrderCase cases[] = {
      {"1.001", "1.0_alpha", '>', '<', '>'},    {"1.01", "1.1", '<', '<', '='},
      {"1.0", "1.0-r0", '<', '<', '='},         {"1.0_rc", "1.0_rc0", '<', '<', '='},
      {"1.0_p", "1.0_p0", '<', '<', '='},       {"1.2.3~abc-r0", "1.2.3-r0", '>', '>', 'x'},
      {"1.0_beta2_pre1", "1.0", '<', '<', 'x'},
  };
  for (const OrderCase& c : cases) {
    ExpectOrders(c);
  }
  EXPECT_TRUE(IsValidVersion("1.2.3~abc-r0"));
  EXPECT_FALSE(IsValidApk2Version("1.2.3~abc-r0"));
  EXPECT_FALSE(IsValidApkoVersion("1.2.3~abc-r0"));
  EXPECT_TRUE(IsValidVersion("1.0_beta2_pre1"));
  EXPECT_TRUE(IsValidApk2Version("1.0_beta2_pre1"));
  EXPECT_FALSE(IsValidApkoVersion("1.0_beta2_pre1"));
  for (std::string_view v : {"0.99f7-r0", "6.8.0p2-r4"}) {
    EXPECT_FALSE(IsValidVersion(v)) << v;
    EXPECT_TRUE(IsValidApk2Version(v)) << v;
    EXPECT_FALSE(IsValidApkoVersion(v)) << v;
  }
}

// Pairs with invalid or odd versions, with the results of the real apk 3.0.6 and apk 2.14
// version code (built from their sources and run on these pairs).
TEST(CompareVersionsTest, MatchesReferenceClientsOnOddInput) {
  struct Row {
    std::string_view a;
    std::string_view b;
    char apk3;
    char apk2;
  };
  const Row rows[] = {
      {"1.0", "1.0_p", '<', '<'},
      {"1.0", "1.0_patch1", '>', '<'},
      {"1.0", "1.001", '<', '>'},
      {"1.0", "123456789012345678", '<', '>'},
      {"1.0-r0", "1.0-r0-r1", '>', '<'},
      {"1.0-r0", "1.00", '<', '>'},
      {"1.0-r", "1.0_", '=', '<'},
      {"1.0.", "1.0_", '=', '>'},
      {"1.0.", "1.0_p0", '<', '>'},
      {"1.0.", "1.0_prerelease", '=', '>'},
      {"1.0.", "1.001", '<', '>'},
      {"1.0.", "1.0a_alpha", '<', '>'},
      {"v1.0", "1.0.0", '<', '<'},
      {"1.0_", "1.00", '<', '>'},
      {"1.0_rc0", "00.1", '>', '>'},
      {"1.0_p", "1.0_patch1", '>', '<'},
      {"1.0_p0", "1.001", '<', '>'},
      {"1.0_patch1", "1.0a", '<', '<'},
      {"1.0_pre1", "1.0_prerelease", '<', '<'},
      {"1.0_prerelease", "1.0_rc_p", '>', '<'},
      {"1.2.3~abc-r0", "1.2.3~ab-r0", '>', '='},
      {"1.2.3-r0", "", '>', '>'},
      {"1.2.3~ab-r0", "123456789012345678", '<', '>'},
      {"1.00", "1.0a_alpha", '>', '<'},
      {"0.99f7-r0", "123456789012345678", '<', '>'},
      {"", "1.0_rc1_p2", '<', '<'},
      {"", "0", '<', '='},
      {"1.0", "1.0-r", '>', '<'},
      {"123456789012345678", "12345678901234567", '>', '<'},
      {"123456789012345678", "1.0_alpha_beta", '>', '<'},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.a) + " vs " + std::string(r.b));
    EXPECT_EQ(OrderSymbol(CompareVersions(r.a, r.b)), Sym(FromChar(r.apk3)));
    EXPECT_EQ(OrderSymbol(CompareVersionsApk2(r.a, r.b)), Sym(FromChar(r.apk2)));
    EXPECT_EQ(OrderSymbol(CompareVersions(r.b, r.a)), Sym(Reversed(*FromChar(r.apk3))));
    EXPECT_EQ(OrderSymbol(CompareVersionsApk2(r.b, r.a)), Sym(Reversed(*FromChar(r.apk2))));
  }
}

// Numbers beyond 64 bits: apk 3 wraps modulo 2^64, apk 2 rejects 18+ digit runs, apko rejects
// values above 2^63-1.
TEST(CompareVersionsTest, HugeNumbers) {
  EXPECT_EQ(CompareVersions("18446744073709551616", "0"), strong_ordering::equal);
  EXPECT_EQ(CompareVersions("18446744073709551617-r0", "1-r0"), strong_ordering::equal);
  EXPECT_EQ(CompareVersions("1-r18446744073709551616", "1-r0"), strong_ordering::equal);
  EXPECT_EQ(CompareVersions("1.18446744073709551616", "1.1"), strong_ordering::less);
  EXPECT_TRUE(IsValidVersion("99999999999999999999999999999999-r0"));

  EXPECT_TRUE(IsValidApk2Version("12345678901234567"));
  EXPECT_FALSE(IsValidApk2Version("123456789012345678"));
  EXPECT_FALSE(IsValidApk2Version("1-r123456789012345678"));
  EXPECT_TRUE(IsValidApk2Version("1.000000000000000000000001"));  // leading zeros skipped

  EXPECT_TRUE(IsValidApkoVersion("9223372036854775807"));
  EXPECT_FALSE(IsValidApkoVersion("9223372036854775808"));
  EXPECT_TRUE(IsValidApkoVersion("1.0000000000000000000000000001"));
  EXPECT_FALSE(IsValidApkoVersion("1-r99999999999999999999"));
  EXPECT_EQ(CompareVersionsApko("1.0000000000000000000000000001", "1.1"), strong_ordering::equal);
  EXPECT_EQ(CompareVersionsApko("9223372036854775808", "1"), std::nullopt);
}

// §6.1 grammar.
TEST(VersionGrammarTest, Apk3) {
  for (std::string_view v :
       {"1", "0", "1.0", "1.2.3", "1.0a", "1.0_beta2_pre1", "1.0_rc-r1", "1.0~1-r2", "00.1",
        "1.2.3~abc-r0", "1.0_rc_p", "2_p1_p2", "1.0a_alpha1~0f-r10", "1~abcdef0123456789"}) {
    EXPECT_TRUE(IsValidVersion(v)) << v;
  }
  const std::string_view invalid[] = {"",
                                      "1.0a1",
                                      "1.0.",
                                      "1.0-r",
                                      "v1.0",
                                      "1.0_foo",
                                      "1.2.3~ABC-r0",
                                      "1.0-r0-r1",
                                      "1..0",
                                      ".1",
                                      "1.0ab",
                                      "1.0_",
                                      "1.0~",
                                      "1.0-x",
                                      "1.0-r1a",
                                      "1.0~ab~cd",
                                      "1.0-r0_p1",
                                      "1.0 ",
                                      "1.0\n",
                                      "1.0-r0~ab",
                                      "1.0_patch1",
                                      "1.0A",
                                      std::string_view("1.0\0", 4)};
  for (std::string_view v : invalid) {
    EXPECT_FALSE(IsValidVersion(v)) << v;
  }
}

TEST(VersionGrammarTest, Apk2IsLaxerButRejectsHashes) {
  for (std::string_view v : {"1.0a1", "v1.0", "1.0.", "1.0-r", "1.0_beta2_pre1", "0.99f7-r0",
                             "6.8.0p2-r4", "1.0-r0-r1", "", "1.0_", "1..0"}) {
    EXPECT_TRUE(IsValidApk2Version(v)) << v;
  }
  for (std::string_view v : {"1.0~1-r2", "1.2.3~abc-r0", "1.0_foo", "1.0_patch1",
                             "123456789012345678", "1.0-x", "1.0A"}) {
    EXPECT_FALSE(IsValidApk2Version(v)) << v;
  }
}

TEST(VersionGrammarTest, Apko) {
  for (std::string_view v : {"1", "1.0", "01.001", "1.0a", "1.0_rc", "1.0_rc1_p2", "1.0_p-r0",
                             "1.0a_alpha1_git2-r3", "1.0_pre1"}) {
    EXPECT_TRUE(IsValidApkoVersion(v)) << v;
  }
  for (std::string_view v : {"", "1.0_beta2_pre1", "1.0_p1_rc1", "1.0_p1_p2", "1.2.3~abc-r0",
                             "1.0-r", "1.0.", "v1.0", "0.99f7-r0", "1.0-r0-r1", "1.0_prx"}) {
    EXPECT_FALSE(IsValidApkoVersion(v)) << v;
  }
}

// §6.4.
TEST(SafeProfileTest, AcceptsAndRejects) {
  for (std::string_view v :
       {"1.0-r0", "0-r0", "1.2.3-r10", "1.0a-r0", "1.0_rc1-r0", "1.0_alpha01-r0", "1.0_rc1_p2-r0",
        "1.0_p1-r0", "1.0_git20240101-r0", "12345678901234567.0-r0", "1.0_rc1234567890123456-r0"}) {
    EXPECT_TRUE(IsSafeProfileVersion(v)) << v;
    EXPECT_TRUE(IsValidVersion(v) && IsValidApk2Version(v) && IsValidApkoVersion(v)) << v;
  }
  for (std::string_view v : {"1.0",
                             "1.01-r0",
                             "01-r0",
                             "1.0-r01",
                             "1.0_rc-r0",
                             "1.0_p-r0",
                             "1.0_beta2_pre1-r0",
                             "1.0_p1_rc1-r0",
                             "1.0_p1_p2-r0",
                             "1.2.3~abc-r0",
                             "123456789012345678-r0",
                             "1.0_rc12345678901234567-r0",
                             "1.0ab-r0",
                             "1.0-r0 ",
                             "1.0_foo1-r0",
                             "",
                             "-r0",
                             "1.0-r",
                             "1.0-r0-r1",
                             "1.0.-r0"}) {
    EXPECT_FALSE(IsSafeProfileVersion(v)) << v;
  }
}

TEST(ValidateVersionTest, ReportsEachFinding) {
  const VersionReport good = ValidateVersion("1.2.3-r0");
  EXPECT_TRUE(good.valid_apk3 && good.valid_apk2 && good.valid_apko && good.safe_profile);
  EXPECT_TRUE(good.problems.empty());
  EXPECT_EQ(good.version, "1.2.3-r0");

  const VersionReport zero = ValidateVersion("1.01");
  EXPECT_TRUE(zero.valid_apk3 && zero.valid_apk2 && zero.valid_apko);
  EXPECT_FALSE(zero.safe_profile);
  ASSERT_EQ(zero.problems.size(), 1U);
  EXPECT_EQ(zero.problems[0], "outside the safe profile: leading zero in 1.01");

  const VersionReport hashed = ValidateVersion("1.2.3~abc-r0");
  EXPECT_TRUE(hashed.valid_apk3);
  EXPECT_FALSE(hashed.valid_apk2 || hashed.valid_apko || hashed.safe_profile);
  ASSERT_EQ(hashed.problems.size(), 3U);
  EXPECT_EQ(hashed.problems[0], "not valid for apk 2.14: '~hash' is not supported");
  EXPECT_EQ(hashed.problems[1],
            "apko cannot parse it; packages with this version are disqualified there");
  EXPECT_EQ(hashed.problems[2].rfind("outside the safe profile: ", 0), 0U);

  const VersionReport alpine = ValidateVersion("0.99f7-r0");
  EXPECT_FALSE(alpine.valid_apk3);
  EXPECT_TRUE(alpine.valid_apk2);
  ASSERT_EQ(alpine.problems.size(), 3U);
  EXPECT_EQ(alpine.problems[0].rfind("not valid for apk 3.0.6: digit '7' at offset 5", 0), 0U)
      << alpine.problems[0];

  const VersionReport binary = ValidateVersion(std::string_view("\x01\xff", 2));
  EXPECT_FALSE(binary.valid_apk3 || binary.valid_apk2 || binary.valid_apko);
  for (const std::string& p : binary.problems) {
    EXPECT_EQ(p.find('\x01'), std::string::npos) << "unescaped control byte in: " << p;
  }
}

TEST(FindOrderDisagreementsTest, ListsPairsThatDifferFromApk3) {
  const std::vector<std::string> versions = {"1.0-r0",       "1.1-r0",   "1.01-r0",
                                             "1.0_alpha-r0", "1.001-r0", "1.0"};
  const std::vector<OrderDisagreement> found = FindOrderDisagreements(versions);
  struct Expected {
    std::string_view a;
    std::string_view b;
    char apk3;
    char apk2;
    char apko;
  };
  const Expected expected[] = {
      {"1.0-r0", "1.001-r0", '<', '>', '<'},        // apk2 leading-zero rule
      {"1.0-r0", "1.0", '>', '>', '='},             // apko: no revision == -r0
      {"1.1-r0", "1.01-r0", '>', '>', '='},         // apko: numeric 01 == 1
      {"1.1-r0", "1.001-r0", '>', '>', '='},        // apko: numeric 001 == 1
      {"1.01-r0", "1.001-r0", '>', '>', '='},       // apko: numeric
      {"1.0_alpha-r0", "1.001-r0", '<', '>', '<'},  // apk2 leading-zero rule
      {"1.001-r0", "1.0", '>', '<', '>'},           // apk2 leading-zero rule
  };
  ASSERT_EQ(found.size(), std::size(expected));
  for (size_t i = 0; i < found.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(found[i].a, expected[i].a);
    EXPECT_EQ(found[i].b, expected[i].b);
    EXPECT_EQ(OrderSymbol(found[i].apk3), Sym(FromChar(expected[i].apk3)));
    EXPECT_EQ(OrderSymbol(found[i].apk2), Sym(FromChar(expected[i].apk2)));
    EXPECT_EQ(Sym(found[i].apko), Sym(FromChar(expected[i].apko)));
  }

  const std::vector<std::string> with_unparseable = {"1.0_beta2_pre1-r0", "1.0-r0"};
  const std::vector<OrderDisagreement> apko_only = FindOrderDisagreements(with_unparseable);
  ASSERT_EQ(apko_only.size(), 1U);
  EXPECT_EQ(apko_only[0].apko, std::nullopt);
  EXPECT_EQ(apko_only[0].apk3, strong_ordering::less);
  EXPECT_EQ(apko_only[0].apk2, strong_ordering::less);

  const std::vector<std::string> policy(kPolicyOrder.begin(), kPolicyOrder.end());
  EXPECT_FALSE(FindOrderDisagreements(policy).empty());
  const std::vector<std::string> safe = {"1.0-r0",  "1.0-r1",   "1.0_rc1-r0",
                                         "1.0a-r0", "1.0.1-r0", "2-r0"};
  EXPECT_TRUE(FindOrderDisagreements(safe).empty());
  EXPECT_TRUE(FindOrderDisagreements({}).empty());
}

TEST(OrderSymbolTest, Symbols) {
  EXPECT_EQ(OrderSymbol(strong_ordering::less), "<");
  EXPECT_EQ(OrderSymbol(strong_ordering::equal), "=");
  EXPECT_EQ(OrderSymbol(strong_ordering::greater), ">");
}

// Antisymmetry and reflexivity over a set of awkward strings, for all three orderings.
TEST(CompareVersionsTest, AntisymmetricAndReflexive) {
  const std::vector<std::string> samples = {"",
                                            "0",
                                            "1",
                                            "1.0",
                                            "1.0-r0",
                                            "1.0-r",
                                            "1.0.",
                                            "1.00",
                                            "1.001",
                                            "1.0a",
                                            "1.0a1",
                                            "v1",
                                            "1.0_",
                                            "1.0_p",
                                            "1.0_pre",
                                            "1.0_patch",
                                            "1.0~ab",
                                            "1.0~",
                                            "1.0-r0-r1",
                                            "00",
                                            "1_rc_p1",
                                            "18446744073709551616",
                                            "123456789012345678",
                                            std::string("1\0", 2),
                                            "\xff",
                                            "1.0-r0 "};
  for (const std::string& a : samples) {
    EXPECT_EQ(CompareVersions(a, a), strong_ordering::equal) << a;
    EXPECT_EQ(CompareVersionsApk2(a, a), strong_ordering::equal) << a;
    const std::optional<strong_ordering> self = CompareVersionsApko(a, a);
    EXPECT_TRUE(!self || *self == strong_ordering::equal) << a;
    for (const std::string& b : samples) {
      EXPECT_EQ(CompareVersions(a, b), Reversed(CompareVersions(b, a))) << a << " vs " << b;
      EXPECT_EQ(CompareVersionsApk2(a, b), Reversed(CompareVersionsApk2(b, a))) << a << " vs " << b;
      const std::optional<strong_ordering> ab = CompareVersionsApko(a, b);
      const std::optional<strong_ordering> ba = CompareVersionsApko(b, a);
      EXPECT_EQ(ab.has_value(), ba.has_value());
      if (ab && ba) {
        EXPECT_EQ(*ab, Reversed(*ba));
      }
    }
  }
}

TEST(CompareVersionsTest, LongInputIsHandled) {
  const std::string digits(1 << 20, '9');
  const std::string dots = "1" + std::string(1 << 16, '.');
  std::string many_parts = "1";
  for (int i = 0; i < 10000; ++i) {
    many_parts += ".0";
  }
  EXPECT_TRUE(IsValidVersion(digits));
  EXPECT_FALSE(IsValidApk2Version(digits));
  EXPECT_FALSE(IsValidApkoVersion(digits));
  EXPECT_EQ(CompareVersions(many_parts, many_parts + ".1"), strong_ordering::less);
  EXPECT_EQ(CompareVersionsApk2(many_parts, many_parts + ".1"), strong_ordering::less);
  EXPECT_EQ(CompareVersionsApko(many_parts, many_parts + ".1"), strong_ordering::less);
  EXPECT_FALSE(IsValidVersion(dots));
  EXPECT_TRUE(IsValidApk2Version(dots));  // apk 2 accepts empty '.' components
  EXPECT_LT(ValidateVersion(digits).problems.at(0).size(), 400U);
}

DependencyAtom Atom(bool conflict, std::string name, DependencyOp op, std::string version) {
  DependencyAtom atom;
  atom.conflict = conflict;
  atom.name = std::move(name);
  atom.op = op;
  atom.version = std::move(version);
  return atom;
}

// §2.6.
TEST(ParseDependencyAtomTest, Accepts) {
  struct Good {
    std::string_view atom;
    DependencyAtom want;
  };
  const std::string q1 = "Q1" + std::string(27, 'A') + "=";
  const std::string q2 = "Q2" + std::string(43, 'b') + "=";
  const Good cases[] = {
      {"musl", Atom(false, "musl", DependencyOp::kAny, "")},
      {"!foo", Atom(true, "foo", DependencyOp::kAny, "")},
      {"so:libc.musl-x86_64.so.1", Atom(false, "so:libc.musl-x86_64.so.1", DependencyOp::kAny, "")},
      {"cmd:sh", Atom(false, "cmd:sh", DependencyOp::kAny, "")},
      {"/bin/sh", Atom(false, "/bin/sh", DependencyOp::kAny, "")},
      {"pc:glib-2.0>=2.76", Atom(false, "pc:glib-2.0", DependencyOp::kGreaterEqual, "2.76")},
      {"py3.12:foo[bar],x", Atom(false, "py3.12:foo[bar],x", DependencyOp::kAny, "")},
      {"foo<1", Atom(false, "foo", DependencyOp::kLess, "1")},
      {"foo<=1.0-r1", Atom(false, "foo", DependencyOp::kLessEqual, "1.0-r1")},
      {"foo=1.2.3~abc-r0", Atom(false, "foo", DependencyOp::kEqual, "1.2.3~abc-r0")},
      {"foo>2", Atom(false, "foo", DependencyOp::kGreater, "2")},
      {"foo~1.2", Atom(false, "foo", DependencyOp::kFuzzy, "1.2")},
      {"foo~1.0~ab", Atom(false, "foo", DependencyOp::kFuzzy, "1.0~ab")},
      {"foo<~2", Atom(false, "foo", DependencyOp::kFuzzyLess, "2")},
      {"!foo>~2", Atom(true, "foo", DependencyOp::kFuzzyGreater, "2")},
      {"Foo_Bar+x", Atom(false, "Foo_Bar+x", DependencyOp::kAny, "")},
  };
  for (const Good& c : cases) {
    const Result<DependencyAtom> got = ParseDependencyAtom(c.atom);
    ASSERT_TRUE(got.ok()) << c.atom << ": " << got.error().message();
    EXPECT_EQ(*got, c.want) << c.atom;
  }
  const Result<DependencyAtom> sum1 = ParseDependencyAtom("foo><" + q1);
  ASSERT_TRUE(sum1.ok()) << sum1.error().message();
  EXPECT_EQ(sum1->op, DependencyOp::kChecksum);
  EXPECT_EQ(sum1->version, q1);
  EXPECT_TRUE(ParseDependencyAtom("foo><" + q2).ok());
}

TEST(ParseDependencyAtomTest, Rejects) {
  struct Bad {
    std::string_view atom;
    std::string_view message_part;
  };
  const Bad cases[] = {
      {"", "missing package name"},
      {"!", "missing package name"},
      {">=1.0", "missing package name"},
      {"foo>=", "missing version"},
      {"foo>=2.0p1", "not valid apk 3 syntax"},
      {"foo=1.0a1", "not valid apk 3 syntax"},
      {"foo=v1", "not valid apk 3 syntax"},
      {"foo==1", "unsupported operator '=='"},
      {"foo=>1", "unsupported operator '=>'"},
      {"foo<>Q1", "unsupported operator '<>'"},
      {"foo~=1", "unsupported operator '~='"},
      {"foo@edge", "tags"},
      {"foo=1.0@edge", "tags"},
      {"foo bar", "invalid character ' '"},
      {"foo\t", "invalid character '\\x09'"},
      {"f!oo", "invalid character '!'"},
      {"foo><abc", "checksum"},
      {"foo><Q1abc", "checksum"},
      {"foo><Q3AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "checksum"},
  };
  for (const Bad& c : cases) {
    const Result<DependencyAtom> got = ParseDependencyAtom(c.atom);
    ASSERT_FALSE(got.ok()) << c.atom;
    EXPECT_EQ(got.error().code(), ErrorCode::kCorrupt);
    EXPECT_NE(got.error().message().find(c.message_part), std::string::npos)
        << c.atom << " -> " << got.error().message();
    EXPECT_EQ(got.error().message().rfind("dependency atom '", 0), 0U) << got.error().message();
  }
}

}  // namespace
}  // namespace apkd::format
