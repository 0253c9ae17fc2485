#include <catch2/catch.hpp>

#include "pol/value.hpp"

using pol::Decimal;
using pol::Type;
using pol::TypeKind;

namespace {

const std::vector<pol::EnumInfo> kEnums = {
    {"SeparationReason", {"layoff", "end_of_contract", "misconduct"}},
};

const Type kMoney{TypeKind::Money};
const Type kRate{TypeKind::Rate};
const Type kInteger{TypeKind::Integer};
const Type kDecimal{TypeKind::Decimal};
const Type kBoolean{TypeKind::Boolean};
const Type kDate{TypeKind::Date};
const Type kText{TypeKind::Text};
const Type kReason{TypeKind::Enum, 0};

Decimal dec(std::string_view text) {
  auto d = Decimal::parse(text);
  REQUIRE(d);
  return *d;
}

// The parsed number, checked to be exactly `expected` (value and written form).
void check_number(const Type& type, std::string_view text, std::string_view expected) {
  INFO("parsing " << text);
  std::string why;
  auto v = pol::parse_value(type, text, kEnums, &why);
  REQUIRE(v);
  CHECK(v->number == dec(expected));
  CHECK(v->number.to_string() == dec(expected).to_string());
}

// Refused, with the expected-description set.
std::string refused(const Type& type, std::string_view text) {
  INFO("parsing " << text);
  std::string why;
  auto v = pol::parse_value(type, text, kEnums, &why);
  CHECK_FALSE(v);
  CHECK_FALSE(why.empty());
  return why;
}

}  // namespace

TEST_CASE("values: money", "[value]") {
  check_number(kMoney, "1234.56", "1234.56");
  check_number(kMoney, "$1,234.56", "1234.56");
  check_number(kMoney, "1,234,567.89", "1234567.89");
  check_number(kMoney, "-$3", "-3");
  check_number(kMoney, "$-3", "-3");
  check_number(kMoney, "-3.50", "-3.5");
  check_number(kMoney, "\xE2\x82\xAC" "12.00", "12");  // €12.00
  check_number(kMoney, "\xC2\xA3" "1,000", "1000");    // £1,000
  check_number(kMoney, "0.125", "0.125");
  check_number(kMoney, "$999", "999");
  check_number(kMoney, "123,456", "123456");
  check_number(kMoney, "0", "0");
  // Exactly, not approximately: scale kept.
  auto v = pol::parse_value(kMoney, "$1,234.50", kEnums);
  REQUIRE(v);
  CHECK(v->number.scale() == 2);
  CHECK(v->number.to_scaled(2) == pol::int128(123450));

  for (const char* bad : {"1,23", "12,34.5", "1234,567", ",123", "1,,234", "1,234,", "$", "", "-", "--3",
                          "-$-3", "$$3", "1.2.3", ".5", "5.", "1e3", " 1", "1 ", "USD 3", "3$", "$ 3",
                          "1_000", "abc", "0x10", "1,234.5,6"}) {
    CHECK(refused(kMoney, bad) == "an amount of money such as 1234.56 or $1,234.56");
  }
}

TEST_CASE("values: rates", "[value]") {
  check_number(kRate, "5.5%", "0.055");
  check_number(kRate, "5%", "0.05");
  check_number(kRate, "0.055", "0.055");
  check_number(kRate, "100%", "1");
  check_number(kRate, "-2.25%", "-0.0225");
  check_number(kRate, "0.1%", "0.001");
  // 5.5% is exactly 0.055 (scale shifted by two), not a rounded quotient.
  auto v = pol::parse_value(kRate, "5.5%", kEnums);
  REQUIRE(v);
  CHECK(v->number.scale() == 3);
  CHECK(v->number.to_string() == "0.055");
  for (const char* bad : {"5.5 %", "%", "5%%", "abc", "five", "$5", "5,5%", "1e2%", ""})
    CHECK(refused(kRate, bad) == "a rate such as 0.055 or 5.5%");
}

TEST_CASE("values: integers and decimals", "[value]") {
  check_number(kInteger, "42", "42");
  check_number(kInteger, "-12", "-12");
  check_number(kInteger, "+7", "7");
  check_number(kInteger, "123456789012345678901234567890", "123456789012345678901234567890");
  for (const char* bad : {"3.0", "4.5", "1,000", "1e3", "", "-", "12a", " 3", "$3"})
    CHECK(refused(kInteger, bad) == "a whole number such as 42");

  check_number(kDecimal, "-12.5", "-12.5");
  check_number(kDecimal, "0.1", "0.1");
  check_number(kDecimal, "3", "3");
  for (const char* bad : {"1,000.5", ".5", "1e-3", "", "$1"})
    CHECK(refused(kDecimal, bad) == "a number such as -12.5");
}

