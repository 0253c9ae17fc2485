// Loads a policy file and every file it imports (transitively, each once) and merges their
// declarations into one module. `import "x.pol"` is relative to the importing file;
// `import name` is the standard library's stdlib/name.pol.
#pragma once

#include <string>
#include <vector>

#include "pol/diagnostic.hpp"
#include "syntax/ast.hpp"

namespace pol::syntax {

struct LoadResult {
  ast::Module module;  // the root file's module with the imported declarations appended
  std::vector<Diagnostic> diagnostics;
  bool syntax_ok = false;  // every file parsed and every import was found
};

// The directory `import name` reads from: $POL_STDLIB when set, else the project's stdlib/.
std::string stdlib_directory();

LoadResult load_module(const std::string& path, const std::string& text, SourceSet& sources);

}  // namespace pol::syntax
