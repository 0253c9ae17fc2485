// Text <-> Value for every type of the language (pol/value.hpp). No binary floating point: all
// numbers go through pol::Decimal::parse.
#include "pol/value.hpp"

#include <string>

#include "pol/period.hpp"

namespace pol {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "12" "-12" "+12": digits with an optional sign, nothing else.
std::optional<Decimal> parse_integer(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  if (!all_digits(digits)) return std::nullopt;
  return Decimal::parse(text);
}

// Removes a leading currency sign ($, €, £) if there is one.
bool strip_currency(std::string_view& s) noexcept {
  static constexpr std::string_view kSigns[] = {"$", "\xE2\x82\xAC" /* € */, "\xC2\xA3" /* £ */};
  for (std::string_view sign : kSigns) {
    if (s.substr(0, sign.size()) == sign) {
      s.remove_prefix(sign.size());
      return true;
    }
  }
  return false;
}

// [-|+] [currency] [-|+] integer-part [. digits], at most one sign. The integer part is plain
// digits or digits grouped by three with commas (1,234,567).
std::optional<Decimal> parse_money(std::string_view text) {
  std::string_view s = text;
  char sign = 0;
  auto take_sign = [&] {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
      if (sign) return false;  // two signs
      sign = s[0];
      s.remove_prefix(1);
    }
    return true;
  };
  if (!take_sign()) return std::nullopt;
  if (strip_currency(s) && !take_sign()) return std::nullopt;

  std::string_view integer = s, fraction;
  bool has_point = false;
  if (auto point = s.find('.'); point != std::string_view::npos) {
    integer = s.substr(0, point);
    fraction = s.substr(point + 1);
    has_point = true;
  }
  if (has_point && !all_digits(fraction)) return std::nullopt;

  std::string clean;
  clean.reserve(s.size() + 1);
  if (sign == '-') clean.push_back('-');
  if (integer.find(',') == std::string_view::npos) {
    if (!all_digits(integer)) return std::nullopt;
    clean.append(integer);
  } else {
    // First group 1..3 digits, then groups of exactly 3.
    std::size_t start = 0;
    bool first = true;
    while (true) {
      std::size_t comma = integer.find(',', start);
      std::string_view group = integer.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                     : comma - start);
      if (!all_digits(group)) return std::nullopt;
      if (first ? group.size() > 3 : group.size() != 3) return std::nullopt;
      clean.append(group);
      first = false;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (has_point) {
    clean.push_back('.');
    clean.append(fraction);
  }
  return Decimal::parse(clean);
}

// "0.055" (a fraction) or "5.5%" (a percentage, divided by 100 exactly).
std::optional<Decimal> parse_rate(std::string_view text) {
  if (!text.empty() && text.back() == '%') {
    auto percent = Decimal::parse(text.substr(0, text.size() - 1));
    if (!percent) return std::nullopt;
    try {
      // Multiplying by 0.01 only adds 2 to the scale: exact, no division.
      return *percent * Decimal::from_scaled(1, 2);
    } catch (const DecimalError&) {
      return std::nullopt;  // beyond the scale limit
    }
  }
  return Decimal::parse(text);
}

std::string expected_text(const Type& type, const std::vector<EnumInfo>& enums) {
  if (type.is_series())
    return "one " + type_name(type.element(), enums) + " per " + period_kind_name(type.period) +
           ", given period by period";
  switch (type.kind) {
    case TypeKind::Boolean: return "true or false";
    case TypeKind::Integer: return "a whole number such as 42";
    case TypeKind::Decimal: return "a number such as -12.5";
    case TypeKind::Money: return "an amount of money such as 1234.56 or $1,234.56";
    case TypeKind::Rate: return "a rate such as 0.055 or 5.5%";
    case TypeKind::Date: return "a date written YYYY-MM-DD such as 2026-03-01";
    case TypeKind::Text: return "text";
    case TypeKind::Enum: {
      if (type.enum_index < 0 || static_cast<std::size_t>(type.enum_index) >= enums.size())
        return "a value of an enumeration";
      const EnumInfo& info = enums[static_cast<std::size_t>(type.enum_index)];
      if (info.values.empty()) return "a value of " + info.name;
      std::string out = "one of ";
      for (std::size_t i = 0; i < info.values.size(); ++i) {
        if (i) out += ", ";
        out += info.values[i];
      }
      return out;
    }
    case TypeKind::Period:
      switch (type.period) {
        case PeriodKind::Week: return "an ISO week written YYYY-Www such as 2026-W09";
        case PeriodKind::Month: return "a month written YYYY-MM such as 2026-03";
        case PeriodKind::Quarter: return "a quarter written YYYY-Qn such as 2026-Q1";
        case PeriodKind::Year: return "a year written YYYY such as 2026";
        case PeriodKind::None: break;
      }
      return "a period";
  }
  return "a value";
}

}  // namespace

