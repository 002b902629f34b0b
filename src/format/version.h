// APK version strings (apk-protocol §6): the apk 3.0.6 grammar and ordering (the reference), the
// apk 2.14 and apko variants, the server's "safe profile", and reports of where clients disagree.
// Also dependency atoms (`[!]name[op version]`, §2.6). Pure functions, thread-safe.
#pragma once

#include <compare>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace apkd::format {

// Grammar checks.
bool IsValidVersion(std::string_view version);          // apk 3.0.6 grammar (§6.1)
bool IsValidApk2Version(std::string_view version);      // apk 2.14 (laxer; no `~hash`)
bool IsValidApkoVersion(std::string_view version);      // apko's regular expression
bool IsSafeProfileVersion(std::string_view version);    // §6.4: all three clients agree

// Ordering. CompareVersions is apk 3.0.6's algorithm (§6.2), used for sorting and `apk policy`.
std::strong_ordering CompareVersions(std::string_view a, std::string_view b);
std::strong_ordering CompareVersionsApk2(std::string_view a, std::string_view b);
// nullopt when either side does not parse for apko (such packages are disqualified there).
std::optional<std::strong_ordering> CompareVersionsApko(std::string_view a, std::string_view b);

// "<", "=" or ">".
std::string_view OrderSymbol(std::strong_ordering order);

struct VersionReport {
  std::string version;
  bool valid_apk3 = false;
  bool valid_apk2 = false;
  bool valid_apko = false;
  bool safe_profile = false;
  std::vector<std::string> problems;  // human-readable, one per finding

  bool operator==(const VersionReport&) const = default;
};
VersionReport ValidateVersion(std::string_view version);

struct OrderDisagreement {
  std::string a;
  std::string b;
  std::strong_ordering apk3 = std::strong_ordering::equal;
  std::strong_ordering apk2 = std::strong_ordering::equal;
  std::optional<std::strong_ordering> apko;  // nullopt: apko cannot parse one of them
};
// Every pair (i < j) of `versions` on which apk 2.14 or apko would order differently from apk 3.
std::vector<OrderDisagreement> FindOrderDisagreements(std::span<const std::string> versions);

enum class DependencyOp { kAny, kLess, kLessEqual, kEqual, kGreaterEqual, kGreater, kFuzzy,
                          kFuzzyLess, kFuzzyGreater, kChecksum };

struct DependencyAtom {
  bool conflict = false;  // leading '!'
  std::string name;
  DependencyOp op = DependencyOp::kAny;
  std::string version;  // empty for kAny; the Q1… value for kChecksum

  bool operator==(const DependencyAtom&) const = default;
};
// Parses one atom as apk 3 does; the version must be valid apk 3 syntax. kCorrupt on failure,
// with a message that names the atom and what is wrong.
Result<DependencyAtom> ParseDependencyAtom(std::string_view atom);

}  // namespace apkd::format
