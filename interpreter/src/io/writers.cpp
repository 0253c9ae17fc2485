// Outcome writers (CSV, JSON lines, aligned table) and the rejects writer.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "io/record_builder.hpp"
#include "pol/io.hpp"

namespace pol::io {

namespace {

// RFC 4180: quoted only when needed (a comma, a quote or a line break), quotes doubled.
void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += text;
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

// Numbers and booleans are written as digits, '-', '.', true or false: never quoted in CSV, never
// escaped in JSON.
bool is_plain_number_or_boolean(const Type& type) {
  return !type.is_series() && (type.is_numeric() || type.kind == TypeKind::Boolean);
}

// Which outputs are the record's and which are its members': outputs on the root entity (or on
// no entity in particular) are written once per record; outputs on another entity once per member.
struct Layout {
  std::vector<std::size_t> root;     // indexes into Policy::outputs()
  std::vector<std::size_t> members;  // indexes into Policy::outputs(), in declaration order

  explicit Layout(const Policy& policy) {
    const auto& outputs = policy.outputs();
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].entity < 0 || outputs[i].entity == policy.root_entity()) root.push_back(i);
      else members.push_back(i);
    }
  }
  bool has_members() const { return !members.empty(); }

  // Whether `member` has outputs of its own (members of entities without outputs are not rows).
  bool has_outputs(const Policy& policy, const MemberOutcome& member) const {
    for (std::size_t i : members)
      if (policy.outputs()[i].entity == member.entity) return true;
    return false;
  }

  // Header cells: id, [member], root outputs, member outputs.
  std::vector<std::string> header(const Policy& policy) const {
    std::vector<std::string> cells{"id"};
    if (has_members()) cells.push_back("member");
    for (std::size_t i : root) cells.push_back(policy.outputs()[i].name);
    for (std::size_t i : members) cells.push_back(policy.outputs()[i].name);
    return cells;
  }

  // The rows of one record, as text cells shaped like header(): one row without member outputs;
  // with them, one row per member that has outputs, or one row with the member cells empty.
  template <typename Row>
  void rows(const Policy& policy, const Record& record, const Outcome& outcome, Row&& row) const {
    const auto& outputs = policy.outputs();
    std::vector<std::string> cells;
    auto text = [&](const std::vector<Value>& values, std::size_t i) {
      return i < values.size() ? format_value(outputs[i].type, values[i], policy.enums()) : std::string();
    };
    auto start = [&](std::string member) {
      cells.clear();
      cells.push_back(record.id);
      if (has_members()) cells.push_back(std::move(member));
      for (std::size_t i : root) cells.push_back(text(outcome.outputs, i));
    };
    if (!has_members()) {
      start({});
      row(cells);
      return;
    }
    bool any = false;
    for (const MemberOutcome& member : outcome.members) {
      if (!has_outputs(policy, member)) continue;
      any = true;
      start(member.path);
      for (std::size_t i : members)
        cells.push_back(outputs[i].entity == member.entity ? text(member.outputs, i) : std::string());
      row(cells);
    }
    if (!any) {
      start({});
      cells.resize(cells.size() + members.size());
      row(cells);
    }
  }
};

