// Evaluation through the public API, on records built in code.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pol/policy.hpp"
#include "record_helpers.hpp"

using pol::Decimal;
using pol::Value;

namespace {

using test_records::D;
using test_records::entity;
using test_records::Fields;
using test_records::output_index;
using test_records::record;
Value num(const std::string& text) { return Value::of_number(D(text)); }
Value date(const char* text) { return Value::of_date(*pol::Date::parse(text)); }
Value text(const char* t) { return Value::of_text(t); }
Value boolean(bool b) { return Value::of_bool(b); }
using test_records::day;

std::shared_ptr<const pol::Policy> compile(const std::string& source) { return test_records::compile(source, "e.pol"); }


// Outputs by name, as exact numbers and as formatted text.
struct Result {
  const pol::Policy& policy;
  pol::Outcome outcome;

  const Value& value(const std::string& name) const {
    REQUIRE(outcome.ok);
    return outcome.outputs.at(output_index(policy, name));
  }
  Decimal number(const std::string& name) const { return value(name).number; }
  std::string text(const std::string& name) const {
    const auto i = output_index(policy, name);
    REQUIRE(outcome.ok);
    return pol::format_value(policy.outputs()[i].type, outcome.outputs.at(i), policy.enums());
  }
  const pol::EvaluationError& error() const {
    REQUIRE_FALSE(outcome.ok);
    REQUIRE(outcome.error);
    CHECK(outcome.outputs.empty());
    return *outcome.error;
  }
};

Result run(const std::shared_ptr<const pol::Policy>& policy, const pol::Record& r, const char* as_of = "2026-03-01") {
  pol::Evaluator evaluator(*policy, day(as_of));
  return Result{*policy, evaluator.evaluate(r)};
}

}  // namespace

TEST_CASE("evaluator: decimal arithmetic is exact", "[evaluator]") {
  auto policy = compile(
      "entity H {\n"
      "  input a: money  input b: money  input n: integer  input d: integer  input r: rate\n"
      "}\n"
      "output H.sum: money = a + b\n"
      "output H.diff: money = a - b\n"
      "output H.tripled: money = a * 3\n"
      "output H.ratio = n / d\n"
      "output H.share: money = a * r\n"
      "output H.money_ratio = b / a\n"
      "output H.neg: money = -a\n");
  auto r = run(policy, record(*policy, {{"a", num("0.10")}, {"b", num("0.20")}, {"n", num("1")}, {"d", num("3")},
                                        {"r", num("0.125")}}));
  CHECK(r.number("sum") == D("0.3"));
  CHECK(r.text("sum") == "0.30");
  CHECK(r.text("diff") == "-0.10");
  CHECK(r.number("tripled") == D("0.3"));
  CHECK(r.number("ratio").to_string() == "0.33333333333333333333");  // 20 places
  CHECK(r.number("ratio").scale() == 20);
  CHECK(r.number("share") == D("0.0125"));  // $0.10 × 12.5%, not rounded
  CHECK(r.number("money_ratio") == D("2"));
  CHECK(r.text("neg") == "-0.10");

  // Two thirds rounds its 20th place half-even; beyond double precision stays exact.
  auto big = run(policy, record(*policy, {{"a", num("12345678901234567.89")}, {"b", num("0.01")}, {"n", num("2")},
                                          {"d", num("3")}, {"r", num("0.55")}}));
  CHECK(big.number("ratio").to_string() == "0.66666666666666666667");
  CHECK(big.text("sum") == "12345678901234567.90");
  CHECK(big.number("share") == D("6790123395679012.3395"));
}

