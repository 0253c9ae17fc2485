// pol run: evaluates a policy on household records, on several threads.
//
// The input is cut into chunks in input order: blocks of whole lines for JSON lines (the main
// thread only looks for line breaks; the workers parse), or records read one by one by the main
// thread for a JSON array or CSV. Worker threads, each with its own Evaluator, read, evaluate and
// format a chunk into text buffers: its output rows, its lines for standard error (warnings,
// rejected records) and its rejects-file lines. The main thread writes the chunks strictly in
// input order. Everything printed is made by the chunk it belongs to, with the same code whatever
// the number of threads, so the output, the messages and the rejects are the same bytes with
// --threads 1 and --threads 8. At most a few chunks per thread are in flight: memory does not
// grow with the input.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <span>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "common.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace pol::cli {
namespace {

const char* kRunHelp = R"(usage: pol run POLICY --input FILE [--as-of DATE] [options]

Evaluates POLICY on every household of FILE with the parameters in force on its evaluation date:
the household's own as_of field when it has one, otherwise DATE.
  --as-of DATE           evaluation date, YYYY-MM-DD; may be left out when every household
                         carries its own as_of (a household with neither is rejected)
  --input FILE           households: JSON array, JSON lines, or CSV (see docs/records.md); - for stdin
  --input-format F       auto (default), json, jsonl or csv
  --context FILE         the policy's context data (its `context { ... }` inputs): one JSON object
  --output FILE          where to write outcomes (default: standard output)
  --format F             csv, jsonl, or table (aligned columns for reading). Without --format:
                         jsonl when the --output file name ends in .jsonl, otherwise csv
                         (so csv on standard output and for an --output ending in .csv)
  --rejects FILE         write rejected records as JSON lines: record, field, error, input
  --threads N            evaluate on N threads (default: the number of hardware threads; 1: all
                         on one). The output is the same whatever N; table uses one thread

One output row per evaluated household, in input order, values as exact decimals; when the policy
has outputs on members (output Person.x), csv and table write one row per member, with the
household's outputs repeated, and jsonl a "members" array on each household's line. A household
that cannot be read or evaluated is rejected with a message naming it and the field; the others
go on. A summary "N read, M evaluated, K rejected" (households) goes to standard error, and
N = M + K.

exit codes: 0 every record evaluated, 1 policy errors, 2 usage or file error (also errors in the
            context data), 3 some records rejected
)";

// Records per chunk: large enough that handing chunks between threads costs nothing, small
// enough that the chunks in flight stay small (a few hundred KiB each).
constexpr std::size_t kChunkLines = 1024;
constexpr std::size_t kChunkBytes = 1 << 20;
constexpr std::size_t kChunkRecords = 256;  // JSON array, CSV: records read by the main thread
constexpr int kMaxThreads = 256;

int usage_error(const std::string& message) {
  std::cerr << "pol: " << message << "\n\n" << kRunHelp;
  return kUsage;
}

