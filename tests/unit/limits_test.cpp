// The limits of docs/limits.md: each one gives its documented error, never a crash or a stack
// overflow, and input just inside a limit is accepted.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <variant>

#include "io/record_builder.hpp"
#include "pol/decimal.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"
#include "syntax/parser.hpp"

namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

constexpr const char* kHeader = "policy \"limits\"\n\nentity Person {\n  input x: integer\n}\n"
                                "entity Household {\n  members: list of Person\n}\n\n";

// The one diagnostic `source` gets (as "CODE: message"), or "ok" when it compiles and its inline
// tests pass.
std::string outcome(const std::string& source) {
  const pol::Compilation c = pol::compile_source("limits.pol", source);
  for (const auto& d : c.diagnostics)
    if (d.severity == pol::Severity::Error) return d.code + ": " + d.message;
  REQUIRE(c.policy);
  for (const auto& t : pol::run_inline_tests(*c.policy))
    if (!t.passed) return "test failed: " + (t.failures.empty() ? std::string() : t.failures.front());
  return "ok";
}

const std::string kTooDeep = "E0001: nested too deeply: more than 256 levels of brackets and operators";

}  // namespace

TEST_CASE("100,000 nested parentheses give a diagnostic, not a stack overflow", "[limits]") {
  const std::size_t n = 100'000;
  CHECK(outcome(std::string(kHeader) + "output Household.y: integer = " + std::string(n, '(') + "1" +
                std::string(n, ')') + "\n") == kTooDeep);
  // Unclosed, and mixed with brackets of lists and records.
  CHECK(outcome(std::string(kHeader) + "output Household.y: integer = " + repeat("([{", n)) == kTooDeep);
}

TEST_CASE("Every kind of deep nesting is refused the same way", "[limits]") {
  const std::string rule = std::string(kHeader) + "output Household.y: integer = ";
  const std::size_t n = 100'000;
  CHECK(outcome(rule + "1" + repeat(" + 1", n) + "\n") == kTooDeep);                        // a long chain
  CHECK(outcome(rule + repeat("- ", n) + "1\n") == kTooDeep);                               // prefix minus
  CHECK(outcome(rule + repeat("if 1 = 1 then 1 else ", n) + "0\n") == kTooDeep);           // else-if chain
  CHECK(outcome(std::string(kHeader) + "output Household.b: boolean = " + repeat("not ", n) + "true\n") ==
        kTooDeep);
  CHECK(outcome(rule + "1" + repeat(".x", n) + "\n") == kTooDeep);                          // member chain
  // Nested records and lists in a test block.
  CHECK(outcome(rule + "1\ntest \"t\" as of 2026-01-01 {\n  household { members: " + repeat("[", n) + "\n}\n") ==
        kTooDeep);
}

TEST_CASE("Keywords and commas do not hide nesting from the limit", "[limits]") {
  // The parser's error recovery goes on nesting past a misplaced keyword or comma.
  const std::string rule = std::string(kHeader) + "output Household.y: integer = ";
  CHECK(outcome(rule + repeat(std::string(200, '(') + " rule ", 500) + "\n") == kTooDeep);
  CHECK(outcome(rule + repeat(std::string(200, '(') + "\nrule ", 500) + "\n") == kTooDeep);
  CHECK(outcome(rule + repeat(std::string(200, '[') + " , ", 500) + "\n") == kTooDeep);
  for (const char* clause : {" from ", " , ", " expect ", " above ", " at "}) {
    const std::string result = outcome(rule + repeat(repeat("not ", 200) + clause, 500) + "\n");
    CHECK(result.rfind("E0001: ", 0) == 0);  // a syntax error or kTooDeep, never a crash
  }
}

TEST_CASE("Nesting just inside the limit compiles, checks and evaluates", "[limits]") {
  const std::size_t n = 120;
  const std::string policy = std::string(kHeader) + "output Household.a: integer = " + std::string(n, '(') +
                             "1" + std::string(n, ')') + "\n" +
                             "output Household.b: integer = 0" + repeat(" + 1", 200) + "\n" +
                             "output Household.c: integer = " + repeat("if 1 = 2 then 0 else ", 60) + "7\n" +
                             "output Household.d: integer = " + repeat("- ", 200) + "5\n" +
                             "output Household.e: integer = " + repeat("max(1, ", 100) + "3" + std::string(100, ')') + "\n" +
                             "test \"deep\" as of 2026-01-01 {\n  household { members: [] }\n"
                             "  expect a = 1\n  expect b = 200\n  expect c = 7\n  expect d = 5\n  expect e = 3\n}\n";
  CHECK(outcome(policy) == "ok");
}

