// pol explain: the derivation of one household's outputs, as a tree a drafter can read.
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "common.hpp"
#include "pol/explain.hpp"
#include "pol/io.hpp"

namespace pol::cli {
namespace {

const char* kExplainHelp = R"(usage: pol explain POLICY --input FILE --id ID [--output NAME] [options]

Shows why one household got its outputs: each value with the rule, parameter, schedule or input
it came from, its place in the policy, its legal reference, the date a parameter's value applies
from, and which exception applied.

options:
  --input FILE      household records (JSON, JSON lines or CSV, as for pol run)
  --id ID           the household to explain
  --output NAME     explain this output only (default: every output)
  --member PATH     for an output on members: this member only, e.g. members[2]
  --as-of DATE      evaluation date (YYYY-MM-DD), unless the record carries its own as_of
  --context FILE    published context data (JSON), as for pol run
  --json            the derivation as JSON, for programs

exit codes: 0 explained, 1 policy errors or the evaluation failed (the tree shows how far it
got), 2 usage or file error, or no household with that id
)";

int usage(const std::string& message) {
  std::cerr << "pol: " << message << "\n\n" << kExplainHelp;
  return kUsage;
}

}  // namespace

int command_explain(const std::vector<std::string>& args) {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") { std::cout << kExplainHelp; return kOk; }
    if (a == "--json") { json = true; continue; }
    if (a == "--input" || a == "--id" || a == "--output" || a == "--member" || a == "--as-of" || a == "--context") {
      if (i + 1 >= args.size()) return usage(a + " needs a value");
      options[a] = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      return usage("unknown option " + a);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) return usage("give exactly one policy file");
  if (!options.count("--input") || !options.count("--id")) return usage("--input FILE and --id ID are required");
  std::optional<pol::Date> as_of;
  if (options.count("--as-of") && !(as_of = pol::Date::parse(options["--as-of"])))
    return usage("--as-of must be a date written YYYY-MM-DD, not " + options["--as-of"]);

  auto [policy, status] = compile_and_report(positional[0]);
  if (!policy) return status;
  if (options.count("--output")) {
    bool known = false;
    for (const auto& o : policy->outputs()) known = known || o.name == options["--output"];
    if (!known) return usage(positional[0] + " has no output `" + options["--output"] + "`");
  }
  std::optional<pol::EntityRecord> context;
  if (options.count("--context")) {
    if (policy->context_entity() < 0)
      return usage("--context is given, but " + positional[0] + " declares no context data (no `context { ... }` block)");
    context = load_context(*policy, options["--context"]);
    if (!context) return kUsage;
  }

  std::ifstream input(options["--input"], std::ios::binary);
  if (!input) { std::cerr << "pol: cannot read " << options["--input"] << "\n"; return kUsage; }
  auto reader = pol::io::open_reader(*policy, input, pol::io::InputFormat::Auto, options["--input"]);
  pol::io::ReadResult result;
  while (reader->next(result)) {
    auto* record = std::get_if<pol::Record>(&result);
    if (!record || record->id != options["--id"]) {
      if (auto* error = std::get_if<pol::io::RecordError>(&result); error && error->record.find("\"" + options["--id"] + "\"") != std::string::npos) {
        std::cerr << "pol: " << error->record << (error->field.empty() ? "" : ", field " + error->field) << ": "
                  << error->message << "\n";
        return kUsage;
      }
      continue;
    }
    if (!record->as_of && !as_of) return usage("record " + record->id + " has no as_of: give --as-of DATE");
    try {
      pol::Explanation explanation =
          pol::explain(*policy, *record, as_of.value_or(pol::Date()), context ? &*context : nullptr,
                       options.count("--output") ? options["--output"] : "",
                       options.count("--member") ? options["--member"] : "");
      std::cout << (json ? pol::render_json(explanation) : pol::render_text(explanation));
      return explanation.error ? kPolicyErrors : kOk;
    } catch (const std::invalid_argument& e) {
      return usage(e.what());
    }
  }
  std::cerr << "pol: no household with id " << options["--id"] << " in " << options["--input"] << "\n";
  return kUsage;
}

}  // namespace pol::cli
