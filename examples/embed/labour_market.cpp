// A small agent-based labour-market simulator that embeds pol.
//
// Week by week it moves a population between jobs (hiring and separation probabilities follow a
// business cycle, so unemployment rises and falls) and keeps each person's history: weekly wage,
// wages by quarter, the weeks worked in the last 52, the length of the current spell, the reason
// for the last separation, and the weeks of benefit paid in the current spell. Each month it
// evaluates examples/unemployment_insurance.pol for everyone who is unemployed, through the C++
// API:
//
//   - the policy is compiled once; the immutable pol::Policy is shared by the worker threads;
//   - each worker thread owns one pol::Evaluator (never used by two threads at once);
//   - records are built in code with input handles resolved once (Policy::find_input), no JSON;
//   - the context data (the State's insured unemployment rate by week, computed from the
//     simulation itself) is published every month with Evaluator::set_context, as a series;
//   - benefit spending is summed exactly (pol::Decimal), and the extended-benefit trigger
//     (output extended_benefit_period) is read back each month.
//
// The payments of a month follow the policy's determination made at the start of the month: the
// weekly benefit while fewer regular weeks than the duration (s.7-8) have been paid, then, while an
// extended benefit period is in force (s.12) and the claimant has exhausted regular benefits, the
// weekly benefit until the extended account (s.13-14) is used up. The insured unemployment rate of
// a week is the number of people paid a regular benefit that week over the number employed.
//
//   pol_embed_labour_market [--people N] [--months M] [--warmup W] [--threads T] [--seed S]
//                           [--policy PATH] [--check]
//
// The first W months (36 by default: the trigger looks back 143 weeks) are a calm warm-up that
// builds the history the trigger compares with; the table shows the M months after it. --check
// verifies the invariants (spending = the sum of what each person received; the extended-benefit
// period is on exactly when the Act's conditions hold on the published rates, recomputed here
// independently; extended benefits are paid only in such months) and exits 1 if one fails.
#include <pol/period.hpp>
#include <pol/policy.hpp>
#include <pol/value.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <time.h>
#include <vector>

