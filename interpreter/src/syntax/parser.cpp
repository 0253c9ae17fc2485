#include "syntax/parser.hpp"

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "PolLexer.h"
#include "PolParser.h"
#include "syntax/ast_builder.hpp"
#include "syntax/source_range.hpp"

namespace pol::syntax {
namespace {

using P = pol_grammar::PolParser;

// How a token kind is named to a drafter.
std::string describe_kind(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case antlr4::Token::EOF: return "the end of the file";
    case P::IDENT: return "a name";
    case P::MONEY: return "an amount such as $12.50";
    case P::PERCENT: return "a percentage such as 5%";
    case P::DATE: return "a date such as 2026-03-01";
    case P::NUMBER: return "a number";
    case P::STRING: return "a text in double quotes";
    default: break;
  }
  std::string literal = vocabulary.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') return "`" + literal.substr(1, literal.size() - 2) + "`";
  return vocabulary.getDisplayName(type);
}

std::string describe_token(const antlr4::Token* token) {
  if (!token || token->getType() == antlr4::Token::EOF) return "end of file";
  if (token->getType() == P::UNEXPECTED_CHAR) return fmt::format("the character `{}`", token->getText());
  return fmt::format("`{}`", token->getText());
}

bool is_keyword(std::size_t type) { return type >= P::POLICY && type <= P::FALSE; }

// These keywords can only begin a declaration, so each one marks where a declaration starts.
bool starts_declaration(std::size_t type) {
  return type == P::POLICY || type == P::ENUM || type == P::ENTITY || type == P::PARAMETER || type == P::RULE ||
         type == P::OUTPUT || type == P::TEST;
}

bool is_lexical_error(std::size_t type) {
  return type == P::FOREIGN_OPERATOR || type == P::SLASH_COMMENT || type == P::SINGLE_QUOTED_TEXT ||
         type == P::BAD_ESCAPE_TEXT || type == P::UNCLOSED_TEXT || type == P::UNEXPECTED_CHAR;
}

// Whether `token` is the first token on its line (ignoring blanks and comments).
bool first_on_line(antlr4::TokenStream& tokens, const antlr4::Token* token) {
  for (auto i = static_cast<std::ptrdiff_t>(token->getTokenIndex()) - 1; i >= 0; --i) {
    const antlr4::Token* before = tokens.get(static_cast<std::size_t>(i));
    if (before->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    return before->getLine() != token->getLine();
  }
  return true;
}

// The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF); npos when the whole text is UTF-8.
std::size_t invalid_utf8(const std::string& text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char c = bytes[i];
    if (c < 0x80) { ++i; continue; }
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c >= 0xE0 && c <= 0xEF) { length = 3; if (c == 0xE0) low = 0xA0; if (c == 0xED) high = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { length = 4; if (c == 0xF0) low = 0x90; if (c == 0xF4) high = 0x8F; }
    else return i;
    if (i + length > size || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::string::npos;
}

// A lexical mistake (a token of one of the kinds is_lexical_error accepts) in pol's words.
Diagnostic lexical_error(const std::string& file, const antlr4::Token* token) {
  Diagnostic d;
  d.code = "E0002";
  d.range = token_range(file, token);
  const std::string text = token->getText();
  switch (token->getType()) {
    case P::FOREIGN_OPERATOR:
      d.message = fmt::format("unexpected `{}`", text);
      if (text == "==") d.hint = "equality is written with one `=`: a = b";
      else if (text == "!") d.hint = "write `not`, as in `not employed`; `!=` means \"differs from\"";
      else d.hint = "write `and`, `or` and `not` as words";
      break;
    case P::SLASH_COMMENT:
      d.message = "unexpected `//`";
      d.range.end.column = d.range.begin.column + 2;
      d.hint = "comments start with #";
      break;
    case P::SINGLE_QUOTED_TEXT:
      d.message = fmt::format("unexpected {}", text);
      d.hint = fmt::format("texts are written in double quotes: \"{}\"", text.substr(1, text.size() - 2));
      break;
    case P::UNCLOSED_TEXT:
      d.message = "this text is not closed before the end of the line";
      d.range.end.column = d.range.begin.column + 1;
      d.hint = "end it with `\"` on the same line; write \\\" for a quote inside a text";
      break;
    case P::BAD_ESCAPE_TEXT: {
      // Point at the first escape that is not \" \\ \n or \t.
      std::size_t i = 1;
      while (i + 1 < text.size()) {
        if (text[i] == '\\') {
          const char next = text[i + 1];
          if (next != '"' && next != '\\' && next != 'n' && next != 't') break;
          i += 2;
        } else {
          ++i;
        }
      }
      std::size_t length = 2;
      while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
      const std::string escape = text.substr(i, length);
      d.message = fmt::format("unknown escape `{}` in a text", escape);
      d.range.begin.column += code_points(text.substr(0, i));
      d.range.end.column = d.range.begin.column + 2;
      d.hint = "the escapes are \\\" \\\\ \\n and \\t; write \\\\ for a backslash";
      break;
    }
    default:
      if (text.size() == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7F)) {
        d.message = fmt::format("unexpected control character U+{:04X}", static_cast<unsigned>(text[0]));
        d.hint = "remove it: it is invisible, and may have come with text copied from another program";
        break;
      }
      d.message = fmt::format("unexpected character `{}`", text);
      d.hint = text == "'" ? "texts are written in double quotes: \"like this\""
                           : "remove it, or put it inside a text in double quotes";
      break;
  }
  return d;
}

// An upper bound of how deeply the parse (and the syntax tree built from it) nests at each token,
// computed before parsing: the parser, the tree builder, the checker and the evaluator all recurse
// on nesting, so a policy nested deeper than kMaxNesting would overflow the stack instead of
// getting a diagnostic. Each open bracket ( [ { counts one level, and so does each operator,
// `not`, `if`, `then` and `else` since the innermost open bracket opened, or since the last token
// there that ends an element or a clause (`,` a declaration keyword, `expect`, `from`, `above`,
// `at`): `a + b + c` is a chain as deep as its operators. The first token beyond the limit gets
// the diagnostic. docs/limits.md describes every limit.
Diagnostic too_deep(const std::string& file, const antlr4::Token* token);

std::optional<Diagnostic> nesting_error(const std::string& file, antlr4::CommonTokenStream& tokens) {
  std::vector<int> levels{0};  // operators counted at each open bracket level, the file's at [0]
  int depth = 0;               // open brackets + operators counted at every level
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const std::size_t type = token->getType();
    const std::string text = type == P::IDENT || type == P::STRING || type == P::NUMBER ? std::string() : token->getText();
    auto reset_level = [&] {
      depth -= levels.back();
      levels.back() = 0;
    };
    if (text == "(" || text == "[" || text == "{") {
      levels.push_back(0);
      ++depth;
    } else if (text == ")" || text == "]" || text == "}") {
      if (levels.size() > 1) {
        depth -= levels.back() + 1;
        levels.pop_back();
      }
    } else if (text == "," || starts_declaration(type) || type == P::EXPECT || type == P::FROM ||
               type == P::ABOVE || type == P::AT) {
      // Brackets are never forgotten: the parser's error recovery can go on nesting past a
      // misplaced keyword, so `(((... rule (((... rule` must still count every open bracket.
      reset_level();
    } else if (type == P::NOT || type == P::IF || type == P::THEN || type == P::ELSE || type == P::AND ||
               type == P::OR || text == "+" || text == "-" || text == "*" || text == "/" || text == "=" ||
               text == "!=" || text == "<" || text == "<=" || text == ">" || text == ">=" || text == ".") {
      ++levels.back();
      ++depth;
    } else {
      continue;
    }
    if (depth > kMaxNesting) return too_deep(file, token);
  }
  return std::nullopt;
}

// The parser with a bound on its recursion (rule invocations), a backstop to nesting_error: on
// a file with syntax errors, ANTLR's recovery may delete a token that the pre-scan took to end a
// clause and go on nesting. Beyond the bound it stops with TooDeep.
class BoundedParser : public pol_grammar::PolParser {
 public:
  struct TooDeep {
    antlr4::Token* at;
  };
  // Each level counted by nesting_error costs at most a few rule invocations (a field of a
  // record literal: objectLiteral, fieldInits, fieldInit, fieldValue).
  static constexpr int kMaxDepth = 5 * kMaxNesting;

