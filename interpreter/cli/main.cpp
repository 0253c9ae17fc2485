// pol: check policies, evaluate them on household records, run their inline tests.
//
// Exit codes (docs/cli.md):
//   0  success
//   1  a policy has errors (diagnostics printed), or an inline test failed
//   2  usage error, or a file cannot be read or written (a policy file too), or the context data
//      of pol run has errors
//   3  pol run: some records were rejected (the others were evaluated and written)
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "common.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace pol::cli {
int command_fmt(const std::vector<std::string>& args);      // fmt_command.cpp
int command_explain(const std::vector<std::string>& args);  // explain_command.cpp
int command_test(const std::vector<std::string>& args);     // test_command.cpp
}

namespace {

using pol::cli::compile_and_report;
using pol::cli::with_field;
using pol::cli::kOk, pol::cli::kPolicyErrors, pol::cli::kUsage, pol::cli::kRejected;

const char* kMainHelp = R"(pol: a declarative language for benefit and tax policy, with exact decimal arithmetic

usage:
  pol check POLICY...                    check policies and report every problem found
  pol run POLICY --input FILE [--as-of DATE] [options]
                                         evaluate a policy on household records
  pol test [--update] PATH...            run the `test` blocks of policies and golden directories
  pol fmt [--check] FILE...              rewrite policies in the canonical layout (- for stdin)
  pol explain POLICY --input FILE --id ID [--output NAME]
                                         why a household got its outputs: the derivation tree
  pol COMMAND --help                     help on one command

exit codes: 0 success, 1 policy errors or failed tests, 2 usage or file errors,
            3 some records rejected by `pol run`
)";

const char* kCheckHelp = R"(usage: pol check [--list] [--strict] [--diagnostics=json] POLICY...

Parses and checks each policy: names, types and units, duplicate definitions, cycles among rules.
Every problem is reported with file:line:column, the source line, a caret and a hint; codes are
explained in docs/errors.md. Warnings (W0101: a rule no output uses) do not fail the check.
  --list               also list the policy's declarations with their citations
  --strict             also warn about parameters and schedules without a citation (W0102)
  --diagnostics=json   one JSON object per diagnostic on standard output, for editors

exit codes: 0 no errors, 1 errors found, 2 usage error or a file that cannot be read
)";

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

One output row per evaluated household, in input order, values as exact decimals; when the policy
has outputs on members (output Person.x), csv and table write one row per member, with the
household's outputs repeated, and jsonl a "members" array on each household's line. A household
that cannot be read or evaluated is rejected with a message naming it and the field; the others
go on. A summary "N read, M evaluated, K rejected" (households) goes to standard error, and
N = M + K.

exit codes: 0 every record evaluated, 1 policy errors, 2 usage or file error (also errors in the
            context data), 3 some records rejected
)";

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

int usage_error(const std::string& message, const char* help) {
  std::cerr << "pol: " << message << "\n\n" << help;
  return kUsage;
}

// Every declaration with the legal reference it carries: what a reviewer checks against the law.
void list_policy(const pol::Policy& policy) {
  auto type_of = [&](const pol::Type& t) { return pol::type_name(t, policy.enums()); };
  auto cite = [](const std::string& c) { return c.empty() ? std::string() : "  [" + c + "]"; };
  auto dated = [&](const std::vector<pol::DatedCitation>& steps) {
    for (const auto& step : steps)
      if (step.from || !step.citation.empty())
        std::cout << fmt::format("      {}{}\n", step.from ? "from " + step.from->to_string() : "always",
                                 cite(step.citation));
  };
  std::cout << "policy: " << policy.title() << "\n";
  if (int c = policy.context_entity(); c >= 0)
    for (const auto& input : policy.entities()[static_cast<std::size_t>(c)].inputs)
      std::cout << fmt::format("  context {}: {}\n", input.name, type_of(input.type));
  for (const auto& p : policy.parameters()) {
    std::cout << fmt::format("  parameter {}: {}{}\n", p.name, type_of(p.type), cite(p.citation));
    dated(p.steps);
  }
  for (const auto& s : policy.schedules()) {
    std::cout << fmt::format("  schedule {}: {} {} -> {}{}\n", s.name, s.marginal ? "marginal" : "lookup",
                             type_of(s.argument), type_of(s.result), cite(s.citation));
    dated(s.versions);
  }
  for (const auto& r : policy.rules()) {
    std::cout << fmt::format("  {} {}.{}: {}{}\n", r.is_requirement ? "require" : r.is_output ? "output" : "rule",
                             r.entity, r.name, type_of(r.type), cite(r.citation));
    for (const auto& e : r.exceptions)
      std::cout << fmt::format("      exception{} at line {}{}{}\n", e.label.empty() ? "" : " " + e.label,
                               e.declared_at.begin.line, e.over.empty() ? "" : " over " + e.over, cite(e.citation));
  }
}

