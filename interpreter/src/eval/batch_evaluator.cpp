#include "eval/batch_evaluator.hpp"

#include <type_traits>

namespace pol::detail {

BatchEvaluator::BatchEvaluator(const Program& program, const BatchPlan& plan)
    : program_(program),
      plan_(plan),
      numbers_(plan.registers * kBlock),
      scalars_(plan.registers * kBlock),
      failed_(plan.registers * kBlock, 0),
      number_at_(plan.registers) {
  for (std::uint32_t r = 0; r < plan.registers; ++r) number_at_[r] = numbers_.data() + r * kBlock;
  for (auto [r, c] : plan.constants)
    for (std::size_t l = 0; l < kBlock; ++l) {
      numbers_[r * kBlock + l] = program.constants[c].number;
      scalars_[r * kBlock + l] = program.constants[c].scalar;
    }
}

bool BatchEvaluator::bind(const std::vector<std::optional<Value>>& parameters, Date as_of) {
  as_of_ = as_of;
  for (auto [r, p] : plan_.parameters) {
    if (!parameters[p]) return false;
    for (std::size_t l = 0; l < kBlock; ++l) {
      numbers_[r * kBlock + l] = parameters[p]->number;
      scalars_[r * kBlock + l] = parameters[p]->scalar;
    }
  }
  return true;
}

void BatchEvaluator::compute(const RecordSource& source, std::size_t count) { compute_block(source, count); }
void BatchEvaluator::compute(const ColumnSource& source, std::size_t count) { compute_block(source, count); }

// d = op(a, b) in every lane where neither operand failed; op returns false (or throws) for a
// value it cannot compute, which fails the lane.
template <class Operation>
void BatchEvaluator::numbers(std::size_t count, std::size_t d, std::size_t a, std::size_t b, Operation op) {
  std::uint8_t* const F = failed_.data();
  const Decimal* const x = number_at_[a / kBlock];
  const Decimal* const y = number_at_[b / kBlock];
  Decimal* const r = numbers_.data() + d;
  for (std::size_t l = 0; l < count; ++l) {
    bool failed = F[a + l] | F[b + l];
    if (!failed) {
      try {
        failed = !op(x[l], y[l], r[l]);
      } catch (const DecimalError&) {
        failed = true;
      }
    }
    F[d + l] = failed;
  }
}

template <class Source>
void BatchEvaluator::compute_block(const Source& source, std::size_t count) {
  Decimal* const N = numbers_.data();
  std::int64_t* const S = scalars_.data();
  std::uint8_t* const F = failed_.data();
  const Entity& root = program_.entities[static_cast<std::size_t>(program_.root_entity)];
  for (const BatchStep& step : plan_.steps) {
    const std::size_t d = step.d * kBlock, a = step.a * kBlock, b = step.b * kBlock, c = step.c * kBlock;
    switch (step.op) {
      case BatchOp::InputNumber:
      case BatchOp::InputScalar: {
        const InputSchema& schema = root.schema.inputs[step.a];
        const Value* fallback = schema.has_default ? &root.input_defaults[step.a] : nullptr;
        const bool number = step.op == BatchOp::InputNumber;
        if constexpr (std::is_same_v<Source, ColumnSource>) {
          const Column& column = (*source.columns)[step.a];
          const std::uint8_t* given = column.present.data() + source.first;
          if (number) {
            const Decimal* values = column.numbers.data() + source.first;
            bool all_given = true;
            for (std::size_t l = 0; l < count; ++l) all_given &= given[l] != 0;
            if (all_given) {  // the register reads the column itself: nothing to copy
              number_at_[step.d] = values;
              for (std::size_t l = 0; l < count; ++l) F[d + l] = 0;
              break;
            }
            number_at_[step.d] = N + d;
            for (std::size_t l = 0; l < count; ++l) {
              const Decimal* value = given[l] ? &values[l] : fallback ? &fallback->number : nullptr;
              F[d + l] = value == nullptr;
              if (value) N[d + l] = *value;
            }
          } else {
            const std::int64_t* values = column.scalars.data() + source.first;
            for (std::size_t l = 0; l < count; ++l) {
              F[d + l] = !given[l] && !fallback;
              S[d + l] = given[l] ? values[l] : fallback ? fallback->scalar : 0;
            }
          }
        } else {
          number_at_[step.d] = N + d;  // a block of columns may have pointed it elsewhere
          for (std::size_t l = 0; l < count; ++l) {
            const Value* value = source.input(step.a, l);
            if (!value && source.available(l)) value = fallback;
            F[d + l] = value == nullptr;
            if (!value) continue;
            if (number) N[d + l] = value->number;
            else S[d + l] = value->scalar;
          }
        }
        break;
      }
      case BatchOp::AsOf:
        for (std::size_t l = 0; l < count; ++l) S[d + l] = as_of_.days(), F[d + l] = 0;
        break;
      case BatchOp::Add: numbers(count, d, a, b, [](const Decimal& x, const Decimal& y, Decimal& r) { r = x + y; return true; }); break;
      case BatchOp::Subtract: numbers(count, d, a, b, [](const Decimal& x, const Decimal& y, Decimal& r) { r = x - y; return true; }); break;
      case BatchOp::Multiply: numbers(count, d, a, b, [](const Decimal& x, const Decimal& y, Decimal& r) { r = x * y; return true; }); break;
      case BatchOp::Divide:
        numbers(count, d, a, b, [](const Decimal& x, const Decimal& y, Decimal& r) {
          if (y.is_zero()) return false;
          r = Decimal::divide(x, y);
          return true;
        });
        break;
      case BatchOp::Round: {
        const auto mode = static_cast<RoundingMode>(step.aux);
        numbers(count, d, a, b, [mode](const Decimal& x, const Decimal& y, Decimal& r) {
          if (y.sign() <= 0) return false;
          r = x.round_to(y, mode);
          return true;
        });
        break;
      }
      case BatchOp::Min: numbers(count, d, a, b, [](const Decimal& x, const Decimal& y, Decimal& r) { r = compare(y, x) < 0 ? y : x; return true; }); break;
      case BatchOp::Max: numbers(count, d, a, b, [](const Decimal& x, const Decimal& y, Decimal& r) { r = compare(y, x) > 0 ? y : x; return true; }); break;
      case BatchOp::Negate: case BatchOp::Abs:
        for (std::size_t l = 0; l < count; ++l) {
          std::uint8_t failed = F[a + l];
          if (!failed) {
            try {
              const Decimal& x = number_at_[step.a][l];
              N[d + l] = step.op == BatchOp::Negate ? -x : x.abs();
            } catch (const DecimalError&) {
              failed = 1;
            }
          }
          F[d + l] = failed;
        }
        break;
      case BatchOp::CompareNumbers:
      case BatchOp::CompareScalars:
        for (std::size_t l = 0; l < count; ++l) {
          F[d + l] = F[a + l] | F[b + l];
          if (F[d + l]) continue;
          int order;
          if (step.op == BatchOp::CompareNumbers) {
            order = compare(number_at_[step.a][l], number_at_[step.b][l]);
          } else {
            const std::int64_t x = S[a + l], y = S[b + l];
            order = x < y ? -1 : x == y ? 0 : 1;
          }
          switch (static_cast<Op>(step.aux)) {
            case Op::Equal: S[d + l] = order == 0; break;
            case Op::NotEqual: S[d + l] = order != 0; break;
            case Op::Less: S[d + l] = order < 0; break;
            case Op::LessEqual: S[d + l] = order <= 0; break;
            case Op::Greater: S[d + l] = order > 0; break;
            default: S[d + l] = order >= 0; break;
          }
        }
        break;
      case BatchOp::Not:
        for (std::size_t l = 0; l < count; ++l) S[d + l] = !S[a + l], F[d + l] = F[a + l];
        break;
      case BatchOp::And:
      case BatchOp::Or:
        // As evaluated one record at a time: the right side matters only when the left does not
        // decide (false for `and`, true for `or`), and only then can its failure fail the lane.
        for (std::size_t l = 0; l < count; ++l) {
          const bool decides = !F[a + l] && (step.op == BatchOp::And ? !S[a + l] : S[a + l] != 0);
          if (F[a + l] || decides) {
            F[d + l] = F[a + l];
            S[d + l] = S[a + l] != 0;
          } else {
            F[d + l] = F[b + l];
            S[d + l] = S[b + l] != 0;
          }
        }
        break;
      case BatchOp::SelectNumber:
      case BatchOp::SelectScalar:
        for (std::size_t l = 0; l < count; ++l) {
          if (F[c + l]) {
            F[d + l] = 1;
            continue;
          }
          const std::size_t from = S[c + l] ? a : b;
          F[d + l] = F[from + l];
          if (step.op == BatchOp::SelectNumber) N[d + l] = number_at_[from / kBlock][l];
          else S[d + l] = S[from + l];
        }
        break;
    }
  }
}

void BatchEvaluator::complete(std::size_t count, std::uint8_t* complete) const {
  // Lane by lane inside each register, so that the compiler can do several lanes at once.
  const std::uint8_t* const F = failed_.data();
  const std::int64_t* const S = scalars_.data();
  for (std::size_t l = 0; l < count; ++l) complete[l] = 1;
  for (std::uint32_t r : plan_.requirements)
    for (std::size_t l = 0; l < count; ++l) complete[l] &= !F[r * kBlock + l] & (S[r * kBlock + l] != 0);
  for (std::uint32_t r : plan_.outputs)
    for (std::size_t l = 0; l < count; ++l) complete[l] &= !F[r * kBlock + l];
}

void BatchEvaluator::write(std::size_t lane, Outcome& outcome) const {
  const auto& outputs = program_.outputs;
  outcome.ok = true;
  outcome.error.reset();
  outcome.members.clear();
  outcome.outputs.resize(outputs.size());
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].type.is_numeric()) outcome.outputs[o].number = number(o, lane);
    else outcome.outputs[o].scalar = scalar(o, lane);
  }
}

}  // namespace pol::detail
