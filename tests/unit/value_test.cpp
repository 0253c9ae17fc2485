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
