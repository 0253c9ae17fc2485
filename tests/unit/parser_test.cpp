// The parse stage: source text → pol's AST, and syntax errors in pol's words.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "syntax/parser.hpp"

using pol::Decimal;
using pol::Diagnostic;
using pol::syntax::ParseResult;
namespace ast = pol::ast;

namespace {

ParseResult parse(const std::string& text) { return pol::syntax::parse("t.pol", text); }

// A module that must parse without any diagnostic.
ast::Module parse_ok(const std::string& text) {
  ParseResult r = parse(text);
  INFO(text);
  for (const auto& d : r.diagnostics) INFO(d.code << " " << d.range.begin.line << ":" << d.range.begin.column << " " << d.message);
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.syntax_ok);
  return std::move(r.module);
}

Decimal D(const char* text) {
  auto d = Decimal::parse(text);
  REQUIRE(d);
  return *d;
}

// The AST of an expression, written as an S-expression so its shape can be compared whole.
std::string show(const ast::Expr& e);

std::string show_literal(const ast::Literal& l) {
  switch (l.kind) {
    case ast::LiteralKind::Boolean: return l.boolean ? "true" : "false";
    case ast::LiteralKind::Integer: return "int:" + l.number.to_string();
    case ast::LiteralKind::Decimal: return "dec:" + l.number.to_string();
    case ast::LiteralKind::Money: return "money:" + l.number.to_string();
    case ast::LiteralKind::Rate: return "rate:" + l.number.to_string();
    case ast::LiteralKind::Date: return "date:" + l.date.to_string();
    case ast::LiteralKind::Text: return "text:" + l.text;
  }
  return "?";
}

const char* binary_name(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Add: return "+";
    case ast::BinaryOp::Subtract: return "-";
    case ast::BinaryOp::Multiply: return "*";
    case ast::BinaryOp::Divide: return "/";
    case ast::BinaryOp::Equal: return "=";
    case ast::BinaryOp::NotEqual: return "!=";
    case ast::BinaryOp::Less: return "<";
    case ast::BinaryOp::LessEqual: return "<=";
    case ast::BinaryOp::Greater: return ">";
    case ast::BinaryOp::GreaterEqual: return ">=";
    case ast::BinaryOp::And: return "and";
    case ast::BinaryOp::Or: return "or";
  }
  return "?";
}

std::string show(const ast::Expr& e) {
  struct Visitor {
    std::string operator()(const ast::Literal& l) const { return show_literal(l); }
    std::string operator()(const ast::Name& n) const { return n.name; }
    std::string operator()(const ast::MemberAccess& m) const { return "(. " + show(*m.object) + " " + m.member.text + ")"; }
    std::string operator()(const ast::Index& i) const { return "([] " + show(*i.object) + " " + show(*i.index) + ")"; }
    std::string operator()(const ast::Unary& u) const {
      const char* op = u.op == ast::UnaryOp::Negate ? "neg" : u.op == ast::UnaryOp::Plus ? "pos" : "not";
      return std::string("(") + op + " " + show(*u.operand) + ")";
    }
    std::string operator()(const ast::Binary& b) const {
      return std::string("(") + binary_name(b.op) + " " + show(*b.left) + " " + show(*b.right) + ")";
    }
    std::string operator()(const ast::Conditional& c) const {
      return "(if " + show(*c.condition) + " " + show(*c.then_branch) + " " + show(*c.else_branch) + ")";
    }
    std::string operator()(const ast::Call& c) const {
      std::string out = "(call " + c.callee.text;
      for (const auto& a : c.arguments) out += " " + (a.label ? a.label->text + ":" : std::string()) + show(*a.value);
      if (c.filter) out += " where " + show(*c.filter);
      return out + ")";
    }
  };
  return std::visit(Visitor{}, e.node);
}

// The body of `rule E.x = <text>`, shown.
std::string expr(const std::string& text) {
  ast::Module m = parse_ok("entity E { }\nrule E.x = " + text + "\n");
  REQUIRE(m.rules.size() == 1);
  return show(*m.rules[0].body);
}

// The only literal of `rule E.x = <text>`.
ast::Literal literal(const std::string& text) {
  ast::Module m = parse_ok("entity E { }\nrule E.x = " + text + "\n");
  const auto* lit = std::get_if<ast::Literal>(&m.rules[0].body->node);
  REQUIRE(lit);
  return *lit;
}

