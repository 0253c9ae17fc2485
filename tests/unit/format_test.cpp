// pol fmt (interpreter/src/format/): the canonical layout is stable (formatting twice gives the
// same text), never changes what a policy means (same inline test results, same outputs on the
// bundled households), keeps every comment, and lays out hand-written messy inputs as docs/fmt.md
// says.
#include <catch2/catch.hpp>

#include <antlr4-runtime.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "PolLexer.h"
#include "pol/format.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = POL_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Source {
  std::string name;  // for messages
  std::string text;
};

std::vector<fs::path> pol_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".pol") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Every ```pol block of docs/*.md, extracted as tests/docs/doc_examples_test.cpp does.
std::vector<Source> doc_blocks() {
  std::vector<Source> blocks;
  for (const auto& entry : fs::directory_iterator(kRoot / "docs")) {
    if (entry.path().extension() != ".md") continue;
    std::ifstream in(entry.path());
    std::string line;
    int number = 0;
    bool inside = false;
    Source current;
    while (std::getline(in, line)) {
      ++number;
      if (!inside && line.rfind("```pol", 0) == 0 && line.size() == 6) {
        inside = true;
        current = Source{entry.path().string() + ":" + std::to_string(number), ""};
      } else if (inside && line.rfind("```", 0) == 0) {
        inside = false;
        blocks.push_back(current);
      } else if (inside) {
        current.text += line + "\n";
      }
    }
  }
  return blocks;
}

std::vector<Source> all_sources() {
  std::vector<Source> sources;
  for (const auto& dir : {kRoot / "examples", kRoot / "stdlib"})
    for (const auto& path : pol_files(dir)) sources.push_back(Source{path.string(), read_file(path)});
  for (auto& block : doc_blocks()) sources.push_back(std::move(block));
  return sources;
}

std::size_t count_comments(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  pol_grammar::PolLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  std::size_t count = 0;
  for (auto* token : tokens.getTokens()) count += token->getType() == pol_grammar::PolLexer::COMMENT;
  return count;
}

std::string fmt_ok(const std::string& text) {
  pol::FormatResult result = pol::format_source("case.pol", text);
  pol::SourceSet sources;
  sources.add("case.pol", text);
  INFO(pol::render_all(result.diagnostics, sources));
  REQUIRE(!pol::has_errors(result.diagnostics));
  return result.formatted;
}

// The outputs of every bundled household of examples/data/NAME, as CSV, and the rejects.
std::string outputs_on_households(const pol::Policy& policy, const std::string& name) {
  const fs::path data = kRoot / "examples" / "data";
  std::string as_of_text = read_file(data / (name + ".as_of"));
  while (!as_of_text.empty() && std::isspace(static_cast<unsigned char>(as_of_text.back()))) as_of_text.pop_back();
  auto as_of = pol::Date::parse(as_of_text);
  REQUIRE(as_of);
  pol::Evaluator evaluator(policy, *as_of);
  if (fs::exists(data / (name + ".context.json"))) {
    std::ifstream context_in(data / (name + ".context.json"));
    auto context = pol::io::read_context(policy, context_in, name + ".context.json");
    REQUIRE(std::holds_alternative<pol::EntityRecord>(context));
    evaluator.set_context(std::get<pol::EntityRecord>(std::move(context)));
  }
  std::ifstream in(data / (name + ".jsonl"));
  REQUIRE(in);
  auto reader = pol::io::open_reader(policy, in, pol::io::InputFormat::JsonLines, name + ".jsonl");
  std::ostringstream out, log;
  auto writer = pol::io::open_writer(policy, out, pol::io::OutputFormat::Csv);
  pol::io::ReadResult read;
  std::size_t evaluated = 0;
  while (reader->next(read)) {
    if (auto* error = std::get_if<pol::io::RecordError>(&read)) {
      log << "rejected " << error->record << " " << error->field << ": " << error->message << "\n";
      continue;
    }
    auto& record = std::get<pol::Record>(read);
    pol::Outcome outcome = evaluator.evaluate(record);
    if (!outcome.ok) {
      log << "failed " << record.id << " " << outcome.error->rule << ": " << outcome.error->message << "\n";
      continue;
    }
    writer->write(record, outcome);
    ++evaluated;
  }
  writer->finish();
  CHECK(evaluated > 0);
  return out.str() + "--\n" + log.str();
}

}  // namespace

