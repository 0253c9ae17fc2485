// Rules that read nothing of the household are computed once per evaluation date and context
// (eval/record_independence.hpp). These tests pin down which rules qualify and that the reused
// value is always the one a fresh evaluation would give: after a new context, on another date,
// and when the rule fails.
#include <catch2/catch.hpp>

#include <string>

#include "eval/program.hpp"
#include "pol/policy.hpp"
#include "record_helpers.hpp"

namespace {

using pol::Value;
using test_records::D;
using test_records::entity;
using test_records::output_index;
using test_records::record;

using test_records::compile;

bool independent(const pol::Policy& policy, const std::string& entity_name, const std::string& rule) {
  const auto& program = policy.program();
  for (const auto& e : program.entities)
    if (e.schema.name == entity_name)
      for (const auto& r : e.rules)
        if (r.info.name == rule) return r.record_independent;
  FAIL("no rule " << entity_name << "." << rule);
  return false;
}

using test_records::day;
Value num(const char* text) { return Value::of_number(D(text)); }

const std::string kPolicy =
    "entity Person { input wage: money }\n"
    "entity Household {\n"
    "  input region_weight: rate = 100%\n"
    "  members: list of Person\n"
    "}\n"
    "context { input state_rate: rate\n  input weekly: rate by week = 0% }\n"
    "parameter threshold: rate = 5%\n"
    "parameter step: money\n"
    "  from 2026-01-01 = $10\n"
    "  from 2026-06-01 = $20\n"
    "function on(w: week): boolean = if w < week_of(2020-01-06) then false else weekly[w] >= threshold or on(w - 1)\n"
    "rule Household.trigger: boolean = state_rate >= threshold\n"
    "rule Household.dated: money = if trigger then step else $0\n"
    "rule Household.recursive: boolean = on(week_of(as_of))\n"
    "rule Household.weighted: rate = state_rate * region_weight\n"
    "rule Person.person_step: money = step\n"
    "output Household.paid: money = dated + sum(members.person_pay)\n"
    "output Household.weighted_rate: rate = weighted\n"
    "output Household.recursive_on: boolean = recursive\n"
    "rule Person.person_pay: money = if wage > person_step then person_step else wage\n";

}  // namespace

TEST_CASE("record independence: rules reading only parameters, context, as_of and such rules qualify",
          "[evaluator][independence]") {
  auto policy = compile(kPolicy);
  CHECK(independent(*policy, "Household", "trigger"));     // context and a parameter
  CHECK(independent(*policy, "Household", "dated"));       // another independent rule, a dated parameter
  CHECK(independent(*policy, "Household", "recursive"));   // a recursive function over a context series
  CHECK(independent(*policy, "Person", "person_step"));    // a member entity's rule too
  CHECK_FALSE(independent(*policy, "Household", "weighted"));  // reads an input (even one with a default)
  CHECK_FALSE(independent(*policy, "Household", "paid"));      // aggregates members
  CHECK_FALSE(independent(*policy, "Person", "person_pay"));   // reads an input
}

TEST_CASE("record independence: a reused value follows the context and the date",
          "[evaluator][independence]") {
  auto policy = compile(kPolicy);
  const auto paid = output_index(*policy, "paid");
  const auto recursive_on = output_index(*policy, "recursive_on");
  auto context = [&](const char* rate) { return entity(*policy, policy->context_entity(), {{"state_rate", num(rate)}}); };
  pol::Evaluator evaluator(*policy, day("2026-03-01"));
  evaluator.set_context(context("0.06"));

  auto household = record(*policy, {}, {{{"wage", num("5")}}, {{"wage", num("50")}}});
  auto first = evaluator.evaluate(household);
  REQUIRE(first.ok);
  CHECK(first.outputs[paid].number == D("25"));  // trigger on: $10, members $5 + $10
  CHECK_FALSE(first.outputs[recursive_on].as_bool());
  auto second = evaluator.evaluate(household);
  REQUIRE(second.ok);
  CHECK(second.outputs[paid].number == D("25"));

  // A new context: the trigger is off.
  evaluator.set_context(context("0.04"));
  auto off = evaluator.evaluate(household);
  REQUIRE(off.ok);
  CHECK(off.outputs[paid].number == D("15"));

  // A record with its own date: the parameter's later step, and back again.
  auto later = household;
  later.as_of = day("2026-07-01");
  evaluator.set_context(context("0.06"));
  auto on_later = evaluator.evaluate(later);
  REQUIRE(on_later.ok);
  CHECK(on_later.outputs[paid].number == D("45"));  // $20 + $5 + $20
  auto back = evaluator.evaluate(household);
  REQUIRE(back.ok);
  CHECK(back.outputs[paid].number == D("25"));

  // A context series the recursive function reads: a week above the threshold in the past.
  pol::EntityRecord with_series = context("0.06");
  pol::SeriesValues weeks;
  weeks.emplace(*pol::parse_period(pol::PeriodKind::Week, "2026-W02"), D("0.07"));
  with_series.inputs[static_cast<std::size_t>(
      policy->entities()[static_cast<std::size_t>(policy->context_entity())].input_index("weekly"))] =
      Value::of_series(std::move(weeks));
  evaluator.set_context(std::move(with_series));
  auto series_on = evaluator.evaluate(household);
  REQUIRE(series_on.ok);
  CHECK(series_on.outputs[recursive_on].as_bool());
}

TEST_CASE("record independence: a failing rule fails every record that needs it, and is not remembered",
          "[evaluator][independence]") {
  auto policy = compile(kPolicy);
  pol::Evaluator evaluator(*policy, day("2026-03-01"));  // no context: state_rate is missing
  auto household = record(*policy, {}, {{{"wage", num("5")}}});
  for (int i = 0; i < 2; ++i) {
    auto outcome = evaluator.evaluate(household);
    REQUIRE_FALSE(outcome.ok);
    CHECK(outcome.error->message.find("state_rate") != std::string::npos);
  }
  // Before its first step the parameter has no value: an error on that date only.
  auto early = household;
  early.as_of = day("2025-12-31");
  evaluator.set_context(entity(*policy, policy->context_entity(), {{"state_rate", num("0.06")}}));
  auto failed = evaluator.evaluate(early);
  REQUIRE_FALSE(failed.ok);
  CHECK(failed.error->message.find("step") != std::string::npos);
  auto fine = evaluator.evaluate(household);
  REQUIRE(fine.ok);
  CHECK(fine.outputs[output_index(*policy, "paid")].number == D("15"));
}

TEST_CASE("record independence: under a step limit every record pays for the rules it needs",
          "[evaluator][independence]") {
  auto policy = compile(kPolicy);
  pol::Evaluator evaluator(*policy, day("2026-03-01"));
  evaluator.set_context(entity(*policy, policy->context_entity(), {{"state_rate", num("0.06")}}));
  auto household = record(*policy, {}, {{{"wage", num("5")}}});
  // The recursive trigger walks back week by week to 2020: far more steps than the rest. Computed
  // once without limits, it is not reused once there are: the record still costs its steps.
  REQUIRE(evaluator.evaluate(household).ok);
  evaluator.set_limits(pol::EvaluationLimits{.max_steps = 200});
  for (int i = 0; i < 3; ++i) {
    auto outcome = evaluator.evaluate(household);
    INFO("evaluation " << i);
    REQUIRE_FALSE(outcome.ok);
    CHECK(outcome.error->message.find("steps") != std::string::npos);
  }
  evaluator.set_limits(pol::EvaluationLimits{});
  CHECK(evaluator.evaluate(household).ok);
}