void check_at(const pol::SourceRange& r, int line, int column, int end_column) {
  CHECK(r.file == "t.pol");
  CHECK(r.begin.line == line);
  CHECK(r.begin.column == column);
  CHECK(r.end.line == line);
  CHECK(r.end.column == end_column);
}

// Syntax errors must never show ANTLR's own wording.
void check_pol_words(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    INFO(d.message);
    CHECK(d.message.find("mismatched input") == std::string::npos);
    CHECK(d.message.find("extraneous input") == std::string::npos);
    CHECK(d.message.find("no viable alternative") == std::string::npos);
    CHECK(d.message.find("missing ") == std::string::npos);
    CHECK(d.message.find("token recognition error") == std::string::npos);
    CHECK(d.message.find("<EOF>") == std::string::npos);
    CHECK(d.message.find("IDENT") == std::string::npos);
    CHECK(d.message.find("expecting") == std::string::npos);
  }
}

// The diagnostics of a source that must not parse.
std::vector<Diagnostic> errors(const std::string& text) {
  ParseResult r = parse(text);
  INFO(text);
  REQUIRE_FALSE(r.syntax_ok);
  REQUIRE_FALSE(r.diagnostics.empty());
  check_pol_words(r.diagnostics);
  return r.diagnostics;
}

// The one diagnostic of a source with a single syntax error.
Diagnostic error(const std::string& text) {
  auto all = errors(text);
  INFO(text);
  for (const auto& d : all) INFO(d.code << " " << d.range.begin.line << ":" << d.range.begin.column << " " << d.message);
  REQUIRE(all.size() == 1);
  return all[0];
}

const char* kEveryConstruct = R"pol(policy "Family Support Act" cite "FSA 2024"

# enumerations, with and without a trailing comma
enum Reason { layoff, quit, misconduct }
enum Tier { low
            high, }

entity Person {
  input age: integer = 0        cite "s.1(a)"
  input wage: money
  input reason: Reason          cite "s.1(b)"
  input nickname: text = "none"
}

entity Household {
  input region_rate: rate
  members: list of Person
}

parameter cap: money = $1,234.56 cite "s.2"
parameter threshold: integer = 20
parameter replacement: rate cite "s.3"
  from 2024-01-01 = 12.5%
  from 2026-01-01 = 55%   cite "Amending Act s.2"

rule Person.share: money = wage * replacement cite "s.4"
rule Person.adult = age >= 18
output Household.total: money = sum(members.share where adult)
output Household.count = count(members)

test "two members" as of 2026-03-01 {
  household {
    region_rate: 5%,
    members: [
      { age: 30, wage: $100, reason: layoff },
      { age: 12; wage: $0 }
    ]
  }
  expect total = $55.00
  expect count = 2
}

test "empty household" as of 2025-12-31 {
  household { members: [] }
  expect count = 0
}
)pol";

}  // namespace

