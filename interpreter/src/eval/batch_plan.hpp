// Batch plans: the outputs of a policy compiled for evaluating many households at once, one
// operation at a time over a block of records (as columnar engines do), so that the cost of
// dispatching an operation is paid once per block rather than once per record.
//
// Registers live in domains. Domain 0 has one lane per household of the block; domain 1 + k has
// one lane per member of the households' k-th planned collection (BatchPlan::domains), the
// members of one household side by side, households in block order. Member rules are computed
// in member lanes; `count`, `sum`, `any`, `all`, `min` and `max` over a collection reduce each
// household's run of member lanes into its lane, and a member reading its household (`Parent`)
// gets the household's value broadcast into its lane.
//
// Only policies whose outputs need no operator outside the set below are planned, except in parts
// that read nothing of the household (those are computed once, see BatchPlan::independents):
// series, schedules, exceptions, text, collections inside members and the like keep the
// one-record-at-a-time evaluator. A batch plan computes every rule its outputs and requirements
// need, eagerly and without jumps: `if` computes both branches and selects, and a value that
// could not be computed (a missing input, a division by zero, an overflow: anything that would be
// an error) is marked as failed in its lane instead of stopping. A reduction fails its household
// where the one-record evaluator, walking the members in order, would meet a failure. A record
// whose outputs and requirements are all computed, with every requirement true, has exactly the
// outputs the one-record evaluator gives (every operator is pure and applied in the same order);
// any other record is evaluated again by the one-record evaluator, which reports the error it
// meets, if any, with its message and location.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "eval/program.hpp"

namespace pol::detail {

enum class BatchOp : std::uint8_t {
  InputNumber, InputScalar,  // d = input a of the lane's instance (its default when not given; failed when neither)
  AsOf,                      // d = the evaluation date
  Add, Subtract, Multiply, Divide, Negate, Abs,
  Round,                     // d = round(a, to: b, mode: RoundingMode(aux))
  Min, Max,                  // d = min/max(a, b); ties keep a
  CompareNumbers, CompareScalars,  // d = a <op> b, op = Op(aux)
  Not, And, Or,
  SelectNumber, SelectScalar,      // d = c ? a : b
  BroadcastNumber, BroadcastScalar,  // member lanes: d = household register a of the member's household
  // Household lanes, over the member lanes of domain aux: projection a (none for count, and for
  // `any` without one), filter b (kNoRegister: every member).
  Count, Sum, Any, All, Least, Greatest,
};

inline constexpr std::uint32_t kNoRegister = 0xFFFFFFFFu;

struct BatchStep {
  BatchOp op;
  std::uint8_t aux = 0;
  // The lanes whose result is read at all: those where register `guard` (a condition computed
  // before this step) is `guard_when`, when the result only feeds one side of `if guard`; every
  // lane when guard is kNoRegister. Arithmetic steps compute only those lanes (the others are
  // marked failed, and nothing reads them).
  bool guard_when = true;
  std::uint32_t guard = kNoRegister;
  std::uint32_t d = 0, a = 0, b = 0, c = 0;
};

// The lanes of a domain: the households (collection -1), or the members of one of the root's
// collections.
struct BatchDomain {
  int entity = -1;
  int collection = -1;
};

struct BatchPlan {
  std::vector<BatchStep> steps;  // in dependency order: each rule's steps before its readers'
  std::uint32_t registers = 0;
  std::vector<std::uint8_t> register_domain;  // by register
  std::vector<BatchDomain> domains;           // [0] the households
  std::vector<std::pair<std::uint32_t, std::uint32_t>> constants;   // (register, constant index)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> parameters;  // (register, parameter index)
  // Values that read nothing of the household (the extended benefit period is in force this
  // week; a rate computed from published series): computed once per date and context by the
  // one-record evaluator, for an instance of the register's domain, and the same in every lane.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> independents;  // (register, node)
  std::vector<std::uint32_t> outputs;       // result register per Program::outputs index
  std::vector<std::uint32_t> requirements;  // result register per requirement of the root entity
};

// The batch plan of `program`, or nullopt when some output or requirement needs an operator
// outside the batch set, or the policy has outputs or requirements on members.
std::optional<BatchPlan> plan_batch(const Program& program);

}  // namespace pol::detail