int command_check(const std::vector<std::string>& args) {
  if (wants_help(args)) { std::cout << kCheckHelp; return kOk; }
  bool list = false;
  pol::cli::ReportOptions report{/*warnings=*/true};
  std::vector<std::string> files;
  for (const auto& a : args) {
    if (a == "--list") list = true;
    else if (a == "--strict") report.strict = true;
    else if (a == "--diagnostics=json") report.json = true;
    else if (a == "--diagnostics=text") report.json = false;
    else if (a.rfind("--", 0) == 0) return usage_error("unknown option " + a, kCheckHelp);
    else files.push_back(a);
  }
  if (files.empty()) return usage_error("no policy file given", kCheckHelp);
  int status = kOk;
  for (const auto& file : files) {
    auto [policy, file_status] = compile_and_report(file, report);
    if (!policy) { status = std::max(status, file_status); continue; }
    if (!report.json) std::cerr << file << ": ok\n";
    if (list) list_policy(*policy);
  }
  return status;
}

bool ends_with_ignoring_case(const std::string& text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[text.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

void print_warnings(const std::vector<pol::io::RecordWarning>& warnings) {
  for (const auto& warning : warnings)
    std::cerr << "pol: warning: " << with_field(warning.record, warning.field) << ": " << warning.message << "\n";
}

int command_run(const std::vector<std::string>& args) {
  if (wants_help(args)) { std::cout << kRunHelp; return kOk; }
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--as-of" || a == "--input" || a == "--output" || a == "--format" || a == "--rejects" ||
        a == "--input-format" || a == "--context") {
      if (i + 1 >= args.size()) return usage_error(a + " needs a value", kRunHelp);
      options[a] = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      return usage_error("unknown option " + a, kRunHelp);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) return usage_error("give exactly one policy file", kRunHelp);
  if (!options.count("--input")) return usage_error("--input FILE is required", kRunHelp);
  std::optional<pol::Date> as_of;
  if (options.count("--as-of")) {
    as_of = pol::Date::parse(options["--as-of"]);
    if (!as_of) return usage_error("--as-of must be a date written YYYY-MM-DD, not " + options["--as-of"], kRunHelp);
  }

  std::string format = options.count("--format") ? options["--format"] : "";
  if (format.empty()) {
    const std::string out = options.count("--output") ? options["--output"] : "";
    format = ends_with_ignoring_case(out, ".jsonl") ? "jsonl" : "csv";
  }
  if (format != "csv" && format != "jsonl" && format != "table")
    return usage_error("--format is csv, jsonl or table, not " + format, kRunHelp);
  pol::io::InputFormat input_format = pol::io::InputFormat::Auto;
  if (options.count("--input-format")) {
    const std::string& f = options["--input-format"];
    if (f == "json") input_format = pol::io::InputFormat::Json;
    else if (f == "jsonl") input_format = pol::io::InputFormat::JsonLines;
    else if (f == "csv") input_format = pol::io::InputFormat::Csv;
    else if (f != "auto") return usage_error("--input-format is auto, json, jsonl or csv, not " + f, kRunHelp);
  }

  auto [policy, compile_status] = compile_and_report(positional[0]);
  if (!policy) return compile_status;

  // The context data, before any output file is opened (and emptied): its errors stop the run.
  std::optional<pol::EntityRecord> context;
  if (options.count("--context")) {
    const std::string& path = options["--context"];
    if (policy->context_entity() < 0)
      return usage_error("--context " + path + " is given, but " + positional[0] +
                             " declares no context data (no `context { ... }` block)",
                         kRunHelp);
    context = pol::cli::load_context(*policy, path);
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
      temp = (p.parent_path() / ("." + p.filename().string() + "." + std::to_string(::getpid()) + ".tmp")).string();
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
  AtomicFile output_file;
  std::ostream* output = &std::cout;
  if (options.count("--output")) {
    if (!output_file.open(options["--output"])) { std::cerr << "pol: cannot write " << options["--output"] << "\n"; return kUsage; }
    output = &output_file.stream;
  }
  AtomicFile rejects_file;
  std::optional<pol::io::RejectWriter> rejects;
  if (options.count("--rejects")) {
    if (!rejects_file.open(options["--rejects"])) { std::cerr << "pol: cannot write " << options["--rejects"] << "\n"; return kUsage; }
    rejects.emplace(rejects_file.stream);
  }

  const auto output_format = format == "table"   ? pol::io::OutputFormat::Table
                             : format == "jsonl" ? pol::io::OutputFormat::JsonLines
                                                 : pol::io::OutputFormat::Csv;
  auto writer = pol::io::open_writer(*policy, *output, output_format);
  auto reader = pol::io::open_reader(*policy, *input, input_format, input_path);
  // Bound for --as-of, or else for the first household's own date. A household with its own
  // as_of is evaluated as of that date either way (the evaluator honours Record::as_of).
  std::optional<pol::Evaluator> evaluator;
  auto make_evaluator = [&](pol::Date date) {
    evaluator.emplace(*policy, date);
    if (context) evaluator->set_context(*context);
  };
  if (as_of) make_evaluator(*as_of);

  std::size_t read = 0, evaluated = 0, rejected = 0;
  auto reject = [&](const pol::io::RecordError& error) {
    ++rejected;
    std::cerr << "pol: rejected " << with_field(error.record, error.field) << ": " << error.message << "\n";
    if (rejects) rejects->write(error);
  };
  pol::io::ReadResult item;
  while (reader->next(item)) {
    ++read;
    print_warnings(reader->take_warnings());
    if (auto* error = std::get_if<pol::io::RecordError>(&item)) { reject(*error); continue; }
    const auto& record = std::get<pol::Record>(item);
    // Named as a reading error would name it: "line 6 (id \"b5\")".
    const std::string label = record.source.empty() ? fmt::format("record \"{}\"", record.id) : record.source;
    if (!record.as_of && !as_of) {
      reject(pol::io::RecordError{label, "as_of",
                                  "no evaluation date: the household has no as_of field and no --as-of DATE was given",
                                  reader->raw_text()});
      continue;
    }
    if (!evaluator) make_evaluator(*record.as_of);
    pol::Outcome outcome = evaluator->evaluate(record);
    if (!outcome.ok) {
      const auto& e = *outcome.error;
      reject(pol::io::RecordError{label, e.rule,
                                  fmt::format("{} (at {}:{}:{})", e.message, e.location.file, e.location.begin.line,
                                              e.location.begin.column),
                                  reader->raw_text()});
      continue;
    }
    writer->write(record, outcome);
    ++evaluated;
  }
  print_warnings(reader->take_warnings());
  writer->finish();
  output->flush();
  if (!*output) { std::cerr << "pol: writing the output failed\n"; return kUsage; }
  if (rejects && !rejects_file.commit()) { std::cerr << "pol: writing the rejects file failed\n"; return kUsage; }
  if (options.count("--output") && !output_file.commit()) { std::cerr << "pol: writing the output failed\n"; return kUsage; }
  std::cerr << fmt::format("{} read, {} evaluated, {} rejected\n", read, evaluated, rejected);
  return rejected ? kRejected : kOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kMainHelp;
    return args.empty() ? kUsage : kOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "check") return command_check(args);
    if (command == "run") return command_run(args);
    if (command == "test") return pol::cli::command_test(args);
    if (command == "fmt") return pol::cli::command_fmt(args);
    if (command == "explain") return pol::cli::command_explain(args);
  } catch (const std::exception& e) {
    std::cerr << "pol: internal error: " << e.what() << "\n";
    return kUsage;
  }
  return usage_error("unknown command `" + command + "`", kMainHelp);
}
