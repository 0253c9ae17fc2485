// The types of the language and the runtime representation of a value of each.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pol/date.hpp"
#include "pol/decimal.hpp"

namespace pol {

enum class TypeKind : std::uint8_t { Boolean, Integer, Decimal, Money, Rate, Date, Text, Enum, Period };

// The calendar periods a value can vary by. Weeks are ISO 8601 weeks (Monday to Sunday).
enum class PeriodKind : std::uint8_t { None, Week, Month, Quarter, Year };

struct Type {
  TypeKind kind = TypeKind::Boolean;
  int enum_index = -1;  // into Policy::enums(), only for TypeKind::Enum
  // TypeKind::Period: which kind of period. Otherwise, when not None, the type is a series: one
  // value of `kind` per period of this kind (`money by quarter`).
  PeriodKind period = PeriodKind::None;

  bool is_series() const noexcept { return kind != TypeKind::Period && period != PeriodKind::None; }
  // The type of one value of a series.
  Type element() const noexcept { Type t = *this; if (kind != TypeKind::Period) t.period = PeriodKind::None; return t; }

  bool is_numeric() const noexcept {
    return kind == TypeKind::Integer || kind == TypeKind::Decimal || kind == TypeKind::Money ||
           kind == TypeKind::Rate;
  }
  friend bool operator==(const Type&, const Type&) = default;
};

struct Value;
// Values of a series by period index (see pol/period.hpp); periods not present are not given.
using SeriesValues = std::map<std::int64_t, Value>;

// A value carries no type tag: the checked program knows every value's type statically, and the
// schema tells readers and writers which member to use.
struct Value {
  pol::Decimal number;        // Integer (scale 0), Decimal, Money, Rate (a fraction: 5% is 0.05)
  std::int64_t scalar = 0;    // Boolean (0 or 1), Date (days since 1970-01-01), Enum (ordinal),
                              // Period (index, see pol/period.hpp)
  std::string text;           // Text
  std::shared_ptr<const SeriesValues> series;  // a series; shared, never modified once built

  static Value of_bool(bool b) { Value v; v.scalar = b ? 1 : 0; return v; }
  static Value of_number(pol::Decimal d) { Value v; v.number = std::move(d); return v; }
  static Value of_date(pol::Date d) { Value v; v.scalar = d.days(); return v; }
  static Value of_enum(int ordinal) { Value v; v.scalar = ordinal; return v; }
  static Value of_text(std::string s) { Value v; v.text = std::move(s); return v; }
  static Value of_period(std::int64_t index) { Value v; v.scalar = index; return v; }
  static Value of_series(SeriesValues values) {
    Value v; v.series = std::make_shared<const SeriesValues>(std::move(values)); return v;
  }

  bool as_bool() const noexcept { return scalar != 0; }
  pol::Date as_date() const noexcept { return pol::Date::from_days(static_cast<std::int32_t>(scalar)); }
};

struct EnumInfo {
  std::string name;
  std::vector<std::string> values;

  std::optional<int> ordinal_of(std::string_view value) const noexcept;
};

// "money", "rate", "money by quarter", "quarter", or the enumeration's name.
std::string type_name(const Type& type, const std::vector<EnumInfo>& enums);

// Parses a household field or context value written as text. Accepted forms:
//   boolean  true false
//   integer  -12  1,000 is refused (no separators)
//   decimal  -12.5
//   money    1234.56  $1,234.56  -$3  €12.00   (a thousands separator only in groups of three)
//   rate     0.055  5.5%
//   date     2026-03-01
//   text     anything
//   enum     one of the enumeration's value names
//   period   2026-03 (month), 2026-Q1 (quarter), 2026 (year), 2026-W09 (ISO week)
// A series is not written as one text; readers parse each period's value with the element type.
// On failure returns nullopt and sets *expected to a short description of what was expected.
std::optional<Value> parse_value(const Type& type, std::string_view text,
                                 const std::vector<EnumInfo>& enums, std::string* expected = nullptr);

// A number as an integer count of 10^-scale units (money in cents: scale 2), when it is exactly
// representable so and fits in 64 bits; nullopt otherwise (never rounds).
std::optional<std::int64_t> to_scaled_int64(const Value& value, int scale);

// Exact text of a value: money with at least two decimals ("350.00"), rates as fractions
// ("0.055"), integers and decimals as they are, dates ISO, booleans true/false, enums by name.
std::string format_value(const Type& type, const Value& value, const std::vector<EnumInfo>& enums);

}  // namespace pol
