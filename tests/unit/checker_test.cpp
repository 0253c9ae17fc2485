// The checker: every error it reports, with its code, place, message, hint and notes; and the
// rendering of diagnostics as users see them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pol/policy.hpp"

using pol::Diagnostic;

namespace {

// Seven lines every test below builds on; a snippet appended to it starts on line 13.
const std::string kPrelude =
    "enum Reason { layoff, quit }\n"                                              // 1
    "entity Person {\n"                                                           // 2
    "  input age: integer\n"                                                      // 3
    "  input wage: money\n"                                                       // 4
    "  input start: date\n"                                                       // 5
    "  input reason: Reason\n"                                                    // 6
    "  input name: text\n"                                                        // 7
    "  input employed: boolean\n"                                                 // 8
    "}\n"                                                                         // 9
    "entity Household { input region_rate: rate  members: list of Person }\n"     // 10
    "parameter cap: money = $600\n"                                               // 11
    "parameter weeks: integer = 26\n";                                            // 12
constexpr int L = 13;  // the first line after the prelude

pol::Compilation compile(const std::string& text) { return pol::compile_source("t.pol", text); }

std::string list(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics)
    out += d.code + " " + std::to_string(d.range.begin.line) + ":" + std::to_string(d.range.begin.column) + " " +
           d.message + " | " + d.hint + "\n";
  return out;
}

// The diagnostics of a policy that must not compile.
std::vector<Diagnostic> errors(const std::string& text) {
  pol::Compilation c = compile(text);
  INFO(text);
  INFO(list(c.diagnostics));
  REQUIRE_FALSE(c.policy);
  REQUIRE_FALSE(c.diagnostics.empty());
  return c.diagnostics;
}

// The only diagnostic of the prelude followed by `snippet`.
Diagnostic error(const std::string& snippet) {
  auto all = errors(kPrelude + snippet);
  INFO(snippet);
  INFO(list(all));
  REQUIRE(all.size() == 1);
  return all[0];
}

// The prelude followed by `snippet` compiles without any diagnostic.
std::shared_ptr<const pol::Policy> accepted(const std::string& snippet) {
  pol::Compilation c = compile(kPrelude + snippet);
  INFO(snippet);
  INFO(list(c.diagnostics));
  CHECK_FALSE(pol::has_errors(c.diagnostics));
  REQUIRE(c.policy);
  return c.policy;
}