TEST_CASE("values: booleans, dates, text, enumerations", "[value]") {
  auto t = pol::parse_value(kBoolean, "true", kEnums);
  REQUIRE(t);
  CHECK(t->as_bool());
  auto f = pol::parse_value(kBoolean, "false", kEnums);
  REQUIRE(f);
  CHECK_FALSE(f->as_bool());
  CHECK(pol::parse_value(kBoolean, "TRUE", kEnums));  // spreadsheets write TRUE/FALSE
  for (const char* bad : {"yes", "1", "0", "", "t"}) CHECK(refused(kBoolean, bad) == "true or false");

  auto d = pol::parse_value(kDate, "2026-03-01", kEnums);
  REQUIRE(d);
  CHECK(d->as_date() == *pol::Date::parse("2026-03-01"));
  for (const char* bad : {"2026-02-30", "01/03/2026", "2026-3-1", ""})
    CHECK(refused(kDate, bad) == "a date written YYYY-MM-DD such as 2026-03-01");

  auto text = pol::parse_value(kText, " anything, at all ", kEnums);
  REQUIRE(text);
  CHECK(text->text == " anything, at all ");

  auto e = pol::parse_value(kReason, "misconduct", kEnums);
  REQUIRE(e);
  CHECK(e->scalar == 2);
  CHECK(refused(kReason, "fired") == "one of layoff, end_of_contract, misconduct");
  CHECK(refused(kReason, "Layoff") == "one of layoff, end_of_contract, misconduct");
}

TEST_CASE("values: formatting", "[value]") {
  const auto fmt = [](const Type& type, const pol::Value& v) { return pol::format_value(type, v, kEnums); };
  using pol::Value;
  CHECK(fmt(kMoney, Value::of_number(dec("350"))) == "350.00");
  CHECK(fmt(kMoney, Value::of_number(dec("350.5"))) == "350.50");
  CHECK(fmt(kMoney, Value::of_number(dec("0.125"))) == "0.125");
  CHECK(fmt(kMoney, Value::of_number(dec("-3"))) == "-3.00");
  CHECK(fmt(kMoney, Value::of_number(dec("1234.5600"))) == "1234.56");
  CHECK(fmt(kRate, Value::of_number(dec("0.0550"))) == "0.055");
  CHECK(fmt(kRate, Value::of_number(dec("1"))) == "1");
  CHECK(fmt(kInteger, Value::of_number(dec("-42"))) == "-42");
  CHECK(fmt(kDecimal, Value::of_number(dec("2.50"))) == "2.5");
  CHECK(fmt(kDate, Value::of_date(*pol::Date::parse("2026-03-01"))) == "2026-03-01");
  CHECK(fmt(kBoolean, Value::of_bool(true)) == "true");
  CHECK(fmt(kBoolean, Value::of_bool(false)) == "false");
  CHECK(fmt(kReason, Value::of_enum(1)) == "end_of_contract");
  CHECK(fmt(kText, Value::of_text("a, \"b\"")) == "a, \"b\"");
  // Parse then format gives the canonical text.
  auto money = pol::parse_value(kMoney, "$1,234.5", kEnums);
  REQUIRE(money);
  CHECK(fmt(kMoney, *money) == "1234.50");
  auto rate = pol::parse_value(kRate, "6.5%", kEnums);
  REQUIRE(rate);
  CHECK(fmt(kRate, *rate) == "0.065");
}

TEST_CASE("values: type names and enum ordinals", "[value]") {
  CHECK(pol::type_name(kMoney, kEnums) == "money");
  CHECK(pol::type_name(kRate, kEnums) == "rate");
  CHECK(pol::type_name(kInteger, kEnums) == "integer");
  CHECK(pol::type_name(kDecimal, kEnums) == "decimal");
  CHECK(pol::type_name(kBoolean, kEnums) == "boolean");
  CHECK(pol::type_name(kDate, kEnums) == "date");
  CHECK(pol::type_name(kText, kEnums) == "text");
  CHECK(pol::type_name(kReason, kEnums) == "SeparationReason");
  CHECK(kEnums[0].ordinal_of("layoff") == 0);
  CHECK(kEnums[0].ordinal_of("misconduct") == 2);
  CHECK_FALSE(kEnums[0].ordinal_of("fired"));
}

