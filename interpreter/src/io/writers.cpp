// Outcome writers (CSV, JSON lines, aligned table) and the rejects writer.
#include <algorithm>
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

// CSV rows appended to a string: one row per record, or per member with outputs (Layout::rows),
// written without building the cells one by one.
class CsvFormatter final : public OutcomeFormatter {
 public:
  explicit CsvFormatter(const Policy& policy) : policy_(policy), layout_(policy) {}

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
    const auto& outputs = policy_.outputs();
    // The root outputs, each with the comma before it: the same on every row of the record.
    root_.clear();
    for (std::size_t i : layout_.root) {
      root_.push_back(',');
      if (i < outcome.outputs.size()) append_value(root_, outcome.outputs, i);
    }
    if (!layout_.has_members()) {
      append_csv_field(out, record.id);
      out += root_;
      out.push_back('\n');
      return;
    }
    bool any = false;
    for (const MemberOutcome& member : outcome.members) {
      if (!layout_.has_outputs(policy_, member)) continue;
      any = true;
      append_csv_field(out, record.id);
      out.push_back(',');
      append_csv_field(out, member.path);
      out += root_;
      for (std::size_t i : layout_.members) {
        out.push_back(',');
        if (outputs[i].entity == member.entity && i < member.outputs.size()) append_value(out, member.outputs, i);
      }
      out.push_back('\n');
    }
    if (!any) {
      append_csv_field(out, record.id);
      out.push_back(',');
      out += root_;
      out.append(layout_.members.size(), ',');
      out.push_back('\n');
    }
  }

 private:
  void append_value(std::string& out, const std::vector<Value>& values, std::size_t i) {
    const Type& type = policy_.outputs()[i].type;
    if (is_plain_number_or_boolean(type)) detail::append_value(out, type, values[i], policy_.enums());  // nothing to quote
    else append_csv_field(out, format_value(type, values[i], policy_.enums()));
  }

  const Policy& policy_;
  Layout layout_;
  std::string root_;
};

class JsonLinesFormatter final : public OutcomeFormatter {
 public:
  explicit JsonLinesFormatter(const Policy& policy) : policy_(policy), layout_(policy) {
    for (const auto& output : policy_.outputs()) {
      std::string key = ",";
      detail::append_json_string(key, output.name);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
  }

  void append_header(std::string&) override {}

  void append(const Record& record, const Outcome& outcome, std::string& out) override {
    if (!outcome.ok) return;
    out += "{\"id\":";
    detail::append_json_string(out, record.id);
    for (std::size_t i : layout_.root) append_output(out, outcome.outputs, i);
    if (layout_.has_members()) {
      out += ",\"members\":[";
      bool first = true;
      for (const MemberOutcome& member : outcome.members) {
        if (!layout_.has_outputs(policy_, member)) continue;
        out += first ? "{\"member\":" : ",{\"member\":";
        first = false;
        detail::append_json_string(out, member.path);
        for (std::size_t i : layout_.members)
          if (policy_.outputs()[i].entity == member.entity) append_output(out, member.outputs, i);
        out += "}";
      }
      out += "]";
    }
    out += "}\n";
  }

 private:
  void append_output(std::string& out, const std::vector<Value>& values, std::size_t i) {
    if (i >= values.size()) return;
    out += keys_[i];
    const Type& type = policy_.outputs()[i].type;
    // Integers and booleans are JSON numbers and literals; decimals, money and rates are
    // strings so that no reader turns them into binary floating point.
    if (is_plain_number_or_boolean(type)) {
      if (type.kind == TypeKind::Integer || type.kind == TypeKind::Boolean) {
        detail::append_value(out, type, values[i], policy_.enums());
      } else {
        out.push_back('"');  // digits, '-' and '.': nothing to escape
        detail::append_value(out, type, values[i], policy_.enums());
        out.push_back('"');
      }
      return;
    }
    const std::string text = format_value(type, values[i], policy_.enums());
    if (type.kind == TypeKind::Integer || type.kind == TypeKind::Boolean) out += text;
    else detail::append_json_string(out, text);
  }

  const Policy& policy_;
  Layout layout_;
  std::vector<std::string> keys_;  // ,"name":
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
