// Warnings about a policy that checks: rules no output uses, and (when strict) parameters and
// schedules that carry no legal reference.
#pragma once

#include <vector>

#include "check/checker.hpp"

namespace pol::check {

struct LintOptions {
  bool strict = false;  // also warn about parameters and schedules without a citation
};

void warn(const CheckedModule& checked, const LintOptions& options, std::vector<Diagnostic>& diagnostics);

}  // namespace pol::check