TEST_CASE("evaluator: every rounding mode of round() on ties and non-ties of both signs", "[evaluator]") {
  auto policy = compile(
      "entity H { input x: decimal }\n"
      "output H.half_even = round(x, to: 1, mode: half_even)\n"
      "output H.half_up = round(x, to: 1, mode: half_up)\n"
      "output H.half_down = round(x, to: 1, mode: half_down)\n"
      "output H.toward_zero = round(x, to: 1, mode: toward_zero)\n"
      "output H.away_from_zero = round(x, to: 1, mode: away_from_zero)\n"
      "output H.floor = round(x, to: 1, mode: floor)\n"
      "output H.ceiling = round(x, to: 1, mode: ceiling)\n");
  const char* modes[] = {"half_even", "half_up", "half_down", "toward_zero", "away_from_zero", "floor", "ceiling"};
  struct Row {
    const char* x;
    const char* expected[7];
  };
  const Row rows[] = {
      {"2.5", {"2", "3", "2", "2", "3", "2", "3"}},
      {"-2.5", {"-2", "-3", "-2", "-2", "-3", "-3", "-2"}},
      {"3.5", {"4", "4", "3", "3", "4", "3", "4"}},
      {"-3.5", {"-4", "-4", "-3", "-3", "-4", "-4", "-3"}},
      {"2.4", {"2", "2", "2", "2", "3", "2", "3"}},
      {"-2.6", {"-3", "-3", "-3", "-2", "-3", "-3", "-2"}},
      {"2.51", {"3", "3", "3", "2", "3", "2", "3"}},
      {"-0.5", {"0", "-1", "0", "0", "-1", "-1", "0"}},
      {"7", {"7", "7", "7", "7", "7", "7", "7"}},
  };
  pol::Evaluator evaluator(*policy, day("2026-01-01"));
  for (const auto& row : rows) {
    Result r{*policy, evaluator.evaluate(record(*policy, {{"x", num(row.x)}}))};
    for (int m = 0; m < 7; ++m) {
      INFO("x = " << row.x << ", mode " << modes[m]);
      CHECK(r.number(modes[m]) == D(row.expected[m]));
    }
  }
}

TEST_CASE("evaluator: rounding amounts to a unit keeps the unit's places", "[evaluator]") {
  auto policy = compile(
      "entity H { input w: money }\n"
      "output H.even: money = round(w / 13 * 55%, to: $0.01, mode: half_even)\n"
      "output H.up: money = round(w / 13 * 55%, to: $0.01, mode: half_up)\n"
      "output H.fives: money = round(w, to: $5, mode: half_even)\n"
      "output H.tenth_percent: rate = round(w / $3 * 1%, to: 0.1%, mode: half_up)\n");
  // $6,503.90 / 13 × 55% = $275.165 exactly: a tie at the half cent.
  auto r = run(policy, record(*policy, {{"w", num("6503.90")}}));
  CHECK(r.text("even") == "275.16");
  CHECK(r.text("up") == "275.17");
  CHECK(r.number("even").scale() == 2);
  CHECK(r.number("fives") == D("6505"));  // 6503.90 / 5 = 1300.78 → 1301 × 5
  CHECK(run(policy, record(*policy, {{"w", num("12.50")}})).number("fives") == D("10"));  // 2.5 → 2
  CHECK(run(policy, record(*policy, {{"w", num("17.50")}})).number("fives") == D("20"));  // 3.5 → 4
  CHECK(r.number("tenth_percent") == D("21.68"));  // 2167.9666…% → 2168.0% = 21.68
}

TEST_CASE("evaluator: parameters are chosen by the evaluation date", "[evaluator]") {
  auto policy = compile(
      "entity H { input w: money }\n"
      "parameter flat: money = $10\n"
      "parameter replacement: rate\n"  // line 3
      "  from 2024-01-01 = 50%\n"
      "  from 2026-01-01 = 55%\n"
      "output H.flat_out: money = flat\n"
      "output H.benefit: money = w * replacement\n");  // line 7
  auto rec = record(*policy, {{"w", num("100")}});
  CHECK(run(policy, rec, "2024-01-01").number("benefit") == D("50"));
  CHECK(run(policy, rec, "2025-12-31").number("benefit") == D("50"));
  CHECK(run(policy, rec, "2026-01-01").number("benefit") == D("55"));
  CHECK(run(policy, rec, "2099-06-30").number("benefit") == D("55"));
  CHECK(run(policy, rec, "1990-01-01").error().message.find("replacement") != std::string::npos);

  auto before = run(policy, rec, "2023-12-31");
  const auto& e = before.error();
  CHECK(e.record_id == "h1");
  CHECK(e.message == "parameter `replacement` has no value on 2023-12-31: its first value applies from 2024-01-01");
  CHECK(e.rule == "H.benefit");
  CHECK(e.location.file == "e.pol");
  CHECK(e.location.begin.line == 7);
  CHECK(e.location.begin.column == 31);

  // The undated parameter is in force on any date.
  auto policy2 = compile("entity H { }\nparameter flat: money = $10\noutput H.x: money = flat\n");
  CHECK(run(policy2, record(*policy2, {}), "1900-01-01").number("x") == D("10"));
}

