#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <unordered_map>

#include "eval/batch_evaluator.hpp"
#include "eval/program.hpp"
#include "pol/columns.hpp"
#include "pol/explain.hpp"
#include "pol/policy.hpp"

namespace pol {
namespace {

using detail::kNoNode;
using detail::Node;
using detail::Op;

// A runtime failure inside one record's evaluation; caught at the record boundary.
struct Failure {
  std::string message;
  std::uint32_t where;  // index into Program::locations; kNoNode for none
  std::string rule;     // overrides the innermost rule, e.g. for a missing input
  SourceRange location; // used when where == kNoNode
};

// One entity instance of the record being evaluated. Everything lives in flat arrays of the
// evaluator's scratch space, reused from record to record.
struct Instance {
  int entity;
  const EntityRecord* record;
  std::uint32_t parent;        // instance index; kNoNode for the root
  std::uint32_t ranges_begin;  // into State::ranges, one [begin, end) per collection
  std::uint32_t rules_begin;   // into State::rule_values / rule_state
};

enum class RuleState : std::uint8_t { Pending, Running, Done };

}  // namespace

struct Evaluator::State {
  const detail::Program& program;
  Date as_of;
  std::optional<EntityRecord> context;
  std::vector<std::optional<Value>> parameters;  // bound for as_of
  std::vector<std::string> unbound_reasons;

  std::vector<Instance> instances;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  // Rule values by instance.rules_begin + rule. Never shrunk: a record overwrites the slots it uses,
  // so evaluating a batch constructs no Values.
  std::vector<Value> rule_values;
  std::uint32_t rules_used = 0;
  std::vector<RuleState> rule_state;
  // Values of record-independent rules (detail::Rule::record_independent) by rule id, computed at
  // most once per evaluation date and context.
  std::vector<Value> independent_values;
  std::vector<std::uint8_t> independent_known;
  const Value empty_series = Value::of_series({});  // a series input's default: no period given

  // The registers of the rule plans (eval/plan.hpp): constants, parameters bound for as_of, and
  // each rule's own. By rule id: whether its plan can run on as_of (every parameter it reads has a
  // value), and whether it is running (a rule of one instance evaluated while the same rule of
  // another is running would need the same registers: the tree walker takes that one).
  std::vector<Decimal> plan_numbers;
  std::vector<std::int64_t> plan_scalars;
  std::vector<std::uint8_t> plan_usable;
  std::vector<std::uint8_t> plan_running;

  // Blocks of records in evaluate_batch (eval/batch_plan.hpp), made on first use.
  std::unique_ptr<detail::BatchEvaluator> batch;
  // Whether blocks can be evaluated now (the policy has a batch plan, no limit needs the
  // one-record evaluator, every parameter the plan reads has a value), binding them if so.
  bool batch_ready();
  // Whether the batch plan's record-independent values are computed for the date and context
  // bound (and whether they could be: an error there sends every record to the one-record
  // evaluator, which reports it).
  bool batch_independents_known = false;
  bool batch_independents_ok = false;
  bool compute_batch_independents();
  std::vector<const detail::Rule*> rule_stack;

  // When explaining: the node of the rule being evaluated; reads attach to it. Null otherwise, so
  // evaluation pays one branch per read.
  ExplanationNode* trace = nullptr;

  // The household's outputs (rule indexes and output slots), found on the first record.
  std::vector<int> root_rules;
  std::vector<std::size_t> root_slots;
  bool member_outputs = false;
  bool outputs_known = false;

  EvaluationLimits limits;
  bool counting = false;  // limits has a step or time cap
  std::uint64_t steps = 0;
  std::chrono::steady_clock::time_point started;

  void count_step(const Node& node) {
    ++steps;
    if (limits.max_steps && steps > limits.max_steps)
      throw Failure{fmt::format("the evaluation took more than {} steps (the embedder's limit)", limits.max_steps),
                    node.where, {}, {}};
    if (limits.max_time.count() && (steps & 4095) == 0 &&
        std::chrono::steady_clock::now() - started > limits.max_time)
      throw Failure{fmt::format("the evaluation took more than {} ms (the embedder's limit)", limits.max_time.count()),
                    node.where, {}, {}};
  }

  std::string type_text(const Type& t) const { return type_name(t, program.enums); }
  // As a drafter writes it: rates as percentages (55%, not 0.55), exact.
  std::string value_text(const Type& t, const Value& v) const {
    if (t.is_series()) return v.series ? fmt::format("{} periods given", v.series->size()) : "no periods given";
    if (t.kind == TypeKind::Rate) {
      std::string text = (v.number * Decimal::from_int(100)).to_string();
      if (text.find('.') != std::string::npos) {
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
      }
      return text + "%";
    }
    return format_value(t, v, program.enums);
  }
  ExplanationNode& traced(ExplanationNode::Kind kind, std::string name, const Type& type, const Value& value) {
    // A value read twice by one rule (age >= 0 and age <= 130) is listed once.
    if (kind == ExplanationNode::Kind::Input || kind == ExplanationNode::Kind::Parameter ||
        kind == ExplanationNode::Kind::Context)
      for (auto& existing : trace->children)
        if (existing.kind == kind && existing.name == name) return existing;
    ExplanationNode node;
    node.kind = kind;
    node.name = std::move(name);
    node.type = type_text(type);
    node.value = value_text(type, value);
    trace->children.push_back(std::move(node));
    return trace->children.back();
  }
  std::string qualified(std::uint32_t instance, const std::string& name) const {
    std::string path = describe_instance(instance);
    return path.empty() ? name : path + "." + name;
  }

  // Calls of recursive functions: argument frames, and results by function and arguments.
  std::vector<std::vector<Value>> frames;
  std::unordered_map<std::string, Value> memo;
  static constexpr std::size_t kMaxCallDepth = 100000;
  // Recursion runs on the caller's stack: stop well before a default 8 MB thread stack is used up.
  // AddressSanitizer's frames are several times larger (a call of a recursive function takes about
  // 26 KB): with it the budget is 32 MB, and `./dev sanitize` raises the stack limit to match.
#ifdef __SANITIZE_ADDRESS__
  static constexpr std::ptrdiff_t kStackBudget = std::ptrdiff_t{32} << 20;
#else
  static constexpr std::ptrdiff_t kStackBudget = 4 << 20;
#endif
  const char* stack_base = nullptr;

  std::vector<const detail::ScheduleVersion*> schedules;  // bound for as_of; null when none in force

  Date default_as_of;  // the Evaluator's date, for records that carry none

  State(const detail::Program& p, Date date) : program(p), as_of(date), default_as_of(date) {
    const auto& registers = program.plan_registers;
    plan_numbers.resize(registers.count);
    plan_scalars.resize(registers.count);
    for (auto [r, c] : registers.constants) {
      plan_numbers[r] = program.constants[c].number;
      plan_scalars[r] = program.constants[c].scalar;
    }
    bind(date);
  }

  // Binds every parameter and schedule to the value in force on `date`.
  void bind(Date date) {
    as_of = date;
    forget_independent_values();
    parameters.clear();
    unbound_reasons.clear();
    schedules.clear();
    for (const auto& schedule : program.schedules) {
      const detail::ScheduleVersion* in_force = nullptr;
      for (const auto& version : schedule.versions)
        if (!(date < version.from)) in_force = &version;
      schedules.push_back(in_force);
    }
    bind_plans(date);
    for (const auto& parameter : program.parameters) {
      const detail::ParameterStep* in_force = nullptr;
      for (const auto& step : parameter.steps)
        if (!step.from || !(as_of < *step.from)) in_force = &step;
      if (in_force) {
        parameters.push_back(in_force->value);
        unbound_reasons.emplace_back();
      } else {
        parameters.push_back(std::nullopt);
        unbound_reasons.push_back(fmt::format("parameter `{}` has no value on {}: its first value applies from {}",
                                              parameter.info.name, as_of.to_string(),
                                              parameter.steps.front().from->to_string()));
      }
    }
  }

