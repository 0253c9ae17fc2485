// pol::Decimal -- exact decimal numbers for the policy interpreter.
//
// Representation: value = mantissa x 10^(-scale), 0 <= scale <= kMaxScale.
//   * Fast ("narrow") form: the mantissa is a signed 128-bit integer held inline. All of
//     + - * compare on two narrow operands (same or different scales) are inline, checked
//     with __builtin_*_overflow and never allocate.
//   * Wide form: when an exact result does not fit in 128 bits it is kept as an arbitrary
//     precision integer (boost::multiprecision::cpp_int, hidden in decimal.cpp) behind a
//     reference-counted immutable pointer. Results that fit 128 bits again are stored narrow.
//   * Hard limits: scale <= kMaxScale (1000) and |mantissa| < 10^kMaxDigits (1000 digits).
//     Exceeding either throws DecimalError{Kind::Overflow}; nothing ever wraps.
//
// Values are not normalized: 1.0 and 1.00 are different representations (scale() differs)
// but compare equal; hashing (std::hash<pol::Decimal>) is numeric as well.
//
// Division: divide(a, b) returns the exact quotient rounded half-even to
// max(kDivisionScale, a.scale(), b.scale()) fractional digits (so it is exact whenever the
// quotient has that many fractional digits or fewer). 1/3 == 0.33333333333333333333.
//
// No binary floating point is used anywhere.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pol {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

enum class RoundingMode {
  HalfEven,      // ties to the even multiple of the unit (banker's rounding)
  HalfUp,        // ties away from zero
  HalfDown,      // ties toward zero
  TowardZero,    // truncate
  AwayFromZero,  // any remainder moves away from zero
  Floor,         // toward -infinity
  Ceiling,       // toward +infinity
};

class DecimalError : public std::runtime_error {
 public:
  enum class Kind { Overflow, DivisionByZero, InvalidArgument };
  DecimalError(Kind kind, std::string message);
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

namespace detail {
struct WideRep;  // defined in decimal.cpp (holds a boost cpp_int)
void wide_retain(const WideRep* rep) noexcept;
void wide_release(const WideRep* rep) noexcept;

inline constexpr std::array<int128, 39> kPow10 = [] {
  std::array<int128, 39> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();
// 10^n as a 128-bit integer, 0 <= n <= 38.
constexpr int128 pow10(int n) noexcept { return kPow10[static_cast<std::size_t>(n)]; }
}  // namespace detail

class Decimal {
 public:
  static constexpr int kDivisionScale = 20;
  static constexpr int kMaxScale = 1000;   // largest allowed scale
  static constexpr int kMaxDigits = 1000;  // |mantissa| < 10^kMaxDigits

  Decimal() noexcept = default;  // 0 (scale 0)
  Decimal(const Decimal& o) noexcept : m_(o.m_), w_(o.w_), s_(o.s_) {
    if (w_) [[unlikely]] detail::wide_retain(w_);
  }
  Decimal(Decimal&& o) noexcept : m_(o.m_), w_(o.w_), s_(o.s_) {
    o.w_ = nullptr;
    o.m_ = 0;
  }
  // Always inlined: evaluation copies values constantly, and the narrow case is four moves.
  [[gnu::always_inline]] Decimal& operator=(const Decimal& o) noexcept {
    if (o.w_) [[unlikely]] detail::wide_retain(o.w_);
    if (w_) [[unlikely]] detail::wide_release(w_);
    m_ = o.m_;
    w_ = o.w_;
    s_ = o.s_;
    return *this;
  }
  [[gnu::always_inline]] Decimal& operator=(Decimal&& o) noexcept {
    if (this != &o) {
      if (w_) [[unlikely]] detail::wide_release(w_);
      m_ = o.m_;
      w_ = o.w_;
      s_ = o.s_;
      o.w_ = nullptr;
      o.m_ = 0;
    }
    return *this;
  }
  ~Decimal() {
    if (w_) [[unlikely]] detail::wide_release(w_);
  }

  static Decimal from_int(std::int64_t v) noexcept { return Decimal(v, 0); }
  // mantissa x 10^-scale. A negative scale multiplies by 10^-scale (exactly).
  // Throws Overflow if scale > kMaxScale or the result exceeds the digit limit.
  static Decimal from_scaled(int128 mantissa, int scale) {
    if (scale >= 0 && scale <= kMaxScale) [[likely]] return Decimal(mantissa, scale);
    return from_scaled_slow(mantissa, scale);
  }

  // Accepted syntax: [+|-] digits [ '.' digits ]  -- at least one digit on each side of the
  // point ("0.5" ok; ".5", "5.", "", "-", "1e5", " 1", "1_000" rejected). Leading zeros are
  // allowed. The scale of the result is the number of fractional digits written ("1.50" has
  // scale 2). More than kMaxScale fractional digits or kMaxDigits significant digits: nullopt.
  static std::optional<Decimal> parse(std::string_view text) noexcept;