  using PolParser::PolParser;

  void enterRule(antlr4::ParserRuleContext* context, std::size_t state, std::size_t rule) override {
    PolParser::enterRule(context, state, rule);
    check(context);
  }
  void enterRecursionRule(antlr4::ParserRuleContext* context, std::size_t state, std::size_t rule,
                          int precedence) override {
    PolParser::enterRecursionRule(context, state, rule, precedence);
    check(context);
  }

 private:
  // The context's depth is the number of rule invocations on the stack (a chain such as a + b + c
  // grows the tree to the left without deepening the stack, and without deepening this).
  void check(antlr4::ParserRuleContext* context) {
    if (context->depth() > kMaxDepth) throw TooDeep{getCurrentToken()};
  }
};

Diagnostic too_deep(const std::string& file, const antlr4::Token* token) {
  return Diagnostic{"E0001", Severity::Error, token_range(file, token),
                    fmt::format("nested too deeply: more than {} levels of brackets and operators", kMaxNesting),
                    "split the formula into several rules, each naming a part of it, or the record into "
                    "smaller parts (see docs/limits.md)",
                    {}};
}

// Names and texts longer than the limits of docs/limits.md.
std::optional<Diagnostic> length_error(const std::string& file, const antlr4::Token* token) {
  const std::size_t type = token->getType();
  const std::size_t size = token->getText().size();
  if (type == P::IDENT && size > kMaxNameBytes)
    return Diagnostic{"E0003", Severity::Error, token_range(file, token),
                      fmt::format("this name is {} bytes long; names may have at most {} bytes", size, kMaxNameBytes),
                      "choose a shorter name", {}};
  if (type == P::STRING && size - 2 > kMaxTextBytes)
    return Diagnostic{"E0003", Severity::Error, token_range(file, token),
                      fmt::format("this text is {} bytes long; texts may have at most {} bytes", size - 2, kMaxTextBytes),
                      "shorten it", {}};
  return std::nullopt;
}

// Turns ANTLR's reports into pol diagnostics: what was found, what could come there, and a hint
// for the mistakes drafters make most. Reports at most one error per declaration: after the
// first, the parser's recovery rarely knows what the drafter meant, so later reports in the same
// declaration are mostly consequences of the first.
class DiagnosticListener : public antlr4::BaseErrorListener {
 public:
  DiagnosticListener(std::string file, std::vector<Diagnostic>& diagnostics, antlr4::CommonTokenStream& tokens)
      : file_(std::move(file)), diagnostics_(diagnostics), tokens_(tokens) {}

