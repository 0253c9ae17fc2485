// pol_bench_api: throughput of the evaluator through the C++ API (bench/run.sh drives it).
//
//   pol_bench_api peer [--n N] [--reps R] [--threads T] [--policy PATH] [--expect-sum 201817289.48]
//       (a) the reference unemployment rule of ../shared/peers/ (bench/peer_unemployment.pol) on N
//       pre-built households (the peers' mulberry32 generator, same draws in the same order), as
//       pol::Records through Evaluator::evaluate_batch ("peer-pol-batch") and as columns through
//       Evaluator::evaluate_columns ("peer-pol-columns"); (b) the same rule hand-written in C++ on
//       pol::Decimal; and an integer-cents reference. Every sum must agree (and equal --expect-sum
//       when given), and every household's benefit must equal the reference to the cent, else the
//       program exits 1. One JSON line per measurement; times are the median of R runs.
//
//   pol_bench_api records --policy P --input FILE [--as-of D] [--context F] [--sum OUTPUT]
//                         [--reps R] [--threads T] [--chunk K]
//       Evaluation alone of the households of FILE (read with pol::io into pre-built records,
//       K at a time so memory stays bounded; only evaluate_batch is timed), and the exact sum of
//       the money output OUTPUT over the evaluated households.
//
//   pol_bench_api compile [--reps R] POLICY...
//       compile_file (parse, check, lower) of each policy, in process: median of R runs.
//
// No floating point touches a money amount: sums are pol::Decimal or int64 cents; only the
// timings are doubles.
#include <pol/columns.hpp>
#include <pol/io.hpp>
#include <pol/policy.hpp>
#include <pol/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#ifndef POL_SOURCE_DIR
#define POL_SOURCE_DIR "."
#endif

// Heap allocations (operator new) are counted while g_counting is set: one untimed pass measures
// the allocations per record. The branch costs nothing measurable when it is off.
namespace {
bool g_counting = false;
std::uint64_t g_allocations = 0;
}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // malloc/free pairs, as intended
void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using pol::Decimal;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string times_json(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.4f", i ? "," : "", v[i]);
    s += buf;
  }
  return s + "]";
}

std::string cents_text(std::int64_t c) {
  std::string sign = c < 0 ? "-" : "";
  if (c < 0) c = -c;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(c / 100), static_cast<long long>(c % 100));
  return sign + buf;
}

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;
  std::optional<std::string> get(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return v;
    return std::nullopt;
  }
  long long number(const std::string& name, long long fallback) const {
    auto v = get(name);
    return v ? std::atoll(v->c_str()) : fallback;
  }
};

Args parse_args(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0 && i + 1 < argc) a.options.emplace_back(s, argv[++i]);
    else a.positional.push_back(s);
  }
  return a;
}

std::shared_ptr<const pol::Policy> compile_or_die(const std::string& path) {
  pol::Compilation c = pol::compile_file(path);
  if (!c.policy) {
    std::cerr << pol::render_all(c.diagnostics, c.sources);
    std::exit(2);
  }
  return c.policy;
}

// ---- (a)/(b): the peers' rule --------------------------------------------------------------

// mulberry32, exactly as ../shared/peers/common.mjs (Math.imul is the low 32 bits of the product).
struct Mulberry32 {
  std::uint32_t a;
  std::uint32_t next() {
    a += 0x6d2b79f5u;
    std::uint32_t t = a;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return t ^ (t >> 14);
  }
};

struct PeerInput {
  bool employed;
  std::int32_t months, wage_cents, dependents, rate_milli;
};

std::vector<PeerInput> make_peer_inputs(std::size_t n, std::uint32_t seed = 20240601) {
  Mulberry32 rng{seed};
  std::vector<PeerInput> v(n);
  for (auto& r : v) {  // the draws in the order of makeRecords
    r.employed = rng.next() % 10 < 3;
    r.months = static_cast<std::int32_t>(rng.next() % 19);
    r.wage_cents = static_cast<std::int32_t>(rng.next() % 160001);
    r.dependents = static_cast<std::int32_t>(rng.next() % 7);
    r.rate_milli = static_cast<std::int32_t>(20 + rng.next() % 101);
  }
  return v;
}

