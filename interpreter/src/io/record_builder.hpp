// Shared pieces of the record readers and writers: turning the text of one field into a typed
// value of an input, message formatting, field paths, JSON string escaping. Internal to pol.
#pragma once

#include <cstddef>
#include <cstdint>
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
// common case of a mantissa that fits in 64 bits (the writers format every output with it).
void append_decimal(std::string& out, const Decimal& value, int min_scale);

// Appends what format_value(type, value, enums) returns.
void append_value(std::string& out, const Type& type, const Value& value, const std::vector<EnumInfo>& enums);

// The CSV reader, created by open_reader (json_reader.cpp).
std::unique_ptr<RecordReader> make_csv_reader(const Policy& policy, std::istream& in,
                                              const std::string& source_name);

}  // namespace pol::io::detail
