#include "eval/batch_plan.hpp"

#include "eval/record_independence.hpp"

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

namespace pol::detail {
namespace {

class BatchPlanner {
 public:
  explicit BatchPlanner(const Program& program) : program_(program), reads_(program) {
    plan_.domains.push_back(BatchDomain{program.root_entity, -1});
  }

  std::optional<BatchPlan> run() {
    for (std::size_t e = 0; e < program_.entities.size(); ++e)
      if (static_cast<int>(e) != program_.root_entity && !program_.entities[e].requirements.empty()) return std::nullopt;
    for (auto [entity, rule] : program_.output_rules) {
      if (entity != program_.root_entity) return std::nullopt;
      plan_.outputs.push_back(rule_register(0, static_cast<std::uint32_t>(rule)));
    }
    for (std::uint32_t r : root().requirements) plan_.requirements.push_back(rule_register(0, r));
    if (refused_) return std::nullopt;
    guard_steps();
    return std::move(plan_);
  }

 private:
  using Key = std::pair<std::uint8_t, std::uint32_t>;  // (domain, index)

  const Entity& root() const { return program_.entities[static_cast<std::size_t>(program_.root_entity)]; }
  const Entity& entity_of(std::uint8_t domain) const {
    return program_.entities[static_cast<std::size_t>(plan_.domains[domain].entity)];
  }

  std::uint32_t fresh(std::uint8_t domain) {
    plan_.register_domain.push_back(domain);
    return plan_.registers++;
  }
  // The register of op(a, b, c) in `domain`: a new step, or the register of the same step emitted
  // before (every operation is pure, so `role = Role.adult` read by two rules is computed once).
  std::uint32_t step(BatchOp op, std::uint8_t domain, std::uint32_t a = 0, std::uint32_t b = 0, std::uint32_t c = 0,
                     std::uint8_t aux = 0) {
    auto [it, added] = steps_.try_emplace(StepKey{op, aux, domain, a, b, c}, 0);
    if (added) {
      it->second = fresh(domain);
      plan_.steps.push_back(BatchStep{.op = op, .aux = aux, .d = it->second, .a = a, .b = b, .c = c});
    }
    return it->second;
  }

  // The domain of the members of the root's collection `collection`, made on first use.
  std::uint8_t collection_domain(std::uint32_t collection) {
    for (std::size_t k = 1; k < plan_.domains.size(); ++k)
      if (plan_.domains[k].collection == static_cast<int>(collection)) return static_cast<std::uint8_t>(k);
    if (plan_.domains.size() > 0xFF) {
      refused_ = true;
      return 0;
    }
    const int entity = root().schema.collections[collection].entity;
    plan_.domains.push_back(BatchDomain{entity, static_cast<int>(collection)});
    return static_cast<std::uint8_t>(plan_.domains.size() - 1);
  }

  // The register of rule r of the domain's entity, planning the rule (and the rules it reads) on
  // first use.
  std::uint32_t rule_register(std::uint8_t domain, std::uint32_t r) {
    if (auto it = rules_.find({domain, r}); it != rules_.end()) return it->second;
    const Rule& rule = entity_of(domain).rules[r];
    if (rule.info.type.is_series() || rule.info.type.kind == TypeKind::Text) {
      refused_ = true;
      return 0;
    }
    const std::uint32_t result = emit(rule.body, domain);
    rules_.emplace(Key{domain, r}, result);
    return result;
  }

  std::uint32_t shared(std::map<Key, std::uint32_t>& registers, std::vector<std::pair<std::uint32_t, std::uint32_t>>& list,
                       std::uint8_t domain, std::uint32_t index) {
    auto [it, added] = registers.try_emplace(Key{domain, index}, 0);
    if (added) {
      it->second = fresh(domain);
      list.emplace_back(it->second, index);
    }
    return it->second;
  }