TEST_CASE("evaluator: defaults apply to inputs not given", "[evaluator]") {
  auto policy = compile(
      "enum Tier { low, high }\n"
      "entity H {\n"
      "  input n: integer = 4\n"
      "  input adjustment: money = -$5.25\n"
      "  input tier: Tier = high\n"
      "  input label: text = \"none\"\n"
      "  input flag: boolean = true\n"
      "  input start: date = 2020-02-29\n"
      "}\n"
      "output H.n2 = n * 2\n"
      "output H.adj: money = adjustment\n"
      "output H.is_high = tier = Tier.high\n"
      "output H.label_out: text = label\n"
      "output H.flag_out = flag\n"
      "output H.start_out = start\n");
  auto defaults = run(policy, record(*policy, {}));
  CHECK(defaults.number("n2") == D("8"));
  CHECK(defaults.text("adj") == "-5.25");
  CHECK(defaults.value("is_high").as_bool());
  CHECK(defaults.value("label_out").text == "none");
  CHECK(defaults.value("flag_out").as_bool());
  CHECK(defaults.text("start_out") == "2020-02-29");

  auto given = run(policy, record(*policy, {{"n", num("1")}, {"tier", Value::of_enum(0)}, {"label", text("x")},
                                            {"flag", boolean(false)}, {"start", date("2021-01-01")}}));
  CHECK(given.number("n2") == D("2"));
  CHECK_FALSE(given.value("is_high").as_bool());
  CHECK(given.value("label_out").text == "x");
  CHECK_FALSE(given.value("flag_out").as_bool());
  CHECK(given.text("start_out") == "2021-01-01");
}

TEST_CASE("evaluator: a missing input without default names the input, the record and the place", "[evaluator]") {
  auto policy = compile(
      "entity Person {\n"
      "  input age: integer\n"  // line 2
      "}\n"
      "entity Household { input size: integer  members: list of Person }\n"
      "rule Person.adult = age >= 18\n"
      "output Household.adults: integer = count(members where adult)\n"
      "output Household.size_out: integer = size\n");
  auto member = run(policy, record(*policy, {{"size", num("2")}}, {{{"age", num("30")}}, {}}, "household-7"));
  const auto& e = member.error();
  CHECK(e.record_id == "household-7");
  CHECK(e.message.find("missing input `age`") != std::string::npos);
  CHECK(e.message.find("members[2]") != std::string::npos);  // which member
  CHECK(e.message.find("Person.adult") != std::string::npos);
  CHECK(e.rule == "Person.age");
  CHECK(e.location.file == "e.pol");
  CHECK(e.location.begin.line == 5);  // where the rule reads it: `age` in Person.adult
  CHECK(e.location.begin.column == 21);

  auto root = run(policy, record(*policy, {}, {{{"age", num("30")}}}, "h2"));
  CHECK(root.error().message.find("missing input `size`") != std::string::npos);
  CHECK(root.error().record_id == "h2");
  CHECK(root.error().location.begin.line == 7);  // `size` in Household.size_out
}

