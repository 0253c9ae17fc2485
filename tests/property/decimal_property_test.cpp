// Property test: pol::Decimal against an independent oracle on exact rationals
// (boost::multiprecision::cpp_rational). The oracle never calls Decimal arithmetic: inputs are
// converted from (mantissa, scale) or from the generating text, and results are read back
// through to_string() (which is thereby tested as well).
#include <catch2/catch.hpp>

#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pol/decimal.hpp"

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;
using pol::Decimal;
using pol::RoundingMode;
using pol::int128;
using pol::uint128;

namespace {

constexpr RoundingMode kModes[] = {RoundingMode::HalfEven,   RoundingMode::HalfUp,
                                   RoundingMode::HalfDown,   RoundingMode::TowardZero,
                                   RoundingMode::AwayFromZero, RoundingMode::Floor,
                                   RoundingMode::Ceiling};
const char* mode_name(RoundingMode m) {
  switch (m) {
    case RoundingMode::HalfEven: return "HalfEven";
    case RoundingMode::HalfUp: return "HalfUp";
    case RoundingMode::HalfDown: return "HalfDown";
    case RoundingMode::TowardZero: return "TowardZero";
    case RoundingMode::AwayFromZero: return "AwayFromZero";
    case RoundingMode::Floor: return "Floor";
    case RoundingMode::Ceiling: return "Ceiling";
  }
  return "?";
}

// ---- Oracle ---------------------------------------------------------------------------------

cpp_int big_pow10(int n) {
  static const std::vector<cpp_int> table = [] {
    std::vector<cpp_int> t(200);
    t[0] = 1;
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  if (n < static_cast<int>(table.size())) return table[static_cast<std::size_t>(n)];
  cpp_int r = table.back();
  for (int i = static_cast<int>(table.size()) - 1; i < n; ++i) r *= 10;
  return r;
}

cpp_int big_of(int128 v) {
  bool neg = v < 0;
  uint128 mag = neg ? uint128(0) - uint128(v) : uint128(v);
  cpp_int r = 0;
  // Decimal digits, most significant first (deliberately different from the library's
  // 64-bit-halves conversion).
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag != 0);
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) r = r * 10 + (*it - '0');
  return neg ? cpp_int(-r) : r;
}

cpp_rational rat(int128 mantissa, int scale) {
  return cpp_rational(big_of(mantissa), big_pow10(scale));
}

// Exact value of plain decimal text "[-]digits[.digits]".
cpp_rational rat_of_text(const std::string& s) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  cpp_int num = 0;
  int frac = 0;
  bool after_point = false;
  std::uint64_t chunk = 0;
  int chunk_len = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '.') {
      after_point = true;
      continue;
    }
    chunk = chunk * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (++chunk_len == 18) {
      num = num * big_pow10(18) + chunk;
      chunk = 0;
      chunk_len = 0;
    }
    if (after_point) ++frac;
  }
  if (chunk_len > 0) num = num * big_pow10(chunk_len) + chunk;
  if (neg) num = -num;
  return cpp_rational(num, big_pow10(frac));
}

cpp_rational R(const Decimal& d) { return rat_of_text(d.to_string()); }

cpp_int floor_of(const cpp_rational& q) {
  cpp_int n = numerator(q), d = denominator(q);  // d > 0
  cpp_int f = n / d;
  if (n % d != 0 && n < 0) f -= 1;
  return f;
}

// Integer k nearest to q according to the mode, computed from floor(q) and the fraction.
cpp_int oracle_round(const cpp_rational& q, RoundingMode mode) {
  cpp_int fl = floor_of(q);
  cpp_rational frac = q - cpp_rational(fl);
  if (frac == 0) return fl;
  bool positive = q > 0;
  cpp_int up = fl + 1;
  switch (mode) {
    case RoundingMode::Floor: return fl;
    case RoundingMode::Ceiling: return up;
    case RoundingMode::TowardZero: return positive ? fl : up;
    case RoundingMode::AwayFromZero: return positive ? up : fl;
    default: break;
  }
  cpp_rational half(1, 2);
  if (frac < half) return fl;
  if (frac > half) return up;
  switch (mode) {
    case RoundingMode::HalfUp: return positive ? up : fl;
    case RoundingMode::HalfDown: return positive ? fl : up;
    case RoundingMode::HalfEven: return (fl % 2 == 0) ? fl : up;
    default: return fl;
  }
}

// ---- Generators -----------------------------------------------------------------------------

struct Gen {
  std::mt19937_64 rng{0x5eed'dec1'2024ULL};

