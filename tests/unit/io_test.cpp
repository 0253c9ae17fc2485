// Readers (JSON, JSON lines, CSV) and writers (CSV, JSON lines, rejects) on hand-built policies.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <tuple>

#include "eval/program.hpp"
#include "pol/io.hpp"
#include "pol/period.hpp"
#include "pol/policy.hpp"

using pol::Decimal;
using pol::Type;
using pol::TypeKind;
using pol::io::InputFormat;
using pol::io::ReadResult;
using pol::Record;
using pol::io::RecordError;
using pol::io::RecordWarning;

namespace {

pol::InputSchema input(std::string name, Type type, bool has_default = false) {
  pol::InputSchema in;
  in.name = std::move(name);
  in.type = type;
  in.has_default = has_default;
  return in;
}

pol::OutputSchema output(std::string name, Type type) {
  pol::OutputSchema out;
  out.name = std::move(name);
  out.type = type;
  return out;
}

pol::detail::Entity entity(std::string name, std::vector<pol::InputSchema> inputs,
                           std::vector<pol::CollectionSchema> collections, int parent) {
  pol::detail::Entity e;
  e.schema = pol::EntitySchema{std::move(name), std::move(inputs), std::move(collections), parent};
  return e;
}

// Person (index 0) in Household (index 1).members, like the unemployment insurance example.
std::shared_ptr<pol::Policy> make_policy() {
  auto program = std::make_shared<pol::detail::Program>();
  program->title = "test";
  program->enums = {pol::EnumInfo{"SeparationReason", {"layoff", "end_of_contract", "misconduct"}}};
  program->entities.push_back(entity("Person",
                                     {input("employed", {TypeKind::Boolean}),
                                      input("separation_reason", {TypeKind::Enum, 0}),
                                      input("weeks_worked", {TypeKind::Integer}),
                                      input("weekly_wage", {TypeKind::Money}),
                                      input("dependants", {TypeKind::Integer}, true),
                                      input("hired_on", {TypeKind::Date}),
                                      input("name", {TypeKind::Text})},
                                     {}, 1));
  program->entities.push_back(entity("Household",
                                     {input("region_rate", {TypeKind::Rate}),
                                      input("postcode", {TypeKind::Text}),
                                      input("adjustment", {TypeKind::Decimal})},
                                     {pol::CollectionSchema{"members", 0}}, -1));
  program->root_entity = 1;
  program->outputs = {output("total", {TypeKind::Money}),     output("count", {TypeKind::Integer}),
                      output("flag", {TypeKind::Boolean}),    output("note", {TypeKind::Text}),
                      output("on", {TypeKind::Date}),         output("reason", {TypeKind::Enum, 0}),
                      output("ratio", {TypeKind::Rate}),      output("average", {TypeKind::Decimal})};
  return std::make_shared<pol::Policy>(program);
}

// Household -> members (Person) -> jobs (Job): two levels of collections.
std::shared_ptr<pol::Policy> make_nested_policy() {
  auto program = std::make_shared<pol::detail::Program>();
  program->entities.push_back(entity("Job", {input("wage", {TypeKind::Money})}, {}, 1));
  program->entities.push_back(
      entity("Person", {input("age", {TypeKind::Integer})}, {pol::CollectionSchema{"jobs", 0}}, 2));
  program->entities.push_back(
      entity("Household", {input("size", {TypeKind::Integer})}, {pol::CollectionSchema{"members", 1}}, -1));
  program->root_entity = 2;
  return std::make_shared<pol::Policy>(program);
}

// Both entities have an input "age".
std::shared_ptr<pol::Policy> make_shared_name_policy() {
  auto program = std::make_shared<pol::detail::Program>();
  program->entities.push_back(
      entity("Person", {input("age", {TypeKind::Integer}), input("wage", {TypeKind::Money})}, {}, 1));
  program->entities.push_back(
      entity("Household", {input("age", {TypeKind::Integer})}, {pol::CollectionSchema{"members", 0}}, -1));
  program->root_entity = 1;
  return std::make_shared<pol::Policy>(program);
}

// Input indices of make_policy().
enum PersonInput { kEmployed, kReason, kWeeks, kWage, kDependants, kHiredOn, kName };
enum HouseholdInput { kRegionRate, kPostcode, kAdjustment };

struct ReadAll {
  std::vector<ReadResult> results;
  std::vector<RecordWarning> warnings;
};

ReadAll read_all(const pol::Policy& policy, const std::string& text, InputFormat format,
                 const std::string& name = "input") {
  std::istringstream in(text);
  auto reader = pol::io::open_reader(policy, in, format, name);
  ReadAll all;
  ReadResult result;
  while (reader->next(result)) {
    all.results.push_back(result);
    for (auto& w : reader->take_warnings()) all.warnings.push_back(w);
    REQUIRE(all.results.size() < 1000);
  }
  for (auto& w : reader->take_warnings()) all.warnings.push_back(w);
  return all;
}

const Record& as_record(const ReadResult& result) {
  if (auto* error = std::get_if<RecordError>(&result))
    FAIL("expected a record, got an error: " << error->record << " / " << error->field << " / " << error->message);
  return std::get<Record>(result);
}

const RecordError& as_error(const ReadResult& result) {
  if (auto* record = std::get_if<Record>(&result)) FAIL("expected an error, got record " << record->id);
  return std::get<RecordError>(result);
}

Decimal dec(std::string_view text) {
  auto d = Decimal::parse(text);
  REQUIRE(d);
  return *d;
}

// The number in `slot` is exactly `expected`, with the same scale (digits after the point).
void check_number(const std::optional<pol::Value>& slot, std::string_view expected) {
  INFO("expected " << expected);
  REQUIRE(slot);
  CHECK(slot->number == dec(expected));
  CHECK(slot->number.scale() == dec(expected).scale());
}

// One JSON-lines record (or error) from a single line.
ReadResult one_line(const pol::Policy& policy, const std::string& line) {
  auto all = read_all(policy, line + "\n", InputFormat::JsonLines);
  REQUIRE(all.results.size() == 1);
  return all.results[0];
}

// The record of a single JSON line (a copy: the result is a temporary).
Record line_record(const pol::Policy& policy, const std::string& line) {
  ReadResult result = one_line(policy, line);
  return as_record(result);
}

RecordError line_error_of(const pol::Policy& policy, const std::string& line) {
  ReadResult result = one_line(policy, line);
  return as_error(result);
}

// The error of a single JSON line, checked to name `field`.
std::string line_error(const pol::Policy& policy, const std::string& line, const std::string& field) {
  INFO(line);
  const RecordError e = line_error_of(policy, line);
  CHECK(e.field == field);
  CHECK(e.raw == line);
  return e.message;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// JSON lines

TEST_CASE("jsonl: records with members and every type", "[io][json]") {
  auto policy = make_policy();
  const std::string text =
      R"({"id":"h1","region_rate":"5.5%","postcode":"K1A 0B1","adjustment":-12.5,"members":[)"
      R"({"employed":false,"separation_reason":"layoff","weeks_worked":30,"weekly_wage":"$1,234.56","hired_on":"2020-02-29","name":"Ann \"A\" \u00e9"},)"
      R"({"employed":true,"weekly_wage":350}]})"
      "\r\n"
      "\n"
      "   \n"
      R"({"id":"h2","members":[]})"
      "\n";
  auto all = read_all(*policy, text, InputFormat::JsonLines);
  REQUIRE(all.results.size() == 2);
  CHECK(all.warnings.empty());

  const Record& h1 = as_record(all.results[0]);
  CHECK(h1.id == "h1");
  check_number(h1.root.inputs[kRegionRate], "0.055");
  REQUIRE(h1.root.inputs[kPostcode]);
  CHECK(h1.root.inputs[kPostcode]->text == "K1A 0B1");
  check_number(h1.root.inputs[kAdjustment], "-12.5");
  REQUIRE(h1.root.collections.size() == 1);
  const auto& members = h1.root.collections[0];
  REQUIRE(members.size() == 2);
  REQUIRE(members[0].inputs[kEmployed]);
  CHECK_FALSE(members[0].inputs[kEmployed]->as_bool());
  REQUIRE(members[0].inputs[kReason]);
  CHECK(members[0].inputs[kReason]->scalar == 0);
  check_number(members[0].inputs[kWeeks], "30");
  check_number(members[0].inputs[kWage], "1234.56");
  CHECK_FALSE(members[0].inputs[kDependants]);  // not given: the evaluator applies the default
  REQUIRE(members[0].inputs[kHiredOn]);
  CHECK(members[0].inputs[kHiredOn]->as_date() == *pol::Date::parse("2020-02-29"));
  REQUIRE(members[0].inputs[kName]);
  CHECK(members[0].inputs[kName]->text == "Ann \"A\" \xC3\xA9");
  REQUIRE(members[1].inputs[kEmployed]);
  CHECK(members[1].inputs[kEmployed]->as_bool());
  check_number(members[1].inputs[kWage], "350");
  CHECK_FALSE(members[1].inputs[kReason]);

  const Record& h2 = as_record(all.results[1]);
  CHECK(h2.id == "h2");
  CHECK(h2.root.collections[0].empty());
  CHECK_FALSE(h2.root.inputs[kRegionRate]);
}

TEST_CASE("jsonl: numbers come from their exact source text", "[io][json]") {
  auto policy = make_policy();
  const Record r = line_record(
      *policy,
      R"({"adjustment":0.1,"region_rate":1.5E-2,"members":[{"weekly_wage":12345678901234567890.12},)"
      R"({"weekly_wage":1e3},{"weekly_wage":-0.30},{"weekly_wage":2.5e+1,"weeks_worked":4E2}]})");
  // 0.1 exactly, not 0.1000000000000000055511151231257827 (the nearest double).
  check_number(r.root.inputs[kAdjustment], "0.1");
  check_number(r.root.inputs[kRegionRate], "0.015");
  const auto& m = r.root.collections[0];
  REQUIRE(m.size() == 4);
  check_number(m[0].inputs[kWage], "12345678901234567890.12");
  check_number(m[1].inputs[kWage], "1000");
  REQUIRE(m[2].inputs[kWage]);
  CHECK(m[2].inputs[kWage]->number == dec("-0.3"));
  CHECK(m[2].inputs[kWage]->number.scale() == 2);  // -0.30 as written
  check_number(m[3].inputs[kWage], "25");
  check_number(m[3].inputs[kWeeks], "400");
}

