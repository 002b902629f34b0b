// libFuzzer target for format/version: splits the input at the first '\n' into two version strings
// and checks invariants of the three orderings, the grammars, the report and the atom parser.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/version.h"
#include "util/result.h"

namespace {

using apkd::format::CompareVersions;
using apkd::format::CompareVersionsApk2;
using apkd::format::CompareVersionsApko;

void Check(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

std::strong_ordering Reversed(std::strong_ordering order) {
  if (std::is_lt(order)) {
    return std::strong_ordering::greater;
  }
  return std::is_gt(order) ? std::strong_ordering::less : std::strong_ordering::equal;
}

void CheckOne(std::string_view v) {
  Check(std::is_eq(CompareVersions(v, v)));
  Check(std::is_eq(CompareVersionsApk2(v, v)));
  const std::optional<std::strong_ordering> apko = CompareVersionsApko(v, v);
  Check(apko.has_value() == apkd::format::IsValidApkoVersion(v));
  Check(!apko || std::is_eq(*apko));

  const apkd::format::VersionReport report = apkd::format::ValidateVersion(v);
  Check(report.version == v);
  Check(report.valid_apk3 == apkd::format::IsValidVersion(v));
  Check(report.valid_apk2 == apkd::format::IsValidApk2Version(v));
  Check(report.valid_apko == apkd::format::IsValidApkoVersion(v));
  Check(report.safe_profile == apkd::format::IsSafeProfileVersion(v));
  const bool clean =
      report.valid_apk3 && report.valid_apk2 && report.valid_apko && report.safe_profile;
  Check(clean == report.problems.empty());
  // The safe profile is a subset of every client's grammar.
  Check(!report.safe_profile || (report.valid_apk3 && report.valid_apk2 && report.valid_apko));

  const apkd::Result<apkd::format::DependencyAtom> atom = apkd::format::ParseDependencyAtom(v);
  if (atom.ok()) {
    Check(!atom->name.empty());
    const apkd::format::DependencyOp op = atom->op;
    Check((op == apkd::format::DependencyOp::kAny) == atom->version.empty());
    Check(op == apkd::format::DependencyOp::kAny || op == apkd::format::DependencyOp::kChecksum ||
          apkd::format::IsValidVersion(atom->version));
  } else {
    Check(atom.error().code() == apkd::ErrorCode::kCorrupt);
  }
}

void CheckPair(std::string_view a, std::string_view b) {
  const std::strong_ordering apk3 = CompareVersions(a, b);
  Check(CompareVersions(b, a) == Reversed(apk3));
  const std::strong_ordering apk2 = CompareVersionsApk2(a, b);
  Check(CompareVersionsApk2(b, a) == Reversed(apk2));
  const std::optional<std::strong_ordering> apko = CompareVersionsApko(a, b);
  const std::optional<std::strong_ordering> apko_ba = CompareVersionsApko(b, a);
  Check(apko.has_value() == apko_ba.has_value());
  Check(!apko || *apko_ba == Reversed(*apko));

  // §6.4's promise: inside the safe profile all three clients agree.
  if (apkd::format::IsSafeProfileVersion(a) && apkd::format::IsSafeProfileVersion(b)) {
    Check(apk2 == apk3);
    Check(apko.has_value() && *apko == apk3);
  }

  const std::vector<std::string> pair = {std::string(a), std::string(b)};
  const std::vector<apkd::format::OrderDisagreement> found =
      apkd::format::FindOrderDisagreements(pair);
  const bool differs = apk2 != apk3 || apko != apk3;
  Check(found.size() == (differs ? 1U : 0U));
  if (!found.empty()) {
    Check(found[0].apk3 == apk3 && found[0].apk2 == apk2 && found[0].apko == apko);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMaxInput = 4096;
  if (size > kMaxInput) {
    return 0;
  }
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view a = input.substr(0, newline);
  const std::string_view b =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  CheckOne(a);
  CheckOne(b);
  CheckPair(a, b);
  return 0;
}