  // Plain notation, no exponent. Trailing fractional zeros are stripped, but at least
  // min_scale fractional digits are written ("350.00" for 350 with min_scale 2, "0.125" with
  // min_scale 2). Zero never prints as "-0".
  std::string to_string(int min_scale = 0) const;

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);  // exact: scales add
  friend Decimal operator/(const Decimal& a, const Decimal& b) { return divide(a, b); }
  Decimal operator-() const;
  Decimal& operator+=(const Decimal& o) { return *this = *this + o; }
  Decimal& operator-=(const Decimal& o) { return *this = *this - o; }
  Decimal& operator*=(const Decimal& o) { return *this = *this * o; }

  // *this = a + b, a - b, a * b, written in place: what a loop over many values (the batch
  // evaluator's) wants. A result returned and then moved is stored as two 8-byte halves and
  // reloaded as one 16-byte value, which the processor cannot forward from its store buffer: a
  // stall of a dozen cycles on each value. `this` may be `&a` or `&b`.
  void assign_sum(const Decimal& a, const Decimal& b);
  void assign_difference(const Decimal& a, const Decimal& b);
  void assign_product(const Decimal& a, const Decimal& b);
  // *this = from_scaled(mantissa, scale), in place (a reader setting millions of values).
  void assign_scaled(int128 mantissa, int scale);

  // Exact quotient rounded half-even to max(kDivisionScale, a.scale(), b.scale()) fractional
  // digits. Throws DecimalError{DivisionByZero} if b == 0.
  static Decimal divide(const Decimal& a, const Decimal& b);
  // Same, but rounded with `mode` to exactly `scale` fractional digits (scale may be negative).
  static Decimal divide(const Decimal& a, const Decimal& b, int scale, RoundingMode mode);

  // Nearest multiple of `unit` (unit > 0, else InvalidArgument) according to `mode`, exact.
  // The result has the scale of `unit` (round_to(0.01) of 1.5 is 1.50).
  Decimal round_to(const Decimal& unit, RoundingMode mode) const;
  // round_to(10^-places); places may be negative (-3: to a multiple of 1000).
  Decimal round_places(int places, RoundingMode mode) const;

  Decimal abs() const { return sign() < 0 ? -*this : *this; }
  // For the wide form m_ holds the sign (+1/-1), so these work for both forms.
  int sign() const noexcept { return (m_ > 0) - (m_ < 0); }
  bool is_zero() const noexcept { return m_ == 0; }
  bool is_integer() const;
  int scale() const noexcept { return s_; }
  bool is_wide() const noexcept { return w_ != nullptr; }
  // value = narrow_mantissa() x 10^-scale() when !is_wide() (for a wide value, only its sign).
  // Lets writers format a narrow value's digits without to_scaled's out-of-line checked multiply.
  int128 narrow_mantissa() const noexcept { return m_; }

  std::optional<std::int64_t> to_int64() const;  // only if integral and fits
  // Exact mantissa at `scale` if representable without rounding and fitting in 128 bits.
  std::optional<int128> to_scaled(int scale) const;

  friend int compare(const Decimal& a, const Decimal& b) noexcept;
  friend bool operator==(const Decimal& a, const Decimal& b) noexcept { return compare(a, b) == 0; }
  friend std::weak_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
    int c = compare(a, b);
    return c < 0 ? std::weak_ordering::less
                 : (c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent);
  }

  static Decimal min(const Decimal& a, const Decimal& b) { return compare(b, a) < 0 ? b : a; }
  static Decimal max(const Decimal& a, const Decimal& b) { return compare(b, a) > 0 ? b : a; }

  // Numeric hash: equal values (1.0, 1.00) hash equally.
  std::size_t hash() const noexcept;

 private:
  friend struct DecimalAccess;  // decimal.cpp internals
  Decimal(int128 m, int s) noexcept : m_(m), s_(s) {}

  // Align two narrow mantissas to the larger scale; false if that overflows 128 bits.
  static bool align(const Decimal& a, const Decimal& b, int128& x, int128& y, int& s) noexcept {
    x = a.m_;
    y = b.m_;
    s = a.s_;
    if (a.s_ == b.s_) [[likely]] return true;
    if (a.s_ < b.s_) {
      s = b.s_;
      return scale_up(x, b.s_ - a.s_);
    }
    return scale_up(y, a.s_ - b.s_);
  }

 public:
  // m x 10^d, d >= 0, when it fits 128 bits (false otherwise). A 64-bit m times at most 10^18
  // cannot overflow: one machine multiply (amounts added to $0, or to a rate, are that small).
  static bool scale_up(int128& m, int d) noexcept {
    const auto small = static_cast<std::int64_t>(m);
    if (small == m && d <= 18) [[likely]] {
      m = int128(small) * static_cast<std::int64_t>(detail::pow10(d));
      return true;
    }
    return m == 0 || (d <= 38 && !__builtin_mul_overflow(m, detail::pow10(d), &m));
  }