// Bytes that make a CSV field quoted, and bytes a JSON string must escape or validate (controls,
// '"', '\\', DEL and everything past ASCII): ids and member paths rarely have any, so they are
// scanned with a table and copied whole.
struct ByteClasses {
  bool csv_special[256] = {};
  bool json_special[256] = {};
  constexpr ByteClasses() {
    for (char c : {',', '"', '\n', '\r'}) csv_special[static_cast<unsigned char>(c)] = true;
    for (int c = 0; c < 256; ++c) json_special[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x7F;
  }
};
constexpr ByteClasses kBytes;

// How an output is written, decided once per formatter rather than per value.
struct Column {
  enum class Form : std::uint8_t { Boolean, Number, Other };
  std::size_t output = 0;  // index into Policy::outputs()
  int entity = -1;
  Form form = Form::Other;
  int min_scale = 0;      // Number: 2 for money, else 0
  bool quoted = false;    // JSON: a decimal, money or rate, written as a string
  std::string prefix;     // CSV ","; JSON ,"name": followed by padding
  std::size_t prefix_size = 0;
  std::size_t bound = 0;  // most bytes the column writes without formatting through a string
};

// The rows of the CSV and JSON lines formatters: each row is written through a raw pointer into a
// buffer sized once for the row's bound, then appended to the output at once. Values that only
// format_value formats (text, dates, enumerations, series, wide numbers) are the exception: what
// precedes them is appended, then their text.
class RowFormatter : public OutcomeFormatter {
 protected:
  RowFormatter(const Policy& policy, bool json) : policy_(policy), layout_(policy), json_(json) {
    const auto& outputs = policy.outputs();
    auto column = [&](std::size_t i) {
      const Type& type = outputs[i].type;
      Column c;
      c.output = i;
      c.entity = outputs[i].entity;
      if (json) {
        c.prefix = ",";
        detail::append_json_string(c.prefix, outputs[i].name);
        c.prefix.push_back(':');
      } else {
        c.prefix = ",";
      }
      if (is_plain_number_or_boolean(type)) {
        if (type.kind == TypeKind::Boolean) {
          c.form = Column::Form::Boolean;
        } else {
          c.form = Column::Form::Number;
          c.min_scale = type.kind == TypeKind::Money ? 2 : 0;
          c.quoted = json && type.kind != TypeKind::Integer;
        }
      }
      // The prefix is copied 32 bytes at once, or 8 at a time when longer (a variable-length
      // memcpy is a call).
      c.prefix_size = c.prefix.size();
      c.prefix.resize(std::max<std::size_t>(32, (c.prefix_size + 7) / 8 * 8), ' ');
      c.bound = c.prefix.size() + 2 + detail::kDecimalRoom + static_cast<std::size_t>(c.min_scale);
      return c;
    };
    for (std::size_t i : layout_.root) root_.push_back(column(i));
    for (std::size_t i : layout_.members) members_.push_back(column(i));
    for (const Column& c : root_) {
      root_bound_ += c.bound;
      root_size_ = std::max(root_size_, c.output + 1);
    }
    for (const Column& c : members_) {
      members_bound_ += c.bound;
      if (c.entity >= 0) {
        const auto e = static_cast<std::size_t>(c.entity);
        if (entity_has_outputs_.size() <= e) entity_has_outputs_.resize(e + 1, false);
        entity_has_outputs_[e] = true;
      }
    }
  }

  bool has_outputs(const MemberOutcome& member) const {
    return member.entity >= 0 && static_cast<std::size_t>(member.entity) < entity_has_outputs_.size() &&
           entity_has_outputs_[static_cast<std::size_t>(member.entity)];
  }

  // The row buffer, with room for `bound` bytes.
  char* start_row(std::size_t bound) {
    if (buffer_.size() < bound) buffer_.resize(std::max(bound, 2 * buffer_.size()));
    return buffer_.data();
  }
  void end_row(const char* p, std::string& out) { out.append(buffer_.data(), static_cast<std::size_t>(p - buffer_.data())); }

  // The column's prefix and value of values[c.output] (CSV: the prefix alone if there is none;
  // JSON: nothing). May append the row so far to `out` and restart the buffer. Unless Check,
  // the caller knows values[c.output] is there.
  template <bool Json, bool Check = true>
  [[gnu::always_inline]] char* put(char* p, const Column& c, const std::vector<Value>& values, std::string& out) {
    const bool present = !Check || c.output < values.size();
    if (Json && !present) return p;
    if constexpr (!Json) {
      *p++ = ',';
    } else {
      if (c.prefix_size <= 32) [[likely]] std::memcpy(p, c.prefix.data(), 32);
      else for (std::size_t k = 0; k < c.prefix_size; k += 8) std::memcpy(p + k, c.prefix.data() + k, 8);
      p += c.prefix_size;
    }
    if (!present) return p;
    const Value& value = values[c.output];
    switch (c.form) {
      case Column::Form::Boolean:
        std::memcpy(p, value.as_bool() ? "true" : "false", 5);
        return p + (value.as_bool() ? 4 : 5);
      case Column::Form::Number: {
        char* q = p + c.quoted;
        if (char* end = detail::write_decimal(q, value.number, c.min_scale)) [[likely]] {
          if (!c.quoted) return end;
          *p = '"';
          *end = '"';
          return end + 1;
        }
        break;
      }
      case Column::Form::Other: break;
    }
    return put_formatted(p, c, value, out);
  }

  // The value's text from format_value, appended to `out` after the row so far.
  [[gnu::noinline]] char* put_formatted(char* p, const Column& c, const Value& value, std::string& out) {
    end_row(p, out);
    const Type& type = policy_.outputs()[c.output].type;
    const std::string text = format_value(type, value, policy_.enums());
    if (!json_) append_csv_field(out, text);
    else if (c.form == Column::Form::Number && !c.quoted) out += text;  // integers
    else if (type.kind == TypeKind::Integer || type.kind == TypeKind::Boolean) out += text;
    else if (c.quoted) out.append("\"").append(text).append("\"");  // digits, '-' and '.'
    else detail::append_json_string(out, text);
    return buffer_.data();
  }

