// pol test: the inline `test` blocks of policies, and golden directories (docs/testing.md).
//
//   pol test [--update] PATH...
//
// A PATH is a .pol file (its inline tests run), a golden directory (a `golden` file naming a
// policy, its households and the date; an expected.csv or expected.jsonl holding exactly what
// `pol run` writes), a legacy golden directory (a `cmd` file: the arguments of pol, and its
// expected output), or a directory searched recursively for all of these.
//
// Exit codes: 0 every test passed; 1 a test failed; 2 a usage error, or a policy, golden file,
// input or context file that does not check or cannot be read (diagnostics printed).
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common.hpp"
#include "pol/decimal.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace fs = std::filesystem;

namespace pol::cli {
int command_test(const std::vector<std::string>& args);
}

namespace {

constexpr int kOk = 0, kFailed = 1, kBroken = 2;

const char* kTestHelp = R"(usage: pol test [--update] PATH...

Runs tests and reports each expectation that does not hold, with its file and line, the
expected and the actual value and their exact difference. A PATH is
  FILE.pol     the `test "..." as of DATE { ... }` blocks written in the policy
  DIRECTORY    a golden directory (a `golden` file: policy, input, as_of, context, tolerance;
               and expected.csv or expected.jsonl, exactly as `pol run` writes it), a legacy
               golden directory (a `cmd` file), or any other directory, searched recursively
               for .pol files and golden directories
  --update     rewrite the expected file of each golden directory that fails with what pol
               computes now, and list every value changed (old -> new); without --update no file
               is ever written

Each household of a golden directory counts as one test; a missing or extra household fails.
See docs/testing.md.

exit codes: 0 all tests pass, 1 a test failed, 2 usage error, or a policy or test file that does
            not check or cannot be read (diagnostics printed)
)";

int usage_error(const std::string& message) {
  std::cerr << "pol: " << message << "\n\n" << kTestHelp;
  return kBroken;
}

struct Totals {
  std::size_t passed = 0, failed = 0, updated = 0, within_tolerance = 0;
  bool any_broken = false;
  void broken() { any_broken = true; }
  void fail() { ++failed; }
  int status() const { return any_broken ? kBroken : failed ? kFailed : kOk; }
};

std::string show(const fs::path& p) { return p.lexically_normal().generic_string(); }

// Compiles and prints errors; null when the policy does not check or cannot be read.
std::shared_ptr<const pol::Policy> compile_and_report(const std::string& path) {
  return pol::cli::compile_and_report(path).policy;
}

// ---------------------------------------------------------------------------------------------
// Inline tests

void run_inline(const std::string& file, Totals& totals) {
  auto policy = compile_and_report(file);
  if (!policy) {
    std::cerr << "pol: " << file << ": not tested: the policy has errors\n";
    totals.broken();
    return;
  }
  for (const auto& result : pol::run_inline_tests(*policy)) {
    if (result.passed) { ++totals.passed; continue; }
    totals.fail();
    std::cout << fmt::format("FAIL {}:{}: {}\n", result.location.file, result.location.begin.line, result.name);
    for (const auto& f : result.failures) std::cout << "  " << f << "\n";
  }
}

// ---------------------------------------------------------------------------------------------
// Tables: the rows pol run writes (CSV or JSON lines), read back for comparison.

struct Row {
  std::string id;
  std::string member;  // "members[2]" for a member's row; empty for the household's row
  int line = 0;        // 1-based line in the file
  std::map<std::string, std::string> cells;  // column -> text, without id and member
};

