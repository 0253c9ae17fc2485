// Checked AST → the evaluation form (eval/program.hpp): names become slots, parameter and default
// values become constants, rule bodies become a flat array of typed nodes.
#pragma once

#include <memory>

#include "check/checker.hpp"
#include "eval/program.hpp"

namespace pol::eval {

std::shared_ptr<const detail::Program> lower(const check::CheckedModule& checked);

}  // namespace pol::eval