void check_at(const Diagnostic& d, const char* code, int line, int column, int end_column = 0) {
  INFO(d.code << " " << d.range.begin.line << ":" << d.range.begin.column << "-" << d.range.end.column << " "
               << d.message);
  CHECK(d.code == code);
  CHECK(d.range.file == "t.pol");
  CHECK(d.range.begin.line == line);
  CHECK(d.range.begin.column == column);
  if (end_column) CHECK(d.range.end.column == end_column);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("checker: the prelude itself is a valid policy", "[checker]") {
  auto policy = accepted("");
  CHECK(policy->entities().size() == 2);
  CHECK(policy->root_entity() == 1);
}

// ---- names (E0101 - E0106) ----

TEST_CASE("checker E0101: unknown names, with did-you-mean", "[checker]") {
  auto d = error("rule Person.x = agee + 1\n");
  check_at(d, "E0101", L, 17, 21);
  CHECK(d.message == "unknown name `agee`");
  CHECK(d.hint == "did you mean `age`?");

  auto parameter = error("rule Person.x = wage + capp\n");
  check_at(parameter, "E0101", L, 24);
  CHECK(parameter.hint == "did you mean `cap`?");

  auto far = error("rule Person.x = zzzzzz\n");
  CHECK(far.message == "unknown name `zzzzzz`");
  CHECK(contains(far.hint, "declare it as an input of Person"));

  auto parent_field = error("rule Person.x = region_rate\n");
  CHECK(parent_field.hint == "`region_rate` belongs to Household: write household.region_rate");

  auto member_field = error("rule Household.x = age\n");
  CHECK(member_field.hint == "`age` belongs to each Person: combine it, e.g. sum(members.age)");
}

TEST_CASE("checker E0101: enumeration values and fields through a dot", "[checker]") {
  auto value = error("rule Person.x = reason = Reason.quitt\n");
  check_at(value, "E0101", L, 33, 38);
  CHECK(value.message == "`quitt` is not a value of Reason");
  CHECK(value.hint == "did you mean `quit`?");

  auto parent = error("rule Person.x = household.region_rat\n");
  check_at(parent, "E0101", L, 27);
  CHECK(parent.message == "Household has no field or rule `region_rat`");
  CHECK(parent.hint == "did you mean `region_rate`?");

  auto no_field = error("rule Person.x = age.years\n");
  check_at(no_field, "E0101", L, 21);
  CHECK(no_field.message == "a value of type integer has no field `years`");

  auto ambiguous = errors(kPrelude + "enum Exit { quit, stay }\nrule Person.x = reason = quit\n");
  REQUIRE(ambiguous.size() == 1);
  check_at(ambiguous[0], "E0101", L + 1, 26);
  CHECK(ambiguous[0].message == "`quit` is a value of several enumerations");
  CHECK(ambiguous[0].hint == "say which one: Reason.quit or Exit.quit");
}

TEST_CASE("checker E0102: unknown types", "[checker]") {
  auto d = error("rule Person.x: moneyy = wage\n");
  check_at(d, "E0102", L, 16, 22);
  CHECK(d.message == "unknown type `moneyy`");
  CHECK(d.hint == "did you mean `money`?");

  auto input = errors("entity E { input x: Colour }\n");
  REQUIRE(input.size() == 1);
  check_at(input[0], "E0102", 1, 21);
  CHECK(contains(input[0].hint, "boolean, integer, decimal, money, rate, date, text"));

  auto enumeration = error("parameter r: Reasn = layoff\n");
  CHECK(enumeration.hint == "did you mean `Reason`?");
}

TEST_CASE("checker E0103: unknown entities", "[checker]") {
  auto rule = error("rule Persn.x = 1\n");
  check_at(rule, "E0103", L, 6, 11);
  CHECK(rule.message == "unknown entity `Persn`");
  CHECK(rule.hint == "did you mean `Person`?");

  auto collection = errors("entity H { members: list of Membr }\nentity Member { }\n");
  REQUIRE_FALSE(collection.empty());
  check_at(collection[0], "E0103", 1, 29);
  CHECK(collection[0].hint == "did you mean `Member`?");
}

TEST_CASE("checker E0104: duplicates point at the first definition", "[checker]") {
  auto rule = error("rule Person.x = 1\nrule Person.x = 2\n");
  check_at(rule, "E0104", L + 1, 13, 14);
  CHECK(rule.message == "rule `Person.x` is defined twice");
  REQUIRE(rule.notes.size() == 1);
  CHECK(rule.notes[0].first.begin.line == L);
  CHECK(rule.notes[0].first.begin.column == 13);
  CHECK(rule.notes[0].second == "first defined here");

  auto parameter = error("parameter cap: money = $700\n");
  check_at(parameter, "E0104", L, 11);
  CHECK(parameter.message == "parameter `cap` is defined twice");
  REQUIRE(parameter.notes.size() == 1);
  CHECK(parameter.notes[0].first.begin.line == 11);

  auto field = errors("entity E {\n  input a: integer\n  input a: money\n}\n");
  REQUIRE(field.size() == 1);
  check_at(field[0], "E0104", 3, 9);
  CHECK(field[0].message == "field `a` of E is defined twice");
  REQUIRE(field[0].notes.size() == 1);
  CHECK(field[0].notes[0].first.begin.line == 2);

  auto entity = errors("entity E { }\nentity E { }\n");
  REQUIRE(entity.size() == 1);
  CHECK(entity[0].message == "entity `E` is defined twice");
  CHECK(entity[0].notes.at(0).first.begin.line == 1);

  auto enumeration = error("enum Reason { a }\n");
  CHECK(enumeration.message == "enumeration `Reason` is defined twice");
  CHECK(enumeration.notes.at(0).first.begin.line == 1);

  auto value = error("enum Size { small, large, small }\n");
  check_at(value, "E0104", L, 27);
  CHECK(value.message == "enumeration value `small` is defined twice");
  CHECK(value.notes.at(0).first.begin.column == 13);

  auto input = error("rule Person.age = 3\n");
  check_at(input, "E0104", L, 13);
  CHECK(input.message == "`age` is already an input of Person");
  CHECK(input.notes.at(0).first.begin.line == 3);
}

TEST_CASE("checker E0105: unknown functions", "[checker]") {
  auto d = error("rule Person.x = rond(wage, to: $1, mode: floor)\n");
  check_at(d, "E0105", L, 17, 21);
  CHECK(d.message == "unknown function `rond`");
  CHECK(d.hint == "did you mean `round`?");
  CHECK(contains(error("rule Person.x = sqrt(age)\n").hint, "declare your own with `function`"));
}

TEST_CASE("checker E0106: test blocks naming unknown fields, lists and outputs", "[checker]") {
  auto all = errors(kPrelude +
                    "output Household.total: money = sum(members.wage)\n"  // 13
                    "test \"t\" as of 2026-01-01 {\n"                       // 14
                    "  household {\n"                                      // 15
                    "    region_rat: 5%,\n"                                // 16
                    "    member: [ { age: 3 } ],\n"                        // 17
                    "    members: [ { agee: 3 } ]\n"                       // 18
                    "  }\n"                                                // 19
                    "  expect totl = $0\n"                                 // 20
                    "}\n");
  REQUIRE(all.size() == 4);
  check_at(all[0], "E0106", L + 3, 5, 15);
  CHECK(all[0].message == "Household has no input `region_rat`");
  CHECK(all[0].hint == "did you mean `region_rate`?");
  check_at(all[1], "E0106", L + 4, 5);
  CHECK(all[1].message == "Household has no list `member`");
  check_at(all[2], "E0106", L + 5, 18);
  CHECK(all[2].message == "Person has no input `agee`");
  CHECK(all[2].hint == "did you mean `age`?");
  check_at(all[3], "E0106", L + 7, 10, 14);
  CHECK(all[3].message == "Household has no output or rule `totl`");
  CHECK(all[3].hint == "did you mean `total`?");

  auto entity = error("test \"t\" as of 2026-01-01 { person { } }\n");
  check_at(entity, "E0106", L, 29);
  CHECK(entity.message == "a test describes one Household, not `person`");
  CHECK(entity.hint == "write `household { ... }`");

  auto list_as_value = error("test \"t\" as of 2026-01-01 { household { members: 3 } }\n");
  CHECK(list_as_value.message == "Household has no input `members`");
  CHECK(list_as_value.hint == "`members` is a list: write members: [ { ... } ]");

  auto twice = error("test \"t\" as of 2026-01-01 { household { region_rate: 1%, region_rate: 2% } }\n");
  check_at(twice, "E0104", L, 58);
  CHECK(twice.message == "field `region_rate` is given twice");
}

// ---- types and units (E0201 - E0207) ----

TEST_CASE("checker E0201: units of arithmetic", "[checker]") {
  auto product = error("rule Person.x = wage * wage\n");
  check_at(product, "E0201", L, 22, 23);
  CHECK(product.message == "cannot apply `*` to money and money");
  CHECK(contains(product.hint, "money × money has no meaning"));

  auto sum = error("rule Person.x = wage + 1\n");
  check_at(sum, "E0201", L, 22);
  CHECK(sum.message == "cannot apply `+` to money and integer");
  CHECK(contains(sum.hint, "$0"));

  auto difference = error("rule Person.x = 100 - wage\n");
  CHECK(difference.message == "cannot apply `-` to integer and money");

  auto per_money = error("rule Person.x = 1 / wage\n");
  CHECK(per_money.message == "cannot apply `/` to integer and money");

  auto dates = error("rule Person.x = start + 1\n");
  CHECK(dates.message == "cannot apply `+` to date and integer");
  CHECK(contains(dates.hint, "add_days(DATE, N)"));

  auto logic = error("rule Person.x = age and employed\n");
  check_at(logic, "E0201", L, 21, 24);
  CHECK(logic.message == "cannot apply `and` to integer and boolean");

  auto negation = error("rule Person.x = not age\n");
  check_at(negation, "E0201", L, 21);
  CHECK(negation.message == "`not` needs a true/false value, but this is integer");

  auto sign = error("rule Person.x = -name\n");
  check_at(sign, "E0201", L, 17);
  CHECK(sign.message == "a sign applies to numbers and amounts, not to text");

  auto mixed = error("rule Person.x = min(age, wage)\n");
  check_at(mixed, "E0201", L, 26);
  CHECK(mixed.message == "min() mixes integer and money");
}

TEST_CASE("checker: the unit rules that are accepted, and the types they give", "[checker]") {
  auto policy = accepted(
      "rule Person.ratio: decimal = wage / cap\n"                    // money ÷ money
      "rule Person.share: money = wage * household.region_rate\n"   // money × rate
      "rule Person.scaled: money = 2 * wage\n"                      // number × money
      "rule Person.per_week: money = wage / weeks\n"                // money ÷ number
      "rule Person.total: money = wage + cap - $1.50\n"
      "rule Person.fraction = age / 3\n"
      "rule Person.rate_sum = household.region_rate + 1%\n"
      "rule Person.rate_half = household.region_rate / 2\n"
      "rule Person.later = start > 2026-01-01\n"
      "rule Person.neg = -wage\n");
  auto type_of = [&](const std::string& name) {
    for (const auto& r : policy->rules())
      if (r.name == name) return pol::type_name(r.type, policy->enums());
    return std::string("?");
  };
  CHECK(type_of("ratio") == "decimal");
  CHECK(type_of("share") == "money");
  CHECK(type_of("scaled") == "money");
  CHECK(type_of("per_week") == "money");
  CHECK(type_of("total") == "money");
  CHECK(type_of("fraction") == "decimal");
  CHECK(type_of("rate_sum") == "rate");
  CHECK(type_of("rate_half") == "rate");
  CHECK(type_of("later") == "boolean");
  CHECK(type_of("neg") == "money");

  // money ÷ money with no declared type is a decimal, not an amount
  auto d = error("rule Person.x: money = wage / cap\n");
  CHECK(d.message == "rule `Person.x` is declared money but its formula gives decimal");
}

TEST_CASE("checker E0202: comparisons", "[checker]") {
  auto date = error("rule Person.x = wage > start\n");
  check_at(date, "E0202", L, 22, 23);
  CHECK(date.message == "cannot compare money with date");
  CHECK_FALSE(contains(date.hint, "not 0"));  // the fix is not a currency sign

  auto number = error("rule Person.x = wage > 0\n");
  CHECK(number.message == "cannot compare money with integer");
  CHECK(number.hint == "compare amounts with amounts: write $0, not 0");

  auto text = error("rule Person.x = name < \"m\"\n");
  check_at(text, "E0202", L, 22);
  CHECK(text.message == "`<` orders numbers, amounts and dates, not text");
  CHECK(text.hint == "use = or != for this type");

  auto enumeration = error("rule Person.x = reason > Reason.layoff\n");
  CHECK(enumeration.message == "`>` orders numbers, amounts and dates, not Reason");

  accepted("rule Person.x = reason = Reason.quit and name != \"x\" and employed = true\n");
}

TEST_CASE("checker E0203: if conditions and branches", "[checker]") {
  auto branches = error("rule Person.x = if employed then wage else 0\n");
  check_at(branches, "E0203", L, 44, 45);
  CHECK(branches.message == "the branches of `if` differ: money after `then`, integer after `else`");
  CHECK(branches.hint == "both branches must be amounts: write $0, not 0");

  auto date = error("rule Person.x = if employed then wage else start\n");
  CHECK(date.message == "the branches of `if` differ: money after `then`, date after `else`");
  CHECK_FALSE(contains(date.hint, "$0"));

  auto condition = error("rule Person.x = if age then 1 else 2\n");
  check_at(condition, "E0203", L, 20, 23);
  CHECK(condition.message == "the condition of `if` must be true/false, but this is integer");

  // Branches that are numbers of different kinds combine.
  accepted("rule Person.x: decimal = if employed then 1 else 0.5\n");
}

TEST_CASE("checker E0204: declared types", "[checker]") {
  auto rule = error("rule Person.x: integer = wage\n");
  check_at(rule, "E0204", L, 26, 30);
  CHECK(rule.message == "rule `Person.x` is declared integer but its formula gives money");
  CHECK(contains(rule.hint, "divide by another amount"));

  auto fraction = error("rule Person.x: integer = age / 2\n");
  CHECK(fraction.message == "rule `Person.x` is declared integer but its formula gives decimal");
  CHECK(contains(fraction.hint, "round("));

  auto parameter = error("parameter floor: money = 150\n");
  check_at(parameter, "E0204", L, 26);
  CHECK(parameter.message == "parameter `floor` is declared money but this value is integer");
  CHECK(contains(parameter.hint, "currency sign"));

  auto dated = error("parameter r: rate\n  from 2024-01-01 = 5%\n  from 2025-01-01 = $3\n");
  check_at(dated, "E0204", L + 2, 21);

  auto defaults = errors("entity E { input n: integer = 0.5 }\n");
  REQUIRE(defaults.size() == 1);
  check_at(defaults[0], "E0204", 1, 31);
  CHECK(defaults[0].message == "the default of `n` is declared integer but this value is decimal");

  auto expectation = error("output Household.n = count(members)\ntest \"t\" as of 2026-01-01 { household { } expect n = $1 }\n");
  check_at(expectation, "E0204", L + 1, 54);
  CHECK(expectation.message == "`n` is declared integer but this value is money");

  auto test_input = error("test \"t\" as of 2026-01-01 { household { region_rate: $5 } }\n");
  CHECK(test_input.message == "input `region_rate` is declared rate but this value is money");
}

TEST_CASE("checker E0205: plain values and misused calls", "[checker]") {
  auto parameter = error("parameter cap2: money = cap\n");
  check_at(parameter, "E0205", L, 25);
  CHECK(parameter.message == "a parameter cannot be used here");

  auto computed = error("parameter d: date = 2026-01-01 + 1\n");
  check_at(computed, "E0205", L, 21);
  CHECK(computed.message == "parameter `d` must be a plain value");

  auto default_call = errors("entity E { input n: integer = max(1, 2) }\n");
  REQUIRE(default_call.size() == 1);
  CHECK(default_call[0].code == "E0205");

  auto where = error("rule Person.x = abs(age where employed)\n");
  check_at(where, "E0205", L, 31);
  CHECK(where.message == "`where` filters the members of an aggregate, not abs()");

  auto one = error("rule Person.x = max(age)\n");
  CHECK(one.message == "max() compares two or more values: max(a, b)");

  auto abs_text = error("rule Person.x = abs(name)\n");
  CHECK(abs_text.message == "abs applies to numbers and amounts, not text");

  // A negative literal is a plain value.
  accepted("parameter floor: money = -$5\n");
}

TEST_CASE("checker E0206: round needs a value, a unit and a known mode", "[checker]") {
  auto missing = error("rule Person.x = round(wage)\n");
  check_at(missing, "E0206", L, 17, 28);
  CHECK(missing.message == "round() needs the value, the unit and the mode");
  CHECK(contains(missing.hint, "round(x, to: $0.01, mode: half_even)"));

  auto no_mode = error("rule Person.x = round(wage, to: $0.01)\n");
  CHECK(no_mode.message == "round() needs the value, the unit and the mode");

  auto typo = error("rule Person.x = round(wage, to: $0.01, mode: half_evn)\n");
  check_at(typo, "E0206", L, 46, 54);
  CHECK(typo.message == "unknown rounding mode `half_evn`");
  CHECK(typo.hint == "did you mean `half_even`?");

  auto unknown = error("rule Person.x = round(wage, to: $0.01, mode: up)\n");
  CHECK(unknown.message == "unknown rounding mode `up`");
  CHECK(contains(unknown.hint, "half_even, half_up, half_down, toward_zero, away_from_zero, floor, ceiling"));

  auto unit = error("rule Person.x = round(wage, to: 1, mode: floor)\n");
  check_at(unit, "E0206", L, 33);
  CHECK(unit.message == "the unit of rounding must be an amount like the value, but it is integer");

  auto zero = error("rule Person.x = round(age, to: 0, mode: floor)\n");
  CHECK(zero.message == "the unit of rounding must be greater than zero");

  auto extra = error("rule Person.x = round(wage, to: $1, mode: floor, per: 2)\n");
  check_at(extra, "E0206", L, 50);
  CHECK(extra.message == "round() has no argument `per`");

  auto text = error("rule Person.x = round(name, to: 1, mode: floor)\n");
  CHECK(text.message == "round() applies to numbers and amounts, not text");

  accepted("rule Person.x: money = round(wage * 55%, to: $0.01, mode: half_up)\n"
           "rule Person.y: decimal = round(age / 3, to: 0.01, mode: ceiling)\n");
}

TEST_CASE("checker E0207: aggregates and member lists", "[checker]") {
  auto no_list = error("rule Person.x = sum(age)\n");
  check_at(no_list, "E0207", L, 21, 24);
  CHECK(no_list.message == "sum() works over a list of members of Person");
  CHECK(no_list.hint == "Person has no list of members");

  auto typo = error("rule Household.x = sum(membrs.wage)\n");
  CHECK(typo.hint == "did you mean `members`?");

  auto no_value = error("rule Household.x = sum(members)\n");
  check_at(no_value, "E0207", L, 24);
  CHECK(no_value.message == "sum() needs the value to combine: sum(members.NAME)");

  auto count_field = error("rule Household.x = count(members.age)\n");
  CHECK(contains(count_field.message, "count() counts members"));

  auto any_bare = error("rule Household.x = any(members)\n");
  CHECK(any_bare.message == "any() needs a condition on each member");

  auto all_number = error("rule Household.x = all(members.age)\n");
  CHECK(all_number.message == "all() needs true/false values, but `age` is integer");

  auto sum_text = error("rule Household.x = sum(members.name)\n");
  CHECK(sum_text.message == "sum() combines numbers or amounts, but `name` is text");

  auto sum_date = error("rule Household.x = sum(members.start)\n");
  CHECK(sum_date.message == "sum() combines numbers or amounts, but `start` is date");

  auto filter = error("rule Household.x = count(members where age)\n");
  check_at(filter, "E0207", L, 40, 43);
  CHECK(filter.message == "`where` needs a true/false condition, but this is integer");

  auto two = error("rule Household.x = sum(members.age, members.age)\n");
  CHECK(two.message == "sum() takes one list of members");

  auto bare_member = error("rule Household.x = members.age\n");
  check_at(bare_member, "E0207", L, 20);
  CHECK(bare_member.message == "`members.age` names one value per member");

  auto bare_list = error("rule Household.x = members\n");
  CHECK(bare_list.message == "`members` is a list of members, not a value");

  auto parent = error("rule Person.x = household\n");
  CHECK(parent.message == "`household` is the Household this Person belongs to, not a value");

  // min/max over members may order dates; the filter sees the member's names.
  accepted("rule Household.first = min(members.start where employed)\n"
           "rule Household.some = any(members where age > 60)\n"
           "rule Household.every = all(members.employed)\n"
           "rule Household.n: integer = count(members)\n"
           "rule Household.top: money = max(members.wage)\n");
}

// ---- structure (E0301 - E0304) ----

TEST_CASE("checker E0301: a cycle is reported once, with the whole circle", "[checker]") {
  auto d = error("rule Person.a: integer = b\nrule Person.b: integer = a + 1\n");
  check_at(d, "E0301", L, 13, 14);
  CHECK(d.message == "these rules depend on each other in a circle: Person.a → Person.b → Person.a");
  CHECK_FALSE(d.hint.empty());
  // The note points at the other rule of the circle, not again at the one the error is on.
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].first.begin.line == L + 1);
  CHECK(d.notes[0].second == "Person.b is defined here");

  auto self = error("rule Person.a = a + 1\n");
  CHECK(self.message == "these rules depend on each other in a circle: Person.a → Person.a");
  CHECK(self.notes.empty());

  // Through the household and back through an aggregate.
  auto across = error("rule Household.t: money = sum(members.s)\nrule Person.s: money = household.t\n");
  CHECK(across.message == "these rules depend on each other in a circle: Person.s → Household.t → Person.s");

  auto three = error("rule Person.a = b\nrule Person.b = c\nrule Person.c = a\nrule Person.d = a + c\n");
  CHECK(three.message == "these rules depend on each other in a circle: Person.a → Person.b → Person.c → Person.a");
}