  // `text` as a CSV field (2 * size + 2 bytes at most): copied while looking for what needs
  // quoting, quoted over again in the rare case it does.
  static char* put_csv_field(char* p, std::string_view text) {
    bool special = false;
    for (char c : text) {
      special |= kBytes.csv_special[static_cast<unsigned char>(c)];
      *p++ = c;
    }
    if (!special) [[likely]] return p;
    p -= text.size();
    *p++ = '"';
    for (char c : text) {
      if (c == '"') *p++ = '"';
      *p++ = c;
    }
    *p++ = '"';
    return p;
  }

  // `text` as a JSON string (size + 2 bytes): copied between quotes when nothing in it needs
  // escaping or checking, else through append_json_string (appending the row so far first).
  char* put_json_string(char* p, std::string_view text, std::string& out) {
    bool special = false;
    *p++ = '"';
    for (char c : text) {
      special |= kBytes.json_special[static_cast<unsigned char>(c)];
      *p++ = c;
    }
    if (!special) [[likely]] {
      *p++ = '"';
      return p;
    }
    end_row(p - text.size() - 1, out);
    detail::append_json_string(out, text);
    return buffer_.data();
  }

  const Policy& policy_;
  Layout layout_;
  bool json_;
  std::vector<Column> root_, members_;  // layout_.root and layout_.members
  std::size_t root_bound_ = 0, members_bound_ = 0;
  std::size_t root_size_ = 0;  // outputs a record's outcome has when it has every root output
  std::vector<bool> entity_has_outputs_;  // by entity: whether some member output is on it
  std::string buffer_;
};

// CSV rows appended to a string: one row per record, or per member with outputs (Layout::rows).
class CsvFormatter final : public RowFormatter {
 public:
  explicit CsvFormatter(const Policy& policy) : RowFormatter(policy, false) {}

  void append_header(std::string& out) override {
    std::string line;
    for (const std::string& cell : layout_.header(policy_)) {
      if (!line.empty()) line.push_back(',');
      append_csv_field(line, cell);
    }
    line.push_back('\n');
    out += line;
  }

  void append(const Record& record, const Outcome& outcome, std::string& out) override {
    if (!outcome.ok) return;
    if (!layout_.has_members()) {
      char* p = start_row(2 * record.id.size() + 3 + root_bound_);
      p = put_csv_field(p, record.id);
      if (outcome.outputs.size() >= root_size_) [[likely]] {
        for (const Column& c : root_) p = put<false, false>(p, c, outcome.outputs, out);
      } else {
        for (const Column& c : root_) p = put<false>(p, c, outcome.outputs, out);
      }
      *p++ = '\n';
      end_row(p, out);
      return;
    }
    // The root outputs, each with the comma before it: the same on every row of the record.
    root_text_.clear();
    char* p = start_row(root_bound_);
    for (const Column& c : root_) p = put<false>(p, c, outcome.outputs, root_text_);
    end_row(p, root_text_);
    bool any = false;
    for (const MemberOutcome& member : outcome.members) {
      if (!has_outputs(member)) continue;
      any = true;
      p = start_row(2 * (record.id.size() + member.path.size()) + 6 + root_text_.size() + members_bound_);
      p = put_csv_field(p, record.id);
      *p++ = ',';
      p = put_csv_field(p, member.path);
      std::memcpy(p, root_text_.data(), root_text_.size());
      p += root_text_.size();
      for (const Column& c : members_) {
        if (c.entity == member.entity) {
          p = put<false>(p, c, member.outputs, out);
        } else {
          *p++ = ',';
        }
      }
      *p++ = '\n';
      end_row(p, out);
    }
    if (!any) {
      out.reserve(out.size() + 2 * record.id.size() + 4 + root_text_.size() + members_.size());
      append_csv_field(out, record.id);
      out.push_back(',');
      out += root_text_;
      out.append(members_.size(), ',');
      out.push_back('\n');
    }
  }

 private:
  std::string root_text_;
};

class JsonLinesFormatter final : public RowFormatter {
 public:
  explicit JsonLinesFormatter(const Policy& policy) : RowFormatter(policy, true) {}

  void append_header(std::string&) override {}