// The exact reference of common.mjs, in integer cents.
struct PeerTotals {
  std::int64_t sum_cents = 0, eligible = 0, ext_sum = 0;
  bool operator==(const PeerTotals&) const = default;
};

std::int64_t reference_cents(const PeerInput& r) {
  if (r.employed || r.months < 6) return 0;
  std::int64_t h = r.wage_cents / 2;
  if (r.wage_cents % 2 == 1 && h % 2 == 1) h += 1;  // half to even
  return std::min<std::int64_t>(60000, h + 2500 * std::min(r.dependents, 4));
}

PeerTotals reference_totals(const std::vector<PeerInput>& in) {
  PeerTotals t;
  for (const auto& r : in) {
    t.ext_sum += 26 + (r.rate_milli >= 65 ? 13 : 0);
    if (r.employed || r.months < 6) continue;
    ++t.eligible;
    t.sum_cents += reference_cents(r);
  }
  return t;
}

// (b) the native baseline: the same rule on pol::Decimal, inputs pre-built as Decimals (as the
// pol records are pre-built as Values), results stored per record (as outcomes are).
struct NativeInput {
  bool employed;
  Decimal months, wage, dependents, rate;
};
struct NativeOutput {
  bool eligible;
  Decimal weekly_benefit, extended_weeks;
};

struct NativeRule {
  Decimal minimum_months = Decimal::from_int(6);
  Decimal replacement = Decimal::from_scaled(50, 2);
  Decimal allowance = Decimal::from_scaled(2500, 2);
  Decimal max_dependents = Decimal::from_int(4);
  Decimal cap = Decimal::from_scaled(60000, 2);
  Decimal base_weeks = Decimal::from_int(26);
  Decimal trigger = Decimal::from_scaled(65, 3);
  Decimal extension = Decimal::from_int(13);
  Decimal zero_weeks = Decimal::from_int(0);
  Decimal zero_money = Decimal::from_scaled(0, 2);
  Decimal cent = Decimal::from_scaled(1, 2);

  void run(const NativeInput* in, NativeOutput* out, std::size_t n) const {
    for (std::size_t i = 0; i < n; ++i) {
      const NativeInput& r = in[i];
      NativeOutput& o = out[i];
      o.eligible = !r.employed && compare(r.months, minimum_months) >= 0;
      o.weekly_benefit = o.eligible ? Decimal::min(cap, (r.wage * replacement).round_to(cent, pol::RoundingMode::HalfEven) +
                                                            allowance * Decimal::min(r.dependents, max_dependents))
                                    : zero_money;
      o.extended_weeks = base_weeks + (compare(r.rate, trigger) >= 0 ? extension : zero_weeks);
    }
  }
};

template <class Work>
std::vector<double> time_reps(int reps, Work&& work) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    work();
    t.push_back(seconds_since(t0));
  }
  return t;
}

// Runs work(begin, end) on `threads` threads over [0, n) split in equal parts.
template <class Work>
void split(std::size_t n, int threads, Work&& work) {
  if (threads <= 1) {
    work(0, 0, n);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { work(t, n * t / threads, n * (t + 1) / threads); });
  for (auto& th : pool) th.join();
}

void print_result(const char* bench, std::size_t n, int threads, const std::vector<double>& times,
                  const std::string& extra) {
  const double med = median(times);
  std::printf("{\"bench\":\"%s\",\"n\":%zu,\"threads\":%d,\"reps\":%zu,\"median_s\":%.4f,\"per_s\":%.0f,\"times\":%s%s}\n",
              bench, n, threads, times.size(), med, static_cast<double>(n) / med, times_json(times).c_str(),
              extra.c_str());
  std::fflush(stdout);
}

