// Reading household records from JSON, JSON lines or CSV, and writing outcomes as CSV or JSON
// lines. Readers stream: one record at a time, so memory does not grow with the input.
// A malformed record becomes a RecordError for that record only; reading goes on after it.
#pragma once

#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "pol/policy.hpp"

namespace pol::io {

enum class InputFormat { Auto, Json, JsonLines, Csv };  // Json: a top-level array of objects
enum class OutputFormat { Csv, JsonLines };

struct RecordError {
  std::string record;   // how to find it: "record 3 (id \"h3\")", "line 12"
  std::string field;    // "members[1].weekly_wage"; empty when the record as a whole is broken
  std::string message;  // what was wrong and what was expected
  std::string raw;      // the record's input text (for the rejects file), possibly truncated
};

struct RecordWarning {
  std::string record;
  std::string field;
  std::string message;  // e.g. "unknown field ignored"
};

using ReadResult = std::variant<Record, RecordError>;

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // False at the end of the input. Otherwise fills `out` with a record or an error.
  virtual bool next(ReadResult& out) = 0;
  // Warnings collected since the last call.
  virtual std::vector<RecordWarning> take_warnings() = 0;
};

// `source_name` is used in messages only. Auto picks Csv for names ending in .csv, Json when the
// first non-blank character is '[', JsonLines otherwise.
std::unique_ptr<RecordReader> open_reader(const Policy& policy, std::istream& in,
                                          InputFormat format, const std::string& source_name);

class OutcomeWriter {
 public:
  virtual ~OutcomeWriter() = default;
  virtual void write(const Record& record, const Outcome& outcome) = 0;  // outcome.ok only
  virtual void finish() = 0;
};

// Columns/keys: "id", then every output of the policy in declaration order.
std::unique_ptr<OutcomeWriter> open_writer(const Policy& policy, std::ostream& out, OutputFormat format);

// Rejects are written as JSON lines: {"record":..,"field":..,"error":..,"input":..}
class RejectWriter {
 public:
  explicit RejectWriter(std::ostream& out) : out_(out) {}
  void write(const RecordError& error);
 private:
  std::ostream& out_;
};

// Context values (published metrics) are out of scope here; see the language reference.

}  // namespace pol::io
