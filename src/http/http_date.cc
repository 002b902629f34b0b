// HTTP-date formatting and parsing (declared in http/conditional.h).
#include <array>
#include <cstdio>

#include "http/conditional.h"

namespace apkd::http {
namespace {

using std::chrono::days;
using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr int kMaxHour = 23;
constexpr int kMaxMinute = 59;
constexpr int kMaxSecond = 60;  // a leap second is valid syntax
constexpr int kTwoDigitYearWindow = 50;
constexpr int kCentury = 100;

// A forward-only reader over the date text; every method consumes only on success.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Literal(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) {
      return false;
    }
    pos_ += literal.size();
    return true;
  }

  // Exactly `count` decimal digits.
  bool Digits(size_t count, int& out) {
    if (pos_ + count > text_.size()) {
      return false;
    }
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    out = value;
    return true;
  }

  template <size_t N>
  bool Name(const std::array<std::string_view, N>& names, int& index) {
    for (size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

struct DateFields {
  int year = 0;
  int month = 0;  // 0-based index into kMonthNames
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool ParseTime(Cursor& in, DateFields& f) {
  return in.Digits(2, f.hour) && in.Literal(":") && in.Digits(2, f.minute) && in.Literal(":") &&
         in.Digits(2, f.second) && f.hour <= kMaxHour && f.minute <= kMaxMinute &&
         f.second <= kMaxSecond;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
bool ParseImfFixdate(std::string_view text, DateFields& f) {
  Cursor in(text);
  int weekday = 0;
  return in.Name(kDayNames, weekday) && in.Literal(", ") && in.Digits(2, f.day) &&
         in.Literal(" ") && in.Name(kMonthNames, f.month) && in.Literal(" ") &&
         in.Digits(4, f.year) && in.Literal(" ") && ParseTime(in, f) && in.Literal(" GMT") &&
         in.AtEnd();
}

int CurrentYear() {
  const auto today = std::chrono::floor<days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day(today).year());
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
bool ParseRfc850(std::string_view text, DateFields& f) {
  Cursor in(text);
  int weekday = 0;
  int two_digit_year = 0;
  if (!(in.Name(kLongDayNames, weekday) && in.Literal(", ") && in.Digits(2, f.day) &&
        in.Literal("-") && in.Name(kMonthNames, f.month) && in.Literal("-") &&
        in.Digits(2, two_digit_year) && in.Literal(" ") && ParseTime(in, f) && in.Literal(" GMT") &&
        in.AtEnd())) {
    return false;
  }
  const int now = CurrentYear();
  f.year = now / kCentury * kCentury + two_digit_year;
  if (f.year > now + kTwoDigitYearWindow) {
    f.year -= kCentury;
  }
  return true;
}

// "Sun Nov  6 08:49:37 1994"
bool ParseAsctime(std::string_view text, DateFields& f) {
  Cursor in(text);
  int weekday = 0;
  if (!(in.Name(kDayNames, weekday) && in.Literal(" ") && in.Name(kMonthNames, f.month) &&
        in.Literal(" "))) {
    return false;
  }
  const bool day_ok = in.Literal(" ") ? in.Digits(1, f.day) : in.Digits(2, f.day);
  return day_ok && in.Literal(" ") && ParseTime(in, f) && in.Literal(" ") && in.Digits(4, f.year) &&
         in.AtEnd();
}

}  // namespace

std::string FormatHttpDate(sys_seconds time) {
  const auto day_point = std::chrono::floor<days>(time);
  const std::chrono::year_month_day ymd(day_point);
  const std::chrono::weekday weekday(day_point);
  const std::chrono::hh_mm_ss hms(time - day_point);
  std::array<char, 64> buffer{};
  const int n = std::snprintf(
      buffer.data(), buffer.size(), "%s, %02u %s %04d %02d:%02d:%02d GMT",
      kDayNames[weekday.c_encoding()].data(), static_cast<unsigned>(ymd.day()),
      kMonthNames[static_cast<unsigned>(ymd.month()) - 1].data(), static_cast<int>(ymd.year()),
      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()));
  return std::string(buffer.data(), n > 0 ? static_cast<size_t>(n) : 0);
}

std::optional<sys_seconds> ParseHttpDate(std::string_view text) {
  DateFields f;
  if (!ParseImfFixdate(text, f) && !ParseRfc850(text, f) && !ParseAsctime(text, f)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(f.year),
                                        std::chrono::month(static_cast<unsigned>(f.month + 1)),
                                        std::chrono::day(static_cast<unsigned>(f.day))};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return sys_seconds(std::chrono::sys_days(ymd)) + std::chrono::hours(f.hour) +
         std::chrono::minutes(f.minute) + std::chrono::seconds(f.second);
}

}  // namespace apkd::http