TEST_CASE("parser: a policy using every construct parses into the expected AST", "[parser]") {
  ast::Module m = parse_ok(kEveryConstruct);
  CHECK(m.path == "t.pol");
  REQUIRE(m.title);
  CHECK(*m.title == "Family Support Act");
  REQUIRE(m.title_citation);
  CHECK(m.title_citation->text == "FSA 2024");

  SECTION("enumerations") {
    REQUIRE(m.enums.size() == 2);
    CHECK(m.enums[0].name.text == "Reason");
    REQUIRE(m.enums[0].values.size() == 3);
    CHECK(m.enums[0].values[0].text == "layoff");
    CHECK(m.enums[0].values[2].text == "misconduct");
    check_at(m.enums[0].values[1].range, 4, 23, 27);
    REQUIRE(m.enums[1].values.size() == 2);
    CHECK(m.enums[1].values[1].text == "high");
  }

  SECTION("entities, inputs with defaults and citations, collections") {
    REQUIRE(m.entities.size() == 2);
    const auto& person = m.entities[0];
    CHECK(person.name.text == "Person");
    check_at(person.name.range, 8, 8, 14);
    REQUIRE(person.inputs.size() == 4);
    CHECK(person.collections.empty());
    const auto& age = person.inputs[0];
    CHECK(age.name.text == "age");
    check_at(age.name.range, 9, 9, 12);
    CHECK(age.type.name.text == "integer");
    REQUIRE(age.default_value);
    CHECK(show(*age.default_value) == "int:0");
    REQUIRE(age.citation);
    CHECK(age.citation->text == "s.1(a)");
    const auto& wage = person.inputs[1];
    CHECK(wage.type.name.text == "money");
    CHECK_FALSE(wage.default_value);
    CHECK_FALSE(wage.citation);
    CHECK(person.inputs[2].type.name.text == "Reason");
    REQUIRE(person.inputs[3].default_value);
    CHECK(show(*person.inputs[3].default_value) == "text:none");

    const auto& household = m.entities[1];
    REQUIRE(household.inputs.size() == 1);
    CHECK(household.inputs[0].type.name.text == "rate");
    REQUIRE(household.collections.size() == 1);
    CHECK(household.collections[0].name.text == "members");
    CHECK(household.collections[0].entity.text == "Person");
    check_at(household.collections[0].entity.range, 17, 20, 26);
  }

  SECTION("single and dated parameters") {
    REQUIRE(m.parameters.size() == 3);
    const auto& cap = m.parameters[0];
    CHECK(cap.name.text == "cap");
    CHECK(cap.type.name.text == "money");
    REQUIRE(cap.citation);
    CHECK(cap.citation->text == "s.2");
    REQUIRE(cap.steps.size() == 1);
    CHECK_FALSE(cap.steps[0].from);
    CHECK(show(*cap.steps[0].value) == "money:1234.56");

    CHECK_FALSE(m.parameters[1].citation);

    const auto& replacement = m.parameters[2];
    CHECK(replacement.type.name.text == "rate");
    REQUIRE(replacement.citation);
    CHECK(replacement.citation->text == "s.3");
    REQUIRE(replacement.steps.size() == 2);
    REQUIRE(replacement.steps[0].from);
    CHECK(replacement.steps[0].from->to_string() == "2024-01-01");
    check_at(replacement.steps[0].from_range, 23, 8, 18);
    CHECK(show(*replacement.steps[0].value) == "rate:0.125");
    CHECK_FALSE(replacement.steps[0].citation);
    CHECK(replacement.steps[1].from->to_string() == "2026-01-01");
    CHECK(show(*replacement.steps[1].value) == "rate:0.55");
    REQUIRE(replacement.steps[1].citation);
    CHECK(replacement.steps[1].citation->text == "Amending Act s.2");
  }

  SECTION("rules and outputs, with and without types") {
    REQUIRE(m.rules.size() == 4);
    const auto& share = m.rules[0];
    CHECK_FALSE(share.is_output);
    CHECK(share.entity.text == "Person");
    CHECK(share.name.text == "share");
    check_at(share.entity.range, 26, 6, 12);
    check_at(share.name.range, 26, 13, 18);
    REQUIRE(share.type);
    CHECK(share.type->name.text == "money");
    CHECK(show(*share.body) == "(* wage replacement)");
    REQUIRE(share.citation);
    CHECK(share.citation->text == "s.4");
    CHECK(share.range.begin.line == 26);
    CHECK(share.range.begin.column == 1);

    CHECK_FALSE(m.rules[1].type);
    CHECK_FALSE(m.rules[1].citation);
    CHECK(show(*m.rules[1].body) == "(>= age int:18)");

    CHECK(m.rules[2].is_output);
    CHECK(m.rules[2].entity.text == "Household");
    CHECK(show(*m.rules[2].body) == "(call sum (. members share) where adult)");
    CHECK(m.rules[3].is_output);
    CHECK_FALSE(m.rules[3].type);
    CHECK(show(*m.rules[3].body) == "(call count members)");
  }

  SECTION("tests with records, lists and expectations") {
    REQUIRE(m.tests.size() == 2);
    const auto& t = m.tests[0];
    CHECK(t.name == "two members");
    CHECK(t.as_of.to_string() == "2026-03-01");
    CHECK(t.range.begin.line == 31);
    CHECK(t.record_entity.text == "household");
    REQUIRE(t.record.fields.size() == 2);
    const auto& rate = t.record.fields[0];
    CHECK(rate.name.text == "region_rate");
    CHECK_FALSE(rate.is_list);
    CHECK(show(*rate.value) == "rate:0.05");
    const auto& members = t.record.fields[1];
    CHECK(members.name.text == "members");
    CHECK(members.is_list);
    REQUIRE(members.items.size() == 2);
    REQUIRE(members.items[0].fields.size() == 3);
    CHECK(members.items[0].fields[0].name.text == "age");
    CHECK(show(*members.items[0].fields[0].value) == "int:30");
    CHECK(show(*members.items[0].fields[1].value) == "money:100");
    CHECK(show(*members.items[0].fields[2].value) == "layoff");  // an enumeration value, resolved later
    CHECK(members.items[0].range.begin.line == 35);
    REQUIRE(members.items[1].fields.size() == 2);  // `;` separates fields too
    CHECK(show(*members.items[1].fields[1].value) == "money:0");
    REQUIRE(t.expectations.size() == 2);
    CHECK(t.expectations[0].output.text == "total");
    check_at(t.expectations[0].output.range, 39, 10, 15);
    CHECK(show(*t.expectations[0].value) == "money:55");
    CHECK(std::get<ast::Literal>(t.expectations[0].value->node).number.scale() == 2);
    CHECK(t.expectations[1].output.text == "count");

    const auto& empty = m.tests[1];
    REQUIRE(empty.record.fields.size() == 1);
    CHECK(empty.record.fields[0].is_list);
    CHECK(empty.record.fields[0].items.empty());
  }
}

