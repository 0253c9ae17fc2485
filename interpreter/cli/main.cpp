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
#include <iostream>
#include <string>
#include <vector>

#include "common.hpp"
#include "pol/policy.hpp"

namespace pol::cli {
int command_fmt(const std::vector<std::string>& args);      // fmt_command.cpp
int command_explain(const std::vector<std::string>& args);  // explain_command.cpp
int command_test(const std::vector<std::string>& args);     // test_command.cpp
int command_run(const std::vector<std::string>& args);      // run_command.cpp
}

namespace {

using pol::cli::compile_and_report;
using pol::cli::kOk, pol::cli::kUsage;

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
    if (command == "run") return pol::cli::command_run(args);
    if (command == "test") return pol::cli::command_test(args);
    if (command == "fmt") return pol::cli::command_fmt(args);
    if (command == "explain") return pol::cli::command_explain(args);
  } catch (const std::exception& e) {
    std::cerr << "pol: internal error: " << e.what() << "\n";
    return kUsage;
  }
  return usage_error("unknown command `" + command + "`", kMainHelp);
}
