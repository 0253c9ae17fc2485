// Calendar periods as integer indexes, and calendar arithmetic on dates (pol/period.hpp).
//
// All the arithmetic is on 64-bit day counts in the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil / civil_from_days, as in date.cpp), so indexes far outside years 1..9999 are
// still handled without overflow:
//   - indexes are first clamped to ±2^40 periods (far beyond any date a Date can hold: a Date is
//     ±2^31 days, about ±5.8 million years), and
//   - period_start / period_end saturate at the smallest / largest Date when the day does not fit.
// PeriodKind::None is not a period: period_of gives 0, period_start / period_end give the Date of
// day 0, days_in_period gives 0, format_period gives "" and parse_period refuses everything.
#include "pol/period.hpp"

#include "civil.hpp"

#include <algorithm>
#include <limits>

namespace pol {

namespace {

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t r = a % b;  // not a − floor_div(a, b) × b, which overflows for INT64_MIN
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

constexpr bool leap(std::int64_t year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr unsigned month_length(std::int64_t year, unsigned month) noexcept {
  constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

using civil::Civil;
using civil::civil_from_days;
using civil::days_from_civil;

// The range of dates the language accepts: 0001-01-01 .. 9999-12-31.
constexpr std::int64_t kFirstDay = days_from_civil(1, 1, 1);
constexpr std::int64_t kLastDay = days_from_civil(9999, 12, 31);
static_assert(kFirstDay == -719162 && kLastDay == 2932896);
// 1970-01-05, the first Monday on or after the epoch, starts week 0.
constexpr std::int64_t kWeekZero = 4;

constexpr std::int64_t kIndexLimit = std::int64_t{1} << 40;
constexpr std::int64_t clamp_index(std::int64_t index) noexcept {
  return std::clamp(index, -kIndexLimit, kIndexLimit);
}

Date saturated_date(std::int64_t days) noexcept {
  constexpr std::int64_t lo = std::numeric_limits<std::int32_t>::min();
  constexpr std::int64_t hi = std::numeric_limits<std::int32_t>::max();
  return Date::from_days(static_cast<std::int32_t>(std::clamp(days, lo, hi)));
}

// The first day of period `index` (already clamped), as a 64-bit day count.
std::int64_t start_day(PeriodKind kind, std::int64_t index) noexcept {
  switch (kind) {
    case PeriodKind::Week: return kWeekZero + index * 7;
    case PeriodKind::Month:
      return days_from_civil(floor_div(index, 12), static_cast<unsigned>(floor_mod(index, 12)) + 1, 1);
    case PeriodKind::Quarter:
      return days_from_civil(floor_div(index, 4), static_cast<unsigned>(floor_mod(index, 4)) * 3 + 1, 1);
    case PeriodKind::Year: return days_from_civil(index, 1, 1);
    case PeriodKind::None: break;
  }
  return 0;
}

// ISO 8601 week-numbering year and week of week `index` (already clamped): the year is the one
// that holds the week's Thursday.
struct IsoWeek {
  std::int64_t year;
  unsigned week;  // 1..53
};
IsoWeek iso_week_of(std::int64_t index) noexcept {
  const std::int64_t thursday = start_day(PeriodKind::Week, index) + 3;
  const std::int64_t year = civil_from_days(thursday).y;
  const std::int64_t day_of_year = thursday - days_from_civil(year, 1, 1);  // 0-based
  return {year, static_cast<unsigned>(day_of_year / 7 + 1)};
}

// The week index of ISO week 1 of `year`: the week holding 4 January.
std::int64_t first_iso_week(std::int64_t year) noexcept {
  return floor_div(days_from_civil(year, 1, 4) - kWeekZero, 7);
}

// A year written with at least four digits, and a sign when negative ("0042", "-0001", "12345").
void append_year(std::string& out, std::int64_t year) {
  std::uint64_t magnitude = year < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(year)
                                     : static_cast<std::uint64_t>(year);
  std::string digits = std::to_string(magnitude);
  if (year < 0) out.push_back('-');
  if (digits.size() < 4) out.append(4 - digits.size(), '0');
  out.append(digits);
}

void append_two_digits(std::string& out, unsigned n) {
  out.push_back(static_cast<char>('0' + n / 10));
  out.push_back(static_cast<char>('0' + n % 10));
}

// `count` ASCII digits at text[from..], as a number; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t from, std::size_t count, int& out) noexcept {
  out = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::int64_t period_of(PeriodKind kind, Date date) noexcept {
  const std::int64_t days = date.days();
  switch (kind) {
    case PeriodKind::Week: return floor_div(days - kWeekZero, 7);
    case PeriodKind::Month: {
      const Civil c = civil_from_days(days);
      return c.y * 12 + (c.m - 1);
    }
    case PeriodKind::Quarter: {
      const Civil c = civil_from_days(days);
      return c.y * 4 + (c.m - 1) / 3;
    }
    case PeriodKind::Year: return civil_from_days(days).y;
    case PeriodKind::None: break;
  }
  return 0;
}

Date period_start(PeriodKind kind, std::int64_t index) noexcept {
  return saturated_date(start_day(kind, clamp_index(index)));
}

Date period_end(PeriodKind kind, std::int64_t index) noexcept {
  if (kind == PeriodKind::None) return Date{};
  return saturated_date(start_day(kind, clamp_index(index) + 1) - 1);
}

std::int64_t days_in_period(PeriodKind kind, std::int64_t index) noexcept {
  if (kind == PeriodKind::None) return 0;
  const std::int64_t i = clamp_index(index);
  return start_day(kind, i + 1) - start_day(kind, i);
}

std::string format_period(PeriodKind kind, std::int64_t index) {
  std::string out;
  switch (kind) {
    case PeriodKind::Week: {
      const IsoWeek w = iso_week_of(clamp_index(index));
      append_year(out, w.year);
      out += "-W";
      append_two_digits(out, w.week);
      break;
    }
    case PeriodKind::Month:
      append_year(out, floor_div(index, 12));
      out.push_back('-');
      append_two_digits(out, static_cast<unsigned>(floor_mod(index, 12)) + 1);
      break;
    case PeriodKind::Quarter:
      append_year(out, floor_div(index, 4));
      out += "-Q";
      out.push_back(static_cast<char>('1' + floor_mod(index, 4)));
      break;
    case PeriodKind::Year: append_year(out, index); break;
    case PeriodKind::None: break;
  }
  return out;
}

// Strict: exactly the forms format_period writes, for years 0001..9999; no spaces, no signs, no
// lower-case letters, no single-digit months or weeks, no week 53 in a year of 52 weeks.
std::optional<std::int64_t> parse_period(PeriodKind kind, std::string_view label) noexcept {
  int year = 0;
  if (label.size() < 4 || !read_digits(label, 0, 4, year) || year < 1 || year > 9999) return std::nullopt;
  const std::string_view rest = label.substr(4);
  int n = 0;
  switch (kind) {
    case PeriodKind::Year:
      if (!rest.empty()) return std::nullopt;
      return year;
    case PeriodKind::Month:
      if (rest.size() != 3 || rest[0] != '-' || !read_digits(rest, 1, 2, n) || n < 1 || n > 12)
        return std::nullopt;
      return std::int64_t{year} * 12 + (n - 1);
    case PeriodKind::Quarter:
      if (rest.size() != 3 || rest[0] != '-' || rest[1] != 'Q' || !read_digits(rest, 2, 1, n) || n < 1 ||
          n > 4)
        return std::nullopt;
      return std::int64_t{year} * 4 + (n - 1);
    case PeriodKind::Week: {
      if (rest.size() != 4 || rest[0] != '-' || rest[1] != 'W' || !read_digits(rest, 2, 2, n) || n < 1 ||
          n > 53)
        return std::nullopt;
      const std::int64_t index = first_iso_week(year) + (n - 1);
      if (iso_week_of(index).year != year) return std::nullopt;  // week 53 of a 52-week year
      return index;
    }
    case PeriodKind::None: break;
  }
  return std::nullopt;
}

const char* period_kind_name(PeriodKind kind) noexcept {
  switch (kind) {
    case PeriodKind::Week: return "week";
    case PeriodKind::Month: return "month";
    case PeriodKind::Quarter: return "quarter";
    case PeriodKind::Year: return "year";
    case PeriodKind::None: break;
  }
  return "";
}

std::optional<PeriodKind> period_kind_named(std::string_view name) noexcept {
  if (name == "week") return PeriodKind::Week;
  if (name == "month") return PeriodKind::Month;
  if (name == "quarter") return PeriodKind::Quarter;
  if (name == "year") return PeriodKind::Year;
  return std::nullopt;
}

bool period_nests_in(PeriodKind fine, PeriodKind coarse) noexcept {
  if (fine == PeriodKind::None || coarse == PeriodKind::None) return false;
  if (fine == PeriodKind::Week || coarse == PeriodKind::Week) return fine == coarse;
  // Month < Quarter < Year, and each nests in itself.
  return static_cast<int>(fine) <= static_cast<int>(coarse);
}

std::optional<Date> add_days(Date date, std::int64_t days) noexcept {
  const std::int64_t from = date.days();
  // Compared before adding, so that no `days` overflows.
  if (days > kLastDay - from || days < kFirstDay - from) return std::nullopt;
  return Date::from_days(static_cast<std::int32_t>(from + days));
}

std::optional<Date> add_months(Date date, std::int64_t months) noexcept {
  // Years 1..9999 span fewer than 120,000 months: anything larger is out of range whatever the
  // date (and is refused before it can overflow).
  constexpr std::int64_t kMonthLimit = 1'000'000;
  if (months > kMonthLimit || months < -kMonthLimit) return std::nullopt;
  const Civil c = civil_from_days(date.days());
  const std::int64_t target = c.y * 12 + (c.m - 1) + months;
  const std::int64_t year = floor_div(target, 12);
  if (year < 1 || year > 9999) return std::nullopt;
  const auto month = static_cast<unsigned>(floor_mod(target, 12)) + 1;
  const unsigned day = std::min(c.d, month_length(year, month));
  return Date::from_ymd(static_cast<int>(year), month, day);
}

std::optional<Date> add_years(Date date, std::int64_t years, LeapDay leap_day) noexcept {
  constexpr std::int64_t kYearLimit = 100'000;
  if (years > kYearLimit || years < -kYearLimit) return std::nullopt;
  const Civil c = civil_from_days(date.days());
  const std::int64_t year = c.y + years;
  if (year < 1 || year > 9999) return std::nullopt;
  unsigned month = c.m, day = c.d;
  if (month == 2 && day == 29 && !leap(year)) {
    switch (leap_day) {
      case LeapDay::Refuse: return std::nullopt;
      case LeapDay::February28: day = 28; break;
      case LeapDay::March1: month = 3; day = 1; break;
    }
  }
  return Date::from_ymd(static_cast<int>(year), month, day);
}

// The largest n such that add_months(from, n) <= to (ignoring the range of years), for from <= to;
// −whole_months_between(to, from) otherwise.
std::int64_t whole_months_between(Date from, Date to) noexcept {
  if (to < from) return -whole_months_between(to, from);
  const Civil a = civil_from_days(from.days());
  const Civil b = civil_from_days(to.days());
  const std::int64_t months = (b.y * 12 + b.m) - (a.y * 12 + a.m);
  // The day `months` months after `from`, in to's month: the same day, or that month's last.
  const unsigned anniversary = std::min(a.d, month_length(b.y, b.m));
  return anniversary <= b.d ? months : months - 1;
}

// whole_months_between / 12, except that a 29 February start completes a year on 1 March (not 28
// February) when the year it reaches is not a leap year.
std::int64_t whole_years_between(Date from, Date to) noexcept {
  if (to < from) return -whole_years_between(to, from);
  std::int64_t years = whole_months_between(from, to) / 12;
  const Civil a = civil_from_days(from.days());
  if (a.m == 2 && a.d == 29 && years > 0) {
    const Civil b = civil_from_days(to.days());
    const std::int64_t reached = a.y + years;
    if (!leap(reached) && b.y == reached && b.m == 2 && b.d == 28) --years;
  }
  return years;
}

}  // namespace pol