  // Lexical mistakes and dates not in the calendar, each reported where it is; called once the
  // token stream is filled and before parsing.
  void report_tokens() {
    for (antlr4::Token* token : tokens_.getTokens()) {
      // Declarations begin on a new line; a keyword further along a line is a misused name.
      if (starts_declaration(token->getType()) && first_on_line(tokens_, token))
        declaration_starts_.push_back(token->getTokenIndex());
      if (auto too_long = length_error(file_, token)) {
        diagnostics_.push_back(std::move(*too_long));
        reported_declarations_.insert(declaration_of(token));
      } else if (is_lexical_error(token->getType())) {
        diagnostics_.push_back(lexical_error(file_, token));
        reported_declarations_.insert(declaration_of(token));
      } else if (token->getType() == P::DATE && !Date::parse(token->getText())) {
        diagnostics_.push_back(Diagnostic{"E0003", Severity::Error, token_range(file_, token),
                                          fmt::format("`{}` is not a date of the calendar", token->getText()),
                                          "write an existing day as YYYY-MM-DD, e.g. 2026-02-28", {}});
      }
    }
  }

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, std::size_t line,
                   std::size_t column, const std::string&, std::exception_ptr) override {
    if (offending && !reported_declarations_.insert(declaration_of(offending)).second) return;
    Diagnostic d;
    d.code = "E0001";
    d.range = offending ? token_range(file_, offending)
                        : SourceRange{file_, {static_cast<int>(line), static_cast<int>(column) + 1},
                                      {static_cast<int>(line), static_cast<int>(column) + 2}};

    std::vector<std::string> expected;
    std::set<std::size_t> expected_types;
    if (auto* parser = dynamic_cast<antlr4::Parser*>(recognizer)) {
      try {
        for (auto type : parser->getExpectedTokens().toList()) {
          expected_types.insert(type);
        }
      } catch (...) {
      }
      for (auto type : expected_types) expected.push_back(describe_kind(type, parser->getVocabulary()));
    }
    const bool expression_expected = expected_types.count(P::IDENT) && expected_types.count(P::NUMBER) &&
                                     expected_types.count(P::MONEY);
    d.message = fmt::format("unexpected {}", describe_token(offending));
    if (expression_expected) {
      d.message += ", expected an expression";
    } else if (!expected.empty() && expected.size() <= 6) {
      d.message += ", expected ";
      for (std::size_t i = 0; i < expected.size(); ++i) {
        if (i) d.message += i + 1 == expected.size() ? " or " : ", ";
        d.message += expected[i];
      }
    }
    d.hint = hint_for(offending, expected_types, expected, expression_expected);
    diagnostics_.push_back(std::move(d));
  }

