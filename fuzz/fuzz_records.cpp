// libFuzzer target: a fixed policy covering every input type, series, enumerations, members,
// nested members, defaults and context-free evaluation, against arbitrary bytes read as JSON
// lines, a JSON array and CSV. Every record is read and every record read is evaluated (with
// per-record limits, as an embedder evaluating records it did not write would).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  read_all(text, pol::io::InputFormat::JsonLines, "fuzz.jsonl");
  read_all(text, pol::io::InputFormat::Json, "fuzz.json");
  read_all(text, pol::io::InputFormat::Csv, "fuzz.csv");
  std::istringstream context(text);
  (void)pol::io::read_context(policy(), context, "fuzz.context.json");
  return 0;
}