  void bind_plans(Date date) {
    std::vector<const Value*> bound(program.parameters.size(), nullptr);
    for (std::size_t p = 0; p < program.parameters.size(); ++p)
      for (const auto& step : program.parameters[p].steps)
        if (!step.from || !(date < *step.from)) bound[p] = &step.value;
    for (auto [r, p] : program.plan_registers.parameters)
      if (bound[p]) {
        plan_numbers[r] = bound[p]->number;
        plan_scalars[r] = bound[p]->scalar;
      }
    plan_usable.clear();
    for (const auto& entity : program.entities)
      for (const auto& rule : entity.rules) {
        bool usable = !rule.plan.steps.empty();
        for (std::uint32_t p : rule.plan.parameters) usable = usable && bound[p];
        plan_usable.push_back(usable);
      }
    plan_running.assign(plan_usable.size(), 0);
  }

  void forget_independent_values() {
    std::size_t rules = 0;
    for (const auto& entity : program.entities) rules += entity.rules.size();
    independent_values.resize(rules);
    independent_known.assign(rules, 0);
    batch_independents_known = false;
  }

  // ---- building the instance tree ----
  std::uint32_t add_instance(int entity, const EntityRecord* record, std::uint32_t parent) {
    const auto& e = program.entities[entity];
    if (record->inputs.size() != e.schema.inputs.size() || record->collections.size() != e.schema.collections.size())
      throw std::invalid_argument(fmt::format("a record of {} must have {} inputs and {} collections (use Policy::empty_record)",
                                              e.schema.name, e.schema.inputs.size(), e.schema.collections.size()));
    Instance instance{entity, record, parent, static_cast<std::uint32_t>(ranges.size()), rules_used};
    ranges.resize(ranges.size() + e.schema.collections.size());
    rules_used += static_cast<std::uint32_t>(e.rules.size());
    if (rule_values.size() < rules_used) rule_values.resize(rules_used);
    rule_state.resize(rules_used, RuleState::Pending);
    instances.push_back(instance);
    return static_cast<std::uint32_t>(instances.size() - 1);
  }

  // Members of one collection are contiguous, so aggregates walk a plain index range.
  void expand(std::uint32_t index) {
    const int entity = instances[index].entity;
    const auto& schema = program.entities[entity].schema;
    for (std::size_t c = 0; c < schema.collections.size(); ++c) {
      const auto& members = instances[index].record->collections[c];
      const auto begin = static_cast<std::uint32_t>(instances.size());
      for (const auto& member : members) add_instance(schema.collections[c].entity, &member, index);
      ranges[instances[index].ranges_begin + c] = {begin, static_cast<std::uint32_t>(instances.size())};
    }
    for (std::size_t c = 0; c < schema.collections.size(); ++c) {
      auto [begin, end] = ranges[instances[index].ranges_begin + c];
      for (auto child = begin; child < end; ++child) expand(child);
    }
  }

  void reset(const Record& record) {
    const Date date = record.as_of.value_or(default_as_of);
    if (date != as_of) bind(date);
    instances.clear();
    ranges.clear();
    rules_used = 0;
    rule_state.clear();
    rule_stack.clear();
    frames.clear();
    if (!memo.empty()) memo.clear();  // clear() empties every bucket even when nothing is in them
    stack_base = static_cast<const char*>(__builtin_frame_address(0));
    steps = 0;
    if (limits.max_time.count()) started = std::chrono::steady_clock::now();
    add_instance(program.root_entity, &record.root, kNoNode);
    expand(0);
    if (limits.max_members && instances.size() > limits.max_members)
      throw Failure{fmt::format("the record has {} entity instances, more than the embedder's limit of {}",
                                instances.size(), limits.max_members),
                    kNoNode, "", SourceRange{}};
  }

  // ---- evaluation ----
  const Value& rule(std::uint32_t instance, std::uint32_t r) {
    const Instance& inst = instances[instance];
    const std::uint32_t slot = inst.rules_begin + r;
    if (rule_state[slot] == RuleState::Done) {
      if (trace) trace_rule(instance, r, rule_values[slot]).repeated = true;
      return rule_values[slot];
    }
    const auto& entity = program.entities[inst.entity];
    const detail::Rule& rule = entity.rules[r];
    // An explanation shows every rule's derivation, so it computes even these afresh; so does an
    // evaluation under step or time limits, so that what a record costs does not depend on the
    // records evaluated before it.
    const bool reuse = rule.record_independent && !trace && !counting;
    if (reuse && independent_known[entity.first_rule_id + r]) {
      assign(rule_values[slot], independent_values[entity.first_rule_id + r], rule.info.type);
      rule_state[slot] = RuleState::Done;
      return rule_values[slot];
    }
    rule_state[slot] = RuleState::Running;  // cycles are refused by the checker
    rule_stack.push_back(&rule);
    ExplanationNode* outer = trace;
    if (trace) trace = &trace_rule(instance, r, Value{});
    Value& value = rule_values[slot];
    // The plan is the fast path; explanations and step or time limits need the tree walker, which
    // also takes over whenever the plan gives up.
    const std::uint32_t id = entity.first_rule_id + r;
    bool planned = false;
    if (plan_usable[id] && !plan_running[id] && !trace && !counting) {
      plan_running[id] = 1;
      planned = run_plan(rule.plan, instance, value);
      plan_running[id] = 0;
    }
    if (!planned) evaluate_into_slot(rule.body, instance, rule.info.type, value);
    if (trace) {
      trace->value = value_text(rule.info.type, value);
      trace = outer;
    }
    rule_stack.pop_back();
    rule_state[slot] = RuleState::Done;
    if (reuse) {
      independent_values[entity.first_rule_id + r] = value;
      independent_known[entity.first_rule_id + r] = 1;
    }
    return value;
  }

