// libFuzzer target: Decimal::parse, to_string and arithmetic. The input is two numbers separated
// by a newline, then (optionally) a third line whose first byte picks a rounding mode and scale.
// Checks round trips and algebraic identities that exact decimal arithmetic must satisfy; any
// violation aborts (a crash for libFuzzer). Overflow beyond the digit limit is a DecimalError,
// which is allowed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pol/decimal.hpp"

namespace {

[[noreturn]] void fail(const char* what, const pol::Decimal& a, const pol::Decimal& b) {
  std::fprintf(stderr, "decimal invariant broken: %s\n  a = %s\n  b = %s\n", what, a.to_string().c_str(),
               b.to_string().c_str());
  std::abort();
}

void check_one(const pol::Decimal& a) {
  const std::string text = a.to_string();
  const auto back = pol::Decimal::parse(text);
  if (!back || *back != a) fail("parse(to_string(a)) != a", a, a);
  if (back->to_string() != text) fail("to_string not stable", a, *back);
  if (a.hash() != back->hash()) fail("equal values hash differently", a, *back);
  if (compare(a, a) != 0) fail("a != a", a, a);
  if (-(-a) != a) fail("-(-a) != a", a, a);
  if ((a - a).sign() != 0) fail("a - a != 0", a, a);
  if (a.abs().sign() < 0) fail("abs < 0", a, a);
  // Writing with more fractional digits keeps the value.
  const auto padded = pol::Decimal::parse(a.to_string(a.scale() + 3));
  if (padded && *padded != a) fail("to_string(min_scale) changes the value", a, *padded);
}

void check_two(const pol::Decimal& a, const pol::Decimal& b, std::uint8_t control) {
  if (compare(a, b) != -compare(b, a)) fail("compare not antisymmetric", a, b);
  if ((a == b) != (a.hash() == b.hash()) && a == b) fail("equal values hash differently", a, b);
  const pol::Decimal sum = a + b;
  if (sum != b + a) fail("a + b != b + a", a, b);
  if (sum - b != a) fail("(a + b) - b != a", a, b);
  if ((b.sign() > 0) != (sum > a)) fail("a + b > a disagrees with b > 0", a, b);
  const pol::Decimal product = a * b;
  if (product != b * a) fail("a * b != b * a", a, b);
  if (product.sign() != a.sign() * b.sign()) fail("sign of a * b", a, b);
  check_one(sum);
  check_one(product);
  if (!b.is_zero()) {
    // a * b is exact, so dividing by b at a's scale gives back a exactly, whatever the mode.
    static constexpr pol::RoundingMode kModes[] = {
        pol::RoundingMode::HalfEven, pol::RoundingMode::HalfUp,       pol::RoundingMode::HalfDown,
        pol::RoundingMode::TowardZero, pol::RoundingMode::AwayFromZero, pol::RoundingMode::Floor,
        pol::RoundingMode::Ceiling};
    const pol::RoundingMode mode = kModes[control % 7];
    if (pol::Decimal::divide(product, b, a.scale(), mode) != a) fail("(a * b) / b != a", a, b);
    const pol::Decimal q = a / b;
    check_one(q);
    // Rounded to a unit, the result is a multiple of it and within one unit of the value.
    const int places = static_cast<int>(control / 7 % 12) - 4;
    const pol::Decimal r = q.round_places(places, mode);
    const auto unit = pol::Decimal::from_scaled(1, places);
    if ((r - q).abs() >= unit) fail("round_places moved by a unit or more", q, r);
    if (r.round_places(places, mode) != r) fail("rounding is not idempotent", q, r);
    if (b.sign() > 0 && !(r.round_to(b, mode) == r.round_to(b, mode))) fail("round_to", r, b);
  }
  if (a <= b) {
    if (pol::Decimal::min(a, b) != a || pol::Decimal::max(a, b) != b) fail("min/max", a, b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t first_end = input.find('\n');
  const std::string_view first = input.substr(0, first_end);
  std::string_view second, third;
  if (first_end != std::string_view::npos) {
    const std::string_view rest = input.substr(first_end + 1);
    const std::size_t second_end = rest.find('\n');
    second = rest.substr(0, second_end);
    if (second_end != std::string_view::npos) third = rest.substr(second_end + 1);
  }
  const std::uint8_t control = third.empty() ? 0 : static_cast<std::uint8_t>(third[0]);
  const auto a = pol::Decimal::parse(first);
  const auto b = pol::Decimal::parse(second);
  try {
    if (a) check_one(*a);
    if (b) check_one(*b);
    if (a && b) check_two(*a, *b, control);
  } catch (const pol::DecimalError&) {
    // Results beyond the digit or scale limits are refused, as documented.
  }
  return 0;
}
