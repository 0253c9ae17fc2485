// CSV record reader: one row per member (person) of the root entity's collection, with the
// household's id on every row; consecutive rows with the same id form one household.
//
// RFC 4180: cells separated by ',', rows by LF or CRLF; a cell in double quotes may hold ',',
// line breaks and "" (one quote). Unquoted cells are trimmed of spaces and tabs. Rows of only
// blanks and commas are skipped.
#include <algorithm>
#include <deque>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "io/record_builder.hpp"
#include "pol/io.hpp"

namespace pol::io::detail {

namespace {

struct Cell {
  std::string text;
  bool quoted = false;
};

struct Row {
  std::vector<Cell> cells;
  int line = 0;  // where the row starts
  std::string raw;
  std::string syntax_error;  // empty when fine
  std::size_t syntax_error_cell = 0;  // the cell (0-based) the syntax error is in
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value a cell gives: quoted cells verbatim, others trimmed.
std::string_view cell_value(const Cell& cell) {
  return cell.quoted ? std::string_view(cell.text) : trim(cell.text);
}

class CsvScanner {
 public:
  explicit CsvScanner(std::istream& in) : buf_(in.rdbuf()) {}

  // False at the end of the input. Blank lines are skipped.
  bool read(Row& row) {
    while (true) {
      if (peek() == traits::eof()) return false;
      read_row(row);
      // A row of nothing but separators and blanks (spreadsheets write ",,,") is skipped.
      const bool blank = row.syntax_error.empty() &&
                         std::all_of(row.cells.begin(), row.cells.end(),
                                     [](const Cell& c) { return !c.quoted && trim(c.text).empty(); });
      if (!blank) return true;
    }
  }

 private:
  using traits = std::char_traits<char>;
  // Text to read again before the rest of the stream (see the unclosed quote below).
  int peek() {
    if (replay_pos_ < replay_.size()) return static_cast<unsigned char>(replay_[replay_pos_]);
    return buf_ ? buf_->sgetc() : traits::eof();
  }
  char advance() {
    if (replay_pos_ < replay_.size()) return replay_[replay_pos_++];
    return static_cast<char>(buf_->sbumpc());
  }
  char bump(std::string& raw) {
    const char c = advance();
    if (c == '\n') ++line_;
    raw.push_back(c);
    return c;
  }

  // A row with a syntax error whose quoted cell ran over a line break: the quote is taken to be a
  // mistake (a quote never closed, or closed by the opening quote of a later row) rather than a
  // cell with line breaks. The row is cut at its first line (and rejected); the lines after it are
  // read again as rows of their own, so no later household is lost.
  void recover_unclosed_quote(Row& row, std::size_t newline_cell, bool ended_by_newline) {
    const std::size_t newline = row.raw.find('\n');
    if (newline == std::string::npos) return;
    std::string rest = row.raw.substr(newline + 1);
    if (ended_by_newline) rest.push_back('\n');
    rest.append(replay_, replay_pos_, std::string::npos);
    replay_ = std::move(rest);
    replay_pos_ = 0;
    row.raw.resize(newline);
    if (!row.raw.empty() && row.raw.back() == '\r') row.raw.pop_back();
    if (row.cells.size() > newline_cell + 1) row.cells.resize(newline_cell + 1);
    if (newline_cell < row.cells.size()) {
      std::string& text = row.cells[newline_cell].text;
      if (const auto cut = text.find('\n'); cut != std::string::npos) text.resize(cut);
      if (!text.empty() && text.back() == '\r') text.pop_back();
    }
    row.syntax_error = "a quoted cell is not closed (missing \")";
    row.syntax_error_cell = newline_cell;
    line_ = row.line + 1;
  }