  // Runs a rule's plan for `instance` into `target`. False when the plan gives up (see
  // eval/plan.hpp): the caller then evaluates the rule with the tree walker.
  bool run_plan(const detail::RulePlan& plan, std::uint32_t instance, Value& target) {
    using detail::PlanOp;
    Decimal* const number = plan_numbers.data();
    std::int64_t* const scalar = plan_scalars.data();
    const EntityRecord& record = *instances[instance].record;
    try {
      for (const detail::PlanStep* step = plan.steps.data();; ++step) {
        switch (step->op) {
          case PlanOp::InputNumber:
          case PlanOp::InputScalar: {
            const Value* value = record.inputs[step->a] ? &*record.inputs[step->a] : default_input(instance, step->a);
            if (!value) return false;
            if (step->op == PlanOp::InputNumber) number[step->d] = value->number;
            else scalar[step->d] = value->scalar;
            break;
          }
          case PlanOp::RuleNumber: number[step->d] = rule(instance, step->a).number; break;
          case PlanOp::RuleScalar: scalar[step->d] = rule(instance, step->a).scalar; break;
          case PlanOp::AsOf: scalar[step->d] = as_of.days(); break;
          case PlanOp::Add: number[step->d] = number[step->a] + number[step->b]; break;
          case PlanOp::Subtract: number[step->d] = number[step->a] - number[step->b]; break;
          case PlanOp::Multiply: number[step->d] = number[step->a] * number[step->b]; break;
          case PlanOp::Divide:
            if (number[step->b].is_zero()) return false;
            number[step->d] = Decimal::divide(number[step->a], number[step->b]);
            break;
          case PlanOp::Negate: number[step->d] = -number[step->a]; break;
          case PlanOp::Abs: number[step->d] = number[step->a].abs(); break;
          case PlanOp::Round:
            if (number[step->b].sign() <= 0) return false;
            number[step->d] = number[step->a].round_to(number[step->b], static_cast<RoundingMode>(step->aux));
            break;
          case PlanOp::Min:
            if (compare(number[step->b], number[step->a]) < 0) number[step->d] = number[step->b];
            else if (step->d != step->a) number[step->d] = number[step->a];
            break;
          case PlanOp::Max:
            if (compare(number[step->b], number[step->a]) > 0) number[step->d] = number[step->b];
            else if (step->d != step->a) number[step->d] = number[step->a];
            break;
          case PlanOp::CompareNumbers:
          case PlanOp::CompareScalars: {
            int c;
            if (step->op == PlanOp::CompareNumbers) {
              c = compare(number[step->a], number[step->b]);
            } else {
              const std::int64_t left = scalar[step->a], right = scalar[step->b];
              c = left < right ? -1 : left == right ? 0 : 1;
            }
            switch (static_cast<Op>(step->aux)) {
              case Op::Equal: scalar[step->d] = c == 0; break;
              case Op::NotEqual: scalar[step->d] = c != 0; break;
              case Op::Less: scalar[step->d] = c < 0; break;
              case Op::LessEqual: scalar[step->d] = c <= 0; break;
              case Op::Greater: scalar[step->d] = c > 0; break;
              default: scalar[step->d] = c >= 0; break;
            }
            break;
          }
          case PlanOp::Not: scalar[step->d] = !scalar[step->a]; break;
          case PlanOp::MoveNumber: number[step->d] = number[step->a]; break;
          case PlanOp::MoveScalar: scalar[step->d] = scalar[step->a]; break;
          case PlanOp::Jump: step = plan.steps.data() + step->a - 1; break;
          case PlanOp::JumpIfFalse:
            if (!scalar[step->a]) step = plan.steps.data() + step->b - 1;
            break;
          case PlanOp::GenericNumber: number[step->d] = num(step->a, instance); break;
          case PlanOp::GenericScalar: scalar[step->d] = scal(step->a, instance); break;
          case PlanOp::ReturnNumber: target.number = number[step->a]; return true;  // a copy: a constant's register stays
          case PlanOp::ReturnScalar: target.scalar = scalar[step->a]; return true;
        }
      }
    } catch (const DecimalError&) {
      return false;  // an overflow: the tree walker reports it where it happens
    }
  }

  // The value of input i of `instance` when the record does not give it: its default, or null.
  const Value* default_input(std::uint32_t instance, std::uint32_t i) const {
    const auto& entity = program.entities[instances[instance].entity];
    if (!entity.schema.inputs[i].has_default) return nullptr;
    return &entity.input_defaults[i];
  }

  // Sets only the member of `target` that a value of `type` uses: the others may hold what an
  // earlier record left there, which no reader of a `type` value looks at.
  static void assign(Value& target, const Value& source, const Type& type) {
    if (type.is_series()) target.series = source.series;
    else if (type.is_numeric()) target.number = source.number;
    else if (type.kind == TypeKind::Text) target.text = source.text;
    else target.scalar = source.scalar;
  }

  // Evaluates node `n` (of type `type`) into `target`, through the typed paths where they apply.
  void evaluate_into_slot(std::uint32_t n, std::uint32_t instance, const Type& type, Value& target) {
    if (type.is_series() || type.kind == TypeKind::Text) {
      Value value = eval(n, instance);
      assign(target, value, type);
    } else if (type.is_numeric()) {
      target.number = num(n, instance);
    } else {
      target.scalar = scal(n, instance);
    }
  }

  ExplanationNode& trace_rule(std::uint32_t instance, std::uint32_t r, const Value& value) {
    const auto& info = program.entities[instances[instance].entity].rules[r].info;
    std::string path = describe_instance(instance);
    auto& node = traced(info.is_requirement ? ExplanationNode::Kind::Requirement
                        : info.is_output     ? ExplanationNode::Kind::Output
                                             : ExplanationNode::Kind::Rule,
                        (path.empty() ? info.entity : path) + "." + info.name, info.type, value);
    node.citation = info.citation;
    node.location = info.declared_at;
    return node;
  }

  // `where`: the expression that reads the input, for the message when it is missing.
  Value input(std::uint32_t instance, std::uint32_t i, std::uint32_t where) {
    const Value& value = read_input(instance, i, where);
    if (trace) {
      const auto& schema = program.entities[instances[instance].entity].schema.inputs[i];
      auto& node = traced(ExplanationNode::Kind::Input, qualified(instance, schema.name), schema.type, value);
      node.location = schema.declared_at;
      if (!instances[instance].record->inputs[i]) node.note = "not given: the default";
    }
    return value;
  }

  const Value& read_input(std::uint32_t instance, std::uint32_t i, std::uint32_t where) {
    const Instance& inst = instances[instance];
    if (const auto& given = inst.record->inputs[i]) [[likely]] return *given;
    const auto& entity = program.entities[inst.entity];
    if (entity.schema.inputs[i].has_default) {
      if (entity.schema.inputs[i].type.is_series()) return empty_series;  // every period takes the default
      return entity.input_defaults[i];
    }
    std::string path = describe_instance(instance);
    throw Failure{fmt::format("missing input `{}`{} (it has no default){}", entity.schema.inputs[i].name,
                              path.empty() ? "" : " of " + path,
                              rule_stack.empty() ? "" : fmt::format(", needed by rule `{}.{}`",
                                                                    rule_stack.back()->info.entity,
                                                                    rule_stack.back()->info.name)),
                  where, entity.schema.name + "." + entity.schema.inputs[i].name,
                  entity.schema.inputs[i].declared_at};
  }

  const Value& context_input(std::uint32_t i) {
    const auto& entity = program.entities[program.context_entity];
    const auto& schema = entity.schema.inputs[i];
    if (context && i < context->inputs.size() && context->inputs[i]) return *context->inputs[i];
    if (schema.has_default) return schema.type.is_series() ? empty_series : entity.input_defaults[i];
    throw Failure{fmt::format("missing context value `{}` (it has no default){}: pass a context file with --context", schema.name,
                              rule_stack.empty() ? "" : fmt::format(", needed by rule `{}.{}`", rule_stack.back()->info.entity,
                                                                    rule_stack.back()->info.name)),
                  kNoNode, "context." + schema.name, schema.declared_at};
  }

  // "members[2]" for the second member; empty for the root.
  std::string describe_instance(std::uint32_t instance) const {
    const Instance& inst = instances[instance];
    if (inst.parent == kNoNode) return "";
    const Instance& parent = instances[inst.parent];
    const auto& schema = program.entities[parent.entity].schema;
    for (std::size_t c = 0; c < schema.collections.size(); ++c) {
      auto [begin, end] = ranges[parent.ranges_begin + c];
      if (instance >= begin && instance < end) {
        std::string outer = describe_instance(inst.parent);
        return (outer.empty() ? "" : outer + ".") + fmt::format("{}[{}]", schema.collections[c].name, instance - begin + 1);
      }
    }
    return "";
  }

  const Decimal& number(const Value& v) { return v.number; }

  // The generic path: any node, any type, with explanation tracing. num() and scal() below are the
  // typed paths for numbers and for booleans, dates, enumerations and periods: they return the
  // value itself rather than a whole Value, and hand the rarer operators (and everything while
  // explaining) to eval_node.
  // Evaluates node n with `compute`, counting it as a step under limits and turning an
  // arithmetic error into a Failure at the node: what every evaluation path does around a node.
  template <class Compute>
  auto at_node(std::uint32_t n, Compute&& compute) {
    const Node& node = program.nodes[n];
    if (counting) count_step(node);
    try {
      return compute(node);
    } catch (const DecimalError& error) {
      throw Failure{arithmetic_message(error), node.where, {}, {}};
    }
  }

