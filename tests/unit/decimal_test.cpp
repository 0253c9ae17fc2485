// Hand-checked unit tests for pol::Decimal.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "pol/decimal.hpp"

using pol::Decimal;
using pol::DecimalError;
using pol::RoundingMode;

namespace {

Decimal D(const char* text) {
  auto d = Decimal::parse(text);
  if (!d) FAIL("test literal does not parse: " << text);
  return *d;
}

std::string S(const Decimal& d, int min_scale = 0) { return d.to_string(min_scale); }

std::string pow10_text(int n, bool negative = false) {
  return (negative ? "-1" : "1") + std::string(static_cast<std::size_t>(n), '0');
}

DecimalError::Kind error_kind(const std::function<void()>& f) {
  try {
    f();
  } catch (const DecimalError& e) {
    return e.kind();
  }
  FAIL("no DecimalError thrown");
  return DecimalError::Kind::InvalidArgument;
}

}  // namespace

TEST_CASE("Decimal: construction and basic queries", "[decimal]") {
  Decimal zero;
  CHECK(zero.is_zero());
  CHECK(zero.sign() == 0);
  CHECK(zero.scale() == 0);
  CHECK(S(zero) == "0");
  CHECK(S(Decimal::from_int(-42)) == "-42");
  CHECK(S(Decimal::from_int(INT64_MIN)) == "-9223372036854775808");
  CHECK(S(Decimal::from_scaled(12345, 2)) == "123.45");
  CHECK(Decimal::from_scaled(12345, 2).scale() == 2);
  CHECK(S(Decimal::from_scaled(-5, 3)) == "-0.005");
  CHECK(S(Decimal::from_scaled(7, -3)) == "7000");
  CHECK(Decimal::from_scaled(7, -3).scale() == 0);
  CHECK(D("-3.5").sign() == -1);
  CHECK(D("0.000").sign() == 0);
  CHECK(D("0.000").is_zero());
  CHECK(D("12.000").is_integer());
  CHECK_FALSE(D("12.001").is_integer());
  CHECK(D("-12").is_integer());
  CHECK(S(D("-7.25").abs()) == "7.25");
  CHECK(S(D("7.25").abs()) == "7.25");
  CHECK(S(-D("7.25")) == "-7.25");
  CHECK(S(-D("0")) == "0");
  CHECK_FALSE(D("1").is_wide());
  static_assert(sizeof(Decimal) <= 32);
}

