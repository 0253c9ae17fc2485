// Slow paths of pol::Decimal: wide (cpp_int) arithmetic, parsing, formatting, division,
// rounding and hashing. The inline fast paths live in pol/decimal.hpp.
#include "pol/decimal.hpp"

#include <atomic>
#include <boost/multiprecision/cpp_int.hpp>
#include <ostream>
#include <utility>

namespace pol {

using boost::multiprecision::cpp_int;

DecimalError::DecimalError(Kind kind, std::string message)
    : std::runtime_error(std::move(message)), kind_(kind) {}

namespace detail {

struct WideRep {
  explicit WideRep(cpp_int v) : value(std::move(v)) {}
  mutable std::atomic<long> refs{1};
  const cpp_int value;
};

void wide_retain(const WideRep* rep) noexcept { rep->refs.fetch_add(1, std::memory_order_relaxed); }

void wide_release(const WideRep* rep) noexcept {
  if (rep->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete rep;
}

}  // namespace detail

namespace {

constexpr int128 kInt128Max = static_cast<int128>(~uint128(0) >> 1);
constexpr int128 kInt128Min = -kInt128Max - 1;

[[noreturn]] void throw_overflow(const char* what) {
  throw DecimalError(DecimalError::Kind::Overflow, std::string("decimal overflow: ") + what);
}
[[noreturn]] void throw_invalid(const char* what) {
  throw DecimalError(DecimalError::Kind::InvalidArgument, what);
}

uint128 magnitude(int128 v) noexcept { return v < 0 ? uint128(0) - uint128(v) : uint128(v); }

cpp_int to_big(int128 v) {
  uint128 mag = magnitude(v);
  cpp_int r = static_cast<std::uint64_t>(mag >> 64);
  r <<= 64;
  r |= static_cast<std::uint64_t>(mag);
  if (v < 0) r = -r;
  return r;
}

const cpp_int& big_int128_max() {
  static const cpp_int v = to_big(kInt128Max);
  return v;
}
const cpp_int& big_int128_min() {
  static const cpp_int v = to_big(kInt128Min);
  return v;
}

bool fits_int128(const cpp_int& v) { return v >= big_int128_min() && v <= big_int128_max(); }

// Precondition: fits_int128(v).
int128 to_int128(const cpp_int& v) {
  cpp_int mag = boost::multiprecision::abs(v);
  auto lo = static_cast<std::uint64_t>(mag & cpp_int(~std::uint64_t(0)));
  auto hi = static_cast<std::uint64_t>(mag >> 64);
  uint128 m = (uint128(hi) << 64) | lo;
  return v.sign() < 0 ? static_cast<int128>(uint128(0) - m) : static_cast<int128>(m);
}

cpp_int pow10_big(unsigned n) {
  if (n <= 38) return to_big(detail::pow10(static_cast<int>(n)));
  return boost::multiprecision::pow(cpp_int(10), n);
}

const cpp_int& digit_limit() {  // 10^kMaxDigits: wide mantissas must stay below it
  static const cpp_int v = pow10_big(Decimal::kMaxDigits);
  return v;
}

// How much to add to a truncated quotient q (toward zero) to round it according to `mode`.
// sgn: sign of the exact quotient (remainder != 0); half: compare(2|r|, |divisor|).
int round_increment(RoundingMode mode, int sgn, int half, bool q_odd) noexcept {
  switch (mode) {
    case RoundingMode::TowardZero: return 0;
    case RoundingMode::AwayFromZero: return sgn;
    case RoundingMode::Floor: return sgn < 0 ? -1 : 0;
    case RoundingMode::Ceiling: return sgn > 0 ? 1 : 0;
    case RoundingMode::HalfUp: return half >= 0 ? sgn : 0;
    case RoundingMode::HalfDown: return half > 0 ? sgn : 0;
    case RoundingMode::HalfEven: return (half > 0 || (half == 0 && q_odd)) ? sgn : 0;
  }
  return 0;
}

// Rounded integer quotient n / d (d != 0) per `mode`, on big integers.
cpp_int div_round_big(const cpp_int& n, const cpp_int& d, RoundingMode mode) {
  cpp_int q, r;
  boost::multiprecision::divide_qr(n, d, q, r);  // truncating
  if (r.is_zero()) return q;
  int sgn = (n.sign() < 0) != (d.sign() < 0) ? -1 : 1;
  cpp_int twice = boost::multiprecision::abs(r) << 1;
  cpp_int ad = boost::multiprecision::abs(d);
  int half = twice < ad ? -1 : (twice > ad ? 1 : 0);
  int inc = round_increment(mode, sgn, half, boost::multiprecision::bit_test(q, 0));
  if (inc) q += inc;
  return q;
}

// Rounded quotient of magnitudes n / d (d != 0), result sign `neg`. The rounded magnitude is
// returned in q (cannot overflow: q <= n, and q + 1 only when d >= 2).
uint128 div_round_u128(uint128 n, uint128 d, bool neg, RoundingMode mode) noexcept {
  uint128 q = n / d, r = n % d;
  if (r == 0) return q;
  uint128 twice = r << 1;  // r < d <= 2^127, no overflow
  int half = twice < d ? -1 : (twice > d ? 1 : 0);
  int inc = round_increment(mode, neg ? -1 : 1, half, (q & 1) != 0);
  return inc != 0 ? q + 1 : q;  // |inc| == 1 always moves the magnitude up
}

void append_u128(std::string& out, uint128 v) {
  char buf[40];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

// digits: decimal digits of |mantissa| (no sign, no leading zeros except "0"); neg only if
// the mantissa is non-zero, so "-0" cannot appear.
std::string format_digits(bool neg, std::string digits, int scale, int min_scale) {
  if (min_scale < 0) min_scale = 0;
  if (static_cast<int>(digits.size()) <= scale)
    digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
  std::size_t int_len = digits.size() - static_cast<std::size_t>(scale);
  std::size_t frac_len = static_cast<std::size_t>(scale);
  while (frac_len > static_cast<std::size_t>(min_scale) && digits[int_len + frac_len - 1] == '0')
    --frac_len;
  std::string out;
  out.reserve(int_len + frac_len + 3 + static_cast<std::size_t>(min_scale));
  if (neg) out.push_back('-');
  out.append(digits, 0, int_len);
  if (frac_len > 0 || min_scale > 0) {
    out.push_back('.');
    out.append(digits, int_len, frac_len);
    if (static_cast<int>(frac_len) < min_scale)
      out.append(static_cast<std::size_t>(min_scale) - frac_len, '0');
  }
  return out;
}

}  // namespace

// Access to Decimal's representation for this file's helpers.
struct DecimalAccess {
  static Decimal narrow(int128 m, int s) noexcept { return Decimal(m, s); }

