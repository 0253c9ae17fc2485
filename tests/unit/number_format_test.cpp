// The CSV and JSON lines formatters write numbers with their own digit code (record_builder.hpp,
// write_decimal) rather than through format_value: on random values of every numeric type --
// negative, zero at any scale, mantissas past 64 and past 128 bits, scales up to past 38 -- what
// they write must be format_value's text, byte for byte.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "io/record_builder.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

using pol::Decimal;
using pol::int128;
using pol::uint128;

namespace {

// A random mantissa of 0 to 127 bits, either sign, at a random scale; sometimes a wide one
// (the product of two such values past 2^127), sometimes zero at some scale.
Decimal random_decimal(std::mt19937_64& rng) {
  auto bits = [&](int n) -> uint128 {
    if (n == 0) return 0;
    const uint128 v = (static_cast<uint128>(rng()) << 64) | rng();
    return n >= 128 ? v : v & ((static_cast<uint128>(1) << n) - 1);
  };
  auto narrow = [&](int scale) {
    const int width = static_cast<int>(rng() % 128);  // 0..127 bits
    int128 m = static_cast<int128>(bits(width));
    if (rng() % 2) m = -m;
    return Decimal::from_scaled(m, scale);
  };
  auto scale = [&] {
    switch (rng() % 8) {
      case 0: return 2;
      case 1: return 0;
      case 2: return 20;
      case 3: return static_cast<int>(rng() % 60);  // past 38 too
      default: return static_cast<int>(rng() % 40);
    }
  };
  switch (rng() % 10) {
    case 0: return Decimal::from_scaled(0, scale());
    case 1: {
      Decimal wide = narrow(scale()) * narrow(scale());
      if (!wide.is_wide()) wide = wide * Decimal::from_scaled(static_cast<int128>(bits(126)) + 1, rng() % 5);
      return wide;
    }
    case 2: {  // small mantissas: the common case of the writers
      int128 m = static_cast<int128>(rng() % 1000000000);
      if (rng() % 2) m = -m;
      return Decimal::from_scaled(m, scale());
    }
    default: return narrow(scale());
  }
}

std::vector<Decimal> edge_decimals() {
  std::vector<Decimal> values;
  for (const char* text : {"0", "-0", "0.00", "0.000", "1", "-1", "9", "10", "99999999", "100000000", "12345678",
                           "-99999999.5", "0.5", "0.05", "0.0000005", "0.00000005", "1234567.8", "9999999.99",
                           "10000000.00", "18446744073709551615", "18446744073709551616", "-18446744073709551615",
                           "1844674407370955161.5", "0.18446744073709551615", "0.000000000000000000001",
                           "170141183460469231731687303715884105727", "-170141183460469231731687303715884105727",
                           "1.70141183460469231731687303715884105727", "0.00000000000000000000000000000000000001"})
    values.push_back(*Decimal::parse(text));
  values.push_back(Decimal::from_scaled(0, 38));
  values.push_back(Decimal::from_scaled(0, 39));
  values.push_back(Decimal::from_scaled(-5, 39));
  values.push_back(Decimal::from_scaled(static_cast<int128>(1) << 126, 38));
  const int128 min128 = -(static_cast<int128>(~static_cast<uint128>(0) >> 1)) - 1;
  values.push_back(Decimal::from_scaled(min128, 0));
  values.push_back(Decimal::from_scaled(min128, 19));
  values.push_back(Decimal::from_scaled(min128, 38));
  values.push_back(Decimal::divide(Decimal::from_int(11), Decimal::from_int(200)));  // 0.055 at scale 20
  values.push_back(Decimal::divide(Decimal::from_int(2), Decimal::from_int(3)));
  values.push_back(*Decimal::parse("170141183460469231731687303715884105727") * Decimal::from_int(1000));
  values.push_back(-values.back());
  return values;
}

std::vector<Decimal> test_decimals() {
  std::vector<Decimal> values = edge_decimals();
  std::mt19937_64 rng(20260401);
  for (int i = 0; i < 20000; ++i) values.push_back(random_decimal(rng));
  return values;
}

// `text` as CSV (quoted when needed) and as a JSON string, for the reference rows.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
std::string json_string(const std::string& text) {
  std::string out;
  pol::io::detail::append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("append_decimal writes Decimal::to_string on random decimals", "[io][format][numbers]") {
  for (const Decimal& v : test_decimals()) {
    for (int min_scale : {-1, 0, 1, 2, 3, 7, 8, 9, 20, 38, 40}) {
      std::string out = "x";
      pol::io::detail::append_decimal(out, v, min_scale);
      INFO("mantissa scale " << v.scale() << " wide " << v.is_wide() << " min_scale " << min_scale);
      REQUIRE(out == "x" + v.to_string(min_scale));
    }
  }
}

TEST_CASE("CSV and JSON lines rows hold format_value's text for every numeric type", "[io][format][numbers]") {
  auto compiled = pol::compile_source("numbers.pol", R"(policy "numbers"
entity Household {
  input i: integer = 0
  input d: decimal = 0
  input m: money = $0
  input r: rate = 0%
  input b: boolean = false
}
output Household.oi: integer = i
output Household.od: decimal = d
output Household.om: money = m
output Household.orate: rate = r
output Household.obool: boolean = b
)");
  REQUIRE(compiled.policy);
  const pol::Policy& policy = *compiled.policy;
  const auto& outputs = policy.outputs();
  REQUIRE(outputs.size() == 5);
  auto csv = pol::io::open_formatter(policy, pol::io::OutputFormat::Csv);
  auto jsonl = pol::io::open_formatter(policy, pol::io::OutputFormat::JsonLines);

  const std::vector<Decimal> values = test_decimals();
  pol::Record record;
  pol::Outcome outcome;
  outcome.ok = true;
  outcome.outputs.resize(outputs.size());
  std::string csv_out, json_out, csv_expected, json_expected;
  for (std::size_t k = 0; k < values.size(); ++k) {
    record.id = k % 7 == 0 ? "id, \"quoted\" " + std::to_string(k) : "h" + std::to_string(k);
    for (std::size_t i = 0; i < 4; ++i) outcome.outputs[i] = pol::Value::of_number(values[(k + i * 997) % values.size()]);
    outcome.outputs[4] = pol::Value::of_bool(k % 3 == 0);
    csv_expected += csv_field(record.id);
    json_expected += "{\"id\":" + json_string(record.id);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const std::string text = pol::format_value(outputs[i].type, outcome.outputs[i], policy.enums());
      csv_expected += "," + text;
      const bool string = i == 1 || i == 2 || i == 3;  // decimal, money, rate: JSON strings
      json_expected += "," + json_string(outputs[i].name) + ":" + (string ? "\"" + text + "\"" : text);
    }
    csv_expected += "\n";
    json_expected += "}\n";
    csv->append(record, outcome, csv_out);
    jsonl->append(record, outcome, json_out);
    if (csv_out != csv_expected || json_out != json_expected) break;  // the first difference is enough
  }
  REQUIRE(csv_out == csv_expected);
  REQUIRE(json_out == json_expected);

  // An outcome shorter than the outputs: CSV leaves the cells empty, JSON leaves the keys out.
  outcome.outputs.resize(2);
  outcome.outputs[0] = pol::Value::of_number(Decimal::from_int(-7));
  outcome.outputs[1] = pol::Value::of_number(*Decimal::parse("1.500"));
  record.id = "short";
  csv_out.clear();
  json_out.clear();
  csv->append(record, outcome, csv_out);
  jsonl->append(record, outcome, json_out);
  CHECK(csv_out == "short,-7,1.5,,,\n");
  CHECK(json_out == "{\"id\":\"short\",\"oi\":-7,\"od\":\"1.5\"}\n");
}

TEST_CASE("member rows hold format_value's text, with text outputs quoted and escaped", "[io][format][numbers]") {
  auto compiled = pol::compile_source("members.pol", R"(policy "members"
entity Person {
  input w: money = $0
  input share: rate = 0%
  input name: text = ""
}
entity Household {
  members: list of Person
}
output Household.total: money = sum(members.w)
output Person.pay: money = w
output Person.label: text = name
output Person.part: rate = share
)");
  REQUIRE(compiled.policy);
  const pol::Policy& policy = *compiled.policy;
  const auto& outputs = policy.outputs();
  REQUIRE(outputs.size() == 4);
  const int person = outputs[1].entity;
  auto csv = pol::io::open_formatter(policy, pol::io::OutputFormat::Csv);
  auto jsonl = pol::io::open_formatter(policy, pol::io::OutputFormat::JsonLines);

  const std::vector<Decimal> values = test_decimals();
  const std::vector<std::string> names = {"Ann", "B, \"Bo\"", "tab\there", "caf\xC3\xA9", "bad \xFF byte", ""};
  std::size_t next = 0;
  auto number = [&] { return pol::Value::of_number(values[next++ % values.size()]); };
  std::string csv_out, json_out, csv_expected, json_expected;
  for (int k = 0; k < 3000; ++k) {
    pol::Record record;
    record.id = k % 5 == 0 ? "x\"" + std::to_string(k) : "h" + std::to_string(k);
    pol::Outcome outcome;
    outcome.ok = true;
    outcome.outputs.resize(outputs.size());
    outcome.outputs[0] = number();
    const std::string total = pol::format_value(outputs[0].type, outcome.outputs[0], policy.enums());
    const int members = k % 4;  // 0: a row with the member cells empty
    json_expected += "{\"id\":" + json_string(record.id) + ",\"total\":\"" + total + "\",\"members\":[";
    for (int j = 0; j < members; ++j) {
      pol::MemberOutcome member;
      member.entity = person;
      member.path = "members[" + std::to_string(j + 1) + "]";
      member.outputs.resize(outputs.size());
      member.outputs[1] = number();
      member.outputs[2] = pol::Value::of_text(names[static_cast<std::size_t>(k + j) % names.size()]);
      member.outputs[3] = number();
      std::string cells[4];
      for (std::size_t i = 1; i < 4; ++i) cells[i] = pol::format_value(outputs[i].type, member.outputs[i], policy.enums());
      csv_expected += csv_field(record.id) + "," + member.path + "," + total + "," + cells[1] + "," +
                      csv_field(cells[2]) + "," + cells[3] + "\n";
      json_expected += std::string(j ? "," : "") + "{\"member\":" + json_string(member.path) + ",\"pay\":\"" +
                       cells[1] + "\",\"label\":" + json_string(cells[2]) + ",\"part\":\"" + cells[3] + "\"}";
      outcome.members.push_back(std::move(member));
    }
    if (members == 0) csv_expected += csv_field(record.id) + ",," + total + ",,,\n";
    json_expected += "]}\n";
    csv->append(record, outcome, csv_out);
    jsonl->append(record, outcome, json_out);
    if (csv_out != csv_expected || json_out != json_expected) break;
  }
  REQUIRE(csv_out == csv_expected);
  REQUIRE(json_out == json_expected);
}
