// pol's own syntax tree. The ANTLR parse tree is converted into this in ast_builder.cpp and is
// never seen by later stages.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pol/date.hpp"
#include "pol/decimal.hpp"
#include "pol/diagnostic.hpp"

namespace pol::ast {

struct Identifier {
  std::string text;
  SourceRange range;
};

struct Citation {
  std::string text;
  SourceRange range;
};

enum class LiteralKind { Boolean, Integer, Decimal, Money, Rate, Date, Text };

struct Literal {
  LiteralKind kind = LiteralKind::Integer;
  Decimal number;     // Integer, Decimal, Money, Rate (as a fraction)
  bool boolean = false;
  Date date;
  std::string text;
};

enum class UnaryOp { Negate, Plus, Not };
enum class BinaryOp { Add, Subtract, Multiply, Divide, Equal, NotEqual, Less, LessEqual, Greater,
                      GreaterEqual, And, Or };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Name {
  std::string name;
};

struct MemberAccess {
  ExprPtr object;
  Identifier member;
};

struct Unary {
  UnaryOp op;
  ExprPtr operand;
};

struct Binary {
  BinaryOp op;
  ExprPtr left;
  ExprPtr right;
  SourceRange op_range;
};

struct Conditional {
  ExprPtr condition;
  ExprPtr then_branch;
  ExprPtr else_branch;
};

struct Argument {
  std::optional<Identifier> label;  // `to:` in round(x, to: $0.01, mode: half_even)
  ExprPtr value;
};

// wages[quarter_of(as_of) - 1]: one period's value of a series.
struct Index {
  ExprPtr object;
  ExprPtr index;
};

struct Call {
  Identifier callee;
  std::vector<Argument> arguments;
  ExprPtr filter;  // `where ...` of an aggregate, may be null
};

struct Expr {
  SourceRange range;
  std::variant<Literal, Name, MemberAccess, Unary, Binary, Conditional, Call, Index> node;
};

struct TypeRef {
  Identifier name;
  std::optional<Identifier> period;  // `by quarter`
  SourceRange range;
};

struct EnumDecl {
  Identifier name;
  std::vector<Identifier> values;
};

struct InputDecl {
  Identifier name;
  TypeRef type;
  ExprPtr default_value;  // may be null
  std::optional<Citation> citation;
};

struct CollectionDecl {
  Identifier name;
  Identifier entity;
  std::optional<Citation> citation;
};

struct EntityDecl {
  bool is_context = false;  // `context { ... }`: published data, one instance per run
  Identifier name;
  std::vector<InputDecl> inputs;
  std::vector<CollectionDecl> collections;
};

struct ParameterStep {
  std::optional<Date> from;  // nullopt for an undated parameter
  SourceRange from_range;
  ExprPtr value;
  std::optional<Citation> citation;
};

struct ParameterDecl {
  Identifier name;
  TypeRef type;
  std::optional<Citation> citation;
  std::vector<ParameterStep> steps;
};

struct ScheduleBand {
  bool inclusive = true;  // `at or above` (true) or `above` (false) its threshold
  ExprPtr threshold;
  ExprPtr value;
  std::optional<Citation> citation;
  SourceRange range;
};

struct ScheduleVersion {
  Date from;
  SourceRange from_range;
  std::optional<Citation> citation;
  std::vector<ScheduleBand> bands;
};

struct ScheduleDecl {
  Identifier name;
  bool marginal = false;
  TypeRef argument;
  TypeRef result;
  std::optional<Citation> citation;
  std::vector<ScheduleVersion> versions;
};

struct FunctionParam {
  Identifier name;
  TypeRef type;
};

struct FunctionDecl {
  Identifier name;
  std::vector<FunctionParam> params;
  TypeRef result;
  ExprPtr body;
  std::optional<Citation> citation;
};

// `exception [label:] Entity.rule = body when condition [over label]`: replaces the definition
// it is over (the base rule by default) for records where the condition holds.
struct ExceptionDecl {
  std::optional<Identifier> label;
  Identifier entity;
  Identifier name;
  ExprPtr body;
  ExprPtr condition;
  std::optional<Identifier> over;
  std::optional<Citation> citation;
  SourceRange range;
};

struct RuleDecl {
  bool is_output = false;
  bool is_requirement = false;  // `require Entity.name: condition`: a boolean every record must meet
  Identifier entity;
  Identifier name;
  std::optional<TypeRef> type;
  ExprPtr body;
  std::optional<Citation> citation;
  SourceRange range;  // the whole declaration
};

struct FieldInit;

struct ObjectLiteral {
  std::vector<FieldInit> fields;
  SourceRange range;
};

struct SeriesEntry {
  Identifier period;  // the label as written, e.g. 2025-Q1
  ExprPtr value;
};

struct FieldInit {
  Identifier name;
  ExprPtr value;                      // a scalar field
  std::vector<ObjectLiteral> items;   // a list field, when is_list
  bool is_list = false;
  std::vector<SeriesEntry> series;    // a series field, when is_series
  bool is_series = false;
};

struct Expectation {
  std::optional<Identifier> collection;  // `members` in members[2].x
  int position = 0;                      // 2 in members[2].x (counted from 1)
  SourceRange position_range;
  Identifier output;
  ExprPtr value;
  SourceRange range;
};

struct TestDecl {
  std::string name;
  SourceRange range;
  Date as_of;
  std::optional<ObjectLiteral> context;
  Identifier record_entity;
  ObjectLiteral record;
  std::vector<Expectation> expectations;
  // `expect error "text"`: the evaluation must fail with a message containing the text.
  std::optional<Citation> expected_error;
};

struct ImportDecl {
  std::optional<std::string> path;    // import "file.pol"
  std::optional<Identifier> module;   // import rounding
  SourceRange range;
};

// One file's declarations; after loading, the declarations of every imported file are merged
// into the importing module (each keeps the source range of its own file).
struct Module {
  std::string path;
  std::optional<std::string> title;
  std::optional<Citation> title_citation;
  std::vector<ImportDecl> imports;
  std::vector<EnumDecl> enums;
  std::vector<EntityDecl> entities;
  std::vector<ParameterDecl> parameters;
  std::vector<ScheduleDecl> schedules;
  std::vector<FunctionDecl> functions;
  std::vector<RuleDecl> rules;
  std::vector<ExceptionDecl> exceptions;
  std::vector<TestDecl> tests;
};

}  // namespace pol::ast