  std::uint64_t u64() { return rng(); }
  int range(int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1)); }
  bool coin() { return rng() & 1; }

  int128 mantissa() {
    const int128 max = static_cast<int128>(~uint128(0) >> 1);
    const int128 min = -max - 1;
    int128 small = range(0, 1000);
    switch (range(0, 11)) {
      case 0: return 0;
      case 1: return range(-1000, 1000);
      case 2: return static_cast<std::int64_t>(u64());                      // 64-bit
      case 3: return static_cast<int128>((uint128(u64()) << 64) | u64());   // full 128-bit
      case 4: return max - small;                                            // near 2^127
      case 5: return min + small;                                            // near -2^127
      case 6: {  // near +-10^38
        int128 v = pol::detail::pow10(38) + (coin() ? small : -small);
        return coin() ? v : -v;
      }
      case 7: {  // near sqrt(2^127) ~ 1.30e19: products that just overflow / just fit
        int128 v = static_cast<int128>(13043817825332782212ULL) + range(-3, 3) * 1000 + range(-20, 20);
        return coin() ? v : -v;
      }
      case 8: {  // near 2^126: sums that just overflow
        int128 v = (int128(1) << 126) + range(-50, 50);
        return coin() ? v : -v;
      }
      case 9: {  // small * power of ten (trailing zeros)
        int128 v = static_cast<int128>(range(1, 99)) * pol::detail::pow10(range(0, 36));
        return coin() ? v : -v;
      }
      case 10: {  // random width
        int bits = range(1, 126);
        int128 v = static_cast<int128>(((uint128(u64()) << 64) | u64()) >> (128 - bits));
        return coin() ? v : -v;
      }
      default: return static_cast<std::int32_t>(u64());
    }
  }

  int scale() {
    int r = range(0, 9);
    if (r < 6) return range(0, 6);
    if (r < 9) return range(0, 30);
    return range(31, 45);
  }

  struct Value {
    Decimal d;
    cpp_rational q;
  };

  Value value() {
    if (range(0, 9) == 0) {  // wide or long values through text
      int len = range(1, 80);
      std::string digits;
      for (int i = 0; i < len; ++i) digits.push_back(static_cast<char>('0' + range(0, 9)));
      int frac = range(0, len < 45 ? len : 45);
      std::string text = coin() ? "-" : "";
      text += digits.substr(0, static_cast<std::size_t>(len - frac));
      if (len - frac == 0) text += "0";
      if (frac > 0) text += "." + digits.substr(static_cast<std::size_t>(len - frac));
      auto d = Decimal::parse(text);
      REQUIRE(d.has_value());
      return {*d, rat_of_text(text)};
    }
    int128 m = mantissa();
    int s = scale();
    return {Decimal::from_scaled(m, s), rat(m, s)};
  }

  // Positive rounding unit.
  Value unit() {
    int128 m;
    int s;
    switch (range(0, 3)) {
      case 0: m = 1; s = range(0, 8); break;                          // 10^-k
      case 1: m = pol::detail::pow10(range(1, 6)); s = 0; break;     // 10 .. 10^6
      case 2: m = range(1, 99); s = range(0, 4); break;               // 0.05, 25, 0.25 ...
      default: m = range(1, 1000000); s = range(0, 12); break;
    }
    return {Decimal::from_scaled(m, s), rat(m, s)};
  }
};

std::string show(const Decimal& d) {
  std::ostringstream os;
  os << d.to_string() << " (scale " << d.scale() << (d.is_wide() ? ", wide" : "") << ")";
  return os.str();
}

// Representation invariant: wide iff the mantissa does not fit in 128 bits.
bool representation_ok(const Decimal& d) {
  return d.is_wide() != d.to_scaled(d.scale()).has_value();
}

}  // namespace

