// Runs a batch plan (eval/batch_plan.hpp) over blocks of records.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "eval/batch_plan.hpp"
#include "pol/columns.hpp"
#include "pol/policy.hpp"

namespace pol::detail {

class BatchEvaluator {
 public:
  static constexpr std::size_t kBlock = 64;         // households per block: the registers stay in cache
  static constexpr std::size_t kMemberLanes = 256;  // members per block, in each member domain

  BatchEvaluator(const Program& program, const BatchPlan& plan);

  // Binds the parameters in force on `as_of` (`parameters` by parameter index, nullopt where a
  // parameter has no value then). False when the plan reads one that has none.
  bool bind(const std::vector<std::optional<Value>>& parameters, Date as_of);
  // The value of BatchPlan::independents[i] for the date bound.
  void set_independent(std::size_t i, const Value& value);

  // Takes the next block from the front of `records` (at most kBlock, fewer when their members
  // would not fit) and lays out its member lanes; returns how many records the block holds.
  // active[l] says whether lane l is computed: records with a date of their own (other than
  // `as_of`), not shaped like the policy's entities, with members of members, or with more members
  // than a block holds are not, and go to the one-record evaluator.
  std::size_t gather(std::span<const Record> records, Date as_of, bool* active);
  // Computes every register of the plan for the block gathered last (`count` = what gather
  // returned), or for `count` households of columns from row `first` on (households from columns
  // have no members).
  void compute(const Record* records, const bool* active, std::size_t count);
  struct ColumnSource {
    const std::vector<Column>* columns;
    std::size_t first;
  };
  void compute(const ColumnSource& source, std::size_t count);

  // Sets complete[l] for lanes 0 .. count to whether the lane was computed completely: every
  // output computed, every requirement true. Other lanes go to the one-record evaluator.
  void complete(std::size_t count, std::uint8_t* complete) const;
  // The value of output o (Program::outputs index) in a complete lane.
  const Decimal& number(std::size_t output, std::size_t lane) const { return number_at_[plan_.outputs[output]][lane]; }
  std::int64_t scalar(std::size_t output, std::size_t lane) const { return scalars_[offset_[plan_.outputs[output]] + lane]; }
  // Writes a complete lane's outputs into `outcome`.
  void write(std::size_t lane, Outcome& outcome) const;

 private:
  struct RecordSource {
    const Record* records;
    const bool* active;
  };
  struct Members {  // the lanes of one member domain in the current block
    std::size_t lanes = 0;
    std::vector<const std::optional<Value>*> inputs;  // by member lane: the member's inputs (one load less per read)
    std::vector<std::uint8_t> household;       // by member lane: the household's lane
    std::vector<std::uint32_t> begin;          // by household lane, and one past the last
  };

  template <class Source>
  void compute_block(const Source& source, std::size_t count);
  template <class Source>
  void input(const Source& source, const BatchStep& step, std::size_t count);
  template <class Operation>
  void numbers(std::size_t count, const BatchStep& step, Operation op);
  template <BatchOp kOp>
  void reduce(const BatchStep& step, std::size_t count);
  std::size_t capacity(std::uint32_t reg) const { return plan_.register_domain[reg] == 0 ? kBlock : kMemberLanes; }
  std::size_t lanes(std::uint32_t reg, std::size_t count) const {
    const std::uint8_t domain = plan_.register_domain[reg];
    return domain == 0 ? count : members_[domain].lanes;
  }

  const Program& program_;
  const BatchPlan& plan_;
  Date as_of_;
  bool bound_ = false, bound_ok_ = false;  // bind() has run for as_of_, and found every parameter
  std::vector<std::size_t> offset_;    // by register: where its lanes start in numbers_, scalars_, failed_
  std::vector<Decimal> numbers_;
  std::vector<std::int64_t> scalars_;
  std::vector<std::uint8_t> failed_;
  // Where each register's numbers are read from: its own lanes of numbers_, or, for an input
  // given in every lane of a block of columns, the input's column itself.
  std::vector<const Decimal*> number_at_;
  std::vector<Members> members_;  // by domain ([0] unused)
};

}  // namespace pol::detail
