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
#include "pol/period.hpp"
#include "pol/policy.hpp"
#include "syntax/ast.hpp"

namespace pol::check {

struct InputRef { int entity; int index; };
struct RuleRef { int entity; int index; };
struct ParameterRef { int index; };
struct ContextRef { int index; };       // an input of the context entity
struct AsOfRef {};                      // `as_of`: the date the record is evaluated as of
struct FunctionParamRef { int index; }; // a parameter of the function whose body is checked
struct EnumValueRef { int enum_index; int ordinal; };
// A member reaching its container, e.g. `household.region_rate` read by a Person rule: the target
// is evaluated on the parent entity.
struct ParentRef { std::variant<InputRef, RuleRef> target; };

enum class Builtin {
  Min, Max, Abs, Round, Sum, Count, Any, All, AggregateMin, AggregateMax,
  // calendar: operands in the order of the signature
  PeriodOf, PeriodStart, PeriodEnd, DaysIn, AddDays, AddMonths, AddYears, DaysBetween, WeeksBetween,
  MonthsBetween, YearsBetween, YearNumber, MonthNumber, DayOfMonth,
  // series over a range of periods: operands series, from, to [, rank | above]
  SeriesTotal, SeriesAverage, SeriesLargest, SeriesSmallest, SeriesCount,
  Schedule,  // operands: the argument; `target` the schedule
  Function,  // operands: the arguments in parameter order; `target` the function
};

struct CallInfo {
  Builtin builtin;
  int collection = -1;                    // aggregates: collection index in the current entity
  const ast::Expr* projection = nullptr;  // aggregates: member-scope expression (a Name), may be null
  const ast::Expr* value = nullptr;       // round: the value
  const ast::Expr* unit = nullptr;        // round: the unit
  RoundingMode mode = RoundingMode::HalfEven;
  std::vector<const ast::Expr*> operands; // min/max/abs, calendar, series, schedules, functions
  PeriodKind period = PeriodKind::None;   // PeriodOf: which period; series: the series' period
  LeapDay leap_day = LeapDay::Refuse;     // AddYears
  bool within = false;                    // series: `within: P` (operands[1] is P, a coarser period)
  int target = -1;                        // Schedule, Function: index
};

using Resolution = std::variant<std::monostate, InputRef, RuleRef, ParameterRef, EnumValueRef, ParentRef, CallInfo,
                                ContextRef, AsOfRef, FunctionParamRef>;

struct ExprInfo {
  Type type;
  Type operand_type;  // comparisons: the common type of both sides
  Resolution resolution;
};

struct RuleEntry {
  const ast::RuleDecl* decl = nullptr;
  std::vector<const ast::ExceptionDecl*> exceptions;  // in declaration order
  std::vector<std::vector<int>> exceptions_over;      // [0]: over the base; [i+1]: over exceptions[i]
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

struct ScheduleEntry {
  const ast::ScheduleDecl* decl = nullptr;
  Type argument;
  Type result;
  Type band_value;  // lookup: the result type; marginal: the rate type of each band
};

struct FunctionEntry {
  const ast::FunctionDecl* decl = nullptr;
  std::vector<Type> params;
  std::optional<Type> result;
  enum class State { Unchecked, InProgress, Done } state = State::Unchecked;
  // Calls itself, directly or through other functions: evaluated by calls with memoized results
  // instead of being inlined (e.g. a status that depends on the status of the week before).
  bool recursive = false;
};

struct CheckedModule {
  const ast::Module* module = nullptr;
  std::vector<EnumInfo> enums;
  std::vector<EntityEntry> entities;
  int root = -1;
  int context = -1;  // the context entity, if declared
  std::vector<ParameterEntry> parameters;
  std::vector<ScheduleEntry> schedules;
  std::vector<FunctionEntry> functions;
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
