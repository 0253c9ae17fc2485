// Runs a batch plan (eval/batch_plan.hpp) over blocks of records.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "eval/batch_plan.hpp"
#include "pol/columns.hpp"
#include "pol/policy.hpp"

namespace pol::detail {

class BatchEvaluator {
 public:
  static constexpr std::size_t kBlock = 64;  // records per block: the registers' columns stay in cache

  BatchEvaluator(const Program& program, const BatchPlan& plan);

  // Binds the parameters in force on `as_of` (`parameters` by parameter index, nullopt where a
  // parameter has no value then). False when the plan reads one that has none.
  bool bind(const std::vector<std::optional<Value>>& parameters, Date as_of);

  // Where a block's inputs come from: Records, one per lane (lanes not `active` read nothing and
  // fail), or columns from row `first` on.
  struct RecordSource {
    const Record* records;
    const bool* active;
    const Value* input(std::uint32_t i, std::size_t lane) const {
      if (!active[lane]) return nullptr;
      const auto& given = records[lane].root.inputs[i];
      return given ? &*given : nullptr;
    }
    bool available(std::size_t lane) const { return active[lane]; }
  };
  struct ColumnSource {
    const std::vector<Column>* columns;
    std::size_t first;
  };

  // Computes every register of the plan for lanes 0 .. count (count <= kBlock).
  void compute(const RecordSource& source, std::size_t count);
  void compute(const ColumnSource& source, std::size_t count);

  // Sets complete[l] for lanes 0 .. count to whether the lane was computed completely: every
  // output computed, every requirement true. Other lanes go to the one-record evaluator.
  void complete(std::size_t count, std::uint8_t* complete) const;
  // The value of output o (Program::outputs index) in a complete lane.
  const Decimal& number(std::size_t output, std::size_t lane) const { return number_at_[plan_.outputs[output]][lane]; }
  std::int64_t scalar(std::size_t output, std::size_t lane) const { return scalars_[plan_.outputs[output] * kBlock + lane]; }
  // Writes a complete lane's outputs into `outcome`.
  void write(std::size_t lane, Outcome& outcome) const;

 private:
  template <class Source>
  void compute_block(const Source& source, std::size_t count);
  template <class Operation>
  void numbers(std::size_t count, std::size_t d, std::size_t a, std::size_t b, Operation op);

  const Program& program_;
  const BatchPlan& plan_;
  Date as_of_;
  std::vector<Decimal> numbers_;       // register r, lane l at r * kBlock + l
  std::vector<std::int64_t> scalars_;
  std::vector<std::uint8_t> failed_;
  // Where each register's numbers are read from: its own column of numbers_, or, for an input
  // given in every lane of a block of columns, the input's column itself.
  std::vector<const Decimal*> number_at_;
};

}  // namespace pol::detail