 private:
  // The declaration a token belongs to: the number of declaration keywords before it. A keyword
  // that is found where the previous declaration still expected something counts with that one.
  std::size_t declaration_of(const antlr4::Token* token) const {
    const std::size_t index = token->getTokenIndex();
    return static_cast<std::size_t>(
        std::lower_bound(declaration_starts_.begin(), declaration_starts_.end(), index) - declaration_starts_.begin());
  }

  std::string hint_for(const antlr4::Token* offending, const std::set<std::size_t>& expected_types,
                       const std::vector<std::string>& expected, bool expression_expected) {
    if (!offending) return "";
    auto expects = [&](const char* what) { return std::find(expected.begin(), expected.end(), what) != expected.end(); };
    const std::size_t found = offending->getType();
    if (expected_types.count(P::ELSE)) return "every `if ... then ...` needs an `else` branch";
    if (expected_types.count(P::THEN)) return "write `if CONDITION then VALUE else VALUE`";
    if (found == P::POLICY) return "`policy \"TITLE\"` comes once, at the top of the file";
    // The drafter began the next declaration (or the file ended) before this one was complete.
    const bool ends_early = found == antlr4::Token::EOF || (starts_declaration(found) && first_on_line(tokens_, offending));
    if (ends_early) {
      std::string where = found == antlr4::Token::EOF
                              ? std::string("the file ends in the middle of a declaration")
                              : fmt::format("`{}` begins a new declaration, but the one before it is incomplete",
                                            offending->getText());
      if (expects("`)`")) return where + ": is a `)` missing?";
      if (expects("`}`")) return where + ": is a `}` missing?";
      if (expects("`]`")) return where + ": is a `]` missing?";
      if (expression_expected) return where + ": a value is missing at its end";
      return where;
    }
    if (is_keyword(found) && expected_types.count(P::IDENT))
      return fmt::format("`{}` is a reserved word of pol and cannot be used as a name", offending->getText());
    const bool declaration_expected = expected_types.count(P::RULE) && expected_types.count(P::ENTITY);
    if (declaration_expected && (offending->getText() == "}" || offending->getText() == ")"))
      return fmt::format("this `{}` closes nothing: is there one too many?", offending->getText());
    const bool starts_value = found == P::IDENT || found == P::NUMBER || found == P::MONEY || found == P::PERCENT ||
                              found == P::DATE || found == P::STRING || found == P::TRUE || found == P::FALSE;
    if (declaration_expected && found == P::IDENT && first_on_line(tokens_, offending))
      return "each declaration starts with `entity`, `enum`, `parameter`, `rule`, `output` or `test`";
    // After a complete formula the parser expects the next declaration; a value there usually
    // means an operator is missing.
    if (starts_value && (declaration_expected || (expects("`+`") && expects("`*`"))))
      return "two values follow each other: is an operator such as +, *, =, `and` missing between them?";
    if (expected_types.count(P::FROM)) return "a dated parameter lists its values as `from YYYY-MM-DD = value`";
    return "";
  }

  std::string file_;
  std::vector<Diagnostic>& diagnostics_;
  antlr4::CommonTokenStream& tokens_;
  std::vector<std::size_t> declaration_starts_;  // token indices, increasing
  std::set<std::size_t> reported_declarations_;
};

}  // namespace