int peer_command(const Args& args) {
  const std::size_t n = static_cast<std::size_t>(args.number("--n", 1000000));
  const int reps = static_cast<int>(args.number("--reps", 5));
  const int threads = static_cast<int>(args.number("--threads", 1));
  const std::string path = args.get("--policy").value_or(POL_SOURCE_DIR "/bench/peer_unemployment.pol");
  const auto expect = args.get("--expect-sum");

  const auto inputs = make_peer_inputs(n);
  const PeerTotals ref = reference_totals(inputs);
  bool ok = true;
  if (expect && *expect != cents_text(ref.sum_cents)) {
    std::fprintf(stderr, "reference sum %s, expected %s\n", cents_text(ref.sum_cents).c_str(), expect->c_str());
    ok = false;
  }

  // --- pol: records pre-built with input handles, outcomes owned by the caller ---
  auto policy = compile_or_die(path);
  auto handle = [&](const char* name) {
    auto h = policy->find_input("Claimant", name);
    if (!h) {
      std::fprintf(stderr, "%s has no input Claimant.%s\n", path.c_str(), name);
      std::exit(2);
    }
    return h->index;
  };
  const int h_employed = handle("employed"), h_months = handle("months_worked_last_18"),
            h_wage = handle("avg_weekly_wage"), h_dependents = handle("dependents"),
            h_rate = handle("state_unemployment_rate");
  int o_eligible = -1, o_benefit = -1, o_weeks = -1;
  for (std::size_t o = 0; o < policy->outputs().size(); ++o) {
    const auto& name = policy->outputs()[o].name;
    if (name == "eligible") o_eligible = static_cast<int>(o);
    if (name == "weekly_benefit") o_benefit = static_cast<int>(o);
    if (name == "extended_weeks") o_weeks = static_cast<int>(o);
  }
  if (o_eligible < 0 || o_benefit < 0 || o_weeks < 0) {
    std::fprintf(stderr, "%s lacks an output eligible, weekly_benefit or extended_weeks\n", path.c_str());
    return 2;
  }

  auto t_build = Clock::now();
  std::vector<pol::Record> records(n);
  const pol::EntityRecord empty = policy->empty_record(policy->root_entity());
  for (std::size_t i = 0; i < n; ++i) {
    const PeerInput& r = inputs[i];
    pol::EntityRecord& e = records[i].root = empty;
    e.inputs[h_employed] = pol::Value::of_bool(r.employed);
    e.inputs[h_months] = pol::Value::of_number(Decimal::from_int(r.months));
    e.inputs[h_wage] = pol::Value::of_number(Decimal::from_scaled(r.wage_cents, 2));
    e.inputs[h_dependents] = pol::Value::of_number(Decimal::from_int(r.dependents));
    e.inputs[h_rate] = pol::Value::of_number(Decimal::from_scaled(r.rate_milli, 3));
  }
  const double build_s = seconds_since(t_build);

  const pol::Date as_of = *pol::Date::parse("2026-03-01");
  std::vector<pol::Evaluator> evaluators;
  for (int t = 0; t < threads; ++t) evaluators.emplace_back(*policy, as_of);
  std::vector<pol::Outcome> outcomes(n);
  auto pol_times = time_reps(reps, [&] {
    split(n, threads, [&](int t, std::size_t b, std::size_t e) {
      evaluators[t].evaluate_batch(std::span<const pol::Record>(records.data() + b, e - b),
                                   std::span<pol::Outcome>(outcomes.data() + b, e - b));
    });
  });
  // Allocations per record: one more pass over (at most) the first 10,000 records, untimed.
  const std::size_t counted = std::min<std::size_t>(n, 10000);
  g_allocations = 0;
  g_counting = true;
  evaluators[0].evaluate_batch(std::span<const pol::Record>(records.data(), counted),
                               std::span<pol::Outcome>(outcomes.data(), counted));
  g_counting = false;
  const double allocs_per_record = counted ? static_cast<double>(g_allocations) / static_cast<double>(counted) : 0;
  PeerTotals got;
  std::size_t failed = 0, wrong_cent = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const pol::Outcome& o = outcomes[i];
    if (!o.ok) {
      ++failed;
      continue;
    }
    auto c = pol::to_scaled_int64(o.outputs[o_benefit], 2);
    auto w = pol::to_scaled_int64(o.outputs[o_weeks], 0);
    if (!c || !w) {
      ++wrong_cent;
      continue;
    }
    if (*c != reference_cents(inputs[i])) ++wrong_cent;
    got.sum_cents += *c;
    got.ext_sum += *w;
    got.eligible += o.outputs[o_eligible].as_bool();
  }
  if (!(got == ref) || failed || wrong_cent) ok = false;
  char extra[512];
  std::snprintf(extra, sizeof extra,
                ",\"sum\":\"%s\",\"eligible\":%lld,\"ext_sum\":%lld,\"failed\":%zu,\"wrong_cent\":%zu,"
                "\"build_records_s\":%.4f,\"allocations_per_record\":%.1f,\"sizeof_value\":%zu,\"sizeof_outcome\":%zu",
                cents_text(got.sum_cents).c_str(), static_cast<long long>(got.eligible),
                static_cast<long long>(got.ext_sum), failed, wrong_cent, build_s, allocs_per_record, sizeof(pol::Value),
                sizeof(pol::Outcome));
  print_result("peer-pol-batch", n, threads, pol_times, extra);
  records.clear();
  records.shrink_to_fit();
  outcomes.clear();
  outcomes.shrink_to_fit();

  // --- pol: the same households as columns (pol/columns.hpp), evaluate_columns per thread's rows ---
  double column_median = 0;
  {
    auto t_columns = Clock::now();
    std::vector<pol::RecordColumns> parts;  // one per thread: its rows
    std::vector<std::size_t> firsts;
    for (int t = 0; t < std::max(threads, 1); ++t) {
      const std::size_t b = n * t / std::max(threads, 1), e = n * (t + 1) / std::max(threads, 1);
      pol::RecordColumns part(*policy, e - b);
      auto in = [&](const char* name) { return *policy->find_input("Claimant", name); };
      const auto employed = in("employed"), months = in("months_worked_last_18"), wage = in("avg_weekly_wage"),
                 dependents = in("dependents"), rate = in("state_unemployment_rate");
      for (std::size_t i = b; i < e; ++i) {
        const PeerInput& r = inputs[i];
        part.set(employed, i - b, pol::Value::of_bool(r.employed));
        part.set_number(months, i - b, Decimal::from_int(r.months));
        part.set_number(wage, i - b, Decimal::from_scaled(r.wage_cents, 2));
        part.set_number(dependents, i - b, Decimal::from_int(r.dependents));
        part.set_number(rate, i - b, Decimal::from_scaled(r.rate_milli, 3));
      }
      parts.push_back(std::move(part));
      firsts.push_back(b);
    }
    const double columns_build_s = seconds_since(t_columns);
    std::vector<pol::OutcomeColumns> results(parts.size());
    auto column_times = time_reps(reps, [&] {
      std::vector<std::thread> workers;
      for (std::size_t t = 1; t < parts.size(); ++t)
        workers.emplace_back([&, t] { evaluators[t].evaluate_columns(parts[t], results[t]); });
      if (!parts.empty()) evaluators[0].evaluate_columns(parts[0], results[0]);
      for (auto& w : workers) w.join();
    });
    PeerTotals col;
    std::size_t col_failed = 0, col_wrong = 0;
    for (std::size_t t = 0; t < parts.size(); ++t) {
      const auto& r = results[t];
      for (std::size_t row = 0; row < parts[t].rows(); ++row) {
        if (!r.ok[row]) {
          ++col_failed;
          continue;
        }
        auto c = pol::to_scaled_int64(pol::Value::of_number(r.outputs[o_benefit].numbers[row]), 2);
        auto w = r.outputs[o_weeks].numbers[row].to_int64();
        if (!c || !w || *c != reference_cents(inputs[firsts[t] + row])) {
          ++col_wrong;
          continue;
        }
        col.sum_cents += *c;
        col.ext_sum += *w;
        col.eligible += r.outputs[o_eligible].scalars[row] != 0;
      }
    }
    if (!(col == ref) || col_failed || col_wrong) ok = false;
    std::snprintf(extra, sizeof extra,
                  ",\"sum\":\"%s\",\"eligible\":%lld,\"ext_sum\":%lld,\"failed\":%zu,\"wrong_cent\":%zu,"
                  "\"build_columns_s\":%.4f",
                  cents_text(col.sum_cents).c_str(), static_cast<long long>(col.eligible),
                  static_cast<long long>(col.ext_sum), col_failed, col_wrong, columns_build_s);
    column_median = median(column_times);
    print_result("peer-pol-columns", n, threads, column_times, extra);
  }

  // --- native C++ on pol::Decimal ---
  std::vector<NativeInput> native_in(n);
  for (std::size_t i = 0; i < n; ++i) {
    const PeerInput& r = inputs[i];
    native_in[i] = {r.employed, Decimal::from_int(r.months), Decimal::from_scaled(r.wage_cents, 2),
                    Decimal::from_int(r.dependents), Decimal::from_scaled(r.rate_milli, 3)};
  }
  std::vector<NativeOutput> native_out(n);
  const NativeRule rule;
  auto native_times = time_reps(reps, [&] {
    split(n, threads, [&](int, std::size_t b, std::size_t e) { rule.run(native_in.data() + b, native_out.data() + b, e - b); });
  });
  PeerTotals nat;
  Decimal native_sum;
  for (std::size_t i = 0; i < n; ++i) {
    native_sum += native_out[i].weekly_benefit;
    nat.eligible += native_out[i].eligible;
    nat.ext_sum += *native_out[i].extended_weeks.to_int64();
  }
  nat.sum_cents = static_cast<std::int64_t>(*native_sum.to_scaled(2));
  if (!(nat == ref)) ok = false;
  std::snprintf(extra, sizeof extra,
                ",\"sum\":\"%s\",\"eligible\":%lld,\"ext_sum\":%lld,\"pol_over_native\":%.2f,"
                "\"pol_columns_over_native\":%.2f",
                native_sum.to_string(2).c_str(), static_cast<long long>(nat.eligible),
                static_cast<long long>(nat.ext_sum), median(pol_times) / median(native_times),
                column_median / median(native_times));
  print_result("peer-native-decimal", n, threads, native_times, extra);

  // --- integer cents (the peers' js-int baseline in C++), for scale ---
  std::vector<std::int64_t> cents_out(n);
  auto int_times = time_reps(reps, [&] {
    split(n, threads, [&](int, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) cents_out[i] = reference_cents(inputs[i]);
    });
  });
  std::int64_t int_sum = 0;
  for (auto c : cents_out) int_sum += c;
  std::snprintf(extra, sizeof extra, ",\"sum\":\"%s\"", cents_text(int_sum).c_str());
  print_result("peer-native-int-cents", n, threads, int_times, extra);
  if (int_sum != ref.sum_cents) ok = false;

  if (!ok) {
    std::fprintf(stderr, "MISMATCH: reference %s (eligible %lld, extended %lld), pol %s (failed %zu, wrong %zu), native %s\n",
                 cents_text(ref.sum_cents).c_str(), static_cast<long long>(ref.eligible),
                 static_cast<long long>(ref.ext_sum), cents_text(got.sum_cents).c_str(), failed, wrong_cent,
                 cents_text(nat.sum_cents).c_str());
    return 1;
  }
  return 0;
}

