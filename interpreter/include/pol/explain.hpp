// Why a household got what it got: the derivation of an output as a tree of the rules,
// parameters, schedules, inputs and exceptions that produced it, each with its value, its place
// in the policy and its legal reference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pol/policy.hpp"

namespace pol {

struct ExplanationNode {
  enum class Kind { Output, Rule, Input, Parameter, Context, Schedule, Exception, Function, Requirement };
  Kind kind = Kind::Rule;
  std::string name;          // "Person.weekly_benefit", "members[2].weekly_wage", "weekly_cap"
  std::string type;          // "money", "rate by week"
  std::string value;         // exact text, as pol run writes it
  std::string citation;      // may be empty
  SourceRange location;      // where it is declared (inputs: the input's declaration)
  std::optional<Date> from;  // parameters and schedules: the date the value in force applies from
  std::string note;          // "default", "exception `strike` applies", "band at or above 7%"
  bool repeated = false;     // already explained earlier in the tree: children not repeated
  std::vector<ExplanationNode> children;
};

struct Explanation {
  std::string record_id;
  Date as_of;
  std::vector<ExplanationNode> outputs;   // one tree per explained output
  std::optional<EvaluationError> error;   // the evaluation failed: the trees show how far it went
};

// Explains `output` (every output when empty) of one record, as of the record's own date or
// `as_of`. `member` selects one member for a member output ("members[2]"; empty: every member).
// Throws std::invalid_argument for an unknown output or member (API misuse).
Explanation explain(const Policy& policy, const Record& record, Date as_of, const EntityRecord* context,
                    std::string_view output = {}, std::string_view member = {});

// Text for people: an indented tree, one line per value with its source and citation.
std::string render_text(const Explanation& explanation);
// JSON for programs: {"id":..,"as_of":..,"outputs":[{"kind":..,"name":..,"value":..,...,"children":[..]}],"error":..}
std::string render_json(const Explanation& explanation);

}  // namespace pol
