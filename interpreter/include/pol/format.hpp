// The canonical layout of a policy file (`pol fmt`, docs/fmt.md).
//
//   pol::FormatResult r = pol::format_source("a.pol", text);
//   if (pol::has_errors(r.diagnostics)) { /* syntax errors: nothing was formatted */ }
//   else write(r.formatted);
//
// The formatter only changes blanks: line breaks it adds or removes, indentation, spaces between
// tokens and blank lines. Every token (literals exactly as written) and every comment is kept, in
// the same order. A file with syntax errors is not formatted.
#pragma once

#include <string>
#include <vector>

#include "pol/diagnostic.hpp"

namespace pol {

struct FormatResult {
  std::string formatted;                // empty when there are errors
  std::vector<Diagnostic> diagnostics;  // the syntax errors that prevented formatting
};

FormatResult format_source(const std::string& path, const std::string& text);

}  // namespace pol
