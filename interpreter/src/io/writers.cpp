// Outcome writers (CSV, JSON lines) and the rejects writer.
#include <string>

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

class CsvWriter final : public OutcomeWriter {
 public:
  CsvWriter(const Policy& policy, std::ostream& out) : policy_(policy), out_(out) {
    std::string line = "id";
    for (const auto& output : policy_.outputs()) {
      line.push_back(',');
      append_csv_field(line, output.name);
    }
    line.push_back('\n');
    out_ << line;
  }

  void write(const Record& record, const Outcome& outcome) override {
    if (!outcome.ok) return;
    line_.clear();
    append_csv_field(line_, record.id);
    const auto& outputs = policy_.outputs();
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      line_.push_back(',');
      if (i < outcome.outputs.size())
        append_csv_field(line_, format_value(outputs[i].type, outcome.outputs[i], policy_.enums()));
    }
    line_.push_back('\n');
    out_ << line_;
  }

  void finish() override { out_.flush(); }

 private:
  const Policy& policy_;
  std::ostream& out_;
  std::string line_;
};

class JsonLinesWriter final : public OutcomeWriter {
 public:
  JsonLinesWriter(const Policy& policy, std::ostream& out) : policy_(policy), out_(out) {
    for (const auto& output : policy_.outputs()) {
      std::string key = ",";
      detail::append_json_string(key, output.name);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
  }

  void write(const Record& record, const Outcome& outcome) override {
    if (!outcome.ok) return;
    line_ = "{\"id\":";
    detail::append_json_string(line_, record.id);
    const auto& outputs = policy_.outputs();
    for (std::size_t i = 0; i < outputs.size() && i < outcome.outputs.size(); ++i) {
      line_ += keys_[i];
      const Type& type = outputs[i].type;
      const std::string text = format_value(type, outcome.outputs[i], policy_.enums());
      // Integers and booleans are JSON numbers and literals; decimals, money and rates are
      // strings so that no reader turns them into binary floating point.
      if (type.kind == TypeKind::Integer || type.kind == TypeKind::Boolean) line_ += text;
      else detail::append_json_string(line_, text);
    }
    line_ += "}\n";
    out_ << line_;
  }

  void finish() override { out_.flush(); }

 private:
  const Policy& policy_;
  std::ostream& out_;
  std::vector<std::string> keys_;  // ,"name":
  std::string line_;
};

}  // namespace

std::unique_ptr<OutcomeWriter> open_writer(const Policy& policy, std::ostream& out, OutputFormat format) {
  if (format == OutputFormat::Csv) return std::make_unique<CsvWriter>(policy, out);
  return std::make_unique<JsonLinesWriter>(policy, out);
}

void RejectWriter::write(const RecordError& error) {
  std::string line = "{\"record\":";
  detail::append_json_string(line, error.record);
  line += ",\"field\":";
  if (error.field.empty()) line += "null";
  else detail::append_json_string(line, error.field);
  line += ",\"error\":";
  detail::append_json_string(line, error.message);
  line += ",\"input\":";
  detail::append_json_string(line, error.raw);
  line += "}\n";
  out_ << line;
}

}  // namespace pol::io