TEST_CASE("jsonl: strings for numeric fields go through the text forms", "[io][json]") {
  auto policy = make_policy();
  const Record r = line_record(
      *policy, R"({"region_rate":"0.065","members":[{"weekly_wage":"-$3"},{"weekly_wage":"£1,000.5"},{"weeks_worked":"12"}]})");
  check_number(r.root.inputs[kRegionRate], "0.065");
  check_number(r.root.collections[0][0].inputs[kWage], "-3");
  check_number(r.root.collections[0][1].inputs[kWage], "1000.5");
  check_number(r.root.collections[0][2].inputs[kWeeks], "12");
}

TEST_CASE("jsonl: ids", "[io][json]") {
  auto policy = make_policy();
  auto all = read_all(*policy, "{\"id\":17}\n\n{\"members\":[]}\n{\"id\":\"x y\"}\n{\"id\":null}\n",
                      InputFormat::JsonLines);
  REQUIRE(all.results.size() == 4);
  CHECK(as_record(all.results[0]).id == "17");
  CHECK(as_record(all.results[1]).id == "line 3");  // no id: the line number
  CHECK(as_record(all.results[2]).id == "x y");
  CHECK(as_record(all.results[3]).id == "line 5");

  CHECK(line_error(*policy, R"({"id":true})", "id") == "expected a string or a whole number as the id, got true");
  CHECK(line_error(*policy, R"({"id":1.5})", "id") == "expected a string or a whole number as the id, got 1.5");
  CHECK(line_error(*policy, R"({"id":{"a":1}})", "id") ==
        "expected a string or a whole number as the id, got an object");
  CHECK(line_error(*policy, R"({"id":""})", "id") == "the id is empty");
}

TEST_CASE("jsonl: null and missing fields are simply not given", "[io][json]") {
  auto policy = make_policy();
  const Record r = line_record(*policy, R"({"region_rate":null,"members":null})");
  CHECK_FALSE(r.root.inputs[kRegionRate]);
  CHECK(r.root.collections[0].empty());
  const Record s = line_record(*policy, R"({"members":[{}, {"weekly_wage":null}]})");
  REQUIRE(s.root.collections[0].size() == 2);
  CHECK_FALSE(s.root.collections[0][1].inputs[kWage]);
}

TEST_CASE("jsonl: wrong types and bad values are errors naming record and field", "[io][json]") {
  auto policy = make_policy();
  const auto& P = *policy;
  CHECK(line_error(P, R"({"id":"h1","members":[{"weekly_wage":true}]})", "members[1].weekly_wage") ==
        "expected an amount of money such as 1234.56 or $1,234.56, got true");
  CHECK(line_error(P, R"({"members":[{},{"weekly_wage":"12,34"}]})", "members[2].weekly_wage") ==
        "expected an amount of money such as 1234.56 or $1,234.56, got \"12,34\"");
  CHECK(line_error(P, R"({"members":[{"separation_reason":"fired"}]})", "members[1].separation_reason") ==
        "expected one of layoff, end_of_contract, misconduct, got \"fired\"");
  CHECK(line_error(P, R"({"members":[{"separation_reason":2}]})", "members[1].separation_reason") ==
        "expected one of layoff, end_of_contract, misconduct, got 2");
  CHECK(line_error(P, R"({"region_rate":{"x":1}})", "region_rate") ==
        "expected a rate such as 0.055 or 5.5%, got an object");
  CHECK(line_error(P, R"({"region_rate":[5]})", "region_rate") ==
        "expected a rate such as 0.055 or 5.5%, got an array");
  CHECK(line_error(P, R"({"members":[{"weeks_worked":3.0}]})", "members[1].weeks_worked") ==
        "expected a whole number such as 42, got 3.0");
  CHECK(line_error(P, R"({"members":[{"weeks_worked":"3.5"}]})", "members[1].weeks_worked") ==
        "expected a whole number such as 42, got \"3.5\"");
  CHECK(line_error(P, R"({"members":[{"employed":"true"}]})", "members[1].employed") ==
        "expected true or false, got \"true\" (write true or false without quotes)");
  CHECK(line_error(P, R"({"members":[{"employed":1}]})", "members[1].employed") == "expected true or false, got 1");
  CHECK(line_error(P, R"({"members":[{"name":12}]})", "members[1].name") == "expected text (a JSON string), got 12");
  CHECK(line_error(P, R"({"members":[{"hired_on":"2026-02-30"}]})", "members[1].hired_on") ==
        "expected a date written YYYY-MM-DD such as 2026-03-01, got \"2026-02-30\"");
  CHECK(line_error(P, R"({"members":[{"hired_on":20260301}]})", "members[1].hired_on") ==
        "expected a date written YYYY-MM-DD such as 2026-03-01, got 20260301");
  CHECK(line_error(P, R"({"members":[{},5]})", "members[2]") == "expected a Person object, got 5");
  CHECK(line_error(P, R"({"members":[[1]]})", "members[1]") == "expected a Person object, got an array");
  CHECK(line_error(P, R"({"members":{"employed":true}})", "members") ==
        "expected an array of Person objects, got an object");
  CHECK(line_error(P, R"({"members":"none"})", "members") == "expected an array of Person objects, got \"none\"");
  CHECK(line_error(P, R"({"postcode":"a","postcode":"b"})", "postcode") == "the field is given twice");
  CHECK(line_error(P, R"({"adjustment":1e99999})", "adjustment") ==
        "expected a number such as -12.5, got 1e99999");
  CHECK(line_error(P, R"([{"id":"h1"}])", "") == "expected a JSON object (one household), got an array");
  CHECK(line_error(P, R"("h1")", "") == "expected a JSON object (one household), got \"h1\"");
}

TEST_CASE("jsonl: broken JSON is an error for that line only", "[io][json]") {
  auto policy = make_policy();
  const std::string text =
      "{\"id\":\"h1\"}\n"
      "{\"id\":\"h2\",\"members\":[}\n"
      "{\"id\":\"h3\",\"postcode\":\"unclosed}\n"
      "{\"id\":\"h4\" \"postcode\":\"x\"}\n"
      "{\"id\":\"h5\",\"members\":[{\"employed\":tru}]}\n"
      "{\"id\":\"h6\",\"members\":[{\"weeks_worked\":01}]}\n"
      "{\"id\":\"h7\"}}\n"
      "{\"id\":\"h8\",\"members\":[{\"employed\":True}]}\n"
      "{\"id\":\"h9\",\"unknown\":[1,-]}\n"
      "{\"id\":\"h10\"}\n";
  auto all = read_all(*policy, text, InputFormat::JsonLines);
  REQUIRE(all.results.size() == 10);
  CHECK(as_record(all.results[0]).id == "h1");
  CHECK(as_record(all.results[9]).id == "h10");
  for (std::size_t i = 1; i < 9; ++i) {
    const RecordError& e = as_error(all.results[i]);
    INFO(e.record << ": " << e.message);
    CHECK(e.record.rfind("line " + std::to_string(i + 1), 0) == 0);
    CHECK(e.message.rfind("broken JSON", 0) == 0);
  }
  const RecordError& h2 = as_error(all.results[1]);
  CHECK(h2.field == "");
  CHECK(h2.raw == "{\"id\":\"h2\",\"members\":[}");
  CHECK(h2.message ==
        "broken JSON at column 23 (near \"}\"): misplaced or missing comma, colon, quote, bracket or brace");
  CHECK(as_error(all.results[2]).message == "broken JSON: a string is not closed (missing \")");
  CHECK(as_error(all.results[3]).message.find("at column 12") != std::string::npos);
  CHECK(as_error(all.results[4]).message ==
        "broken JSON: invalid value tru (true, false and null are lowercase; strings need quotes)");
  CHECK(as_error(all.results[4]).field == "members[1].employed");
  CHECK(as_error(all.results[4]).record == "line 5 (id \"h5\")");
  CHECK(as_error(all.results[5]).message == "broken JSON: invalid number 01");
  CHECK(as_error(all.results[6]).message ==
        "broken JSON at column 12 (near \"}\"): unexpected text after the end of the object");
  CHECK(as_error(all.results[8]).field == "unknown");
}

TEST_CASE("jsonl: absurdly deep nesting is refused, not a crash", "[io][json]") {
  auto policy = make_policy();
  const std::string deep = "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto all = read_all(*policy, deep + "\n{\"id\":\"ok\"}\n", InputFormat::JsonLines);
  REQUIRE(all.results.size() == 2);
  CHECK(as_error(all.results[0]).message ==
        "unsupported JSON at column 205 (near \"[[[[[[[[[[[[[[[[[[[[[[[[\"): objects and arrays are nested "
        "more than 200 levels deep");
  CHECK(as_record(all.results[1]).id == "ok");
  auto array = read_all(*policy, "[" + deep + ",{\"id\":\"ok\"}]", InputFormat::Json);
  REQUIRE(array.results.size() == 2);
  CHECK(as_record(array.results[1]).id == "ok");
}

TEST_CASE("jsonl: the error names the record by id even when the id comes last", "[io][json]") {
  auto policy = make_policy();
  auto all = read_all(*policy, "\n{\"members\":[{\"weekly_wage\":true}],\"id\":\"h9\"}\n", InputFormat::JsonLines);
  REQUIRE(all.results.size() == 1);
  const RecordError& e = as_error(all.results[0]);
  CHECK(e.record == "line 2 (id \"h9\")");
  CHECK(e.field == "members[1].weekly_wage");
}

TEST_CASE("jsonl: unknown fields are warnings and the record is kept", "[io][json]") {
  auto policy = make_policy();
  std::istringstream in(
      "{\"id\":\"h1\",\"colour\":\"red\",\"members\":[{\"nickname\":{\"a\":[1,2]},\"weeks_worked\":3}]}\n"
      "{\"id\":\"h2\"}\n");
  auto reader = pol::io::open_reader(*policy, in, InputFormat::JsonLines, "in.jsonl");
  ReadResult result;
  REQUIRE(reader->next(result));
  const Record& r = as_record(result);
  check_number(r.root.collections[0][0].inputs[kWeeks], "3");
  auto warnings = reader->take_warnings();
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].record == "line 1 (id \"h1\")");
  CHECK(warnings[0].field == "colour");
  CHECK(warnings[0].message == "unknown field ignored");
  CHECK(warnings[1].field == "members[1].nickname");
  CHECK(reader->take_warnings().empty());
  REQUIRE(reader->next(result));
  CHECK(as_record(result).id == "h2");
  CHECK(reader->take_warnings().empty());
  CHECK_FALSE(reader->next(result));
}

