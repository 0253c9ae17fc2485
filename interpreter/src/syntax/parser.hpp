// Source text → pol AST. Syntax errors are collected as diagnostics in pol's words.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pol/diagnostic.hpp"
#include "syntax/ast.hpp"

namespace pol::syntax {

// Limits on a policy's source (docs/limits.md): beyond them, parse() gives a diagnostic.
inline constexpr std::size_t kMaxSourceBytes = 16 * 1024 * 1024;  // one file (E0000)
inline constexpr int kMaxNesting = 256;  // brackets and operators, counted as in parser.cpp (E0001)
inline constexpr std::size_t kMaxNameBytes = 255;    // an identifier, in UTF-8 bytes (E0003)
inline constexpr std::size_t kMaxTextBytes = 65536;  // a text literal between its quotes (E0003)

struct ParseResult {
  ast::Module module;
  std::vector<Diagnostic> diagnostics;
  bool syntax_ok = false;  // false: the module is incomplete and must not be checked
};

ParseResult parse(const std::string& path, const std::string& text);

}  // namespace pol::syntax