  void read_row(Row& row) {
    row.cells.clear();
    row.raw.clear();
    row.syntax_error.clear();
    row.line = line_;
    if (first_row_ && peek() == 0xEF) {  // UTF-8 byte order mark
      std::string bom;
      for (int i = 0; i < 3 && peek() != traits::eof(); ++i) bump(bom);
      if (bom != "\xEF\xBB\xBF") row.raw = bom;
    }
    first_row_ = false;
    enum class State { FieldStart, Unquoted, Quoted, AfterQuote } state = State::FieldStart;
    Cell cell;
    std::string& raw = row.raw;
    std::optional<std::size_t> newline_cell;  // the first cell with a line break in its quotes
    bool ended_by_newline = false;
    bool too_large = false;  // the row is over kMaxRecordBytes: the rest of its line is skipped
    while (true) {
      if (raw.size() > kMaxRecordBytes) {  // skip the rest of the line without keeping it
        row.syntax_error = record_too_large_message();
        row.syntax_error_cell = row.cells.size();
        too_large = true;
        for (int c = peek(); c != traits::eof(); c = peek()) {
          advance();
          if (c == '\n') {
            ++line_;
            break;
          }
        }
        break;
      }
      const int c = peek();
      if (c == traits::eof()) {
        if (state == State::Quoted && row.syntax_error.empty()) {
          row.syntax_error = "a quoted cell is not closed (missing \")";
          row.syntax_error_cell = row.cells.size();
        }
        break;
      }
      const char ch = static_cast<char>(c);
      if (state == State::Quoted) {
        bump(raw);
        if (ch == '\n' && !newline_cell) newline_cell = row.cells.size();
        if (ch == '"') {
          if (peek() == '"') {
            bump(raw);
            cell.text.push_back('"');
          } else {
            state = State::AfterQuote;
          }
        } else {
          cell.text.push_back(ch);
        }
        continue;
      }
      if (ch == ',') {
        bump(raw);
        row.cells.push_back(std::move(cell));
        cell = Cell{};
        state = State::FieldStart;
        continue;
      }
      if (ch == '\n' || ch == '\r') {
        advance();
        if (ch == '\r' && peek() == '\n') advance();
        ++line_;  // a lone CR ends a row too
        ended_by_newline = true;
        break;
      }
      if (state == State::FieldStart && ch == '"' && trim(cell.text).empty()) {
        bump(raw);
        cell.text.clear();
        cell.quoted = true;
        state = State::Quoted;
        continue;
      }
      bump(raw);
      if (state == State::AfterQuote) {
        if (ch != ' ' && ch != '\t') {
          if (row.syntax_error.empty()) {
            row.syntax_error = "text after the closing quote of a cell";
            row.syntax_error_cell = row.cells.size();
          }
          cell.text.push_back(ch);
        }
        continue;
      }
      if (ch != ' ' && ch != '\t') state = State::Unquoted;
      cell.text.push_back(ch);
    }
    row.cells.push_back(std::move(cell));
    if (!row.syntax_error.empty() && newline_cell && !too_large) recover_unclosed_quote(row, *newline_cell, ended_by_newline);
  }

  std::streambuf* buf_;
  std::string replay_;
  std::size_t replay_pos_ = 0;
  int line_ = 1;
  bool first_row_ = true;
};

struct Column {
  enum class Kind { Ignored, Id, AsOf, Root, Member } kind = Kind::Ignored;
  int input = -1;
  std::string name;  // as written in the header
  // A column of one period of a series input, "wages[2025-Q1]": the period's index and label.
  std::optional<std::int64_t> period;
  std::string label;
};

// "wages[2025-Q1]" -> ("wages", "2025-Q1"); a name without a bracketed suffix is returned whole.
std::pair<std::string, std::optional<std::string>> split_period_suffix(const std::string& name) {
  if (name.empty() || name.back() != ']') return {name, std::nullopt};
  const auto open = name.rfind('[');
  if (open == std::string::npos) return {name, std::nullopt};
  return {std::string(trim(name.substr(0, open))), name.substr(open + 1, name.size() - open - 2)};
}

class CsvReader final : public RecordReader {
 public:
  CsvReader(const Policy& policy, std::istream& in, std::string source_name)
      : policy_(policy), scanner_(in), source_name_(std::move(source_name)) {}