TEST_CASE("evaluator: division by zero names the rule, its place and the record", "[evaluator]") {
  auto policy = compile(
      "entity Person { input weeks: integer  input pay: money }\n"
      "entity Household { members: list of Person }\n"
      "rule Person.weekly: money =\n"
      "  pay / weeks\n"  // line 4
      "output Household.total: money = sum(members.weekly)\n");
  auto r = run(policy, record(*policy, {}, {{{"weeks", num("2")}, {"pay", num("10")}}, {{"weeks", num("0")}, {"pay", num("5")}}}, "r-42"));
  const auto& e = r.error();
  CHECK(e.message == "division by zero");
  CHECK(e.rule == "Person.weekly");
  CHECK(e.record_id == "r-42");
  CHECK(e.location.file == "e.pol");
  CHECK(e.location.begin.line == 4);
  CHECK(e.location.begin.column == 3);
}

TEST_CASE("evaluator: overflow is an error, never a wrapped value", "[evaluator]") {
  auto policy = compile("entity H { input x: decimal }\noutput H.square = x * x\noutput H.sum = x + x\n");
  const std::string huge(600, '9');
  auto r = run(policy, record(*policy, {{"x", num(huge)}}));
  const auto& e = r.error();
  CHECK(e.rule == "H.square");
  CHECK(e.message.find("too large") != std::string::npos);
  CHECK(e.location.begin.line == 2);

  // Just below the limits: exact.
  auto policy2 = compile("entity H { input x: decimal }\noutput H.square = x * x\n");
  const std::string big(40, '9');
  auto ok = run(policy2, record(*policy2, {{"x", num(big)}}));
  CHECK(ok.number("square") == D(std::string(39, '9') + "8" + std::string(39, '0') + "1"));

  // 2^63 and beyond, where a 64-bit integer would wrap.
  auto policy3 = compile("entity H { input n: integer }\noutput H.m = n * n * n\n");
  auto cube = run(policy3, record(*policy3, {{"n", num("3037000500")}}));
  CHECK(cube.number("m") == D("28011385488055777750125000000"));
}

TEST_CASE("evaluator: the batch goes on after a failing record, with the same evaluator", "[evaluator]") {
  auto policy = compile(
      "entity Person { input weeks: integer  input pay: money }\n"
      "entity Household { members: list of Person }\n"
      "rule Person.weekly: money = pay / weeks\n"
      "output Household.total: money = sum(members.weekly)\n"
      "output Household.n: integer = count(members)\n");
  pol::Evaluator evaluator(*policy, day("2026-01-01"));
  const pol::Record records[] = {
      record(*policy, {}, {{{"weeks", num("0")}, {"pay", num("5")}}}, "a"),
      record(*policy, {}, {{{"weeks", num("2")}, {"pay", num("10")}}, {{"weeks", num("4")}, {"pay", num("10")}}}, "b"),
      record(*policy, {}, {{{"weeks", num("2")}}}, "c"),
      record(*policy, {}, {{{"weeks", num("5")}, {"pay", num("10")}}}, "d"),
  };
  std::vector<pol::Outcome> outcomes;
  for (const auto& r : records) outcomes.push_back(evaluator.evaluate(r));
  REQUIRE_FALSE(outcomes[0].ok);
  CHECK(outcomes[0].error->record_id == "a");
  CHECK(outcomes[0].error->message == "division by zero");
  REQUIRE(outcomes[1].ok);
  CHECK(outcomes[1].outputs[0].number == D("7.5"));
  CHECK(outcomes[1].outputs[1].number == D("2"));
  REQUIRE_FALSE(outcomes[2].ok);
  CHECK(outcomes[2].error->record_id == "c");
  CHECK(outcomes[2].error->message.find("missing input `pay`") != std::string::npos);
  REQUIRE(outcomes[3].ok);
  CHECK(outcomes[3].outputs[0].number == D("2"));
  CHECK(outcomes[3].outputs[1].number == D("1"));
  // And again, with the first record: the same answer, nothing left over.
  auto again = evaluator.evaluate(records[1]);
  REQUIRE(again.ok);
  CHECK(again.outputs[0].number == D("7.5"));
}

