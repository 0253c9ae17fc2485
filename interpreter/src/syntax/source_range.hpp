// Source ranges of ANTLR tokens and contexts, counted in code points as users see columns.
#pragma once

#include <antlr4-runtime.h>

#include "pol/diagnostic.hpp"

namespace pol::syntax {

inline int code_points(const std::string& utf8) {
  int count = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

inline SourceRange token_range(const std::string& file, const antlr4::Token* token) {
  SourceRange range;
  range.file = file;
  if (!token) return range;
  range.begin = {static_cast<int>(token->getLine()), static_cast<int>(token->getCharPositionInLine()) + 1};
  std::string text = token->getType() == antlr4::Token::EOF ? std::string() : token->getText();
  // A token spanning lines (none do today but strings might one day) ends on its first line.
  range.end = {range.begin.line, range.begin.column + std::max(1, code_points(text))};
  return range;
}

inline SourceRange context_range(const std::string& file, antlr4::ParserRuleContext* ctx) {
  SourceRange range = token_range(file, ctx->getStart());
  const antlr4::Token* stop = ctx->getStop();
  if (stop && stop->getTokenIndex() >= ctx->getStart()->getTokenIndex()) {
    SourceRange last = token_range(file, stop);
    range.end = last.end;
  }
  return range;
}

}  // namespace pol::syntax