TEST_CASE("fmt: formatting twice gives the same text (examples, stdlib, docs)") {
  std::size_t formatted = 0;
  for (const auto& source : all_sources()) {
    INFO(source.name);
    pol::FormatResult once = pol::format_source(source.name, source.text);
    if (pol::has_errors(once.diagnostics)) {
      // Only documentation blocks that show a syntax mistake may fail to format.
      CHECK(source.text.rfind("# expect-error: E000", 0) == 0);
      continue;
    }
    ++formatted;
    pol::FormatResult twice = pol::format_source(source.name, once.formatted);
    REQUIRE(!pol::has_errors(twice.diagnostics));
    CHECK(twice.formatted == once.formatted);
    CHECK(count_comments(once.formatted) == count_comments(source.text));
  }
  CHECK(formatted > 20);
}

TEST_CASE("fmt: formatting never changes the meaning of the examples") {
  for (const auto& path : pol_files(kRoot / "examples")) {
    const std::string name = path.stem().string();
    INFO(path.string());
    const std::string text = read_file(path);
    const std::string formatted = fmt_ok(text);
    // Compiled under the same path, so that imports resolve the same way.
    pol::Compilation before = pol::compile_source(path.string(), text);
    pol::Compilation after = pol::compile_source(path.string(), formatted);
    INFO(pol::render_all(after.diagnostics, after.sources));
    REQUIRE(before.policy);
    REQUIRE(after.policy);

    auto tests_before = pol::run_inline_tests(*before.policy);
    auto tests_after = pol::run_inline_tests(*after.policy);
    REQUIRE(tests_before.size() == tests_after.size());
    CHECK(!tests_before.empty());
    for (std::size_t i = 0; i < tests_before.size(); ++i) {
      CHECK(tests_before[i].name == tests_after[i].name);
      CHECK(tests_before[i].passed == tests_after[i].passed);
      CHECK(tests_before[i].failures.size() == tests_after[i].failures.size());
    }

    if (fs::exists(kRoot / "examples" / "data" / (name + ".jsonl"))) {
      CHECK(outputs_on_households(*before.policy, name) == outputs_on_households(*after.policy, name));
    }
  }
}

TEST_CASE("fmt: spacing, indentation, blank lines, citations and comments") {
  const std::string messy = R"pol(policy   "Messy"   cite "Act"
# entities
entity Person{input age:integer=0 cite "s.1"
      input   income : money   # yearly
  }
entity Household {
members : list of Person


}
parameter cap:money=$1,234.56
parameter rate_a : rate cite "s.2" from 2024-01-01=5%   from 2025-01-01 = 6.5%   cite "s.3"
rule Person.adult:boolean=age>=18 and not(income<$0)
rule Person.benefit : money =
      if adult
   then min( cap , income*rate_a )
 else -$3
   cite "s.4"
output Household.total:money=sum( members.benefit )   # the sum
)pol";
  const std::string expected = R"pol(policy "Messy" cite "Act"

# entities
entity Person {
  input age: integer = 0 cite "s.1"
  input income: money  # yearly
}
entity Household {
  members: list of Person
}

parameter cap: money = $1,234.56
parameter rate_a: rate cite "s.2"
  from 2024-01-01 = 5%
  from 2025-01-01 = 6.5% cite "s.3"

rule Person.adult: boolean = age >= 18 and not (income < $0)
rule Person.benefit: money =
  if adult
  then min(cap, income * rate_a)
  else -$3
  cite "s.4"

