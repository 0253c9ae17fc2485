// libFuzzer target: a fixed policy covering every input type, series, enumerations, members,
// nested members, defaults and context-free evaluation, against arbitrary bytes read as JSON
// lines, a JSON array and CSV. Every record is read and every record read is evaluated (with
// per-record limits, as an embedder evaluating records it did not write would). The JSON lines are
// also read for a second policy, one with a batch plan, and evaluated in blocks
// (Evaluator::evaluate_batch) and one by one: the two must agree on every record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "eval/program.hpp"  // Program::batch_plan: the second policy must have one
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace {

constexpr const char* kPolicy = R"pol(policy "Fuzz: every input type"

enum Status { single, married, widowed }

entity Person {
  input age: integer
  input employed: boolean = false
  input hours: decimal = 0
  input wage: money = $0
  input share: rate = 0%
  input born: date = 2000-01-01
  input name: text = ""
  input status: Status = single
  input wages: money by quarter = $0
  input hours_by_month: decimal by month = 0
  input flags: boolean by year = false
  children: list of Child
}
entity Child {
  input age: integer
  input weekly: money by week = $0
}
entity Household {
  input region: text = "north"
  input size: integer = 1
  members: list of Person
}

context {
  input unemployment_rate: rate = 5%
  input claims: integer by week = 0
}

parameter base: money
  from 2020-01-01 = $100.00
  from 2026-01-01 = $120.50

rule Person.year_wages: money = total(wages, from: quarter_of(as_of) - 4, to: quarter_of(as_of) - 1)
rule Person.child_count: integer = count(children)
output Person.benefit: money =
  if age >= 18 and not employed and status != married
  then round(base * (1 + share) + year_wages / 13 + hours * $1.25, to: $0.01, mode: half_even)
  else $0
output Household.total: money = sum(members.benefit)
output Household.people: integer = count(members) + sum(members.child_count)
output Household.named: boolean = region = "north"
)pol";

const pol::Policy& policy() {
  static const pol::Compilation c = [] {
    pol::Compilation compiled = pol::compile_source("fuzz_records.pol", kPolicy);
    if (!compiled.policy) {
      std::cerr << pol::render_all(compiled.diagnostics, compiled.sources);
      std::abort();
    }
    return compiled;
  }();
  return *c.policy;
}

void read_all(const std::string& text, pol::io::InputFormat format, const char* name) {
  static pol::Evaluator evaluator = [] {
    pol::Evaluator e(policy(), *pol::Date::parse("2026-03-01"));
    e.set_limits(pol::EvaluationLimits{1'000'000, std::chrono::milliseconds(0), 10'000});
    return e;
  }();
  std::istringstream in(text);
  auto reader = pol::io::open_reader(policy(), in, format, name);
  pol::io::ReadResult result;
  std::ostringstream sink;
  auto writer = pol::io::open_writer(policy(), sink, pol::io::OutputFormat::JsonLines);
  pol::io::RejectWriter rejects(sink);
  while (reader->next(result)) {
    (void)reader->take_warnings();
    (void)reader->raw_text();
    if (auto* record = std::get_if<pol::Record>(&result)) {
      pol::Outcome outcome = evaluator.evaluate(*record);
      if (outcome.ok) writer->write(*record, outcome);
    } else {
      rejects.write(std::get<pol::io::RecordError>(result));
    }
  }
  writer->finish();
}

// Members, their rules and a member reading its household, count/sum/any/all/min/max with and
// without `where`, and lanes that fail (division by zero, a missing input, an empty max).
constexpr const char* kBatchPolicy = R"pol(policy "Fuzz: blocks"

enum Status { single, married, widowed }

entity Person {
  input age: integer
  input employed: boolean = false
  input hours: decimal
  input wage: money = $0
  input share: rate = 0%
  input status: Status = single
}
entity Household {
  input size: integer = 1
  input divisor: decimal = 2
  members: list of Person
}

parameter base: money
  from 2020-01-01 = $100.00
  from 2026-01-01 = $120.50

rule Person.hourly: money = wage / hours
rule Person.adult: boolean = age >= 18 and status != married
rule Person.benefit: money =
  if adult and not employed
  then round(base * (1 + share) + wage / household.divisor, to: $0.01, mode: half_even)
  else $0
output Household.total: money = sum(members.benefit)
output Household.adults: integer = count(members where adult) + size
output Household.any_well_paid: boolean = any(members where hourly > $30)
output Household.all_employed: boolean = all(members.employed where age >= 16)
output Household.top_wage: money = if count(members) > 0 then max(members.wage) else $0
output Household.youngest: integer = min(members.age where employed)
)pol";

const pol::Policy& batch_policy() {
  static const pol::Compilation c = [] {
    pol::Compilation compiled = pol::compile_source("fuzz_batch.pol", kBatchPolicy);
    if (!compiled.policy || !compiled.policy->program().batch_plan) {
      std::cerr << pol::render_all(compiled.diagnostics, compiled.sources) << "no batch plan\n";
      std::abort();
    }
    return compiled;
  }();
  return *c.policy;
}

std::string describe(const pol::Policy& p, const pol::Outcome& outcome) {
  if (!outcome.ok) return "error: " + outcome.error->message;
  std::string text;
  for (std::size_t o = 0; o < p.outputs().size(); ++o)
    text += pol::format_value(p.outputs()[o].type, outcome.outputs[o], p.enums()) + " ";
  return text;
}

void evaluate_in_blocks(const std::string& text) {
  static pol::Evaluator one(batch_policy(), *pol::Date::parse("2026-03-01"));
  static pol::Evaluator blocks(batch_policy(), *pol::Date::parse("2026-03-01"));
  std::istringstream in(text);
  auto reader = pol::io::open_reader(batch_policy(), in, pol::io::InputFormat::JsonLines, "fuzz.jsonl");
  std::vector<pol::Record> records;
  for (pol::io::ReadResult result; reader->next(result) && records.size() < 1000;)
    if (auto* record = std::get_if<pol::Record>(&result)) records.push_back(std::move(*record));
  std::vector<pol::Outcome> outcomes(records.size());
  blocks.evaluate_batch(records, outcomes);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string alone = describe(batch_policy(), one.evaluate(records[i]));
    const std::string in_block = describe(batch_policy(), outcomes[i]);
    if (alone != in_block) {
      std::cerr << "record " << i << ": alone " << alone << "\nin a block " << in_block << "\n";
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  read_all(text, pol::io::InputFormat::JsonLines, "fuzz.jsonl");
  read_all(text, pol::io::InputFormat::Json, "fuzz.json");
  read_all(text, pol::io::InputFormat::Csv, "fuzz.csv");
  evaluate_in_blocks(text);
  std::istringstream context(text);
  (void)pol::io::read_context(policy(), context, "fuzz.context.json");
  return 0;
}