TEST_CASE("evaluator: a record not shaped like the policy is refused as API misuse", "[evaluator]") {
  auto policy = compile("entity H { input a: integer }\noutput H.x = a\n");
  pol::Evaluator evaluator(*policy, day("2026-01-01"));
  pol::Record wrong;
  wrong.id = "w";
  CHECK_THROWS_AS(evaluator.evaluate(wrong), std::invalid_argument);
  auto fine = evaluator.evaluate(record(*policy, {{"a", num("3")}}));
  REQUIRE(fine.ok);
  CHECK(fine.outputs[0].number == D("3"));
}

TEST_CASE("evaluator: rules are lazy; if, and, or evaluate only what they need", "[evaluator]") {
  auto policy = compile(
      "entity H { input d: integer  input unused: integer }\n"
      "rule H.never = 1 / 0\n"
      "rule H.needs_unused = unused + 1\n"
      "output H.guarded = if d = 0 then 0 else 10 / d\n"
      "output H.and_short = d != 0 and 10 / d > 1\n"
      "output H.or_short = d = 0 or 10 / d > 1\n"
      "output H.else_not_taken = if d = 0 then -1 else needs_unused\n");
  auto zero = run(policy, record(*policy, {{"d", num("0")}}));
  CHECK(zero.number("guarded") == D("0"));
  CHECK_FALSE(zero.value("and_short").as_bool());
  CHECK(zero.value("or_short").as_bool());
  CHECK(zero.number("else_not_taken") == D("-1"));  // `unused` is missing, but never read

  auto two = run(policy, record(*policy, {{"d", num("2")}, {"unused", num("1")}}));
  CHECK(two.number("guarded") == D("5"));
  CHECK(two.value("and_short").as_bool());
  CHECK(two.number("else_not_taken") == D("2"));

  // When the branch is taken, the error does surface.
  auto taken = run(policy, record(*policy, {{"d", num("2")}}));
  CHECK(taken.error().message.find("missing input `unused`") != std::string::npos);
}

TEST_CASE("evaluator: each rule is computed once per entity", "[evaluator]") {
  // r_k = r_{k-1} + r_{k-1}: without memoization this takes 2^64 evaluations.
  std::string source = "entity H { input one: integer }\nrule H.r0: integer = one\n";
  for (int k = 1; k <= 64; ++k)
    source += "rule H.r" + std::to_string(k) + ": integer = r" + std::to_string(k - 1) + " + r" + std::to_string(k - 1) + "\n";
  source += "output H.top: integer = r64\n";
  auto policy = compile(source);
  CHECK(run(policy, record(*policy, {{"one", num("1")}})).number("top") == D("18446744073709551616"));

  // Once per entity: each member has its own value.
  auto members = compile(
      "entity P { input age: integer }\n"
      "entity H { members: list of P }\n"
      "rule P.doubled: integer = age * 2\n"
      "output H.total: integer = sum(members.doubled)\n"
      "output H.most: integer = max(members.doubled)\n"
      "output H.least: integer = min(members.doubled)\n");
  auto r = run(members, record(*members, {}, {{{"age", num("1")}}, {{"age", num("3")}}, {{"age", num("2")}}}));
  CHECK(r.number("total") == D("12"));
  CHECK(r.number("most") == D("6"));
  CHECK(r.number("least") == D("2"));
}