struct Table {
  std::vector<std::string> columns;  // output columns in order, without id and member
  std::vector<Row> rows;
};

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
bool read_csv(const std::string& text, Table& table, std::string& error) {
  std::vector<std::vector<std::string>> records;
  std::vector<int> lines;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, record_line = 1;
  auto end_record = [&] {
    fields.push_back(field);
    field.clear();
    records.push_back(std::move(fields));
    lines.push_back(record_line);
    fields.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') { field += '"'; ++i; }
        else quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') { quoted = true; any = true; }
    else if (c == ',') { fields.push_back(field); field.clear(); any = true; }
    else if (c == '\r') {}
    else if (c == '\n') {
      if (any || !field.empty() || !fields.empty()) end_record();
      ++line;
      record_line = line;
    } else { field += c; any = true; }
  }
  if (quoted) { error = fmt::format("line {}: a quoted field is not closed", record_line); return false; }
  if (any || !field.empty() || !fields.empty()) end_record();
  if (records.empty()) { error = "empty file: no header line"; return false; }
  const auto& header = records[0];
  int id_col = -1, member_col = -1;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "id") id_col = static_cast<int>(c);
    else if (header[c] == "member") member_col = static_cast<int>(c);
    else table.columns.push_back(header[c]);
  }
  if (id_col < 0) { error = "line 1: the header has no `id` column"; return false; }
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    if (rec.size() != header.size()) {
      error = fmt::format("line {}: {} fields, but the header has {}", lines[r], rec.size(), header.size());
      return false;
    }
    Row row;
    row.line = lines[r];
    for (std::size_t c = 0; c < rec.size(); ++c) {
      if (static_cast<int>(c) == id_col) row.id = rec[c];
      else if (static_cast<int>(c) == member_col) row.member = rec[c];
      else row.cells[header[c]] = rec[c];
    }
    table.rows.push_back(std::move(row));
  }
  return true;
}

std::string json_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// One line per household: "id", the household's outputs, and "members": [{"member": path, ...}].
bool read_jsonl(const std::string& text, Table& table, std::string& error) {
  std::istringstream in(text);
  std::string line;
  int number = 0;
  std::set<std::string> seen;
  auto add_column = [&](const std::string& c) {
    if (seen.insert(c).second) table.columns.push_back(c);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      error = fmt::format("line {}: not JSON: {}", number, e.what());
      return false;
    }
    if (!object.is_object() || !object.contains("id")) {
      error = fmt::format("line {}: expected an object with an \"id\"", number);
      return false;
    }
    Row row;
    row.line = number;
    row.id = json_text(object["id"]);
    std::vector<Row> members;
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (it.key() == "id") continue;
      if (it.key() == "members" && it.value().is_array()) {
        for (const auto& m : it.value()) {
          if (!m.is_object()) { error = fmt::format("line {}: a member is not an object", number); return false; }
          Row mrow;
          mrow.line = number;
          mrow.id = row.id;
          for (auto mt = m.begin(); mt != m.end(); ++mt) {
            if (mt.key() == "member") mrow.member = json_text(mt.value());
            else { add_column(mt.key()); mrow.cells[mt.key()] = json_text(mt.value()); }
          }
          members.push_back(std::move(mrow));
        }
        continue;
      }
      add_column(it.key());
      row.cells[it.key()] = json_text(it.value());
    }
    table.rows.push_back(std::move(row));
    for (auto& m : members) table.rows.push_back(std::move(m));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Golden directories

