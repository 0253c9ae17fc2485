// Households as columns: for simulators that hold a population as arrays (one array per
// variable, as OpenFisca and PolicyEngine do), evaluated in blocks by Evaluator::evaluate_columns
// with no per-household objects at all.
//
//   pol::RecordColumns people(*policy, n);                 // every input of the household: not given
//   auto wage = *policy->find_input("Claimant", "avg_weekly_wage");
//   for (std::size_t i = 0; i < n; ++i) people.set(wage, i, pol::Value::of_number(wages[i]));
//   pol::OutcomeColumns out;
//   evaluator.evaluate_columns(people, out);               // out.outputs[o].numbers[i], out.ok[i]
//
// Columns hold the inputs of the policy's household (root) entity; households with members are
// evaluated as Records. Values are exact, as everywhere: numbers are pol::Decimal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pol/policy.hpp"

namespace pol {

// One column: `size` values of one type, in the member its type uses.
struct Column {
  Type type;
  std::vector<Decimal> numbers;       // integer, decimal, money, rate
  std::vector<std::int64_t> scalars;  // boolean (0/1), date (days since 1970-01-01), enumeration (ordinal), period
  std::vector<std::string> texts;     // text
  std::vector<std::uint8_t> present;  // an input: given (else its default applies); an output: computed

  Value value(std::size_t row) const;  // as a Value (whatever `present` says)
};

class RecordColumns {
 public:
  // `rows` households of `policy`, every input not given. Series inputs cannot be columns: a
  // household read from columns never gives one (their defaults apply).
  RecordColumns(const Policy& policy, std::size_t rows);

  std::size_t rows() const noexcept { return rows_; }
  // Sets an input of the household entity (from Policy::find_input) for household `row`. Throws
  // std::invalid_argument for an input of another entity, a series input, or a row out of range.
  void set(const Policy::InputHandle& input, std::size_t row, const Value& value);
  void set_number(const Policy::InputHandle& input, std::size_t row, const Decimal& value);
  void unset(const Policy::InputHandle& input, std::size_t row);

  const std::vector<Column>& columns() const noexcept { return columns_; }  // by input index
  const Policy& policy() const noexcept { return *policy_; }
  // Household `row` as a Record, with id "row N" (N from 1).
  Record record(std::size_t row) const;

 private:
  Column& column(const Policy::InputHandle& input, std::size_t row);
  const Policy* policy_;
  std::size_t rows_;
  std::vector<Column> columns_;
};

struct OutcomeColumns {
  std::vector<Column> outputs;  // by Policy::outputs() index; `present` 0 in failed rows
  std::vector<std::uint8_t> ok;  // by row
  std::vector<std::pair<std::size_t, EvaluationError>> errors;  // (row, error) of each failed row
};

}  // namespace pol