TEST_CASE("checker E0302: dates of a parameter must increase", "[checker]") {
  auto d = error("parameter r: rate\n  from 2026-01-01 = 5%\n  from 2025-01-01 = 6%\n");
  check_at(d, "E0302", L + 2, 8, 18);
  CHECK(d.message == "dates of parameter `r` must increase: 2025-01-01 comes after 2026-01-01");
  CHECK(d.hint == "list the values in the order they came into force");

  auto same = error("parameter r: rate\n  from 2026-01-01 = 5%\n  from 2026-01-01 = 6%\n");
  CHECK(same.code == "E0302");
}

TEST_CASE("checker E0303: outputs belong to the top-level entity or its members", "[checker]") {
  // One value per member is a member output: allowed.
  auto policy = accepted("output Person.x: money = wage\n");
  REQUIRE(policy->outputs().size() == 1);
  CHECK(policy->outputs()[0].entity != policy->root_entity());
  // A member of a member is too deep for one row per member.
  auto nested = errors(
      "entity Job { input pay: money }\n"
      "entity Person { jobs: list of Job }\n"
      "entity Household { members: list of Person }\n"
      "output Job.x: money = pay\n");
  REQUIRE(nested.size() == 1);
  check_at(nested[0], "E0303", 4, 8, 11);
  CHECK(nested[0].message == "outputs belong to `Household` or to its members, not to `Job`");
  CHECK(contains(nested[0].hint, "write `rule Job.x`"));
}