TEST_CASE("jsonl: the raw input of a rejected record is kept, cut at 4 KiB", "[io][json]") {
  auto policy = make_policy();
  const std::string line = "{\"postcode\":\"" + std::string(5000, 'x') + "\",\"region_rate\":\"lots\"}";
  const RecordError e = line_error_of(*policy, line);
  CHECK(e.field == "region_rate");
  CHECK(e.raw.size() == 4096 + 3);
  CHECK(e.raw.substr(0, 4096) == line.substr(0, 4096));
  CHECK(e.raw.substr(4096) == "...");
}

TEST_CASE("json: members of members (nested collections)", "[io][json]") {
  auto policy = make_nested_policy();
  const Record r = line_record(
      *policy, R"({"size":2,"members":[{"age":40,"jobs":[{"wage":"100.10"},{"wage":5}]},{"age":7}]})");
  const auto& members = r.root.collections[0];
  REQUIRE(members.size() == 2);
  REQUIRE(members[0].collections[0].size() == 2);
  check_number(members[0].collections[0][0].inputs[0], "100.10");
  check_number(members[0].collections[0][1].inputs[0], "5");
  CHECK(members[1].collections[0].empty());
  CHECK(line_error(*policy, R"({"members":[{"age":40},{"jobs":[{"wage":"x"}]}]})", "members[2].jobs[1].wage") ==
        "expected an amount of money such as 1234.56 or $1,234.56, got \"x\"");
}

// ---------------------------------------------------------------------------------------------
// JSON arrays

TEST_CASE("json array: records, default ids, broken elements", "[io][json]") {
  auto policy = make_policy();
  const std::string text =
      "[\n"                                             // line 1
      "  {\"id\": \"h1\", \"region_rate\": 0.05},\n"    // line 2
      "  {\"members\": [{\"weekly_wage\": 0.1}]},\n"    // line 3: no id -> "record 2"
      "  {\"id\": \"h3\",\n"                            // line 4
      "   \"postcode\" \"K1A\"},\n"                     // line 5: missing colon
      "  {\"id\": \"h4\", \"region_rate\": \"x\"},\n"   // line 6
      "  {\"id\": \"h5\"}\n"                            // line 7
      "]\n";
  auto all = read_all(*policy, text, InputFormat::Json);
  REQUIRE(all.results.size() == 5);
  CHECK(as_record(all.results[0]).id == "h1");
  const Record& second = as_record(all.results[1]);
  CHECK(second.id == "record 2");
  check_number(second.root.collections[0][0].inputs[kWage], "0.1");
  const RecordError& broken = as_error(all.results[2]);
  CHECK(broken.record == "record 3 (id \"h3\", line 4)");
  CHECK(broken.message ==
        "broken JSON at line 5, column 15 (near \"\\\"K1A\\\"}\"): misplaced or missing comma, colon, quote, "
        "bracket or brace");
  CHECK(broken.raw == "{\"id\": \"h3\",\n   \"postcode\" \"K1A\"}");
  const RecordError& bad = as_error(all.results[3]);
  CHECK(bad.record == "record 4 (id \"h4\", line 6)");
  CHECK(bad.field == "region_rate");
  CHECK(as_record(all.results[4]).id == "h5");
}

TEST_CASE("json array: structure problems are reported and reading goes on", "[io][json]") {
  auto policy = make_policy();
  SECTION("missing comma between elements") {
    auto all = read_all(*policy, "[{\"id\":\"a\"}\n {\"id\":\"b\"}]", InputFormat::Json);
    REQUIRE(all.results.size() == 3);
    CHECK(as_record(all.results[0]).id == "a");
    CHECK(as_error(all.results[1]).record == "line 2");
    CHECK(as_error(all.results[1]).message == "missing comma between array elements");
    CHECK(as_record(all.results[2]).id == "b");
  }
  SECTION("trailing comma") {
    auto all = read_all(*policy, "[{\"id\":\"a\"},\n]", InputFormat::Json);
    REQUIRE(all.results.size() == 2);
    CHECK(as_record(all.results[0]).id == "a");
    CHECK(as_error(all.results[1]).message == "extra comma before the closing ] of the array");
    CHECK(as_error(all.results[1]).record == "line 1");
  }
  SECTION("two commas") {
    auto all = read_all(*policy, "[{\"id\":\"a\"},,{\"id\":\"b\"}]", InputFormat::Json);
    REQUIRE(all.results.size() == 3);
    CHECK(as_error(all.results[1]).message == "missing array element before this comma (two commas in a row?)");
    CHECK(as_record(all.results[2]).id == "b");
    CHECK(as_record(all.results[2]).id == "b");
  }
  SECTION("element with a missing closing bracket") {
    auto all = read_all(*policy, "[{\"id\":\"a\",\"members\":[{}},\n{\"id\":\"b\"}]", InputFormat::Json);
    REQUIRE(all.results.size() == 2);
    CHECK(as_error(all.results[0]).record == "record 1 (id \"a\", line 1)");
    CHECK(as_error(all.results[0]).message.rfind("broken JSON at line 1, column ", 0) == 0);
    CHECK(as_record(all.results[1]).id == "b");
  }
  SECTION("an unclosed string is contained to its line") {
    auto all = read_all(*policy, "[{\"id\":\"a\",\"postcode\":\"x},\n{\"id\":\"b\"}]", InputFormat::Json);
    REQUIRE(all.results.size() == 2);
    CHECK(as_error(all.results[0]).message.rfind("broken JSON", 0) == 0);
    CHECK(as_record(all.results[1]).id == "b");
  }
  SECTION("unclosed array") {
    auto all = read_all(*policy, "[{\"id\":\"a\"},\n{\"id\":\"b\"}\n", InputFormat::Json);
    REQUIRE(all.results.size() == 3);
    CHECK(as_record(all.results[1]).id == "b");
    CHECK(as_error(all.results[2]).message == "the array is not closed: ] is missing at the end");
    CHECK(as_error(all.results[2]).record == "end of input (line 3)");
  }
  SECTION("text after the array") {
    auto all = read_all(*policy, "[{\"id\":\"a\"}]\n\nmore", InputFormat::Json);
    REQUIRE(all.results.size() == 2);
    CHECK(as_error(all.results[1]).message == "unexpected text after the closing ] of the array");
    CHECK(as_error(all.results[1]).record == "line 3");
    CHECK(as_error(all.results[1]).raw == "more");
  }
  SECTION("not an array") {
    auto all = read_all(*policy, "{\"id\":\"a\"}", InputFormat::Json);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message ==
          "expected a JSON array of household objects: the input should start with [");
  }
  SECTION("empty array and empty input") {
    CHECK(read_all(*policy, " [ ] ", InputFormat::Json).results.empty());
    CHECK(read_all(*policy, "", InputFormat::Json).results.empty());
  }
  SECTION("an element that is not an object") {
    auto all = read_all(*policy, "[1, \"x\", {\"id\":\"c\"}]", InputFormat::Json);
    REQUIRE(all.results.size() == 3);
    CHECK(as_error(all.results[0]).message == "expected a JSON object (one household), got 1");
    CHECK(as_error(all.results[1]).record == "record 2 (line 1)");
    CHECK(as_record(all.results[2]).id == "c");
  }
  SECTION("brackets inside strings do not confuse the splitter") {
    auto all = read_all(*policy, R"([{"id":"a],[}{\"","postcode":"]"},{"id":"b"}])", InputFormat::Json);
    REQUIRE(all.results.size() == 2);
    CHECK(as_record(all.results[0]).id == "a],[}{\"");
    CHECK(as_record(all.results[1]).id == "b");
  }
}

TEST_CASE("auto format: by file name, then by the first character", "[io]") {
  auto policy = make_policy();
  auto array = read_all(*policy, "\n\n  [{\"postcode\":\"x\"},{\"postcode\":}]", InputFormat::Auto, "in.json");
  REQUIRE(array.results.size() == 2);
  CHECK(as_record(array.results[0]).id == "record 1");
  // Lines skipped while detecting still count.
  CHECK(as_error(array.results[1]).message.rfind("broken JSON at line 3, column ", 0) == 0);

  auto lines = read_all(*policy, "\n{\"postcode\":\"x\"}\n{\"postcode\":\"y\"}\n", InputFormat::Auto, "in.json");
  REQUIRE(lines.results.size() == 2);
  CHECK(as_record(lines.results[0]).id == "line 2");
  CHECK(as_record(lines.results[1]).id == "line 3");
  // Columns too: the blanks before the first object were consumed while detecting.
  auto indented = read_all(*policy, "\n   {\"postcode\" 1}\n", InputFormat::Auto, "-");
  REQUIRE(indented.results.size() == 1);
  CHECK(as_error(indented.results[0]).record == "line 2");
  CHECK(as_error(indented.results[0]).message.rfind("broken JSON at column 16 ", 0) == 0);

  auto csv = read_all(*policy, "household_id,postcode\nh1,x\n", InputFormat::Auto, "data/IN.CSV");
  REQUIRE(csv.results.size() == 1);
  CHECK(as_record(csv.results[0]).id == "h1");
}

// ---------------------------------------------------------------------------------------------
// CSV

TEST_CASE("csv: one row per person, grouped by household id", "[io][csv]") {
  auto policy = make_policy();
  const std::string text =
      "household_id,region_rate,postcode,employed,separation_reason,weekly_wage,name\r\n"
      "h1,5%,K1A 0B1,false,layoff,\"$1,234.56\",\"Smith, \"\"Jr\"\"\"\r\n"
      "h1,0.05,,true,, 350 ,\"two\nlines\"\r\n"
      "h2,6.5%,,,,,\r\n"
      "\r\n"
      ",,,,,,\r\n"
      "h3,,,true,misconduct,0.10,\r\n";
  auto all = read_all(*policy, text, InputFormat::Csv, "in.csv");
  REQUIRE(all.results.size() == 3);
  CHECK(all.warnings.empty());

  const Record& h1 = as_record(all.results[0]);
  CHECK(h1.id == "h1");
  check_number(h1.root.inputs[kRegionRate], "0.05");
  REQUIRE(h1.root.inputs[kPostcode]);
  CHECK(h1.root.inputs[kPostcode]->text == "K1A 0B1");
  const auto& m = h1.root.collections[0];
  REQUIRE(m.size() == 2);
  CHECK_FALSE(m[0].inputs[kEmployed]->as_bool());
  CHECK(m[0].inputs[kReason]->scalar == 0);
  check_number(m[0].inputs[kWage], "1234.56");
  CHECK(m[0].inputs[kName]->text == "Smith, \"Jr\"");
  CHECK(m[1].inputs[kEmployed]->as_bool());
  CHECK_FALSE(m[1].inputs[kReason]);
  check_number(m[1].inputs[kWage], "350");
  CHECK(m[1].inputs[kName]->text == "two\nlines");

  const Record& h2 = as_record(all.results[1]);  // member cells all empty: no members
  CHECK(h2.id == "h2");
  check_number(h2.root.inputs[kRegionRate], "0.065");
  CHECK(h2.root.collections[0].empty());

  const Record& h3 = as_record(all.results[2]);
  CHECK_FALSE(h3.root.inputs[kRegionRate]);
  REQUIRE(h3.root.collections[0].size() == 1);
  check_number(h3.root.collections[0][0].inputs[kWage], "0.10");
}