  bool next(ReadResult& out) override {
    if (!started_) {
      started_ = true;
      if (!read_header()) {
        done_ = true;
        if (!header_error_) return false;  // empty input
        out = std::move(*header_error_);
        return true;
      }
    }
    if (done_) return false;

    Row first;
    if (has_pending_) {
      first = std::move(pending_);
      has_pending_ = false;
    } else if (!scanner_.read(first)) {
      done_ = true;
      return false;
    }

    if (id_column_ < 0) {  // no id column (policies without members): one household per row
      std::vector<Row> group;
      group.push_back(std::move(first));
      group_ = std::move(group);
      build(group_, "line " + std::to_string(group_.front().line), out);
      return true;
    }

    const std::string id = id_of(first);
    group_.clear();
    if (id.empty()) {
      out = RecordError{"line " + std::to_string(first.line), columns_[static_cast<std::size_t>(id_column_)].name,
                        first.cells.size() != columns_.size() ? cell_count_message(first)
                                                              : "line " + std::to_string(first.line) +
                                                                    ": the " + columns_[static_cast<std::size_t>(id_column_)].name +
                                                                    " cell is empty",
                        truncate_raw(first.raw)};
      return true;
    }
    std::vector<Row> group;
    std::size_t group_bytes = first.raw.size();
    group.push_back(std::move(first));
    Row row;
    bool too_large = false;  // the household's rows are over kMaxRecordBytes: read on, not kept
    while (scanner_.read(row)) {
      if (id_of(row) != id) {
        pending_ = std::move(row);
        has_pending_ = true;
        break;
      }
      group_bytes += row.raw.size() + 1;
      if (group_bytes > kMaxRecordBytes) too_large = true;
      if (!too_large) group.push_back(std::move(row));
    }

    const std::string label = "household " + quote_for_message(id) + " (line " +
                              std::to_string(group.front().line) + ")";
    if (too_large) {
      first_line_of_.emplace(id, group.front().line);
      out = RecordError{label, "", record_too_large_message(), truncate_raw(join_raw(group))};
      group_.clear();
      return true;
    }
    if (auto seen = first_line_of_.find(id); seen != first_line_of_.end()) {
      out = RecordError{label, "",
                        "rows of household " + quote_for_message(id) +
                            " must be consecutive: it already appeared on line " + std::to_string(seen->second),
                        truncate_raw(join_raw(group))};
      return true;
    }
    first_line_of_.emplace(id, group.front().line);
    group_ = std::move(group);
    build(group_, id, out, label);
    return true;
  }

  std::vector<RecordWarning> take_warnings() override { return std::exchange(warnings_, {}); }
  std::string raw_text() const override {
    if (group_.empty()) return {};
    return truncate_raw(join_raw(group_));
  }

 private:
  bool read_header() {
    Row header;
    if (!scanner_.read(header)) return false;
    const std::string header_label = "header (line " + std::to_string(header.line) + ")";
    const auto header_error = [&](std::string field, std::string message) {
      header_error_ = RecordError{"header (line " + std::to_string(header.line) + ")", std::move(field),
                                  std::move(message), truncate_raw(header.raw)};
      return false;
    };
    if (!header.syntax_error.empty()) return header_error("", "line " + std::to_string(header.line) + ": " + header.syntax_error);

    const auto& entities = policy_.entities();
    root_ = policy_.root_entity();
    const EntitySchema& root = entities[static_cast<std::size_t>(root_)];
    if (root.collections.size() == 1 &&
        entities[static_cast<std::size_t>(root.collections[0].entity)].collections.empty()) {
      member_ = root.collections[0].entity;
    } else if (!root.collections.empty()) {
      return header_error("", "CSV input holds one level of members (one row per member of a single "
                              "collection); this policy's " + root.name +
                              " has nested or several collections: use JSON or JSON lines");
    }
    const EntitySchema* member = member_ >= 0 ? &entities[static_cast<std::size_t>(member_)] : nullptr;
    const std::string root_prefix = lowercase(root.name);
    const std::string member_prefix = member ? lowercase(member->name) : std::string();

    columns_.resize(header.cells.size());
    for (std::size_t j = 0; j < header.cells.size(); ++j) columns_[j].name = std::string(trim(header.cells[j].text));
    // The id column: household_id, else id (unless "id" is an input).
    for (std::size_t j = 0; j < columns_.size() && id_column_ < 0; ++j)
      if (lowercase(columns_[j].name) == "household_id") id_column_ = static_cast<int>(j);
    for (std::size_t j = 0; j < columns_.size() && id_column_ < 0; ++j)
      if (lowercase(columns_[j].name) == "id" && root.input_index(columns_[j].name) < 0 &&
          (!member || member->input_index(columns_[j].name) < 0))
        id_column_ = static_cast<int>(j);
    if (id_column_ >= 0) columns_[static_cast<std::size_t>(id_column_)].kind = Column::Kind::Id;
    else if (member)
      return header_error("", "the header has no household_id column: every row needs the id of its "
                              "household, and rows with the same id form one household");
    // The household's own evaluation date: as_of (unless an entity has an input called so).
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      if (lowercase(columns_[j].name) != "as_of" || root.input_index(columns_[j].name) >= 0 ||
          (member && member->input_index(columns_[j].name) >= 0))
        continue;
      if (as_of_column_ >= 0)
        return header_error(columns_[j].name, "columns " + quote_for_message(columns_[static_cast<std::size_t>(as_of_column_)].name) +
                                                  " and " + quote_for_message(columns_[j].name) + " both give the as_of date");
      as_of_column_ = static_cast<int>(j);
      columns_[j].kind = Column::Kind::AsOf;
    }

