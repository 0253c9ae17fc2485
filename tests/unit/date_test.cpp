#include <catch2/catch.hpp>

#include "pol/date.hpp"

using pol::Date;

namespace {
std::int32_t days(std::string_view text) {
  auto d = Date::parse(text);
  REQUIRE(d.has_value());
  return d->days();
}
}  // namespace

TEST_CASE("dates: known day counts", "[date]") {
  CHECK(days("1970-01-01") == 0);
  CHECK(days("1969-12-31") == -1);
  CHECK(days("1970-01-02") == 1);
  CHECK(days("2000-03-01") == 11017);
  CHECK(days("2026-03-01") == 20513);
  CHECK(days("0001-01-01") == -719162);
  CHECK(days("9999-12-31") == 2932896);
  CHECK(Date::from_days(20513).to_string() == "2026-03-01");
  CHECK(Date::from_days(-719162).to_string() == "0001-01-01");
  auto ymd = Date::from_days(11016).ymd();
  CHECK(ymd.year == 2000);
  CHECK(ymd.month == 2u);
  CHECK(ymd.day == 29u);
}

TEST_CASE("dates: strict YYYY-MM-DD parsing", "[date]") {
  CHECK(Date::parse("2024-02-29"));
  CHECK(Date::parse("2000-02-29"));
  CHECK_FALSE(Date::parse("2023-02-29"));
  CHECK_FALSE(Date::parse("1900-02-29"));
  CHECK_FALSE(Date::parse("2026-02-30"));
  CHECK_FALSE(Date::parse("2026-04-31"));
  CHECK_FALSE(Date::parse("2026-13-01"));
  CHECK_FALSE(Date::parse("2026-00-10"));
  CHECK_FALSE(Date::parse("2026-01-00"));
  CHECK_FALSE(Date::parse("0000-01-01"));  // years 1..9999 only
  CHECK_FALSE(Date::parse("2026-3-1"));
  CHECK_FALSE(Date::parse("2026/03/01"));
  CHECK_FALSE(Date::parse("20260301"));
  CHECK_FALSE(Date::parse(" 2026-03-01"));
  CHECK_FALSE(Date::parse("2026-03-01 "));
  CHECK_FALSE(Date::parse("2026-03-01T00:00"));
  CHECK_FALSE(Date::parse("+026-03-01"));
  CHECK_FALSE(Date::parse("2026-0a-01"));
  CHECK_FALSE(Date::parse(""));
  CHECK_FALSE(Date::from_ymd(10000, 1, 1));
  CHECK_FALSE(Date::from_ymd(0, 12, 31));
  CHECK(Date::from_ymd(9999, 12, 31));
}

TEST_CASE("dates: leap years and month lengths", "[date]") {
  CHECK(pol::is_leap_year(2024));
  CHECK(pol::is_leap_year(2000));
  CHECK(pol::is_leap_year(1600));
  CHECK_FALSE(pol::is_leap_year(1900));
  CHECK_FALSE(pol::is_leap_year(2100));
  CHECK_FALSE(pol::is_leap_year(2026));
  CHECK(pol::days_in_month(2024, 2) == 29u);
  CHECK(pol::days_in_month(2026, 2) == 28u);
  CHECK(pol::days_in_month(2026, 4) == 30u);
  CHECK(pol::days_in_month(2026, 12) == 31u);
  CHECK(pol::days_in_month(2026, 13) == 0u);
}

TEST_CASE("dates: every day of years 1..9999 round-trips and follows the previous one", "[date]") {
  const std::int32_t first = days("0001-01-01");
  const std::int32_t last = days("9999-12-31");
  pol::YearMonthDay previous = Date::from_days(first).ymd();
  REQUIRE(previous.year == 1);
  std::int64_t mismatches = 0;
  for (std::int32_t n = first + 1; n <= last; ++n) {
    const pol::YearMonthDay ymd = Date::from_days(n).ymd();
    // The next day: same month and day+1, or day 1 of the next month / year.
    bool follows;
    if (ymd.day == previous.day + 1) follows = ymd.month == previous.month && ymd.year == previous.year;
    else if (ymd.day == 1 && previous.day == pol::days_in_month(previous.year, previous.month))
      follows = previous.month == 12 ? (ymd.month == 1 && ymd.year == previous.year + 1)
                                     : (ymd.month == previous.month + 1 && ymd.year == previous.year);
    else follows = false;
    auto back = Date::from_ymd(ymd.year, ymd.month, ymd.day);
    if (!follows || !back || back->days() != n) ++mismatches;
    previous = ymd;
  }
  CHECK(mismatches == 0);
  CHECK(previous.year == 9999);
  // to_string / parse round trip on a sample.
  for (std::int32_t n = first; n <= last; n += 997) {
    const Date d = Date::from_days(n);
    auto parsed = Date::parse(d.to_string());
    REQUIRE(parsed);
    CHECK(parsed->days() == n);
  }
}

TEST_CASE("dates: ordering", "[date]") {
  CHECK(*Date::parse("2026-03-01") < *Date::parse("2026-03-02"));
  CHECK(*Date::parse("2025-12-31") < *Date::parse("2026-01-01"));
  CHECK(*Date::parse("2026-03-01") == Date::from_days(20513));
}

TEST_CASE("dates: days before year 1 (from date arithmetic) are still written unambiguously", "[date]") {
  // Proleptic Gregorian: year 0 is a leap year (366 days), so 0000-01-01 is 366 days before
  // 0001-01-01 (day -719162).
  CHECK(Date::from_days(-719162 - 1).to_string() == "0000-12-31");
  CHECK(Date::from_days(-719162 - 366).to_string() == "0000-01-01");
  CHECK(Date::from_days(-719162 - 367).to_string() == "-0001-12-31");
  const pol::YearMonthDay ymd = Date::from_days(-719162 - 367).ymd();
  CHECK(ymd.year == -1);
  CHECK(ymd.month == 12u);
  CHECK(ymd.day == 31u);
  CHECK(pol::is_leap_year(0));
  CHECK(pol::is_leap_year(-4));
  CHECK_FALSE(pol::is_leap_year(-1));
  CHECK_FALSE(pol::is_leap_year(-100));
  CHECK(pol::is_leap_year(-400));
  CHECK(Date::from_days(2932896 + 1).to_string() == "10000-01-01");
  CHECK_FALSE(Date::parse("10000-01-01"));
}