bool ends_with_ignoring_case(const std::string& text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[text.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

void append_warnings(const std::vector<pol::io::RecordWarning>& warnings, std::string& out) {
  for (const auto& warning : warnings) {
    out += "pol: warning: ";
    out += with_field(warning.record, warning.field);
    out += ": ";
    out += warning.message;
    out += '\n';
  }
}

// --output and --rejects are written to a temporary file in the same directory (".NAME.PID.tmp")
// and renamed onto NAME only once complete, so NAME is never a truncated file: a run that is
// killed or fails leaves the previous NAME (or none) in place. The temporary file is removed
// on failure; only a killed run can leave it behind. NAME that exists and is not a regular file
// (/dev/stdout, a pipe) is written directly; a symbolic link is followed.
struct AtomicFile {
  std::string path, temp;
  std::ofstream stream;
  bool committed = false;
  bool open(const std::string& target) {
    namespace fs = std::filesystem;
    std::error_code ec;
    path = target;
    const fs::file_status status = fs::status(target, ec);
    if (fs::exists(status) && !fs::is_regular_file(status)) {
      stream.open(target, std::ios::binary);
      return static_cast<bool>(stream);
    }
    if (fs::exists(status)) {
      fs::path real = fs::canonical(target, ec);
      if (!ec) path = real.string();
    }
    const fs::path p(path);
    std::string name = ".";
    name += p.filename().string();
    name += '.';
    name += std::to_string(::getpid());
    name += ".tmp";
    temp = (p.parent_path() / name).string();
    stream.open(temp, std::ios::binary | std::ios::trunc);
    if (stream && fs::exists(status)) fs::permissions(temp, status.permissions(), ec);
    return static_cast<bool>(stream);
  }
  // Flushes, syncs to disk and renames into place; false (and the temporary removed) on failure.
  bool commit() {
    stream.flush();
    bool ok = static_cast<bool>(stream);
    stream.close();
    ok = ok && !stream.fail();
    if (temp.empty()) return ok;
    if (ok) {
      int fd = ::open(temp.c_str(), O_RDONLY);
      if (fd >= 0) { ok = ::fsync(fd) == 0; ::close(fd); }
    }
    ok = ok && std::rename(temp.c_str(), path.c_str()) == 0;
    if (ok) {
      committed = true;
      std::string dir = std::filesystem::path(path).parent_path().string();
      int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
      if (fd >= 0) { ::fsync(fd); ::close(fd); }
    }
    return ok;
  }
  ~AtomicFile() {
    if (!committed && !temp.empty()) { stream.close(); std::remove(temp.c_str()); }
  }
};

// A record read by the main thread (JSON array, CSV), with what the reader said about it.
struct ReadItem {
  pol::io::ReadResult result;
  std::vector<pol::io::RecordWarning> warnings;
  std::string raw;  // RecordReader::raw_text() for a record
};

// One piece of the input and everything it prints.
struct Chunk {
  pol::io::LineBlock block;     // JSON lines
  std::vector<ReadItem> items;  // other formats; the first `item_count` are this chunk's
  std::size_t item_count = 0;

  std::string rows;      // output rows
  std::string messages;  // for standard error, in order
  // How rows and messages alternate, for a terminal that shows both: (r, m) says that the rows
  // before offset r come before the messages from offset m on (standard error flushes standard
  // output before it writes, so one place that receives both sees them in the order made).
  std::vector<std::pair<std::size_t, std::size_t>> turns;
  std::string rejects;   // lines of the rejects file
  std::size_t read = 0, evaluated = 0, rejected = 0;
  std::exception_ptr error;
  std::size_t seq = 0;  // its place in the input

  // Before a message is added: rows made since the last message come before it.
  void before_message() {
    if (rows.size() > (turns.empty() ? 0 : turns.back().first)) turns.emplace_back(rows.size(), messages.size());
  }

  void clear_results() {
    rows.clear();
    messages.clear();
    turns.clear();
    rejects.clear();
    read = evaluated = rejected = 0;
    error = nullptr;
  }
};

// What one thread owns to process chunks: its reader of line blocks, its Evaluator (bound on the
// first household it evaluates), its formatter and scratch.
class Worker {
 public:
  struct Setup {
    const pol::Policy* policy;
    std::optional<pol::Date> as_of;
    const std::optional<pol::EntityRecord>* context;
    bool rejects;
    pol::io::OutputFormat format;
    pol::io::OutcomeWriter* table;  // --format table: rows go straight to the writer (one thread)
  };

  explicit Worker(const Setup& setup) : setup_(setup) {
    if (!setup_.table) formatter_ = pol::io::open_formatter(*setup_.policy, setup_.format);
  }

  void process(Chunk& chunk) {
    chunk.clear_results();
    try {
      if (chunk.block.lines > 0) {
        if (!lines_) lines_ = pol::io::open_line_block_reader(*setup_.policy);
        lines_->reset(chunk.block);
        for (;;) {
          Pending& slot = pending(waiting_);
          if (!lines_->next(slot.result)) break;
          slot.warnings = lines_->take_warnings();
          // Needed only if evaluation rejects it: where it is in the block, which outlives the
          // window (flush reports every record before process returns).
          slot.raw_in_block = std::holds_alternative<pol::Record>(slot.result) ? lines_->raw_text_in_block()
                                                                                 : std::string_view();
          if (++waiting_ == kWindow) flush(chunk);
        }
      } else {
        for (std::size_t i = 0; i < chunk.item_count; ++i) {
          ReadItem& item = chunk.items[i];
          Pending& slot = pending(waiting_);
          std::swap(slot.result, item.result);
          slot.warnings = std::move(item.warnings);
          std::swap(slot.raw, item.raw);
          slot.raw_in_block = {};
          if (++waiting_ == kWindow) flush(chunk);
        }
      }
      flush(chunk);
    } catch (...) {
      waiting_ = 0;
      chunk.error = std::current_exception();
    }
  }

 private:
  // Records are evaluated a window at a time (Evaluator::evaluate_batch evaluates a block of
  // households at once when the policy has a batch plan), then reported in input order.
  static constexpr std::size_t kWindow = 64;

  struct Pending {
    pol::io::ReadResult result;
    std::vector<pol::io::RecordWarning> warnings;
    std::string raw;                // the record's text (read by the main thread)
    std::string_view raw_in_block;  // or where it is in the chunk's block of lines
    std::string take_raw() { return raw_in_block.empty() ? std::move(raw) : pol::io::cut_raw_text(raw_in_block); }
    std::size_t batch_index = kNotEvaluated;  // in records_, where it was swapped to be evaluated
  };
  static constexpr std::size_t kNotEvaluated = static_cast<std::size_t>(-1);

  Pending& pending(std::size_t i) {
    if (pending_.size() <= i) pending_.resize(i + 1);
    return pending_[i];
  }

  // Evaluates the records waiting, then reports each: its warnings, then either its rejection or
  // its rows, as the single-threaded loop did.
  void flush(Chunk& chunk) {
    const std::size_t count = std::exchange(waiting_, 0);
    std::size_t batch = 0;
    for (std::size_t i = 0; i < count; ++i) {
      pending_[i].batch_index = kNotEvaluated;
      auto* record = std::get_if<pol::Record>(&pending_[i].result);
      if (!record || (!record->as_of && !setup_.as_of)) continue;
      // Bound for --as-of, or else for the first household's own date. A household with its own
      // as_of is evaluated as of that date either way (the evaluator honours Record::as_of).
      if (!evaluator_) {
        evaluator_.emplace(*setup_.policy, setup_.as_of ? *setup_.as_of : *record->as_of);
        if (*setup_.context) evaluator_->set_context(**setup_.context);
      }
      if (records_.size() <= batch) records_.resize(batch + 1);
      // Swapped, not moved: the reader reuses the vectors of what the slot holds afterwards.
      swap(records_[batch], *record);
      pending_[i].batch_index = batch++;
    }
    if (outcomes_.size() < batch) outcomes_.resize(batch);
    if (batch > 0) evaluator_->evaluate_batch(std::span<const pol::Record>(records_.data(), batch),
                                              std::span<pol::Outcome>(outcomes_.data(), batch));
    for (std::size_t i = 0; i < count; ++i) report(pending_[i], chunk);
  }

  void report(Pending& slot, Chunk& chunk) {
    ++chunk.read;
    if (!slot.warnings.empty()) {
      chunk.before_message();
      append_warnings(slot.warnings, chunk.messages);
    }
    if (auto* error = std::get_if<pol::io::RecordError>(&slot.result)) {
      reject(*error, chunk);
      return;
    }
    // Named as a reading error would name it: "line 6 (id \"b5\")".
    auto label = [](const pol::Record& record) {
      return record.source.empty() ? fmt::format("record \"{}\"", record.id) : record.source;
    };
    if (slot.batch_index == kNotEvaluated) {  // no date: still in the slot
      reject(pol::io::RecordError{label(std::get<pol::Record>(slot.result)), "as_of",
                                  "no evaluation date: the household has no as_of field and no --as-of DATE was given",
                                  slot.take_raw()},
             chunk);
      return;
    }
    const pol::Record& record = records_[slot.batch_index];
    const pol::Outcome& outcome = outcomes_[slot.batch_index];
    if (!outcome.ok) {
      const auto& e = *outcome.error;
      reject(pol::io::RecordError{label(record), e.rule,
                                  fmt::format("{} (at {}:{}:{})", e.message, e.location.file, e.location.begin.line,
                                              e.location.begin.column),
                                  slot.take_raw()},
             chunk);
      return;
    }
    if (setup_.table) setup_.table->write(record, outcome);
    else formatter_->append(record, outcome, chunk.rows);
    ++chunk.evaluated;
  }

  void reject(const pol::io::RecordError& error, Chunk& chunk) {
    ++chunk.rejected;
    chunk.before_message();
    chunk.messages += "pol: rejected ";
    chunk.messages += with_field(error.record, error.field);
    chunk.messages += ": ";
    chunk.messages += error.message;
    chunk.messages += '\n';
    if (setup_.rejects) pol::io::RejectWriter::append(error, chunk.rejects);
  }

  Setup setup_;
  std::unique_ptr<pol::io::LineBlockReader> lines_;
  std::unique_ptr<pol::io::OutcomeFormatter> formatter_;
  std::optional<pol::Evaluator> evaluator_;
  std::vector<Pending> pending_;  // read, not yet reported: the first waiting_
  std::size_t waiting_ = 0;
  std::vector<pol::Record> records_;    // the window's records that are evaluated
  std::vector<pol::Outcome> outcomes_;  // and their outcomes
};

// Every thread, the main one included, does the same: takes a free chunk, fills it with the next
// piece of the input (under the input lock, in input order), works on it, and hands it back; the
// thread that completes the oldest chunk writes it and every completed chunk after it (under the
// output lock). No thread waits on a coordinator, so a thread that the system puts aside for a
// while (a loaded machine) delays only its own chunk. A thread that finds no free chunk waits
// until the oldest is written: memory stays bounded by the number of chunks.
class Pipeline {
 public:
  using Fill = std::function<bool(Chunk&)>;  // false at the end of the input
  using Emit = std::function<void(Chunk&)>;  // may throw (the chunk's error)

  Pipeline(std::size_t chunks, Fill fill, Emit emit)
      : chunks_(chunks), ring_(chunks, nullptr), fill_(std::move(fill)), emit_(std::move(emit)) {
    for (auto& chunk : chunks_) free_.push_back(&chunk);
  }

  // Runs `threads` workers to the end of the input; rethrows the first error.
  void run(int threads, const Worker::Setup& setup) {
    std::vector<std::thread> others;
    for (int t = 1; t < threads; ++t) others.emplace_back([this, setup] { work(setup); });
    work(setup);
    for (auto& thread : others) thread.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void work(const Worker::Setup& setup) {
    try {
      Worker worker(setup);
      while (Chunk* chunk = next()) {
        worker.process(*chunk);
        complete(*chunk);
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }

  // A free chunk filled with the next piece of the input; null at its end or after an error.
  Chunk* next() {
    Chunk* chunk = nullptr;
    {
      std::unique_lock lock(out_mutex_);
      slot_free_.wait(lock, [&] { return !free_.empty() || failed_; });
      if (failed_) return nullptr;
      chunk = free_.back();
      free_.pop_back();
    }
    std::lock_guard lock(in_mutex_);
    if (input_done_ || !fill_(*chunk)) {
      input_done_ = true;
      return nullptr;  // the chunk is not needed any more
    }
    chunk->seq = next_seq_++;
    return chunk;
  }

  void complete(Chunk& chunk) {
    std::lock_guard lock(out_mutex_);
    ring_[chunk.seq % ring_.size()] = &chunk;
    // The chunks in flight have consecutive numbers, fewer than ring_.size(): one slot each.
    while (!failed_) {
      Chunk*& head = ring_[next_emit_ % ring_.size()];
      if (!head) break;
      Chunk* done = std::exchange(head, nullptr);
      emit_(*done);
      ++next_emit_;
      free_.push_back(done);
    }
    slot_free_.notify_all();
  }

  void fail(std::exception_ptr error) {
    std::lock_guard lock(out_mutex_);
    if (!error_) error_ = error;
    failed_ = true;
    slot_free_.notify_all();
  }

  std::vector<Chunk> chunks_;
  std::vector<Chunk*> ring_;  // completed chunks waiting to be written, by seq % size
  Fill fill_;
  Emit emit_;
  std::mutex in_mutex_;   // the input: fill_, next_seq_, input_done_
  std::mutex out_mutex_;  // the output: emit_, ring_, next_emit_, free_, failed_, error_
  std::condition_variable slot_free_;
  std::vector<Chunk*> free_;
  std::size_t next_seq_ = 0, next_emit_ = 0;
  bool input_done_ = false;
  bool failed_ = false;
  std::exception_ptr error_;
};

}  // namespace

int command_run(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") { std::cout << kRunHelp; return kOk; }
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--as-of" || a == "--input" || a == "--output" || a == "--format" || a == "--rejects" ||
        a == "--input-format" || a == "--context" || a == "--threads") {
      if (i + 1 >= args.size()) return usage_error(a + " needs a value");
      options[a] = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      return usage_error("unknown option " + a);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) return usage_error("give exactly one policy file");
  if (!options.count("--input")) return usage_error("--input FILE is required");
  std::optional<pol::Date> as_of;
  if (options.count("--as-of")) {
    as_of = pol::Date::parse(options["--as-of"]);
    if (!as_of) return usage_error("--as-of must be a date written YYYY-MM-DD, not " + options["--as-of"]);
  }
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (options.count("--threads")) {
    const std::string& t = options["--threads"];
    const bool digits = !t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    threads = digits ? std::stoi(t) : 0;
    if (threads < 1 || threads > kMaxThreads)
      return usage_error(fmt::format("--threads is a number of threads from 1 to {}, not {}", kMaxThreads, t));
  }
  threads = std::min(threads, kMaxThreads);

  std::string format = options.count("--format") ? options["--format"] : "";
  if (format.empty()) {
    const std::string out = options.count("--output") ? options["--output"] : "";
    format = ends_with_ignoring_case(out, ".jsonl") ? "jsonl" : "csv";
  }
  if (format != "csv" && format != "jsonl" && format != "table")
    return usage_error("--format is csv, jsonl or table, not " + format);
  pol::io::InputFormat input_format = pol::io::InputFormat::Auto;
  if (options.count("--input-format")) {
    const std::string& f = options["--input-format"];
    if (f == "json") input_format = pol::io::InputFormat::Json;
    else if (f == "jsonl") input_format = pol::io::InputFormat::JsonLines;
    else if (f == "csv") input_format = pol::io::InputFormat::Csv;
    else if (f != "auto") return usage_error("--input-format is auto, json, jsonl or csv, not " + f);
  }

  auto [policy, compile_status] = compile_and_report(positional[0]);
  if (!policy) return compile_status;

  // The context data, before any output file is opened (and emptied): its errors stop the run.
  std::optional<pol::EntityRecord> context;
  if (options.count("--context")) {
    const std::string& path = options["--context"];
    if (policy->context_entity() < 0)
      return usage_error("--context " + path + " is given, but " + positional[0] +
                         " declares no context data (no `context { ... }` block)");
    context = load_context(*policy, path);
    if (!context) return kUsage;
  }

  const std::string input_path = options["--input"];
  std::ifstream input_file;
  std::istream* input = &std::cin;
  if (input_path != "-") {
    input_file.open(input_path, std::ios::binary);
    if (!input_file) { std::cerr << "pol: cannot read " << input_path << "\n"; return kUsage; }
    input = &input_file;
  }
  AtomicFile output_file;
  std::ostream* output = &std::cout;
  if (options.count("--output")) {
    if (!output_file.open(options["--output"])) { std::cerr << "pol: cannot write " << options["--output"] << "\n"; return kUsage; }
    output = &output_file.stream;
  }
  AtomicFile rejects_file;
  const bool want_rejects = options.count("--rejects") > 0;
  if (want_rejects) {
    if (!rejects_file.open(options["--rejects"])) { std::cerr << "pol: cannot write " << options["--rejects"] << "\n"; return kUsage; }
  }

  const auto output_format = format == "table"   ? pol::io::OutputFormat::Table
                             : format == "jsonl" ? pol::io::OutputFormat::JsonLines
                                                 : pol::io::OutputFormat::Csv;
  // An aligned table holds every row until the end anyway: it is made on one thread.
  std::unique_ptr<pol::io::OutcomeWriter> table;
  if (output_format == pol::io::OutputFormat::Table) {
    table = pol::io::open_writer(*policy, *output, output_format);
    threads = 1;
  } else {
    std::string header;
    pol::io::open_formatter(*policy, output_format)->append_header(header);
    output->write(header.data(), static_cast<std::streamsize>(header.size()));
  }
  pol::io::SplitInput source = pol::io::open_split_input(*policy, *input, input_format, input_path);

  // Fills `chunk` with the next piece of the input; false at its end.
  auto fill = [&](Chunk& chunk) {
    if (source.lines) return source.lines->next(chunk.block, kChunkLines, kChunkBytes);
    chunk.item_count = 0;
    while (chunk.item_count < kChunkRecords) {
      if (chunk.items.size() <= chunk.item_count) chunk.items.emplace_back();
      ReadItem& item = chunk.items[chunk.item_count];
      if (!source.reader->next(item.result)) break;
      item.warnings = source.reader->take_warnings();
      item.raw = std::holds_alternative<pol::Record>(item.result) ? source.reader->raw_text() : std::string();
      ++chunk.item_count;
    }
    return chunk.item_count > 0;
  };
  std::size_t read = 0, evaluated = 0, rejected = 0;
  auto emit = [&](Chunk& chunk) {
    if (chunk.error) std::rethrow_exception(chunk.error);
    auto write_rows = [&](std::size_t from, std::size_t to) {
      if (to > from) output->write(chunk.rows.data() + from, static_cast<std::streamsize>(to - from));
    };
    auto write_messages = [&](std::size_t from, std::size_t to) {
      if (to > from) std::cerr.write(chunk.messages.data() + from, static_cast<std::streamsize>(to - from));
    };
    std::size_t rows_done = 0, messages_done = 0;
    for (const auto& [rows_end, messages_start] : chunk.turns) {
      write_messages(messages_done, messages_start);
      write_rows(rows_done, rows_end);
      rows_done = rows_end;
      messages_done = messages_start;
    }
    write_messages(messages_done, chunk.messages.size());
    write_rows(rows_done, chunk.rows.size());
    if (want_rejects && !chunk.rejects.empty())
      rejects_file.stream.write(chunk.rejects.data(), static_cast<std::streamsize>(chunk.rejects.size()));
    read += chunk.read;
    evaluated += chunk.evaluated;
    rejected += chunk.rejected;
  };

  const Worker::Setup setup{policy.get(), as_of, &context, want_rejects, output_format, table.get()};
  if (threads == 1) {
    Worker worker(setup);
    Chunk chunk;
    while (fill(chunk)) {
      worker.process(chunk);
      emit(chunk);
    }
  } else {
    // A few chunks per thread: some being worked on, the others written or waiting to be.
    Pipeline pipeline(static_cast<std::size_t>(threads) * 4, fill, emit);
    pipeline.run(threads, setup);
  }
  if (source.reader) {
    std::string trailing;
    append_warnings(source.reader->take_warnings(), trailing);
    std::cerr << trailing;
  }
  if (table) table->finish();
  output->flush();
  if (!*output) { std::cerr << "pol: writing the output failed\n"; return kUsage; }
  if (want_rejects && !rejects_file.commit()) { std::cerr << "pol: writing the rejects file failed\n"; return kUsage; }
  if (options.count("--output") && !output_file.commit()) { std::cerr << "pol: writing the output failed\n"; return kUsage; }
  std::cerr << fmt::format("{} read, {} evaluated, {} rejected\n", read, evaluated, rejected);
  return rejected ? kRejected : kOk;
}

}  // namespace pol::cli