    std::map<std::tuple<int, int, std::int64_t>, std::string> used;  // (kind, input, period) -> column name
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      Column& column = columns_[j];
      if (column.kind == Column::Kind::Id || column.kind == Column::Kind::AsOf) continue;
      const auto [name, label] = split_period_suffix(column.name);
      int root_input = -1, member_input = -1;
      bool qualified = false;
      if (auto dot = name.find('.'); dot != std::string::npos) {
        const std::string prefix = lowercase(name.substr(0, dot));
        const std::string rest = name.substr(dot + 1);
        if (prefix == root_prefix) {
          qualified = true;
          root_input = root.input_index(rest);
        } else if (member && prefix == member_prefix) {
          qualified = true;
          member_input = member->input_index(rest);
        }
      }
      if (!qualified) {
        root_input = root.input_index(name);
        member_input = member ? member->input_index(name) : -1;
        if (root_input >= 0 && member_input >= 0)
          return header_error(column.name, "column " + quote_for_message(column.name) + " is ambiguous: both " + root.name +
                                        " and " + member->name + " have an input " + name + "; write " +
                                        root_prefix + "." + name + " or " + member_prefix + "." + name);
      }
      if (root_input >= 0) {
        column.kind = Column::Kind::Root;
        column.input = root_input;
      } else if (member_input >= 0) {
        column.kind = Column::Kind::Member;
        column.input = member_input;
      } else {
        warnings_.push_back(RecordWarning{header_label, column.name,
                                          column.name.empty() ? "column without a name ignored" : "unknown column ignored"});
        continue;
      }
      const EntitySchema& owner = column.kind == Column::Kind::Root ? root : *member;
      const InputSchema& input = owner.inputs[static_cast<std::size_t>(column.input)];
      const std::string quoted = quote_for_message(column.name);
      if (input.type.is_series()) {
        const std::string example = input.name + "[" + period_example(input.type.period) + "]";
        if (!label)
          return header_error(column.name, "column " + quoted + ": " + input.name + " is " +
                                               series_type_name(policy_, input.type) + ", so it takes one column per " +
                                               period_noun(input.type.period) + ", named like " + example);
        std::string message;
        column.period = parse_period_label(input.type.period, *label, &message);
        if (!column.period) return header_error(column.name, "column " + quoted + ": " + message + " between the brackets");
        column.label = *label;
      } else if (label) {
        return header_error(column.name, "column " + quoted + ": " + input.name + " is not a series (it is " +
                                             type_name(input.type, policy_.enums()) + "), so its column is named " +
                                             input.name + " without brackets");
      }
      auto [it, inserted] = used.emplace(
          std::tuple{static_cast<int>(column.kind), column.input, column.period.value_or(0)}, column.name);
      if (!inserted)
        return header_error(column.name, "columns " + quote_for_message(it->second) + " and " + quoted +
                                             (column.period ? " give the same " + std::string(period_noun(input.type.period)) +
                                                                  " of the same input"
                                                            : " give the same input"));
    }
    return true;
  }