  Value eval(std::uint32_t n, std::uint32_t instance) {
    return at_node(n, [&](const Node& node) { return eval_node(node, instance); });
  }

  Decimal num(std::uint32_t n, std::uint32_t instance) {
    return at_node(n, [&](const Node& node) -> Decimal {
      if (!trace) [[likely]] {
        switch (node.op) {
          case Op::Constant: return program.constants[node.a].number;
          case Op::Input: return read_input(instance, node.a, node.where).number;
          case Op::Rule: return rule(instance, node.a).number;
          case Op::Parameter: return parameter(node).number;
          case Op::Parent: return num(node.a, instances[instance].parent);
          case Op::Negate: return -num(node.a, instance);
          case Op::Abs: return num(node.a, instance).abs();
          // Operands are evaluated left to right (named, as C++ leaves the order of a call's
          // arguments open): an explanation lists reads in reading order.
          case Op::Add: { Decimal left = num(node.a, instance); return left + num(node.b, instance); }
          case Op::Subtract: { Decimal left = num(node.a, instance); return left - num(node.b, instance); }
          case Op::Multiply: { Decimal left = num(node.a, instance); return left * num(node.b, instance); }
          case Op::Divide: { Decimal left = num(node.a, instance); return Decimal::divide(left, num(node.b, instance)); }
          case Op::If: return truth(node.a, instance) ? num(node.b, instance) : num(node.c, instance);
          case Op::Min:
          case Op::Max: {
            Decimal best = num(program.arguments[node.a], instance);
            for (std::uint32_t i = 1; i < node.b; ++i) {
              Decimal next = num(program.arguments[node.a + i], instance);
              const int c = compare(next, best);
              if (node.op == Op::Min ? c < 0 : c > 0) best = std::move(next);
            }
            return best;
          }
          case Op::Round: return round(node, instance);
          case Op::Count:
          case Op::Sum: return sum_or_count(node, instance);
          case Op::Context: return context_input(node.a).number;
          case Op::Exceptions: return num(chosen_definition(node, instance), instance);
          default: break;
        }
      }
      return eval_node(node, instance).number;
    });
  }

  std::int64_t scal(std::uint32_t n, std::uint32_t instance) {
    return at_node(n, [&](const Node& node) -> std::int64_t {
      if (!trace) [[likely]] {
        switch (node.op) {
          case Op::Constant: return program.constants[node.a].scalar;
          case Op::Input: return read_input(instance, node.a, node.where).scalar;
          case Op::Rule: return rule(instance, node.a).scalar;
          case Op::Parameter: return parameter(node).scalar;
          case Op::Parent: return scal(node.a, instances[instance].parent);
          case Op::Not: return !truth(node.a, instance);
          case Op::And: return truth(node.a, instance) && truth(node.b, instance);
          case Op::Or: return truth(node.a, instance) || truth(node.b, instance);
          case Op::Equal: case Op::NotEqual: case Op::Less: case Op::LessEqual: case Op::Greater:
          case Op::GreaterEqual: return comparison(node, instance);
          case Op::If: return truth(node.a, instance) ? scal(node.b, instance) : scal(node.c, instance);
          case Op::Context: return context_input(node.a).scalar;
          case Op::AsOf: return as_of.days();
          case Op::Exceptions: return scal(chosen_definition(node, instance), instance);
          default: break;
        }
      }
      return eval_node(node, instance).scalar;
    });
  }

  const Value& parameter(const Node& node) {
    if (!parameters[node.a]) [[unlikely]] throw Failure{unbound_reasons[node.a], node.where, {}, {}};
    return *parameters[node.a];
  }

  Decimal round(const Node& node, std::uint32_t instance) {
    Decimal value = num(node.a, instance);
    Decimal unit = num(node.b, instance);
    if (unit.sign() <= 0)
      throw Failure{fmt::format("the unit of rounding must be greater than zero, but it is {}", unit.to_string()),
                    node.where, {}, {}};
    return value.round_to(unit, node.mode);
  }

  bool comparison(const Node& node, std::uint32_t instance) {
    int c;
    if (node.operand_type.is_numeric()) {
      Decimal left = num(node.a, instance);
      c = compare(left, num(node.b, instance));
    } else if (node.operand_type.kind == TypeKind::Text) {
      Value left = eval(node.a, instance);
      c = compare_values(left, eval(node.b, instance), node.operand_type);
    } else {
      const std::int64_t left = scal(node.a, instance), right = scal(node.b, instance);
      c = left < right ? -1 : left == right ? 0 : 1;
    }
    switch (node.op) {
      case Op::Equal: return c == 0;
      case Op::NotEqual: return c != 0;
      case Op::Less: return c < 0;
      case Op::LessEqual: return c <= 0;
      case Op::Greater: return c > 0;
      default: return c >= 0;
    }
  }

  static std::string arithmetic_message(const DecimalError& error) {
    switch (error.kind()) {
      case DecimalError::Kind::DivisionByZero: return "division by zero";
      case DecimalError::Kind::Overflow: return fmt::format("number too large: {}", error.what());
      default: return error.what();
    }
  }

  bool truth(std::uint32_t n, std::uint32_t instance) { return scal(n, instance) != 0; }

  int compare_values(const Value& a, const Value& b, const Type& type) const {
    if (type.is_numeric()) return compare(a.number, b.number);
    if (type.kind == TypeKind::Text) return a.text < b.text ? -1 : a.text == b.text ? 0 : 1;
    return a.scalar < b.scalar ? -1 : a.scalar == b.scalar ? 0 : 1;
  }