TEST_CASE("evaluator: aggregates over members, with where, and over no member", "[evaluator]") {
  auto policy = compile(
      "entity Person { input age: integer  input pay: money  input employed: boolean  input hired: date }\n"
      "entity Household { input region_rate: rate  members: list of Person }\n"
      "rule Person.share: money = pay * household.region_rate\n"
      "output Household.total: money = sum(members.pay)\n"
      "output Household.adult_pay: money = sum(members.pay where age >= 18)\n"
      "output Household.shares: money = sum(members.share)\n"
      "output Household.n: integer = count(members)\n"
      "output Household.working: integer = count(members where employed)\n"
      "output Household.any_child = any(members where age < 18)\n"
      "output Household.any_employed = any(members.employed)\n"
      "output Household.all_employed = all(members.employed)\n"
      "output Household.all_adults_employed = all(members.employed where age >= 18)\n"
      "output Household.oldest: integer = max(members.age)\n"
      "output Household.youngest_adult: integer = min(members.age where age >= 18)\n"
      "output Household.first_hired = min(members.hired)\n");
  auto rec = record(*policy, {{"region_rate", num("0.1")}},
                    {{{"age", num("40")}, {"pay", num("100.50")}, {"employed", boolean(true)}, {"hired", date("2019-05-01")}},
                     {{"age", num("12")}, {"pay", num("0")}, {"employed", boolean(false)}, {"hired", date("2024-01-01")}},
                     {{"age", num("19")}, {"pay", num("20.25")}, {"employed", boolean(true)}, {"hired", date("2018-12-31")}}});
  auto r = run(policy, rec);
  CHECK(r.text("total") == "120.75");
  CHECK(r.text("adult_pay") == "120.75");
  CHECK(r.number("shares") == D("12.075"));  // each member reads household.region_rate
  CHECK(r.number("n") == D("3"));
  CHECK(r.number("working") == D("2"));
  CHECK(r.value("any_child").as_bool());
  CHECK(r.value("any_employed").as_bool());
  CHECK_FALSE(r.value("all_employed").as_bool());
  CHECK(r.value("all_adults_employed").as_bool());
  CHECK(r.number("oldest") == D("40"));
  CHECK(r.number("youngest_adult") == D("19"));
  CHECK(r.text("first_hired") == "2018-12-31");

}

TEST_CASE("evaluator: aggregates over an empty list", "[evaluator]") {
  auto policy = compile(
      "entity Person { input age: integer  input pay: money  input employed: boolean }\n"
      "entity Household { members: list of Person }\n"
      "output Household.total: money = sum(members.pay)\n"
      "output Household.n: integer = count(members)\n"
      "output Household.any_employed = any(members.employed)\n"
      "output Household.all_employed = all(members.employed)\n");
  auto r = run(policy, record(*policy, {}));
  CHECK(r.number("total") == D("0"));
  CHECK(r.text("total") == "0.00");
  CHECK(r.number("n") == D("0"));
  CHECK_FALSE(r.value("any_employed").as_bool());
  CHECK(r.value("all_employed").as_bool());

  auto min_policy = compile(
      "entity Person { input age: integer }\n"
      "entity Household { members: list of Person }\n"
      "output Household.youngest: integer =\n"
      "  min(members.age)\n"
      "output Household.oldest_child: integer = max(members.age where age < 18)\n");
  auto none = run(min_policy, record(*min_policy, {}, {}, "empty"));
  const auto& e = none.error();
  CHECK(e.record_id == "empty");
  CHECK(e.rule == "Household.youngest");
  CHECK(e.message == "min of no members: the list is empty");
  CHECK(e.location.begin.line == 4);

  auto adults = run(min_policy, record(*min_policy, {}, {{{"age", num("30")}}}));
  CHECK(adults.error().rule == "Household.oldest_child");
  CHECK(adults.error().message == "max of no members: the list is empty or no member matches the condition");
}

TEST_CASE("evaluator: enumerations, dates and texts compare as users expect", "[evaluator]") {
  auto policy = compile(
      "enum Reason { layoff, quit, misconduct }\n"
      "entity H { input reason: Reason  input hired: date  input name: text }\n"
      "output H.quit = reason = Reason.quit\n"
      "output H.not_layoff = reason != layoff\n"
      "output H.early = hired < 2020-01-01\n"
      "output H.on_day = hired = 2020-01-01\n"
      "output H.since = hired >= 2020-01-01\n"
      "output H.is_ann = name = \"Ann\"\n"
      "output H.not_ann = name != \"Ann\"\n"
      "output H.reason_out = reason\n"
      "output H.latest = max(hired, 2021-06-30)\n");
  const auto& reason = policy->enums().at(0);
  auto quit = Value::of_enum(*reason.ordinal_of("quit"));
  auto r = run(policy, record(*policy, {{"reason", quit}, {"hired", date("2020-01-01")}, {"name", text("Ann")}}));
  CHECK(r.value("quit").as_bool());
  CHECK(r.value("not_layoff").as_bool());
  CHECK_FALSE(r.value("early").as_bool());
  CHECK(r.value("on_day").as_bool());
  CHECK(r.value("since").as_bool());
  CHECK(r.value("is_ann").as_bool());
  CHECK_FALSE(r.value("not_ann").as_bool());
  CHECK(r.text("reason_out") == "quit");
  CHECK(r.text("latest") == "2021-06-30");

  auto other = run(policy, record(*policy, {{"reason", Value::of_enum(*reason.ordinal_of("layoff"))},
                                            {"hired", date("2019-12-31")}, {"name", text("ann")}}));
  CHECK_FALSE(other.value("quit").as_bool());
  CHECK_FALSE(other.value("not_layoff").as_bool());
  CHECK(other.value("early").as_bool());
  CHECK_FALSE(other.value("since").as_bool());
  CHECK_FALSE(other.value("is_ann").as_bool());  // texts are compared exactly
  CHECK(other.value("not_ann").as_bool());
}

