#include "eval/record_independence.hpp"

#include <vector>

namespace pol::eval {

using detail::kNoNode;
using detail::Node;
using detail::Op;

class RecordReads::Analysis {
 public:
  explicit Analysis(const detail::Program& program)
      : program_(program), function_state_(program.functions.size(), State::Unknown), node_state_(program.entities.size()) {
    for (const auto& entity : program.entities) rule_state_.emplace_back(entity.rules.size(), State::Unknown);
  }

  bool rule_reads_record(std::size_t entity, std::size_t rule) {
    State& state = rule_state_[entity][rule];
    if (state == State::Unknown) {
      state = State::Visiting;  // the checker refuses cycles between rules
      state = reads_record(program_.entities[entity].rules[rule].body, entity, false) ? State::Reads
                                                                                       : State::Independent;
    }
    return state == State::Reads;
  }

  bool node_reads_record(std::uint32_t n, std::size_t entity) { return reads_record(n, entity, false); }

 private:
  enum class State : unsigned char { Unknown, Visiting, Independent, Reads };

  // Whether evaluating node `n` for an instance of `entity` may read the household's record.
  // In the body of a recursive function (`in_function`), rule references are relative to callers
  // of possibly several entities; they are rare there, so any of them counts as a read.
  bool reads_record(std::uint32_t n, std::size_t entity, bool in_function) {
    if (n == kNoNode) return false;
    if (in_function) return reads_record_uncached(n, entity, true);
    // Batch planning asks about every node of every rule it plans: each subtree is walked once.
    auto& known = node_state_[entity];
    if (known.empty()) known.assign(program_.nodes.size(), State::Unknown);
    if (known[n] == State::Unknown)
      known[n] = reads_record_uncached(n, entity, false) ? State::Reads : State::Independent;
    return known[n] == State::Reads;
  }

  bool reads_record_uncached(std::uint32_t n, std::size_t entity, bool in_function) {
    const Node& node = program_.nodes[n];
    switch (node.op) {
      case Op::Constant: case Op::Parameter: case Op::Context: case Op::AsOf: case Op::Param:
        return false;
      case Op::Input:
      case Op::Parent:  // another instance of the household
      case Op::Count: case Op::Sum: case Op::AggregateMin: case Op::AggregateMax: case Op::Any: case Op::All:
        return true;
      case Op::Rule: return in_function || rule_reads_record(entity, node.a);
      case Op::Min: case Op::Max:
      case Op::SeriesTotal: case Op::SeriesAverage: case Op::SeriesLargest: case Op::SeriesSmallest:
      case Op::SeriesCount:
        return any_argument(node.a, node.b, entity, in_function);
      case Op::Exceptions:
        if (reads_record(node.a, entity, in_function)) return true;
        for (std::uint32_t i = 0; i < node.c; ++i)  // (condition, definition, description constant)
          if (reads_record(program_.arguments[node.b + 3 * i], entity, in_function) ||
              reads_record(program_.arguments[node.b + 3 * i + 1], entity, in_function))
            return true;
        return false;
      case Op::Call: {
        if (any_argument(node.a, node.b, entity, in_function)) return true;
        State& state = function_state_[node.slot];
        // A function already being analysed (it calls itself) adds nothing new on this path.
        if (state == State::Unknown) {
          state = State::Visiting;
          state = reads_record(program_.functions[node.slot].body, entity, true) ? State::Reads : State::Independent;
        }
        return state == State::Reads;
      }
      case Op::SeriesAt:  // c is a constant's index, not a node
        return reads_record(node.a, entity, in_function) || reads_record(node.b, entity, in_function);
      default:  // every other operator has its operands in a, b, c (kNoNode when absent)
        return reads_record(node.a, entity, in_function) || reads_record(node.b, entity, in_function) ||
               reads_record(node.c, entity, in_function);
    }
  }

  bool any_argument(std::uint32_t begin, std::uint32_t count, std::size_t entity, bool in_function) {
    for (std::uint32_t i = 0; i < count; ++i)
      if (reads_record(program_.arguments[begin + i], entity, in_function)) return true;
    return false;
  }

  const detail::Program& program_;
  std::vector<std::vector<State>> rule_state_;
  std::vector<State> function_state_;
  std::vector<std::vector<State>> node_state_;  // by entity, then node; filled on first use
};

RecordReads::RecordReads(const detail::Program& program) : analysis_(std::make_unique<Analysis>(program)) {}
RecordReads::~RecordReads() = default;
bool RecordReads::node(std::uint32_t n, int entity) {
  return analysis_->node_reads_record(n, static_cast<std::size_t>(entity));
}

void mark_record_independent_rules(detail::Program& program) {
  RecordReads::Analysis analysis(program);
  std::uint32_t next_id = 0;
  for (std::size_t e = 0; e < program.entities.size(); ++e) {
    auto& entity = program.entities[e];
    entity.first_rule_id = next_id;
    next_id += static_cast<std::uint32_t>(entity.rules.size());
    for (std::size_t r = 0; r < entity.rules.size(); ++r)
      entity.rules[r].record_independent = !analysis.rule_reads_record(e, r);
  }
}

}  // namespace pol::eval