TEST_CASE("checker E0304: the entity structure", "[checker]") {
  auto two = errors("entity A { }\nentity B { }\n");
  REQUIRE(two.size() == 1);
  check_at(two[0], "E0304", 2, 8, 9);
  CHECK(two[0].message == "entities `A` and `B` are both top-level");
  CHECK(contains(two[0].hint, "members: list of B"));
  REQUIRE(two[0].notes.size() == 1);
  CHECK(two[0].notes[0].first.begin.line == 1);

  auto self = errors("entity A { parts: list of A }\n");
  REQUIRE_FALSE(self.empty());
  check_at(self[0], "E0304", 1, 27);
  CHECK(self[0].message == "entity `A` cannot be a member of itself");

  auto twice = errors("entity P { }\nentity A { ps: list of P }\nentity B { ps: list of P  qs: list of A }\n");
  REQUIRE(twice.size() == 1);
  check_at(twice[0], "E0304", 3, 24);
  CHECK(twice[0].message == "entity `P` is already a member of `A`");
  REQUIRE(twice[0].notes.size() == 1);
  CHECK(twice[0].notes[0].first.begin.line == 2);
  CHECK(twice[0].notes[0].second == "first listed here");
}

// ---- several errors, rendering ----

TEST_CASE("checker: a file with N independent errors reports all N, in source order", "[checker]") {
  auto all = errors(kPrelude +
                    "rule Person.a = agee\n"                                  // 13 E0101
                    "rule Person.b = wage * wage\n"                           // 14 E0201
                    "rule Person.c: integer = wage\n"                         // 15 E0204
                    "rule Person.d = round(wage)\n"                           // 16 E0206
                    "rule Person.e = sqrt(age)\n"                             // 17 E0105
                    "rule Persn.f = 1\n"                                      // 18 E0103
                    "parameter r: rate\n  from 2026-01-01 = 5%\n  from 2025-01-01 = 6%\n"  // 21 E0302
                    "rule Person.g: moneyy = 1\n"                             // 22 E0102
                    "rule Person.h = if employed then wage else 0\n"          // 23 E0203
                    "rule Household.i = sum(members)\n");                     // 24 E0207
  std::vector<std::string> codes;
  std::vector<int> lines;
  for (const auto& d : all) {
    codes.push_back(d.code);
    lines.push_back(d.range.begin.line);
  }
  CHECK(codes == std::vector<std::string>{"E0101", "E0201", "E0204", "E0206", "E0105", "E0103", "E0302", "E0102",
                                          "E0203", "E0207"});
  CHECK(lines == std::vector<int>{13, 14, 15, 16, 17, 18, 21, 22, 23, 24});
}