namespace {

using pol::Decimal;

#ifndef POL_SOURCE_DIR
#define POL_SOURCE_DIR "."
#endif

// --- Deterministic pseudo-random numbers (splitmix64): the same seed gives the same run. ---
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // true with probability ppm / 1,000,000 (integers only: no floating point anywhere)
  bool chance(std::uint32_t ppm) { return next() % 1000000 < ppm; }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

// The order of SeparationReason in the policy is looked up by name, not assumed.
enum Reason { kLayoff, kEndOfContract, kGoodCauseQuit, kVoluntaryQuit, kMisconduct, kReasons };
const char* const kReasonNames[kReasons] = {"layoff", "end_of_contract", "good_cause_quit",
                                            "voluntary_quit", "misconduct"};

struct Person {
  std::int64_t weekly_wage_cents = 0;
  std::int64_t quarter_wages_cents[5] = {};  // [0] the quarter in progress, [1..4] the last four completed
  std::uint64_t worked_weeks = 0;            // bit k: worked in the week k weeks ago (bit 0: this week)
  bool employed = true;
  std::uint8_t reason = kLayoff;             // of the last separation
  std::uint8_t dependants = 0;
  std::int32_t weeks_unemployed = 0;         // in the current spell
  std::int32_t regular_weeks_paid = 0;       // in the current spell
  std::int32_t extended_weeks_paid = 0;
  // The claim's base period, fixed when the spell began (as a benefit year is): the weeks worked
  // in the 52 weeks before the separation and the highest of the four quarters before it.
  std::int32_t claim_weeks_worked = 0;
  std::int64_t claim_highest_quarter_cents = 0;
  // The determination of the last monthly evaluation (cleared when the person finds a job).
  bool determined = false;
  Decimal weekly_benefit;
  std::int32_t benefit_weeks = 0;
  Decimal extended_left;                     // extended benefit still payable this month
  // What the person has received over the whole run.
  Decimal received_regular, received_extended;
};

// The business cycle over the months shown: calm, a recession from 15% to 45% of the window, then
// a strong recovery. Weekly probabilities in parts per million, and the mix of separation reasons
// (per thousand: layoff, end of contract, good-cause quit, voluntary quit, misconduct).
struct Cycle {
  std::uint32_t separation_ppm, hiring_ppm;
  int reason_mix[kReasons];
};
Cycle cycle_for(int shown_month, int months) {
  if (shown_month >= 0) {
    int per_mille = shown_month * 1000 / months;
    if (per_mille >= 150 && per_mille < 450) return {4300, 33000, {650, 200, 30, 90, 30}};
    if (per_mille >= 450) return {1700, 70000, {400, 200, 50, 300, 50}};
  }
  return {2000, 50000, {400, 200, 50, 300, 50}};
}

struct Options {
  int people = 100000, months = 36, warmup = 36, threads = 2;
  std::uint64_t seed = 20260101;
  std::string policy = POL_SOURCE_DIR "/examples/unemployment_insurance.pol";
  bool check = false;
};

// Money with thousands separators, exactly: 1234567.5 -> 1,234,567.50
std::string money(const Decimal& d) {
  const std::string s = d.round_places(2, pol::RoundingMode::HalfEven).to_string(2);
  const std::size_t start = s[0] == '-' ? 1 : 0, point = s.find('.');
  std::string out = s.substr(0, start);
  for (std::size_t i = start; i < point; ++i) {
    out += s[i];
    if (i + 1 < point && (point - i - 1) % 3 == 0) out += ',';
  }
  return out + s.substr(point);
}
std::string percent(const Decimal& rate) {  // 0.0612 -> 6.12%
  return (rate * Decimal::from_int(100)).round_places(2, pol::RoundingMode::HalfEven).to_string(2) + "%";
}

// --- The extended-benefit trigger of UI Act ss.11-12, restated independently for --check. ---
// It mirrors the policy's arithmetic (average = exact sum / 13 rounded as pol divides).
struct TriggerCheck {
  const std::map<std::int64_t, Decimal>& iur;
  std::map<std::int64_t, bool> on_memo;
  Decimal rate(std::int64_t w) const { auto it = iur.find(w); return it == iur.end() ? Decimal() : it->second; }
  Decimal avg13(std::int64_t w) const {
    Decimal total;
    for (std::int64_t k = w - 13; k <= w - 1; ++k) total += rate(k);
    return Decimal::divide(total, Decimal::from_int(13));
  }
  bool on(std::int64_t w) {
    if (auto it = on_memo.find(w); it != on_memo.end()) return it->second;
    const Decimal now = avg13(w);
    const Decimal prior = Decimal::divide(avg13(w - 52) + avg13(w - 104), Decimal::from_int(2));
    bool result = now >= *Decimal::parse("0.06") ||
                  (now >= *Decimal::parse("0.05") && now >= *Decimal::parse("1.2") * prior);
    return on_memo[w] = result;
  }
  bool turns_off(std::int64_t w) { return !on(w) && on(w - 1); }
  bool trigger(std::int64_t w) {
    if (!on(w)) return false;
    for (int k = 1; k <= 12; ++k) if (turns_off(w - k)) return false;
    return true;
  }
  bool begins(std::int64_t w) { return trigger(w) && !trigger(w - 1); }
  bool in_force(std::int64_t w) {
    if (trigger(w)) return true;
    for (int k = 1; k <= 12; ++k) if (begins(w - k)) return true;
    return false;
  }
};

// Everything a worker thread needs, resolved once from the compiled policy.
struct Handles {
  int root = -1, person = -1, members = -1;
  pol::Policy::InputHandle region_rate, employed, reason, weeks_worked, hq_wages, dependants,
      regular_paid, extended_paid;
  std::size_t out_weekly = 0, out_eligible = 0, out_weeks = 0, out_s8 = 0, out_eb_period = 0, out_extended = 0;
  int reason_ordinal[kReasons] = {};
  int context_entity = -1;
  pol::Policy::InputHandle iur;
};

Handles resolve(const pol::Policy& policy) {
  Handles h;
  auto input = [&](const char* entity, const char* name) {
    auto handle = policy.find_input(entity, name);
    if (!handle) throw std::runtime_error(std::string("the policy has no input ") + entity + "." + name);
    return *handle;
  };
  h.root = policy.root_entity();
  h.person = policy.entity_index("Person");
  h.members = policy.entities()[static_cast<std::size_t>(h.root)].collection_index("members");
  h.region_rate = input("Household", "region_unemployment_rate");
  h.employed = input("Person", "employed");
  h.reason = input("Person", "separation_reason");
  h.weeks_worked = input("Person", "weeks_worked_last_52");
  h.hq_wages = input("Person", "highest_quarter_wages");
  h.dependants = input("Person", "dependants");
  h.regular_paid = input("Person", "regular_weeks_paid");
  h.extended_paid = input("Person", "extended_weeks_paid");
  auto output = [&](const char* name) {
    const auto& outputs = policy.outputs();
    for (std::size_t i = 0; i < outputs.size(); ++i)
      if (outputs[i].name == name) return i;
    throw std::runtime_error(std::string("the policy has no output ") + name);
  };
  h.out_weekly = output("total_weekly_benefit");
  h.out_eligible = output("eligible_claimants");
  h.out_weeks = output("max_benefit_weeks");
  h.out_s8 = output("extension_on");
  h.out_eb_period = output("extended_benefit_period");
  h.out_extended = output("total_extended_benefit");
  const auto& reasons = policy.enums()[static_cast<std::size_t>(h.reason.type.enum_index)];
  for (int r = 0; r < kReasons; ++r) {
    auto ordinal = reasons.ordinal_of(kReasonNames[r]);
    if (!ordinal) throw std::runtime_error(std::string("SeparationReason has no value ") + kReasonNames[r]);
    h.reason_ordinal[r] = *ordinal;
  }
  h.context_entity = policy.context_entity();
  if (h.context_entity < 0) throw std::runtime_error("the policy has no context block");
  const auto& context = policy.entities()[static_cast<std::size_t>(h.context_entity)];
  h.iur = input(context.name.c_str(), "insured_unemployment_rate");
  return h;
}

// One worker: its own Evaluator, its own records and outcomes (reused month after month).
struct Worker {
  explicit Worker(pol::Evaluator e) : evaluator(std::move(e)) {}
  pol::Evaluator evaluator;
  std::vector<pol::Record> records;
  std::vector<pol::Outcome> outcomes;
  // Results of the last month.
  std::int64_t claimants = 0, evaluated = 0, errors = 0, eb_on = 0, eb_off = 0, s8_on = 0;
  std::string first_error;
  double cpu_seconds = 0;  // this thread's CPU time in evaluate_batch, over the whole run
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void evaluate_share(const pol::Policy& policy, const Handles& h, Worker& worker, std::vector<Person>& people,
                    const std::vector<std::uint32_t>& who, std::size_t begin, std::size_t end, pol::Date as_of,
                    const pol::Value& region_rate) {
  const std::size_t n = end - begin;
  if (worker.records.size() < n) {
    std::size_t old = worker.records.size();
    worker.records.resize(n);
    worker.outcomes.resize(n);
    for (std::size_t i = old; i < n; ++i) {  // shaped once: a household of one person
      auto& root = worker.records[i].root;
      root = policy.empty_record(h.root);
      root.collections[static_cast<std::size_t>(h.members)].push_back(policy.empty_record(h.person));
    }
  }
  auto set = [](pol::EntityRecord& e, const pol::Policy::InputHandle& handle, pol::Value v) {
    e.inputs[static_cast<std::size_t>(handle.index)] = std::move(v);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = who[begin + i];
    const Person& p = people[id];
    pol::Record& record = worker.records[i];
    record.id = std::to_string(id);
    record.as_of = as_of;  // per-record date: the Evaluator rebinds parameters only when it changes
    set(record.root, h.region_rate, region_rate);
    pol::EntityRecord& person = record.root.collections[static_cast<std::size_t>(h.members)][0];
    set(person, h.employed, pol::Value::of_bool(false));
    set(person, h.reason, pol::Value::of_enum(h.reason_ordinal[p.reason]));
    set(person, h.weeks_worked, pol::Value::of_number(Decimal::from_int(p.claim_weeks_worked)));
    set(person, h.hq_wages, pol::Value::of_number(Decimal::from_scaled(p.claim_highest_quarter_cents, 2)));
    set(person, h.dependants, pol::Value::of_number(Decimal::from_int(p.dependants)));
    set(person, h.regular_paid, pol::Value::of_number(Decimal::from_int(p.regular_weeks_paid)));
    set(person, h.extended_paid, pol::Value::of_number(Decimal::from_int(p.extended_weeks_paid)));
  }
  const double cpu0 = thread_cpu_seconds();
  worker.evaluator.evaluate_batch(std::span<const pol::Record>(worker.records.data(), n),
                                  std::span<pol::Outcome>(worker.outcomes.data(), n));
  worker.cpu_seconds += thread_cpu_seconds() - cpu0;
  worker.claimants = worker.evaluated = worker.errors = worker.eb_on = worker.eb_off = worker.s8_on = 0;
  worker.first_error.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const pol::Outcome& out = worker.outcomes[i];
    Person& p = people[who[begin + i]];
    ++worker.evaluated;
    if (!out.ok) {  // errors are data: this record is skipped, the month goes on
      if (worker.errors++ == 0) worker.first_error = out.error->record_id + ": " + out.error->message;
      p.determined = false;
      continue;
    }
    const bool eligible = out.outputs[h.out_eligible].number.sign() > 0;
    worker.claimants += eligible;
    (out.outputs[h.out_eb_period].as_bool() ? worker.eb_on : worker.eb_off) += 1;
    worker.s8_on += out.outputs[h.out_s8].as_bool();
    p.determined = eligible;
    p.weekly_benefit = out.outputs[h.out_weekly].number;
    p.benefit_weeks = static_cast<std::int32_t>(*out.outputs[h.out_weeks].number.to_int64());
    p.extended_left = out.outputs[h.out_extended].number;
  }
}

struct MonthRow {
  std::int64_t month;  // period index
  Decimal unemployment_rate, iur13;
  std::int64_t evaluated = 0, claimants = 0, errors = 0;
  Decimal regular, extended;
  bool eb_period = false, eb_mixed = false, s8 = false, eb_expected = false;
};

int run(const Options& opt) {
  const auto t_start = std::chrono::steady_clock::now();
  pol::Compilation compiled = pol::compile_file(opt.policy);  // once
  if (!compiled.policy) {
    std::cerr << pol::render_all(compiled.diagnostics, compiled.sources);
    return 2;
  }
  const pol::Policy& policy = *compiled.policy;
  const Handles h = resolve(policy);

  // Calendar: weeks are ISO weeks; a month holds the weeks whose Monday falls in it.
  const pol::Date first_monday = *pol::Date::from_ymd(2027, 1, 4);
  const std::int64_t first_shown_month = pol::period_of(pol::PeriodKind::Month, first_monday);
  const std::int64_t first_month = first_shown_month - opt.warmup;
  const std::int64_t last_month = first_shown_month + opt.months - 1;
  auto first_week_of_month = [](std::int64_t month) {
    pol::Date start = pol::period_start(pol::PeriodKind::Month, month);
    std::int64_t w = pol::period_of(pol::PeriodKind::Week, start);
    if (pol::period_start(pol::PeriodKind::Week, w) < start) ++w;
    return w;
  };

  // The population: everyone employed at the start, with a year of history.
  Rng rng{opt.seed};
  std::vector<Person> people(static_cast<std::size_t>(opt.people));
  for (auto& p : people) {
    p.weekly_wage_cents = 35000 + static_cast<std::int64_t>(rng.below(165000));
    for (int q = 1; q <= 4; ++q) p.quarter_wages_cents[q] = 13 * p.weekly_wage_cents;
    p.worked_weeks = (1ull << 52) - 1;
    std::uint64_t d = rng.below(100);
    p.dependants = d < 50 ? 0 : d < 70 ? 1 : d < 90 ? 2 : d < 97 ? 3 : d < 99 ? 4 : 5;
  }

  std::vector<Worker> workers;
  for (int t = 0; t < opt.threads; ++t) workers.emplace_back(pol::Evaluator(policy, first_monday));

  std::map<std::int64_t, Decimal> iur;  // published insured unemployment rate by week
  std::vector<MonthRow> rows;
  std::vector<std::uint32_t> unemployed;
  std::int64_t unemployed_count = 0;
  std::int64_t total_evaluated = 0;
  std::chrono::duration<double> evaluation_time{0};
  Decimal total_regular, total_extended;

  for (std::int64_t month = first_month; month <= last_month; ++month) {
    const std::int64_t shown = month - first_shown_month;  // negative during the warm-up
    const std::int64_t week_begin = first_week_of_month(month), week_end = first_week_of_month(month + 1);
    const pol::Date as_of = pol::period_start(pol::PeriodKind::Week, week_begin);
    MonthRow row;
    row.month = month;
    row.unemployment_rate = Decimal::divide(Decimal::from_int(unemployed_count), Decimal::from_int(opt.people), 4,
                                            pol::RoundingMode::HalfEven);

    // 1. Publish the context: the insured unemployment rate of every week simulated so far.
    pol::SeriesValues series;
    for (const auto& [week, rate] : iur) series.emplace(week, pol::Value::of_number(rate));
    pol::EntityRecord context = policy.empty_record(h.context_entity);
    context.inputs[static_cast<std::size_t>(h.iur.index)] = pol::Value::of_series(std::move(series));
    for (auto& w : workers) w.evaluator.set_context(context);  // shares the series, no copy of it

    // 2. Evaluate everyone unemployed now, the population split between the worker threads.
    unemployed.clear();
    for (std::uint32_t i = 0; i < people.size(); ++i)
      if (!people[i].employed) unemployed.push_back(i);
    const pol::Value region_rate = pol::Value::of_number(row.unemployment_rate);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    const std::size_t share = (unemployed.size() + workers.size() - 1) / workers.size();
    for (std::size_t t = 0; t < workers.size(); ++t) {
      std::size_t begin = std::min(unemployed.size(), t * share), end = std::min(unemployed.size(), begin + share);
      threads.emplace_back([&, t, begin, end] {
        evaluate_share(policy, h, workers[t], people, unemployed, begin, end, as_of, region_rate);
      });
    }
    for (auto& thread : threads) thread.join();
    evaluation_time += std::chrono::steady_clock::now() - t0;
    std::int64_t eb_on = 0, eb_off = 0, s8_on = 0;
    for (auto& w : workers) {
      row.evaluated += w.evaluated;
      row.claimants += w.claimants;
      row.errors += w.errors;
      eb_on += w.eb_on;
      eb_off += w.eb_off;
      s8_on += w.s8_on;
      if (w.errors && opt.check) std::cerr << "evaluation error: " << w.first_error << "\n";
    }
    total_evaluated += row.evaluated;
    row.eb_period = eb_on > 0;
    row.eb_mixed = eb_on > 0 && eb_off > 0;  // every record of a month must agree
    row.s8 = s8_on > 0;
    TriggerCheck check{iur, {}};
    row.eb_expected = check.in_force(week_begin);
    row.iur13 = check.avg13(week_begin);

    // 3. The weeks of the month: separations and hires, work, payments, the week's IUR.
    const Cycle cycle = cycle_for(static_cast<int>(shown), opt.months);
    for (std::int64_t week = week_begin; week < week_end; ++week) {
      const bool new_quarter = pol::period_of(pol::PeriodKind::Quarter, pol::period_start(pol::PeriodKind::Week, week)) !=
                               pol::period_of(pol::PeriodKind::Quarter, pol::period_start(pol::PeriodKind::Week, week - 1));
      std::int64_t employed = 0, insured = 0;
      for (auto& p : people) {
        if (new_quarter) {
          std::memmove(p.quarter_wages_cents + 1, p.quarter_wages_cents, 4 * sizeof(std::int64_t));
          p.quarter_wages_cents[0] = 0;
        }
        p.worked_weeks <<= 1;
        if (p.employed) {
          if (rng.chance(cycle.separation_ppm)) {
            p.employed = false;
            std::int64_t draw = static_cast<std::int64_t>(rng.below(1000));
            int r = 0;
            while (r < kReasons - 1 && draw >= cycle.reason_mix[r]) draw -= cycle.reason_mix[r++];
            p.reason = static_cast<std::uint8_t>(r);
            p.weeks_unemployed = 0;
            p.regular_weeks_paid = p.extended_weeks_paid = 0;
            p.claim_weeks_worked = std::popcount((p.worked_weeks >> 1) & ((1ull << 52) - 1));
            p.claim_highest_quarter_cents = *std::max_element(p.quarter_wages_cents + 1, p.quarter_wages_cents + 5);
            p.determined = false;  // a new claim waits for the next monthly evaluation
          }
        } else if (rng.chance(cycle.hiring_ppm)) {
          p.employed = true;
          p.determined = false;
          // The new job pays between 90% and 110% of the last one.
          p.weekly_wage_cents = std::max<std::int64_t>(30000, p.weekly_wage_cents * (900 + static_cast<std::int64_t>(rng.below(201))) / 1000);
        }
        if (p.employed) {
          ++employed;
          p.worked_weeks |= 1;
          p.quarter_wages_cents[0] += p.weekly_wage_cents;
          continue;
        }
        ++p.weeks_unemployed;
        if (!p.determined) continue;
        if (p.regular_weeks_paid < p.benefit_weeks) {
          ++p.regular_weeks_paid;
          ++insured;
          p.received_regular += p.weekly_benefit;
          row.regular += p.weekly_benefit;
        } else if (p.extended_left.sign() > 0) {
          Decimal paid = Decimal::min(p.weekly_benefit, p.extended_left);
          ++p.extended_weeks_paid;
          p.extended_left -= paid;
          p.received_extended += paid;
          row.extended += paid;
        }
      }
      unemployed_count = opt.people - employed;
      iur[week] = employed ? Decimal::divide(Decimal::from_int(insured), Decimal::from_int(employed), 4,
                                             pol::RoundingMode::HalfEven)
                           : Decimal();
    }
    total_regular += row.regular;
    total_extended += row.extended;
    rows.push_back(std::move(row));
  }
  const std::chrono::duration<double> total_time = std::chrono::steady_clock::now() - t_start;

  // The table: the warm-up in one line, then month by month.
  Decimal warm_regular, warm_extended;
  std::int64_t warm_evaluated = 0;
  for (const auto& r : rows)
    if (r.month < first_shown_month) warm_regular += r.regular, warm_extended += r.extended, warm_evaluated += r.evaluated;
  std::printf("%s: %d people, %d threads, seed %llu\n", policy.title().c_str(), opt.people, opt.threads,
              static_cast<unsigned long long>(opt.seed));
  std::printf("warm-up %s .. %s: %lld evaluations, regular %s, extended %s\n\n",
              pol::format_period(pol::PeriodKind::Month, first_month).c_str(),
              pol::format_period(pol::PeriodKind::Month, first_shown_month - 1).c_str(),
              static_cast<long long>(warm_evaluated), money(warm_regular).c_str(), money(warm_extended).c_str());
  std::printf("%-7s  %7s  %8s  %9s  %9s  %16s  %16s  %7s  %4s\n", "month", "unemp.", "IUR 13w", "evaluated",
              "claimants", "regular", "extended", "s.8 ext", "EB");
  for (const auto& r : rows) {
    if (r.month < first_shown_month) continue;
    std::printf("%-7s  %7s  %8s  %9lld  %9lld  %16s  %16s  %7s  %4s\n",
                pol::format_period(pol::PeriodKind::Month, r.month).c_str(), percent(r.unemployment_rate).c_str(),
                percent(r.iur13).c_str(), static_cast<long long>(r.evaluated), static_cast<long long>(r.claimants),
                money(r.regular).c_str(), money(r.extended).c_str(), r.s8 ? "on" : "off", r.eb_period ? "ON" : "off");
  }
  std::printf("\ntotal (all %zu months): regular %s, extended %s\n", rows.size(), money(total_regular).c_str(),
              money(total_extended).c_str());
  std::printf("%lld evaluations in %.2f s of evaluation (%.0f records/s on %d threads); whole run %.2f s\n",
              static_cast<long long>(total_evaluated), evaluation_time.count(),
              evaluation_time.count() > 0 ? static_cast<double>(total_evaluated) / evaluation_time.count() : 0.0,
              opt.threads, total_time.count());
  double cpu = 0;
  for (const auto& w : workers) cpu += w.cpu_seconds;
  std::printf("CPU time in evaluate_batch: %.2f s over the threads (%.0f records/s per busy core)\n", cpu,
              cpu > 0 ? static_cast<double>(total_evaluated) / cpu : 0.0);

  if (!opt.check) return 0;
  int failures = 0;
  auto fail = [&](const std::string& what) { std::fprintf(stderr, "CHECK FAILED: %s\n", what.c_str()); ++failures; };
  Decimal people_regular, people_extended;
  for (const auto& p : people) people_regular += p.received_regular, people_extended += p.received_extended;
  if (people_regular != total_regular)
    fail("regular spending " + money(total_regular) + " != the sum of what people received " + money(people_regular));
  if (people_extended != total_extended)
    fail("extended spending " + money(total_extended) + " != the sum of what people received " + money(people_extended));
  bool eb_seen = false;
  for (const auto& r : rows) {
    const std::string label = pol::format_period(pol::PeriodKind::Month, r.month);
    if (r.errors) fail(label + ": " + std::to_string(r.errors) + " evaluation errors");
    if (r.eb_mixed) fail(label + ": records disagree on the extended benefit period");
    if (r.evaluated > 0 && r.eb_period != r.eb_expected)
      fail(label + ": the policy says the extended benefit period is " + (r.eb_period ? "on" : "off") +
           ", the Act's conditions on the published rates say " + (r.eb_expected ? "on" : "off"));
    if (!r.eb_period && r.extended.sign() != 0) fail(label + ": extended benefits paid outside a period");
    if (r.regular.sign() < 0 || r.extended.sign() < 0) fail(label + ": negative spending");
    eb_seen = eb_seen || r.eb_period;
  }
  if (failures) return 1;
  std::printf("checks passed: spending = sum of per-person benefits; the extended benefit period matches the "
              "Act's trigger recomputed from the published rates in every month%s\n",
              eb_seen ? " (it was on in some)" : " (it never switched on)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--people") opt.people = std::stoi(value());
      else if (a == "--months") opt.months = std::stoi(value());
      else if (a == "--warmup") opt.warmup = std::stoi(value());
      else if (a == "--threads") opt.threads = std::stoi(value());
      else if (a == "--seed") opt.seed = std::stoull(value());
      else if (a == "--policy") opt.policy = value();
      else if (a == "--check") opt.check = true;
      else throw std::invalid_argument("unknown option " + a);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pol_embed_labour_market: %s\n", e.what());
      return 2;
    }
  }
  if (opt.people < 1 || opt.months < 1 || opt.warmup < 0 || opt.threads < 1) {
    std::fprintf(stderr, "pol_embed_labour_market: --people, --months and --threads must be positive\n");
    return 2;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {  // API misuse (a record not shaped like the policy) throws
    std::fprintf(stderr, "pol_embed_labour_market: %s\n", e.what());
    return 2;
  }
}