  std::string id_of(const Row& row) const {
    const auto j = static_cast<std::size_t>(id_column_);
    return j < row.cells.size() ? std::string(cell_value(row.cells[j])) : std::string();
  }

  std::string cell_count_message(const Row& row) const {
    return "line " + std::to_string(row.line) + " has " + std::to_string(row.cells.size()) +
           (row.cells.size() == 1 ? " cell" : " cells") + " but the header has " + std::to_string(columns_.size());
  }

  static std::string join_raw(const std::vector<Row>& rows) {
    std::string raw;
    for (const Row& row : rows) {
      if (!raw.empty()) raw.push_back('\n');
      raw += row.raw;
      if (raw.size() > kMaxRawBytes) break;
    }
    return raw;
  }

  // The field path of a cell of `column` on a row that would be member number members_so_far + 1.
  std::string column_field(const Column& column, std::size_t members_so_far) const {
    const auto& entities = policy_.entities();
    switch (column.kind) {
      case Column::Kind::Id:
      case Column::Kind::Ignored: return column.name;
      case Column::Kind::AsOf: return "as_of";
      case Column::Kind::Root: {
        const auto& name = entities[static_cast<std::size_t>(root_)].inputs[static_cast<std::size_t>(column.input)].name;
        return column.period ? series_field_path(name, column.label) : name;
      }
      case Column::Kind::Member: {
        const EntitySchema& root = entities[static_cast<std::size_t>(root_)];
        const auto& name = entities[static_cast<std::size_t>(member_)].inputs[static_cast<std::size_t>(column.input)].name;
        const std::string path =
            field_path(member_path("", root.collections[0].name, members_so_far + 1) + ".", name);
        return column.period ? series_field_path(path, column.label) : path;
      }
    }
    return column.name;
  }

  // A household's value (a root input, one period of a root series, or as_of) given on one of its
  // rows: the first row that gives it wins, later rows may repeat it or leave it empty.
  struct Given {
    Value value;
    int line = 0;
  };