TEST_CASE("checker: an error is reported where it is, not again where its rule is used", "[checker]") {
  auto all = errors(kPrelude + "rule Person.a = agee\nrule Person.b = a + 1\nrule Household.c = sum(members.b)\n");
  REQUIRE(all.size() == 1);
  CHECK(all[0].message == "unknown name `agee`");

  auto typed = errors(kPrelude + "rule Person.a: moneyy = 1\nrule Person.b = a + 1\n");
  REQUIRE(typed.size() == 1);
  CHECK(typed[0].code == "E0102");
}

TEST_CASE("render: file:line:col, the source line, carets under the offending text, the hint", "[checker][render]") {
  const std::string text = "entity Person {\n  input weekly_cap: money\n}\nrule Person.x: money = wekly_cap * 2\n";
  pol::Compilation c = compile(text);
  REQUIRE(c.diagnostics.size() == 1);
  CHECK(pol::render(c.diagnostics[0], c.sources) ==
        "t.pol:4:24: error[E0101]: unknown name `wekly_cap`\n"
        "  |\n"
        "4 | rule Person.x: money = wekly_cap * 2\n"
        "  |                        ^^^^^^^^^\n"
        "  = hint: did you mean `weekly_cap`?\n");
}

TEST_CASE("render: notes show their own place and line", "[checker][render]") {
  std::string text = kPrelude + "rule Person.x = 1\nrule Person.x = 2\n";
  pol::Compilation c = compile(text);
  REQUIRE(c.diagnostics.size() == 1);
  CHECK(pol::render(c.diagnostics[0], c.sources) ==
        "t.pol:14:13: error[E0104]: rule `Person.x` is defined twice\n"
        "   |\n"
        "14 | rule Person.x = 2\n"
        "   |             ^\n"
        "  = hint: remove one definition, or give it another name\n"
        "  note: t.pol:13:13: first defined here\n"
        "   |\n"
        "13 | rule Person.x = 1\n"
        "   |             ^\n");
}

