// CSV record reader: one row per member (person) of the root entity's collection, with the
// household's id on every row; consecutive rows with the same id form one household.
//
// RFC 4180: cells separated by ',', rows by LF or CRLF; a cell in double quotes may hold ',',
// line breaks and "" (one quote). Unquoted cells are trimmed of spaces and tabs. Rows of only
// blanks and commas are skipped.
#include <algorithm>
#include <deque>
#include <map>
#include <string>
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
  int peek() { return buf_ ? buf_->sgetc() : traits::eof(); }
  char bump(std::string& raw) {
    const char c = static_cast<char>(buf_->sbumpc());
    if (c == '\n') ++line_;
    raw.push_back(c);
    return c;
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
    while (true) {
      const int c = peek();
      if (c == traits::eof()) {
        if (state == State::Quoted && row.syntax_error.empty())
          row.syntax_error = "a quoted cell is not closed (missing \")";
        break;
      }
      const char ch = static_cast<char>(c);
      if (state == State::Quoted) {
        bump(raw);
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
        buf_->sbumpc();
        if (ch == '\r' && peek() == '\n') buf_->sbumpc();
        ++line_;  // a lone CR ends a row too
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
          if (row.syntax_error.empty()) row.syntax_error = "text after the closing quote of a cell";
          cell.text.push_back(ch);
        }
        continue;
      }
      if (ch != ' ' && ch != '\t') state = State::Unquoted;
      cell.text.push_back(ch);
    }
    row.cells.push_back(std::move(cell));
  }

  std::streambuf* buf_;
  int line_ = 1;
  bool first_row_ = true;
};

struct Column {
  enum class Kind { Ignored, Id, Root, Member } kind = Kind::Ignored;
  int input = -1;
  std::string name;  // as written in the header
};

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
      build(group, "line " + std::to_string(group.front().line), out);
      return true;
    }

    const std::string id = id_of(first);
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
    group.push_back(std::move(first));
    Row row;
    while (scanner_.read(row)) {
      if (id_of(row) != id) {
        pending_ = std::move(row);
        has_pending_ = true;
        break;
      }
      group.push_back(std::move(row));
    }

    const std::string label = "household " + quote_for_message(id) + " (line " +
                              std::to_string(group.front().line) + ")";
    if (auto seen = first_line_of_.find(id); seen != first_line_of_.end()) {
      out = RecordError{label, "",
                        "rows of household " + quote_for_message(id) +
                            " must be consecutive: it already appeared on line " + std::to_string(seen->second),
                        truncate_raw(join_raw(group))};
      return true;
    }
    first_line_of_.emplace(id, group.front().line);
    build(group, id, out, label);
    return true;
  }

  std::vector<RecordWarning> take_warnings() override { return std::exchange(warnings_, {}); }

 private:
  bool read_header() {
    Row header;
    if (!scanner_.read(header)) return false;
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

    std::map<std::pair<int, int>, std::string> used;  // (kind, input) -> column name
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      Column& column = columns_[j];
      if (column.kind == Column::Kind::Id) continue;
      const std::string& name = column.name;
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
          return header_error(name, "column " + quote_for_message(name) + " is ambiguous: both " + root.name +
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
        warnings_.push_back(RecordWarning{"header (line " + std::to_string(header.line) + ")", name,
                                          name.empty() ? "column without a name ignored" : "unknown column ignored"});
        continue;
      }
      auto [it, inserted] = used.emplace(std::pair{static_cast<int>(column.kind), column.input}, name);
      if (!inserted)
        return header_error(name, "columns " + quote_for_message(it->second) + " and " + quote_for_message(name) +
                                      " give the same input");
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

  void build(const std::vector<Row>& rows, std::string id, ReadResult& out, std::string label = {}) {
    if (label.empty()) label = id;
    auto reject = [&](std::string field, std::string message) {
      out = RecordError{label, std::move(field), std::move(message), truncate_raw(join_raw(rows))};
    };
    const auto& entities = policy_.entities();
    const EntitySchema& root = entities[static_cast<std::size_t>(root_)];
    EntityRecord record = policy_.empty_record(root_);
    std::vector<int> given_on(root.inputs.size(), 0);  // line where each household value came from
    for (const Row& row : rows) {
      const std::string at = "line " + std::to_string(row.line);
      if (!row.syntax_error.empty()) return reject("", at + ": " + row.syntax_error);
      if (row.cells.size() != columns_.size()) return reject("", cell_count_message(row));
      // Household values: from the first row that gives them; later rows may repeat them.
      for (std::size_t j = 0; j < columns_.size(); ++j) {
        const Column& column = columns_[j];
        if (column.kind != Column::Kind::Root) continue;
        const std::string_view text = cell_value(row.cells[j]);
        if (text.empty()) continue;
        const auto input = static_cast<std::size_t>(column.input);
        const InputSchema& schema = root.inputs[input];
        std::optional<Value> value;
        if (auto message = assign_from_text(policy_, schema, text, value))
          return reject(schema.name, at + ", column " + column.name + ": " + *message);
        auto& slot = record.inputs[input];
        if (!slot) {
          slot = std::move(value);
          given_on[input] = row.line;
        } else if (!same_value(schema.type, *slot, *value)) {
          return reject(schema.name, at + ", column " + column.name + ": " + quote_for_message(text) +
                                         " differs from the value given for this household on line " +
                                         std::to_string(given_on[input]) + " (" +
                                         format_value(schema.type, *slot, policy_.enums()) + ")");
        }
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
      const std::string prefix = member_path("", root.collections[0].name, members.size() + 1) + ".";
      for (std::size_t j = 0; j < columns_.size(); ++j) {
        const Column& column = columns_[j];
        if (column.kind != Column::Kind::Member) continue;
        const std::string_view text = cell_value(row.cells[j]);
        if (text.empty()) continue;
        const auto input = static_cast<std::size_t>(column.input);
        if (auto message = assign_from_text(policy_, member.inputs[input], text, person.inputs[input]))
          return reject(field_path(prefix, member.inputs[input].name), at + ", column " + column.name + ": " + *message);
      }
      members.push_back(std::move(person));
    }
    out = Record{std::move(id), std::move(record)};
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
  std::vector<Column> columns_;
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