std::optional<int> EnumInfo::ordinal_of(std::string_view value) const noexcept {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] == value) return static_cast<int>(i);
  return std::nullopt;
}

std::string type_name(const Type& type, const std::vector<EnumInfo>& enums) {
  if (type.is_series()) return type_name(type.element(), enums) + " by " + period_kind_name(type.period);
  switch (type.kind) {
    case TypeKind::Boolean: return "boolean";
    case TypeKind::Integer: return "integer";
    case TypeKind::Decimal: return "decimal";
    case TypeKind::Money: return "money";
    case TypeKind::Rate: return "rate";
    case TypeKind::Date: return "date";
    case TypeKind::Text: return "text";
    case TypeKind::Enum:
      if (type.enum_index >= 0 && static_cast<std::size_t>(type.enum_index) < enums.size())
        return enums[static_cast<std::size_t>(type.enum_index)].name;
      return "enum";
    case TypeKind::Period:
      if (type.period == PeriodKind::None) return "period";
      return period_kind_name(type.period);
  }
  return "unknown";
}

std::optional<Value> parse_value(const Type& type, std::string_view text,
                                 const std::vector<EnumInfo>& enums, std::string* expected) {
  std::optional<Value> result;
  // A series is never one text: readers parse each period's value with the element type.
  if (type.is_series()) {
    if (expected) *expected = expected_text(type, enums);
    return std::nullopt;
  }
  switch (type.kind) {
    case TypeKind::Boolean:
      if (equals_ignoring_case(text, "true")) result = Value::of_bool(true);
      else if (equals_ignoring_case(text, "false")) result = Value::of_bool(false);
      break;
    case TypeKind::Integer:
      if (auto d = parse_integer(text)) result = Value::of_number(std::move(*d));
      break;
    case TypeKind::Decimal:
      if (auto d = Decimal::parse(text)) result = Value::of_number(std::move(*d));
      break;
    case TypeKind::Money:
      if (auto d = parse_money(text)) result = Value::of_number(std::move(*d));
      break;
    case TypeKind::Rate:
      if (auto d = parse_rate(text)) result = Value::of_number(std::move(*d));
      break;
    case TypeKind::Date:
      if (auto d = Date::parse(text)) result = Value::of_date(*d);
      break;
    case TypeKind::Text:
      result = Value::of_text(std::string(text));
      break;
    case TypeKind::Enum:
      if (type.enum_index >= 0 && static_cast<std::size_t>(type.enum_index) < enums.size())
        if (auto ordinal = enums[static_cast<std::size_t>(type.enum_index)].ordinal_of(text))
          result = Value::of_enum(*ordinal);
      break;
    case TypeKind::Period:
      if (auto index = parse_period(type.period, text)) result = Value::of_period(*index);
      break;
  }
  if (!result && expected) *expected = expected_text(type, enums);
  return result;
}

std::string format_value(const Type& type, const Value& value, const std::vector<EnumInfo>& enums) {
  // A series: each period's label and value, in period order: "{2026-Q1: 100.00, 2026-Q2: 0.00}".
  if (type.is_series()) {
    const Type element = type.element();
    std::string out = "{";
    if (value.series) {
      for (const auto& [index, v] : *value.series) {
        if (out.size() > 1) out += ", ";
        out += format_period(type.period, index);
        out += ": ";
        out += format_value(element, v, enums);
      }
    }
    out += "}";
    return out;
  }
  switch (type.kind) {
    case TypeKind::Boolean: return value.as_bool() ? "true" : "false";
    case TypeKind::Integer:
    case TypeKind::Decimal:
    case TypeKind::Rate: return value.number.to_string();
    case TypeKind::Money: return value.number.to_string(2);
    case TypeKind::Date: return value.as_date().to_string();
    case TypeKind::Text: return value.text;
    case TypeKind::Enum:
      if (type.enum_index >= 0 && static_cast<std::size_t>(type.enum_index) < enums.size()) {
        const auto& values = enums[static_cast<std::size_t>(type.enum_index)].values;
        if (value.scalar >= 0 && static_cast<std::size_t>(value.scalar) < values.size())
          return values[static_cast<std::size_t>(value.scalar)];
      }
      return "#" + std::to_string(value.scalar);
    case TypeKind::Period: return format_period(type.period, value.scalar);
  }
  return {};
}

}  // namespace pol

namespace pol {

std::optional<std::int64_t> to_scaled_int64(const Value& value, int scale) {
  auto scaled = value.number.to_scaled(scale);
  if (!scaled || *scaled > INT64_MAX || *scaled < INT64_MIN) return std::nullopt;
  return static_cast<std::int64_t>(*scaled);
}

}  // namespace pol