TEST_CASE("Names and texts have a maximum length", "[limits]") {
  const std::string name255(pol::syntax::kMaxNameBytes, 'n');
  CHECK(outcome(std::string(kHeader) + "output Household." + name255 + ": integer = 1\n") == "ok");
  CHECK(outcome(std::string(kHeader) + "output Household." + name255 + "n: integer = 1\n") ==
        "E0003: this name is 256 bytes long; names may have at most 255 bytes");
  const std::string text(pol::syntax::kMaxTextBytes, 't');
  CHECK(outcome(std::string(kHeader) + "output Household.y: text = \"" + text + "\"\n") == "ok");
  CHECK(outcome(std::string(kHeader) + "output Household.y: text = \"" + text + "t\"\n") ==
        "E0003: this text is 65537 bytes long; texts may have at most 65536 bytes");
  CHECK(outcome(std::string(kHeader) + "output Household.y: integer = 1 cite \"" + text + "t\"\n") ==
        "E0003: this text is 65537 bytes long; texts may have at most 65536 bytes");
}

TEST_CASE("Numeric literals have at most 1000 digits", "[limits]") {
  const std::string digits(pol::Decimal::kMaxDigits, '9');
  CHECK(outcome(std::string(kHeader) + "output Household.y: decimal = " + digits + "\n") == "ok");
  CHECK(outcome(std::string(kHeader) + "output Household.y: decimal = 0." + digits + "\n") == "ok");
  CHECK(outcome(std::string(kHeader) + "output Household.y: decimal = 9" + digits + "\n") ==
        "E0003: the number `9" + digits + "` cannot be represented");
}

TEST_CASE("A policy file has at most 16 MiB", "[limits]") {
  std::string source = std::string(kHeader) + "output Household.y: integer = 1\n";
  source += std::string(pol::syntax::kMaxSourceBytes - source.size(), '#');
  CHECK(outcome(source) == "ok");  // all comment after the rule
  source += "#";
  CHECK(outcome(source) ==
        "E0000: the policy file is 16777217 bytes long; a policy file may have at most 16777216 bytes (16 MiB)");
}

namespace {

std::shared_ptr<const pol::Policy> records_policy() {
  static const pol::Compilation c =
      pol::compile_source("limits.pol", std::string(kHeader) + "output Household.n: integer = count(members)\n");
  REQUIRE(c.policy);
  return c.policy;
}

// Each record of `input` read as `format`: "ok N" (N members), or "error: MESSAGE".
std::vector<std::string> read_all(const std::string& input, pol::io::InputFormat format) {
  std::istringstream in(input);
  auto reader = pol::io::open_reader(*records_policy(), in, format, "limits");
  std::vector<std::string> out;
  pol::io::ReadResult result;
  while (reader->next(result)) {
    if (auto* r = std::get_if<pol::Record>(&result)) {
      out.push_back("ok " + std::to_string(r->root.collections[0].size()));
    } else {
      const auto& e = std::get<pol::io::RecordError>(result);
      CHECK(e.raw.size() <= pol::io::detail::kMaxRawBytes + 3);
      out.push_back("error: " + e.message);
    }
  }
  return out;
}

const std::string kTooLarge = "error: " + pol::io::detail::record_too_large_message();

}  // namespace

TEST_CASE("JSON records nest at most 200 levels deep", "[limits]") {
  const std::string deep = "{\"id\":\"a\",\"members\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}\n";
  const auto lines = read_all(deep + "{\"id\":\"b\",\"members\":[{\"x\":1}]}\n", pol::io::InputFormat::JsonLines);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("objects and arrays are nested more than 200 levels deep") != std::string::npos);
  CHECK(lines[1] == "ok 1");
  const std::string objects = "[" + repeat("{\"a\":", 100'000) + "1" + std::string(100'000, '}') +
                              ",\n{\"id\":\"b\",\"members\":[]}]";
  const auto records = read_all(objects, pol::io::InputFormat::Json);
  REQUIRE(records.size() == 2);
  CHECK(records[0].find("nested more than 200 levels deep") != std::string::npos);
  CHECK(records[1] == "ok 0");
}

