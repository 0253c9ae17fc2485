// Blocks of households (eval/batch_plan.hpp, Evaluator::evaluate_batch and evaluate_columns) give
// exactly what evaluating them one at a time gives: the same outputs, the same errors with the
// same messages, in every lane, whatever else the block holds.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "eval/batch_plan.hpp"
#include "eval/program.hpp"
#include "pol/columns.hpp"
#include "pol/policy.hpp"
#include "record_helpers.hpp"

namespace {

using pol::Value;
using test_records::D;
using test_records::output_index;
using test_records::record;

using test_records::compile;

using test_records::day;
Value num(const std::string& text) { return Value::of_number(D(text)); }

// Exercises every operator of the batch set, and every way a lane can fail: a missing input
// (`hours` has no default), division by zero, a rounding unit that is not positive, a requirement
// that does not hold; `if` and `and`/`or` whose other side would fail.
const std::string kPolicy =
    "enum Status { single, couple }\n"
    "entity H {\n"
    "  input pay: money\n"
    "  input hours: decimal\n"
    "  input kids: integer = 0\n"
    "  input status: Status = Status.single\n"
    "  input unit: money = $0.05\n"
    "  input born: date = 2000-01-01\n"
    "  input flag: boolean = false\n"
    "}\n"
    "parameter rate: rate = 12.5%\n"
    "parameter cap: money = $900\n"
    "require H.sane: pay >= $0 cite \"test\"\n"
    "rule H.hourly: money = round(pay / hours, to: unit, mode: half_up)\n"
    "rule H.guarded: money = if hours > 0 then pay / hours else $0\n"
    "output H.benefit: money = min(cap, max($0, pay * rate - kids * -$10), pay) + abs(-$1)\n"
    "output H.couple: boolean = status = Status.couple or (pay / hours > $100 and not flag)\n"
    "output H.short: boolean = flag and hours < 10\n"
    "output H.guarded_out: money = guarded\n"
    "output H.age_days: boolean = as_of > born\n"
    "output H.hourly_out: money = hourly\n"
    "output H.neg: decimal = -(hours - 1)\n";

struct Case {
  std::vector<std::pair<std::string, Value>> fields;
};

std::vector<pol::Record> households(const pol::Policy& policy) {
  std::vector<std::vector<std::pair<std::string, Value>>> cases = {
      {{"pay", num("1000")}, {"hours", num("40")}},
      {{"pay", num("1000")}, {"hours", num("0")}},                          // division by zero (hourly, the or)
      {{"pay", num("500")}},                                                  // hours missing
      {{"pay", num("-1")}, {"hours", num("10")}},                             // requirement fails
      {{"pay", num("300")}, {"hours", num("7")}, {"unit", num("0")}},          // rounding unit 0
      {{"pay", num("0")}, {"hours", num("2")}},                               // zero pay
      {{"pay", num("0")}, {"hours", num("2")}, {"status", Value::of_enum(1)}},  // or decided on the left
      {{"pay", num("123.45")}, {"hours", num("3")}, {"kids", num("3")}, {"flag", Value::of_bool(true)}},
      {{"pay", num("99999999999999999999999999999999999999")}, {"hours", num("1")}},  // past 128 bits
      {{"pay", num("7200")}, {"hours", num("37.5")}, {"born", Value::of_date(day("2030-01-01"))}},
  };
  std::vector<pol::Record> out;
  for (std::size_t i = 0; i < 70; ++i) {  // more than one block of 64
    test_records::Fields fields;
    for (const auto& [name, value] : cases[i % cases.size()]) fields[name] = value;
    out.push_back(record(policy, fields, {}, "h" + std::to_string(i)));
  }
  return out;
}

void check_same(const pol::Policy& policy, const pol::Outcome& one, const pol::Outcome& batch) {
  REQUIRE(one.ok == batch.ok);
  if (!one.ok) {
    CHECK(one.error->message == batch.error->message);
    CHECK(one.error->rule == batch.error->rule);
    CHECK(one.error->location.begin.line == batch.error->location.begin.line);
    return;
  }
  for (std::size_t o = 0; o < policy.outputs().size(); ++o) {
    INFO(policy.outputs()[o].name);
    CHECK(pol::format_value(policy.outputs()[o].type, one.outputs[o], policy.enums()) ==
          pol::format_value(policy.outputs()[o].type, batch.outputs[o], policy.enums()));
  }
}

// Evaluates `records` in blocks with `batched` and one at a time, checks that each record gets the
// same, and returns how many failed.
std::size_t check_blocks_match_one_by_one(const pol::Policy& policy, pol::Evaluator& batched,
                                          const std::vector<pol::Record>& records, std::vector<pol::Outcome>& out) {
  pol::Evaluator single(policy, batched.as_of());
  out.resize(records.size());
  batched.evaluate_batch(records, out);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO("record " << records[i].id);
    auto one = single.evaluate(records[i]);
    check_same(policy, one, out[i]);
    failed += !one.ok;
  }
  return failed;
}

}  // namespace