  Value eval_node(const Node& node, std::uint32_t instance) {
    switch (node.op) {
      case Op::Constant: return program.constants[node.a];
      case Op::Input: return input(instance, node.a, node.where);
      case Op::Rule: return rule(instance, node.a);
      case Op::Parameter: {
        const Value& value = parameter(node);
        if (trace) trace_parameter(node.a);
        return value;
      }
      case Op::Parent: return eval(node.a, instances[instance].parent);
      case Op::Negate: return Value::of_number(-num(node.a, instance));
      case Op::Not: return Value::of_bool(!truth(node.a, instance));
      case Op::Abs: return Value::of_number(num(node.a, instance).abs());
      case Op::Add:
      case Op::Subtract:
      case Op::Multiply:
      case Op::Divide: {
        Decimal left = num(node.a, instance);
        Decimal right = num(node.b, instance);
        return Value::of_number(node.op == Op::Add        ? left + right
                                : node.op == Op::Subtract ? left - right
                                : node.op == Op::Multiply ? left * right
                                                          : Decimal::divide(left, right));
      }
      case Op::Equal:
      case Op::NotEqual:
      case Op::Less:
      case Op::LessEqual:
      case Op::Greater:
      case Op::GreaterEqual: return Value::of_bool(comparison(node, instance));
      case Op::And: return Value::of_bool(truth(node.a, instance) && truth(node.b, instance));
      case Op::Or: return Value::of_bool(truth(node.a, instance) || truth(node.b, instance));
      case Op::If: return truth(node.a, instance) ? eval(node.b, instance) : eval(node.c, instance);
      case Op::Min:
      case Op::Max: {
        Value best = eval(program.arguments[node.a], instance);
        for (std::uint32_t i = 1; i < node.b; ++i) {
          Value next = eval(program.arguments[node.a + i], instance);
          int c = compare_values(next, best, node.type);
          if (node.op == Op::Min ? c < 0 : c > 0) best = std::move(next);
        }
        return best;
      }
      case Op::Round: return Value::of_number(round(node, instance));
      case Op::Count:
      case Op::Sum: return Value::of_number(sum_or_count(node, instance));
      case Op::AggregateMin:
      case Op::AggregateMax:
      case Op::Any:
      case Op::All: return aggregate(node, instance);
      case Op::Context: {
        const Value& value = context_input(node.a);
        if (trace) {
          const auto& schema = program.entities[program.context_entity].schema.inputs[node.a];
          traced(ExplanationNode::Kind::Context, "context." + schema.name, schema.type, value).location = schema.declared_at;
        }
        return value;
      }
      case Op::AsOf: return Value::of_date(as_of);
      case Op::SeriesAt: {
        Value series = eval(node.a, instance);
        return series_value(node, series, eval(node.b, instance).scalar);
      }
      case Op::SeriesTotal:
      case Op::SeriesAverage:
      case Op::SeriesLargest:
      case Op::SeriesSmallest:
      case Op::SeriesCount: return series_function(node, instance);
      case Op::PeriodOf: return Value::of_period(period_of(node.period, date_of(node.a, instance)));
      case Op::PeriodStart: return Value::of_date(period_start(node.period, scal(node.a, instance)));
      case Op::PeriodEnd: return Value::of_date(period_end(node.period, scal(node.a, instance)));
      case Op::DaysIn: return integer(days_in_period(node.period, scal(node.a, instance)));
      case Op::PeriodShift: {
        const std::int64_t period = scal(node.a, instance);
        const std::int64_t by = whole(num(node.b, instance), node);
        std::int64_t moved = 0;
        if (by > (std::int64_t{1} << 40) || by < -(std::int64_t{1} << 40) ||
            __builtin_add_overflow(period, node.negate ? -by : by, &moved))
          throw Failure{fmt::format("moving a period by {} leaves the calendar", by), node.where, {}, {}};
        return Value::of_period(moved);
      }
      case Op::AddDays:
      case Op::AddMonths:
      case Op::AddYears: {
        const Date date = date_of(node.a, instance);
        const std::int64_t by = whole(num(node.b, instance), node);
        std::optional<Date> moved = node.op == Op::AddDays ? add_days(date, by)
                                  : node.op == Op::AddMonths ? add_months(date, by)
                                                             : add_years(date, by, node.leap_day);
        if (!moved) {
          auto ymd = date.ymd();
          if (node.op == Op::AddYears && ymd.month == 2 && ymd.day == 29)
            throw Failure{fmt::format("{} plus {} year{} falls on 29 February of a year that has none", date.to_string(), by,
                                      by == 1 ? "" : "s"),
                          node.where, {}, {}};
          throw Failure{fmt::format("{} moved by {} is outside the calendar (years 1 to 9999)", date.to_string(), by),
                        node.where, {}, {}};
        }
        return Value::of_date(*moved);
      }
      case Op::PeriodDiff:
      case Op::DaysBetween:
      case Op::WeeksBetween:
      case Op::MonthsBetween:
      case Op::YearsBetween: {
        const std::int64_t first = scal(node.a, instance);
        const std::int64_t second = scal(node.b, instance);
        const auto date = [](std::int64_t days) { return Date::from_days(static_cast<std::int32_t>(days)); };
        switch (node.op) {
          case Op::PeriodDiff: return integer(first - second);
          case Op::DaysBetween: return integer(second - first);
          case Op::WeeksBetween: return integer((second - first) / 7);  // toward zero
          case Op::MonthsBetween: return integer(whole_months_between(date(first), date(second)));
          default: return integer(whole_years_between(date(first), date(second)));
        }
      }
      case Op::YearNumber: return integer(date_of(node.a, instance).ymd().year);
      case Op::MonthNumber: return integer(date_of(node.a, instance).ymd().month);
      case Op::DayOfMonth: return integer(date_of(node.a, instance).ymd().day);
      case Op::Schedule: return schedule(node, instance);
      case Op::Exceptions: return exceptions(node, instance);
      case Op::Call: return call(node, instance);
      case Op::Param: return frames.back()[node.a];
    }
    return Value{};
  }

  static Value integer(std::int64_t n) { return Value::of_number(Decimal::from_int(n)); }
  Date date_of(std::uint32_t n, std::uint32_t instance) {
    return Date::from_days(static_cast<std::int32_t>(scal(n, instance)));
  }

  std::int64_t whole(const Decimal& d, const Node& node) {
    auto n = d.to_int64();
    if (!n) throw Failure{fmt::format("{} is not a whole number of periods or days", d.to_string()), node.where, {}, {}};
    return *n;
  }

  void trace_parameter(std::uint32_t p) {
    const auto& parameter = program.parameters[p];
    auto& node = traced(ExplanationNode::Kind::Parameter, parameter.info.name, parameter.info.type, *parameters[p]);
    node.location = parameter.info.declared_at;
    node.citation = parameter.info.citation;
    for (const auto& step : parameter.info.steps)
      if (!step.from || !(as_of < *step.from)) {
        node.from = step.from;
        if (!step.citation.empty()) node.citation += (node.citation.empty() ? "" : "; ") + step.citation;
      }
  }

  const Value& series_value(const Node& node, const Value& series, std::int64_t period) {
    if (series.series) {
      auto it = series.series->find(period);
      if (it != series.series->end()) return it->second;
    }
    if (node.c != kNoNode) return program.constants[node.c];
    throw Failure{fmt::format("no value for {} (the input lists no such period and has no default)",
                              format_period(node.period, period)),
                  node.where, {}, {}};
  }

  Value series_function(const Node& node, std::uint32_t instance) {
    const auto* args = &program.arguments[node.a];
    Value series = eval(args[0], instance);
    std::int64_t from = eval(args[1], instance).scalar;
    std::int64_t to = eval(args[2], instance).scalar;
    if (node.within) {
      // args[1] == args[2]: one coarser period, of the type recorded on its own node.
      PeriodKind coarse = program.nodes[args[1]].type.period;
      from = period_of(node.period, period_start(coarse, from));
      to = period_of(node.period, period_end(coarse, to));
    }
    if (to < from)
      throw Failure{fmt::format("the periods run backwards: from {} to {}", format_period(node.period, from),
                                format_period(node.period, to)),
                    node.where, {}, {}};
    if (to - from > 100000) throw Failure{"too many periods in one range (more than 100,000)", node.where, {}, {}};
    const Type element = node.op == Op::SeriesCount ? program.nodes[args[3]].type : node.type;
    if (node.op == Op::SeriesCount) {
      Decimal above = eval(args[3], instance).number;
      std::int64_t count = 0;
      for (auto p = from; p <= to; ++p)
        if (compare(series_value(node, series, p).number, above) > 0) ++count;
      return integer(count);
    }
    if (node.op == Op::SeriesTotal || node.op == Op::SeriesAverage) {
      Decimal total;
      for (auto p = from; p <= to; ++p) total = total + series_value(node, series, p).number;
      if (node.op == Op::SeriesTotal) return Value::of_number(total);
      return Value::of_number(Decimal::divide(total, Decimal::from_int(to - from + 1)));
    }
    // largest / smallest, optionally the rank-th
    std::vector<Decimal> values;
    for (auto p = from; p <= to; ++p) values.push_back(series_value(node, series, p).number);
    std::int64_t rank = 1;
    if (node.b > 3) rank = whole(eval(args[3], instance).number, node);
    if (rank < 1 || rank > static_cast<std::int64_t>(values.size()))
      throw Failure{fmt::format("rank {} is outside the {} periods from {} to {}", rank, values.size(),
                                format_period(node.period, from), format_period(node.period, to)),
                    node.where, {}, {}};
    std::sort(values.begin(), values.end(), [&](const Decimal& x, const Decimal& y) {
      return node.op == Op::SeriesLargest ? compare(x, y) > 0 : compare(x, y) < 0;
    });
    (void)element;
    return Value::of_number(values[static_cast<std::size_t>(rank - 1)]);
  }