  std::uint32_t emit(std::uint32_t n, std::uint8_t domain) {
    if (refused_) return 0;
    const Node& node = program_.nodes[n];
    const bool number = node.type.is_numeric();
    if (node.type.is_series() || node.type.kind == TypeKind::Text) {
      refused_ = true;
      return 0;
    }
    switch (node.op) {
      case Op::Constant: return shared(constants_, plan_.constants, domain, node.a);
      case Op::Parameter: return shared(parameters_, plan_.parameters, domain, node.a);
      case Op::AsOf: case Op::Input: break;
      default:
        if (!reads_.node(n, plan_.domains[domain].entity)) return shared(independents_, plan_.independents, domain, n);
        break;
    }
    if (node.op == Op::Rule) return rule_register(domain, node.a);
    auto binary = [&](BatchOp op, std::uint8_t aux = 0) {
      const std::uint32_t left = emit(node.a, domain);
      const std::uint32_t right = emit(node.b, domain);
      return step(op, domain, left, right, 0, aux);
    };
    switch (node.op) {
      case Op::Input: return step(number ? BatchOp::InputNumber : BatchOp::InputScalar, domain, node.a);
      case Op::AsOf: return step(BatchOp::AsOf, domain);
      case Op::Add: return binary(BatchOp::Add);
      case Op::Subtract: return binary(BatchOp::Subtract);
      case Op::Multiply: return binary(BatchOp::Multiply);
      case Op::Divide: return binary(BatchOp::Divide);
      case Op::Round: return binary(BatchOp::Round, static_cast<std::uint8_t>(node.mode));
      case Op::Negate: case Op::Abs: case Op::Not: {
        const std::uint32_t operand = emit(node.a, domain);
        return step(node.op == Op::Negate ? BatchOp::Negate : node.op == Op::Abs ? BatchOp::Abs : BatchOp::Not, domain,
                    operand);
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
        std::uint32_t best = emit(program_.arguments[node.a], domain);
        for (std::uint32_t i = 1; i < node.b; ++i) {
          const std::uint32_t next = emit(program_.arguments[node.a + i], domain);
          best = step(op, domain, best, next);
        }
        return best;
      }
      case Op::If: {
        const std::uint32_t condition = emit(node.a, domain);
        const std::uint32_t then = emit(node.b, domain);
        const std::uint32_t otherwise = emit(node.c, domain);
        return step(number ? BatchOp::SelectNumber : BatchOp::SelectScalar, domain, then, otherwise, condition);
      }
      case Op::Parent: {
        if (domain == 0) break;
        const std::uint32_t value = emit(node.a, 0);
        return step(number ? BatchOp::BroadcastNumber : BatchOp::BroadcastScalar, domain, value);
      }
      case Op::Count: case Op::Sum: case Op::Any: case Op::All: case Op::AggregateMin: case Op::AggregateMax: {
        // Only the households' collections: members of members keep the one-record evaluator.
        if (domain != 0) break;
        const bool numeric_projection = node.op == Op::Sum || node.op == Op::AggregateMin || node.op == Op::AggregateMax;
        if (numeric_projection && !number) break;
        const std::uint8_t members = collection_domain(node.slot);
        if (refused_) return 0;
        const std::uint32_t filter = node.b == kNoNode ? kNoRegister : emit(node.b, members);
        const std::uint32_t projection = node.op == Op::Count || node.a == kNoNode ? kNoRegister : emit(node.a, members);
        const BatchOp op = node.op == Op::Count ? BatchOp::Count
                           : node.op == Op::Sum ? BatchOp::Sum
                           : node.op == Op::Any ? BatchOp::Any
                           : node.op == Op::All ? BatchOp::All
                           : node.op == Op::AggregateMin ? BatchOp::Least
                                                         : BatchOp::Greatest;
        if (op == BatchOp::All && projection == kNoRegister) break;
        return step(op, 0, projection, filter, 0, members);
      }
      default: break;
    }
    refused_ = true;
    return 0;
  }

  // Which lanes of each register are read: walking the steps from the last, a register is needed
  // wherever one of its readers needs it, and the branches of an `if` only where its condition
  // chooses them. Guards are kept one level deep (a condition, or every lane): enough to spare a
  // household's ineligible members the arithmetic of an amount they do not get.
  void guard_steps() {
    constexpr std::int64_t kUnread = -2, kEvery = -1;  // otherwise 2 * condition register + polarity
    std::vector<std::int64_t> need(plan_.registers, kUnread);
    std::vector<std::int64_t> made_at(plan_.registers, -1);  // the step computing each register
    for (std::size_t i = 0; i < plan_.steps.size(); ++i) made_at[plan_.steps[i].d] = static_cast<std::int64_t>(i);
    auto read = [&](std::uint32_t r, std::int64_t when) {
      if (r == kNoRegister) return;
      need[r] = need[r] == kUnread || need[r] == when ? when : kEvery;
    };
    for (std::uint32_t r : plan_.outputs) read(r, kEvery);
    for (std::uint32_t r : plan_.requirements) read(r, kEvery);
    for (std::size_t i = plan_.steps.size(); i-- > 0;) {
      BatchStep& step = plan_.steps[i];
      std::int64_t when = need[step.d] == kUnread ? kEvery : need[step.d];
      // The condition must be known when the step runs.
      if (when >= 0 && made_at[static_cast<std::size_t>(when / 2)] >= static_cast<std::int64_t>(i)) when = kEvery;
      // Only division and rounding are worth skipping: for cheaper operations, a branch that
      // follows each household's condition costs more, mispredicted, than it saves.
      if (when >= 0 && (step.op == BatchOp::Divide || step.op == BatchOp::Round)) {
        step.guard = static_cast<std::uint32_t>(when / 2);
        step.guard_when = (when % 2) != 0;
      }
      switch (step.op) {
        case BatchOp::SelectNumber: case BatchOp::SelectScalar:
          read(step.c, when);
          read(step.a, when == kEvery ? 2 * static_cast<std::int64_t>(step.c) + 1 : when);
          read(step.b, when == kEvery ? 2 * static_cast<std::int64_t>(step.c) : when);
          break;
        case BatchOp::BroadcastNumber: case BatchOp::BroadcastScalar:
        case BatchOp::Count: case BatchOp::Sum: case BatchOp::Any: case BatchOp::All:
        case BatchOp::Least: case BatchOp::Greatest:
          read(step.a, kEvery);  // other lanes than the step's own
          read(step.b, kEvery);
          break;
        case BatchOp::InputNumber: case BatchOp::InputScalar: case BatchOp::AsOf:
          break;  // a, b: not registers
        case BatchOp::Negate: case BatchOp::Abs: case BatchOp::Not:
          read(step.a, when);
          break;
        default:
          read(step.a, when);
          read(step.b, when);
          break;
      }
    }
  }

  using StepKey = std::tuple<BatchOp, std::uint8_t, std::uint8_t, std::uint32_t, std::uint32_t, std::uint32_t>;

  const Program& program_;
  BatchPlan plan_;
  eval::RecordReads reads_;
  std::map<Key, std::uint32_t> rules_, constants_, parameters_, independents_;
  std::map<StepKey, std::uint32_t> steps_;
  bool refused_ = false;
};

}  // namespace

std::optional<BatchPlan> plan_batch(const Program& program) {
  if (program.root_entity < 0) return std::nullopt;
  return BatchPlanner(program).run();
}

}  // namespace pol::detail
