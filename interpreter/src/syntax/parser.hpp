// Source text → pol AST. Syntax errors are collected as diagnostics in pol's words.
#pragma once

#include <string>
#include <vector>

#include "pol/diagnostic.hpp"
#include "syntax/ast.hpp"

namespace pol::syntax {

struct ParseResult {
  ast::Module module;
  std::vector<Diagnostic> diagnostics;
  bool syntax_ok = false;  // false: the module is incomplete and must not be checked
};

ParseResult parse(const std::string& path, const std::string& text);

}  // namespace pol::syntax
