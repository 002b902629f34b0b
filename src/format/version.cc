// Version grammars and orderings of apk 3.0.6, apk 2.14 and apko (apk-protocol §6), written from
// a reading of each client's version code. Each client is modelled by its own small tokenizer so
// that invalid input is ordered exactly as that client would order it.
#include "format/version.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apkd::format {
namespace {

using std::strong_ordering;

constexpr size_t kMaxQuotedChars = 80;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

size_t SpanOf(std::string_view s, bool (*pred)(char)) {
  size_t n = 0;
  while (n < s.size() && pred(s[n])) {
    ++n;
  }
  return n;
}

// Renders untrusted text for a message: printable ASCII as is, the rest as \xNN, truncated.
std::string Printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == kMaxQuotedChars) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(s[i]);
    if (byte >= 0x20 && byte < 0x7f) {
      out += s[i];
    } else {
      out += "\\x";
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xfU];
    }
  }
  return out;
}

std::string Quoted(std::string_view s) { return "'" + Printable(s) + "'"; }

strong_ordering FromSign(int sign) {
  if (sign < 0) {
    return strong_ordering::less;
  }
  return sign > 0 ? strong_ordering::greater : strong_ordering::equal;
}

// ---------------------------------------------------------------------------------------------
// apk 3.0.6: typed tokens (§6.2). Numbers accumulate in uint64 and wrap modulo 2^64 on
// overflow, as apk's blob integer parser does.

enum class Tok3 { kInitial, kDigit, kLetter, kSuffix, kSuffixNo, kHash, kRevision, kEnd, kInvalid };

enum class Issue3 {
  kNone,
  kNoLeadingNumber,
  kMisplacedLetter,
  kMisplacedDot,
  kDotWithoutNumber,
  kMisplacedDigit,
  kMisplacedSuffix,
  kUnknownSuffix,
  kMisplacedHash,
  kEmptyHash,
  kMisplacedDash,
  kDashWithoutR,
  kRevisionWithoutNumber,
  kBadCharacter,
};

// Suffix ranks; kSuffixNone sits between pre-release and post-release suffixes.
constexpr std::array<std::string_view, 10> kSuffixNames = {"alpha", "beta", "pre", "rc", "",
                                                           "cvs",   "svn",  "git", "hg", "p"};
constexpr size_t kSuffixNone = 4;

