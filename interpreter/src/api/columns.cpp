#include "pol/columns.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace pol {
namespace {

bool is_number(const Type& type) { return type.is_numeric(); }
bool is_text(const Type& type) { return type.kind == TypeKind::Text; }

}  // namespace

Value Column::value(std::size_t row) const {
  if (is_number(type)) return Value::of_number(numbers[row]);
  if (is_text(type)) return Value::of_text(texts[row]);
  Value v;
  v.scalar = scalars[row];
  return v;
}

RecordColumns::RecordColumns(const Policy& policy, std::size_t rows) : policy_(&policy), rows_(rows) {
  const auto& schema = policy.entities()[static_cast<std::size_t>(policy.root_entity())];
  for (const auto& input : schema.inputs) {
    Column column;
    column.type = input.type;
    if (!input.type.is_series()) {
      if (is_number(input.type)) column.numbers.resize(rows);
      else if (is_text(input.type)) column.texts.resize(rows);
      else column.scalars.resize(rows);
    }
    column.present.assign(rows, 0);
    columns_.push_back(std::move(column));
  }
}

Column& RecordColumns::column(const Policy::InputHandle& input, std::size_t row) {
  if (input.entity != policy_->root_entity() || input.index < 0 ||
      static_cast<std::size_t>(input.index) >= columns_.size())
    throw std::invalid_argument("RecordColumns: the input is not one of the household entity's");
  if (row >= rows_) throw std::invalid_argument(fmt::format("RecordColumns: row {} of {}", row, rows_));
  Column& column = columns_[static_cast<std::size_t>(input.index)];
  if (column.type.is_series()) throw std::invalid_argument("RecordColumns: a series input cannot be a column");
  return column;
}

void RecordColumns::set(const Policy::InputHandle& input, std::size_t row, const Value& value) {
  Column& c = column(input, row);
  if (is_number(c.type)) c.numbers[row] = value.number;
  else if (is_text(c.type)) c.texts[row] = value.text;
  else c.scalars[row] = value.scalar;
  c.present[row] = 1;
}

void RecordColumns::set_number(const Policy::InputHandle& input, std::size_t row, const Decimal& value) {
  Column& c = column(input, row);
  if (!is_number(c.type)) throw std::invalid_argument("RecordColumns::set_number: the input is not a number");
  c.numbers[row] = value;
  c.present[row] = 1;
}

void RecordColumns::unset(const Policy::InputHandle& input, std::size_t row) { column(input, row).present[row] = 0; }

Record RecordColumns::record(std::size_t row) const {
  Record record;
  record.id = fmt::format("row {}", row + 1);
  record.root = policy_->empty_record(policy_->root_entity());
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].present[row]) record.root.inputs[i] = columns_[i].value(row);
  return record;
}

}  // namespace pol
