// pol fmt: the canonical layout of a policy file (docs/fmt.md).
//
// The formatter is its own stage: it reads the token stream of the generated lexer (comments are
// on the HIDDEN channel) and the parse tree of the generated parser, and decides for each token
// whether it starts a line, how deep that line is indented, and how many spaces separate it from
// the token before. It never adds, removes or respells a token: the result is checked to lex to
// exactly the same tokens and comments as the input.
#include "pol/format.hpp"

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "PolLexer.h"
#include "PolParser.h"
#include "syntax/parser.hpp"

namespace pol {
namespace {

using P = pol_grammar::PolParser;

constexpr int kIndent = 2;

// What the parse tree says about the layout of each token (by token index).
struct Layout {
  std::map<std::size_t, int> statement_indent;  // tokens that begin a line of their own, and its indent
  std::map<std::size_t, std::string> top_kind;  // first token of a top-level item: its kind
  std::set<std::size_t> block_open, block_close;  // braces of entity, context and test blocks
  std::set<std::size_t> list_open, list_close;    // brackets of a list of members in a test
  std::set<std::size_t> unary;                    // unary minus and plus
};

void mark_terminals(antlr4::ParserRuleContext* ctx, const std::string& open, const std::string& close,
                    std::set<std::size_t>& opens, std::set<std::size_t>& closes) {
  for (auto* child : ctx->children) {
    auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
    if (!terminal) continue;
    const std::string text = terminal->getSymbol()->getText();
    if (text == open) opens.insert(terminal->getSymbol()->getTokenIndex());
    if (text == close) closes.insert(terminal->getSymbol()->getTokenIndex());
  }
}

void walk(antlr4::tree::ParseTree* node, Layout& layout) {
  auto* ctx = dynamic_cast<antlr4::ParserRuleContext*>(node);
  if (!ctx) return;
  const antlr4::Token* start = ctx->getStart();
  auto statement = [&](int indent) {
    if (start && start->getType() != antlr4::Token::EOF) layout.statement_indent[start->getTokenIndex()] = indent;
  };
  auto top = [&](const std::string& kind) {
    statement(0);
    if (start && start->getType() != antlr4::Token::EOF) layout.top_kind[start->getTokenIndex()] = kind;
  };
  if (dynamic_cast<P::HeaderContext*>(ctx)) top("policy");
  else if (dynamic_cast<P::ImportDeclContext*>(ctx)) top("import");
  else if (dynamic_cast<P::DeclarationContext*>(ctx)) top(start ? start->getText() : "");
  else if (dynamic_cast<P::EntityDeclContext*>(ctx) || dynamic_cast<P::ContextDeclContext*>(ctx) ||
           dynamic_cast<P::TestDeclContext*>(ctx))
    mark_terminals(ctx, "{", "}", layout.block_open, layout.block_close);
  else if (dynamic_cast<P::EntityMemberContext*>(ctx)) statement(kIndent);
  else if (dynamic_cast<P::ParameterStepContext*>(ctx)) statement(kIndent);
  else if (dynamic_cast<P::ScheduleVersionContext*>(ctx)) statement(kIndent);
  else if (dynamic_cast<P::ScheduleBandContext*>(ctx)) statement(2 * kIndent);
  else if (dynamic_cast<P::ContextLiteralContext*>(ctx) || dynamic_cast<P::RecordLiteralContext*>(ctx) ||
           dynamic_cast<P::ExpectationContext*>(ctx))
    statement(kIndent);
  else if (dynamic_cast<P::ListFieldContext*>(ctx))
    mark_terminals(ctx, "[", "]", layout.list_open, layout.list_close);
  else if (auto* unary = dynamic_cast<P::UnaryExprContext*>(ctx); unary && unary->op)
    layout.unary.insert(unary->op->getTokenIndex());
  for (auto* child : ctx->children) walk(child, layout);
}

bool is_open(const std::string& t) { return t == "(" || t == "[" || t == "{"; }
bool is_close(const std::string& t) { return t == ")" || t == "]" || t == "}"; }

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// The spaces between two tokens that stay on one line.
std::string space_between(const antlr4::Token* prev, const antlr4::Token* next, const Layout& layout) {
  const std::string p = prev->getText(), t = next->getText();
  const std::size_t pi = prev->getTokenIndex(), ti = next->getTokenIndex();
  if ((p == "{" && t == "}") || (p == "[" && t == "]") || (p == "(" && t == ")")) return "";
  if (t == "," || t == ";" || t == ":" || t == ")" || t == ".") return "";
  if (t == "]") return layout.list_close.count(ti) ? " " : "";
  if (p == "." || p == "(") return "";
  if (p == "[") return layout.list_open.count(pi) ? " " : "";
  if (layout.unary.count(pi)) return "";
  if (t == "(") return prev->getType() == P::IDENT ? "" : " ";
  if (t == "[") return layout.list_open.count(ti) ? " " : "";
  return " ";
}

struct Line {
  int indent = 0;
  std::string text;
  bool blank_before = false;
};

struct PendingComment {
  std::string text;
  bool blank_before = false;
};

// (type, text) of every token on the default channel, and the comments, of a text.
struct Lexed {
  std::vector<std::pair<std::size_t, std::string>> tokens;
  std::vector<std::string> comments;
  bool operator==(const Lexed&) const = default;
};

Lexed lex(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  pol_grammar::PolLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  Lexed lexed;
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getType() == P::COMMENT) lexed.comments.push_back(rtrim(token->getText()));
    else if (token->getType() != P::WS && token->getType() != antlr4::Token::EOF)
      lexed.tokens.emplace_back(token->getType(), token->getText());
  }
  return lexed;
}