TEST_CASE("Decimal matches exact rational arithmetic", "[decimal][property]") {
  Gen g;
  constexpr int kCases = 100000;
  long checks = 0;
  for (int i = 0; i < kCases; ++i) {
    auto a = g.value();
    auto b = g.value();
    INFO("case " << i << ": a = " << show(a.d) << ", b = " << show(b.d));

    // Inputs read back exactly; parse(to_string(x)) round trips (numerically and with scale).
    REQUIRE(R(a.d) == a.q);
    REQUIRE(representation_ok(a.d));
    auto rt = Decimal::parse(a.d.to_string());
    REQUIRE(rt.has_value());
    REQUIRE(*rt == a.d);
    auto rt_scaled = Decimal::parse(a.d.to_string(a.d.scale()));
    REQUIRE(rt_scaled.has_value());
    REQUIRE(rt_scaled->scale() == a.d.scale());
    REQUIRE(R(*rt_scaled) == a.q);

    // Comparison and hashing.
    int want_cmp = a.q < b.q ? -1 : (a.q > b.q ? 1 : 0);
    REQUIRE(compare(a.d, b.d) == want_cmp);
    REQUIRE(compare(b.d, a.d) == -want_cmp);
    REQUIRE((a.d == b.d) == (want_cmp == 0));
    REQUIRE((a.d < b.d) == (want_cmp < 0));
    Decimal a_rescaled = a.d * Decimal::from_scaled(100, 2);  // same value, scale + 2
    REQUIRE(a_rescaled == a.d);
    REQUIRE(a_rescaled.hash() == a.d.hash());

    // + - * (exact; result scale as documented)
    Decimal sum = a.d + b.d;
    REQUIRE(R(sum) == a.q + b.q);
    REQUIRE(sum.scale() == std::max(a.d.scale(), b.d.scale()));
    REQUIRE(representation_ok(sum));
    Decimal diff = a.d - b.d;
    REQUIRE(R(diff) == a.q - b.q);
    REQUIRE(representation_ok(diff));
    Decimal prod = a.d * b.d;
    REQUIRE(R(prod) == a.q * b.q);
    REQUIRE(prod.scale() == a.d.scale() + b.d.scale());
    REQUIRE(representation_ok(prod));
    REQUIRE(R(-a.d) == -a.q);
    REQUIRE(R(a.d.abs()) == boost::multiprecision::abs(a.q));
    checks += 14;

    // Division: half-even at max(20, a.scale, b.scale) fractional digits.
    if (b.q != 0) {
      int s = std::max({Decimal::kDivisionScale, a.d.scale(), b.d.scale()});
      cpp_rational p = cpp_rational(big_pow10(s));
      cpp_rational want = cpp_rational(oracle_round(a.q / b.q * p, RoundingMode::HalfEven)) / p;
      Decimal quo = Decimal::divide(a.d, b.d);
      INFO("quotient " << show(quo));
      REQUIRE(R(quo) == want);
      REQUIRE(quo.scale() == s);
      REQUIRE(representation_ok(quo));
      // Explicit scale and mode.
      RoundingMode mode = kModes[g.range(0, 6)];
      int es = g.range(-3, 25);
      cpp_rational ep = es >= 0 ? cpp_rational(big_pow10(es)) : cpp_rational(cpp_int(1), big_pow10(-es));
      cpp_rational ewant = cpp_rational(oracle_round(a.q / b.q * ep, mode)) / ep;
      INFO("explicit scale " << es << " mode " << mode_name(mode));
      REQUIRE(R(Decimal::divide(a.d, b.d, es, mode)) == ewant);
      checks += 4;
    } else {
      REQUIRE_THROWS_AS(Decimal::divide(a.d, b.d), pol::DecimalError);
    }

    // Rounding: round_places with random places, round_to with random units, every mode.
    int places = g.range(-6, 32);
    cpp_rational unit_p = places >= 0 ? cpp_rational(cpp_int(1), big_pow10(places))
                                      : cpp_rational(big_pow10(-places));
    auto u = g.unit();
    const cpp_rational in_places = a.q / unit_p, in_units = a.q / u.q;
    for (RoundingMode mode : kModes) {
      INFO("places " << places << " unit " << show(u.d) << " mode " << mode_name(mode));
      Decimal rp = a.d.round_places(places, mode);
      REQUIRE(R(rp) == cpp_rational(oracle_round(in_places, mode)) * unit_p);
      REQUIRE(representation_ok(rp));
      Decimal ru = a.d.round_to(u.d, mode);
      REQUIRE(R(ru) == cpp_rational(oracle_round(in_units, mode)) * u.q);
      REQUIRE(ru.scale() == u.d.scale());
      checks += 3;
    }

    // Conversions.
    auto as_int = a.d.to_int64();
    bool integral = denominator(a.q) == 1;
    bool fits64 = integral && a.q >= cpp_rational(INT64_MIN) && a.q <= cpp_rational(INT64_MAX);
    REQUIRE(as_int.has_value() == fits64);
    if (as_int) REQUIRE(cpp_rational(*as_int) == a.q);
    REQUIRE(a.d.is_integer() == integral);
    int ts = g.range(0, 40);
    auto scaled = a.d.to_scaled(ts);
    if (scaled) REQUIRE(rat(*scaled, ts) == a.q);
    else {
      cpp_rational m = a.q * cpp_rational(big_pow10(ts));
      bool representable = denominator(m) == 1 && numerator(m) >= big_of(static_cast<int128>(uint128(1) << 127)) &&
                           numerator(m) <= big_of(static_cast<int128>(~uint128(0) >> 1));
      REQUIRE_FALSE(representable);
    }
    checks += 4;
  }
  CHECK(checks > 30 * kCases);
}