TEST_CASE("csv: `id` works as the household id column", "[io][csv]") {
  auto policy = make_policy();
  auto all = read_all(*policy, "id,weekly_wage\na,1\na,2\nb,3\n", InputFormat::Csv);
  REQUIRE(all.results.size() == 2);
  CHECK(as_record(all.results[0]).root.collections[0].size() == 2);
  CHECK(as_record(all.results[1]).id == "b");
}

TEST_CASE("csv: a name in both entities must be qualified", "[io][csv]") {
  auto policy = make_shared_name_policy();
  auto bad = read_all(*policy, "household_id,age,wage\nh1,3,4\n", InputFormat::Csv);
  REQUIRE(bad.results.size() == 1);
  const RecordError& e = as_error(bad.results[0]);
  CHECK(e.record == "header (line 1)");
  CHECK(e.field == "age");
  CHECK(e.message ==
        "column \"age\" is ambiguous: both Household and Person have an input age; write household.age or person.age");

  auto good = read_all(*policy, "household_id,Household.age,person.age,wage\nh1,40,12,4\nh1,40,9,\n", InputFormat::Csv);
  REQUIRE(good.results.size() == 1);
  const Record& r = as_record(good.results[0]);
  check_number(r.root.inputs[0], "40");
  REQUIRE(r.root.collections[0].size() == 2);
  check_number(r.root.collections[0][0].inputs[0], "12");
  check_number(r.root.collections[0][1].inputs[0], "9");
  CHECK_FALSE(r.root.collections[0][1].inputs[1]);
}

TEST_CASE("csv: household values must agree across the household's rows", "[io][csv]") {
  auto policy = make_policy();
  const std::string text =
      "household_id,region_rate,weekly_wage\n"
      "h1,5%,1\n"
      "h1,0.050,2\n"   // the same rate, written differently
      "h1,,3\n"        // empty: fine
      "h2,5%,1\n"
      "h2,6%,2\n"      // line 6: different
      "h3,7%,1\n";
  auto all = read_all(*policy, text, InputFormat::Csv);
  REQUIRE(all.results.size() == 3);
  CHECK(as_record(all.results[0]).root.collections[0].size() == 3);
  const RecordError& e = as_error(all.results[1]);
  CHECK(e.record == "household \"h2\" (line 5)");
  CHECK(e.field == "region_rate");
  CHECK(e.message == "line 6, column region_rate: \"6%\" differs from the value given for this household on line 5 (0.05)");
  CHECK(e.raw == "h2,5%,1\nh2,6%,2");
  CHECK(as_record(all.results[2]).id == "h3");
}

TEST_CASE("csv: bad cells, wrong cell counts, ids out of order", "[io][csv]") {
  auto policy = make_policy();
  const std::string text =
      "household_id,region_rate,weekly_wage,separation_reason\n"  // 1
      "h1,5%,100,layoff\n"                                        // 2
      "h1,5%,abc,layoff\n"                                        // 3
      "h2,5%,100\n"                                               // 4: 3 cells
      "h3,5%,100,fired\n"                                         // 5
      "h1,5%,100,layoff\n"                                        // 6: h1 again
      ",5%,100,layoff\n"                                          // 7: no id
      "h4,\"5%\"x,1,layoff\n"                                     // 8: text after quote
      "h5,5%,1,layoff\n";                                         // 9
  auto all = read_all(*policy, text, InputFormat::Csv);
  REQUIRE(all.results.size() == 7);
  const RecordError& h1 = as_error(all.results[0]);
  CHECK(h1.record == "household \"h1\" (line 2)");
  CHECK(h1.field == "members[2].weekly_wage");
  CHECK(h1.message == "line 3, column weekly_wage: expected an amount of money such as 1234.56 or $1,234.56, got \"abc\"");
  const RecordError& h2 = as_error(all.results[1]);
  CHECK(h2.message == "line 4 has 3 cells but the header has 4");
  const RecordError& h3 = as_error(all.results[2]);
  CHECK(h3.field == "members[1].separation_reason");
  CHECK(h3.message == "line 5, column separation_reason: expected one of layoff, end_of_contract, misconduct, got \"fired\"");
  const RecordError& again = as_error(all.results[3]);
  CHECK(again.record == "household \"h1\" (line 6)");
  CHECK(again.message == "rows of household \"h1\" must be consecutive: it already appeared on line 2");
  const RecordError& no_id = as_error(all.results[4]);
  CHECK(no_id.record == "line 7");
  CHECK(no_id.message == "line 7: the household_id cell is empty");
  const RecordError& quote = as_error(all.results[5]);
  CHECK(quote.field == "region_rate");
  CHECK(quote.message == "line 8, column region_rate: text after the closing quote of a cell");
  CHECK(as_record(all.results[6]).id == "h5");
  CHECK(as_record(all.results[6]).root.collections[0].size() == 1);
}

