// Source text → pol AST. Syntax errors are collected as diagnostics in pol's words.
#pragma once

#include <cstddef>
#include <mutex>
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

// What parse() gives the lexer: `text` without the body of any comment (its `#` and the end of its
// line stay), so every other token keeps its text, line and column, and the comment is still a
// COMMENT token, whose text parse() never reads. Comments are 40-50% of the characters of the
// example policies, and ANTLR's lexer spends some 850 instructions on each character, warm. A `#`
// begins a comment wherever the lexer would begin a token with it: not inside a text ("..." to its
// closing quote or the end of the line; '...' closed on its line) nor after `//` on its line.
std::string without_comment_bodies(const std::string& text);

// The ANTLR 4.9 runtime keeps the lexer's and the parser's DFA caches in static members shared by
// every PolLexer and PolParser of the process, and updates them without enough locking (data races
// on the DFA edge maps, start states and counters, antlr/antlr4#3332; valgrind's helgrind reports
// them when two threads parse at once). So every use of the generated lexer or parser holds this
// lock, from the lexer's construction until the parse tree is no longer needed: parse() does, and
// so must any other code that lexes or parses (the formatter). Checking and lowering, most of a
// compilation, run in parallel.
[[nodiscard]] std::unique_lock<std::mutex> lock_antlr();

}  // namespace pol::syntax