  Value schedule(const Node& node, std::uint32_t instance) {
    if (!trace) return schedule_value(node, instance, nullptr);
    std::string band;
    Value value = schedule_value(node, instance, &band);
    const auto& schedule = program.schedules[node.slot];
    auto& traced_node = traced(ExplanationNode::Kind::Schedule, schedule.info.name, schedule.info.result, value);
    traced_node.location = schedule.info.declared_at;
    traced_node.citation = schedule.info.citation;
    traced_node.note = band;
    if (const auto* version = schedules[node.slot]) {
      traced_node.from = version->from;
      for (const auto& v : schedule.info.versions)
        if (v.from == version->from && !v.citation.empty())
          traced_node.citation += (traced_node.citation.empty() ? "" : "; ") + v.citation;
    }
    return value;
  }

  Value schedule_value(const Node& node, std::uint32_t instance, std::string* band) {
    const auto& info = program.schedules[node.slot].info;
    const detail::ScheduleVersion* version = schedules[node.slot];
    if (!version)
      throw Failure{fmt::format("schedule `{}` has no version in force on {}: its first applies from {}", info.name,
                                as_of.to_string(), program.schedules[node.slot].versions.front().from.to_string()),
                    node.where, {}, {}};
    Value argument = eval(node.a, instance);
    Decimal x = info.argument.kind == TypeKind::Date ? Decimal::from_int(argument.scalar) : argument.number;
    const auto& bands = version->bands;
    if (info.marginal) {
      Decimal total;
      for (std::size_t i = 0; i < bands.size(); ++i) {
        if (compare(x, bands[i].threshold) <= 0) break;
        Decimal top = x;
        if (i + 1 < bands.size() && compare(bands[i + 1].threshold, x) < 0) top = bands[i + 1].threshold;
        total = total + (top - bands[i].threshold) * bands[i].value.number;
        if (band)
          *band += fmt::format("{}{} × ({} − {})", band->empty() ? "marginal: " : " + ",
                               value_text(Type{TypeKind::Rate}, bands[i].value), top.to_string(),
                               bands[i].threshold.to_string());
      }
      if (band) *band = fmt::format("of {}: {}", value_text(info.argument, argument), *band);
      return Value::of_number(total);
    }
    const detail::ScheduleBand* found = nullptr;
    for (const auto& band : bands) {
      int c = compare(x, band.threshold);
      if (band.inclusive ? c >= 0 : c > 0) found = &band;
      else break;
    }
    if (!found)
      throw Failure{fmt::format("{} is below the first band of schedule `{}`",
                                format_value(info.argument, argument, program.enums), info.name),
                    node.where, {}, {}};
    if (band)
      *band = fmt::format("{} is in the band {} {}", value_text(info.argument, argument),
                          found->inclusive ? "at or above" : "above",
                          info.argument.kind == TypeKind::Date
                              ? Date::from_days(static_cast<std::int32_t>(*found->threshold.to_int64())).to_string()
                              : value_text(info.argument, Value::of_number(found->threshold)));
    return found->value;
  }

  // The memo key: the function and its arguments' values (values carry no type tag; every field
  // that can hold one is part of the key).
  static void append_key(std::string& key, const Value& v) {
    key += v.number.to_string();
    key += '|';
    key += std::to_string(v.scalar);
    key += '|';
    key += v.text;
    key += '|';
    key += std::to_string(reinterpret_cast<std::uintptr_t>(v.series.get()));
    key += ';';
  }

  Value call(const Node& node, std::uint32_t instance) {
    const auto& function = program.functions[node.slot];
    std::vector<Value> arguments;
    arguments.reserve(node.b);
    std::string key = std::to_string(node.slot) + ':';
    for (std::uint32_t i = 0; i < node.b; ++i) {
      arguments.push_back(eval(program.arguments[node.a + i], instance));
      append_key(key, arguments.back());
    }
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    const char* here = static_cast<const char*>(__builtin_frame_address(0));
    if (frames.size() >= kMaxCallDepth || (stack_base && stack_base - here > kStackBudget))
      throw Failure{fmt::format("`{}` calls itself too deeply ({} calls): does it reach a case that does not call it?",
                                function.name, frames.size()),
                    node.where, {}, {}};
    frames.push_back(std::move(arguments));
    Value result = eval(function.body, instance);
    frames.pop_back();
    memo.emplace(std::move(key), result);
    return result;
  }

  // The index among node's exceptions of the one that applies; -1 when none does.
  std::int64_t applicable_exception(const Node& node, std::uint32_t instance) {
    const auto* triples = &program.arguments[node.b];
    std::int64_t applies = -1;
    for (std::uint32_t i = 0; i < node.c; ++i) {
      if (!truth(triples[3 * i], instance)) continue;
      if (applies >= 0)
        throw Failure{fmt::format("two exceptions apply and neither is over the other: {} and {}",
                                  program.constants[triples[3 * applies + 2]].text, program.constants[triples[3 * i + 2]].text),
                      node.where, {}, {}};
      applies = i;
    }
    return applies;
  }

  // The node whose value the Exceptions node takes: the applicable exception's, or the base's.
  std::uint32_t chosen_definition(const Node& node, std::uint32_t instance) {
    const std::int64_t applies = applicable_exception(node, instance);
    return applies >= 0 ? program.arguments[node.b + 3 * static_cast<std::uint32_t>(applies) + 1] : node.a;
  }

  Value exceptions(const Node& node, std::uint32_t instance) {
    const auto* triples = &program.arguments[node.b];
    const std::int64_t applies = applicable_exception(node, instance);
    if (trace) {
      ExplanationNode note;
      note.kind = ExplanationNode::Kind::Exception;
      note.name = applies >= 0             ? program.constants[triples[3 * applies + 2]].text
                  : node.slot == kNoNode ? "the general rule"
                                         : "so " + program.constants[node.slot].text + " stands";
      note.note = applies >= 0 ? "this exception applies"
                  : node.slot == kNoNode ? "no exception applies"
                                         : "no exception over it applies";
      trace->children.push_back(std::move(note));
    }
    if (applies >= 0) return eval(triples[3 * applies + 1], instance);
    return eval(node.a, instance);
  }

  Decimal sum_or_count(const Node& node, std::uint32_t instance) {
    auto [begin, end] = ranges[instances[instance].ranges_begin + node.slot];
    if (node.op == Op::Count) {
      std::int64_t count = 0;
      for (auto member = begin; member < end; ++member)
        if (node.b == kNoNode || truth(node.b, member)) ++count;
      return Decimal::from_int(count);
    }
    Decimal total;
    for (auto member = begin; member < end; ++member)
      if (node.b == kNoNode || truth(node.b, member)) total = total + num(node.a, member);
    return total;
  }

  // min, max, any and all over a collection (count and sum: sum_or_count).
  Value aggregate(const Node& node, std::uint32_t instance) {
    auto [begin, end] = ranges[instances[instance].ranges_begin + node.slot];
    std::optional<Value> best;
    for (auto member = begin; member < end; ++member) {
      if (node.b != kNoNode && !truth(node.b, member)) continue;
      switch (node.op) {
        case Op::Any:
          if (node.a == kNoNode || truth(node.a, member)) return Value::of_bool(true);
          break;
        case Op::All:
          if (!truth(node.a, member)) return Value::of_bool(false);
          break;
        default: {
          Value v = eval(node.a, member);
          if (!best) {
            best = std::move(v);
          } else {
            int c = compare_values(v, *best, node.type);
            if (node.op == Op::AggregateMin ? c < 0 : c > 0) best = std::move(v);
          }
        }
      }
    }
    switch (node.op) {
      case Op::Any: return Value::of_bool(false);
      case Op::All: return Value::of_bool(true);
      default:
        if (!best)
          throw Failure{fmt::format("{} of no members: the list is empty{}", node.op == Op::AggregateMin ? "min" : "max",
                                    node.b != kNoNode ? " or no member matches the condition" : ""),
                        node.where, {}, {}};
        return *best;
    }
  }