TEST_CASE("A record has at most 16 MiB; the next one is read", "[limits]") {
  const std::size_t big = pol::io::detail::kMaxRecordBytes;
  const std::string member = "{\"x\":1},";
  const std::string huge_members = repeat(member, big / member.size() + 1);
  const std::string fits = "{\"id\":\"a\",\"members\":[" + repeat(member, 1000) + "{\"x\":1}]}";
  const std::string next = "{\"id\":\"b\",\"members\":[{\"x\":2}]}";

  // JSON lines: a line over the limit, then a line that fits.
  CHECK(read_all(fits + "\n{\"id\":\"h\",\"members\":[" + huge_members + "{\"x\":1}]}\n" + next + "\n",
                 pol::io::InputFormat::JsonLines) == std::vector<std::string>{"ok 1001", kTooLarge, "ok 1"});
  // A huge text inside a string.
  CHECK(read_all("{\"id\":\"" + std::string(big, 's') + "\"}\n" + next + "\n", pol::io::InputFormat::JsonLines) ==
        std::vector<std::string>{kTooLarge, "ok 1"});
  // JSON array: an element over the limit is skipped to its end.
  CHECK(read_all("[" + fits + ",\n{\"id\":\"h\",\"members\":[" + huge_members + "{\"x\":1}]},\n" + next + "]",
                 pol::io::InputFormat::Json) == std::vector<std::string>{"ok 1001", kTooLarge, "ok 1"});
  CHECK(read_all("[{\"id\":\"" + std::string(big, 's') + "\"}, " + next + "]", pol::io::InputFormat::Json) ==
        std::vector<std::string>{kTooLarge, "ok 1"});

  // CSV: one row over the limit, and a household whose rows together are.
  const std::string header = "id,x\n";
  const auto csv = read_all(header + "a," + std::string(big, '1') + "\nb,2\n", pol::io::InputFormat::Csv);
  REQUIRE(csv.size() == 2);
  CHECK(csv[0].find(pol::io::detail::record_too_large_message()) != std::string::npos);
  CHECK(csv[1] == "ok 1");
  CHECK(read_all(header + repeat("h,1\n", big / 4 + 1) + "b,2\n", pol::io::InputFormat::Csv) ==
        std::vector<std::string>{kTooLarge, "ok 1"});
}

TEST_CASE("Members per household: as many as fit in a record; embedders may cap them", "[limits]") {
  const std::string line = "{\"id\":\"a\",\"members\":[" + repeat("{\"x\":1},", 50'000) + "{\"x\":1}]}\n";
  std::istringstream in(line);
  auto reader = pol::io::open_reader(*records_policy(), in, pol::io::InputFormat::JsonLines, "limits");
  pol::io::ReadResult result;
  REQUIRE(reader->next(result));
  const auto& record = std::get<pol::Record>(result);
  CHECK(record.root.collections[0].size() == 50'001);
  pol::Evaluator evaluator(*records_policy(), *pol::Date::parse("2026-01-01"));
  const pol::Outcome all = evaluator.evaluate(record);
  REQUIRE(all.ok);
  CHECK(all.outputs[0].number == pol::Decimal::from_int(50'001));
  evaluator.set_limits(pol::EvaluationLimits{0, std::chrono::milliseconds(0), 1000});
  const pol::Outcome capped = evaluator.evaluate(record);
  REQUIRE_FALSE(capped.ok);
  CHECK(capped.error->message == "the record has 50002 entity instances, more than the embedder's limit of 1000");
}

TEST_CASE("Records per batch are unlimited: readers stream", "[limits]") {
  // 20,000 records read one at a time; nothing grows with the number read.
  std::string input;
  for (int i = 0; i < 20'000; ++i) input += "{\"id\":\"h" + std::to_string(i) + "\",\"members\":[{\"x\":1}]}\n";
  const auto lines = read_all(input, pol::io::InputFormat::JsonLines);
  CHECK(lines.size() == 20'000);
  CHECK(std::count(lines.begin(), lines.end(), "ok 1") == 20'000);
}