 private:
  static Decimal from_scaled_slow(int128 mantissa, int scale);
  void assign_scaled_slow(int128 mantissa, int scale);
  template <bool kSubtract>
  void assign_added(const Decimal& a, const Decimal& b);  // assign_sum, assign_difference
  static Decimal add_slow(const Decimal& a, const Decimal& b, bool subtract);
  static Decimal mul_slow(const Decimal& a, const Decimal& b);
  Decimal negate_slow() const;
  static int compare_slow(const Decimal& a, const Decimal& b) noexcept;

  int128 m_ = 0;                         // narrow: the mantissa; wide: the sign (+1 / -1)
  const detail::WideRep* w_ = nullptr;   // non-null iff wide
  std::int32_t s_ = 0;                   // scale, 0..kMaxScale
};

inline Decimal operator+(const Decimal& a, const Decimal& b) {
  if (!a.w_ && !b.w_) [[likely]] {
    int128 x, y, r;
    int s;
    if (Decimal::align(a, b, x, y, s) && !__builtin_add_overflow(x, y, &r)) [[likely]]
      return Decimal(r, s);
  }
  return Decimal::add_slow(a, b, false);
}

inline Decimal operator-(const Decimal& a, const Decimal& b) {
  if (!a.w_ && !b.w_) [[likely]] {
    int128 x, y, r;
    int s;
    if (Decimal::align(a, b, x, y, s) && !__builtin_sub_overflow(x, y, &r)) [[likely]]
      return Decimal(r, s);
  }
  return Decimal::add_slow(a, b, true);
}

inline Decimal operator*(const Decimal& a, const Decimal& b) {
  if (!a.w_ && !b.w_) [[likely]] {
    int128 r;
    int s = a.s_ + b.s_;
    if (!__builtin_mul_overflow(a.m_, b.m_, &r) && s <= Decimal::kMaxScale) [[likely]]
      return Decimal(r, s);
  }
  return Decimal::mul_slow(a, b);
}

[[gnu::always_inline]] inline void Decimal::assign_scaled(int128 mantissa, int scale) {
  if (!w_ && scale >= 0 && scale <= kMaxScale) [[likely]] {
    m_ = mantissa;
    s_ = scale;
    return;
  }
  assign_scaled_slow(mantissa, scale);
}

template <bool kSubtract>
inline void Decimal::assign_added(const Decimal& a, const Decimal& b) {
  if (!a.w_ && !b.w_ && !w_) [[likely]] {
    int128 x, y, r;
    int s;
    if (align(a, b, x, y, s) &&
        !(kSubtract ? __builtin_sub_overflow(x, y, &r) : __builtin_add_overflow(x, y, &r))) [[likely]] {
      m_ = r;
      s_ = s;
      return;
    }
  }
  *this = kSubtract ? a - b : a + b;
}

inline void Decimal::assign_sum(const Decimal& a, const Decimal& b) { assign_added<false>(a, b); }
inline void Decimal::assign_difference(const Decimal& a, const Decimal& b) { assign_added<true>(a, b); }

inline void Decimal::assign_product(const Decimal& a, const Decimal& b) {
  if (!a.w_ && !b.w_ && !w_) [[likely]] {
    const int s = a.s_ + b.s_;
    // Two mantissas of 64 bits multiply into 127 bits at most: one machine multiply, without
    // the checked 128-bit multiply (most amounts, rates and counts are that small).
    const auto x = static_cast<std::int64_t>(a.m_), y = static_cast<std::int64_t>(b.m_);
    if (x == a.m_ && y == b.m_ && s <= kMaxScale) [[likely]] {
      m_ = int128(x) * y;
      s_ = s;
      return;
    }
  }
  *this = a * b;
}

inline Decimal Decimal::operator-() const {
  int128 r;
  if (!w_ && !__builtin_sub_overflow(int128(0), m_, &r)) [[likely]] return Decimal(r, s_);
  return negate_slow();
}

inline int compare(const Decimal& a, const Decimal& b) noexcept {
  if (!a.w_ && !b.w_) [[likely]] {
    int128 x = a.m_, y = b.m_;
    // If x * 10^d overflows, |x * 10^d| exceeds every int128, so x's sign decides.
    if (a.s_ < b.s_) {
      if (!Decimal::scale_up(x, b.s_ - a.s_)) return a.sign();
    } else if (a.s_ > b.s_) {
      if (!Decimal::scale_up(y, a.s_ - b.s_)) return -b.sign();
    }
    return (x > y) - (x < y);
  }
  return Decimal::compare_slow(a, b);
}

std::ostream& operator<<(std::ostream& os, const Decimal& d);

}  // namespace pol

template <>
struct std::hash<pol::Decimal> {
  std::size_t operator()(const pol::Decimal& d) const noexcept { return d.hash(); }
};