TEST_CASE("csv: header problems", "[io][csv]") {
  auto policy = make_policy();
  SECTION("unknown columns are warnings") {
    auto all = read_all(*policy, "household_id,colour,weekly_wage,person.shoe\nh1,red,1,9\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    as_record(all.results[0]);
    REQUIRE(all.warnings.size() == 2);
    CHECK(all.warnings[0].record == "header (line 1)");
    CHECK(all.warnings[0].field == "colour");
    CHECK(all.warnings[0].message == "unknown column ignored");
    CHECK(all.warnings[1].field == "person.shoe");
  }
  SECTION("no household id column") {
    auto all = read_all(*policy, "region_rate,weekly_wage\n5%,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message.rfind("the header has no household_id column", 0) == 0);
  }
  SECTION("the same input twice") {
    auto all = read_all(*policy, "household_id,weekly_wage,person.weekly_wage\nh1,1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message ==
          "columns \"weekly_wage\" and \"person.weekly_wage\" give the same input");
  }
  SECTION("nested collections need JSON") {
    auto nested = make_nested_policy();
    auto all = read_all(*nested, "household_id,age\nh1,3\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message.find("use JSON") != std::string::npos);
  }
  SECTION("empty input, byte order mark") {
    CHECK(read_all(*policy, "", InputFormat::Csv).results.empty());
    auto all = read_all(*policy, "\xEF\xBB\xBFhousehold_id,postcode\nh1,x\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_record(all.results[0]).root.inputs[kPostcode]->text == "x");
  }
  SECTION("unclosed quote: the row is rejected, the households after it are still read") {
    auto all = read_all(*policy, "household_id,postcode\nh1,\"x\nh2,y\nh3,\"z\r\nh3,\nh4,w", InputFormat::Csv);
    REQUIRE(all.results.size() == 4);
    const RecordError& h1 = as_error(all.results[0]);
    CHECK(h1.record == "household \"h1\" (line 2)");
    CHECK(h1.field == "postcode");
    CHECK(h1.message == "line 2, column postcode: a quoted cell is not closed (missing \")");
    CHECK(h1.raw == "h1,\"x");
    CHECK(as_record(all.results[1]).root.inputs[kPostcode]->text == "y");
    const RecordError& h3 = as_error(all.results[2]);
    CHECK(h3.record == "household \"h3\" (line 4)");
    CHECK(h3.message == "line 4, column postcode: a quoted cell is not closed (missing \")");
    CHECK(h3.raw == "h3,\"z\nh3,");
    const Record& h4 = as_record(all.results[3]);
    CHECK(h4.id == "h4");
    CHECK(h4.source == "household \"h4\" (line 6)");
  }
  SECTION("an unclosed quote in a member cell names the member") {
    auto all = read_all(*policy, "household_id,name\nh1,Ann\nh1,\"Bo\nh2,Cy\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 2);
    CHECK(as_error(all.results[0]).field == "members[2].name");
    CHECK(as_record(all.results[1]).id == "h2");
  }
}

// ---------------------------------------------------------------------------------------------
// Writers

namespace {

pol::Outcome sample_outcome(std::string_view total, std::string note) {
  pol::Outcome outcome;
  outcome.ok = true;
  outcome.outputs = {pol::Value::of_number(dec(total)),
                     pol::Value::of_number(dec("2")),
                     pol::Value::of_bool(true),
                     pol::Value::of_text(std::move(note)),
                     pol::Value::of_date(*pol::Date::parse("2026-03-01")),
                     pol::Value::of_enum(1),
                     pol::Value::of_number(dec("0.0550")),
                     pol::Value::of_number(dec("-1.50"))};
  return outcome;
}

pol::Record record_with_id(std::string id) {
  pol::Record r;
  r.id = std::move(id);
  return r;
}

}  // namespace

TEST_CASE("writers: CSV", "[io][writer]") {
  auto policy = make_policy();
  std::ostringstream out;
  auto writer = pol::io::open_writer(*policy, out, pol::io::OutputFormat::Csv);
  writer->write(record_with_id("h1"), sample_outcome("350", "plain"));
  pol::Outcome failed;
  writer->write(record_with_id("skipped"), failed);  // not ok: not written
  writer->write(record_with_id("h,2"), sample_outcome("0.125", "say \"hi\"\nbye"));
  writer->finish();
  CHECK(out.str() ==
        "id,total,count,flag,note,on,reason,ratio,average\n"
        "h1,350.00,2,true,plain,2026-03-01,end_of_contract,0.055,-1.5\n"
        "\"h,2\",0.125,2,true,\"say \"\"hi\"\"\nbye\",2026-03-01,end_of_contract,0.055,-1.5\n");
}

TEST_CASE("writers: CSV header without records", "[io][writer]") {
  auto policy = make_policy();
  std::ostringstream out;
  auto writer = pol::io::open_writer(*policy, out, pol::io::OutputFormat::Csv);
  writer->finish();
  CHECK(out.str() == "id,total,count,flag,note,on,reason,ratio,average\n");
}

TEST_CASE("writers: JSON lines", "[io][writer]") {
  auto policy = make_policy();
  std::ostringstream out;
  auto writer = pol::io::open_writer(*policy, out, pol::io::OutputFormat::JsonLines);
  writer->write(record_with_id("h1"), sample_outcome("350", "plain"));
  writer->write(record_with_id("h\"2"), sample_outcome("1234.5", "tab\there \xC3\xA9 \x01 \xFF"));
  writer->finish();
  CHECK(out.str() ==
        "{\"id\":\"h1\",\"total\":\"350.00\",\"count\":2,\"flag\":true,\"note\":\"plain\",\"on\":\"2026-03-01\","
        "\"reason\":\"end_of_contract\",\"ratio\":\"0.055\",\"average\":\"-1.5\"}\n"
        "{\"id\":\"h\\\"2\",\"total\":\"1234.50\",\"count\":2,\"flag\":true,\"note\":\"tab\\there \xC3\xA9 \\u0001 "
        "\\ufffd\",\"on\":\"2026-03-01\",\"reason\":\"end_of_contract\",\"ratio\":\"0.055\",\"average\":\"-1.5\"}\n");
}

TEST_CASE("writers: rejects", "[io][writer]") {
  std::ostringstream out;
  pol::io::RejectWriter rejects(out);
  rejects.write(RecordError{"line 3 (id \"h3\")", "members[1].weekly_wage",
                            "expected an amount of money such as 1234.56 or $1,234.56, got true",
                            "{\"id\":\"h3\",\"members\":[{\"weekly_wage\":true}]}"});
  rejects.write(RecordError{"household \"h4\" (line 5)", "", "line 5 has 3 cells but the header has 4", "h4,1\nh4,2"});
  CHECK(out.str() ==
        "{\"record\":\"line 3 (id \\\"h3\\\")\",\"field\":\"members[1].weekly_wage\","
        "\"error\":\"expected an amount of money such as 1234.56 or $1,234.56, got true\","
        "\"input\":\"{\\\"id\\\":\\\"h3\\\",\\\"members\\\":[{\\\"weekly_wage\\\":true}]}\"}\n"
        "{\"record\":\"household \\\"h4\\\" (line 5)\",\"field\":null,"
        "\"error\":\"line 5 has 3 cells but the header has 4\",\"input\":\"h4,1\\nh4,2\"}\n");
}

TEST_CASE("round trip: read JSON lines, write them back", "[io]") {
  // What the readers accept, the writers print canonically.
  auto policy = make_policy();
  auto all = read_all(*policy, "{\"id\":\"h1\",\"region_rate\":\"6.5%\",\"members\":[{\"weekly_wage\":\"$1,000\"}]}\n",
                      InputFormat::JsonLines);
  const Record& r = as_record(all.results[0]);
  CHECK(pol::format_value({TypeKind::Rate}, *r.root.inputs[kRegionRate], policy->enums()) == "0.065");
  CHECK(pol::format_value({TypeKind::Money}, *r.root.collections[0][0].inputs[kWage], policy->enums()) ==
        "1000.00");
}

// ---------------------------------------------------------------------------------------------
// Record sources, raw text and the as_of field

TEST_CASE("records carry their source: the label a reading error would have", "[io][source]") {
  auto policy = make_policy();
  auto lines = read_all(*policy, "{\"id\":\"h1\"}\n\n{\"postcode\":\"x\"}\n", InputFormat::JsonLines);
  REQUIRE(lines.results.size() == 2);
  CHECK(as_record(lines.results[0]).source == "line 1 (id \"h1\")");
  CHECK(as_record(lines.results[1]).source == "line 3");

  auto array = read_all(*policy, "[\n{\"id\":\"h1\"},\n{\"postcode\":\"x\"}]", InputFormat::Json);
  REQUIRE(array.results.size() == 2);
  CHECK(as_record(array.results[0]).source == "record 1 (id \"h1\", line 2)");
  CHECK(as_record(array.results[1]).source == "record 2 (line 3)");

  auto csv = read_all(*policy, "household_id,weekly_wage\nh1,1\nh1,2\nh2,3\n", InputFormat::Csv);
  REQUIRE(csv.results.size() == 2);
  CHECK(as_record(csv.results[0]).source == "household \"h1\" (line 2)");
  CHECK(as_record(csv.results[1]).source == "household \"h2\" (line 4)");

  auto flat = read_all(*make_nested_policy(), "[]", InputFormat::Json);  // nothing to read
  CHECK(flat.results.empty());
}

TEST_CASE("readers give the raw text of the record last read", "[io][source]") {
  auto policy = make_policy();
  SECTION("JSON lines") {
    std::istringstream in("{\"id\":\"h1\"}\r\n{\"id\":\"h2\",\"postcode\":7}\n{\"id\":\"h3\"}\n");
    auto reader = pol::io::open_reader(*policy, in, InputFormat::JsonLines, "in.jsonl");
    ReadResult result;
    REQUIRE(reader->next(result));
    CHECK(reader->raw_text() == "{\"id\":\"h1\"}");
    REQUIRE(reader->next(result));
    as_error(result);
    REQUIRE(reader->next(result));
    CHECK(reader->raw_text() == "{\"id\":\"h3\"}");
    CHECK_FALSE(reader->next(result));
  }
  SECTION("JSON array") {
    std::istringstream in("[{\"id\":\"h1\",\n \"postcode\":\"x\"}, {\"id\":\"h2\"}]");
    auto reader = pol::io::open_reader(*policy, in, InputFormat::Json, "in.json");
    ReadResult result;
    REQUIRE(reader->next(result));
    CHECK(reader->raw_text() == "{\"id\":\"h1\",\n \"postcode\":\"x\"}");
    REQUIRE(reader->next(result));
    CHECK(reader->raw_text() == "{\"id\":\"h2\"}");
  }
  SECTION("CSV: the household's rows") {
    std::istringstream in("household_id,weekly_wage\nh1,1\nh1,2\nh2,3\n");
    auto reader = pol::io::open_reader(*policy, in, InputFormat::Csv, "in.csv");
    ReadResult result;
    REQUIRE(reader->next(result));
    CHECK(reader->raw_text() == "h1,1\nh1,2");
    REQUIRE(reader->next(result));
    CHECK(reader->raw_text() == "h2,3");
  }
}

TEST_CASE("jsonl: as_of gives the record its own evaluation date", "[io][json][as_of]") {
  auto policy = make_policy();
  const Record r = line_record(*policy, R"({"id":"h1","as_of":"2026-03-01","members":[]})");
  REQUIRE(r.as_of);
  CHECK(*r.as_of == *pol::Date::parse("2026-03-01"));
  CHECK_FALSE(line_record(*policy, R"({"id":"h1"})").as_of);
  CHECK_FALSE(line_record(*policy, R"({"id":"h1","as_of":null})").as_of);
  // In a JSON array too.
  auto array = read_all(*policy, R"([{"as_of":"2025-12-31"}])", InputFormat::Json);
  REQUIRE(array.results.size() == 1);
  CHECK(*as_record(array.results[0]).as_of == *pol::Date::parse("2025-12-31"));

  const std::string expected = "expected the evaluation date written YYYY-MM-DD such as 2026-03-01, got ";
  CHECK(line_error(*policy, R"({"id":"h1","as_of":"2026-02-30"})", "as_of") == expected + "\"2026-02-30\"");
  CHECK(line_error(*policy, R"({"as_of":"1/3/2026"})", "as_of") == expected + "\"1/3/2026\"");
  CHECK(line_error(*policy, R"({"as_of":20260301})", "as_of") == expected + "20260301");
  CHECK(line_error(*policy, R"({"as_of":true})", "as_of") == expected + "true");
  CHECK(line_error(*policy, R"({"as_of":["2026-03-01"]})", "as_of") == expected + "an array");
  CHECK(line_error(*policy, R"({"as_of":"2026-03-01","as_of":"2026-03-02"})", "as_of") == "the field is given twice");
  // Only on the household: in a member it is an unknown field.
  auto all = read_all(*policy, R"({"members":[{"as_of":"2026-03-01"}]})" "\n", InputFormat::JsonLines);
  REQUIRE(all.warnings.size() == 1);
  CHECK(all.warnings[0].field == "members[1].as_of");
}

TEST_CASE("csv: an as_of column gives each household its own date", "[io][csv][as_of]") {
  auto policy = make_policy();
  const std::string text =
      "household_id,as_of,weekly_wage\n"
      "h1,2026-03-01,1\n"
      "h1,,2\n"             // empty: the household's date stands
      "h1,2026-03-01,3\n"   // repeated: fine
      "h2,,1\n"             // no date
      "h3,2026-04-01,1\n"
      "h3,2026-05-01,1\n"   // line 7: differs
      "h4,2026-13-01,1\n"   // line 8: not a date
      "h5,2024-02-29,1\n";
  auto all = read_all(*policy, text, InputFormat::Csv);
  REQUIRE(all.results.size() == 5);
  CHECK(all.warnings.empty());
  const Record& h1 = as_record(all.results[0]);
  REQUIRE(h1.as_of);
  CHECK(*h1.as_of == *pol::Date::parse("2026-03-01"));
  CHECK(h1.root.collections[0].size() == 3);
  CHECK_FALSE(as_record(all.results[1]).as_of);
  const RecordError& h3 = as_error(all.results[2]);
  CHECK(h3.field == "as_of");
  CHECK(h3.message == "line 7, column as_of: \"2026-05-01\" differs from the value given for this household on line 6 (2026-04-01)");
  const RecordError& h4 = as_error(all.results[3]);
  CHECK(h4.field == "as_of");
  CHECK(h4.message ==
        "line 8, column as_of: expected the evaluation date written YYYY-MM-DD such as 2026-03-01, got \"2026-13-01\"");
  CHECK(*as_record(all.results[4]).as_of == *pol::Date::parse("2024-02-29"));

  auto twice = read_all(*policy, "household_id,as_of,AS_OF\nh1,2026-03-01,2026-03-01\n", InputFormat::Csv);
  REQUIRE(twice.results.size() == 1);
  CHECK(as_error(twice.results[0]).message == "columns \"as_of\" and \"AS_OF\" both give the as_of date");
}

// ---------------------------------------------------------------------------------------------
// Series inputs, context data, member outputs

namespace {

constexpr Type series_of(TypeKind kind, pol::PeriodKind period) { return Type{kind, -1, period}; }

pol::OutputSchema output_on(std::string name, int entity, Type type) {
  pol::OutputSchema out = output(std::move(name), type);
  out.entity = entity;
  return out;
}

// Person (0): wages (money by quarter), age (integer), hours (integer by month).
// Household (1): benefits (money by month), region_rate (rate); members: list of Person.
// Context (2): unemployment_rate (rate), weekly_rate (rate by week), start (date).
// Outputs: total (Household), benefit and eligible (Person), count (Household).
std::shared_ptr<pol::Policy> make_series_policy() {
  using pol::PeriodKind;
  auto program = std::make_shared<pol::detail::Program>();
  program->title = "series";
  program->entities.push_back(entity("Person",
                                     {input("wages", series_of(TypeKind::Money, PeriodKind::Quarter)),
                                      input("age", {TypeKind::Integer}),
                                      input("hours", series_of(TypeKind::Integer, PeriodKind::Month))},
                                     {}, 1));
  program->entities.push_back(entity("Household",
                                     {input("benefits", series_of(TypeKind::Money, PeriodKind::Month)),
                                      input("region_rate", {TypeKind::Rate})},
                                     {pol::CollectionSchema{"members", 0}}, -1));
  program->entities.push_back(entity("Context",
                                     {input("unemployment_rate", {TypeKind::Rate}),
                                      input("weekly_rate", series_of(TypeKind::Rate, PeriodKind::Week)),
                                      input("start", {TypeKind::Date})},
                                     {}, -1));
  program->root_entity = 1;
  program->context_entity = 2;
  program->outputs = {output_on("total", 1, {TypeKind::Money}), output_on("benefit", 0, {TypeKind::Money}),
                      output_on("eligible", 0, {TypeKind::Boolean}), output_on("count", 1, {TypeKind::Integer})};
  return std::make_shared<pol::Policy>(program);
}

enum SeriesPersonInput { kWages, kAge, kHours };
enum SeriesHouseholdInput { kBenefits, kSeriesRegionRate };
enum ContextInput { kUnemploymentRate, kWeeklyRate, kStart };

std::int64_t period(pol::PeriodKind kind, std::string_view label) {
  auto index = pol::parse_period(kind, label);
  REQUIRE(index);
  return *index;
}

// The value of `series` (a series input) for the period `label`, checked to be exactly `expected`.
void check_period(const std::optional<pol::Value>& series, pol::PeriodKind kind, std::string_view label,
                  std::string_view expected) {
  INFO(label << " = " << expected);
  REQUIRE(series);
  REQUIRE(series->series);
  auto it = series->series->find(period(kind, label));
  REQUIRE(it != series->series->end());
  CHECK(it->second.number == dec(expected));
  CHECK(it->second.number.scale() == dec(expected).scale());
}

std::size_t periods_given(const std::optional<pol::Value>& series) {
  REQUIRE(series);
  REQUIRE(series->series);
  return series->series->size();
}

}  // namespace

TEST_CASE("json: series inputs are objects keyed by period label", "[io][json][series]") {
  using pol::PeriodKind;
  auto policy = make_series_policy();
  const Record r = line_record(
      *policy,
      R"({"id":"h1","benefits":{"2026-01":"100.00","2026-02":0},"members":[)"
      R"({"wages":{"2025-Q1":"1000.00","2025-Q2":1200,"2025-Q3":"$1,300.50","2025-Q4":null},"hours":{"2026-03":40}},)"
      R"({"wages":{}},{"wages":null},{"age":3}]})");
  check_period(r.root.inputs[kBenefits], PeriodKind::Month, "2026-01", "100.00");
  check_period(r.root.inputs[kBenefits], PeriodKind::Month, "2026-02", "0");
  CHECK(periods_given(r.root.inputs[kBenefits]) == 2);
  const auto& m = r.root.collections[0];
  REQUIRE(m.size() == 4);
  check_period(m[0].inputs[kWages], PeriodKind::Quarter, "2025-Q1", "1000.00");
  check_period(m[0].inputs[kWages], PeriodKind::Quarter, "2025-Q2", "1200");
  check_period(m[0].inputs[kWages], PeriodKind::Quarter, "2025-Q3", "1300.50");
  CHECK(periods_given(m[0].inputs[kWages]) == 3);  // null: that quarter is not given
  check_period(m[0].inputs[kHours], PeriodKind::Month, "2026-03", "40");
  CHECK(periods_given(m[1].inputs[kWages]) == 0);  // given, with no quarter
  CHECK_FALSE(m[2].inputs[kWages]);                // not given
  CHECK_FALSE(m[3].inputs[kWages]);
}

TEST_CASE("json: bad period labels and values name the period", "[io][json][series]") {
  auto policy = make_series_policy();
  const auto& P = *policy;
  CHECK(line_error(P, R"({"id":"h1","members":[{"wages":{"2025-Q5":"1.00"}}]})", "members[1].wages[2025-Q5]") ==
        "expected a quarter such as 2026-Q1, got \"2025-Q5\"");
  CHECK(line_error(P, R"({"members":[{},{"wages":{"2025-Q1":1,"2025-03":2}}]})", "members[2].wages[2025-03]") ==
        "expected a quarter such as 2026-Q1, got \"2025-03\"");
  CHECK(line_error(P, R"({"benefits":{"2026-1":5}})", "benefits[2026-1]") ==
        "expected a month such as 2026-03, got \"2026-1\"");
  CHECK(line_error(P, R"({"members":[{"wages":{"2025-Q1":"abc"}}]})", "members[1].wages[2025-Q1]") ==
        "expected an amount of money such as 1234.56 or $1,234.56, got \"abc\"");
  CHECK(line_error(P, R"({"members":[{"wages":{"2025-Q1":true}}]})", "members[1].wages[2025-Q1]") ==
        "expected an amount of money such as 1234.56 or $1,234.56, got true");
  CHECK(line_error(P, R"({"members":[{"wages":{"2025-Q1":{"x":1}}}]})", "members[1].wages[2025-Q1]") ==
        "expected an amount of money such as 1234.56 or $1,234.56, got an object");
  CHECK(line_error(P, R"({"members":[{"hours":{"2026-01":1.5}}]})", "members[1].hours[2026-01]") ==
        "expected a whole number such as 42, got 1.5");
  CHECK(line_error(P, R"({"members":[{"wages":{"2025-Q1":1,"2025-Q1":2}}]})", "members[1].wages[2025-Q1]") ==
        "the quarter 2025-Q1 is given twice");
  CHECK(line_error(P, R"({"members":[{"wages":"1000.00"}]})", "members[1].wages") ==
        "expected money by quarter: an object with one value per quarter, such as {\"2026-Q1\": ...}, got \"1000.00\"");
  CHECK(line_error(P, R"({"members":[{"wages":[1,2]}]})", "members[1].wages") ==
        "expected money by quarter: an object with one value per quarter, such as {\"2026-Q1\": ...}, got an array");
  CHECK(line_error(P, R"({"benefits":12})", "benefits") ==
        "expected money by month: an object with one value per month, such as {\"2026-03\": ...}, got 12");
  // Broken JSON inside a series is broken JSON.
  CHECK(line_error(P, R"({"members":[{"wages":{"2025-Q1":tru}}]})", "members[1].wages[2025-Q1]")
            .rfind("broken JSON", 0) == 0);
}

TEST_CASE("csv: one column per period of a series", "[io][csv][series]") {
  using pol::PeriodKind;
  auto policy = make_series_policy();
  const std::string text =
      "household_id,benefits[2026-01],benefits[2026-02],age,wages[2025-Q1],person.wages[2025-Q2],hours[2026-03]\n"
      "h1,100.00,,40,1000.00,\"$1,200\",\n"
      "h1,,50,7,,,\n"          // the household's February benefit on its second row
      "h1,100.00,50,,,,\n"     // repeated household values, no member cells: no member
      "h2,,,,,,\n"             // no member, no benefits
      "h3,1,,,5,,38\n";
  auto all = read_all(*policy, text, InputFormat::Csv);
  REQUIRE(all.results.size() == 3);
  CHECK(all.warnings.empty());
  const Record& h1 = as_record(all.results[0]);
  check_period(h1.root.inputs[kBenefits], PeriodKind::Month, "2026-01", "100.00");
  check_period(h1.root.inputs[kBenefits], PeriodKind::Month, "2026-02", "50");
  CHECK(periods_given(h1.root.inputs[kBenefits]) == 2);
  const auto& m = h1.root.collections[0];
  REQUIRE(m.size() == 2);
  check_period(m[0].inputs[kWages], PeriodKind::Quarter, "2025-Q1", "1000.00");
  check_period(m[0].inputs[kWages], PeriodKind::Quarter, "2025-Q2", "1200");
  CHECK(periods_given(m[0].inputs[kWages]) == 2);
  CHECK_FALSE(m[0].inputs[kHours]);  // no cell given: not given at all
  check_number(m[1].inputs[kAge], "7");
  CHECK_FALSE(m[1].inputs[kWages]);
  const Record& h2 = as_record(all.results[1]);
  CHECK_FALSE(h2.root.inputs[kBenefits]);
  CHECK(h2.root.collections[0].empty());
  const Record& h3 = as_record(all.results[2]);
  check_period(h3.root.collections[0][0].inputs[kHours], PeriodKind::Month, "2026-03", "38");
}

TEST_CASE("csv: bad series cells and headers", "[io][csv][series]") {
  auto policy = make_series_policy();
  SECTION("a bad value names the member and the period") {
    auto all = read_all(*policy, "household_id,wages[2025-Q1],wages[2025-Q2]\nh1,1,2\nh1,3,x\nh2,1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 2);
    const RecordError& e = as_error(all.results[0]);
    CHECK(e.record == "household \"h1\" (line 2)");
    CHECK(e.field == "members[2].wages[2025-Q2]");
    CHECK(e.message ==
          "line 3, column wages[2025-Q2]: expected an amount of money such as 1234.56 or $1,234.56, got \"x\"");
    as_record(all.results[1]);
  }
  SECTION("household series values must agree across rows") {
    auto all = read_all(*policy, "household_id,benefits[2026-01],age\nh1,5,1\nh1,6,2\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    const RecordError& e = as_error(all.results[0]);
    CHECK(e.field == "benefits[2026-01]");
    CHECK(e.message ==
          "line 3, column benefits[2026-01]: \"6\" differs from the value given for this household on line 2 (5.00)");
  }
  SECTION("a bad period label in the header") {
    auto all = read_all(*policy, "household_id,wages[2025-Q5]\nh1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    const RecordError& e = as_error(all.results[0]);
    CHECK(e.record == "header (line 1)");
    CHECK(e.field == "wages[2025-Q5]");
    CHECK(e.message ==
          "column \"wages[2025-Q5]\": expected a quarter such as 2026-Q1, got \"2025-Q5\" between the brackets");
  }
  SECTION("a series without a period") {
    auto all = read_all(*policy, "household_id,wages\nh1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message ==
          "column \"wages\": wages is money by quarter, so it takes one column per quarter, named like wages[2026-Q1]");
  }
  SECTION("a period on an input that is not a series") {
    auto all = read_all(*policy, "household_id,age[2026]\nh1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message ==
          "column \"age[2026]\": age is not a series (it is integer), so its column is named age without brackets");
  }
  SECTION("the same period twice") {
    auto all = read_all(*policy, "household_id,wages[2025-Q1],person.wages[2025-Q1]\nh1,1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    CHECK(as_error(all.results[0]).message ==
          "columns \"wages[2025-Q1]\" and \"person.wages[2025-Q1]\" give the same quarter of the same input");
  }
  SECTION("unknown bracketed columns are warnings") {
    auto all = read_all(*policy, "household_id,bonus[2025-Q1],age\nh1,1,1\n", InputFormat::Csv);
    REQUIRE(all.results.size() == 1);
    as_record(all.results[0]);
    REQUIRE(all.warnings.size() == 1);
    CHECK(all.warnings[0].field == "bonus[2025-Q1]");
    CHECK(all.warnings[0].message == "unknown column ignored");
  }
}

// ---------------------------------------------------------------------------------------------
// Context data

namespace {

using ContextResult = std::variant<pol::EntityRecord, std::vector<RecordError>>;

ContextResult context_of(const pol::Policy& policy, const std::string& text,
                         std::vector<RecordWarning>* warnings = nullptr) {
  std::istringstream in(text);
  return pol::io::read_context(policy, in, "context.json", warnings);
}

std::vector<RecordError> context_errors(const pol::Policy& policy, const std::string& text) {
  auto result = context_of(policy, text);
  if (auto* record = std::get_if<pol::EntityRecord>(&result)) FAIL("expected errors, got the context data");
  return std::get<std::vector<RecordError>>(result);
}

}  // namespace

TEST_CASE("context: one JSON object with the context inputs", "[io][context]") {
  using pol::PeriodKind;
  auto policy = make_series_policy();
  std::vector<RecordWarning> warnings;
  auto result = context_of(*policy,
                           "\xEF\xBB\xBF{\n"
                           "  \"unemployment_rate\": \"6.5%\",\n"
                           "  \"weekly_rate\": {\"2026-W09\": 0.061, \"2026-W10\": \"6.2%\"},\n"
                           "  \"source\": \"Statistics Office, release 2026-03\"\n"
                           "}\n",
                           &warnings);
  REQUIRE(std::holds_alternative<pol::EntityRecord>(result));
  const auto& context = std::get<pol::EntityRecord>(result);
  REQUIRE(context.inputs.size() == 3);
  check_number(context.inputs[kUnemploymentRate], "0.065");
  check_period(context.inputs[kWeeklyRate], PeriodKind::Week, "2026-W09", "0.061");
  check_period(context.inputs[kWeeklyRate], PeriodKind::Week, "2026-W10", "0.062");
  CHECK_FALSE(context.inputs[kStart]);  // not given: its default, or an error when a rule reads it
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].record == "context.json");
  CHECK(warnings[0].field == "source");
  CHECK(warnings[0].message == "unknown field ignored");
  // id and as_of are not special in context data.
  warnings.clear();
  REQUIRE(std::holds_alternative<pol::EntityRecord>(context_of(*policy, R"({"id":"x","as_of":"2026-01-01"})", &warnings)));
  CHECK(warnings.size() == 2);
}

TEST_CASE("context: every problem is reported with the file and the field", "[io][context]") {
  auto policy = make_series_policy();
  SECTION("values") {
    auto errors = context_errors(*policy, R"({"unemployment_rate":"high","weekly_rate":{"2026-W54":1,"2026-W01":"x"},"start":"2026-02-30"})");
    REQUIRE(errors.size() == 4);
    CHECK(errors[0].record == "context.json");
    CHECK(errors[0].field == "unemployment_rate");
    CHECK(errors[0].message == "expected a rate such as 0.055 or 5.5%, got \"high\"");
    CHECK(errors[1].field == "weekly_rate[2026-W54]");
    CHECK(errors[1].message == "expected a week such as 2026-W09, got \"2026-W54\"");
    CHECK(errors[2].field == "weekly_rate[2026-W01]");
    CHECK(errors[3].field == "start");
    CHECK(errors[3].message == "expected a date written YYYY-MM-DD such as 2026-03-01, got \"2026-02-30\"");
  }
  SECTION("broken JSON: one error, with line and column") {
    auto errors = context_errors(*policy, "{\n  \"unemployment_rate\": \"x\",\n  \"start\" \"2026-01-01\"\n}\n");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "");
    CHECK(errors[0].message.rfind("broken JSON at line 3, column 11 ", 0) == 0);
  }
  SECTION("not an object, empty, text after the object") {
    auto array = context_errors(*policy, "[{\"unemployment_rate\":0.05}]");
    REQUIRE(array.size() == 1);
    CHECK(array[0].message == "expected a JSON object (the context data), got an array");
    auto empty = context_errors(*policy, " \n");
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].message == "the file is empty: expected one JSON object with the context inputs");
    auto two = context_errors(*policy, "{\"unemployment_rate\":0.05}\n{\"unemployment_rate\":0.06}\n");
    REQUIRE(two.size() == 1);
    CHECK(two[0].message.find("unexpected text after the end of the object") != std::string::npos);
  }
  SECTION("a policy without context data") {
    auto errors = context_errors(*make_policy(), "{}");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "the policy declares no context data (no `context { ... }` block)");
  }
}

// ---------------------------------------------------------------------------------------------
// Writers with member outputs

namespace {

// Outcome of make_series_policy(): total and count on the household, benefit and eligible on each
// member (path, benefit, eligible).
pol::Outcome member_outcome(std::string_view total, std::vector<std::tuple<std::string, std::string, bool>> members) {
  pol::Outcome outcome;
  outcome.ok = true;
  outcome.outputs.resize(4);
  outcome.outputs[0] = pol::Value::of_number(dec(total));
  outcome.outputs[3] = pol::Value::of_number(Decimal::from_int(static_cast<std::int64_t>(members.size())));
  for (auto& [path, benefit, eligible] : members) {
    pol::MemberOutcome m;
    m.entity = 0;
    m.path = path;
    m.outputs.resize(4);
    m.outputs[1] = pol::Value::of_number(dec(benefit));
    m.outputs[2] = pol::Value::of_bool(eligible);
    outcome.members.push_back(std::move(m));
  }
  return outcome;
}

std::string write_with(const pol::Policy& policy, pol::io::OutputFormat format,
                       const std::vector<std::pair<std::string, pol::Outcome>>& outcomes) {
  std::ostringstream out;
  auto writer = pol::io::open_writer(policy, out, format);
  for (const auto& [id, outcome] : outcomes) writer->write(record_with_id(id), outcome);
  writer->finish();
  return out.str();
}

}  // namespace

TEST_CASE("writers: member outputs, one CSV row per member", "[io][writer][members]") {
  auto policy = make_series_policy();
  pol::Outcome failed;
  const std::string csv = write_with(*policy, pol::io::OutputFormat::Csv,
                                     {{"h1", member_outcome("350", {{"members[1]", "200", true}, {"members[2]", "150.5", false}})},
                                      {"skipped", failed},
                                      {"h2", member_outcome("0", {})},
                                      {"h,3", member_outcome("1", {{"members[1]", "1", true}})}});
  CHECK(csv ==
        "id,member,total,count,benefit,eligible\n"
        "h1,members[1],350.00,2,200.00,true\n"
        "h1,members[2],350.00,2,150.50,false\n"
        "h2,,0.00,0,,\n"
        "\"h,3\",members[1],1.00,1,1.00,true\n");
}

TEST_CASE("writers: member outputs in JSON lines, a members array per household", "[io][writer][members]") {
  auto policy = make_series_policy();
  const std::string jsonl = write_with(*policy, pol::io::OutputFormat::JsonLines,
                                       {{"h1", member_outcome("350", {{"members[1]", "200", true}, {"members[2]", "150.5", false}})},
                                        {"h2", member_outcome("0", {})}});
  CHECK(jsonl ==
        "{\"id\":\"h1\",\"total\":\"350.00\",\"count\":2,\"members\":["
        "{\"member\":\"members[1]\",\"benefit\":\"200.00\",\"eligible\":true},"
        "{\"member\":\"members[2]\",\"benefit\":\"150.50\",\"eligible\":false}]}\n"
        "{\"id\":\"h2\",\"total\":\"0.00\",\"count\":0,\"members\":[]}\n");
}

TEST_CASE("writers: member outputs in a table", "[io][writer][members]") {
  auto policy = make_series_policy();
  const std::string table = write_with(*policy, pol::io::OutputFormat::Table,
                                       {{"h1", member_outcome("350", {{"members[1]", "200", true}, {"members[2]", "1150.5", false}})},
                                        {"h22", member_outcome("0", {})}});
  CHECK(table ==
        "id   member       total  count  benefit  eligible\n"
        "---  ----------  ------  -----  -------  --------\n"
        "h1   members[1]  350.00      2   200.00  true\n"
        "h1   members[2]  350.00      2  1150.50  false\n"
        "h22                0.00      0\n");
}

TEST_CASE("writers: a table without member outputs", "[io][writer]") {
  auto policy = make_policy();
  std::ostringstream out;
  auto writer = pol::io::open_writer(*policy, out, pol::io::OutputFormat::Table);
  writer->write(record_with_id("h1"), sample_outcome("350", "plain"));
  writer->write(record_with_id("h\xC3\xA9"), sample_outcome("1234.5", "x"));
  writer->finish();
  CHECK(out.str() ==
        "id    total  count  flag  note   on          reason           ratio  average\n"
        "--  -------  -----  ----  -----  ----------  ---------------  -----  -------\n"
        "h1   350.00      2  true  plain  2026-03-01  end_of_contract  0.055     -1.5\n"
        "h\xC3\xA9  1234.50      2  true  x      2026-03-01  end_of_contract  0.055     -1.5\n");
}

TEST_CASE("writers: members of an entity without outputs are not rows", "[io][writer][members]") {
  auto policy = make_series_policy();
  pol::Outcome outcome = member_outcome("5", {{"members[1]", "5", true}});
  pol::MemberOutcome other;  // a member of another entity (no outputs of its own)
  other.entity = 2;
  other.path = "elsewhere[1]";
  outcome.members.push_back(other);
  CHECK(write_with(*policy, pol::io::OutputFormat::Csv, {{"h1", outcome}}) ==
        "id,member,total,count,benefit,eligible\nh1,members[1],5.00,1,5.00,true\n");
}

// ---------------------------------------------------------------------------------------------
// The same paths on a policy compiled from source: the schema the compiler builds (series types,
// the context entity, outputs on members) is what the readers and writers see.

namespace {

constexpr const char* kSeriesSource = R"(policy "io from source"

entity Person {
  input age: integer
  input wages: money by quarter = $0
}
entity Household {
  members: list of Person
}

context {
  input state_unemployment_rate: rate
  input weekly_rate: rate by week
}

parameter base: money
  from 2025-01-01 = $100.00
  from 2026-01-01 = $120.00

rule Person.adult: boolean = age >= 18
output Person.benefit: money = if adult and total(wages, from: quarter_of(as_of) - 4, to: quarter_of(as_of) - 1) < $10,000 then base else $0
output Household.total: money = sum(members.benefit)
output Household.high_unemployment: boolean = state_unemployment_rate >= 6%
)";

std::shared_ptr<const pol::Policy> compile_series_source() {
  pol::Compilation c = pol::compile_source("series.pol", kSeriesSource);
  INFO(pol::render_all(c.diagnostics, c.sources));
  REQUIRE(c.policy);
  return c.policy;
}

}  // namespace

TEST_CASE("from source: the compiled schema has series, context and member outputs", "[io][from-source]") {
  auto policy = compile_series_source();
  REQUIRE(policy->context_entity() >= 0);
  const auto& context = policy->entities()[static_cast<std::size_t>(policy->context_entity())];
  REQUIRE(context.input_index("weekly_rate") >= 0);
  CHECK(context.inputs[static_cast<std::size_t>(context.input_index("weekly_rate"))].type.period == pol::PeriodKind::Week);
  const auto& outputs = policy->outputs();
  REQUIRE(outputs.size() == 3);
  CHECK(outputs[0].name == "benefit");
  CHECK(outputs[0].entity != policy->root_entity());
  CHECK(outputs[1].entity == policy->root_entity());
}

TEST_CASE("from source: read, evaluate with context and per-record dates, write per member", "[io][from-source]") {
  using pol::PeriodKind;
  auto policy = compile_series_source();
  const auto& P = *policy;

  std::vector<RecordWarning> warnings;
  auto context = context_of(P, R"({"state_unemployment_rate":"6.5%","weekly_rate":{"2026-W09":"6.1%"}})", &warnings);
  REQUIRE(std::holds_alternative<pol::EntityRecord>(context));
  CHECK(warnings.empty());
  auto bad_context = context_errors(P, R"({"weekly_rate":{"2026-W09":"x","2026-03":0.05}})");
  REQUIRE(bad_context.size() == 2);
  CHECK(bad_context[0].field == "weekly_rate[2026-W09]");
  CHECK(bad_context[1].field == "weekly_rate[2026-03]");
  CHECK(bad_context[1].message == "expected a week such as 2026-W09, got \"2026-03\"");

  const std::string jsonl =
      R"({"id":"a","as_of":"2026-03-01","members":[{"age":30,"wages":{"2025-Q1":"2000","2025-Q4":"7999.99"}},{"age":9}]})" "\n"
      R"({"id":"b","members":[{"age":40,"wages":{"2024-Q4":"10000"}}]})" "\n"
      R"({"id":"c","members":[{"age":40,"wages":{"2024-Q4":"1"}}],"as_of":"2026-02-29"})" "\n";
  auto all = read_all(P, jsonl, InputFormat::JsonLines);
  REQUIRE(all.results.size() == 3);
  const RecordError& c = as_error(all.results[2]);
  CHECK(c.record == "line 3 (id \"c\")");
  CHECK(c.field == "as_of");

  pol::Evaluator evaluator(P, *pol::Date::parse("2025-03-01"));
  evaluator.set_context(std::get<pol::EntityRecord>(context));
  std::ostringstream csv, lines;
  auto csv_writer = pol::io::open_writer(P, csv, pol::io::OutputFormat::Csv);
  auto jsonl_writer = pol::io::open_writer(P, lines, pol::io::OutputFormat::JsonLines);
  for (std::size_t i = 0; i < 2; ++i) {
    const Record& record = as_record(all.results[i]);
    pol::Outcome outcome = evaluator.evaluate(record);
    INFO(record.id << ": " << (outcome.error ? outcome.error->message : ""));
    REQUIRE(outcome.ok);
    csv_writer->write(record, outcome);
    jsonl_writer->write(record, outcome);
  }
  csv_writer->finish();
  jsonl_writer->finish();
  // a: as of 2026-03-01, 2,000 + 7,999.99 < 10,000 over 2025: the 2026 amount. b: as of
  // --as-of 2025-03-01, 10,000 over 2024 is not under 10,000.
  CHECK(csv.str() ==
        "id,member,total,high_unemployment,benefit\n"
        "a,members[1],120.00,true,120.00\n"
        "a,members[2],120.00,true,0.00\n"
        "b,members[1],0.00,true,0.00\n");
  CHECK(lines.str() ==
        "{\"id\":\"a\",\"total\":\"120.00\",\"high_unemployment\":true,\"members\":[{\"member\":\"members[1]\","
        "\"benefit\":\"120.00\"},{\"member\":\"members[2]\",\"benefit\":\"0.00\"}]}\n"
        "{\"id\":\"b\",\"total\":\"0.00\",\"high_unemployment\":true,\"members\":[{\"member\":\"members[1]\","
        "\"benefit\":\"0.00\"}]}\n");

  // The same households from CSV, one column per quarter.
  auto from_csv = read_all(P,
                           "household_id,as_of,age,wages[2025-Q1],wages[2025-Q4],wages[2024-Q4]\n"
                           "a,2026-03-01,30,2000,7999.99,\n"
                           "a,,9,,,\n"
                           "b,,40,,,10000\n",
                           InputFormat::Csv);
  REQUIRE(from_csv.results.size() == 2);
  const Record& a = as_record(from_csv.results[0]);
  CHECK(*a.as_of == *pol::Date::parse("2026-03-01"));
  const int person_entity = P.entities()[static_cast<std::size_t>(P.root_entity())].collections[0].entity;
  const auto& person = P.entities()[static_cast<std::size_t>(person_entity)];
  check_period(a.root.collections[0][0].inputs[static_cast<std::size_t>(person.input_index("wages"))], PeriodKind::Quarter,
               "2025-Q4", "7999.99");
  CHECK(evaluator.evaluate(a).outputs[1].number == dec("120"));
}

// ---------------------------------------------------------------------------------------------
// The corpus of broken records (tests/golden/bad_records_*): every file is read to the end, every
// record read is either a record or exactly one error, and every error names the record and the
// field (or says why the record is broken as a whole).

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Errors about a record as a whole, which have no field.
bool whole_record_error(const std::string& message) {
  for (const char* start : {"broken JSON", "expected a JSON object", "missing comma", "missing array element",
                            "extra comma", "the array is not closed", "rows of household", "the header has no"})
    if (message.rfind(start, 0) == 0) return true;
  return message.find(" cells but the header has ") != std::string::npos;
}

}  // namespace

