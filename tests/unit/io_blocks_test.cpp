// The pieces pol run uses to read and write on several threads: the line splitter and block
// reader give what the JSON lines reader gives, and the writers' number formatting is
// Decimal::to_string's.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "io/record_builder.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace {

const char* kPolicy = R"(policy "blocks"
entity Person {
  input age: integer
  input wage: money = $0
}
entity Household {
  members: list of Person
}
output Household.total: money = sum(members.wage)
output Household.adults: integer = count(members where age >= 18)
)";

// Everything a reader gives, as text: one line per record, error and warning.
std::string describe(pol::io::RecordReader& reader) {
  std::string out;
  pol::io::ReadResult item;
  while (reader.next(item)) {
    for (const auto& w : reader.take_warnings()) out += "warning " + w.record + " " + w.field + " " + w.message + "\n";
    if (const auto* e = std::get_if<pol::io::RecordError>(&item)) {
      out += "error " + e->record + " " + e->field + " " + e->message + " [" + e->raw + "]\n";
    } else {
      const auto& r = std::get<pol::Record>(item);
      out += "record " + r.id + " " + r.source + " members " +
             std::to_string(r.root.collections.at(0).size()) + " [" + reader.raw_text() + "]\n";
    }
  }
  for (const auto& w : reader.take_warnings()) out += "warning " + w.record + " " + w.field + " " + w.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("line blocks read as the JSON lines reader reads the whole input", "[io][blocks]") {
  auto compiled = pol::compile_source("blocks.pol", kPolicy);
  REQUIRE(compiled.policy);
  const pol::Policy& policy = *compiled.policy;
  const std::string input =
      "\xEF\xBB\xBF  {\"id\": \"a\", \"members\": [{\"age\": 40, \"wage\": \"10.50\"}]}\r\n"
      "\n"
      "{\"id\": \"b\", \"members\": [{\"age\": \"x\"}]}\n"
      "{\"id\": \"c\", \"shoe\": 3, \"members\": []}\n"
      "{\"id\": \"d\", \"members\": [{\"age\": 1}]} trailing\n"
      "{broken\n"
      "   \n"
      "{\"members\": [{\"age\": 30, \"wage\": 5}, {\"age\": 2}]}\n"
      "{\"id\": \"\xff\"}\n"
      "{\"id\": \"last\", \"members\": []}";  // no final line break
  for (auto format : {pol::io::InputFormat::Auto, pol::io::InputFormat::JsonLines}) {
    std::istringstream whole(input);
    auto reader = pol::io::open_reader(policy, whole, format, "input.jsonl");
    const std::string expected = describe(*reader);
    REQUIRE(expected.find("record last") != std::string::npos);
    for (std::size_t lines_per_block : {1, 2, 3, 100}) {
      std::istringstream in(input);
      auto split = pol::io::open_split_input(policy, in, format, "input.jsonl");
      REQUIRE(split.lines);
      REQUIRE_FALSE(split.reader);
      auto blocks = pol::io::open_line_block_reader(policy);
      pol::io::LineBlock block;
      std::string actual;
      while (split.lines->next(block, lines_per_block, 1 << 20)) {
        blocks->reset(block);
        actual += describe(*blocks);
      }
      CHECK(actual == expected);
    }
  }
}

TEST_CASE("open_split_input reads a JSON array and CSV record by record", "[io][blocks]") {
  auto compiled = pol::compile_source("blocks.pol", kPolicy);
  REQUIRE(compiled.policy);
  std::istringstream array("  \n [{\"id\": \"a\", \"members\": []}]");
  auto split = pol::io::open_split_input(*compiled.policy, array, pol::io::InputFormat::Auto, "x.json");
  REQUIRE(split.reader);
  CHECK_FALSE(split.lines);
  CHECK(describe(*split.reader) == "record a record 1 (id \"a\", line 2) members 0 [{\"id\": \"a\", \"members\": []}]\n");
  std::istringstream csv("household_id,age\nh1,40\n");
  auto split_csv = pol::io::open_split_input(*compiled.policy, csv, pol::io::InputFormat::Auto, "x.csv");
  REQUIRE(split_csv.reader);
}

TEST_CASE("the writers format numbers exactly as Decimal::to_string", "[io][format]") {
  std::vector<pol::Decimal> values;
  for (const char* text : {"0", "-0", "0.00", "1", "-1", "10", "1.50", "350", "0.125", "-0.05", "0.000001",
                           "123456789012345678", "18446744073709551615", "18446744073709551616",
                           "-18446744073709551615", "-18446744073709551616", "99999999999999999999.99",
                           "0.000000000000000000000000000001", "170141183460469231731687303715884105727",
                           "1234567890.1234567890123456789"})
    values.push_back(*pol::Decimal::parse(text));
  values.push_back(pol::Decimal::from_scaled(5, 30));
  values.push_back(*pol::Decimal::parse("170141183460469231731687303715884105727") * pol::Decimal::from_int(1000));
  values.push_back(-values.back());
  values.push_back(pol::Decimal::divide(pol::Decimal::from_int(2), pol::Decimal::from_int(3)));
  for (const auto& v : values) {
    for (int min_scale : {-1, 0, 2, 5}) {
      std::string out = "x";
      pol::io::detail::append_decimal(out, v, min_scale);
      CHECK(out == "x" + v.to_string(min_scale));
    }
  }
}