// ---- records: a policy on the households of a file ----------------------------------------

int records_command(const Args& args) {
  const auto path = args.get("--policy");
  const auto input = args.get("--input");
  if (!path || !input) {
    std::fprintf(stderr, "records needs --policy and --input\n");
    return 2;
  }
  const int reps = static_cast<int>(args.number("--reps", 3));
  const int threads = static_cast<int>(args.number("--threads", 1));
  const std::size_t chunk = static_cast<std::size_t>(args.number("--chunk", 50000));
  const auto sum_name = args.get("--sum");
  auto policy = compile_or_die(*path);
  int sum_output = -1;
  if (sum_name)
    for (std::size_t o = 0; o < policy->outputs().size(); ++o)
      if (policy->outputs()[o].name == *sum_name) sum_output = static_cast<int>(o);
  if (sum_name && sum_output < 0) {
    std::fprintf(stderr, "no output %s\n", sum_name->c_str());
    return 2;
  }
  const pol::Date as_of = *pol::Date::parse(args.get("--as-of").value_or("2026-03-01"));
  std::optional<pol::EntityRecord> context;
  if (auto c = args.get("--context")) {
    std::ifstream cin(*c);
    auto read = pol::io::read_context(*policy, cin, *c);
    if (auto* errors = std::get_if<std::vector<pol::io::RecordError>>(&read)) {
      std::fprintf(stderr, "context: %s\n", errors->front().message.c_str());
      return 2;
    }
    context = std::get<pol::EntityRecord>(std::move(read));
  }
  std::vector<pol::Evaluator> evaluators;
  for (int t = 0; t < threads; ++t) {
    evaluators.emplace_back(*policy, as_of);
    if (context) evaluators.back().set_context(*context);
  }

  std::vector<double> eval_times, wall_times;
  double allocs_per_household = 0;
  std::size_t households = 0, members = 0, evaluated = 0, failed = 0, rejected = 0;
  Decimal total;
  std::string first_error;
  for (int rep = 0; rep < reps; ++rep) {
    std::ifstream in(*input);
    auto reader = pol::io::open_reader(*policy, in, pol::io::InputFormat::Auto, *input);
    std::vector<pol::Record> batch;
    std::vector<pol::Outcome> outcomes(chunk);
    double eval_s = 0;
    households = members = evaluated = failed = rejected = 0;
    total = Decimal();
    auto t_wall = Clock::now();
    pol::io::ReadResult result;
    bool more = true;
    while (more) {
      batch.clear();
      while (batch.size() < chunk && (more = reader->next(result))) {
        if (auto* r = std::get_if<pol::Record>(&result)) {
          for (const auto& c : r->root.collections) members += c.size();
          batch.push_back(std::move(*r));
        } else {
          ++rejected;
        }
      }
      reader->take_warnings();
      const std::size_t n = batch.size();
      if (rep == 0 && households == 0 && n) {  // allocations per household: an untimed pass over the first chunk
        g_allocations = 0;
        g_counting = true;
        evaluators[0].evaluate_batch(batch, std::span<pol::Outcome>(outcomes.data(), n));
        g_counting = false;
        allocs_per_household = static_cast<double>(g_allocations) / static_cast<double>(n);
      }
      auto t0 = Clock::now();
      split(n, threads, [&](int t, std::size_t b, std::size_t e) {
        evaluators[t].evaluate_batch(std::span<const pol::Record>(batch.data() + b, e - b),
                                     std::span<pol::Outcome>(outcomes.data() + b, e - b));
      });
      eval_s += seconds_since(t0);
      households += n;
      for (std::size_t i = 0; i < n; ++i) {
        if (!outcomes[i].ok) {
          if (first_error.empty() && outcomes[i].error) first_error = outcomes[i].error->message;
          ++failed;
          continue;
        }
        ++evaluated;
        if (sum_output >= 0) total += outcomes[i].outputs[sum_output].number;
      }
    }
    eval_times.push_back(eval_s);
    wall_times.push_back(seconds_since(t_wall));
  }
  std::string extra = ",\"evaluated\":" + std::to_string(evaluated) + ",\"failed\":" + std::to_string(failed) +
                      ",\"rejected\":" + std::to_string(rejected) + ",\"members\":" + std::to_string(members);
  if (sum_output >= 0) extra += ",\"sum_output\":\"" + *sum_name + "\",\"sum\":\"" + total.to_string(2) + "\"";
  char buf[160];
  std::snprintf(buf, sizeof buf, ",\"read_and_eval_median_s\":%.4f,\"allocations_per_household\":%.1f",
                median(wall_times), allocs_per_household);
  extra += buf;
  if (!first_error.empty()) {
    std::string escaped;
    for (char ch : first_error) escaped += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
    extra += ",\"first_error\":\"" + escaped + "\"";
  }
  print_result("records-eval", households, threads, eval_times, extra);
  return 0;
}

int compile_command(const Args& args) {
  const int reps = static_cast<int>(args.number("--reps", 11));
  for (const auto& path : args.positional) {
    auto times = time_reps(reps, [&] { compile_or_die(path); });
    const double med = median(times);
    std::printf("{\"bench\":\"compile\",\"policy\":\"%s\",\"reps\":%d,\"median_ms\":%.2f,\"times\":%s}\n", path.c_str(),
                reps, med * 1000, times_json(times).c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pol_bench_api peer|records|compile [options] (see bench/api_bench.cpp)\n");
    return 2;
  }
  const std::string command = argv[1];
  const Args args = parse_args(argc, argv, 2);
  try {
    if (command == "peer") return peer_command(args);
    if (command == "records") return records_command(args);
    if (command == "compile") return compile_command(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr, "unknown command %s\n", command.c_str());
  return 2;
}