  static cpp_int mantissa(const Decimal& d) { return d.w_ ? d.w_->value : to_big(d.m_); }

  // Build from an exact big mantissa: narrow if it fits, wide otherwise; enforce limits.
  static Decimal make(cpp_int v, int scale) {
    if (scale < 0 || scale > Decimal::kMaxScale) throw_overflow("scale limit exceeded");
    if (fits_int128(v)) return Decimal(to_int128(v), scale);
    if (boost::multiprecision::abs(v) >= digit_limit()) throw_overflow("digit limit exceeded");
    Decimal d;
    d.m_ = v.sign();
    d.s_ = scale;
    d.w_ = new detail::WideRep(std::move(v));
    return d;
  }

  // Magnitude-and-sign result to Decimal.
  static Decimal from_mag(bool neg, uint128 mag, int scale) {
    if (mag <= uint128(kInt128Max)) {
      int128 m = static_cast<int128>(mag);
      return Decimal(neg ? -m : m, scale);
    }
    if (neg && mag == uint128(kInt128Max) + 1) return Decimal(kInt128Min, scale);
    cpp_int v = static_cast<std::uint64_t>(mag >> 64);
    v <<= 64;
    v |= static_cast<std::uint64_t>(mag);
    if (neg) v = -v;
    return make(std::move(v), scale);
  }
};

using DA = DecimalAccess;

// ---------------------------------------------------------------------------------------------
// Construction / arithmetic slow paths

Decimal Decimal::from_scaled_slow(int128 mantissa, int scale) {
  if (scale > kMaxScale) throw_overflow("scale limit exceeded");
  if (scale < -(kMaxDigits + 1)) {
    if (mantissa == 0) return Decimal();
    throw_overflow("digit limit exceeded");
  }
  return DA::make(to_big(mantissa) * pow10_big(static_cast<unsigned>(-scale)), 0);
}

Decimal Decimal::add_slow(const Decimal& a, const Decimal& b, bool subtract) {
  int s = a.s_ > b.s_ ? a.s_ : b.s_;
  cpp_int x = DA::mantissa(a), y = DA::mantissa(b);
  if (a.s_ < s) x *= pow10_big(static_cast<unsigned>(s - a.s_));
  if (b.s_ < s) y *= pow10_big(static_cast<unsigned>(s - b.s_));
  if (subtract) x -= y; else x += y;
  return DA::make(std::move(x), s);
}

Decimal Decimal::mul_slow(const Decimal& a, const Decimal& b) {
  int s = a.s_ + b.s_;
  if (s > kMaxScale) {
    if (a.is_zero() || b.is_zero()) return Decimal(0, kMaxScale);
    throw_overflow("scale limit exceeded in multiplication");
  }
  return DA::make(DA::mantissa(a) * DA::mantissa(b), s);
}

Decimal Decimal::negate_slow() const { return DA::make(-DA::mantissa(*this), s_); }

int Decimal::compare_slow(const Decimal& a, const Decimal& b) noexcept {
  int sa = a.sign(), sb = b.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  int s = a.s_ > b.s_ ? a.s_ : b.s_;
  cpp_int x = DA::mantissa(a), y = DA::mantissa(b);
  if (a.s_ < s) x *= pow10_big(static_cast<unsigned>(s - a.s_));
  if (b.s_ < s) y *= pow10_big(static_cast<unsigned>(s - b.s_));
  return x < y ? -1 : (x > y ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Parsing and formatting

std::optional<Decimal> Decimal::parse(std::string_view text) noexcept {
  try {
    std::size_t i = 0, n = text.size();
    bool neg = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) neg = text[i++] == '-';
    std::size_t int_begin = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    std::size_t int_end = i;
    if (int_end == int_begin) return std::nullopt;
    std::size_t frac_begin = i, frac_end = i;
    if (i < n && text[i] == '.') {
      frac_begin = ++i;
      while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
      frac_end = i;
      if (frac_end == frac_begin) return std::nullopt;
    }
    if (i != n) return std::nullopt;
    std::size_t scale = frac_end - frac_begin;
    if (scale > static_cast<std::size_t>(kMaxScale)) return std::nullopt;

    // Significant digits: integer digits without leading zeros, then all fraction digits.
    std::size_t first = int_begin;
    while (first + 1 < int_end && text[first] == '0') ++first;
    std::size_t total = (int_end - first) + scale;
    auto digit_at = [&](std::size_t k) -> unsigned {  // k-th significant digit
      std::size_t int_len = int_end - first;
      return static_cast<unsigned>(
          (k < int_len ? text[first + k] : text[frac_begin + (k - int_len)]) - '0');
    };
    if (total <= 38) {
      uint128 mag = 0;
      for (std::size_t k = 0; k < total; ++k) mag = mag * 10 + digit_at(k);
      return DA::from_mag(neg, mag, static_cast<int>(scale));
    }
    if (total > static_cast<std::size_t>(kMaxDigits) + 1) return std::nullopt;
    cpp_int v = 0;
    std::size_t k = 0;
    while (k < total) {
      std::uint64_t chunk = 0;
      int len = 0;
      for (; k < total && len < 18; ++k, ++len) chunk = chunk * 10 + digit_at(k);
      v *= to_big(detail::pow10(len));
      v += chunk;
    }
    if (v >= digit_limit()) return std::nullopt;
    if (neg) v = -v;
    return DA::make(std::move(v), static_cast<int>(scale));
  } catch (...) {
    return std::nullopt;
  }
}

std::string Decimal::to_string(int min_scale) const {
  std::string digits;
  bool neg;
  if (!w_) {
    neg = m_ < 0;
    append_u128(digits, magnitude(m_));
  } else {
    neg = w_->value.sign() < 0;
    digits = cpp_int(boost::multiprecision::abs(w_->value)).str();
  }
  return format_digits(neg, std::move(digits), s_, min_scale);
}

std::ostream& operator<<(std::ostream& os, const Decimal& d) { return os << d.to_string(); }

// ---------------------------------------------------------------------------------------------
// Division and rounding

void Decimal::assign_scaled_slow(int128 mantissa, int scale) { *this = from_scaled(mantissa, scale); }

Decimal Decimal::divide(const Decimal& a, const Decimal& b) {
  int s = kDivisionScale;
  if (a.s_ > s) s = a.s_;
  if (b.s_ > s) s = b.s_;
  return divide(a, b, s, RoundingMode::HalfEven);
}

Decimal Decimal::divide(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
  if (b.is_zero())
    throw DecimalError(DecimalError::Kind::DivisionByZero, "division by zero");
  if (scale > kMaxScale) throw_overflow("scale limit exceeded in division");
  if (scale < -(kMaxDigits + kMaxScale + 2)) throw_invalid("division scale out of range");
  int out_scale = scale < 0 ? 0 : scale;
  if (a.is_zero()) return Decimal(0, out_scale);
  // a/b = (A / B) * 10^(b.s - a.s); wanted Q = round(A * 10^(scale - a.s + b.s) / B).
  int e = scale - a.s_ + b.s_;
  if (!a.w_ && !b.w_ && scale >= 0) {
    uint128 n = magnitude(a.m_), d = magnitude(b.m_);
    bool ok = true;
    if (e > 0) ok = e <= 38 && !__builtin_mul_overflow(n, uint128(detail::pow10(e)), &n);
    else if (e < 0) ok = -e <= 38 && !__builtin_mul_overflow(d, uint128(detail::pow10(-e)), &d);
    if (ok) {
      bool neg = (a.m_ < 0) != (b.m_ < 0);
      return DA::from_mag(neg, div_round_u128(n, d, neg, mode), scale);
    }
  }
  cpp_int n = DA::mantissa(a), d = DA::mantissa(b);
  if (e > 0) n *= pow10_big(static_cast<unsigned>(e));
  else if (e < 0) d *= pow10_big(static_cast<unsigned>(-e));
  cpp_int q = div_round_big(n, d, mode);
  if (scale < 0) {
    if (q.is_zero()) return Decimal();
    if (-scale > kMaxDigits) throw_overflow("digit limit exceeded in division");
    q *= pow10_big(static_cast<unsigned>(-scale));
  }
  return DA::make(std::move(q), out_scale);
}

Decimal Decimal::round_to(const Decimal& unit, RoundingMode mode) const {
  if (unit.sign() <= 0) throw_invalid("rounding unit must be positive");
  int s = s_ > unit.s_ ? s_ : unit.s_;
  if (!w_ && !unit.w_) {
    int128 x = m_, u = unit.m_;
    bool ok = true;
    if (s_ < s) ok = s - s_ <= 38 && !__builtin_mul_overflow(x, detail::pow10(s - s_), &x);
    if (ok && unit.s_ < s)
      ok = s - unit.s_ <= 38 && !__builtin_mul_overflow(u, detail::pow10(s - unit.s_), &u);
    if (ok) {
      int128 q, r;  // u > 0: no INT_MIN / -1
      if (x == static_cast<std::int64_t>(x) && u == static_cast<std::int64_t>(u)) {
        // Most amounts fit 64 bits, whose division is several times faster than 128-bit division.
        q = static_cast<std::int64_t>(x) / static_cast<std::int64_t>(u);
        r = static_cast<std::int64_t>(x) % static_cast<std::int64_t>(u);
      } else {
        q = x / u;
        r = x % u;
      }
      if (r != 0) {
        uint128 twice = magnitude(r) << 1;
        uint128 ud = uint128(u);
        int half = twice < ud ? -1 : (twice > ud ? 1 : 0);
        q += round_increment(mode, x < 0 ? -1 : 1, half, (q & 1) != 0);  // |q| <= 2^126 here
      }
      int128 m;
      if (!__builtin_mul_overflow(q, unit.m_, &m)) return Decimal(m, unit.s_);
      return DA::make(to_big(q) * to_big(unit.m_), unit.s_);
    }
  }
  cpp_int x = DA::mantissa(*this), u = DA::mantissa(unit);
  if (s_ < s) x *= pow10_big(static_cast<unsigned>(s - s_));
  if (unit.s_ < s) u *= pow10_big(static_cast<unsigned>(s - unit.s_));
  cpp_int q = div_round_big(x, u, mode);
  return DA::make(q * DA::mantissa(unit), unit.s_);
}

Decimal Decimal::round_places(int places, RoundingMode mode) const {
  if (places > kMaxScale) throw_overflow("scale limit exceeded in rounding");
  if (places >= 0) return round_to(Decimal(1, places), mode);
  if (-places <= 38) return round_to(Decimal(detail::pow10(-places), 0), mode);
  if (-places > kMaxDigits + kMaxScale + 2) throw_invalid("rounding places out of range");
  // Rounding to 10^k with k > 38: do it on big integers (the unit itself may exceed limits).
  cpp_int x = DA::mantissa(*this);
  cpp_int q = div_round_big(x, pow10_big(static_cast<unsigned>(s_ - places)), mode);
  if (q.is_zero()) return Decimal();
  if (-places >= kMaxDigits) throw_overflow("digit limit exceeded in rounding");
  return DA::make(q * pow10_big(static_cast<unsigned>(-places)), 0);
}

// ---------------------------------------------------------------------------------------------
// Queries and conversions

bool Decimal::is_integer() const {
  if (s_ == 0) return true;
  if (!w_) return s_ > 38 ? m_ == 0 : m_ % detail::pow10(s_) == 0;
  return (w_->value % pow10_big(static_cast<unsigned>(s_))).is_zero();
}

std::optional<int128> Decimal::to_scaled(int scale) const {
  if (!w_) {
    if (m_ == 0) return int128(0);
    if (scale >= s_) {
      int d = scale - s_;
      int128 r;
      if (d > 38 || __builtin_mul_overflow(m_, detail::pow10(d), &r)) return std::nullopt;
      return r;
    }
    int d = s_ - scale;
    if (d > 38 || m_ % detail::pow10(d) != 0) return std::nullopt;
    return m_ / detail::pow10(d);
  }
  // Wide: |mantissa| >= 2^127, so only scaling down can make it fit.
  if (scale >= s_) return std::nullopt;
  int d = s_ - scale;
  if (d > kMaxDigits + 1) return std::nullopt;
  cpp_int q, r;
  boost::multiprecision::divide_qr(w_->value, pow10_big(static_cast<unsigned>(d)), q, r);
  if (!r.is_zero() || !fits_int128(q)) return std::nullopt;
  return to_int128(q);
}

std::optional<std::int64_t> Decimal::to_int64() const {
  auto v = to_scaled(0);
  if (!v || *v < INT64_MIN || *v > INT64_MAX) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::size_t Decimal::hash() const noexcept {
  auto mix = [](std::size_t h, std::uint64_t v) {
    return h ^ (std::hash<std::uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  };
  auto narrow_hash = [&](int128 m, int s) {
    while (s > 0 && m % 10 == 0) {
      m /= 10;
      --s;
    }
    if (m == 0) s = 0;
    uint128 u = uint128(m);
    std::size_t h = mix(0, static_cast<std::uint64_t>(u));
    h = mix(h, static_cast<std::uint64_t>(u >> 64));
    return mix(h, static_cast<std::uint64_t>(s));
  };
  if (!w_) return narrow_hash(m_, s_);
  try {
    cpp_int v = w_->value;
    int s = s_;
    cpp_int q, r;
    while (s > 0) {
      boost::multiprecision::divide_qr(v, cpp_int(10), q, r);
      if (!r.is_zero()) break;
      v = std::move(q);
      --s;
    }
    if (fits_int128(v)) return narrow_hash(to_int128(v), s);
    return mix(std::hash<std::string>{}(v.str()), static_cast<std::uint64_t>(s));
  } catch (...) {
    return 0;
  }
}

}  // namespace pol