  void append(const Record& record, const Outcome& outcome, std::string& out) override {
    if (!outcome.ok) return;
    // {"id":"" ,"members":[ ]}\n: 23 bytes around the id and the outputs.
    char* p = start_row(record.id.size() + 23 + root_bound_);
    std::memcpy(p, "{\"id\":", 6);
    p = put_json_string(p + 6, record.id, out);
    if (outcome.outputs.size() >= root_size_) [[likely]] {
      for (const Column& c : root_) p = put<true, false>(p, c, outcome.outputs, out);
    } else {
      for (const Column& c : root_) p = put<true>(p, c, outcome.outputs, out);
    }
    if (layout_.has_members()) {
      std::memcpy(p, ",\"members\":[", 12);
      p += 12;
      bool first = true;
      for (const MemberOutcome& member : outcome.members) {
        if (!has_outputs(member)) continue;
        // The room left may not hold this member: append the line so far and start again.
        end_row(p, out);
        // ,{"member":""} ]}\n: 17 bytes around the path and the outputs.
        p = start_row(member.path.size() + 17 + members_bound_);
        if (!first) *p++ = ',';
        first = false;
        std::memcpy(p, "{\"member\":", 10);
        p = put_json_string(p + 10, member.path, out);
        for (const Column& c : members_)
          if (c.entity == member.entity) p = put<true>(p, c, member.outputs, out);
        *p++ = '}';
      }
      *p++ = ']';
    }
    *p++ = '}';
    *p++ = '\n';
    end_row(p, out);
  }
};

// CSV and JSON lines: a formatter's rows, written to a stream.
class FormattingWriter final : public OutcomeWriter {
 public:
  FormattingWriter(std::unique_ptr<OutcomeFormatter> formatter, std::ostream& out)
      : formatter_(std::move(formatter)), out_(out) {
    formatter_->append_header(line_);
    flush_line();
  }

  void write(const Record& record, const Outcome& outcome) override {
    formatter_->append(record, outcome, line_);
    flush_line();
  }

  void finish() override { out_.flush(); }

 private:
  void flush_line() {
    if (!line_.empty()) out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    line_.clear();
  }

  std::unique_ptr<OutcomeFormatter> formatter_;
  std::ostream& out_;
  std::string line_;
};

// Display width of UTF-8 text, counted in code points (close enough for ids and values).
std::size_t text_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Collects rows and prints them as aligned columns at the end: for people, not for pipelines.
class TableWriter final : public OutcomeWriter {
 public:
  TableWriter(const Policy& policy, std::ostream& out) : policy_(policy), out_(out), layout_(policy) {
    rows_.push_back(layout_.header(policy_));
    numeric_.push_back(false);  // id
    if (layout_.has_members()) numeric_.push_back(false);
    for (std::size_t i : layout_.root) numeric_.push_back(policy_.outputs()[i].type.is_numeric());
    for (std::size_t i : layout_.members) numeric_.push_back(policy_.outputs()[i].type.is_numeric());
  }

  void write(const Record& record, const Outcome& outcome) override {
    if (!outcome.ok) return;
    layout_.rows(policy_, record, outcome, [&](const std::vector<std::string>& cells) { rows_.push_back(cells); });
  }

  void finish() override {
    std::vector<std::size_t> width(rows_[0].size(), 0);
    for (const auto& row : rows_)
      for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], text_width(row[i]));
    std::string line;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      line.clear();
      for (std::size_t i = 0; i < rows_[r].size() && i < width.size(); ++i) {
        if (i) line += "  ";
        const std::string& cell = rows_[r][i];
        const std::string pad(width[i] - text_width(cell), ' ');
        line += numeric_[i] ? pad + cell : cell + pad;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out_ << line << "\n";
      if (r == 0) {
        line.clear();
        for (std::size_t i = 0; i < width.size(); ++i) line += (i ? "  " : "") + std::string(width[i], '-');
        out_ << line << "\n";
      }
    }
    out_.flush();
  }

 private:
  const Policy& policy_;
  std::ostream& out_;
  Layout layout_;
  std::vector<bool> numeric_;  // by column: aligned right
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::unique_ptr<OutcomeFormatter> open_formatter(const Policy& policy, OutputFormat format) {
  switch (format) {
    case OutputFormat::Csv: return std::make_unique<CsvFormatter>(policy);
    case OutputFormat::JsonLines: return std::make_unique<JsonLinesFormatter>(policy);
    case OutputFormat::Table: return nullptr;
  }
  return std::make_unique<CsvFormatter>(policy);
}

std::unique_ptr<OutcomeWriter> open_writer(const Policy& policy, std::ostream& out, OutputFormat format) {
  if (format == OutputFormat::Table) return std::make_unique<TableWriter>(policy, out);
  return std::make_unique<FormattingWriter>(open_formatter(policy, format), out);
}

void RejectWriter::write(const RecordError& error) {
  std::string line;
  append(error, line);
  out_ << line;
}

void RejectWriter::append(const RecordError& error, std::string& line) {
  line += "{\"record\":";
  detail::append_json_string(line, error.record);
  line += ",\"field\":";
  if (error.field.empty()) line += "null";
  else detail::append_json_string(line, error.field);
  line += ",\"error\":";
  detail::append_json_string(line, error.message);
  line += ",\"input\":";
  detail::append_json_string(line, error.raw);
  line += "}\n";
}

}  // namespace pol::io
