// Compile a policy once, build one household in code with input handles, evaluate it, and read
// every output exactly: as text, and money as a whole number of cents.
#include <pol/policy.hpp>
#include <pol/value.hpp>

#include <cstddef>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/unemployment_insurance.pol";
  pol::Compilation compiled = pol::compile_file(path);
  if (!compiled.policy) {  // the policy does not check: diagnostics are data, render them
    std::cerr << pol::render_all(compiled.diagnostics, compiled.sources);
    return 1;
  }
  const pol::Policy& policy = *compiled.policy;

  // Resolve each input once (a null optional means the policy has no such input).
  const auto region_rate = policy.find_input("Household", "region_unemployment_rate");
  const auto employed = policy.find_input("Person", "employed");
  const auto reason = policy.find_input("Person", "separation_reason");
  const auto weeks_worked = policy.find_input("Person", "weeks_worked_last_52");
  const auto wages = policy.find_input("Person", "highest_quarter_wages");
  const auto dependants = policy.find_input("Person", "dependants");
  if (!region_rate || !employed || !reason || !weeks_worked || !wages || !dependants) {
    std::cerr << path << " is not the unemployment insurance policy this program expects\n";
    return 1;
  }
  const int layoff = *policy.enums()[reason->type.enum_index].ordinal_of("layoff");
  const int members = policy.entities()[policy.root_entity()].collection_index("members");

  // A household of one unemployed person. Inputs not set take their default (dependants = 0).
  pol::Record household;
  household.id = "h1";
  household.root = policy.empty_record(policy.root_entity());
  household.root.inputs[region_rate->index] = pol::Value::of_number(*pol::Decimal::parse("0.05"));
  pol::EntityRecord person = policy.empty_record(employed->entity);
  person.inputs[employed->index] = pol::Value::of_bool(false);
  person.inputs[reason->index] = pol::Value::of_enum(layoff);
  person.inputs[weeks_worked->index] = pol::Value::of_number(pol::Decimal::from_int(45));
  person.inputs[wages->index] = pol::Value::of_number(pol::Decimal::from_scaled(910000, 2));  // $9,100.00
  person.inputs[dependants->index] = pol::Value::of_number(pol::Decimal::from_int(2));
  household.root.collections[members].push_back(std::move(person));

  pol::Evaluator evaluator(policy, *pol::Date::parse("2026-03-01"));
  const pol::Outcome outcome = evaluator.evaluate(household);
  if (!outcome.ok) {  // a problem with this record's data: reported, not thrown
    std::cerr << outcome.error->record_id << ": " << outcome.error->message << "\n";
    return 1;
  }
  const auto& outputs = policy.outputs();
  for (std::size_t i = 0; i < outputs.size(); ++i)
    std::cout << outputs[i].name << " = " << pol::format_value(outputs[i].type, outcome.outputs[i], policy.enums())
              << "\n";
  // Money for a ledger: an exact integer number of cents (nullopt if it were not whole cents).
  std::cout << "total_weekly_benefit in cents: " << *pol::to_scaled_int64(outcome.outputs[0], 2) << "\n";
  return 0;
}
