// A population held as arrays, one per variable, evaluated in blocks: pol::RecordColumns in,
// pol::OutcomeColumns out, no per-household objects. Failed rows are reported, the rest go on.
#include <pol/columns.hpp>
#include <pol/policy.hpp>

#include <cstddef>
#include <iostream>

const char* const kPolicy = R"(
entity Claimant {
  input employed: boolean
  input months_worked: integer
  input weekly_wage: money
  input dependants: integer = 0
}
parameter replacement_rate: rate = 50%
parameter per_dependant: money = $25
parameter maximum: money = $600
output Claimant.eligible: boolean = not employed and months_worked >= 6
output Claimant.weekly_benefit: money =
  if eligible
  then min(maximum, round(weekly_wage * replacement_rate, to: $0.01, mode: half_even)
                    + per_dependant * min(dependants, 4))
  else $0
)";

int main() {
  pol::Compilation compiled = pol::compile_source("claimants.pol", kPolicy);
  if (!compiled.policy) {
    std::cerr << pol::render_all(compiled.diagnostics, compiled.sources);
    return 1;
  }
  const pol::Policy& policy = *compiled.policy;
  const auto employed = *policy.find_input("Claimant", "employed");
  const auto months = *policy.find_input("Claimant", "months_worked");
  const auto wage = *policy.find_input("Claimant", "weekly_wage");
  const auto dependants = *policy.find_input("Claimant", "dependants");

  // 100,000 claimants; every input not set is not given (its default applies, if it has one).
  const std::size_t n = 100000;
  pol::RecordColumns people(policy, n);
  for (std::size_t i = 0; i < n; ++i) {
    people.set(employed, i, pol::Value::of_bool(i % 3 == 0));
    people.set_number(months, i, pol::Decimal::from_int(static_cast<std::int64_t>(i % 19)));
    people.set_number(wage, i, pol::Decimal::from_scaled(static_cast<std::int64_t>(20000 + (i * 7919) % 150001), 2));
    if (i % 5 == 0) people.set_number(dependants, i, pol::Decimal::from_int(static_cast<std::int64_t>(i % 7)));
  }
  people.unset(months, 41);  // months_worked has no default: this row fails, and only this row

  pol::Evaluator evaluator(policy, *pol::Date::parse("2026-03-01"));
  pol::OutcomeColumns out;
  evaluator.evaluate_columns(people, out);  // reuse `out` for the next population: its columns are resized

  std::size_t benefit = 0;
  for (std::size_t o = 0; o < policy.outputs().size(); ++o)
    if (policy.outputs()[o].name == "weekly_benefit") benefit = o;
  pol::Decimal total;
  std::size_t paid = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!out.ok[i]) continue;
    total += out.outputs[benefit].numbers[i];
    paid += out.outputs[benefit].numbers[i].sign() > 0;
  }
  std::cout << n - out.errors.size() << " evaluated, " << out.errors.size() << " failed\n";
  for (const auto& [row, error] : out.errors) std::cout << error.record_id << ": " << error.message << "\n";
  std::cout << paid << " claimants paid, " << total.to_string(2) << " a week in all\n";
  std::cout << "row 8: " << out.outputs[benefit].numbers[7].to_string(2) << "\n";  // $754.33 x 50%, half to even
  return 0;
}