TEST_CASE("evaluator: min, max and abs of values, and integer division typed decimal", "[evaluator]") {
  auto policy = compile(
      "entity H { input a: money  input n: integer }\n"
      "output H.capped: money = min(a, $600)\n"
      "output H.floored: money = max(a, $150, $0)\n"
      "output H.magnitude: money = abs(a)\n"
      "output H.half = n / 2\n"
      "output H.mixed = max(n, 2.5)\n");
  auto r = run(policy, record(*policy, {{"a", num("-700.10")}, {"n", num("5")}}));
  CHECK(r.text("capped") == "-700.10");
  CHECK(r.text("floored") == "150.00");
  CHECK(r.text("magnitude") == "700.10");
  CHECK(r.number("half") == D("2.5"));
  CHECK(r.number("mixed") == D("5"));
}

TEST_CASE("inline tests: passing, failing with expected, actual and difference, and failing to evaluate",
          "[evaluator][inline-tests]") {
  auto policy = compile(
      "entity Person { input pay: money  input weeks: integer = 1 }\n"            // 1
      "entity Household { members: list of Person }\n"                           // 2
      "parameter rate: rate\n"                                                   // 3
      "  from 2024-01-01 = 50%\n"                                                // 4
      "  from 2026-01-01 = 55%\n"                                                // 5
      "rule Person.benefit: money = pay / weeks * rate\n"                        // 6
      "output Household.total: money = sum(members.benefit)\n"                   // 7
      "output Household.someone = any(members where pay > $0)\n"                 // 8
      "test \"passes\" as of 2026-03-01 {\n"                                     // 9
      "  household { members: [ { pay: $700 } ] }\n"                            // 10
      "  expect total = $385.00\n"                                               // 11
      "  expect someone = true\n"                                                // 12
      "}\n"                                                                      // 13
      "test \"wrong date\" as of 2025-03-01 {\n"                                 // 14
      "  household { members: [ { pay: $700 } ] }\n"                            // 15
      "  expect total = $385.00\n"                                               // 16
      "  expect someone = false\n"                                               // 17
      "}\n"                                                                      // 18
      "test \"cannot evaluate\" as of 2026-03-01 {\n"                            // 19
      "  household { members: [ { pay: $1, weeks: 0 } ] }\n"                    // 20
      "  expect total = $0\n"                                                    // 21
      "}\n");
  auto results = pol::run_inline_tests(*policy);
  REQUIRE(results.size() == 3);

  CHECK(results[0].name == "passes");
  CHECK(results[0].passed);
  CHECK(results[0].failures.empty());
  CHECK(results[0].location.begin.line == 9);

  CHECK(results[1].name == "wrong date");
  CHECK_FALSE(results[1].passed);
  REQUIRE(results[1].failures.size() == 2);
  const std::string& money = results[1].failures[0];
  INFO(money);
  CHECK(money.find("e.pol:16") != std::string::npos);
  CHECK(money.find("total") != std::string::npos);
  CHECK(money.find("385.00") != std::string::npos);  // expected
  CHECK(money.find("350.00") != std::string::npos);  // actual
  CHECK(money.find("-35.00") != std::string::npos);  // difference
  CHECK(money.find("385.00") < money.find("350.00"));
  const std::string& flag = results[1].failures[1];
  CHECK(flag.find("e.pol:17") != std::string::npos);
  CHECK(flag.find("false") != std::string::npos);
  CHECK(flag.find("true") != std::string::npos);

  CHECK_FALSE(results[2].passed);
  REQUIRE(results[2].failures.size() == 1);
  const std::string& failed = results[2].failures[0];
  INFO(failed);
  CHECK(failed.find("e.pol:6") != std::string::npos);
  CHECK(failed.find("Person.benefit") != std::string::npos);
  CHECK(failed.find("division by zero") != std::string::npos);
}

