// Shared pieces of the record readers and writers: turning the text of one field into a typed
// value of an input, message formatting, field paths, JSON string escaping. Internal to pol.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace pol::io::detail {

// RecordError::raw holds at most this many bytes of the record's text.
inline constexpr std::size_t kMaxRawBytes = 4096;

// One record's input text (a JSON line, a JSON array element, a CSV household's rows) may have
// at most this many bytes; a larger one is rejected without being kept in memory, and reading
// goes on after it (docs/limits.md).
inline constexpr std::size_t kMaxRecordBytes = 16 * 1024 * 1024;
inline std::string record_too_large_message() {
  return "the record is larger than 16 MiB (16777216 bytes), the most a record may have; it is skipped";
}

// `text` cut to kMaxRawBytes (on a UTF-8 character boundary), with "..." appended when cut.
std::string truncate_raw(std::string_view text);

// `text` as a JSON-style quoted string for messages ("\"abc\""), shortened when long.
std::string quote_for_message(std::string_view text);

// What a value of `type` looks like, for messages: "an amount of money such as 1234.56 or
// $1,234.56", "one of layoff, end_of_contract", "text".
std::string expected_description(const Policy& policy, const Type& type);

// The value of `info` closest to `text` (a misspelling, a difference of case), for "did you mean";
// empty when none is close.
std::string closest_enum_value(const EnumInfo& info, std::string_view text);

// Parses `text` as a value of `input` into `slot`. On failure leaves `slot` alone and returns the
// message: expected ..., got "text".
std::optional<std::string> assign_from_text(const Policy& policy, const InputSchema& input,
                                            std::string_view text, std::optional<Value>& slot);
std::optional<std::string> assign_from_text(const Policy& policy, const Type& type,
                                            std::string_view text, std::optional<Value>& slot);

// Periods and series, for messages and labels.
//   period_noun(Quarter) = "quarter"; period_example(Quarter) = "2026-Q1"
//   series_type_name = "money by quarter"
const char* period_noun(PeriodKind kind) noexcept;
const char* period_example(PeriodKind kind) noexcept;
std::string series_type_name(const Policy& policy, const Type& type);
// The period index of `label` for a series of `kind`; on failure nullopt and *message holds
// "expected a quarter such as 2026-Q1, got \"2025-Q5\"".
std::optional<std::int64_t> parse_period_label(PeriodKind kind, std::string_view label, std::string* message);
// "wages[2026-Q1]"
std::string series_field_path(std::string_view path, std::string_view label);

// "an evaluation date written YYYY-MM-DD such as 2026-03-01" failures of the `as_of` field.
std::string as_of_message(std::string_view got_described);

// The plain decimal text of a JSON number token ("1.5e3" -> "1500", "-2E-2" -> "-0.02"), exact.
// nullopt if `token` is not a valid JSON number or its exponent is absurdly large.
std::optional<std::string> json_number_to_plain(std::string_view token);

// True if two values of `type` are the same (numbers compared numerically).
bool same_value(const Type& type, const Value& a, const Value& b);

// "members[2].weekly_wage": prefix is "" or ends with '.'.
std::string field_path(std::string_view prefix, std::string_view name);
// "members[2]" (index is 1-based).
std::string member_path(std::string_view prefix, std::string_view collection, std::size_t index);

// Appends `text` as a JSON string literal (quotes included). Control characters are escaped and
// invalid UTF-8 bytes are replaced by U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

std::string lowercase(std::string_view text);

// Appends what Decimal::to_string(min_scale) returns, without its 128-bit divisions for the
// common case of a mantissa that fits in 64 bits.
void append_decimal(std::string& out, const Decimal& value, int min_scale);

// write_decimal needs this many bytes of room plus min_scale: its text has at most
// 41 + min_scale bytes ('-', 39 digits, '.', zeros), and as it stores 8 bytes at a time it may
// write up to 8 bytes past the end it returns.
inline constexpr std::size_t kDecimalRoom = 49;

// Writes at `p` what Decimal::to_string(min_scale) returns and returns the end, or returns
// nullptr (having written nothing) for what only to_string formats: wide values, scales above
// 38. 0 <= min_scale <= 38. The writers format every number with it, straight into their row.
char* write_decimal_128(char* p, uint128 magnitude, int scale, int min_scale) noexcept;

inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline constexpr std::array<std::uint64_t, 20> kPow10u64 = [] {
  std::array<std::uint64_t, 20> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

// Number of decimal digits of v (1 for 0): from the bit width (log10(2) ~ 1233 / 4096) and one
// comparison; v | 1 so that 0 has one.
inline int digit_count(std::uint64_t v) noexcept {
  const int approx = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;
  return approx + 1 - ((v | 1) < kPow10u64[static_cast<std::size_t>(approx)]);
}

// The 8 digits of v < 10^8 (leading zeros included) as bytes 0 to 9, the first digit in the
// lowest byte: all eight at once with multiplications in 32-, 16- and 8-bit lanes, instead of
// a division per digit pair. Add kAsciiZeros for the characters.
inline std::uint64_t eight_digits(std::uint64_t v) noexcept {
  const std::uint64_t merged = (v / 10000) | ((v % 10000) << 32);             // 4 + 4 digits
  const std::uint64_t hundreds = ((merged * 10486) >> 20) & 0x0000007F0000007Full;  // lane / 100
  const std::uint64_t pairs = ((merged - 100 * hundreds) << 16) | hundreds;         // 2 digits a lane
  const std::uint64_t tens = ((pairs * 103) >> 10) & 0x000F000F000F000Full;        // lane / 10
  return tens | ((pairs - 10 * tens) << 8);
}
inline constexpr std::uint64_t kAsciiZeros = 0x3030303030303030ull;

// The last n decimal digits of v, leading zeros included, at p; returns p + n.
inline char* write_fixed_digits(char* p, std::uint64_t v, int n) noexcept {
  char* const end = p + n;
  char* q = end;
  for (; n >= 2; n -= 2) {
    q -= 2;
    std::memcpy(q, kDigitPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (n) *--q = static_cast<char>('0' + v % 10);
  return end;
}

// v's digits without leading zeros ("0" for 0) at p; returns the end.
inline char* write_digits(char* p, std::uint64_t v) noexcept {
  return write_fixed_digits(p, v, digit_count(v));
}

[[gnu::always_inline]] inline char* write_decimal(char* p, const Decimal& value, int min_scale) noexcept {
  static_assert(std::endian::native == std::endian::little, "eight_digits' bytes are stored as they are");
  int scale = value.scale();
  if (value.is_wide() || scale > 38) [[unlikely]] return nullptr;
  const int128 m = value.narrow_mantissa();
  const auto m64 = static_cast<std::int64_t>(m);
  if (m64 != m) [[unlikely]] {
    if (m < 0) *p++ = '-';
    return write_decimal_128(p, m < 0 ? -static_cast<uint128>(m) : static_cast<uint128>(m), scale, min_scale);
  }
  if (m64 < 0) *p++ = '-';  // m is not zero: never "-0"
  std::uint64_t u = m64 < 0 ? 0 - static_cast<std::uint64_t>(m64) : static_cast<std::uint64_t>(m64);
  // Trailing fractional zeros go, down to min_scale; eight at a time first for the 20-digit
  // quotients of divisions.
  while (scale - min_scale >= 8 && u % 100000000 == 0) {
    u /= 100000000;
    scale -= 8;
  }
  while (scale > min_scale && u % 10 == 0) {
    u /= 10;
    --scale;
  }
  if (u < 100000000 && scale < 8) [[likely]] {
    // All the digits at once, at least scale + 1 of them ("0.05": "005"), then the last `scale`
    // moved one byte on for the point.
    const std::uint64_t all = eight_digits(u);
    // Leading zero digits are the low zero bytes (the top byte set so that 0 keeps one).
    int n = 8 - (__builtin_ctzll(all | (std::uint64_t{1} << 56)) >> 3);
    if (n <= scale) n = scale + 1;
    const std::uint64_t digits = (all + kAsciiZeros) >> (8 * (8 - n));
    std::memcpy(p, &digits, 8);
    if (scale > 0) {
      char* point = p + n - scale;
      std::uint64_t fraction;
      std::memcpy(&fraction, point, 8);
      *point = '.';
      std::memcpy(point + 1, &fraction, 8);
      ++p;
    }
    p += n;
  } else {
    std::uint64_t integer = 0, fraction = u;
    if (scale <= 19) {
      integer = u / kPow10u64[static_cast<std::size_t>(scale)];
      fraction = u % kPow10u64[static_cast<std::size_t>(scale)];
    }  // else u < 10^20 <= 10^scale: no integer digits but the 0
    p = write_digits(p, integer);
    if (scale > 0) {
      *p++ = '.';
      p = write_fixed_digits(p, fraction, scale);
    }
  }
  if (scale < min_scale) {
    if (scale == 0) *p++ = '.';
    const int zeros = min_scale - scale;
    if (zeros <= 8) std::memcpy(p, "00000000", 8);
    else std::memset(p, '0', static_cast<std::size_t>(zeros));
    p += zeros;
  }
  return p;
}

// Appends what format_value(type, value, enums) returns.
void append_value(std::string& out, const Type& type, const Value& value, const std::vector<EnumInfo>& enums);

// The CSV reader, created by open_reader (json_reader.cpp).
std::unique_ptr<RecordReader> make_csv_reader(const Policy& policy, std::istream& in,
                                              const std::string& source_name);

}  // namespace pol::io::detail