TEST_CASE("parser: a file without header or declarations is a valid empty module", "[parser]") {
  ast::Module m = parse_ok("# only a comment\n\n");
  CHECK_FALSE(m.title);
  CHECK(m.entities.empty());
  CHECK(m.rules.empty());
}

TEST_CASE("parser: operator precedence and associativity", "[parser]") {
  CHECK(expr("a + b * c") == "(+ a (* b c))");
  CHECK(expr("a * b + c") == "(+ (* a b) c)");
  CHECK(expr("(a + b) * c") == "(* (+ a b) c)");
  CHECK(expr("a - b - c") == "(- (- a b) c)");
  CHECK(expr("a / b / c") == "(/ (/ a b) c)");
  CHECK(expr("a + b < c * d") == "(< (+ a b) (* c d))");
  CHECK(expr("not a and b") == "(and (not a) b)");
  CHECK(expr("not a = b") == "(not (= a b))");
  CHECK(expr("a or b and c") == "(or a (and b c))");
  CHECK(expr("a and b or c") == "(or (and a b) c)");
  CHECK(expr("a != b") == "(!= a b)");
  CHECK(expr("a <= b") == "(<= a b)");
  CHECK(expr("a > b") == "(> a b)");
}

TEST_CASE("parser: unary minus binds tighter than * and looser than member access", "[parser]") {
  CHECK(expr("-a") == "(neg a)");
  CHECK(expr("-a * b") == "(* (neg a) b)");
  CHECK(expr("a - -b") == "(- a (neg b))");
  CHECK(expr("-household.rate") == "(neg (. household rate))");
  CHECK(expr("+a") == "(pos a)");
  CHECK(expr("-$5") == "(neg money:5)");
}

TEST_CASE("parser: if-then-else nests in both branches and in the condition", "[parser]") {
  CHECK(expr("if a then b else c") == "(if a b c)");
  CHECK(expr("if a then b else if c then d else e") == "(if a b (if c d e))");
  CHECK(expr("if a then if b then c else d else e") == "(if a (if b c d) e)");
  CHECK(expr("if a and b then c + 1 else c * 2") == "(if (and a b) (+ c int:1) (* c int:2))");
  CHECK(expr("1 + (if a then 2 else 3)") == "(+ int:1 (if a int:2 int:3))");
  // The else branch extends as far as possible.
  CHECK(expr("if a then b else c + d") == "(if a b (+ c d))");
}

