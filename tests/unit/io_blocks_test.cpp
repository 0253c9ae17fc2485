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

// Everything a reader gives, as text: one line per record, error and warning. A block reader's
// text in the block is checked to be what raw_text() gives (pol run keeps only that view).
std::string describe(pol::io::RecordReader& reader) {
  std::string out;
  pol::io::ReadResult item;
  while (reader.next(item)) {
    if (auto* blocks = dynamic_cast<pol::io::LineBlockReader*>(&reader); blocks && std::holds_alternative<pol::Record>(item))
      CHECK(pol::io::cut_raw_text(blocks->raw_text_in_block()) == reader.raw_text());
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

TEST_CASE("a record's text in the rejects file is cut at 4 KiB on a character boundary", "[io][blocks]") {
  CHECK(pol::io::cut_raw_text("{\"id\": \"a\"}") == "{\"id\": \"a\"}");
  const std::string exactly(4096, 'x');
  CHECK(pol::io::cut_raw_text(exactly) == exactly);
  // "é" (2 bytes) straddling byte 4096: cut before it, never inside it.
  const std::string straddling = std::string(4095, 'x') + "\xC3\xA9" + "tail";
  CHECK(pol::io::cut_raw_text(straddling) == std::string(4095, 'x') + "...");
  // The line block reader gives the long line whole in the block, and raw_text() cut.
  auto compiled = pol::compile_source("blocks.pol", kPolicy);
  REQUIRE(compiled.policy);
  const std::string line = "{\"id\": \"" + std::string(5000, 'i') + "\", \"members\": [{\"age\": 40}]}";
  pol::io::LineBlock block;
  block.text = line + "\n";
  block.lines = 1;
  auto reader = pol::io::open_line_block_reader(*compiled.policy);
  reader->reset(block);
  pol::io::ReadResult item;
  REQUIRE(reader->next(item));
  REQUIRE(std::holds_alternative<pol::Record>(item));
  CHECK(reader->raw_text_in_block() == line);
  CHECK(reader->raw_text() == line.substr(0, 4096) + "...");
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

TEST_CASE("plain numbers are read as parse_value reads them", "[io][numbers]") {
  auto compiled = pol::compile_source("numbers.pol", R"(policy "numbers"
entity Household {
  input m: money = $0
  input d: decimal = 0
  input i: integer = 0
  input r: rate = 0%
}
output Household.total: money = m
)");
  REQUIRE(compiled.policy);
  const pol::Policy& policy = *compiled.policy;
  const auto& schema = policy.entities()[static_cast<std::size_t>(policy.root_entity())];
  const std::vector<std::string> texts = {"0", "-0", "0.00", "-0.00", "7", "-7", "10.5", "71787.07", "0.125",
                                          "007", "007.50", "123456789012345678", "1234567890123456789",
                                          "-99999999999999999.9", "999999999999999999.99",
                                          "12345678901234567890123456789012345678901", "1.", ".5", "1e3",
                                          "-", "1.2.3", "+5"};
  for (const std::string& text : texts) {
    for (bool quoted : {false, true}) {
      std::string line = "{\"id\": \"x\"";
      for (const char* field : {"m", "d", "i", "r"})
        line += std::string(", \"") + field + "\": " + (quoted ? "\"" + text + "\"" : text);
      line += "}\n";
      std::istringstream in(line);
      auto reader = pol::io::open_reader(policy, in, pol::io::InputFormat::JsonLines, "numbers.jsonl");
      pol::io::ReadResult item;
      REQUIRE(reader->next(item));
      for (const auto& input : schema.inputs) {
        // The slow path: what a record read field by field without the fast path would hold.
        std::string plain = text;
        if (!quoted) {
          auto p = pol::io::detail::json_number_to_plain(text);
          if (!p) continue;  // not a JSON number: the line is broken
          plain = *p;
        }
        auto expected = pol::parse_value(input.type, plain, policy.enums(), nullptr);
        INFO("text " << text << (quoted ? " (string)" : " (number)") << ", input " << input.name);
        if (const auto* record = std::get_if<pol::Record>(&item)) {
          const auto& slot = record->root.inputs[static_cast<std::size_t>(schema.input_index(input.name))];
          REQUIRE(expected.has_value());
          REQUIRE(slot.has_value());
          CHECK(slot->number.to_string() == expected->number.to_string());
          CHECK(slot->number.scale() == expected->number.scale());
        } else {
          // A rejected record: some input refused the text, as parse_value does.
          bool any_refused = false;
          for (const auto& other : schema.inputs)
            if (!pol::parse_value(other.type, plain, policy.enums(), nullptr)) any_refused = true;
          CHECK((any_refused || !quoted));
        }
      }
    }
  }
}
