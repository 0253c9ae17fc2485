#include "io/record_builder.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <vector>

#include "pol/period.hpp"

namespace pol::io::detail {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t length;
  std::uint32_t min;
  std::uint32_t cp;
  if ((b0 & 0xE0) == 0xC0) { length = 2; min = 0x80; cp = b0 & 0x1F; }
  else if ((b0 & 0xF0) == 0xE0) { length = 3; min = 0x800; cp = b0 & 0x0F; }
  else if ((b0 & 0xF8) == 0xF0) { length = 4; min = 0x10000; cp = b0 & 0x07; }
  else return 0;
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

// Largest prefix length <= limit that does not cut a UTF-8 sequence.
std::size_t utf8_cut(std::string_view text, std::size_t limit) noexcept {
  if (text.size() <= limit) return text.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// Levenshtein distance, ignoring case differences at a cost of 0 for the first pass.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_enum_value(const EnumInfo& info, std::string_view text) {
  if (text.empty() || text.size() > 200) return {};
  std::string best;
  std::size_t best_distance = 0;
  for (const std::string& value : info.values) {
    const std::size_t d = edit_distance(text, value);
    // Close enough: differences in case only, or a few letters on a name of some length.
    const std::size_t limit = std::max<std::size_t>(1, std::min(text.size(), value.size()) / 3);
    if (d > limit) continue;
    if (best.empty() || d < best_distance) {
      best = value;
      best_distance = d;
    }
  }
  return best;
}

std::string truncate_raw(std::string_view text) {
  if (text.size() <= kMaxRawBytes) return std::string(text);
  std::string out(text.substr(0, utf8_cut(text, kMaxRawBytes)));
  out += "...";
  return out;
}

std::string quote_for_message(std::string_view text) {
  constexpr std::size_t kLimit = 60;
  const bool cut = text.size() > kLimit;
  std::string out;
  append_json_string(out, text.substr(0, utf8_cut(text, kLimit)));
  if (cut) out.insert(out.size() - 1, "...");
  return out;
}

std::string expected_description(const Policy& policy, const Type& type) {
  if (type.kind == TypeKind::Text) return "text";
  std::string expected;
  // Empty text is refused by every type but text; the parser then says what it expected.
  if (!parse_value(type, "", policy.enums(), &expected)) return expected;
  return type_name(type, policy.enums());
}

std::optional<std::string> assign_from_text(const Policy& policy, const InputSchema& input,
                                            std::string_view text, std::optional<Value>& slot) {
  return assign_from_text(policy, input.type, text, slot);
}

std::optional<std::string> assign_from_text(const Policy& policy, const Type& type,
                                            std::string_view text, std::optional<Value>& slot) {
  std::string expected;
  auto value = parse_value(type, text, policy.enums(), &expected);
  if (!value) {
    std::string message = "expected " + expected + ", got " + quote_for_message(text);
    if (type.kind == TypeKind::Enum && type.enum_index >= 0 &&
        static_cast<std::size_t>(type.enum_index) < policy.enums().size()) {
      const std::string suggestion = closest_enum_value(policy.enums()[static_cast<std::size_t>(type.enum_index)], text);
      if (!suggestion.empty()) message += " (did you mean " + suggestion + "?)";
    }
    return message;
  }
  slot = std::move(*value);
  return std::nullopt;
}

const char* period_noun(PeriodKind kind) noexcept {
  return kind == PeriodKind::None ? "period" : period_kind_name(kind);
}

const char* period_example(PeriodKind kind) noexcept {
  switch (kind) {
    case PeriodKind::Week: return "2026-W09";
    case PeriodKind::Month: return "2026-03";
    case PeriodKind::Quarter: return "2026-Q1";
    case PeriodKind::Year: return "2026";
    case PeriodKind::None: break;
  }
  return "";
}

std::string series_type_name(const Policy& policy, const Type& type) {
  return type_name(type.element(), policy.enums()) + " by " + period_noun(type.period);
}

std::optional<std::int64_t> parse_period_label(PeriodKind kind, std::string_view label, std::string* message) {
  if (auto index = parse_period(kind, label)) return index;
  if (message) {
    *message = std::string("expected a ") + period_noun(kind) + " such as " + period_example(kind) + ", got " +
               quote_for_message(label);
  }
  return std::nullopt;
}

std::string series_field_path(std::string_view path, std::string_view label) {
  std::string out(path);
  out += '[';
  out += label;
  out += ']';
  return out;
}

std::string as_of_message(std::string_view got_described) {
  return "expected the evaluation date written YYYY-MM-DD such as 2026-03-01, got " + std::string(got_described);
}

std::optional<std::string> json_number_to_plain(std::string_view token) {
  std::size_t i = 0;
  const std::size_t n = token.size();
  const auto digit = [&](std::size_t k) { return k < n && token[k] >= '0' && token[k] <= '9'; };
  bool negative = false;
  if (i < n && token[i] == '-') { negative = true; ++i; }
  const std::size_t int_begin = i;
  if (!digit(i)) return std::nullopt;
  if (token[i] == '0') ++i;
  else while (digit(i)) ++i;
  std::string_view integer = token.substr(int_begin, i - int_begin);
  std::string_view fraction;
  if (i < n && token[i] == '.') {
    const std::size_t frac_begin = ++i;
    if (!digit(i)) return std::nullopt;
    while (digit(i)) ++i;
    fraction = token.substr(frac_begin, i - frac_begin);
  }
  long long exponent = 0;
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (token[i] == '+' || token[i] == '-')) exp_negative = token[i++] == '-';
    if (!digit(i)) return std::nullopt;
    while (digit(i)) {
      // Beyond this the number is outside what a Decimal holds anyway; keep it bounded.
      if (exponent < 100000) exponent = exponent * 10 + (token[i] - '0');
      ++i;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return std::nullopt;
  if (exponent > 5000 || exponent < -5000) {
    // Exact but absurd: produce text that Decimal::parse refuses (too many digits), cheaply.
    return std::string(negative ? "-" : "") + "1" + std::string(Decimal::kMaxDigits + 1, '0');
  }

  std::string digits;
  digits.reserve(integer.size() + fraction.size());
  digits.append(integer).append(fraction);
  const long long point = static_cast<long long>(integer.size()) + exponent;  // digits before '.'
  std::string out;
  if (negative) out.push_back('-');
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (point >= static_cast<long long>(digits.size())) {
    out += digits;
    out.append(static_cast<std::size_t>(point - static_cast<long long>(digits.size())), '0');
  } else {
    out.append(digits, 0, static_cast<std::size_t>(point));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(point), std::string::npos);
  }
  return out;
}