std::optional<size_t> SuffixRank(std::string_view name) {
  for (size_t i = 0; i < kSuffixNames.size(); ++i) {
    if (i != kSuffixNone && kSuffixNames[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

class Apk3Tokenizer {
 public:
  explicit Apk3Tokenizer(std::string_view version) : input_(version), rest_(version) {
    type_ = Tok3::kInitial;
    ParseNumber(Issue3::kNoLeadingNumber);
  }

  [[nodiscard]] Tok3 Type() const { return type_; }
  [[nodiscard]] std::string_view Text() const { return text_; }
  [[nodiscard]] uint64_t Number() const { return number_; }
  [[nodiscard]] size_t Suffix() const { return suffix_; }
  [[nodiscard]] Issue3 Issue() const { return issue_; }
  [[nodiscard]] size_t IssueOffset() const { return issue_offset_; }

  [[nodiscard]] bool IsPreReleaseSuffix() const {
    return type_ == Tok3::kSuffix && suffix_ < kSuffixNone;
  }

  void Next() {
    if (rest_.empty()) {
      type_ = Tok3::kEnd;
      return;
    }
    const char c = rest_.front();
    if (IsLower(c)) {
      NextLetter();
    } else if (c == '.' || IsDigit(c)) {
      NextNumber(c);
    } else if (c == '_') {
      NextSuffix();
    } else if (c == '~') {
      NextHash();
    } else if (c == '-') {
      NextRevision();
    } else {
      Fail(Issue3::kBadCharacter);
    }
  }

  // Runs to END or INVALID; returns true on END.
  bool Validate() {
    while (type_ < Tok3::kEnd) {
      Next();
    }
    return type_ == Tok3::kEnd;
  }

 private:
  void Fail(Issue3 issue) {
    type_ = Tok3::kInvalid;
    issue_ = issue;
    issue_offset_ = input_.size() - rest_.size();
  }

  void ParseNumber(Issue3 issue_if_empty) {
    const size_t n = SpanOf(rest_, IsDigit);
    if (n == 0) {
      Fail(issue_if_empty);
      return;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) {
      value = value * 10U + static_cast<uint64_t>(rest_[i] - '0');  // wraps like apk
    }
    number_ = value;
    text_ = rest_.substr(0, n);
    rest_.remove_prefix(n);
  }

  void NextLetter() {
    if (type_ > Tok3::kDigit) {
      Fail(Issue3::kMisplacedLetter);
      return;
    }
    type_ = Tok3::kLetter;
    text_ = rest_.substr(0, 1);
    rest_.remove_prefix(1);
  }

  void NextNumber(char c) {
    if (c == '.') {
      if (type_ > Tok3::kDigit) {
        Fail(Issue3::kMisplacedDot);
        return;
      }
      rest_.remove_prefix(1);
      type_ = Tok3::kDigit;
      ParseNumber(Issue3::kDotWithoutNumber);
      return;
    }
    if (type_ == Tok3::kInitial || type_ == Tok3::kDigit) {
      type_ = Tok3::kDigit;
    } else if (type_ == Tok3::kSuffix) {
      type_ = Tok3::kSuffixNo;
    } else {
      Fail(Issue3::kMisplacedDigit);
      return;
    }
    ParseNumber(Issue3::kMisplacedDigit);
  }

  void NextSuffix() {
    if (type_ > Tok3::kSuffixNo) {
      Fail(Issue3::kMisplacedSuffix);
      return;
    }
    rest_.remove_prefix(1);
    const size_t n = SpanOf(rest_, IsLower);
    const std::optional<size_t> rank = SuffixRank(rest_.substr(0, n));
    if (!rank) {
      Fail(Issue3::kUnknownSuffix);
      return;
    }
    type_ = Tok3::kSuffix;
    suffix_ = *rank;
    text_ = rest_.substr(0, n);
    rest_.remove_prefix(n);
  }

  void NextHash() {
    if (type_ >= Tok3::kHash) {
      Fail(Issue3::kMisplacedHash);
      return;
    }
    rest_.remove_prefix(1);
    const size_t n = SpanOf(rest_, IsLowerHex);
    if (n == 0) {
      Fail(Issue3::kEmptyHash);
      return;
    }
    type_ = Tok3::kHash;
    text_ = rest_.substr(0, n);
    rest_.remove_prefix(n);
  }

  void NextRevision() {
    if (type_ >= Tok3::kRevision) {
      Fail(Issue3::kMisplacedDash);
      return;
    }
    if (rest_.size() < 2 || rest_[1] != 'r') {
      Fail(Issue3::kDashWithoutR);
      return;
    }
    rest_.remove_prefix(2);
    type_ = Tok3::kRevision;
    ParseNumber(Issue3::kRevisionWithoutNumber);
  }

  std::string_view input_;
  std::string_view rest_;
  Tok3 type_;
  std::string_view text_;
  uint64_t number_ = 0;
  size_t suffix_ = kSuffixNone;
  Issue3 issue_ = Issue3::kNone;
  size_t issue_offset_ = 0;
};

template <typename T>
strong_ordering Order(T a, T b) {
  return a <=> b;
}

strong_ordering CompareApk3Tokens(const Apk3Tokenizer& a, const Apk3Tokenizer& b) {
  switch (a.Type()) {
    case Tok3::kDigit:
      if (a.Text().front() == '0' || b.Text().front() == '0') {
        return FromSign(a.Text().compare(b.Text()));  // byte-wise, shorter first
      }
      return Order(a.Number(), b.Number());
    case Tok3::kInitial:
    case Tok3::kSuffixNo:
    case Tok3::kRevision:
      return Order(a.Number(), b.Number());
    case Tok3::kLetter:
      return Order(static_cast<unsigned char>(a.Text().front()),
                   static_cast<unsigned char>(b.Text().front()));
    case Tok3::kSuffix:
      return Order(a.Suffix(), b.Suffix());
    default:
      return FromSign(a.Text().compare(b.Text()));
  }
}

std::string DescribeApk3Issue(std::string_view version) {
  Apk3Tokenizer t(version);
  t.Validate();
  const size_t at = t.IssueOffset();
  const std::string where = " at offset " + std::to_string(at);
  const std::string ch = at < version.size() ? Quoted(version.substr(at, 1)) : "end of string";
  switch (t.Issue()) {
    case Issue3::kNone:
      return "valid";
    case Issue3::kNoLeadingNumber:
      return version.empty() ? "empty version" : "it must start with a number";
    case Issue3::kMisplacedLetter:
      return "letter " + ch + where + " may only follow a number";
    case Issue3::kMisplacedDot:
      return "'.'" + where + " may only follow a number";
    case Issue3::kDotWithoutNumber:
      return "'.'" + where + " must be followed by a number";
    case Issue3::kMisplacedDigit:
      return "digit " + ch + where + " cannot follow a letter, hash or revision";
    case Issue3::kMisplacedSuffix:
      return "suffix" + where + " cannot follow a hash or revision";
    case Issue3::kUnknownSuffix:
      return "unknown suffix" + where + " (allowed: _alpha _beta _pre _rc _cvs _svn _git _hg _p)";
    case Issue3::kMisplacedHash:
      return "'~'" + where + " cannot follow a hash or revision";
    case Issue3::kEmptyHash:
      return "'~'" + where + " must be followed by lower-case hex digits";
    case Issue3::kMisplacedDash:
      return "'-'" + where + " after the revision";
    case Issue3::kDashWithoutR:
      return "'-'" + where + " must start a -rN revision";
    case Issue3::kRevisionWithoutNumber:
      return "-r" + where + " must be followed by a number";
    case Issue3::kBadCharacter:
      return "unexpected character " + ch + where;
  }
  return "invalid";
}

// ---------------------------------------------------------------------------------------------
// apk 2.14: a state machine whose token types are ranked differently (INVALID is lowest), where
// a '.' number starting with zeros yields a negative "zero count" token first, and a number of
// 18 or more digits is invalid. Values are int64; an invalid token has the value -1.

enum class Tok2 {
  kInvalid = -1,
  kDigitOrZero,
  kDigit,
  kLetter,
  kSuffix,
  kSuffixNo,
  kRevision,
  kEnd
};

constexpr size_t kApk2MaxDigits = 17;
constexpr std::array<std::string_view, 4> kApk2PreSuffixes = {"alpha", "beta", "pre", "rc"};
constexpr std::array<std::string_view, 5> kApk2PostSuffixes = {"cvs", "svn", "git", "hg", "p"};

class Apk2Cursor {
 public:
  explicit Apk2Cursor(std::string_view version) : rest_(version) {}

  [[nodiscard]] Tok2 Type() const { return type_; }
  [[nodiscard]] bool Done() const { return type_ == Tok2::kEnd || type_ == Tok2::kInvalid; }

  // Returns the value of the current token and moves to the next one.
  int64_t Pull() {
    if (rest_.empty()) {
      type_ = Tok2::kEnd;
      return 0;
    }
    size_t used = 0;
    int64_t value = 0;
    std::optional<Tok2> next_type;
    switch (type_) {
      case Tok2::kDigitOrZero:
        if (rest_.front() == '0') {
          // All zeros but the last are consumed; the last starts the following DIGIT token.
          used = SpanOf(rest_, [](char c) { return c == '0'; }) - 1;
          value = -static_cast<int64_t>(used);
          next_type = Tok2::kDigit;
          break;
        }
        [[fallthrough]];
      case Tok2::kDigit:
      case Tok2::kSuffixNo:
      case Tok2::kRevision:
        used = SpanOf(rest_, IsDigit);
        if (used > kApk2MaxDigits) {
          return Invalid();
        }
        for (size_t i = 0; i < used; ++i) {
          value = value * 10 + (rest_[i] - '0');
        }
        break;
      case Tok2::kLetter:
        value = static_cast<unsigned char>(rest_.front());
        used = 1;
        break;
      case Tok2::kSuffix:
        if (!PullSuffix(used, value)) {
          return Invalid();
        }
        break;
      default:
        return Invalid();
    }
    rest_.remove_prefix(used);
    if (rest_.empty()) {
      type_ = Tok2::kEnd;
    } else if (next_type) {
      type_ = *next_type;
    } else {
      Advance();
    }
    return value;
  }

 private:
  int64_t Invalid() {
    type_ = Tok2::kInvalid;
    return -1;
  }

  // apk 2 matches suffix names as prefixes, pre-release names first.
  bool PullSuffix(size_t& used, int64_t& value) const {
    for (size_t i = 0; i < kApk2PreSuffixes.size(); ++i) {
      if (rest_.substr(0, kApk2PreSuffixes[i].size()) == kApk2PreSuffixes[i]) {
        used = kApk2PreSuffixes[i].size();
        value = static_cast<int64_t>(i) - static_cast<int64_t>(kApk2PreSuffixes.size());
        return true;
      }
    }
    for (size_t i = 0; i < kApk2PostSuffixes.size(); ++i) {
      if (rest_.substr(0, kApk2PostSuffixes[i].size()) == kApk2PostSuffixes[i]) {
        used = kApk2PostSuffixes[i].size();
        value = static_cast<int64_t>(i);
        return true;
      }
    }
    return false;
  }

  Tok2 Classify() {
    if (rest_.empty() || rest_.front() == '\0') {
      return Tok2::kEnd;
    }
    const char c = rest_.front();
    if ((type_ == Tok2::kDigit || type_ == Tok2::kDigitOrZero) && IsLower(c)) {
      return Tok2::kLetter;
    }
    if (type_ == Tok2::kLetter && IsDigit(c)) {
      return Tok2::kDigit;
    }
    if (type_ == Tok2::kSuffix && IsDigit(c)) {
      return Tok2::kSuffixNo;
    }
    Tok2 next = Tok2::kInvalid;
    if (c == '.') {
      next = Tok2::kDigitOrZero;
    } else if (c == '_') {
      next = Tok2::kSuffix;
    } else if (c == '-' && rest_.size() > 1 && rest_[1] == 'r') {
      next = Tok2::kRevision;
      rest_.remove_prefix(1);
    }
    rest_.remove_prefix(1);
    return next;
  }

  // Determines the type of the next token; some backward transitions are allowed.
  void Advance() {
    Tok2 next = Classify();
    if (next < type_) {
      const bool allowed = (next == Tok2::kDigitOrZero && type_ == Tok2::kDigit) ||
                           (next == Tok2::kSuffix && type_ == Tok2::kSuffixNo) ||
                           (next == Tok2::kDigit && type_ == Tok2::kLetter);
      if (!allowed) {
        next = Tok2::kInvalid;
      }
    }
    type_ = next;
  }

  std::string_view rest_;
  Tok2 type_ = Tok2::kDigit;
};

// ---------------------------------------------------------------------------------------------
// apko: a fixed-shape regular expression and integer fields (Go int, 64-bit; a field that does
// not fit makes the whole version unparseable).

struct ApkoVersion {
  std::vector<int64_t> numbers;
  int letter = 0;
  int pre = 0;  // 0 = none (sorts last), 1..4 = alpha beta pre rc
  int64_t pre_number = 0;
  int post = 0;  // 0 = none, 1..5 = cvs svn git hg p
  int64_t post_number = 0;
  int64_t revision = 0;
};

constexpr int kApkoPreNone = 1000;
constexpr std::array<std::string_view, 4> kApkoPre = {"_alpha", "_beta", "_pre", "_rc"};
constexpr std::array<std::string_view, 5> kApkoPost = {"_cvs", "_svn", "_git", "_hg", "_p"};

// Decimal digits to int64 as Go's strconv.Atoi: leading zeros are fine, overflow fails.
std::optional<int64_t> ParseGoInt(std::string_view digits) {
  constexpr std::string_view kMax = "9223372036854775807";
  while (digits.size() > 1 && digits.front() == '0') {
    digits.remove_prefix(1);
  }
  if (digits.size() > kMax.size() || (digits.size() == kMax.size() && digits > kMax)) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (char c : digits) {
    value = value * 10 + (c - '0');
  }
  return value;
}

// Consumes a run of digits (at least `min_digits`) and parses it; an empty optional run is 0.
bool ConsumeGoInt(std::string_view& rest, size_t min_digits, int64_t& out) {
  const size_t n = SpanOf(rest, IsDigit);
  if (n < min_digits) {
    return false;
  }
  out = 0;
  if (n > 0) {
    const std::optional<int64_t> value = ParseGoInt(rest.substr(0, n));
    if (!value) {
      return false;
    }
    out = *value;
  }
  rest.remove_prefix(n);
  return true;
}

template <size_t N>
int ConsumeKeyword(std::string_view& rest, const std::array<std::string_view, N>& words) {
  for (size_t i = 0; i < N; ++i) {
    if (rest.substr(0, words[i].size()) == words[i]) {
      rest.remove_prefix(words[i].size());
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

bool ParseApkoSuffixes(std::string_view& rest, ApkoVersion& v) {
  v.pre = ConsumeKeyword(rest, kApkoPre);
  if (v.pre != 0 && !ConsumeGoInt(rest, 0, v.pre_number)) {
    return false;
  }
  v.post = ConsumeKeyword(rest, kApkoPost);
  if (v.post != 0 && !ConsumeGoInt(rest, 0, v.post_number)) {
    return false;
  }
  if (rest.substr(0, 2) == "-r") {
    rest.remove_prefix(2);
    return ConsumeGoInt(rest, 1, v.revision);
  }
  return true;
}

std::optional<ApkoVersion> ParseApko(std::string_view rest) {
  ApkoVersion v;
  int64_t number = 0;
  if (!ConsumeGoInt(rest, 1, number)) {
    return std::nullopt;
  }
  v.numbers.push_back(number);
  while (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    if (!ConsumeGoInt(rest, 1, number)) {
      return std::nullopt;
    }
    v.numbers.push_back(number);
  }
  if (!rest.empty() && IsLower(rest.front())) {
    v.letter = static_cast<unsigned char>(rest.front());
    rest.remove_prefix(1);
  }
  if (!ParseApkoSuffixes(rest, v) || !rest.empty()) {
    return std::nullopt;
  }
  return v;
}

strong_ordering CompareApko(const ApkoVersion& a, const ApkoVersion& b) {
  const size_t common = std::min(a.numbers.size(), b.numbers.size());
  for (size_t i = 0; i < common; ++i) {
    if (a.numbers[i] != b.numbers[i]) {
      return a.numbers[i] <=> b.numbers[i];
    }
  }
  if (a.numbers.size() != b.numbers.size()) {
    return a.numbers.size() <=> b.numbers.size();
  }
  const int a_pre = a.pre == 0 ? kApkoPreNone : a.pre;
  const int b_pre = b.pre == 0 ? kApkoPreNone : b.pre;
  const std::array<std::pair<int64_t, int64_t>, 6> fields = {{{a.letter, b.letter},
                                                              {a_pre, b_pre},
                                                              {a.pre_number, b.pre_number},
                                                              {a.post, b.post},
                                                              {a.post_number, b.post_number},
                                                              {a.revision, b.revision}}};
  for (const auto& [x, y] : fields) {
    if (x != y) {
      return x <=> y;
    }
  }
  return strong_ordering::equal;
}

std::optional<strong_ordering> CompareApkoParsed(const std::optional<ApkoVersion>& a,
                                                 const std::optional<ApkoVersion>& b) {
  if (!a || !b) {
    return std::nullopt;
  }
  return CompareApko(*a, *b);
}

// ---------------------------------------------------------------------------------------------
// Safe profile (§6.4), hand-written so that a failure can name its reason.

enum class SafeIssue {
  kNone,
  kMissingNumber,
  kLeadingZero,
  kTooManyDigits,
  kUnknownSuffix,
  kSuffixOrder,
  kSuffixWithoutNumber,
  kMissingRevision,
  kUnexpectedText,
};

constexpr size_t kSafeMaxNumberDigits = 17;
constexpr size_t kSafeMaxSuffixDigits = 16;
constexpr std::array<std::string_view, 4> kPreNames = {"alpha", "beta", "pre", "rc"};
constexpr std::array<std::string_view, 5> kPostNames = {"cvs", "svn", "git", "hg", "p"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& words, std::string_view word) {
  for (std::string_view w : words) {
    if (w == word) {
      return true;
    }
  }
  return false;
}

// 0 | [1-9][0-9]{0,16}
SafeIssue ConsumeSafeNumber(std::string_view& rest) {
  const size_t n = SpanOf(rest, IsDigit);
  if (n == 0) {
    return SafeIssue::kMissingNumber;
  }
  if (n > 1 && rest.front() == '0') {
    return SafeIssue::kLeadingZero;
  }
  if (n > kSafeMaxNumberDigits) {
    return SafeIssue::kTooManyDigits;
  }
  rest.remove_prefix(n);
  return SafeIssue::kNone;
}

// (_(alpha|beta|pre|rc)[0-9]{1,16})? (_(cvs|svn|git|hg|p)[0-9]{1,16})?
SafeIssue ConsumeSafeSuffixes(std::string_view& rest) {
  bool seen_pre = false;
  bool seen_post = false;
  while (!rest.empty() && rest.front() == '_') {
    const std::string_view name = rest.substr(1, SpanOf(rest.substr(1), IsLower));
    const bool is_pre = Contains(kPreNames, name);
    if (!is_pre && !Contains(kPostNames, name)) {
      return SafeIssue::kUnknownSuffix;
    }
    if (seen_post || (is_pre && seen_pre)) {
      return SafeIssue::kSuffixOrder;
    }
    (is_pre ? seen_pre : seen_post) = true;
    rest.remove_prefix(1 + name.size());
    const size_t digits = SpanOf(rest, IsDigit);
    if (digits == 0) {
      return SafeIssue::kSuffixWithoutNumber;
    }
    if (digits > kSafeMaxSuffixDigits) {
      return SafeIssue::kTooManyDigits;
    }
    rest.remove_prefix(digits);
  }
  return SafeIssue::kNone;
}

SafeIssue CheckSafeProfile(std::string_view rest) {
  SafeIssue issue = ConsumeSafeNumber(rest);
  while (issue == SafeIssue::kNone && !rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    issue = ConsumeSafeNumber(rest);
  }
  if (issue != SafeIssue::kNone) {
    return issue;
  }
  if (!rest.empty() && IsLower(rest.front())) {
    rest.remove_prefix(1);
  }
  issue = ConsumeSafeSuffixes(rest);
  if (issue != SafeIssue::kNone) {
    return issue;
  }
  if (rest.empty()) {
    return SafeIssue::kMissingRevision;
  }
  if (rest.substr(0, 2) != "-r") {
    return SafeIssue::kUnexpectedText;
  }
  rest.remove_prefix(2);
  issue = ConsumeSafeNumber(rest);
  if (issue == SafeIssue::kMissingNumber) {
    return SafeIssue::kMissingRevision;
  }
  if (issue == SafeIssue::kNone && !rest.empty()) {
    return SafeIssue::kUnexpectedText;
  }
  return issue;
}

std::string DescribeSafeIssue(SafeIssue issue, std::string_view version) {
  switch (issue) {
    case SafeIssue::kNone:
      return "inside the safe profile";
    case SafeIssue::kMissingNumber:
      return "expected a number in " + Printable(version);
    case SafeIssue::kLeadingZero:
      return "leading zero in " + Printable(version);
    case SafeIssue::kTooManyDigits:
      return "a number longer than 17 digits (16 after a suffix) in " + Printable(version);
    case SafeIssue::kUnknownSuffix:
      return "unknown suffix in " + Printable(version);
    case SafeIssue::kSuffixOrder:
      return "only one pre-release (_alpha _beta _pre _rc) then one post-release (_cvs _svn "
             "_git _hg _p) suffix is allowed in " +
             Printable(version);
    case SafeIssue::kSuffixWithoutNumber:
      return "a suffix without a number (write _rc1, not _rc) in " + Printable(version);
    case SafeIssue::kMissingRevision:
      return "missing -rN revision in " + Printable(version);
    case SafeIssue::kUnexpectedText:
      return "unexpected text (or a '~hash') in " + Printable(version);
  }
  return "invalid";
}

// ---------------------------------------------------------------------------------------------
// Dependency atoms (§2.6).

bool IsDependencyNameChar(char c) {
  return IsDigit(c) || IsLower(c) || (c >= 'A' && c <= 'Z') || c == '+' || c == '-' || c == '.' ||
         c == '_' || c == ':' || c == '/' || c == ',' || c == '[' || c == ']';
}

bool IsComparerChar(char c) { return c == '<' || c == '>' || c == '=' || c == '~'; }

bool IsBase64Char(char c) {
  return IsDigit(c) || IsLower(c) || (c >= 'A' && c <= 'Z') || c == '+' || c == '/';
}

std::optional<DependencyOp> ParseOperator(std::string_view op) {
  static constexpr std::array<std::pair<std::string_view, DependencyOp>, 9> kOps = {{
      {"<", DependencyOp::kLess},
      {"<=", DependencyOp::kLessEqual},
      {"=", DependencyOp::kEqual},
      {">=", DependencyOp::kGreaterEqual},
      {">", DependencyOp::kGreater},
      {"~", DependencyOp::kFuzzy},
      {"<~", DependencyOp::kFuzzyLess},
      {">~", DependencyOp::kFuzzyGreater},
      {"><", DependencyOp::kChecksum},
  }};
  for (const auto& [text, value] : kOps) {
    if (text == op) {
      return value;
    }
  }
  return std::nullopt;
}

// Q1 + base64(SHA-1) (28 characters) or Q2 + base64(SHA-256) (44 characters), '='-padded.
bool IsIdentityChecksum(std::string_view value) {
  constexpr size_t kSha1Base64 = 28;
  constexpr size_t kSha256Base64 = 44;
  if (value.size() < 2 || value[0] != 'Q' || (value[1] != '1' && value[1] != '2')) {
    return false;
  }
  const std::string_view body = value.substr(2);
  if (body.size() != (value[1] == '1' ? kSha1Base64 : kSha256Base64)) {
    return false;
  }
  return SpanOf(body, IsBase64Char) == body.size() - 1 && body.back() == '=';
}

Error AtomError(std::string_view atom, const std::string& what) {
  return MakeError(ErrorCode::kCorrupt, "dependency atom " + Quoted(atom) + ": " + what);
}

std::optional<std::string> CheckDependencyName(std::string_view name) {
  if (name.empty()) {
    return "missing package name";
  }
  for (char c : name) {
    if (c == '@') {
      return "repository tags (name@tag) are not allowed in index dependencies";
    }
    if (!IsDependencyNameChar(c)) {
      return "invalid character " + Quoted(std::string_view(&c, 1)) + " in name " + Quoted(name);
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsValidVersion(std::string_view version) { return Apk3Tokenizer(version).Validate(); }

bool IsValidApk2Version(std::string_view version) {
  Apk2Cursor cursor(version);
  while (!cursor.Done()) {
    cursor.Pull();
  }
  return cursor.Type() == Tok2::kEnd;
}

bool IsValidApkoVersion(std::string_view version) { return ParseApko(version).has_value(); }

bool IsSafeProfileVersion(std::string_view version) {
  return CheckSafeProfile(version) == SafeIssue::kNone;
}

strong_ordering CompareVersions(std::string_view a, std::string_view b) {
  Apk3Tokenizer ta(a);
  Apk3Tokenizer tb(b);
  while (ta.Type() == tb.Type() && ta.Type() < Tok3::kEnd) {
    const strong_ordering r = CompareApk3Tokens(ta, tb);
    if (r != strong_ordering::equal) {
      return r;
    }
    ta.Next();
    tb.Next();
  }
  if (ta.Type() == tb.Type()) {
    return strong_ordering::equal;
  }
  // The longer version is greater, unless it continues with a pre-release suffix.
  if (ta.IsPreReleaseSuffix()) {
    return strong_ordering::less;
  }
  if (tb.IsPreReleaseSuffix()) {
    return strong_ordering::greater;
  }
  return tb.Type() <=> ta.Type();
}

strong_ordering CompareVersionsApk2(std::string_view a, std::string_view b) {
  Apk2Cursor ca(a);
  Apk2Cursor cb(b);
  int64_t av = 0;
  int64_t bv = 0;
  while (ca.Type() == cb.Type() && !ca.Done() && av == bv) {
    av = ca.Pull();
    bv = cb.Pull();
  }
  if (av != bv) {
    return av <=> bv;
  }
  if (ca.Type() == cb.Type()) {
    return strong_ordering::equal;
  }
  // A pending pre-release suffix makes its side smaller (an unknown suffix also counts: -1).
  if (ca.Type() == Tok2::kSuffix && Apk2Cursor(ca).Pull() < 0) {
    return strong_ordering::less;
  }
  if (cb.Type() == Tok2::kSuffix && Apk2Cursor(cb).Pull() < 0) {
    return strong_ordering::greater;
  }
  return cb.Type() <=> ca.Type();
}

std::optional<strong_ordering> CompareVersionsApko(std::string_view a, std::string_view b) {
  return CompareApkoParsed(ParseApko(a), ParseApko(b));
}

std::string_view OrderSymbol(strong_ordering order) {
  if (std::is_lt(order)) {
    return "<";
  }
  return std::is_gt(order) ? ">" : "=";
}

VersionReport ValidateVersion(std::string_view version) {
  VersionReport report;
  report.version = std::string(version);
  report.valid_apk3 = IsValidVersion(version);
  report.valid_apk2 = IsValidApk2Version(version);
  report.valid_apko = IsValidApkoVersion(version);
  const SafeIssue safe_issue = CheckSafeProfile(version);
  report.safe_profile = safe_issue == SafeIssue::kNone;
  if (!report.valid_apk3) {
    report.problems.push_back("not valid for apk 3.0.6: " + DescribeApk3Issue(version) +
                              "; apk 3 treats packages that depend on it as uninstallable");
  }
  if (!report.valid_apk2) {
    std::string why = "rejected by its version parser";
    if (version.find('~') != std::string_view::npos) {
      why = "'~hash' is not supported";
    }
    report.problems.push_back("not valid for apk 2.14: " + why);
  }
  if (!report.valid_apko) {
    report.problems.push_back(
        "apko cannot parse it; packages with this version are disqualified there");
  }
  if (!report.safe_profile) {
    report.problems.push_back("outside the safe profile: " +
                              DescribeSafeIssue(safe_issue, version));
  }
  return report;
}

std::vector<OrderDisagreement> FindOrderDisagreements(std::span<const std::string> versions) {
  std::vector<std::optional<ApkoVersion>> apko;
  apko.reserve(versions.size());
  for (const std::string& v : versions) {
    apko.push_back(ParseApko(v));
  }
  std::vector<OrderDisagreement> out;
  for (size_t i = 0; i < versions.size(); ++i) {
    for (size_t j = i + 1; j < versions.size(); ++j) {
      const strong_ordering apk3 = CompareVersions(versions[i], versions[j]);
      const strong_ordering apk2 = CompareVersionsApk2(versions[i], versions[j]);
      const std::optional<strong_ordering> apko_order = CompareApkoParsed(apko[i], apko[j]);
      if (apk2 != apk3 || apko_order != apk3) {
        out.push_back({versions[i], versions[j], apk3, apk2, apko_order});
      }
    }
  }
  return out;
}

Result<DependencyAtom> ParseDependencyAtom(std::string_view atom) {
  DependencyAtom out;
  std::string_view rest = atom;
  if (!rest.empty() && rest.front() == '!') {
    out.conflict = true;
    rest.remove_prefix(1);
  }
  size_t name_end = 0;
  while (name_end < rest.size() && !IsComparerChar(rest[name_end])) {
    ++name_end;
  }
  const std::string_view name = rest.substr(0, name_end);
  if (std::optional<std::string> problem = CheckDependencyName(name)) {
    return AtomError(atom, *problem);
  }
  out.name = std::string(name);
  rest.remove_prefix(name_end);
  if (rest.empty()) {
    return out;
  }
  size_t op_end = 0;
  while (op_end < rest.size() && IsComparerChar(rest[op_end])) {
    ++op_end;
  }
  const std::string_view op_text = rest.substr(0, op_end);
  const std::optional<DependencyOp> op = ParseOperator(op_text);
  if (!op) {
    return AtomError(
        atom, "unsupported operator " + Quoted(op_text) + " (use one of < <= = >= > ~ <~ >~ ><)");
  }
  const std::string_view version = rest.substr(op_end);
  if (version.empty()) {
    return AtomError(atom, "missing version after " + Quoted(op_text));
  }
  if (version.find('@') != std::string_view::npos) {
    return AtomError(atom, "repository tags (name@tag) are not allowed in index dependencies");
  }
  if (*op == DependencyOp::kChecksum) {
    if (!IsIdentityChecksum(version)) {
      return AtomError(atom, "'><' must be followed by a Q1 (SHA-1) or Q2 (SHA-256) checksum");
    }
  } else if (!IsValidVersion(version)) {
    return AtomError(atom, "version " + Quoted(version) +
                               " is not valid apk 3 syntax: " + DescribeApk3Issue(version));
  }
  out.op = *op;
  out.version = std::string(version);
  return out;
}

}  // namespace apkd::format
