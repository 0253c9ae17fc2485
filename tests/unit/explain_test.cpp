// pol::explain: the derivation tree of an output, with values, sources, citations, the date a
// parameter's value applies from, the schedule band and the exception that applied.
#include <catch2/catch.hpp>

#include "pol/explain.hpp"

namespace {

const char* kPolicy = R"(policy "explained"
entity Person {
  input wage: money
  input striking: boolean = false
}
entity Household { members: list of Person }
parameter rate: rate cite "Act s.2"
  from 2020-01-01 = 50%
  from 2026-01-01 = 60% cite "Amending Act s.1"
schedule weeks: lookup money -> integer cite "Act s.3"
  from 2020-01-01
    at or above $0: 10
    above $500: 20
rule Person.base: money = wage * rate cite "Act s.4"
exception strike: Person.base = $0 when striking cite "Act s.9"
output Person.benefit: money = base
output Household.total: money = sum(members.base)
output Household.duration: integer = weeks(total)
)";

pol::Record record(const pol::Policy& policy, std::vector<std::pair<const char*, bool>> members) {
  pol::Record r;
  r.id = "h1";
  r.root = policy.empty_record(policy.root_entity());
  const int person = policy.entities()[static_cast<std::size_t>(policy.root_entity())].collections[0].entity;
  for (auto [wage, striking] : members) {
    auto m = policy.empty_record(person);
    m.inputs[0] = pol::Value::of_number(*pol::Decimal::parse(wage));
    if (striking) m.inputs[1] = pol::Value::of_bool(true);
    r.root.collections[0].push_back(std::move(m));
  }
  return r;
}

const pol::ExplanationNode* child(const pol::ExplanationNode& node, const std::string& name) {
  for (const auto& c : node.children)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("explain: values, parameters in force, citations and exceptions", "[explain]") {
  auto c = pol::compile_source("e.pol", kPolicy);
  INFO(pol::render_all(c.diagnostics, c.sources));
  REQUIRE(c.policy);
  auto r = record(*c.policy, {{"1000", false}, {"400", true}});
  auto e = pol::explain(*c.policy, r, *pol::Date::parse("2026-03-01"), nullptr, "total");
  REQUIRE_FALSE(e.error);
  REQUIRE(e.outputs.size() == 1);
  const auto& total = e.outputs[0];
  CHECK(total.name == "Household.total");
  CHECK(total.value == "600.00");  // 1,000 × 60% + 0 (the second member is striking)
  REQUIRE(total.children.size() == 2);
  const auto& first = total.children[0];
  CHECK(first.name == "members[1].base");
  CHECK(first.value == "600.00");
  CHECK(first.citation == "Act s.4");
  const auto* rate = child(first, "rate");
  REQUIRE(rate);
  CHECK(rate->kind == pol::ExplanationNode::Kind::Parameter);
  CHECK(rate->value == "60%");  // rates as drafters write them
  REQUIRE(rate->from);
  CHECK(rate->from->to_string() == "2026-01-01");
  CHECK(rate->citation == "Act s.2; Amending Act s.1");
  const auto* general = child(first, "the general rule");
  REQUIRE(general);
  CHECK(general->note == "no exception applies");
  const auto& second = total.children[1];
  CHECK(second.value == "0.00");
  bool strike_applied = false;
  for (const auto& c2 : second.children)
    if (c2.kind == pol::ExplanationNode::Kind::Exception && c2.note == "this exception applies") {
      strike_applied = true;
      CHECK(c2.name.find("`strike`") != std::string::npos);
      CHECK(c2.name.find("Act s.9") != std::string::npos);
    }
  CHECK(strike_applied);

  std::string text = pol::render_text(e);
  CHECK(text.find("Household.total = 600.00") != std::string::npos);
  CHECK(text.find("rate = 60%   (parameter, from 2026-01-01, e.pol:7)  [Act s.2; Amending Act s.1]") != std::string::npos);
  std::string json = pol::render_json(e);
  CHECK(json.find("\"from\":\"2026-01-01\"") != std::string::npos);
}

TEST_CASE("explain: schedule bands, repeated values, the old parameter value", "[explain]") {
  auto c = pol::compile_source("e.pol", kPolicy);
  REQUIRE(c.policy);
  auto r = record(*c.policy, {{"1000", false}});
  auto e = pol::explain(*c.policy, r, *pol::Date::parse("2025-06-30"), nullptr);
  REQUIRE_FALSE(e.error);
  // Every output: members[1].benefit, total, duration.
  REQUIRE(e.outputs.size() == 3);
  CHECK(e.outputs[0].name == "members[1].benefit");
  CHECK(e.outputs[0].value == "500.00");  // 1,000 × 50% before 2026
  const auto& total = e.outputs[1];
  REQUIRE(total.children.size() == 1);
  CHECK(total.children[0].repeated);  // members[1].base was explained under the first output
  const auto& duration = e.outputs[2];
  CHECK(duration.value == "10");  // $500.00 is not above $500: the first band
  const pol::ExplanationNode* schedule = nullptr;
  for (const auto& c2 : duration.children)
    if (c2.kind == pol::ExplanationNode::Kind::Schedule) schedule = &c2;
  REQUIRE(schedule);
  CHECK(schedule->note == "500.00 is in the band at or above 0.00");
  CHECK(schedule->citation == "Act s.3");
}

TEST_CASE("explain: a failing evaluation shows how far it went; misuse throws", "[explain]") {
  auto c = pol::compile_source("e.pol", kPolicy);
  REQUIRE(c.policy);
  auto r = record(*c.policy, {{"1000", false}});
  auto e = pol::explain(*c.policy, r, *pol::Date::parse("2019-01-01"), nullptr, "total");
  REQUIRE(e.error);
  CHECK(e.error->message.find("parameter `rate` has no value on 2019-01-01") != std::string::npos);
  CHECK_THROWS_AS(pol::explain(*c.policy, r, *pol::Date::parse("2026-01-01"), nullptr, "nope"), std::invalid_argument);
  CHECK_THROWS_AS(pol::explain(*c.policy, r, *pol::Date::parse("2026-01-01"), nullptr, "benefit", "members[5]"),
                  std::invalid_argument);
}