TEST_CASE("render: carets line up under tabs and multi-byte characters", "[checker][render]") {
  pol::Compilation c = compile("entity P { input n: text }\n\trule P.x = n = \"né\" and nn\n");
  REQUIRE(c.diagnostics.size() == 1);
  CHECK(pol::render(c.diagnostics[0], c.sources) ==
        "t.pol:2:26: error[E0101]: unknown name `nn`\n"
        "  |\n"
        "2 | \trule P.x = n = \"né\" and nn\n"
        "  | \t                        ^^\n"
        "  = hint: did you mean `n`?\n");
}

TEST_CASE("render: a syntax error and a message without hint", "[checker][render]") {
  pol::Compilation c = compile("entity P { input a: integer }\nrule P.x = a 2\nrule P.y = a ? 1\n");
  REQUIRE(c.diagnostics.size() == 2);
  CHECK(pol::render(c.diagnostics[1], c.sources) ==
        "t.pol:3:14: error[E0002]: unexpected character `?`\n"
        "  |\n"
        "3 | rule P.y = a ? 1\n"
        "  |              ^\n"
        "  = hint: remove it, or put it inside a text in double quotes\n");
  const std::string all = pol::render_all(c.diagnostics, c.sources);
  CHECK(all.find("t.pol:2:14: error[E0001]") == 0);
  CHECK(all.find("\n\nt.pol:3:14: error[E0002]") != std::string::npos);
}