TEST_CASE("parser: member access and calls with labelled arguments and where", "[parser]") {
  CHECK(expr("household.region_rate") == "(. household region_rate)");
  CHECK(expr("Reason.layoff") == "(. Reason layoff)");
  CHECK(expr("round(x, to: $0.01, mode: half_even)") == "(call round x to:money:0.01 mode:half_even)");
  CHECK(expr("max(a, b, 3)") == "(call max a b int:3)");
  CHECK(expr("count(members where age < 18 and not employed)") ==
        "(call count members where (and (< age int:18) (not employed)))");
  CHECK(expr("sum(members.wage)") == "(call sum (. members wage))");
  CHECK(expr("f()") == "(call f)");
  CHECK(expr("min($1,$2)") == "(call min money:1 money:2)");  // not one amount of $1,$2

  ast::Module m = parse_ok("entity E { }\nrule E.x = round(x, to: $0.01, mode: half_up)\n");
  const auto& call = std::get<ast::Call>(m.rules[0].body->node);
  CHECK(call.callee.text == "round");
  check_at(call.callee.range, 2, 12, 17);
  REQUIRE(call.arguments.size() == 3);
  CHECK_FALSE(call.arguments[0].label);
  REQUIRE(call.arguments[1].label);
  check_at(call.arguments[1].label->range, 2, 21, 23);
  check_at(call.arguments[2].label->range, 2, 32, 36);
}

TEST_CASE("parser: literal values are exact", "[parser]") {
  SECTION("money") {
    auto l = literal("$1,234.56");
    CHECK(l.kind == ast::LiteralKind::Money);
    CHECK(l.number == D("1234.56"));
    CHECK(l.number.to_string() == "1234.56");
    CHECK(literal("$1,000,000").number == D("1000000"));
    CHECK(literal("$0.10").number.scale() == 2);  // written digits are kept
    CHECK(literal("€12").kind == ast::LiteralKind::Money);
    CHECK(literal("€12").number == D("12"));
    CHECK(literal("£0.50").number == D("0.5"));
  }
  SECTION("rates are fractions") {
    auto l = literal("12.5%");
    CHECK(l.kind == ast::LiteralKind::Rate);
    CHECK(l.number == D("0.125"));
    CHECK(literal("5%").number == D("0.05"));
    CHECK(literal("100%").number == D("1"));
    CHECK(literal("0.01%").number == D("0.0001"));
  }
  SECTION("integers and decimals") {
    auto i = literal("42");
    CHECK(i.kind == ast::LiteralKind::Integer);
    CHECK(i.number == D("42"));
    auto d = literal("42.0");
    CHECK(d.kind == ast::LiteralKind::Decimal);
    CHECK(d.number == D("42"));
    CHECK(d.number.scale() == 1);
    CHECK(literal("0.333333333333333333333333333333").number == D("0.333333333333333333333333333333"));
    auto big = literal("123456789012345678901234567890123456789012345678901234567890");
    CHECK(big.kind == ast::LiteralKind::Integer);
    CHECK(big.number.to_string() == "123456789012345678901234567890123456789012345678901234567890");
  }
  SECTION("dates") {
    auto l = literal("2026-03-01");
    CHECK(l.kind == ast::LiteralKind::Date);
    CHECK(l.date.to_string() == "2026-03-01");
    CHECK(literal("2024-02-29").date.to_string() == "2024-02-29");
  }
  SECTION("texts with escapes") {
    auto l = literal(R"("a \"quoted\" word\\ and\ttab\nline")");
    CHECK(l.kind == ast::LiteralKind::Text);
    CHECK(l.text == "a \"quoted\" word\\ and\ttab\nline");
    CHECK(literal(R"("")").text.empty());
    CHECK(literal(R"("é ünïcode")").text == "é ünïcode");
  }
  SECTION("booleans") {
    CHECK(literal("true").kind == ast::LiteralKind::Boolean);
    CHECK(literal("true").boolean);
    CHECK_FALSE(literal("false").boolean);
  }
}

TEST_CASE("parser: source ranges of identifiers and expressions", "[parser]") {
  ast::Module m = parse_ok("entity Person {\n  input age: integer\n}\n\nrule Person.adult =\n    age >= 18\n");
  const auto& rule = m.rules[0];
  check_at(rule.entity.range, 5, 6, 12);
  check_at(rule.name.range, 5, 13, 18);
  const auto& body = *rule.body;
  check_at(body.range, 6, 5, 14);
  const auto& cmp = std::get<ast::Binary>(body.node);
  check_at(cmp.left->range, 6, 5, 8);
  check_at(cmp.op_range, 6, 9, 11);
  check_at(cmp.right->range, 6, 12, 14);
  check_at(m.entities[0].inputs[0].type.name.range, 2, 14, 21);

  // Columns count characters, not bytes: `€` and `ï` are one column each.
  ast::Module u = parse_ok("entity E { }\nrule E.x = if \"naïve\" = t then €5 else b\n");
  const auto& cond = std::get<ast::Conditional>(u.rules[0].body->node);
  check_at(std::get<ast::Binary>(cond.condition->node).left->range, 2, 15, 22);
  check_at(std::get<ast::Binary>(cond.condition->node).right->range, 2, 25, 26);
  check_at(cond.then_branch->range, 2, 32, 34);
  check_at(cond.else_branch->range, 2, 40, 41);

  // Parentheses belong to the expression they enclose.
  ast::Module p = parse_ok("entity E { }\nrule E.x = (a + b) * 2\n");
  const auto& product = std::get<ast::Binary>(p.rules[0].body->node);
  check_at(product.left->range, 2, 12, 19);
}