  EvaluationError to_error(const Record& record, const Failure& failure) const {
    EvaluationError error;
    error.record_id = record.id;
    error.message = failure.message;
    if (!failure.rule.empty()) error.rule = failure.rule;
    else if (!rule_stack.empty()) error.rule = rule_stack.back()->info.entity + "." + rule_stack.back()->info.name;
    error.location = failure.where != kNoNode ? program.locations[failure.where] : failure.location;
    return error;
  }

  // Every `require` of every instance must hold before any output counts.
  void check_requirements() {
    for (std::uint32_t instance = 0; instance < instances.size(); ++instance) {
      const auto& entity = program.entities[instances[instance].entity];
      for (std::uint32_t r : entity.requirements) {
        if (rule(instance, r).as_bool()) continue;
        const auto& info = entity.rules[r].info;
        std::string path = describe_instance(instance);
        throw Failure{fmt::format("requirement `{}.{}` does not hold{}{}", info.entity, info.name,
                                  path.empty() ? "" : " for " + path, info.citation.empty() ? "" : " (" + info.citation + ")"),
                      kNoNode, info.entity + "." + info.name, info.declared_at};
      }
    }
  }

  // Evaluates the rule each expectation of an inline test names; nullopt on success.
  std::optional<EvaluationError> evaluate_expectations(const detail::InlineTest& test, std::vector<Value>& out) {
    try {
      reset(test.record);
      check_requirements();
      out.clear();
      for (const auto& e : test.expectations) {
        std::uint32_t instance = 0;
        if (e.collection >= 0) {
          auto [begin, end] = ranges[instances[0].ranges_begin + static_cast<std::uint32_t>(e.collection)];
          if (static_cast<std::uint32_t>(e.position) > end - begin)
            throw Failure{fmt::format("`{}` names member {} of {}", e.output, e.position, end - begin), kNoNode, e.output,
                          e.location};
          instance = begin + static_cast<std::uint32_t>(e.position) - 1;
        }
        out.push_back(rule(instance, static_cast<std::uint32_t>(e.rule)));
      }
      if (test.expected_error)  // the error may come from any output
        for (auto [entity, r] : program.output_rules)
          for (std::uint32_t instance = 0; instance < instances.size(); ++instance)
            if (instances[instance].entity == entity) rule(instance, static_cast<std::uint32_t>(r));
      return std::nullopt;
    } catch (const Failure& failure) {
      return to_error(test.record, failure);
    }
  }
};

Evaluator::Evaluator(const Policy& policy, Date as_of)
    : state_(std::make_unique<State>(policy.program(), as_of)) {}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

Date Evaluator::as_of() const noexcept { return state_->default_as_of; }

void Evaluator::set_context(EntityRecord context) {
  state_->context = std::move(context);
  state_->forget_independent_values();
}

void Evaluator::set_limits(const EvaluationLimits& limits) {
  state_->limits = limits;
  state_->counting = limits.max_steps || limits.max_time.count();
}

void Evaluator::evaluate_batch(std::span<const Record> records, std::span<Outcome> out) {
  if (out.size() < records.size())
    throw std::invalid_argument(fmt::format("evaluate_batch: {} records but room for {} outcomes", records.size(), out.size()));
  State& state = *state_;
  // Blocks of records through the batch plan when the policy has one and nothing needs the
  // one-record evaluator's bookkeeping (limits); records it cannot finish are evaluated one by one.
  if (records.size() > 1 && state.batch_ready()) {
    constexpr std::size_t kBlock = detail::BatchEvaluator::kBlock;
    bool active[kBlock];
    std::uint8_t complete[kBlock];
    for (std::size_t begin = 0; begin < records.size();) {
      const std::size_t count = state.batch->gather(records.subspan(begin), state.default_as_of, active);
      state.batch->compute(records.data() + begin, active, count);
      state.batch->complete(count, complete);
      for (std::size_t l = 0; l < count; ++l) {
        if (active[l] && complete[l]) state.batch->write(l, out[begin + l]);
        else evaluate_into(records[begin + l], out[begin + l]);
      }
      begin += count;
    }
    return;
  }
  for (std::size_t i = 0; i < records.size(); ++i) evaluate_into(records[i], out[i]);
}

bool Evaluator::State::batch_ready() {
  if (!program.batch_plan || counting || limits.max_members) return false;
  if (!batch) batch = std::make_unique<detail::BatchEvaluator>(program, *program.batch_plan);
  if (as_of != default_as_of) bind(default_as_of);
  if (!batch->bind(parameters, default_as_of)) return false;
  if (!batch_independents_known) {
    batch_independents_ok = compute_batch_independents();
    batch_independents_known = true;
  }
  return batch_independents_ok;
}

// Evaluates each of the plan's record-independent values once, for an instance of its domain in
// a household of empty records (they read nothing of it), with the one-record evaluator.
bool Evaluator::State::compute_batch_independents() {
  const auto& plan = *program.batch_plan;
  if (plan.independents.empty()) return true;
  auto empty = [&](int entity) {
    const auto& schema = program.entities[static_cast<std::size_t>(entity)].schema;
    EntityRecord record;
    record.inputs.resize(schema.inputs.size());
    record.collections.resize(schema.collections.size());
    return record;
  };
  Record household;
  household.root = empty(program.root_entity);
  for (std::size_t k = 1; k < plan.domains.size(); ++k)
    household.root.collections[static_cast<std::size_t>(plan.domains[k].collection)].push_back(empty(plan.domains[k].entity));
  try {
    reset(household);
    for (std::size_t i = 0; i < plan.independents.size(); ++i) {
      const auto [reg, node] = plan.independents[i];
      const std::uint8_t domain = plan.register_domain[reg];
      std::uint32_t instance = 0;
      if (domain != 0)
        instance = ranges[instances[0].ranges_begin + static_cast<std::uint32_t>(plan.domains[domain].collection)].first;
      batch->set_independent(i, eval(node, instance));
    }
  } catch (const Failure&) {
    return false;
  }
  return true;
}

void Evaluator::evaluate_columns(const RecordColumns& in, OutcomeColumns& out) {
  State& state = *state_;
  const auto& program = state.program;
  if (&in.policy().program() != &program)
    throw std::invalid_argument("evaluate_columns: the columns were made for another policy");
  const std::size_t rows = in.rows();
  out.outputs.resize(program.outputs.size());
  for (std::size_t o = 0; o < program.outputs.size(); ++o) {
    Column& column = out.outputs[o];
    column.type = program.outputs[o].type;
    if (column.type.is_numeric()) column.numbers.resize(rows);
    else if (column.type.kind == TypeKind::Text) column.texts.resize(rows);
    else column.scalars.resize(rows);
    column.present.assign(rows, 0);
  }
  out.ok.assign(rows, 0);
  out.errors.clear();

  Outcome scratch;
  auto one_by_one = [&](std::size_t row) {
    evaluate_into(in.record(row), scratch);
    if (!scratch.ok) {
      out.errors.emplace_back(row, *scratch.error);
      return;
    }
    out.ok[row] = 1;
    for (std::size_t o = 0; o < program.outputs.size(); ++o) {
      if (program.outputs[o].entity != program.root_entity) continue;  // households from columns have no members
      Column& column = out.outputs[o];
      const Value& value = scratch.outputs[o];
      if (column.type.is_numeric()) column.numbers[row] = value.number;
      else if (column.type.kind == TypeKind::Text) column.texts[row] = value.text;
      else column.scalars[row] = value.scalar;
      column.present[row] = 1;
    }
  };
  if (!state.batch_ready()) {
    for (std::size_t row = 0; row < rows; ++row) one_by_one(row);
    return;
  }
  constexpr std::size_t kBlock = detail::BatchEvaluator::kBlock;
  const auto& batch = *state.batch;
  for (std::size_t begin = 0; begin < rows; begin += kBlock) {
    const std::size_t count = std::min(kBlock, rows - begin);
    state.batch->compute(detail::BatchEvaluator::ColumnSource{&in.columns(), begin}, count);
    std::uint8_t* const ok = out.ok.data() + begin;
    batch.complete(count, ok);
    for (std::size_t o = 0; o < program.outputs.size(); ++o) {
      Column& column = out.outputs[o];
      std::uint8_t* const present = column.present.data() + begin;
      if (column.type.is_numeric()) {
        Decimal* const numbers = column.numbers.data() + begin;
        for (std::size_t l = 0; l < count; ++l)
          if (ok[l]) numbers[l] = batch.number(o, l), present[l] = 1;
      } else {
        std::int64_t* const scalars = column.scalars.data() + begin;
        for (std::size_t l = 0; l < count; ++l)
          if (ok[l]) scalars[l] = batch.scalar(o, l), present[l] = 1;
      }
    }
    for (std::size_t l = 0; l < count; ++l)
      if (!ok[l]) one_by_one(begin + l);
  }
}

Outcome Evaluator::evaluate(const Record& record) {
  Outcome outcome;
  evaluate_into(record, outcome);
  return outcome;
}

// Fills `outcome` in place, so that a caller evaluating many records reuses its vectors.
void Evaluator::evaluate_into(const Record& record, Outcome& outcome) {
  State& state = *state_;
  const auto& program = state.program;
  if (!state.outputs_known) {
    state.outputs_known = true;
    // Which outputs are on the household and which on members: fixed by the program, so found once.
    for (std::size_t o = 0; o < program.output_rules.size(); ++o) {
      auto [e, r] = program.output_rules[o];
      if (e == program.root_entity) {
        state.root_rules.push_back(r);
        state.root_slots.push_back(o);
      } else {
        state.member_outputs = true;
      }
    }
  }
  outcome.ok = false;
  outcome.error.reset();
  try {
    state.reset(record);
    state.check_requirements();
    outcome.outputs.resize(program.outputs.size());
    for (std::size_t i = 0; i < state.root_slots.size(); ++i) {
      const std::size_t slot = state.root_slots[i];
      State::assign(outcome.outputs[slot], state.rule(0, static_cast<std::uint32_t>(state.root_rules[i])),
                    program.outputs[slot].type);
    }
    std::size_t members = 0;
    if (state.member_outputs) {
      // The outcome's MemberOutcomes are reused from record to record, like its outputs.
      for (std::uint32_t instance = 1; instance < state.instances.size(); ++instance) {
        if (state.instances[instance].parent != 0) continue;
        const int entity = state.instances[instance].entity;
        bool any = false;
        for (std::size_t o = 0; o < program.output_rules.size() && !any; ++o) any = program.output_rules[o].first == entity;
        if (!any) continue;
        if (members == outcome.members.size()) outcome.members.emplace_back();
        MemberOutcome& member = outcome.members[members++];
        member.entity = entity;
        member.path = state.describe_instance(instance);
        member.outputs.resize(program.outputs.size());
        for (std::size_t o = 0; o < program.output_rules.size(); ++o) {
          auto [e, r] = program.output_rules[o];
          if (e == entity)
            State::assign(member.outputs[o], state.rule(instance, static_cast<std::uint32_t>(r)), program.outputs[o].type);
        }
      }
    }
    outcome.members.resize(members);
  } catch (const Failure& failure) {
    outcome.error = state.to_error(record, failure);
    outcome.outputs.clear();
    outcome.members.clear();
    return;
  }
  outcome.ok = true;
}

Explanation explain(const Policy& policy, const Record& record, Date as_of, const EntityRecord* context,
                    std::string_view output, std::string_view member) {
  const auto& program = policy.program();
  std::vector<std::size_t> selected;
  for (std::size_t o = 0; o < program.outputs.size(); ++o)
    if (output.empty() || program.outputs[o].name == output) selected.push_back(o);
  if (selected.empty()) throw std::invalid_argument(fmt::format("the policy has no output `{}`", output));
  Evaluator::State state(program, as_of);
  if (context) state.context = *context;
  Explanation explanation;
  explanation.record_id = record.id;
  ExplanationNode root;
  try {
    state.reset(record);
    explanation.as_of = state.as_of;
    if (output.empty()) state.trace = &root;  // requirements belong to the whole record
    state.check_requirements();
    state.trace = &root;
    bool member_found = member.empty();
    for (std::size_t o : selected) {
      auto [entity, r] = program.output_rules[o];
      for (std::uint32_t instance = 0; instance < state.instances.size(); ++instance) {
        if (state.instances[instance].entity != entity) continue;
        if (instance != 0 && !member.empty() && state.describe_instance(instance) != member) continue;
        if (instance != 0) member_found = true;
        state.rule(instance, static_cast<std::uint32_t>(r));
      }
    }
    if (!member_found) throw std::invalid_argument(fmt::format("record `{}` has no member {}", record.id, member));
  } catch (const Failure& failure) {
    explanation.error = state.to_error(record, failure);
  }
  explanation.outputs = std::move(root.children);
  return explanation;
}

std::vector<TestResult> run_inline_tests(const Policy& policy) {
  std::vector<TestResult> results;
  const auto& program = policy.program();
  for (const auto& test : program.tests) {
    TestResult result;
    result.name = test.name;
    result.location = test.location;
    Evaluator::State state(program, test.as_of);
    if (test.context) state.context = test.context;
    std::vector<Value> values;
    if (test.expected_error) {
      auto error = state.evaluate_expectations(test, values);
      if (!error)
        result.failures.push_back(fmt::format("{}:{}: expected the evaluation to fail with \"{}\", but it succeeded",
                                              test.location.file, test.location.begin.line, *test.expected_error));
      else if (error->message.find(*test.expected_error) == std::string::npos)
        result.failures.push_back(fmt::format("{}:{}: expected an error containing \"{}\", got: {}", test.location.file,
                                              test.location.begin.line, *test.expected_error, error->message));
    } else if (auto error = state.evaluate_expectations(test, values)) {
      result.failures.push_back(fmt::format("{}:{}:{}: evaluation failed in {}: {}", error->location.file,
                                            error->location.begin.line, error->location.begin.column, error->rule,
                                            error->message));
    } else {
      for (std::size_t i = 0; i < test.expectations.size(); ++i) {
        const auto& e = test.expectations[i];
        if (state.compare_values(values[i], e.value, e.type) == 0) continue;
        std::string failure = fmt::format("{}:{}: expected {} = {}, got {}", e.location.file, e.location.begin.line,
                                          e.output, format_value(e.type, e.value, program.enums),
                                          format_value(e.type, values[i], program.enums));
        if (e.type.is_numeric())
          failure += fmt::format(" (difference {})", format_value(e.type, Value::of_number(values[i].number - e.value.number),
                                                                  program.enums));
        result.failures.push_back(std::move(failure));
      }
    }
    result.passed = result.failures.empty();
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace pol
