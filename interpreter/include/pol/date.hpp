// Civil dates as a day count, so date arithmetic and comparison are integer operations.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pol {

struct YearMonthDay {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

class Date {
 public:
  constexpr Date() noexcept = default;

  // Days since 1970-01-01 in the proleptic Gregorian calendar.
  static constexpr Date from_days(std::int32_t days) noexcept { return Date(days); }
  // nullopt when the day does not exist (2026-02-30) or the year is outside 1..9999.
  static std::optional<Date> from_ymd(int year, unsigned month, unsigned day) noexcept;
  // Strict ISO 8601 calendar date: YYYY-MM-DD, nothing else.
  static std::optional<Date> parse(std::string_view text) noexcept;

  constexpr std::int32_t days() const noexcept { return days_; }
  YearMonthDay ymd() const noexcept;
  std::string to_string() const;

  friend constexpr auto operator<=>(Date, Date) noexcept = default;

 private:
  constexpr explicit Date(std::int32_t days) noexcept : days_(days) {}
  std::int32_t days_ = 0;
};

bool is_leap_year(int year) noexcept;
unsigned days_in_month(int year, unsigned month) noexcept;

}  // namespace pol