TEST_CASE("Decimal: parse", "[decimal]") {
  CHECK(S(D("-12.340")) == "-12.34");
  CHECK(D("-12.340").scale() == 3);
  CHECK(S(D("+5")) == "5");
  CHECK(S(D("0.5")) == "0.5");
  CHECK(S(D("007.50")) == "7.5");
  CHECK(S(D("-0")) == "0");
  CHECK(S(D("-0.00")) == "0");
  for (const char* bad : {"", "-", "+", "1.2.3", "abc", "1e5", " 1", "1 ", ".5", "5.", "-.5",
                          "1,000", "1_000", "--1", "+-1", "0x10", "1.-2", "١"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(Decimal::parse(bad).has_value());
  }
  // Limits: 1000 fractional digits ok, 1001 rejected; 1000 digits ok, 1001 rejected.
  CHECK(Decimal::parse("0." + std::string(999, '0') + "1").has_value());
  CHECK_FALSE(Decimal::parse("0." + std::string(1000, '0') + "1").has_value());
  CHECK(Decimal::parse(std::string(1000, '9')).has_value());
  CHECK_FALSE(Decimal::parse(pow10_text(1000)).has_value());
  CHECK(Decimal::parse(std::string(2000, '0') + "1").has_value());  // leading zeros are free
  // Near the int128 boundary.
  CHECK_FALSE(D("170141183460469231731687303715884105727").is_wide());
  CHECK(D("170141183460469231731687303715884105728").is_wide());
  CHECK_FALSE(D("-170141183460469231731687303715884105728").is_wide());
  CHECK(D("-170141183460469231731687303715884105729").is_wide());
  CHECK(S(D("-170141183460469231731687303715884105729")) ==
        "-170141183460469231731687303715884105729");
}

TEST_CASE("Decimal: to_string", "[decimal]") {
  CHECK(S(D("350"), 2) == "350.00");
  CHECK(S(D("0.125"), 2) == "0.125");
  CHECK(S(D("1.500"), 2) == "1.50");
  CHECK(S(D("1.500")) == "1.5");
  CHECK(S(D("-0.5")) == "-0.5");
  CHECK(S(D("0"), 2) == "0.00");
  CHECK(S(D("-0.00"), 1) == "0.0");
  CHECK(S(D("100")) == "100");
  CHECK(S(D("-100.0100")) == "-100.01");
  CHECK(S(D("1.5"), -3) == "1.5");
  CHECK(S(Decimal::from_scaled(1, 40)) == "0.0000000000000000000000000000000000000001");
}

TEST_CASE("Decimal: addition and subtraction", "[decimal]") {
  CHECK(S(D("1.1") + D("2.25")) == "3.35");
  CHECK((D("1.1") + D("2.25")).scale() == 2);
  CHECK(S(D("1.1") - D("2.25")) == "-1.15");
  CHECK(S(D("-1.1") - D("-1.1")) == "0");
  CHECK(S(D("100") + D("0.001")) == "100.001");
  CHECK(S(D("0.1") + D("0.2")) == "0.3");
  Decimal acc;
  for (int i = 0; i < 10; ++i) acc += D("0.1");
  CHECK(acc == D("1"));
  acc -= D("0.5");
  CHECK(S(acc) == "0.5");
  // Alignment beyond 38 digits goes through the wide path but stays exact.
  CHECK(S(Decimal::from_scaled(1, 50) + D("1")) == "1.00000000000000000000000000000000000000000000000001");
}

TEST_CASE("Decimal: multiplication", "[decimal]") {
  CHECK(S(D("1.5") * D("-2.25")) == "-3.375");
  CHECK((D("1.50") * D("2.0")).scale() == 3);
  CHECK(S(D("0.05") * D("350.00")) == "17.5");
  CHECK(S(D("-0") * D("-5")) == "0");
  Decimal d = D("3");
  d *= D("0.5");
  CHECK(S(d) == "1.5");
}

// The batch evaluator's in-place forms must give exactly what the operators give: value and
// scale, on the fast path (small narrow values) and on every way off it (a wide operand or
// target, a product beyond 64-bit mantissas, a sum that overflows 128 bits, a scale past the
// limit), with the target aliasing an operand.
TEST_CASE("Decimal: in-place sum, difference, product and scaled value", "[decimal]") {
  const Decimal wide = D("170141183460469231731687303715884105727") * D("1000");
  const std::vector<Decimal> values = {D("0"), D("1.5"), D("-2.25"), D("350.00"), D("0.055"),
                                       D("9223372036854775807"), D("-9223372036854775808"),
                                       D("9223372036854775808"), D("170141183460469231731687303715884105727"),
                                       Decimal::from_scaled(7, 999), wide, -wide};
  auto same = [](const Decimal& x, const Decimal& y) { return x == y && x.scale() == y.scale(); };
  for (const Decimal& a : values) {
    for (const Decimal& b : values) {
      for (const Decimal& target : {D("12.5"), wide}) {
        auto check = [&](auto in_place, auto op) {
          Decimal expected;
          bool throws = false;
          try {
            expected = op(a, b);
          } catch (const DecimalError&) {
            throws = true;
          }
          Decimal r = target;
          if (throws) {
            CHECK_THROWS_AS(in_place(r, a, b), DecimalError);
            return;
          }
          in_place(r, a, b);
          CHECK(same(r, expected));
          Decimal alias = a;  // the target is the first operand, as a running sum is
          in_place(alias, alias, b);
          CHECK(same(alias, expected));
        };
        check([](Decimal& r, const Decimal& x, const Decimal& y) { r.assign_sum(x, y); },
              [](const Decimal& x, const Decimal& y) { return x + y; });
        check([](Decimal& r, const Decimal& x, const Decimal& y) { r.assign_difference(x, y); },
              [](const Decimal& x, const Decimal& y) { return x - y; });
        check([](Decimal& r, const Decimal& x, const Decimal& y) { r.assign_product(x, y); },
              [](const Decimal& x, const Decimal& y) { return x * y; });
      }
    }
  }
  Decimal r = wide;
  r.assign_scaled(-12345, 2);
  CHECK(same(r, D("-123.45")));
  r.assign_scaled(7, 0);
  CHECK(same(r, D("7")));
  CHECK(error_kind([] { Decimal x; x.assign_scaled(1, Decimal::kMaxScale + 1); }) == DecimalError::Kind::Overflow);
}

TEST_CASE("Decimal: comparison", "[decimal]") {
  CHECK(D("1.0") == D("1.00"));
  CHECK(D("1.0") == D("1"));
  CHECK(D("-1.0") != D("1"));
  CHECK(D("0.1") < D("0.11"));
  CHECK(D("-0.1") > D("-0.11"));
  CHECK(D("2") >= D("2.000"));
  CHECK(D("2") <= D("2.000"));
  CHECK(compare(D("3"), D("2.999999")) == 1);
  CHECK(compare(D("-3"), D("2.999999")) == -1);
  CHECK(compare(D("0"), D("-0.000")) == 0);
  // Scale differences beyond what 128 bits can align.
  Decimal tiny = Decimal::from_scaled(1, 60);
  CHECK(tiny > D("0"));
  CHECK(D("0") < tiny);
  CHECK(-tiny < D("0"));
  CHECK(D("170141183460469231731687303715884105727") > D("1.5"));
  CHECK(D("-170141183460469231731687303715884105728") < D("-1.5"));
  CHECK(compare(Decimal::from_scaled(0, 50), D("0")) == 0);
  CHECK(compare(D("0"), Decimal::from_scaled(0, 50)) == 0);
  CHECK(compare(D("0"), Decimal::from_scaled(-3, 50)) == 1);
  CHECK(S(Decimal::min(D("1.5"), D("-2"))) == "-2");
  CHECK(S(Decimal::max(D("1.5"), D("-2"))) == "1.5");
  CHECK(Decimal::max(D("1.0"), D("1.00")).scale() == 1);
  // Numeric hash.
  CHECK(D("1.0").hash() == D("1").hash());
  CHECK(D("-2.500").hash() == D("-2.5").hash());
  std::unordered_set<Decimal> set{D("1"), D("1.0"), D("1.000"), D("2")};
  CHECK(set.size() == 2);
}

TEST_CASE("Decimal: division", "[decimal]") {
  CHECK(S(Decimal::divide(D("1"), D("3"))) == "0.33333333333333333333");
  CHECK(Decimal::divide(D("1"), D("3")).scale() == 20);
  CHECK(S(Decimal::divide(D("2"), D("3"))) == "0.66666666666666666667");
  CHECK(S(Decimal::divide(D("-2"), D("3"))) == "-0.66666666666666666667");
  CHECK(S(Decimal::divide(D("10"), D("4"))) == "2.5");
  CHECK(S(D("-7") / D("-2")) == "3.5");
  CHECK(S(Decimal::divide(D("1"), D("8"))) == "0.125");
  // Scale is max(20, a.scale, b.scale): quotient digits beyond that are rounded half-even.
  Decimal a = Decimal::from_scaled(1, 25);
  CHECK(S(Decimal::divide(a, D("3"))) == "0");  // 0.0000000000000000000000000333.. at 25 places
  CHECK(S(Decimal::divide(Decimal::from_scaled(2, 25), D("3"))) == "0.0000000000000000000000001");
  CHECK(S(Decimal::divide(D("1.0000000000000000000000000"), D("3"))) == "0." + std::string(25, '3'));
  CHECK(S(Decimal::divide(D("1"), D("0.0000000000000000000000003"))) == "3333333333333333333333333.3333333333333333333333333");
  // Exact half at the 20th digit: ties to even.
  CHECK(S(Decimal::divide(Decimal::from_scaled(5, 20), D("10"))) == "0");  // 0.5e-20 -> 0
  CHECK(S(Decimal::divide(Decimal::from_scaled(15, 20), D("10"))) == "0.00000000000000000002");
  CHECK(S(Decimal::divide(Decimal::from_scaled(25, 20), D("10"))) == "0.00000000000000000002");
  CHECK(S(Decimal::divide(Decimal::from_scaled(-25, 20), D("10"))) == "-0.00000000000000000002");
  // Large operands (wide intermediate).
  CHECK(S(Decimal::divide(D(pow10_text(30).c_str()), D("7"))) == "142857142857142857142857142857.14285714285714285714");
  // Division with explicit scale and mode.
  CHECK(S(Decimal::divide(D("2"), D("3"), 2, RoundingMode::TowardZero)) == "0.66");
  CHECK(S(Decimal::divide(D("-2"), D("3"), 0, RoundingMode::Floor)) == "-1");
  CHECK(S(Decimal::divide(D("12345"), D("1"), -2, RoundingMode::HalfEven)) == "12300");
  // Division by zero.
  CHECK(error_kind([] { Decimal::divide(D("1"), D("0.00")); }) == DecimalError::Kind::DivisionByZero);
  CHECK(error_kind([] { (void)(D("0") / D("0")); }) == DecimalError::Kind::DivisionByZero);
}

TEST_CASE("Decimal: round_places, all modes", "[decimal]") {
  struct Row { const char* in; const char* he; const char* hu; const char* hd;
               const char* tz; const char* afz; const char* fl; const char* ce; };
  // Rounding to integers (places = 0).
  const Row rows[] = {
      // in       HalfEven HalfUp HalfDown TowardZero AwayFromZero Floor Ceiling
      {"2.5", "2", "3", "2", "2", "3", "2", "3"},
      {"-2.5", "-2", "-3", "-2", "-2", "-3", "-3", "-2"},
      {"3.5", "4", "4", "3", "3", "4", "3", "4"},
      {"-3.5", "-4", "-4", "-3", "-3", "-4", "-4", "-3"},
      {"2.4", "2", "2", "2", "2", "3", "2", "3"},
      {"-2.4", "-2", "-2", "-2", "-2", "-3", "-3", "-2"},
      {"2.6", "3", "3", "3", "2", "3", "2", "3"},
      {"-2.6", "-3", "-3", "-3", "-2", "-3", "-3", "-2"},
      {"2", "2", "2", "2", "2", "2", "2", "2"},
      {"-2.000", "-2", "-2", "-2", "-2", "-2", "-2", "-2"},
      {"0.5", "0", "1", "0", "0", "1", "0", "1"},
      {"-0.5", "0", "-1", "0", "0", "-1", "-1", "0"},
      {"-0.0001", "0", "0", "0", "0", "-1", "-1", "0"},
  };
  const RoundingMode modes[] = {RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown,
                                RoundingMode::TowardZero, RoundingMode::AwayFromZero,
                                RoundingMode::Floor, RoundingMode::Ceiling};
  for (const Row& r : rows) {
    const char* want[] = {r.he, r.hu, r.hd, r.tz, r.afz, r.fl, r.ce};
    for (int m = 0; m < 7; ++m) {
      INFO("value " << r.in << " mode " << m);
      CHECK(S(D(r.in).round_places(0, modes[m])) == want[m]);
    }
  }
  // Cents.
  CHECK(S(D("0.125").round_places(2, RoundingMode::HalfEven)) == "0.12");
  CHECK(S(D("0.135").round_places(2, RoundingMode::HalfEven)) == "0.14");
  CHECK(S(D("0.125").round_places(2, RoundingMode::HalfUp)) == "0.13");
  CHECK(S(D("-0.125").round_places(2, RoundingMode::HalfUp)) == "-0.13");
  CHECK(S(D("0.125").round_places(2, RoundingMode::HalfDown)) == "0.12");
  CHECK(S(D("-0.125").round_places(2, RoundingMode::HalfEven)) == "-0.12");
  CHECK(S(D("-0.125").round_places(2, RoundingMode::Floor)) == "-0.13");
  CHECK(S(D("-0.125").round_places(2, RoundingMode::Ceiling)) == "-0.12");
  CHECK(S(D("0.1251").round_places(2, RoundingMode::HalfDown)) == "0.13");
  CHECK(D("1.5").round_places(2, RoundingMode::HalfEven).scale() == 2);
  CHECK(S(D("1.5").round_places(2, RoundingMode::HalfEven), 2) == "1.50");
  // Negative places: tens, thousands.
  CHECK(S(D("1234.5").round_places(-3, RoundingMode::HalfEven)) == "1000");
  CHECK(S(D("1500").round_places(-3, RoundingMode::HalfEven)) == "2000");
  CHECK(S(D("2500").round_places(-3, RoundingMode::HalfEven)) == "2000");
  CHECK(S(D("-25").round_places(-1, RoundingMode::HalfUp)) == "-30");
  CHECK(S(D("123").round_places(-50, RoundingMode::Ceiling)) == pow10_text(50));
  CHECK(D("123").round_places(-50, RoundingMode::Floor).is_zero());
}

TEST_CASE("Decimal: round_to arbitrary units", "[decimal]") {
  CHECK(S(D("1234").round_to(D("1000"), RoundingMode::Ceiling)) == "2000");
  CHECK(S(D("2000").round_to(D("1000"), RoundingMode::Ceiling)) == "2000");
  CHECK(S(D("2000.01").round_to(D("1000"), RoundingMode::Ceiling)) == "3000");
  CHECK(S(D("-1234").round_to(D("1000"), RoundingMode::Ceiling)) == "-1000");
  CHECK(S(D("-1234").round_to(D("1000"), RoundingMode::Floor)) == "-2000");
  CHECK(S(D("1.23").round_to(D("0.05"), RoundingMode::HalfEven)) == "1.25");
  CHECK(S(D("1.225").round_to(D("0.05"), RoundingMode::HalfEven)) == "1.2");
  CHECK(S(D("1.275").round_to(D("0.05"), RoundingMode::HalfEven)) == "1.3");  // 25.5 -> 26 (even)
  CHECK(S(D("1.275").round_to(D("0.05"), RoundingMode::HalfDown)) == "1.25");
  CHECK(S(D("-1.275").round_to(D("0.05"), RoundingMode::HalfUp)) == "-1.3");
  CHECK(S(D("37.5").round_to(D("25"), RoundingMode::HalfEven)) == "50");  // 1.5 -> 2
  CHECK(S(D("62.5").round_to(D("25"), RoundingMode::HalfEven)) == "50");  // 2.5 -> 2
  CHECK(S(D("62.5").round_to(D("25"), RoundingMode::HalfUp)) == "75");
  CHECK(S(D("12.3456").round_to(D("0.001"), RoundingMode::TowardZero)) == "12.345");
  CHECK(S(D("-12.3456").round_to(D("0.001"), RoundingMode::AwayFromZero)) == "-12.346");
  CHECK(S(D("7").round_to(D("1"), RoundingMode::Floor)) == "7");
  CHECK(S(D("0.3333").round_to(D("0.25"), RoundingMode::HalfEven)) == "0.25");
  CHECK(error_kind([] { D("1").round_to(D("0"), RoundingMode::HalfEven); }) ==
        DecimalError::Kind::InvalidArgument);
  CHECK(error_kind([] { D("1").round_to(D("-0.01"), RoundingMode::HalfEven); }) ==
        DecimalError::Kind::InvalidArgument);
}

TEST_CASE("Decimal: conversions", "[decimal]") {
  CHECK(D("42.000").to_int64() == 42);
  CHECK(D("-42").to_int64() == -42);
  CHECK_FALSE(D("42.5").to_int64().has_value());
  CHECK(D("9223372036854775807").to_int64() == INT64_MAX);
  CHECK_FALSE(D("9223372036854775808").to_int64().has_value());
  CHECK(D("-9223372036854775808").to_int64() == INT64_MIN);
  CHECK(D("12.5").to_scaled(2) == pol::int128(1250));
  CHECK(D("12.50").to_scaled(1) == pol::int128(125));
  CHECK_FALSE(D("12.55").to_scaled(1).has_value());
  CHECK(D("1200").to_scaled(-2) == pol::int128(12));
  CHECK_FALSE(D("1").to_scaled(39).has_value());
  CHECK(D("0").to_scaled(500) == pol::int128(0));
  Decimal wide_but_small = Decimal::from_scaled(1, 45) * D(pow10_text(80).c_str());  // 10^35, scale 45
  CHECK(wide_but_small.is_wide());
  CHECK(wide_but_small.to_scaled(0) == pol::detail::pow10(35));
}

TEST_CASE("Decimal: wide path and back", "[decimal]") {
  Decimal e30 = D(pow10_text(30).c_str());
  CHECK_FALSE(e30.is_wide());
  Decimal e60 = e30 * e30;
  CHECK(e60.is_wide());
  CHECK(S(e60) == pow10_text(60));
  CHECK(S(-e60) == "-" + pow10_text(60));
  CHECK(S(e60 + D("1")) == "1" + std::string(59, '0') + "1");
  CHECK(S(e60 - e60) == "0");
  CHECK_FALSE((e60 - e60).is_wide());
  Decimal back = Decimal::divide(e60, e30);  // mantissa 10^50 at scale 20: still wide
  CHECK(back == e30);
  back = back.round_places(0, RoundingMode::HalfEven);
  CHECK_FALSE(back.is_wide());
  CHECK(back == e30);
  CHECK(S(back) == pow10_text(30));
  CHECK(S(e60 - (e60 - D("5"))) == "5");
  CHECK(e60 > e30);
  CHECK(-e60 < -e30);
  CHECK(-e60 < D("0"));
  CHECK(e60 == D(pow10_text(60).c_str()));
  CHECK(e60.hash() == (e60 * D("1.000")).hash());
  CHECK((e60 * D("1.000")).is_wide());
  CHECK(e60.is_integer());
  CHECK_FALSE(e60.to_int64().has_value());
  CHECK_FALSE(e60.to_scaled(0).has_value());
  CHECK(S(e60.round_to(D("7"), RoundingMode::Floor)) ==
        std::string(60, '9'));
  // Copies share the wide mantissa and stay valid after the original is gone.
  Decimal copy;
  {
    Decimal tmp = e60 * D("3");
    copy = tmp;
    Decimal moved = std::move(tmp);
    CHECK(moved == copy);
  }
  CHECK(S(copy) == "3" + std::string(60, '0'));
  Decimal& alias = copy;
  copy = alias;  // self assignment
  CHECK(S(copy) == "3" + std::string(60, '0'));
  // Overflow of int128 arithmetic at the edges is detected, never wrapped.
  Decimal max = D("170141183460469231731687303715884105727");
  Decimal min = D("-170141183460469231731687303715884105728");
  CHECK(S(max + D("1")) == "170141183460469231731687303715884105728");
  CHECK(S(min - D("1")) == "-170141183460469231731687303715884105729");
  CHECK(S(-min) == "170141183460469231731687303715884105728");
  CHECK(S(min * D("-1")) == "170141183460469231731687303715884105728");
  CHECK(S(max * D("2")) == "340282366920938463463374607431768211454");
  CHECK(((max + D("1")) - D("1")) == max);
  CHECK_FALSE(((max + D("1")) - D("1")).is_wide());
  CHECK(S(max + D("0.1")) == "170141183460469231731687303715884105727.1");
}

TEST_CASE("Decimal: hard limits throw Overflow", "[decimal]") {
  Decimal big = D(std::string(1000, '9').c_str());  // the largest allowed magnitude
  CHECK(big.is_wide());
  CHECK(error_kind([&] { (void)(big * D("10")); }) == DecimalError::Kind::Overflow);
  CHECK(error_kind([&] { (void)(big + D("1")); }) == DecimalError::Kind::Overflow);
  CHECK(error_kind([&] { (void)(big * big); }) == DecimalError::Kind::Overflow);
  CHECK(S(big + D("0") - D("1")) == std::string(999, '9') + "8");
  CHECK(S(big * D("0.1")) == std::string(999, '9') + ".9");
  Decimal e = D("10");
  CHECK(error_kind([&] {
          Decimal x = e;
          for (int i = 0; i < 2000; ++i) x = x * x;
        }) == DecimalError::Kind::Overflow);
  // Scale limit: scales add in multiplication.
  Decimal small = Decimal::from_scaled(1, 600);
  CHECK(error_kind([&] { (void)(small * small); }) == DecimalError::Kind::Overflow);
  CHECK(error_kind([] { (void)Decimal::from_scaled(1, 1001); }) == DecimalError::Kind::Overflow);
  CHECK(error_kind([] { (void)Decimal::from_scaled(1, -1000); }) == DecimalError::Kind::Overflow);
  CHECK(S(Decimal::from_scaled(1, -999)) == pow10_text(999));
  CHECK(error_kind([] { (void)D("1").round_places(1001, RoundingMode::HalfEven); }) ==
        DecimalError::Kind::Overflow);
  CHECK(error_kind([&] { (void)Decimal::divide(big, D("0.1")); }) == DecimalError::Kind::Overflow);
  CHECK(error_kind([&] { (void)Decimal::divide(D("1"), small, 1001, RoundingMode::HalfEven); }) ==
        DecimalError::Kind::Overflow);
  try {
    (void)(big * D("10"));
  } catch (const DecimalError& err) {
    CHECK(std::string(err.what()).find("overflow") != std::string::npos);
  }
}
