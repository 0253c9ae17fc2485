// Plans: rule bodies compiled into a linear register form for the evaluator's fast path.
//
// The tree of nodes (eval/program.hpp) stays the reference semantics: the evaluator walks it for
// explanations, under step or time limits, for a plan that reads a parameter with no value on the
// evaluation date, and whenever a plan gives up. A plan gives up (and the rule is evaluated again by
// the tree walker, which then reports the error with its location and message) on anything that
// would be an error: a missing input, a division by zero, a rounding unit that is not positive, an
// arithmetic overflow. So a plan never has to describe a failure, and its result, when it has one,
// is the tree walker's.
#pragma once

#include "eval/program.hpp"

namespace pol::eval {

// Fills Rule::plan for every rule whose type is a number, a boolean, a date, an enumeration or a
// period (text and series rules keep the tree walker only).
void plan_rules(detail::Program& program);

}  // namespace pol::eval