TEST_CASE("corpus of broken records: read = accepted + rejected, every error names record and field",
          "[io][corpus]") {
  const std::string dir = std::string(POL_SOURCE_DIR) + "/tests/golden/";
  pol::Compilation c = pol::compile_file(dir + "bad_records_corpus/corpus.pol");
  REQUIRE(c.policy);
  struct Case {
    std::string file;
    std::size_t read, reading_errors;
  };
  // read: the `N read` of each case's expected_stderr; the rest of the rejects there are
  // evaluation errors (records that read fine).
  for (const Case& k : {Case{"bad_records_corpus/households.jsonl", 43, 33},
                        Case{"bad_records_json/households.json", 17, 12},
                        Case{"bad_records_csv/households.csv", 18, 13},
                        Case{"bad_records_csv_empty/households.csv", 0, 0},
                        Case{"bad_records_csv_no_id/households.csv", 1, 1}}) {
    INFO(k.file);
    const std::string text = slurp(dir + k.file);
    auto all = read_all(*c.policy, text, InputFormat::Auto, k.file);
    std::size_t records = 0, errors = 0;
    const std::string rejects = slurp(dir + k.file.substr(0, k.file.find('/')) + "/expected_rejects");
    for (const ReadResult& result : all.results) {
      if (std::holds_alternative<Record>(result)) {
        ++records;
        continue;
      }
      ++errors;
      const RecordError& e = std::get<RecordError>(result);
      INFO(e.record << " / " << e.field << " / " << e.message);
      CHECK(!e.record.empty());
      CHECK(!e.message.empty());
      CHECK((!e.field.empty() || whole_record_error(e.message)));
      // The error is in the hand-checked rejects file of the golden case, once.
      std::ostringstream line;
      pol::io::RejectWriter(line).write(e);
      CHECK(rejects.find(line.str()) != std::string::npos);
    }
    CHECK(all.results.size() == k.read);
    CHECK(records + errors == k.read);
    CHECK(errors == k.reading_errors);
  }
}