// ---- syntax errors ----

TEST_CASE("syntax errors: a missing else", "[parser][errors]") {
  auto d = error("entity Person { input age: integer }\nrule Person.x: integer = if age > 3 then 1\nrule Person.y = 2\n");
  CHECK(d.code == "E0001");
  CHECK(d.range.begin.line == 3);
  CHECK(d.range.begin.column == 1);
  CHECK(d.message.find("`else`") != std::string::npos);
  CHECK(d.hint.find("needs an `else`") != std::string::npos);

  auto at_end = error("entity Person { input age: integer }\nrule Person.x: integer = if age > 3 then 1");
  CHECK(at_end.message.find("`else`") != std::string::npos);
  CHECK(at_end.hint.find("`else`") != std::string::npos);
}

TEST_CASE("syntax errors: a missing then", "[parser][errors]") {
  auto d = error("entity E { }\nrule E.x = if a 1 else 2\n");
  CHECK(d.code == "E0001");
  CHECK(d.range.begin.line == 2);
  CHECK(d.range.begin.column == 17);
  CHECK(d.message.find("`then`") != std::string::npos);
  CHECK(d.hint.find("if CONDITION then VALUE else VALUE") != std::string::npos);
}

TEST_CASE("syntax errors: a reserved word used as a name", "[parser][errors]") {
  auto input = error("entity Person { input if: integer }\n");
  CHECK(input.code == "E0001");
  CHECK(input.range.begin.line == 1);
  CHECK(input.range.begin.column == 23);
  CHECK(input.range.end.column == 25);
  CHECK(input.hint == "`if` is a reserved word of pol and cannot be used as a name");

  auto rule = error("entity Person { }\nrule Person.output = 1\n");
  CHECK(rule.range.begin.line == 2);
  CHECK(rule.range.begin.column == 13);
  CHECK(rule.hint.find("`output` is a reserved word") != std::string::npos);

  auto entity = error("entity Person { }\nrule entity.z = 1\n");
  CHECK(entity.range.begin.column == 6);
  CHECK(entity.hint.find("`entity` is a reserved word") != std::string::npos);

  auto parameter = error("parameter from: integer = 3\n");
  CHECK(parameter.range.begin.column == 11);
  CHECK(parameter.hint.find("`from` is a reserved word") != std::string::npos);
}