  void build(const std::vector<Row>& rows, std::string id, ReadResult& out, std::string label = {}) {
    if (label.empty()) label = id;
    auto reject = [&](std::string field, std::string message) {
      out = RecordError{label, std::move(field), std::move(message), truncate_raw(join_raw(rows))};
    };
    const auto& entities = policy_.entities();
    const EntitySchema& root = entities[static_cast<std::size_t>(root_)];
    EntityRecord record = policy_.empty_record(root_);
    // Household values by (input, period), and the as_of date (input -1).
    std::map<std::pair<int, std::int64_t>, Given> household;
    for (const Row& row : rows) {
      const std::string at = "line " + std::to_string(row.line);
      if (!row.syntax_error.empty()) {
        const std::size_t members_so_far = member_ >= 0 ? record.collections[0].size() : 0;
        if (row.syntax_error_cell < columns_.size()) {
          const Column& column = columns_[row.syntax_error_cell];
          return reject(column_field(column, members_so_far),
                        at + ", column " + column.name + ": " + row.syntax_error);
        }
        return reject("", at + ": " + row.syntax_error);
      }
      if (row.cells.size() != columns_.size()) return reject("", cell_count_message(row));
      for (std::size_t j = 0; j < columns_.size(); ++j) {
        const Column& column = columns_[j];
        if (column.kind != Column::Kind::Root && column.kind != Column::Kind::AsOf) continue;
        const std::string_view text = cell_value(row.cells[j]);
        if (text.empty()) continue;
        std::optional<Value> value;
        Type type{TypeKind::Date};
        std::string field = "as_of";
        if (column.kind == Column::Kind::AsOf) {
          if (auto date = Date::parse(text)) value = Value::of_date(*date);
          else return reject(field, at + ", column " + column.name + ": " + as_of_message(quote_for_message(text)));
        } else {
          const InputSchema& schema = root.inputs[static_cast<std::size_t>(column.input)];
          type = schema.type.element();
          field = column.period ? series_field_path(schema.name, column.label) : schema.name;
          if (auto message = assign_from_text(policy_, type, text, value))
            return reject(field, at + ", column " + column.name + ": " + *message);
        }
        const std::pair<int, std::int64_t> key{column.kind == Column::Kind::AsOf ? -1 : column.input,
                                               column.period.value_or(0)};
        auto [it, inserted] = household.try_emplace(key, Given{*value, row.line});
        if (!inserted && !same_value(type, it->second.value, *value))
          return reject(field, at + ", column " + column.name + ": " + quote_for_message(text) +
                                   " differs from the value given for this household on line " +
                                   std::to_string(it->second.line) + " (" +
                                   format_value(type, it->second.value, policy_.enums()) + ")");
      }
      if (member_ < 0) continue;
      // A member, unless all its cells are empty (a household without members).
      bool any = false;
      for (std::size_t j = 0; j < columns_.size() && !any; ++j)
        any = columns_[j].kind == Column::Kind::Member && !cell_value(row.cells[j]).empty();
      if (!any) continue;
      auto& members = record.collections[0];
      const EntitySchema& member = entities[static_cast<std::size_t>(member_)];
      EntityRecord person = policy_.empty_record(member_);
      std::map<int, SeriesValues> series;  // by input
      const std::string prefix = member_path("", root.collections[0].name, members.size() + 1) + ".";
      for (std::size_t j = 0; j < columns_.size(); ++j) {
        const Column& column = columns_[j];
        if (column.kind != Column::Kind::Member) continue;
        const std::string_view text = cell_value(row.cells[j]);
        if (text.empty()) continue;
        const auto input = static_cast<std::size_t>(column.input);
        const InputSchema& schema = member.inputs[input];
        if (!column.period) {
          if (auto message = assign_from_text(policy_, schema, text, person.inputs[input]))
            return reject(field_path(prefix, schema.name), at + ", column " + column.name + ": " + *message);
          continue;
        }
        std::optional<Value> value;
        if (auto message = assign_from_text(policy_, schema.type.element(), text, value))
          return reject(series_field_path(field_path(prefix, schema.name), column.label),
                        at + ", column " + column.name + ": " + *message);
        series[column.input].emplace(*column.period, std::move(*value));
      }
      for (auto& [input, values] : series)
        person.inputs[static_cast<std::size_t>(input)] = Value::of_series(std::move(values));
      members.push_back(std::move(person));
    }
    std::optional<Date> as_of;
    std::map<int, SeriesValues> root_series;
    for (auto& [key, given] : household) {
      const auto [input, period] = key;
      if (input < 0) as_of = given.value.as_date();
      else if (root.inputs[static_cast<std::size_t>(input)].type.is_series())
        root_series[input].emplace(period, std::move(given.value));
      else record.inputs[static_cast<std::size_t>(input)] = std::move(given.value);
    }
    for (auto& [input, values] : root_series)
      record.inputs[static_cast<std::size_t>(input)] = Value::of_series(std::move(values));
    out = Record{std::move(id), std::move(record), as_of, std::move(label)};
  }

  const Policy& policy_;
  CsvScanner scanner_;
  std::string source_name_;
  bool started_ = false;
  bool done_ = false;
  std::optional<RecordError> header_error_;
  int root_ = -1;
  int member_ = -1;
  int id_column_ = -1;
  int as_of_column_ = -1;
  std::vector<Column> columns_;
  std::vector<Row> group_;  // the rows of the household last read, for raw_text()
  Row pending_;
  bool has_pending_ = false;
  std::map<std::string, int, std::less<>> first_line_of_;
  std::vector<RecordWarning> warnings_;
};

}  // namespace

std::unique_ptr<RecordReader> make_csv_reader(const Policy& policy, std::istream& in,
                                              const std::string& source_name) {
  return std::make_unique<CsvReader>(policy, in, source_name);
}

}  // namespace pol::io::detail