TEST_CASE("batch: the policy is planned for blocks", "[evaluator][batch]") {
  auto policy = compile(kPolicy);
  CHECK(policy->program().batch_plan);
  auto with_members = compile(
      "entity P { input a: money }\nentity H { members: list of P }\noutput H.t: money = sum(members.a)\n");
  CHECK(with_members->program().batch_plan);
  // Series, schedules, text, members of members and the like are not in the batch set.
  auto nested = compile(
      "entity C { input a: money }\nentity P { kids: list of C }\nentity H { members: list of P }\n"
      "rule P.t: money = sum(kids.a)\noutput H.t: money = sum(members.t)\n");
  CHECK_FALSE(nested->program().batch_plan);
  auto text = compile("entity H { input name: text }\noutput H.t: text = name\n");
  CHECK_FALSE(text->program().batch_plan);
}

TEST_CASE("batch: evaluate_batch gives what evaluate gives, lane by lane", "[evaluator][batch]") {
  auto policy = compile(kPolicy);
  auto records = households(*policy);
  records[5].as_of = day("2025-01-01");  // a record with its own date takes the one-record path
  pol::Evaluator single(*policy, day("2026-03-01"));
  pol::Evaluator batched(*policy, day("2026-03-01"));
  std::vector<pol::Outcome> out;
  const std::size_t failed = check_blocks_match_one_by_one(*policy, batched, records, out);
  CHECK(failed > 0);                 // the failing kinds above do fail
  CHECK(failed < records.size());
  // Reused outcomes: a second batch over the same outcomes gives the same again.
  batched.evaluate_batch(records, out);
  for (std::size_t i = 0; i < records.size(); ++i) check_same(*policy, single.evaluate(records[i]), out[i]);
}

TEST_CASE("batch: evaluate_columns gives what evaluate gives, row by row", "[evaluator][batch][columns]") {
  auto policy = compile(kPolicy);
  auto records = households(*policy);
  pol::RecordColumns columns(*policy, records.size());
  const auto& schema = policy->entities()[static_cast<std::size_t>(policy->root_entity())];
  for (std::size_t row = 0; row < records.size(); ++row)
    for (std::size_t i = 0; i < schema.inputs.size(); ++i)
      if (records[row].root.inputs[i])
        columns.set(*policy->find_input("H", schema.inputs[i].name), row, *records[row].root.inputs[i]);
  pol::Evaluator single(*policy, day("2026-03-01"));
  pol::Evaluator batched(*policy, day("2026-03-01"));
  pol::OutcomeColumns out;
  batched.evaluate_columns(columns, out);
  REQUIRE(out.ok.size() == records.size());
  std::size_t errors = 0;
  for (std::size_t row = 0; row < records.size(); ++row) {
    INFO("row " << row);
    auto one = single.evaluate(records[row]);
    REQUIRE(one.ok == (out.ok[row] != 0));
    if (!one.ok) {
      REQUIRE(errors < out.errors.size());
      CHECK(out.errors[errors].first == row);
      CHECK(out.errors[errors].second.message == one.error->message);
      CHECK(out.errors[errors].second.record_id == "row " + std::to_string(row + 1));
      ++errors;
      continue;
    }
    for (std::size_t o = 0; o < policy->outputs().size(); ++o) {
      INFO(policy->outputs()[o].name);
      CHECK(out.outputs[o].present[row]);
      CHECK(pol::format_value(policy->outputs()[o].type, out.outputs[o].value(row), policy->enums()) ==
            pol::format_value(policy->outputs()[o].type, one.outputs[o], policy->enums()));
    }
  }
  CHECK(errors == out.errors.size());
  CHECK(errors > 0);
}