TEST_CASE("render: a file that cannot be read", "[checker][render]") {
  pol::Compilation c = pol::compile_file("/nonexistent/policy.pol");
  REQUIRE(c.diagnostics.size() == 1);
  CHECK(c.diagnostics[0].code == "E0000");
  CHECK(pol::render(c.diagnostics[0], c.sources) ==
        "/nonexistent/policy.pol: error[E0000]: cannot read the file\n"
        "  = hint: check the path and the permissions\n");
}

TEST_CASE("checker warnings: W0101 a rule no output uses; W0102 a parameter without citation (strict)", "[checker][warnings]") {
  const std::string text =
      "entity H { input a: money  members: list of P }\n"          // 1
      "entity P { input w: money }\n"                               // 2
      "parameter cap: money = $10\n"                                // 3
      "parameter cited: money = $5 cite \"Act s.1\"\n"              // 4
      "schedule band: lookup money -> integer\n"                    // 5
      "  from 2020-01-01\n"                                         // 6
      "    at or above $0: 1\n"                                     // 7
      "rule H.used_by_output: money = a + cited\n"                  // 8
      "rule P.used_through_sum: money = w\n"                        // 9
      "rule H.dead: money = a + cap\n"                              // 10
      "rule H.dead_too: integer = band(dead)\n"                     // 11
      "rule H.tested: money = a\n"                                  // 12
      "output H.o: money = used_by_output + sum(members.used_through_sum)\n"  // 13
      "test \"t\" as of 2026-01-01 { h { a: $1 } expect tested = $1 }\n";     // 14
  pol::Compilation plain = pol::compile_source("w.pol", text);
  INFO(list(plain.diagnostics));
  REQUIRE(plain.policy);  // warnings do not stop the compilation
  REQUIRE(plain.diagnostics.size() == 2);
  CHECK(plain.diagnostics[0].code == "W0101");
  CHECK(plain.diagnostics[0].severity == pol::Severity::Warning);
  CHECK(plain.diagnostics[0].range.begin.line == 10);
  CHECK(plain.diagnostics[0].message == "rule `H.dead` is not used by any output");
  CHECK(plain.diagnostics[1].range.begin.line == 11);

  pol::Compilation strict = pol::compile_source("w.pol", text, pol::CompileOptions{true});
  INFO(list(strict.diagnostics));
  REQUIRE(strict.policy);
  std::vector<std::pair<std::string, int>> codes;
  for (const auto& d : strict.diagnostics) codes.push_back({d.code, d.range.begin.line});
  CHECK(codes == std::vector<std::pair<std::string, int>>{{"W0102", 3}, {"W0102", 5}, {"W0101", 10}, {"W0101", 11}});

  // With errors, no warnings: the drafter fixes the errors first.
  pol::Compilation broken = pol::compile_source("w.pol", text + "rule H.bad: money = nope\n");
  for (const auto& d : broken.diagnostics) CHECK(d.severity == pol::Severity::Error);
}

TEST_CASE("checker: a misspelt entity in a list is reported once, without knock-on errors", "[checker]") {
  auto all = errors(
      "entity Person { input age: integer }\n"
      "entity Household { members: list of Persons }\n"
      "output Household.n: integer = count(members)\n");
  REQUIRE(all.size() == 1);
  CHECK(all[0].code == "E0103");
  CHECK(all[0].hint == "did you mean `Person`?");
}
