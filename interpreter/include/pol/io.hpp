// Reading household records from JSON, JSON lines or CSV, reading a policy's context data from
// JSON, and writing outcomes as CSV, JSON lines or an aligned table. Readers stream: one record
// at a time, so memory does not grow with the input. A malformed record becomes a RecordError for
// that record only; reading goes on after it. The formats are described in docs/records.md.
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
// Table: aligned columns for people to read; it holds every row until finish().
enum class OutputFormat { Csv, JsonLines, Table };

struct RecordError {
  std::string record;   // how to find it: "line 12 (id \"h3\")", "record 3 (line 40)", "household \"h3\" (line 12)"
  std::string field;    // "members[1].weekly_wage", "members[1].wages[2025-Q1]", "as_of"; empty when
                        // the record as a whole is broken
  std::string message;  // what was wrong and what was expected
  std::string raw;      // the record's input text (for the rejects file), possibly truncated
};

struct RecordWarning {
  std::string record;
  std::string field;
  std::string message;  // e.g. "unknown field ignored"
};

using ReadResult = std::variant<Record, RecordError>;

// What RecordError::raw and RecordReader::raw_text() keep of a record's input text: all of it up
// to 4 KiB, otherwise its first 4 KiB (cut on a UTF-8 character boundary) followed by "...".
std::string cut_raw_text(std::string_view text);

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // False at the end of the input. Otherwise fills `out` with a record or an error. A record's
  // `source` is the label a RecordError for it would carry ("line 12 (id \"h3\")"), so that an
  // evaluation error names it the way a reading error would; its `as_of` is the record's own
  // `as_of` field, when it has one.
  virtual bool next(ReadResult& out) = 0;
  // Warnings collected since the last call.
  virtual std::vector<RecordWarning> take_warnings() = 0;
  // The input text of the record last returned by next() (cut to 4 KiB, like RecordError::raw),
  // for the rejects file when its evaluation fails. Empty when next() last gave an error.
  virtual std::string raw_text() const { return {}; }
};

// `source_name` is used in messages only. Auto picks Csv for names ending in .csv, Json when the
// first non-blank character is '[', JsonLines otherwise.
std::unique_ptr<RecordReader> open_reader(const Policy& policy, std::istream& in,
                                          InputFormat format, const std::string& source_name);

// ---- Reading on several threads -------------------------------------------------------------
// JSON lines can be read in blocks of whole lines: one thread cuts the input into blocks (no
// parsing, only looking for line breaks), other threads parse them, each with its own
// LineBlockReader. The records, errors, warnings and raw texts a LineBlockReader gives for the
// blocks, taken in order, are exactly those open_reader's reader gives for the whole input.

struct LineBlock {
  std::string text;          // whole lines, each ending with '\n' except perhaps the input's last
  int first_line = 1;        // the line number of the block's first line
  int first_column = 1;      // the column of its first byte (after what format detection skipped)
  bool input_start = false;  // the block starts the input (its first line may start with a BOM)
  std::size_t lines = 0;
};

class LineSplitter {
 public:
  virtual ~LineSplitter() = default;
  // Fills `block` (reusing its buffer) with the next lines of the input: up to `max_lines`, and no
  // more once it holds `max_bytes` (but always one line, at most 16 MiB + 1 byte of it: a longer
  // line is cut, and its reader rejects it as too large). False at the end of the input.
  virtual bool next(LineBlock& block, std::size_t max_lines, std::size_t max_bytes) = 0;
};

class LineBlockReader : public RecordReader {
 public:
  // Reads `block` from its start; the block must stay alive and unchanged while it is read.
  virtual void reset(const LineBlock& block) = 0;
  // raw_text() without copying it: the text of the record last returned, as it is in the block
  // (valid while the block is; not cut: cut_raw_text makes raw_text() of it). For a caller that
  // needs the text only in the rare case of a rejection, once the reader has moved on.
  virtual std::string_view raw_text_in_block() const = 0;
};
std::unique_ptr<LineBlockReader> open_line_block_reader(const Policy& policy);

// The input as open_reader would read it, format detection included: JSON lines as `lines`,
// other formats (a JSON array, CSV) record by record as `reader`. Exactly one is set.
struct SplitInput {
  std::unique_ptr<LineSplitter> lines;
  std::unique_ptr<RecordReader> reader;
};
SplitInput open_split_input(const Policy& policy, std::istream& in, InputFormat format,
                            const std::string& source_name);

// ---- Writing ------------------------------------------------------------------------------------

// Formats outcomes as text into a caller's buffer, so that rows can be made on one thread and
// written on another: the bytes are exactly those the OutcomeWriter of the same format writes.
// CSV and JSON lines only (an aligned table needs every row first).
class OutcomeFormatter {
 public:
  virtual ~OutcomeFormatter() = default;
  virtual void append_header(std::string& out) = 0;  // CSV: the header line; JSON lines: nothing
  virtual void append(const Record& record, const Outcome& outcome, std::string& out) = 0;  // outcome.ok only
};
// Null for OutputFormat::Table.
std::unique_ptr<OutcomeFormatter> open_formatter(const Policy& policy, OutputFormat format);

class OutcomeWriter {
 public:
  virtual ~OutcomeWriter() = default;
  virtual void write(const Record& record, const Outcome& outcome) = 0;  // outcome.ok only
  virtual void finish() = 0;
};

// Without member outputs: one row (line) per record; columns/keys "id", then every output of the
// policy in declaration order.
// With outputs on a member entity (OutputSchema::entity is not the root): CSV and Table write one
// row per member that has outputs (Outcome::members), with the columns "id", "member" (its path,
// "members[2]"), the root entity's outputs (repeated on each of the record's rows), then the member
// outputs; a record without such members gets one row with "member" and the member outputs empty.
// JSON lines writes one line per record: "id", the root outputs, then "members": an array of
// {"member": path, <that member's outputs>}.
std::unique_ptr<OutcomeWriter> open_writer(const Policy& policy, std::ostream& out, OutputFormat format);

// Rejects are written as JSON lines: {"record":..,"field":..,"error":..,"input":..}
class RejectWriter {
 public:
  explicit RejectWriter(std::ostream& out) : out_(out) {}
  void write(const RecordError& error);
  // The line write() writes, appended to `out`.
  static void append(const RecordError& error, std::string& out);
 private:
  std::ostream& out_;
};

// Reads the policy's context data (Policy::context_entity()): one JSON object whose fields are the
// context inputs, scalars and series written as in household records (docs/records.md). Returns
// the record (shaped like Policy::empty_record(context_entity())) or every problem found, each
// with `record` = source_name and the field. Unknown fields are warnings (added to `warnings` when
// given). A policy without context data gives an error.
std::variant<EntityRecord, std::vector<RecordError>> read_context(const Policy& policy, std::istream& in,
                                                                  const std::string& source_name,
                                                                  std::vector<RecordWarning>* warnings = nullptr);

}  // namespace pol::io
