// Resolves every name of a parsed module and checks types, unit rules, duplicate definitions,
// the entity structure and cycles among rules. Reports every error it finds, not just the first.
// The result annotates the AST (which it does not own) for the lowering stage.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "pol/diagnostic.hpp"
#include "pol/policy.hpp"
#include "syntax/ast.hpp"

namespace pol::check {

struct InputRef { int entity; int index; };
struct RuleRef { int entity; int index; };
struct ParameterRef { int index; };
struct EnumValueRef { int enum_index; int ordinal; };
// A member reaching its container, e.g. `household.region_rate` read by a Person rule: the target
// is evaluated on the parent entity.
struct ParentRef { std::variant<InputRef, RuleRef> target; };

enum class Builtin { Min, Max, Abs, Round, Sum, Count, Any, All, AggregateMin, AggregateMax };

struct CallInfo {
  Builtin builtin;
  int collection = -1;                    // aggregates: collection index in the current entity
  const ast::Expr* projection = nullptr;  // aggregates: member-scope expression (a Name), may be null
  const ast::Expr* value = nullptr;       // round: the value
  const ast::Expr* unit = nullptr;        // round: the unit
  RoundingMode mode = RoundingMode::HalfEven;
  std::vector<const ast::Expr*> operands; // min/max/abs
};

using Resolution = std::variant<std::monostate, InputRef, RuleRef, ParameterRef, EnumValueRef, ParentRef, CallInfo>;

struct ExprInfo {
  Type type;
  Type operand_type;  // comparisons: the common type of both sides
  Resolution resolution;
};

struct RuleEntry {
  const ast::RuleDecl* decl = nullptr;
  std::optional<Type> type;  // nullopt when the rule did not check
  enum class State { Unchecked, InProgress, Done } state = State::Unchecked;
};

struct EntityEntry {
  std::string name;
  const ast::EntityDecl* decl = nullptr;
  std::vector<InputSchema> inputs;
  std::vector<const ast::InputDecl*> input_decls;
  std::vector<CollectionSchema> collections;
  int parent = -1;
  std::string parent_name;  // how members name it: `household`
  std::vector<RuleEntry> rules;
};

struct ParameterEntry {
  const ast::ParameterDecl* decl = nullptr;
  Type type;
};

struct CheckedModule {
  const ast::Module* module = nullptr;
  std::vector<EnumInfo> enums;
  std::vector<EntityEntry> entities;
  int root = -1;
  std::vector<ParameterEntry> parameters;
  std::vector<std::pair<int, int>> outputs;  // (entity, rule) in declaration order
  std::unordered_map<const ast::Expr*, ExprInfo> info;
  // Tests that checked, with the entity whose rule each expectation names resolved.
  std::vector<const ast::TestDecl*> tests;
  // Expression nodes the checker made for aggregate projections (`members.x` → `x` in member scope).
  std::vector<std::unique_ptr<ast::Expr>> projections;
};

CheckedModule check(const ast::Module& module, std::vector<Diagnostic>& diagnostics);

// The closest candidate by edit distance, for "did you mean" hints; empty when none is close.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace pol::check