TEST_CASE("values: periods and series", "[value][period]") {
  using pol::PeriodKind;
  using pol::Value;
  const Type week{TypeKind::Period, -1, PeriodKind::Week};
  const Type month{TypeKind::Period, -1, PeriodKind::Month};
  const Type quarter{TypeKind::Period, -1, PeriodKind::Quarter};
  const Type year{TypeKind::Period, -1, PeriodKind::Year};
  const Type money_by_quarter{TypeKind::Money, -1, PeriodKind::Quarter};
  const Type rate_by_month{TypeKind::Rate, -1, PeriodKind::Month};
  const Type reason_by_year{TypeKind::Enum, 0, PeriodKind::Year};

  CHECK(pol::type_name(week, kEnums) == "week");
  CHECK(pol::type_name(month, kEnums) == "month");
  CHECK(pol::type_name(quarter, kEnums) == "quarter");
  CHECK(pol::type_name(year, kEnums) == "year");
  CHECK(pol::type_name(money_by_quarter, kEnums) == "money by quarter");
  CHECK(pol::type_name(rate_by_month, kEnums) == "rate by month");
  CHECK(pol::type_name(reason_by_year, kEnums) == "SeparationReason by year");
  CHECK(pol::type_name(Type{TypeKind::Integer, -1, PeriodKind::Week}, kEnums) == "integer by week");

  // Indexes: year × 12 + month − 1, year × 4 + quarter − 1, the year, and ISO weeks counted from
  // the week of Monday 1970-01-05 (2026-W09 is Monday 2026-02-23, day 20507: (20507 − 4) / 7).
  const auto index = [&](const Type& type, std::string_view text) {
    INFO("parsing " << text);
    auto v = pol::parse_value(type, text, kEnums);
    REQUIRE(v);
    return v->scalar;
  };
  CHECK(index(month, "2026-03") == 2026 * 12 + 2);
  CHECK(index(quarter, "2026-Q1") == 2026 * 4);
  CHECK(index(quarter, "2026-Q4") == 2026 * 4 + 3);
  CHECK(index(year, "2026") == 2026);
  CHECK(index(week, "2026-W09") == 2929);
  CHECK(index(week, "2020-W53") == (pol::Date::parse("2020-12-28")->days() - 4) / 7);

  CHECK(refused(month, "2026-3") == "a month written YYYY-MM such as 2026-03");
  CHECK(refused(month, "2026-Q1") == "a month written YYYY-MM such as 2026-03");
  CHECK(refused(quarter, "2026-Q5") == "a quarter written YYYY-Qn such as 2026-Q1");
  CHECK(refused(quarter, "2026-03") == "a quarter written YYYY-Qn such as 2026-Q1");
  CHECK(refused(year, " 2026") == "a year written YYYY such as 2026");
  CHECK(refused(year, "2026-03") == "a year written YYYY such as 2026");
  CHECK(refused(week, "2025-W53") == "an ISO week written YYYY-Www such as 2026-W09");  // 2025 has 52
  CHECK(refused(week, "2026-W9") == "an ISO week written YYYY-Www such as 2026-W09");

  const auto fmt = [](const Type& type, const Value& v) { return pol::format_value(type, v, kEnums); };
  CHECK(fmt(month, Value::of_period(2026 * 12 + 2)) == "2026-03");
  CHECK(fmt(quarter, Value::of_period(2026 * 4 + 1)) == "2026-Q2");
  CHECK(fmt(year, Value::of_period(2026)) == "2026");
  CHECK(fmt(week, Value::of_period(2929)) == "2026-W09");
  CHECK(fmt(week, Value::of_period(-1)) == "1970-W01");  // 1969-12-29 .. 1970-01-04
  for (const Type& type : {week, month, quarter, year})
    for (const char* text : {"2026-W09", "2020-W53", "2025-W01", "2026-03", "0001-01", "9999-12", "2026-Q1",
                             "2026-Q4", "2026", "0001", "9999"})
      if (auto v = pol::parse_value(type, text, kEnums)) CHECK(fmt(type, *v) == text);

  // A series is never one text; it is written period by period, in order.
  CHECK(refused(money_by_quarter, "100.00") == "one money per quarter, given period by period");
  CHECK(refused(rate_by_month, "5%") == "one rate per month, given period by period");
  pol::SeriesValues values;
  values.emplace(2026 * 4 + 1, Value::of_number(dec("0.5")));
  values.emplace(2026 * 4, Value::of_number(dec("100")));
  CHECK(fmt(money_by_quarter, Value::of_series(values)) == "{2026-Q1: 100.00, 2026-Q2: 0.50}");
  CHECK(fmt(money_by_quarter, Value::of_series({})) == "{}");
  CHECK(fmt(money_by_quarter, Value{}) == "{}");
  pol::SeriesValues reasons;
  reasons.emplace(2025, Value::of_enum(2));
  CHECK(fmt(reason_by_year, Value::of_series(reasons)) == "{2025: misconduct}");
}