output Household.total: money = sum(members.benefit)  # the sum
)pol";
  CHECK(fmt_ok(messy) == expected);
  CHECK(fmt_ok(expected) == expected);
}

TEST_CASE("fmt: schedules and exceptions") {
  const std::string messy = R"pol(schedule tax:marginal money->money cite "s.5"
from 2024-01-01
above $0:0%
above $10,000 : 10% cite "s.5(2)"
  from 2025-01-01 cite "A"
      at or above $0 : 1%
exception Person.benefit=$0 when age<16 cite "s.6"
exception strike : Person.benefit = cap when income>cap over other
)pol";
  const std::string expected = R"pol(schedule tax: marginal money -> money cite "s.5"
  from 2024-01-01
    above $0: 0%
    above $10,000: 10% cite "s.5(2)"
  from 2025-01-01 cite "A"
    at or above $0: 1%

exception Person.benefit = $0 when age < 16 cite "s.6"
exception strike: Person.benefit = cap when income > cap over other
)pol";
  CHECK(fmt_ok(messy) == expected);
  CHECK(fmt_ok(expected) == expected);
}

TEST_CASE("fmt: tests with lists and series literals") {
  const std::string messy = R"pol(test "t"   as of 2026-01-01{
context{rate:5%,weekly:{"2026-W01":1%,"2026-W02" : 2%}}
household{ members:[{age:4},{ age : 12 }] ,
income:$1,000
}
 expect total=$0   # none
expect members[2].benefit = -$3.50
  expect error "boom"
}
)pol";
  const std::string expected = R"pol(test "t" as of 2026-01-01 {
  context { rate: 5%, weekly: { "2026-W01": 1%, "2026-W02": 2% } }
  household { members: [ { age: 4 }, { age: 12 } ],
    income: $1,000
  }
  expect total = $0  # none
  expect members[2].benefit = -$3.50
  expect error "boom"
}
)pol";
  CHECK(fmt_ok(messy) == expected);
  CHECK(fmt_ok(expected) == expected);
}

TEST_CASE("fmt: enumerations, comments between and inside declarations, blank lines") {
  const std::string messy = "enum   Tenure{owner,renter\n,rent_free}\n# about people\n\n\n"
                            "entity P {\n  input a: integer\n  # last comment\n}\n\n\n\n"
                            "rule P.x: integer = a\n# trailing file comment";
  const std::string expected = "enum Tenure { owner, renter\n  , rent_free }\n\n# about people\n\n"
                               "entity P {\n  input a: integer\n  # last comment\n}\n\n"
                               "rule P.x: integer = a\n# trailing file comment\n";
  CHECK(fmt_ok(messy) == expected);
  CHECK(fmt_ok(expected) == expected);
}

TEST_CASE("fmt: line breaks inside parentheses are kept, continuation lines indented by nesting") {
  const std::string messy = "function f(a: money,\n     b: money): money =\nmin(round(a * 2,\n to: $0.01,"
                            " mode: floor),\n          b\n)\n";
  const std::string expected = "function f(a: money,\n  b: money): money =\n  min(round(a * 2,\n    to: $0.01,"
                               " mode: floor),\n    b\n  )\n";
  CHECK(fmt_ok(messy) == expected);
  CHECK(fmt_ok(expected) == expected);
}

TEST_CASE("fmt: a file with syntax errors is not formatted") {
  pol::FormatResult result = pol::format_source("bad.pol", "rule Person.x: money = (1 +\n");
  CHECK(pol::has_errors(result.diagnostics));
  CHECK(result.formatted.empty());
  CHECK(result.diagnostics.front().code == "E0001");
}

TEST_CASE("fmt: an empty file and a file of comments only") {
  CHECK(fmt_ok("") == "");
  CHECK(fmt_ok("\n\n# a\n\n\n   # b   \n") == "# a\n\n# b\n");
}