std::string layout_tokens(antlr4::CommonTokenStream& stream, const Layout& layout) {
  std::vector<Line> lines;
  std::vector<PendingComment> pending;
  struct Open { int line_indent; };
  std::vector<Open> brackets;  // open brackets of the current statement (not block braces)
  int base = 0;                // indent of the current statement's first line
  std::string last_kind;       // kind of the previous top-level item
  const antlr4::Token* prev_code = nullptr;
  int newlines = 0;  // line breaks in the blanks since the previous token (code or comment)

  auto flush_comments = [&](int indent, bool first_blank) {
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const bool blank = k == 0 ? first_blank : pending[k].blank_before;
      lines.push_back(Line{indent, pending[k].text, blank && !lines.empty()});
    }
    pending.clear();
  };

  for (antlr4::Token* token : stream.getTokens()) {
    const std::size_t type = token->getType();
    if (type == P::WS) {
      const std::string ws = token->getText();
      newlines += static_cast<int>(std::count(ws.begin(), ws.end(), '\n'));
      continue;
    }
    if (type == antlr4::Token::EOF) break;
    const bool author_blank = newlines >= 2;
    const int breaks = newlines;
    newlines = 0;
    if (type == P::COMMENT) {
      const std::string text = rtrim(token->getText());
      if (breaks == 0 && !lines.empty() && pending.empty()) lines.back().text += "  " + text;
      else pending.push_back(PendingComment{text, author_blank});
      continue;
    }

    const std::size_t index = token->getTokenIndex();
    const std::string text = token->getText();
    const auto statement = layout.statement_indent.find(index);
    const bool is_statement = statement != layout.statement_indent.end();
    const bool block_close = layout.block_close.count(index) > 0;
    const bool block_open = layout.block_open.count(index) > 0;
    bool new_line = lines.empty() || is_statement || block_close || breaks > 0 || !pending.empty();
    if (block_open && pending.empty() && !lines.empty()) new_line = false;  // `entity X {` on one line

    if (new_line) {
      int indent;
      const bool closer = is_close(text);
      if (is_statement) {
        indent = statement->second;
        base = indent;
        brackets.clear();
      } else if (block_close) {
        indent = 0;
        brackets.clear();
        base = 0;
      } else if (!brackets.empty()) {
        indent = brackets.back().line_indent + (closer ? 0 : kIndent);
      } else {
        indent = base + kIndent;
      }
      const bool after_open = prev_code && is_open(prev_code->getText());
      const auto kind = layout.top_kind.find(index);
      const bool kind_changes = kind != layout.top_kind.end() && !last_kind.empty() && kind->second != last_kind;
      if (kind != layout.top_kind.end()) last_kind = kind->second;
      if (!pending.empty()) {
        const bool first_blank = !after_open && (pending.front().blank_before || kind_changes);
        flush_comments(closer ? indent + kIndent : indent, first_blank);
        lines.push_back(Line{indent, text, author_blank && !closer});
      } else {
        const bool blank = !lines.empty() && !after_open && !closer && (author_blank || kind_changes);
        lines.push_back(Line{indent, text, blank});
      }
    } else {
      lines.back().text += space_between(prev_code, token, layout) + text;
    }

    if (!block_open && !block_close) {
      if (is_open(text)) brackets.push_back(Open{lines.back().indent});
      else if (is_close(text) && !brackets.empty()) brackets.pop_back();
    }
    prev_code = token;
  }
  flush_comments(0, !pending.empty() && pending.front().blank_before);

  std::string out;
  for (const Line& line : lines) {
    if (line.blank_before && !out.empty()) out += "\n";
    out += std::string(static_cast<std::size_t>(line.indent), ' ') + line.text + "\n";
  }
  return out;
}

}  // namespace

FormatResult format_source(const std::string& path, const std::string& text) {
  FormatResult result;
  syntax::ParseResult parsed = syntax::parse(path, text);
  if (!parsed.syntax_ok || has_errors(parsed.diagnostics)) {
    for (auto& d : parsed.diagnostics)
      if (d.severity == Severity::Error) result.diagnostics.push_back(std::move(d));
    return result;
  }
  // The ANTLR runtime's caches are shared by the whole process (syntax/parser.hpp); lex() below runs under it too.
  const std::unique_lock<std::mutex> lock = syntax::lock_antlr();
  antlr4::ANTLRInputStream input(text);
  pol_grammar::PolLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  pol_grammar::PolParser parser(&tokens);
  parser.removeErrorListeners();
  Layout layout;
  walk(parser.policyFile(), layout);
  std::string formatted = layout_tokens(tokens, layout);

  // The formatter only moves blanks: anything else is a bug, and the file is left as it is.
  if (!(lex(formatted) == lex(text))) {
    result.diagnostics.push_back(Diagnostic{
        "E0900", Severity::Error, SourceRange{path, {1, 1}, {1, 2}},
        "pol fmt would change the tokens of this file, so it leaves it unformatted",
        "this is a bug in pol fmt: please report it with the file", {}});
    return result;
  }
  result.formatted = std::move(formatted);
  return result;
}

}  // namespace pol