struct GoldenSpec {
  fs::path dir;
  fs::path policy, input, context, expected;
  std::optional<pol::Date> as_of;
  std::optional<pol::Decimal> tolerance;
  pol::io::InputFormat input_format = pol::io::InputFormat::Auto;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Reads DIR/golden; prints problems as FILE:LINE: error: ... and returns nullopt.
std::optional<GoldenSpec> read_golden_file(const fs::path& dir) {
  const fs::path file = dir / "golden";
  std::ifstream in(file);
  if (!in) { std::cerr << show(file) << ": error: cannot read the file\n"; return std::nullopt; }
  GoldenSpec spec;
  spec.dir = dir;
  bool ok = true;
  std::set<std::string> keys;
  std::string line;
  int number = 0;
  auto problem = [&](const std::string& message) {
    std::cerr << fmt::format("{}:{}: error: {}\n", show(file), number, message);
    ok = false;
  };
  while (std::getline(in, line)) {
    ++number;
    std::string text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    const auto eq = text.find('=');
    if (eq == std::string::npos) { problem("expected `key = value`, got `" + text + "`"); continue; }
    const std::string key = trim(text.substr(0, eq)), value = trim(text.substr(eq + 1));
    if (!keys.insert(key).second) { problem("`" + key + "` is given twice"); continue; }
    if (value.empty()) { problem("`" + key + "` has no value"); continue; }
    if (key == "policy") spec.policy = dir / value;
    else if (key == "input") spec.input = dir / value;
    else if (key == "context") spec.context = dir / value;
    else if (key == "expected") spec.expected = dir / value;
    else if (key == "as_of") {
      spec.as_of = pol::Date::parse(value);
      if (!spec.as_of) problem("as_of must be a date written YYYY-MM-DD, not `" + value + "`");
    } else if (key == "tolerance") {
      spec.tolerance = pol::Decimal::parse(value);
      if (!spec.tolerance || spec.tolerance->sign() < 0)
        problem("tolerance must be a non-negative decimal number such as 0.01, not `" + value + "`");
    } else if (key == "input_format") {
      if (value == "json") spec.input_format = pol::io::InputFormat::Json;
      else if (value == "jsonl") spec.input_format = pol::io::InputFormat::JsonLines;
      else if (value == "csv") spec.input_format = pol::io::InputFormat::Csv;
      else if (value != "auto") problem("input_format is auto, json, jsonl or csv, not `" + value + "`");
    } else {
      problem("unknown key `" + key + "` (known: policy, input, as_of, context, tolerance, input_format, expected)");
    }
  }
  number = 0;
  if (spec.policy.empty()) problem("no `policy = FILE` line");
  if (spec.input.empty()) problem("no `input = FILE` line");
  if (spec.expected.empty()) {
    const bool csv = fs::exists(dir / "expected.csv"), jsonl = fs::exists(dir / "expected.jsonl");
    if (csv && jsonl) problem("both expected.csv and expected.jsonl exist; keep one (or name it with `expected = FILE`)");
    else if (!csv && !jsonl) problem("no expected.csv or expected.jsonl in " + show(dir));
    else spec.expected = dir / (csv ? "expected.csv" : "expected.jsonl");
  }
  if (!ok) return std::nullopt;
  return spec;
}

bool is_jsonl(const fs::path& p) { return p.extension() == ".jsonl"; }

std::string read_text(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

enum class Verdict { Same, WithinTolerance, Different };

struct Comparison {
  Verdict verdict = Verdict::Same;
  std::string difference;  // actual - expected, when both are numbers
};

Comparison compare_cells(const std::string& expected, const std::string& actual,
                         const std::optional<pol::Decimal>& tolerance) {
  if (expected == actual) return {};
  auto e = pol::Decimal::parse(expected), a = pol::Decimal::parse(actual);
  if (!e || !a) return {Verdict::Different, ""};
  pol::Decimal d = *a - *e;
  Comparison c;
  c.difference = d.to_string(std::max(e->scale(), a->scale()));
  if (d.sign() == 0) c.verdict = Verdict::Same;
  else if (tolerance && compare(d.abs(), *tolerance) <= 0) c.verdict = Verdict::WithinTolerance;
  else c.verdict = Verdict::Different;
  return c;
}

std::string output_name(const Row& row, const std::string& column) {
  return row.member.empty() ? column : row.member + "." + column;
}

std::string show_value(const std::string& v) { return v.empty() ? "(empty)" : v; }

void run_golden(const fs::path& dir, bool update, Totals& totals) {
  auto spec = read_golden_file(dir);
  if (!spec) { totals.broken(); return; }
  const std::string expected_name = show(spec->expected);

  auto policy = compile_and_report(show(spec->policy));
  if (!policy) {
    std::cerr << "pol: " << show(dir) << ": not tested: the policy has errors or cannot be read\n";
    totals.broken();
    return;
  }
  std::optional<pol::EntityRecord> context;
  if (!spec->context.empty()) {
    const std::string path = show(spec->context);
    if (policy->context_entity() < 0) {
      std::cerr << fmt::format("{}: error: context = {} is given, but {} declares no context data\n",
                               show(dir / "golden"), path, show(spec->policy));
      totals.broken();
      return;
    }
    std::ifstream context_file(path, std::ios::binary);
    if (!context_file) { std::cerr << "pol: cannot read " << path << "\n"; totals.broken(); return; }
    std::vector<pol::io::RecordWarning> warnings;
    auto result = pol::io::read_context(*policy, context_file, path, &warnings);
    for (const auto& w : warnings) std::cerr << "pol: warning: " << w.record << ", field " << w.field << ": " << w.message << "\n";
    if (auto* errors = std::get_if<std::vector<pol::io::RecordError>>(&result)) {
      for (const auto& e : *errors)
        std::cerr << "pol: context data: " << e.record << (e.field.empty() ? "" : ", field " + e.field) << ": "
                  << e.message << "\n";
      totals.broken();
      return;
    }
    context = std::move(std::get<pol::EntityRecord>(result));
  }

  bool read_ok = false;
  const std::string expected_text = read_text(spec->expected, read_ok);
  if (!read_ok) { std::cerr << "pol: cannot read " << expected_name << "\n"; totals.broken(); return; }
  const std::string input_path = show(spec->input);
  std::ifstream input(input_path, std::ios::binary);
  if (!input) { std::cerr << "pol: cannot read " << input_path << "\n"; totals.broken(); return; }

  // Evaluate exactly as pol run does, writing in the expected file's format.
  std::ostringstream out;
  auto writer = pol::io::open_writer(*policy, out, is_jsonl(spec->expected) ? pol::io::OutputFormat::JsonLines
                                                                            : pol::io::OutputFormat::Csv);
  auto reader = pol::io::open_reader(*policy, input, spec->input_format, input_path);
  std::optional<pol::Evaluator> evaluator;
  auto make_evaluator = [&](pol::Date date) {
    evaluator.emplace(*policy, date);
    if (context) evaluator->set_context(*context);
  };
  if (spec->as_of) make_evaluator(*spec->as_of);
  std::map<std::string, std::string> rejected;   // household id -> why
  std::vector<std::string> unreadable;           // records rejected before they had an id
  pol::io::ReadResult item;
  while (reader->next(item)) {
    for (const auto& w : reader->take_warnings())
      std::cerr << "pol: warning: " << w.record << (w.field.empty() ? "" : ", field " + w.field) << ": " << w.message << "\n";
    if (auto* error = std::get_if<pol::io::RecordError>(&item)) {
      unreadable.push_back(fmt::format("{}: {}{}", error->record, error->field.empty() ? "" : "field " + error->field + ": ",
                                       error->message));
      continue;
    }
    const auto& record = std::get<pol::Record>(item);
    if (!record.as_of && !spec->as_of) {
      rejected[record.id] = "no evaluation date: the household has no as_of field and the golden file no as_of";
      continue;
    }
    if (!evaluator) make_evaluator(*record.as_of);
    pol::Outcome outcome = evaluator->evaluate(record);
    if (!outcome.ok) {
      const auto& e = *outcome.error;
      rejected[record.id] = fmt::format("{}{} (at {}:{}:{})", e.rule.empty() ? "" : "field " + e.rule + ": ", e.message,
                                        e.location.file, e.location.begin.line, e.location.begin.column);
      continue;
    }
    writer->write(record, outcome);
  }
  writer->finish();
  const std::string actual_text = out.str();

  Table expected, actual;
  std::string error;
  if (!(is_jsonl(spec->expected) ? read_jsonl(expected_text, expected, error) : read_csv(expected_text, expected, error))) {
    std::cerr << expected_name << ": error: " << error << "\n";
    totals.broken();
    return;
  }
  if (!(is_jsonl(spec->expected) ? read_jsonl(actual_text, actual, error) : read_csv(actual_text, actual, error))) {
    std::cerr << "pol: internal error: cannot read back pol's own output: " << error << "\n";
    totals.broken();
    return;
  }

  // Group rows by household, in order of appearance.
  auto group = [](const Table& t) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Row*>> by_id;
    for (const auto& r : t.rows) {
      if (!by_id.count(r.id)) order.push_back(r.id);
      by_id[r.id].push_back(&r);
    }
    return std::make_pair(order, by_id);
  };
  auto [expected_order, expected_rows] = group(expected);
  auto [actual_order, actual_rows] = group(actual);

  std::set<std::string> member_outputs;  // outputs declared on a member entity
  for (const auto& o : policy->outputs())
    if (o.entity != policy->root_entity()) member_outputs.insert(o.name);

  std::size_t failed = 0;
  std::vector<std::string> changes;  // for --update
  bool can_update = true;

  // Columns: every output compared must be in both.
  std::set<std::string> expected_columns(expected.columns.begin(), expected.columns.end());
  std::set<std::string> actual_columns(actual.columns.begin(), actual.columns.end());
  std::vector<std::string> column_problems;
  for (const auto& c : expected.columns)
    if (!actual_columns.count(c)) column_problems.push_back(fmt::format("column {} is not an output of {}", c, show(spec->policy)));
  for (const auto& c : actual.columns)
    if (!expected_columns.count(c)) column_problems.push_back(fmt::format("output {} has no column in {}", c, expected_name));
  if (!column_problems.empty() && !expected.rows.empty()) {
    std::cout << fmt::format("FAIL {}:1: the columns differ from the policy's outputs\n", expected_name);
    for (const auto& p : column_problems) std::cout << "  " << p << "\n";
    ++failed;
    totals.fail();
    for (const auto& c : expected.columns)
      if (!actual_columns.count(c)) changes.push_back(fmt::format("column {}: removed", c));
    for (const auto& c : actual.columns)
      if (!expected_columns.count(c)) changes.push_back(fmt::format("column {}: added", c));
  }

  for (const auto& id : expected_order) {
    const auto& rows = expected_rows[id];
    const int first_line = rows.front()->line;
    auto found = actual_rows.find(id);
    if (found == actual_rows.end()) {
      ++failed;
      totals.fail();
      if (auto r = rejected.find(id); r != rejected.end()) {
        can_update = false;
        std::cout << fmt::format("FAIL {}:{}: household {}: rejected, so pol gave no row\n  {}\n", expected_name,
                                 first_line, id, r->second);
      } else {
        std::cout << fmt::format("FAIL {}:{}: household {}: missing: it is not in {}\n", expected_name, first_line, id,
                                 input_path);
        changes.push_back(fmt::format("household {}: removed (not in the input)", id));
      }
      continue;
    }
    std::vector<std::string> failures, tolerated;
    std::map<std::string, const Row*> actual_by_member;
    for (const Row* r : found->second) actual_by_member[r->member] = r;
    std::set<std::string> matched;
    for (const Row* e : rows) {
      auto m = actual_by_member.find(e->member);
      if (m == actual_by_member.end()) {
        failures.push_back(fmt::format("{}:{}: member {}: pol gave no row for it", expected_name, e->line,
                                       e->member.empty() ? "(none)" : e->member));
        changes.push_back(fmt::format("household {}, member {}: removed", id, e->member));
        continue;
      }
      matched.insert(e->member);
      const Row* a = m->second;
      for (const auto& column : expected.columns) {
        if (!actual_columns.count(column)) continue;
        // CSV repeats the household's outputs on each member's row: report them once.
        const bool of_member = member_outputs.count(column) > 0;
        if (!of_member && e->member != rows.front()->member) continue;
        auto ei = e->cells.find(column), ai = a->cells.find(column);
        if (ei == e->cells.end() && ai == a->cells.end()) continue;
        const std::string ev = ei == e->cells.end() ? "(absent)" : ei->second;
        const std::string av = ai == a->cells.end() ? "(absent)" : ai->second;
        Comparison c = compare_cells(ev, av, spec->tolerance);
        if (c.verdict == Verdict::Same) continue;
        const std::string name = of_member ? output_name(*e, column) : column;
        std::string text = fmt::format("{}:{}: expected {} = {}, got {}", expected_name, e->line, name,
                                       show_value(ev), show_value(av));
        if (c.verdict == Verdict::WithinTolerance) {
          tolerated.push_back(text + fmt::format(" (difference {}, within tolerance {})", c.difference,
                                                 spec->tolerance->to_string()));
        } else {
          failures.push_back(c.difference.empty() ? text : text + fmt::format(" (difference {})", c.difference));
        }
        changes.push_back(fmt::format("household {}: {} {} -> {}", id, name, show_value(ev), show_value(av)));
      }
    }
    for (const Row* a : found->second)
      if (!matched.count(a->member)) {
        failures.push_back(fmt::format("{}: member {}: pol gave a row for it, {} has none", expected_name, a->member,
                                       expected_name));
        changes.push_back(fmt::format("household {}, member {}: added", id, a->member));
      }
    if (!failures.empty()) {
      ++failed;
      totals.fail();
      std::cout << fmt::format("FAIL {}:{}: household {}\n", expected_name, first_line, id);
      for (const auto& f : failures) std::cout << "  " << f << "\n";
      for (const auto& t : tolerated) std::cout << "  " << t << "\n";
    } else {
      ++totals.passed;
      if (!tolerated.empty()) {
        ++totals.within_tolerance;
        std::cout << fmt::format("PASS {}:{}: household {} (within tolerance)\n", expected_name, first_line, id);
        for (const auto& t : tolerated) std::cout << "  " << t << "\n";
      }
    }
  }
  for (const auto& id : actual_order) {
    if (expected_rows.count(id)) continue;
    ++failed;
    totals.fail();
    std::cout << fmt::format("FAIL {}: household {}: extra: pol gave a row for it ({}), {} has none\n", expected_name, id,
                             input_path, expected_name);
    changes.push_back(fmt::format("household {}: added", id));
  }
  for (const auto& [id, why] : rejected) {
    if (expected_rows.count(id)) continue;
    ++failed;
    totals.fail();
    can_update = false;
    std::cout << fmt::format("FAIL {}: household {} is rejected\n  {}\n", input_path, id, why);
  }
  for (const auto& why : unreadable) {
    ++failed;
    totals.fail();
    can_update = false;
    std::cout << fmt::format("FAIL {}: a household cannot be read\n  {}\n", input_path, why);
  }

  if (!update || failed == 0) return;
  if (!can_update) {
    std::cout << fmt::format("NOT UPDATED {}: some households are rejected or cannot be read; fix the input or the policy first\n",
                             expected_name);
    return;
  }
  std::ofstream rewrite(spec->expected, std::ios::binary | std::ios::trunc);
  rewrite << actual_text;
  rewrite.close();
  if (!rewrite) { std::cerr << "pol: cannot write " << expected_name << "\n"; totals.broken(); return; }
  std::cout << fmt::format("UPDATED {}\n", expected_name);
  for (const auto& c : changes) std::cout << "  " << c << "\n";
  // The failures of this directory are fixed by the rewrite.
  totals.failed -= failed;
  totals.updated += failed;
}

// ---------------------------------------------------------------------------------------------
// Legacy golden directories: `cmd` holds the arguments of pol; run from the current directory.

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Compares line by line; returns the failure lines (at most a few).
void compare_text(const std::string& name, const std::string& expected, const std::string& actual,
                  std::vector<std::string>& failures) {
  if (expected == actual) return;
  auto e = split_lines(expected), a = split_lines(actual);
  int shown = 0;
  for (std::size_t i = 0; i < std::max(e.size(), a.size()) && shown < 5; ++i) {
    const bool has_e = i < e.size(), has_a = i < a.size();
    if (has_e && has_a && e[i] == a[i]) continue;
    ++shown;
    failures.push_back(fmt::format("{}:{}: expected {}", name, i + 1, has_e ? "`" + e[i] + "`" : "no line"));
    failures.push_back(fmt::format("{}  got {}", std::string(name.size() + std::to_string(i + 1).size() + 1, ' '),
                                   has_a ? "`" + a[i] + "`" : "no line"));
  }
  if (shown == 0) failures.push_back(name + ": differs (line endings or the final newline)");
}

void run_cmd_case(const fs::path& dir, Totals& totals) {
  bool ok = false;
  const std::string cmd_text = read_text(dir / "cmd", ok);
  if (!ok) { std::cerr << "pol: cannot read " << show(dir / "cmd") << "\n"; totals.broken(); return; }
  std::vector<std::string> args;
  {
    std::istringstream words(cmd_text);
    std::string w;
    while (words >> w) args.push_back(w);
  }
  fs::path expected_stdout;
  for (const char* candidate : {"expected.csv", "expected.jsonl", "expected.txt"})
    if (fs::exists(dir / candidate)) {
      if (!expected_stdout.empty()) {
        std::cerr << show(dir) << ": error: both " << expected_stdout.filename().string() << " and " << candidate
                  << " exist; keep one\n";
        totals.broken();
        return;
      }
      expected_stdout = dir / candidate;
    }
  int expected_exit = 0;
  if (fs::exists(dir / "expected_exit")) {
    std::string t = trim(read_text(dir / "expected_exit", ok));
    if (t.empty() || t.find_first_not_of("0123456789\n") != std::string::npos) {
      std::cerr << show(dir / "expected_exit") << ": error: must hold a number, not `" << t << "`\n";
      totals.broken();
      return;
    }
    expected_exit = std::atoi(t.c_str());
  }

  // Run pol itself, standard output and error to temporary files.
  char out_name[] = "/tmp/pol-test-out.XXXXXX", err_name[] = "/tmp/pol-test-err.XXXXXX";
  char rejects_name[] = "/tmp/pol-test-rejects.XXXXXX";
  int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name), rejects_fd = mkstemp(rejects_name);
  if (out_fd < 0 || err_fd < 0 || rejects_fd < 0) { std::cerr << "pol: cannot create a temporary file\n"; totals.broken(); return; }
  close(rejects_fd);
  // expected_rejects: the word @REJECTS@ of cmd names a temporary rejects file, compared after the run.
  const bool check_rejects = fs::exists(dir / "expected_rejects");
  bool has_placeholder = false;
  for (auto& a : args)
    if (a == "@REJECTS@") { a = rejects_name; has_placeholder = true; }
  if (check_rejects && !has_placeholder) {
    std::cerr << show(dir) << ": error: expected_rejects exists but cmd has no @REJECTS@\n";
    std::remove(out_name);
    std::remove(err_name);
    std::remove(rejects_name);
    totals.broken();
    return;
  }
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    std::vector<char*> argv;
    std::string self = "pol";
    argv.push_back(self.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  close(out_fd);
  close(err_fd);
  const int actual_exit = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  const std::string actual_out = read_text(out_name, ok), actual_err = read_text(err_name, ok);
  const std::string actual_rejects = read_text(rejects_name, ok);
  std::remove(out_name);
  std::remove(err_name);
  std::remove(rejects_name);

  std::vector<std::string> failures;
  if (actual_exit != expected_exit)
    failures.push_back(fmt::format("{}: expected exit status {}, got {}",
                                   show(dir / (fs::exists(dir / "expected_exit") ? "expected_exit" : "cmd")), expected_exit,
                                   actual_exit));
  if (!expected_stdout.empty()) compare_text(show(expected_stdout), read_text(expected_stdout, ok), actual_out, failures);
  if (fs::exists(dir / "expected_stderr"))
    compare_text(show(dir / "expected_stderr"), read_text(dir / "expected_stderr", ok), actual_err, failures);
  if (check_rejects)
    compare_text(show(dir / "expected_rejects"), read_text(dir / "expected_rejects", ok), actual_rejects, failures);
  if (failures.empty()) { ++totals.passed; return; }
  totals.fail();
  std::cout << fmt::format("FAIL {}:1: pol {}\n", show(dir / "cmd"), trim(cmd_text));
  for (const auto& f : failures) std::cout << "  " << f << "\n";
}

// ---------------------------------------------------------------------------------------------
// Finding tests

enum class Kind { Inline, Golden, Cmd };
struct Found {
  Kind kind;
  fs::path path;
};

bool is_golden_dir(const fs::path& d) { return fs::is_regular_file(d / "golden"); }
bool is_cmd_dir(const fs::path& d) { return fs::is_regular_file(d / "cmd"); }

// Directories in name order; a golden directory is a leaf (its files belong to its case).
void search(const fs::path& dir, std::vector<Found>& found) {
  if (is_golden_dir(dir)) { found.push_back({Kind::Golden, dir}); return; }
  if (is_cmd_dir(dir)) { found.push_back({Kind::Cmd, dir}); return; }
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) {
    const std::string name = e.filename().string();
    if (!name.empty() && name[0] == '.') continue;
    if (fs::is_directory(e)) search(e, found);
    else if (e.extension() == ".pol" && fs::is_regular_file(e)) found.push_back({Kind::Inline, e});
  }
}

}  // namespace