TEST_CASE("jsonl: text after the object, broken UTF-8 and enum misspellings say where and what", "[io][json]") {
  auto policy = make_policy();
  auto all = read_all(*policy,
                      "{\"id\":\"a\",\"postcode\":\"x\"} x\n"
                      "{\"id\":\"b\",\"postcode\":\"caf\xE9\"}\n"
                      "{\"id\":\"c\",\"members\":[{\"separation_reason\":\"Layoff\"}]}\n"
                      "{\"id\":\"d\",\"members\":[{\"separation_reason\":\"fired\"}]}\n"
                      "{\"id\":\"e\"}\n",
                      InputFormat::JsonLines);
  REQUIRE(all.results.size() == 5);
  const RecordError& a = as_error(all.results[0]);
  CHECK(a.record == "line 1 (id \"a\")");
  CHECK(a.message == "broken JSON at column 27 (near \"x\"): unexpected text after the end of the object");
  const RecordError& b = as_error(all.results[1]);
  CHECK(b.record == "line 2");
  CHECK(b.message == "broken JSON at column 26 (near \"\\ufffd\\\"}\"): the text is not valid UTF-8 (byte 0xE9)");
  CHECK(as_error(all.results[2]).message ==
        "expected one of layoff, end_of_contract, misconduct, got \"Layoff\" (did you mean layoff?)");
  CHECK(as_error(all.results[3]).message == "expected one of layoff, end_of_contract, misconduct, got \"fired\"");
  CHECK(as_record(all.results[4]).id == "e");
}