TEST_CASE("columns: misuse fails the call", "[columns]") {
  auto policy = compile(kPolicy);
  pol::RecordColumns columns(*policy, 2);
  auto pay = *policy->find_input("H", "pay");
  CHECK_THROWS_AS(columns.set(pay, 2, num("1")), std::invalid_argument);
  CHECK_THROWS_AS(columns.set_number(*policy->find_input("H", "flag"), 0, D("1")), std::invalid_argument);
  auto other = compile("entity H { input pay: money }\noutput H.x: money = pay\n");
  pol::Evaluator evaluator(*other, day("2026-03-01"));
  pol::OutcomeColumns out;
  CHECK_THROWS_AS(evaluator.evaluate_columns(columns, out), std::invalid_argument);
  // A row never set takes the defaults and fails on the missing input, as a Record would.
  pol::Evaluator right(*policy, day("2026-03-01"));
  columns.set(pay, 0, num("10"));
  columns.set(*policy->find_input("H", "hours"), 0, num("2"));
  right.evaluate_columns(columns, out);
  CHECK(out.ok[0]);
  CHECK_FALSE(out.ok[1]);
  CHECK(out.outputs[output_index(*policy, "guarded_out")].numbers[0] == D("5"));
}

namespace {

// Households with members: member rules, a member reading its household, count, sum, any, all,
// min and max with and without `where`, two collections of the same entity. Members fail now and
// then (`hours` missing or zero: `hourly` divides by it; `divisor` zero: every `share` fails), at
// every position in the list, so that a failure comes before, after and without the member that
// decides an `any` or an `all`.
const std::string kMembersPolicy =
    "enum Role { adult, child, elder }\n"
    "entity Person {\n"
    "  input role: Role\n"
    "  input age: integer\n"
    "  input pay: money = $0\n"
    "  input hours: decimal\n"
    "}\n"
    "entity Guest {\n"
    "  input role: Role\n"
    "  input age: integer\n"
    "  input pay: money = $0\n"
    "  input hours: decimal\n"
    "}\n"
    "entity Household {\n"
    "  input limit: integer = 17\n"
    "  input extra: money = $0\n"
    "  input divisor: decimal = 1\n"
    "  members: list of Person\n"
    "  guests: list of Guest\n"
    "}\n"
    "parameter rate: rate = 12.5%\n"
    "rule Household.base: money = extra * rate\n"
    "rule Person.kid: boolean = role = Role.child and age <= household.limit\n"
    "rule Person.share: money = round(pay * rate / household.divisor, to: $0.01, mode: half_even)\n"
    "rule Person.hourly: money = pay / hours\n"
    "rule Guest.with_base: money = pay + household.base\n";

const std::vector<std::string> kMemberOutputs = {
    "output Household.kids: integer = count(members where kid)\n"
    "output Household.size: integer = count(members) + count(guests)\n"
    "output Household.total: money = sum(members.share) + extra\n"
    "output Household.adult_pay: money = sum(members.pay where role = Role.adult)\n"
    "output Household.guest_pay: money = sum(guests.with_base)\n",
    "output Household.any_kid: boolean = any(members where kid)\n"
    "output Household.any_well_paid: boolean = any(members where hourly > $40)\n"
    "output Household.any_adult_well_paid: boolean = any(members.well_paid where role = Role.adult)\n"
    "rule Person.well_paid: boolean = hourly > $40\n",
    "output Household.all_paid: boolean = all(members.paid)\n"
    "output Household.all_adults_fast: boolean = all(members.fast where role = Role.adult)\n"
    "rule Person.paid: boolean = pay > $0\n"
    "rule Person.fast: boolean = hourly >= $20\n",
    "output Household.youngest: integer = min(members.age)\n"
    "output Household.top_adult_hourly: money = max(members.hourly where role = Role.adult)\n"
    "output Household.oldest_guest: integer = if count(guests) > 0 then max(guests.age) else -1\n",
};

struct Draw {  // the standard fixes mt19937_64's sequence: the same households on every run
  std::mt19937_64 engine{42};
  int below(int n) { return static_cast<int>(engine() % static_cast<std::uint64_t>(n)); }
};

std::vector<pol::Record> member_households(const pol::Policy& policy, std::size_t n) {
  Draw draw;
  const auto& collections = policy.entities()[static_cast<std::size_t>(policy.root_entity())].collections;
  auto member = [&](int entity) {
    test_records::Fields f;
    f["role"] = Value::of_enum(draw.below(3));
    f["age"] = num(std::to_string(draw.below(90)));
    if (draw.below(4)) f["pay"] = num(std::to_string(draw.below(300000)) + "." + std::to_string(draw.below(100)));
    // Now and then a pay two of which overflow 128 bits in a sum, or one past 128 bits already:
    // sums leave their 128-bit running total for Decimal's wide form.
    if (draw.below(60) == 0)
      f["pay"] = num(draw.below(2) ? "99999999999999999999999999999999999999" : "1234567890123456789012345678901234567890.25");
    const int hours = draw.below(40);
    if (hours == 0) f["hours"] = num("0");         // hourly divides by zero
    else if (hours > 1) f["hours"] = num(std::to_string(hours * 50 + draw.below(50)));  // 1: missing
    return test_records::entity(policy, entity, f);
  };
  std::vector<pol::Record> out;
  for (std::size_t i = 0; i < n; ++i) {
    test_records::Fields root;
    if (draw.below(2)) root["extra"] = num(std::to_string(draw.below(5000)) + ".5");
    if (draw.below(3) == 0) root["limit"] = num(std::to_string(10 + draw.below(10)));
    if (draw.below(40) == 0) root["divisor"] = num("0");  // every share fails
    else if (draw.below(3) == 0) root["divisor"] = num("3");
    pol::Record r = record(policy, root, {}, "h" + std::to_string(i));
    for (int m = draw.below(9); m > 0; --m) r.root.collections[0].push_back(member(collections[0].entity));
    for (int m = draw.below(3); m > 0; --m) r.root.collections[1].push_back(member(collections[1].entity));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

TEST_CASE("batch: households with members give in blocks what they give one by one", "[evaluator][batch][members]") {
  for (const std::string& outputs : kMemberOutputs) {
    auto policy = compile(kMembersPolicy + outputs);
    INFO(outputs);
    REQUIRE(policy->program().batch_plan);
    auto records = member_households(*policy, 700);
    records[3].as_of = day("2025-01-01");  // its own date: the one-record path
    // More members than a block holds: evaluated alone; and one that starts a fresh block.
    const int person = policy->entities()[static_cast<std::size_t>(policy->root_entity())].collections[0].entity;
    const pol::EntityRecord filler = test_records::entity(
        *policy, person, {{"role", Value::of_enum(0)}, {"age", num("40")}, {"pay", num("100")}, {"hours", num("10")}});
    records[100].root.collections[0].resize(300, filler);
    records[200].root.collections[0].resize(200, filler);
    pol::Evaluator batched(*policy, day("2026-03-01"));
    std::vector<pol::Outcome> out;
    const std::size_t failed = check_blocks_match_one_by_one(*policy, batched, records, out);
    CHECK(failed > 0);
    CHECK(failed < records.size() / 2);
  }
}

TEST_CASE("batch: records swap field by field", "[evaluator][batch]") {
  pol::Record a{"a", pol::EntityRecord{{num("1")}, {{}}}, day("2026-01-01"), "line 1"};
  pol::Record b{"b", pol::EntityRecord{{}, {}}, std::nullopt, "line 2"};
  swap(a, b);
  CHECK(a.id == "b");
  CHECK(a.root.inputs.empty());
  CHECK(a.root.collections.empty());
  CHECK_FALSE(a.as_of);
  CHECK(a.source == "line 2");
  CHECK(b.id == "a");
  CHECK(b.root.inputs.size() == 1);
  CHECK(b.root.collections.size() == 1);
  CHECK(b.as_of == day("2026-01-01"));
  CHECK(b.source == "line 1");
}

TEST_CASE("batch: a misshapen member is API misuse in a block too", "[evaluator][batch][members]") {
  auto policy = compile(kMembersPolicy + kMemberOutputs[0]);
  auto records = member_households(*policy, 10);
  records[4].root.collections[0].push_back(pol::EntityRecord{});  // no inputs at all
  pol::Evaluator batched(*policy, day("2026-03-01"));
  std::vector<pol::Outcome> out(records.size());
  CHECK_THROWS_AS(batched.evaluate_batch(records, out), std::invalid_argument);
}

TEST_CASE("batch: households as columns with a policy that has members", "[evaluator][batch][columns][members]") {
  auto policy = compile(kMembersPolicy + kMemberOutputs[0]);
  pol::RecordColumns columns(*policy, 3);
  columns.set(*policy->find_input("Household", "extra"), 1, num("10"));
  pol::Evaluator evaluator(*policy, day("2026-03-01"));
  pol::OutcomeColumns out;
  evaluator.evaluate_columns(columns, out);
  for (std::size_t row = 0; row < 3; ++row) {
    INFO("row " << row);
    CHECK(out.ok[row]);
    CHECK(out.outputs[output_index(*policy, "size")].numbers[row] == D("0"));
  }
  CHECK(out.outputs[output_index(*policy, "total")].numbers[1] == D("10"));
  CHECK(out.outputs[output_index(*policy, "guest_pay")].numbers[1] == D("0"));
}
