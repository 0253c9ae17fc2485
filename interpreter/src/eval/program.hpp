// The evaluation form of a checked policy: schema, parameters, and rule bodies lowered to a flat
// array of typed nodes whose names are already resolved to slots. Built once by the lowering
// stage, then only read (so a Program can be shared across threads).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pol/period.hpp"
#include "pol/policy.hpp"

namespace pol::detail {

enum class Op : std::uint8_t {
  Constant,        // constants[a]
  Input,           // input a of the current entity
  Rule,            // rule a of the current entity (rule index within the entity)
  Parameter,       // parameter a, bound for the evaluation date
  Parent,          // evaluate child a with the current entity's parent as the current entity
  Negate, Not, Abs,
  Add, Subtract, Multiply, Divide,
  Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual,
  And, Or,
  If,              // a ? b : c
  Min, Max,        // over the argument list args[a .. a+b)
  Round,           // round child a to unit child b; mode in `mode`
  Count,           // members of collection `slot` (filter: child b, or none)
  Sum, AggregateMin, AggregateMax, Any, All,  // projection child a over collection `slot`, filter b
  Context,         // input a of the context record
  AsOf,            // the date the record is evaluated as of
  SeriesAt,        // series a at period b; c: constant index of the value of a period not given, or none
  SeriesTotal, SeriesAverage, SeriesLargest, SeriesSmallest, SeriesCount,
                   // arguments[a..a+b): series, from, to [, rank | above]; c as for SeriesAt; `within`
  PeriodOf,        // the period of kind `period` containing date a
  PeriodStart, PeriodEnd, DaysIn,              // of period a of kind `period`
  PeriodShift,     // period a moved by integer b (subtracted when `negate`)
  PeriodDiff,      // periods between b and a: a − b
  AddDays, AddMonths, AddYears,                // date a moved by integer b; AddYears uses `leap_day`
  DaysBetween, WeeksBetween, MonthsBetween, YearsBetween,  // from date a to date b
  YearNumber, MonthNumber, DayOfMonth,         // of date a
  Schedule,        // schedule `slot` applied to a
  Exceptions,      // base definition a; arguments[b .. b+3c): (condition, definition, description constant)
  Call,            // recursive function `slot` with arguments[a .. a+b)
  Param,           // argument a of the innermost call
};

inline constexpr std::uint32_t kNoNode = 0xFFFFFFFFu;

struct Node {
  Op op = Op::Constant;
  Type type;                 // result type
  Type operand_type;         // for comparisons: the type both sides are compared as
  RoundingMode mode = RoundingMode::HalfEven;
  std::uint32_t a = kNoNode;
  std::uint32_t b = kNoNode;
  std::uint32_t c = kNoNode;
  std::uint32_t slot = 0;    // collection index for aggregates, schedule index
  std::uint32_t where = 0;   // index into Program::locations, for runtime errors
  PeriodKind period = PeriodKind::None;
  LeapDay leap_day = LeapDay::Refuse;
  bool within = false;       // series functions: from and to are one coarser period
  bool negate = false;       // PeriodShift: move backwards
};

struct ScheduleBand {
  Decimal threshold;         // dates as their day number
  bool inclusive = true;     // the band starts at (true) or just above (false) its threshold
  Value value;               // lookup: the band's value; marginal: its rate
};

struct ScheduleVersion {
  Date from;
  std::vector<ScheduleBand> bands;  // thresholds ascending
};

struct Schedule {
  ScheduleInfo info;
  std::vector<ScheduleVersion> versions;  // ordered by date
};

struct ParameterStep {
  std::optional<Date> from;  // nullopt: in force at all dates
  Value value;
};

struct Parameter {
  ParameterInfo info;
  std::vector<ParameterStep> steps;  // ordered by date
};

// A function that calls itself: its body is evaluated per call, results memoized per record.
struct Function {
  std::string name;
  std::uint32_t body = kNoNode;
  std::uint32_t params = 0;
};

// A rule body compiled for the evaluator's fast path (eval/plan.hpp): a linear list of steps over
// numbered registers, each register holding a number or a scalar (boolean, date, enumeration,
// period as an integer), with jumps for `if`, `and` and `or`. Operators without a step of their
// own are Generic steps that evaluate their node through the tree-walking path. Registers are
// numbered program-wide: the constants' and the parameters' registers are filled once (the
// parameters' when the evaluation date is bound), and every rule has registers of its own.
enum class PlanOp : std::uint8_t {
  InputNumber, InputScalar,   // d = input a of the instance
  RuleNumber, RuleScalar,     // d = rule a of the instance
  AsOf,                       // d = the evaluation date
  Add, Subtract, Multiply, Divide, Negate, Abs,
  Round,                      // d = round(a, to: b, mode: RoundingMode(aux))
  Min, Max,                   // d = min/max(a, b); ties keep a
  CompareNumbers, CompareScalars,  // d = a <op> b, op = Op(aux) (Equal .. GreaterEqual)
  Not,
  MoveNumber, MoveScalar,     // d = a
  Jump,                       // go to step a
  JumpIfFalse,                // if scalar a is 0, go to step b
  GenericNumber, GenericScalar,  // d = node a through the tree walker
  ReturnNumber, ReturnScalar,    // the rule's value is register a
};

struct PlanStep {
  PlanOp op;
  std::uint8_t aux = 0;
  std::uint32_t d = 0, a = 0, b = 0;
};

struct RulePlan {
  std::vector<PlanStep> steps;          // empty: the rule has no plan (its type is text or a series)
  std::vector<std::uint32_t> parameters;  // read by the plan: it applies on dates when all have a value
};

struct PlanRegisters {
  std::uint32_t count = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> constants;   // (register, index into constants)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> parameters;  // (register, parameter index)
};

struct Rule {
  RuleInfo info;
  std::uint32_t body = kNoNode;  // root node of the body
  int output_index = -1;         // index into outputs, for output rules
  // Reads nothing of the household (only parameters, schedules, context data, the evaluation date
  // and other such rules): its value is the same for every record of one date and context, so an
  // evaluator computes it once (see record_independence.hpp).
  bool record_independent = false;
  RulePlan plan;
};

struct Entity {
  EntitySchema schema;
  std::vector<std::uint32_t> requirements;  // rules declared with `require`
  std::vector<Value> input_defaults;        // by input index (meaningful where has_default);
                                            // a series' default is its value for a period not given
  std::vector<Rule> rules;                  // rules of this entity
  std::uint32_t first_rule_id = 0;          // of rules[0] among every entity's rules, in entity order
};

struct TestExpectation {
  std::string output;      // a rule of the root entity, or `members[2].x`
  int collection = -1;     // a member's rule: the root's collection
  int position = 0;        // and the member's position in it, from 1
  int rule = -1;           // its index among its entity's rules
  Value value;
  Type type;
  SourceRange location;
};

struct InlineTest {
  std::string name;
  SourceRange location;
  Date as_of;
  Record record;
  std::optional<EntityRecord> context;
  std::vector<TestExpectation> expectations;
  std::optional<std::string> expected_error;  // the evaluation must fail with a message containing it
};

struct BatchPlan;  // eval/batch_plan.hpp

struct Program {
  std::string title;
  std::vector<EnumInfo> enums;
  std::vector<Entity> entities;
  int root_entity = -1;
  int context_entity = -1;
  std::vector<Parameter> parameters;
  std::vector<Schedule> schedules;
  std::vector<Function> functions;  // recursive functions only; the others are inlined
  std::vector<OutputSchema> outputs;
  std::vector<std::pair<int, int>> output_rules;  // (entity, rule) per output
  std::vector<ParameterInfo> parameter_infos;
  std::vector<ScheduleInfo> schedule_infos;
  std::vector<RuleInfo> rule_infos;
  std::vector<Node> nodes;
  std::vector<std::uint32_t> arguments;  // child lists for variadic nodes
  std::vector<Value> constants;
  std::vector<SourceRange> locations;
  std::vector<InlineTest> tests;
  PlanRegisters plan_registers;
  std::shared_ptr<const BatchPlan> batch_plan;  // null when the outputs cannot be evaluated in blocks
};

}  // namespace pol::detail
