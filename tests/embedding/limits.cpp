// Errors as data and exceptions for misuse: a policy that does not check yields diagnostics; a
// record whose data is wrong, or that goes over the embedder's limits, yields a failed Outcome and
// the batch goes on; only a record not shaped like the policy (a bug in the caller) throws.
#include <pol/policy.hpp>
#include <pol/value.hpp>

#include <chrono>
#include <optional>
#include <iostream>
#include <stdexcept>
#include <vector>

int main() {
  // 1. A policy with a mistake: no exception, a diagnostic with a code, a place and a hint.
  pol::Compilation broken = pol::compile_source("broken.pol",
      "entity Person { input wage: money }\n"
      "entity Household { members: list of Person }\n"
      "output Household.total: money = sum(members.wages)\n");
  std::cout << "compiled: " << (broken.policy ? "yes" : "no") << "\n";
  for (const pol::Diagnostic& d : broken.diagnostics)
    std::cout << d.code << " at " << d.range.file << ":" << d.range.begin.line << ":" << d.range.begin.column
              << ": " << d.message << "\n";

  // 2. A policy that checks, with a recursive function and an input without a default.
  pol::Compilation compiled = pol::compile_source("depth.pol",
      "entity Person { input wage: money }\n"
      "entity Household { input depth: integer\n members: list of Person }\n"
      "function steps(n: integer): integer = if n <= 0 then 0 else steps(n - 1) + 1\n"
      "output Household.total: money = sum(members.wage)\n"
      "output Household.steps: integer = steps(depth)\n");
  if (!compiled.policy) {
    std::cerr << pol::render_all(compiled.diagnostics, compiled.sources);
    return 1;
  }
  const pol::Policy& policy = *compiled.policy;
  const auto depth = *policy.find_input("Household", "depth");
  const auto wage = *policy.find_input("Person", "wage");
  auto household = [&](const char* id, int members, std::optional<int> n) {
    pol::Record r;
    r.id = id;
    r.root = policy.empty_record(policy.root_entity());
    if (n) r.root.inputs[depth.index] = pol::Value::of_number(pol::Decimal::from_int(*n));
    for (int m = 0; m < members; ++m) {
      pol::EntityRecord person = policy.empty_record(wage.entity);
      person.inputs[wage.index] = pol::Value::of_number(pol::Decimal::from_scaled(10025, 2));
      r.root.collections[0].push_back(std::move(person));
    }
    return r;
  };
  auto print = [](const std::vector<pol::Outcome>& outcomes) {
    for (const pol::Outcome& o : outcomes) {
      if (o.ok) {
        std::cout << "ok: total " << o.outputs[0].number.to_string(2) << ", steps " << o.outputs[1].number << "\n";
        continue;
      }
      // The message up to its first " (": how deep recursion gets depends on the build.
      std::cout << "failed: " << o.error->record_id << (o.error->rule.empty() ? "" : " in " + o.error->rule)
                << ": " << o.error->message.substr(0, o.error->message.find(" (")) << "\n";
    }
  };

  // Without limits: a missing input and runaway recursion fail their record only.
  std::vector<pol::Record> records;
  records.push_back(household("fine", 2, 10));
  records.push_back(household("no-depth", 1, std::nullopt));  // a required input is missing
  records.push_back(household("too-deep", 1, 1000000));       // deeper than the stack allows
  records.push_back(household("also-fine", 3, 0));
  pol::Evaluator evaluator(policy, *pol::Date::parse("2026-01-01"));
  std::vector<pol::Outcome> outcomes(records.size());
  evaluator.evaluate_batch(records, outcomes);
  print(outcomes);

  // With limits on the work one record may cost (0 means no limit).
  evaluator.set_limits(pol::EvaluationLimits{
      .max_steps = 1000, .max_time = std::chrono::milliseconds(500), .max_members = 20});
  records.clear();
  records.push_back(household("crowded", 50, 10));  // 51 entity instances, the household included
  records.push_back(household("long", 1, 300));     // more than 1,000 steps
  records.push_back(household("fine", 2, 10));
  evaluator.evaluate_batch(records, outcomes);  // outcomes has room for more: only 3 are written
  outcomes.resize(records.size());
  print(outcomes);

  // 3. Misuse of the API: a record whose shape does not match the policy throws.
  pol::Record malformed = household("malformed", 1, 1);
  malformed.root.inputs.clear();  // not one slot per input of Household
  try {
    evaluator.evaluate(malformed);
    std::cout << "no exception?\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    std::cout << "std::invalid_argument: " << e.what() << "\n";
  }
  return 0;
}