bool same_value(const Type& type, const Value& a, const Value& b) {
  switch (type.kind) {
    case TypeKind::Integer:
    case TypeKind::Decimal:
    case TypeKind::Money:
    case TypeKind::Rate: return a.number == b.number;
    case TypeKind::Text: return a.text == b.text;
    case TypeKind::Boolean:
    case TypeKind::Date:
    case TypeKind::Enum:
    case TypeKind::Period: return a.scalar == b.scalar;
  }
  return false;
}

std::string field_path(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  out += name;
  return out;
}

std::string member_path(std::string_view prefix, std::string_view collection, std::size_t index) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  std::string out;
  out.reserve(prefix.size() + collection.size() + static_cast<std::size_t>(end - digits) + 3);
  out += prefix;
  out += collection;
  out += '[';
  out.append(digits, end);
  out += ']';
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text, i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

namespace {

constexpr std::uint64_t kPow10_19 = 10000000000000000000ull;

// v's digits without leading zeros ("0" for 0) at p; returns the end.
char* write_digits_128(char* p, uint128 v) noexcept {
  if (v <= UINT64_MAX) return write_digits(p, static_cast<std::uint64_t>(v));
  p = write_digits_128(p, v / kPow10_19);
  return write_fixed_digits(p, static_cast<std::uint64_t>(v % kPow10_19), 19);
}

}  // namespace

char* write_decimal_128(char* p, uint128 magnitude, int scale, int min_scale) noexcept {
  while (scale > min_scale && magnitude % 10 == 0) {
    magnitude /= 10;
    --scale;
  }
  const auto unit = static_cast<uint128>(pol::detail::pow10(scale));
  p = write_digits_128(p, magnitude / unit);
  if (scale == 0 && min_scale == 0) return p;
  *p++ = '.';
  const uint128 fraction = magnitude % unit;  // scale digits
  if (scale > 19) {
    p = write_fixed_digits(p, static_cast<std::uint64_t>(fraction / kPow10_19), scale - 19);
    p = write_fixed_digits(p, static_cast<std::uint64_t>(fraction % kPow10_19), 19);
  } else {
    p = write_fixed_digits(p, static_cast<std::uint64_t>(fraction), scale);
  }
  for (int i = scale; i < min_scale; ++i) *p++ = '0';
  return p;
}

void append_decimal(std::string& out, const Decimal& value, int min_scale) {
  if (min_scale < 0) min_scale = 0;
  char buffer[kDecimalRoom + 38];
  const char* end = min_scale <= 38 ? write_decimal(buffer, value, min_scale) : nullptr;
  if (end) out.append(buffer, static_cast<std::size_t>(end - buffer));
  else out += value.to_string(min_scale);
}

void append_value(std::string& out, const Type& type, const Value& value, const std::vector<EnumInfo>& enums) {
  if (!type.is_series()) {
    switch (type.kind) {
      case TypeKind::Boolean: out += value.as_bool() ? "true" : "false"; return;
      case TypeKind::Integer:
      case TypeKind::Decimal:
      case TypeKind::Rate: append_decimal(out, value.number, 0); return;
      case TypeKind::Money: append_decimal(out, value.number, 2); return;
      default: break;
    }
  }
  out += format_value(type, value, enums);
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace pol::io::detail

namespace pol::io {
std::string cut_raw_text(std::string_view text) { return detail::truncate_raw(text); }
}  // namespace pol::io