TEST_CASE("inline tests: the example policy's own tests pass", "[evaluator][inline-tests]") {
  pol::Compilation c = pol::compile_file(std::string(POL_SOURCE_DIR) + "/examples/unemployment_insurance.pol");
  INFO(pol::render_all(c.diagnostics, c.sources));
  REQUIRE(c.policy);
  auto results = pol::run_inline_tests(*c.policy);
  CHECK(results.size() >= 5);  // the example gains tests as it grows
  for (const auto& r : results) {
    INFO(r.name);
    for (const auto& f : r.failures) INFO(f);
    CHECK(r.passed);
  }
}

TEST_CASE("evaluator API: handles, batches into caller-owned outcomes, scaled integers, limits", "[evaluator][api]") {
  auto policy = compile(
      "entity Person { input wage: money }\n"
      "entity Household { members: list of Person }\n"
      "function spin(n: integer): integer = if n <= 0 then 0 else spin(n - 1) + 1\n"
      "output Household.total: money = sum(members.wage)\n"
      "output Household.spun: integer = spin(count(members) * 100)\n");
  auto wage = policy->find_input("Person", "wage");
  REQUIRE(wage);
  CHECK(wage->type.kind == pol::TypeKind::Money);
  CHECK_FALSE(policy->find_input("Person", "salary"));
  CHECK_FALSE(policy->find_input("Persons", "wage"));
  std::vector<pol::Record> records(3);
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].id = "h" + std::to_string(i);
    records[i].root = policy->empty_record(policy->root_entity());
    for (std::size_t m = 0; m <= i; ++m) {
      auto person = policy->empty_record(wage->entity);
      person.inputs[static_cast<std::size_t>(wage->index)] = pol::Value::of_number(*pol::Decimal::parse("100.25"));
      records[i].root.collections[0].push_back(std::move(person));
    }
  }
  pol::Evaluator evaluator(*policy, *pol::Date::parse("2026-01-01"));
  std::vector<pol::Outcome> out(records.size());
  evaluator.evaluate_batch(records, out);
  REQUIRE(out[2].ok);
  CHECK(pol::to_scaled_int64(out[2].outputs[0], 2) == 30075);  // 3 × $100.25 in cents
  CHECK(pol::to_scaled_int64(out[2].outputs[0], 1) == std::nullopt);  // not a whole number of dimes
  std::vector<pol::Outcome> too_small(1);
  CHECK_THROWS_AS(evaluator.evaluate_batch(records, too_small), std::invalid_argument);

  // Limits: members, then steps. spin(300) takes more than 1,000 steps; spin(100) fewer than 2,000.
  evaluator.set_limits(pol::EvaluationLimits{0, {}, 2});
  evaluator.evaluate_batch(records, out);
  CHECK(out[0].ok);  // the household and one member: 2 instances
  REQUIRE_FALSE(out[1].ok);
  CHECK(out[1].error->message == "the record has 3 entity instances, more than the embedder's limit of 2");
  evaluator.set_limits(pol::EvaluationLimits{2000, {}, 0});
  evaluator.evaluate_batch(records, out);
  CHECK(out[0].ok);
  REQUIRE_FALSE(out[2].ok);
  CHECK(out[2].error->message == "the evaluation took more than 2000 steps (the embedder's limit)");
  evaluator.set_limits(pol::EvaluationLimits{});
  evaluator.evaluate_batch(records, out);
  CHECK(out[2].ok);
}
