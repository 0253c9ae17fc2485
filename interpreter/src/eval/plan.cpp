#include "eval/plan.hpp"

#include <algorithm>
#include <map>

namespace pol::eval {
namespace {

using detail::Node;
using detail::Op;
using detail::PlanOp;
using detail::PlanStep;

bool in_register(const Type& type) { return !type.is_series() && type.kind != TypeKind::Text; }

class Planner {
 public:
  explicit Planner(detail::Program& program) : program_(program) {}

  detail::RulePlan plan(std::uint32_t body, const Type& type) {
    detail::RulePlan plan;
    if (!in_register(type)) return plan;
    steps_.clear();
    parameters_.clear();
    unplannable_ = false;
    const std::uint32_t result = emit(body);
    push(type.is_numeric() ? PlanOp::ReturnNumber : PlanOp::ReturnScalar, 0, result);
    if (unplannable_) return plan;
    plan.steps = std::move(steps_);
    plan.parameters = parameters_;
    return plan;
  }

 private:
  std::uint32_t fresh() { return program_.plan_registers.count++; }
  std::size_t push(PlanOp op, std::uint32_t d, std::uint32_t a = 0, std::uint32_t b = 0, std::uint8_t aux = 0) {
    steps_.push_back(PlanStep{op, aux, d, a, b});
    return steps_.size() - 1;
  }
  std::uint32_t here() const { return static_cast<std::uint32_t>(steps_.size()); }

  // The register holding a constant or a parameter (`index` into `registers`' kind): one per
  // program, shared by every plan, listed in `filled` for the evaluator to fill.
  std::uint32_t shared_register(std::map<std::uint32_t, std::uint32_t>& registers,
                                std::vector<std::pair<std::uint32_t, std::uint32_t>>& filled, std::uint32_t index) {
    auto [it, added] = registers.try_emplace(index, 0);
    if (added) {
      it->second = fresh();
      filled.emplace_back(it->second, index);
    }
    return it->second;
  }

  // Emits the steps computing node n (of a number or scalar type); returns its register.
  std::uint32_t emit(std::uint32_t n) {
    const Node& node = program_.nodes[n];
    const bool number = node.type.is_numeric();
    if (!in_register(node.type)) unplannable_ = true;  // not reached by a checked program; kept safe
    switch (node.op) {
      case Op::Constant: return shared_register(constant_registers_, program_.plan_registers.constants, node.a);
      case Op::Parameter:
        if (std::find(parameters_.begin(), parameters_.end(), node.a) == parameters_.end()) parameters_.push_back(node.a);
        return shared_register(parameter_registers_, program_.plan_registers.parameters, node.a);
      default: break;
    }
    const std::uint32_t d = fresh();
    switch (node.op) {
      case Op::Input:
        push(number ? PlanOp::InputNumber : PlanOp::InputScalar, d, node.a);
        return d;
      case Op::Rule:
        push(number ? PlanOp::RuleNumber : PlanOp::RuleScalar, d, node.a);
        return d;
      case Op::AsOf:
        push(PlanOp::AsOf, d);
        return d;
      case Op::Add: case Op::Subtract: case Op::Multiply: case Op::Divide: {
        const std::uint32_t left = emit(node.a);
        const std::uint32_t right = emit(node.b);
        const PlanOp op = node.op == Op::Add        ? PlanOp::Add
                          : node.op == Op::Subtract ? PlanOp::Subtract
                          : node.op == Op::Multiply ? PlanOp::Multiply
                                                    : PlanOp::Divide;
        push(op, d, left, right);
        return d;
      }
      case Op::Negate: case Op::Abs:
        push(node.op == Op::Negate ? PlanOp::Negate : PlanOp::Abs, d, emit(node.a));
        return d;
      case Op::Round: {
        const std::uint32_t value = emit(node.a);
        const std::uint32_t unit = emit(node.b);
        push(PlanOp::Round, d, value, unit, static_cast<std::uint8_t>(node.mode));
        return d;
      }
      case Op::Min: case Op::Max: {
        if (!number || node.b < 2) break;
        const PlanOp op = node.op == Op::Min ? PlanOp::Min : PlanOp::Max;
        const std::uint32_t first = emit(program_.arguments[node.a]);
        push(op, d, first, emit(program_.arguments[node.a + 1]));
        for (std::uint32_t i = 2; i < node.b; ++i) push(op, d, d, emit(program_.arguments[node.a + i]));
        return d;
      }
      case Op::Equal: case Op::NotEqual: case Op::Less: case Op::LessEqual: case Op::Greater: case Op::GreaterEqual: {
        if (!in_register(node.operand_type)) break;  // texts are compared by the tree walker
        const std::uint32_t left = emit(node.a);
        const std::uint32_t right = emit(node.b);
        push(node.operand_type.is_numeric() ? PlanOp::CompareNumbers : PlanOp::CompareScalars, d, left, right,
             static_cast<std::uint8_t>(node.op));
        return d;
      }
      case Op::Not:
        push(PlanOp::Not, d, emit(node.a));
        return d;
      case Op::And: case Op::Or: {
        // a and b: d = a; if not d, done; d = b.   a or b: d = a; if not (not d), done; d = b.
        push(PlanOp::MoveScalar, d, emit(node.a));
        std::uint32_t test = d;
        if (node.op == Op::Or) {
          test = fresh();
          push(PlanOp::Not, test, d);
        }
        const std::size_t skip = push(PlanOp::JumpIfFalse, 0, test);
        push(PlanOp::MoveScalar, d, emit(node.b));
        steps_[skip].b = here();
        return d;
      }
      case Op::If: {
        if (!in_register(node.type)) break;
        const PlanOp move = number ? PlanOp::MoveNumber : PlanOp::MoveScalar;
        const std::size_t to_else = push(PlanOp::JumpIfFalse, 0, emit(node.a));
        push(move, d, emit(node.b));
        const std::size_t to_end = push(PlanOp::Jump, 0);
        steps_[to_else].b = here();
        push(move, d, emit(node.c));
        steps_[to_end].a = here();
        return d;
      }
      default: break;
    }
    push(number ? PlanOp::GenericNumber : PlanOp::GenericScalar, d, n);
    return d;
  }

  detail::Program& program_;
  std::vector<PlanStep> steps_;
  std::vector<std::uint32_t> parameters_;
  std::map<std::uint32_t, std::uint32_t> constant_registers_, parameter_registers_;
  bool unplannable_ = false;
};

}  // namespace

void plan_rules(detail::Program& program) {
  Planner planner(program);
  for (auto& entity : program.entities)
    for (auto& rule : entity.rules) rule.plan = planner.plan(rule.body, rule.info.type);
}

}  // namespace pol::eval
