// Calendar periods (ISO weeks, months, quarters, years) as integer indexes, so that "the quarter
// before" is index − 1 and a series is a map from index to value.
//   week:    days since 1970-01-05 (a Monday) divided by 7, floored
//   month:   year × 12 + (month − 1)
//   quarter: year × 4 + (quarter − 1)
//   year:    the year
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pol/date.hpp"
#include "pol/value.hpp"

namespace pol {

// The period of `kind` that contains `date`.
std::int64_t period_of(PeriodKind kind, Date date) noexcept;
Date period_start(PeriodKind kind, std::int64_t index) noexcept;
Date period_end(PeriodKind kind, std::int64_t index) noexcept;  // the last day, inclusive
std::int64_t days_in_period(PeriodKind kind, std::int64_t index) noexcept;

// Labels: week "2026-W09" (ISO week-numbering year), month "2026-03", quarter "2026-Q1", year "2026".
std::string format_period(PeriodKind kind, std::int64_t index);
std::optional<std::int64_t> parse_period(PeriodKind kind, std::string_view label) noexcept;

// "week", "month", "quarter", "year"; None gives "".
const char* period_kind_name(PeriodKind kind) noexcept;
std::optional<PeriodKind> period_kind_named(std::string_view name) noexcept;

// Whether every period of `fine` lies inside one period of `coarse` (months in quarters and
// years, quarters in years; weeks straddle months, so weeks are only inside weeks).
bool period_nests_in(PeriodKind fine, PeriodKind coarse) noexcept;

// Calendar arithmetic on dates. Each returns nullopt when the result is out of range.
std::optional<Date> add_days(Date date, std::int64_t days) noexcept;
// The same day `months` later; a day that does not exist in the target month (31 → April) is the
// last day of that month.
std::optional<Date> add_months(Date date, std::int64_t months) noexcept;

// What `add_years` does with 29 February when the target year is not a leap year.
enum class LeapDay { Refuse, February28, March1 };
// nullopt when out of range, or when the date is 29 February, the target year has none, and
// `leap_day` is Refuse (the statute must say which way such a date goes).
std::optional<Date> add_years(Date date, std::int64_t years, LeapDay leap_day) noexcept;

// Whole calendar units from `from` to `to`; when `to` is earlier, minus the count from `to` to
// `from`. A month is complete when the same day of the month is reached, or the last day of a
// month too short to have it: 2024-01-31 → 2024-02-29 is 1 month, → 2024-02-28 is 0.
std::int64_t whole_months_between(Date from, Date to) noexcept;
// whole_months_between / 12, truncated toward zero; except that from 29 February a year is
// complete on 1 March, not 28 February, when the year reached is not a leap year (someone born
// on 2024-02-29 is 0 on 2025-02-28 and 1 on 2025-03-01, as add_years with LeapDay::March1).
std::int64_t whole_years_between(Date from, Date to) noexcept;  // age: whole_years_between(birth, on)

}  // namespace pol
