// Many records on several threads: one immutable Policy shared by all, one Evaluator per thread,
// records built once with input handles, context data (a series) set on every Evaluator, records
// that carry their own date, batches into outcomes the caller owns, and exact sums.
#include <pol/period.hpp>
#include <pol/policy.hpp>
#include <pol/value.hpp>

#include <cstddef>
#include <iostream>
#include <span>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/unemployment_insurance.pol";
  pol::Compilation compiled = pol::compile_file(path);  // once, for the whole run
  if (!compiled.policy) {
    std::cerr << pol::render_all(compiled.diagnostics, compiled.sources);
    return 1;
  }
  const pol::Policy& policy = *compiled.policy;
  const auto region_rate = *policy.find_input("Household", "region_unemployment_rate");
  const auto employed = *policy.find_input("Person", "employed");
  const auto reason = *policy.find_input("Person", "separation_reason");
  const auto weeks_worked = *policy.find_input("Person", "weeks_worked_last_52");
  const auto wages = *policy.find_input("Person", "highest_quarter_wages");
  const auto regular_paid = *policy.find_input("Person", "regular_weeks_paid");
  const int members = policy.entities()[policy.root_entity()].collection_index("members");
  const int layoff = *policy.enums()[reason.type.enum_index].ordinal_of("layoff");

  // 10,000 households of one person who has drawn all 26 regular weeks. Every other household
  // carries its own date (the Evaluator's date applies to the others).
  std::vector<pol::Record> records(10000);
  for (std::size_t i = 0; i < records.size(); ++i) {
    pol::Record& r = records[i];
    r.id = "h" + std::to_string(i);
    if (i % 2 == 1) r.as_of = *pol::Date::parse("2025-12-01");  // the 50% replacement rate applies
    r.root = policy.empty_record(policy.root_entity());
    r.root.inputs[region_rate.index] = pol::Value::of_number(*pol::Decimal::parse("0.05"));
    pol::EntityRecord person = policy.empty_record(employed.entity);
    person.inputs[employed.index] = pol::Value::of_bool(false);
    person.inputs[reason.index] = pol::Value::of_enum(layoff);
    person.inputs[weeks_worked.index] = pol::Value::of_number(pol::Decimal::from_int(45));
    // $5,000.00 to $14,999.00 of highest-quarter wages
    const auto cents = static_cast<std::int64_t>(500000 + (i * 7919) % 1000000 / 100 * 100);
    person.inputs[wages.index] = pol::Value::of_number(pol::Decimal::from_scaled(cents, 2));
    person.inputs[regular_paid.index] = pol::Value::of_number(pol::Decimal::from_int(26));
    r.root.collections[members].push_back(std::move(person));
  }

  // The context: the State's insured unemployment rate, 6.5% in every week of 2023 to mid-2026
  // (a series: period index -> value). Shared, never copied, by every Evaluator that receives it.
  const auto iur = *policy.find_input(policy.entities()[policy.context_entity()].name, "insured_unemployment_rate");
  pol::SeriesValues weekly;
  const auto first = *pol::parse_period(pol::PeriodKind::Week, "2023-W01");
  const auto last = *pol::parse_period(pol::PeriodKind::Week, "2026-W30");
  for (auto w = first; w <= last; ++w) weekly.emplace(w, pol::Value::of_number(*pol::Decimal::parse("0.065")));
  pol::EntityRecord context = policy.empty_record(policy.context_entity());
  context.inputs[iur.index] = pol::Value::of_series(std::move(weekly));

  // Output slots, looked up by name once.
  auto output = [&](std::string_view name) {
    for (std::size_t i = 0; i < policy.outputs().size(); ++i)
      if (policy.outputs()[i].name == name) return i;
    throw std::runtime_error("no output " + std::string(name));
  };
  const std::size_t weekly_benefit = output("total_weekly_benefit");
  const std::size_t extended = output("total_extended_benefit");

  // Two threads, each with its own Evaluator and its own half of the records and outcomes.
  const unsigned threads = 2;
  std::vector<pol::Outcome> outcomes(records.size());  // owned by the caller, reused across batches
  std::vector<pol::Decimal> weekly_sum(threads), extended_sum(threads);
  std::vector<std::size_t> failed(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      pol::Evaluator evaluator(policy, *pol::Date::parse("2026-03-01"));
      evaluator.set_context(context);
      const std::size_t begin = records.size() * t / threads, end = records.size() * (t + 1) / threads;
      const std::span<const pol::Record> mine(records.data() + begin, end - begin);
      const std::span<pol::Outcome> out(outcomes.data() + begin, end - begin);
      for (std::size_t at = 0; at < mine.size(); at += 1000)  // batches of 1,000
        evaluator.evaluate_batch(mine.subspan(at, std::min<std::size_t>(1000, mine.size() - at)),
                                 out.subspan(at, std::min<std::size_t>(1000, mine.size() - at)));
      for (const pol::Outcome& o : out) {
        if (!o.ok) { ++failed[t]; continue; }
        weekly_sum[t] += o.outputs[weekly_benefit].number;  // exact: no rounding, any order
        extended_sum[t] += o.outputs[extended].number;
      }
    });
  }
  for (auto& thread : pool) thread.join();

  pol::Decimal total_weekly, total_extended;
  std::size_t total_failed = 0;
  for (unsigned t = 0; t < threads; ++t) {
    total_weekly += weekly_sum[t];
    total_extended += extended_sum[t];
    total_failed += failed[t];
  }
  std::cout << records.size() << " households, " << total_failed << " failed\n"
            << "weekly benefits: " << total_weekly.to_string(2) << "\n"
            << "extended benefits payable: " << total_extended.to_string(2) << "\n"
            << "h0 (as of 2026-03-01): " << outcomes[0].outputs[weekly_benefit].number.to_string(2) << " a week\n"
            << "h1 (as of 2025-12-01): " << outcomes[1].outputs[weekly_benefit].number.to_string(2) << " a week\n";
  return total_failed == 0 ? 0 : 1;
}
