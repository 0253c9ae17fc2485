// Civil dates <-> day counts, after Howard Hinnant's days_from_civil / civil_from_days
// (http://howardhinnant.github.io/date_algorithms.html), proleptic Gregorian calendar.
#include "pol/date.hpp"

#include <cstdio>

#include "civil.hpp"

namespace pol {

namespace {

using civil::Civil;
using civil::civil_from_days;
using civil::days_from_civil;

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).y == 2000 && civil_from_days(11017).m == 3);

}  // namespace

bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(int year, unsigned month) noexcept {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

std::optional<Date> Date::from_ymd(int year, unsigned month, unsigned day) noexcept {
  if (year < 1 || year > 9999) return std::nullopt;
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return Date(static_cast<std::int32_t>(days_from_civil(year, month, day)));
}

std::optional<Date> Date::parse(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0;
  if (!digits(0, 4, year) || !digits(5, 2, month) || !digits(8, 2, day)) return std::nullopt;
  return from_ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

YearMonthDay Date::ymd() const noexcept {
  const Civil c = civil_from_days(days_);
  return {static_cast<int>(c.y), c.m, c.d};
}

std::string Date::to_string() const {
  const YearMonthDay v = ymd();
  char buffer[32];
  // Dates built by from_ymd/parse have years 1..9999; others (from date arithmetic) are still
  // written unambiguously, with a sign when negative.
  if (v.year < 0)
    std::snprintf(buffer, sizeof buffer, "-%04d-%02u-%02u", -v.year, v.month, v.day);
  else
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", v.year, v.month, v.day);
  return buffer;
}

}  // namespace pol