TEST_CASE("syntax errors: stray characters are named, with a hint", "[parser][errors]") {
  SECTION("&& and ||") {
    auto d = error("entity P { input a: boolean input b: boolean }\nrule P.x = a && b\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.line == 2);
    CHECK(d.range.begin.column == 14);
    CHECK(d.range.end.column == 16);  // the caret covers both characters
    CHECK(d.message.find("`&&`") != std::string::npos);
    CHECK(d.hint.find("`and`") != std::string::npos);

    auto o = error("entity P { input a: boolean input b: boolean }\nrule P.x = a || b\n");
    CHECK(o.code == "E0002");
    CHECK(o.message.find("`||`") != std::string::npos);
    CHECK(o.hint.find("`or`") != std::string::npos);
  }
  SECTION("single quotes: one error for the whole text") {
    auto d = error("entity P { }\nrule P.x = 'abc'\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.column == 12);
    CHECK(d.hint.find("double quotes") != std::string::npos);
  }
  SECTION("==") {
    auto d = error("entity P { input a: integer }\nrule P.x = a == 3\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.column == 14);
    CHECK(d.hint.find("one `=`") != std::string::npos);
  }
  SECTION("! alone") {
    auto d = error("entity P { input a: boolean }\nrule P.x = !a\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.column == 12);
    CHECK(d.hint.find("`not`") != std::string::npos);
  }
  SECTION("a comment written //") {
    auto d = error("entity P { }\nrule P.x = 5 // five\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.column == 14);
    CHECK(d.hint.find("#") != std::string::npos);
  }
  SECTION("any other character") {
    auto d = error("entity P { }\nrule P.x = 5 @ 3\n");
    CHECK(d.code == "E0002");
    CHECK(d.message == "unexpected character `@`");
    CHECK(d.range.begin.column == 14);
    CHECK_FALSE(d.hint.empty());
  }
  SECTION("a text not closed on its line") {
    auto d = error("entity P { input name: text = \"abc }\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.column == 31);
    CHECK(d.message.find("not closed") != std::string::npos);
    CHECK(d.hint.find("\"") != std::string::npos);
  }
  SECTION("an unknown escape in a text") {
    auto d = error("entity P { input name: text = \"a\\qb\" }\n");
    CHECK(d.code == "E0002");
    CHECK(d.range.begin.column == 33);  // at the escape itself
    CHECK(d.range.end.column == 35);
    CHECK(d.message == "unknown escape `\\q` in a text");
  }
}

TEST_CASE("syntax errors: control characters and bytes that are not UTF-8", "[parser][errors]") {
  auto control = error("entity P { }\nrule P.x = 1 \x01\n");
  CHECK(control.code == "E0002");
  CHECK(control.range.begin.column == 14);
  CHECK(control.message == "unexpected control character U+0001");

  // "café" written in Latin-1: the library reports it, it does not throw.
  pol::syntax::ParseResult latin1;
  REQUIRE_NOTHROW(latin1 = parse("entity P { }\nrule P.x = \"caf\xE9\" = \"x\"\n"));
  REQUIRE(latin1.diagnostics.size() == 1);
  const auto& d = latin1.diagnostics[0];
  CHECK(d.code == "E0002");
  CHECK(d.range.begin.line == 2);
  CHECK(d.range.begin.column == 16);
  CHECK(d.message == "the file is not UTF-8 text: the byte 0xE9 cannot appear here");
  CHECK(d.hint.find("UTF-8") != std::string::npos);

  // Overlong forms, surrogates and truncated sequences are refused too; columns count characters.
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF"}) {
    INFO(bad);
    auto r = parse(std::string("# é ") + bad + "\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].range.begin.column == 5);
  }
  parse_ok("# é € 𝄞 are fine\n");
}

TEST_CASE("syntax errors: the end of the file in the middle of a declaration", "[parser][errors]") {
  auto d = error("entity Person { input age: integer }\nrule Person.x = max(age, 3");
  CHECK(d.code == "E0001");
  CHECK(d.range.begin.line == 2);
  CHECK(d.message.rfind("unexpected end of file", 0) == 0);
  CHECK(d.message.find("`)`") != std::string::npos);
  CHECK(d.hint.find("`)`") != std::string::npos);

  auto brace = error("entity Person { input age: integer\n");
  CHECK(brace.message.rfind("unexpected end of file", 0) == 0);
  CHECK(brace.message.find("`}`") != std::string::npos);
}

TEST_CASE("syntax errors: an incomplete formula followed by the next declaration", "[parser][errors]") {
  auto d = error("entity P { input a: integer }\nrule P.x = a +\nrule P.y = 2\n");
  CHECK(d.code == "E0001");
  CHECK(d.range.begin.line == 3);
  CHECK(d.range.begin.column == 1);
  CHECK(d.message == "unexpected `rule`, expected an expression");
  // `rule` is where the drafter started the next declaration, not a name they chose.
  CHECK(d.hint.find("reserved word") == std::string::npos);
  CHECK(d.hint.find("incomplete") != std::string::npos);

  auto brace = error("entity P { input a: integer\nrule P.x = 1\n");
  CHECK(brace.range.begin.line == 2);
  CHECK(brace.hint.find("reserved word") == std::string::npos);
  CHECK(brace.hint.find("`}`") != std::string::npos);
}

TEST_CASE("syntax errors: hints for other common slips", "[parser][errors]") {
  auto missing_operator = error("entity P { input a: integer }\nrule P.x = a 2\n");
  CHECK(missing_operator.range.begin.column == 14);
  CHECK(missing_operator.message == "unexpected `2`");
  CHECK(missing_operator.hint.find("operator") != std::string::npos);

  auto extra_brace = error("entity P { input a: integer } }\n");
  CHECK(extra_brace.range.begin.column == 31);
  CHECK(extra_brace.hint.find("closes nothing") != std::string::npos);

  auto second_header = error("policy \"a\"\npolicy \"b\"\n");
  CHECK(second_header.range.begin.line == 2);
  CHECK(second_header.hint.find("once, at the top") != std::string::npos);

  auto dated = error("parameter p: rate\n  2026-01-01 = 5%\n");
  CHECK(dated.range.begin.line == 2);
  CHECK(dated.message.find("`from`") != std::string::npos);
  CHECK(dated.hint.find("from YYYY-MM-DD = value") != std::string::npos);

  auto field = error("test \"t\" as of 2026-01-01 { e { a: } }\n");
  CHECK(field.range.begin.column == 36);
  CHECK(field.message == "unexpected `}`, expected an expression");
}

TEST_CASE("syntax errors: several are reported in one run, one per declaration", "[parser][errors]") {
  auto all = errors(
      "entity P { input a: integer }\n"      // 1
      "rule P.x = a +\n"                     // 2 (reported at line 3)
      "rule P.y = 3 3\n"                     // 3
      "rule P.z = if a > 1 then 2\n"         // 4 (reported at line 5)
      "parameter p: integer = 2026-02-30\n"  // 5
      "rule P.w = a @ 1\n"                   // 6
      "rule P.ok = a * 2\n");                // 7
  std::vector<std::pair<int, int>> places;
  for (const auto& d : all) places.push_back({d.range.begin.line, d.range.begin.column});
  using Places = std::vector<std::pair<int, int>>;
  CHECK(places == Places{{3, 1}, {3, 14}, {5, 1}, {5, 24}, {6, 14}});
  CHECK(all[3].code == "E0003");
  CHECK(all[4].code == "E0002");
}

TEST_CASE("syntax errors: a date that is not in the calendar", "[parser][errors]") {
  auto d = error("parameter start: date = 2026-02-30\n");
  CHECK(d.code == "E0003");
  CHECK(d.range.begin.line == 1);
  CHECK(d.range.begin.column == 25);
  CHECK(d.range.end.column == 35);
  CHECK(d.message == "`2026-02-30` is not a date of the calendar");
  CHECK_FALSE(d.hint.empty());

  CHECK(error("parameter p: rate\n  from 2025-13-01 = 5%\n").code == "E0003");
  CHECK(error("test \"t\" as of 2023-02-29 { e { } }\n").code == "E0003");
  CHECK(error("entity E { }\nrule E.x = 2026-04-31\n").code == "E0003");
  parse_ok("parameter p: date = 2024-02-29\n");  // a leap day
}

TEST_CASE("syntax errors: many kinds of bad input never show ANTLR's wording", "[parser][errors]") {
  const char* sources[] = {
      "entity",
      "entity {",
      "entity E { input }",
      "entity E { input x integer }",
      "entity E { x: list Person }",
      "rule E.x",
      "rule E = 1",
      "rule E.x = ",
      "rule E.x = (1 + 2",
      "rule E.x = 1 + * 2",
      "rule E.x = f(a b)",
      "rule E.x = round(x, to $1)",
      "parameter p: rate from 2026-01-01 5%",
      "parameter p: rate",
      "test t as of 2026-01-01 { e { } }",
      "test \"t\" 2026-01-01 { e { } }",
      "test \"t\" as of 2026-01-01 { e { a: [ 1 ] } }",
      "enum E { }",
      "enum E { a b c",
      "}",
      "policy",
      "policy \"x\" policy \"y\"",
      "rule E.x = a.",
      "rule E.x = 1 2 3 4 5",
      "entity E { } }",
  };
  for (const char* source : sources) {
    INFO(source);
    auto all = errors(source);
    for (const auto& d : all) {
      CHECK((d.code == "E0001" || d.code == "E0002" || d.code == "E0003"));
      CHECK(d.range.file == "t.pol");
      CHECK(d.range.begin.line >= 1);
      CHECK(d.range.begin.column >= 1);
      CHECK_FALSE(d.message.empty());
    }
  }
}
