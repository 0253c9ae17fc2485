// Which rules read nothing of the household. A rule such as "the extended benefit period is in
// force this week" depends on the date and the published context series only; evaluated per
// household it would repeat the same work for every record. Rules marked here are computed once
// per evaluation date and context by the evaluator.
#pragma once

#include "eval/program.hpp"

namespace pol::eval {

// Sets Rule::record_independent and Entity::first_rule_id on every rule of `program`.
void mark_record_independent_rules(detail::Program& program);

}  // namespace pol::eval
