// The one place that reads the ANTLR parse tree: converts it into pol's AST.
#pragma once

#include <string>
#include <vector>

#include "PolParser.h"
#include "pol/diagnostic.hpp"
#include "syntax/ast.hpp"

namespace pol::syntax {

ast::Module build_ast(const std::string& file, pol_grammar::PolParser::PolicyFileContext* tree,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace pol::syntax