int pol::cli::command_test(const std::vector<std::string>& args) {
  bool update = false;
  std::vector<std::string> paths;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") { std::cout << kTestHelp; return kOk; }
    if (a == "--update") update = true;
    else if (a.rfind("--", 0) == 0) return usage_error("unknown option " + a);
    else paths.push_back(a);
  }
  if (paths.empty()) return usage_error("no policy file or directory given");

  Totals totals;
  std::vector<Found> found;
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::path path(p);
    if (fs::is_directory(path, ec)) {
      const std::size_t before = found.size();
      search(path, found);
      if (found.size() == before) {
        std::cerr << "pol: " << p << ": no .pol file or golden directory in it\n";
        totals.broken();
      }
    } else if (path.filename() == "golden" || path.filename() == "cmd") {
      found.push_back({path.filename() == "golden" ? Kind::Golden : Kind::Cmd, path.parent_path().empty() ? "." : path.parent_path()});
    } else {
      // A policy file; compile_file reports one that cannot be read (E0000).
      found.push_back({Kind::Inline, path});
    }
  }
  for (const auto& f : found) {
    switch (f.kind) {
      case Kind::Inline: run_inline(f.path.generic_string(), totals); break;
      case Kind::Golden: run_golden(f.path, update, totals); break;
      case Kind::Cmd: run_cmd_case(f.path, totals); break;
    }
  }
  if (totals.within_tolerance)
    std::cout << fmt::format("{} of the passes used the tolerance of their golden directory\n", totals.within_tolerance);
  if (update)
    std::cout << fmt::format("{} passed, {} failed, {} updated\n", totals.passed, totals.failed, totals.updated);
  else
    std::cout << fmt::format("{} passed, {} failed\n", totals.passed, totals.failed);
  return totals.status();
}