std::string without_comment_bodies(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t size = text.size();
  auto end_of_line = [&](std::size_t from) {
    while (from < size && text[from] != '\n' && text[from] != '\r') ++from;
    return from;
  };
  // A comment keeps its body where the next token's column depends on it: the runtime places the
  // EOF token after the last line's text (so `unexpected end of file` stays where it was), and
  // counts lines at \n only (a lone \r ends a comment but not the line).
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  std::size_t i = 0;
  while (i < size) {
    const char c = text[i];
    std::size_t next = i + 1;  // where the next token may start
    if (c == '#') {
      const std::size_t end = end_of_line(i);
      const bool line_ends = end < size && (text[end] == '\n' || (end + 1 < size && text[end + 1] == '\n'));
      if (end > last || !line_ends) {
        out.append(text, i, end - i);
      } else {
        out += '#';  // the body is left out
      }
      i = end;
      continue;
    }
    if (c == '"') {
      // STRING, BAD_ESCAPE_TEXT or UNCLOSED_TEXT: to the first quote not escaped, or to the end of
      // the line; a backslash is an escape only before a character of the same line.
      while (next < size) {
        const char d = text[next];
        if (d == '"') { ++next; break; }
        if (d == '\n' || d == '\r') break;
        if (d == '\\') {
          if (next + 1 < size && text[next + 1] != '\n' && text[next + 1] != '\r') next += 2;
          else break;
        } else {
          ++next;
        }
      }
    } else if (c == '\'') {
      // SINGLE_QUOTED_TEXT when it closes on its line; else the quote alone is a token.
      const std::size_t close = text.find_first_of("'\r\n", i + 1);
      if (close != std::string::npos && text[close] == '\'') next = close + 1;
    } else if (c == '/' && i + 1 < size && text[i + 1] == '/') {
      next = end_of_line(i);  // SLASH_COMMENT, a `#` in it included
    }
    out.append(text, i, next - i);
    i = next;
  }
  return out;
}

std::unique_lock<std::mutex> lock_antlr() {
  static std::mutex antlr;
  return std::unique_lock<std::mutex>(antlr);
}

ParseResult parse(const std::string& path, const std::string& text) {
  ParseResult result;
  if (text.size() > kMaxSourceBytes) {
    result.diagnostics.push_back(Diagnostic{
        "E0000", Severity::Error, SourceRange{path, {1, 1}, {1, 2}},
        fmt::format("the policy file is {} bytes long; a policy file may have at most {} bytes (16 MiB)", text.size(),
                    kMaxSourceBytes),
        "split it into modules joined with `import`", {}});
    return result;
  }
  // The lexer reads code points; bytes that are not UTF-8 cannot be lexed at all.
  if (const std::size_t bad = invalid_utf8(text); bad != std::string::npos) {
    const std::size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const std::size_t from = line_start == std::string::npos || bad == 0 ? 0 : line_start + 1;
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    const int column = 1 + code_points(text.substr(from, bad - from));
    result.diagnostics.push_back(Diagnostic{
        "E0002", Severity::Error, SourceRange{path, {line, column}, {line, column + 1}},
        fmt::format("the file is not UTF-8 text: the byte 0x{:02X} cannot appear here",
                    static_cast<unsigned>(static_cast<unsigned char>(text[bad]))),
        "save the file as UTF-8 (it may have been written as Latin-1 or Windows-1252)", {}});
    return result;
  }
  // Held until every ANTLR object below is destroyed (they are declared after it).
  const std::unique_lock<std::mutex> lock = lock_antlr();
  antlr4::ANTLRInputStream input(without_comment_bodies(text));
  pol_grammar::PolLexer lexer(&input);
  lexer.removeErrorListeners();  // every character is some token (UNEXPECTED_CHAR at worst)
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  DiagnosticListener listener(path, result.diagnostics, tokens);
  listener.report_tokens();
  if (auto too_deep = nesting_error(path, tokens)) {  // parsing it would overflow the stack
    result.diagnostics.push_back(std::move(*too_deep));
    return result;
  }
  BoundedParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  pol_grammar::PolParser::PolicyFileContext* tree = nullptr;
  try {
    tree = parser.policyFile();
  } catch (const BoundedParser::TooDeep& e) {
    result.diagnostics.push_back(too_deep(path, e.at));
  }
  if (!tree && result.diagnostics.empty()) result.diagnostics.push_back(too_deep(path, tokens.get(0)));
  if (!result.diagnostics.empty()) {
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.range.begin.line, a.range.begin.column) < std::pair(b.range.begin.line, b.range.begin.column);
    });
    return result;
  }
  result.module = build_ast(path, tree, result.diagnostics);
  result.syntax_ok = result.diagnostics.empty();
  return result;
}

}  // namespace pol::syntax
