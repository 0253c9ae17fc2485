#include "eval/batch_plan.hpp"

#include <map>

namespace pol::detail {
namespace {

class BatchPlanner {
 public:
  explicit BatchPlanner(const Program& program)
      : program_(program), root_(program.entities[static_cast<std::size_t>(program.root_entity)]) {}

  std::optional<BatchPlan> run() {
    for (std::size_t e = 0; e < program_.entities.size(); ++e)
      if (static_cast<int>(e) != program_.root_entity && !program_.entities[e].requirements.empty()) return std::nullopt;
    for (auto [entity, rule] : program_.output_rules) {
      if (entity != program_.root_entity) return std::nullopt;
      plan_.outputs.push_back(rule_register(static_cast<std::uint32_t>(rule)));
    }
    for (std::uint32_t r : root_.requirements) plan_.requirements.push_back(rule_register(r));
    if (refused_) return std::nullopt;
    return std::move(plan_);
  }

 private:
  std::uint32_t fresh() { return plan_.registers++; }
  void push(BatchOp op, std::uint32_t d, std::uint32_t a = 0, std::uint32_t b = 0, std::uint32_t c = 0,
            std::uint8_t aux = 0) {
    plan_.steps.push_back(BatchStep{op, aux, d, a, b, c});
  }

  // The register of root rule r, planning the rule (and the rules it reads) on first use.
  std::uint32_t rule_register(std::uint32_t r) {
    if (auto it = rules_.find(r); it != rules_.end()) return it->second;
    const Rule& rule = root_.rules[r];
    if (rule.info.type.is_series() || rule.info.type.kind == TypeKind::Text) {
      refused_ = true;
      return 0;
    }
    const std::uint32_t result = emit(rule.body);
    rules_.emplace(r, result);
    return result;
  }

  std::uint32_t shared(std::map<std::uint32_t, std::uint32_t>& registers,
                       std::vector<std::pair<std::uint32_t, std::uint32_t>>& list, std::uint32_t index) {
    auto [it, added] = registers.try_emplace(index, 0);
    if (added) {
      it->second = fresh();
      list.emplace_back(it->second, index);
    }
    return it->second;
  }

  std::uint32_t emit(std::uint32_t n) {
    if (refused_) return 0;
    const Node& node = program_.nodes[n];
    const bool number = node.type.is_numeric();
    if (node.type.is_series() || node.type.kind == TypeKind::Text) {
      refused_ = true;
      return 0;
    }
    switch (node.op) {
      case Op::Constant: return shared(constants_, plan_.constants, node.a);
      case Op::Parameter: return shared(parameters_, plan_.parameters, node.a);
      case Op::Rule: return rule_register(node.a);
      default: break;
    }
    std::uint32_t d = 0;
    auto binary = [&](BatchOp op, std::uint8_t aux = 0) {
      const std::uint32_t left = emit(node.a);
      const std::uint32_t right = emit(node.b);
      d = fresh();
      push(op, d, left, right, 0, aux);
      return d;
    };
    switch (node.op) {
      case Op::Input:
        d = fresh();
        push(number ? BatchOp::InputNumber : BatchOp::InputScalar, d, node.a);
        return d;
      case Op::AsOf:
        d = fresh();
        push(BatchOp::AsOf, d);
        return d;
      case Op::Add: return binary(BatchOp::Add);
      case Op::Subtract: return binary(BatchOp::Subtract);
      case Op::Multiply: return binary(BatchOp::Multiply);
      case Op::Divide: return binary(BatchOp::Divide);
      case Op::Round: return binary(BatchOp::Round, static_cast<std::uint8_t>(node.mode));
      case Op::Negate: case Op::Abs: case Op::Not: {
        const std::uint32_t operand = emit(node.a);
        d = fresh();
        push(node.op == Op::Negate ? BatchOp::Negate : node.op == Op::Abs ? BatchOp::Abs : BatchOp::Not, d, operand);
        return d;
      }
      case Op::Equal: case Op::NotEqual: case Op::Less: case Op::LessEqual: case Op::Greater: case Op::GreaterEqual:
        if (node.operand_type.is_series() || node.operand_type.kind == TypeKind::Text) break;
        return binary(node.operand_type.is_numeric() ? BatchOp::CompareNumbers : BatchOp::CompareScalars,
                      static_cast<std::uint8_t>(node.op));
      case Op::And: return binary(BatchOp::And);
      case Op::Or: return binary(BatchOp::Or);
      case Op::Min: case Op::Max: {
        if (!number || node.b < 2) break;
        const BatchOp op = node.op == Op::Min ? BatchOp::Min : BatchOp::Max;
        std::uint32_t best = emit(program_.arguments[node.a]);
        for (std::uint32_t i = 1; i < node.b; ++i) {
          const std::uint32_t next = emit(program_.arguments[node.a + i]);
          d = fresh();
          push(op, d, best, next);
          best = d;
        }
        return best;
      }
      case Op::If: {
        const std::uint32_t condition = emit(node.a);
        const std::uint32_t then = emit(node.b);
        const std::uint32_t otherwise = emit(node.c);
        d = fresh();
        push(number ? BatchOp::SelectNumber : BatchOp::SelectScalar, d, then, otherwise, condition);
        return d;
      }
      default: break;
    }
    refused_ = true;
    return 0;
  }

  const Program& program_;
  const Entity& root_;
  BatchPlan plan_;
  std::map<std::uint32_t, std::uint32_t> rules_, constants_, parameters_;
  bool refused_ = false;
};

}  // namespace

std::optional<BatchPlan> plan_batch(const Program& program) {
  if (program.root_entity < 0) return std::nullopt;
  return BatchPlanner(program).run();
}

}  // namespace pol::detail
