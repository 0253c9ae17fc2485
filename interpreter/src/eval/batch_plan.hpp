// Batch plans: the outputs of a policy compiled for evaluating many households at once, one
// operation at a time over a block of records (as columnar engines do), so that the cost of
// dispatching an operation is paid once per block rather than once per record.
//
// Only policies whose outputs need no operator outside the set below are planned: records with
// members, series, schedules, exceptions and the like keep the one-record-at-a-time evaluator.
// A batch plan computes every rule its outputs and requirements need, eagerly and without jumps:
// `if` computes both branches and selects, and a value that could not be computed (a missing
// input, a division by zero, an overflow: anything that would be an error) is marked as failed in
// its lane instead of stopping. A record whose outputs or requirements are all computed, with
// every requirement true, has exactly the outputs the one-record evaluator gives (every operator
// is pure); any other record is evaluated again by the one-record evaluator, which reports the
// error it meets, if any, with its message and location.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "eval/program.hpp"

namespace pol::detail {

enum class BatchOp : std::uint8_t {
  InputNumber, InputScalar,  // d = root input a (its default when not given; failed when neither)
  AsOf,                      // d = the evaluation date
  Add, Subtract, Multiply, Divide, Negate, Abs,
  Round,                     // d = round(a, to: b, mode: RoundingMode(aux))
  Min, Max,                  // d = min/max(a, b); ties keep a
  CompareNumbers, CompareScalars,  // d = a <op> b, op = Op(aux)
  Not, And, Or,
  SelectNumber, SelectScalar,      // d = c ? a : b
};

struct BatchStep {
  BatchOp op;
  std::uint8_t aux = 0;
  std::uint32_t d = 0, a = 0, b = 0, c = 0;
};

struct BatchPlan {
  std::vector<BatchStep> steps;  // in dependency order: each rule's steps before its readers'
  std::uint32_t registers = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> constants;   // (register, constant index)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> parameters;  // (register, parameter index)
  std::vector<std::uint32_t> outputs;       // result register per Program::outputs index
  std::vector<std::uint32_t> requirements;  // result register per requirement of the root entity
};

// The batch plan of `program`, or nullopt when some output or requirement needs an operator
// outside the batch set, or the policy has outputs or requirements on members.
std::optional<BatchPlan> plan_batch(const Program& program);

}  // namespace pol::detail
