#include "common.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>

#include "pol/io.hpp"

namespace pol::cli {

Compiled compile_and_report(const std::string& path, const ReportOptions& options) {
  pol::Compilation compilation = pol::compile_file(path, pol::CompileOptions{options.strict});
  std::vector<pol::Diagnostic> shown;
  for (const auto& d : compilation.diagnostics)
    if (options.warnings || d.severity == pol::Severity::Error) shown.push_back(d);
  if (options.json) {
    for (const auto& d : shown) std::cout << pol::to_json(d) << "\n";
  } else if (!shown.empty()) {
    std::cerr << pol::render_all(shown, compilation.sources);
  }
  Compiled result{compilation.policy, kOk};
  if (!result.policy) {
    // E0000: the file cannot be read. That is a file error, not an error in a policy.
    const bool unreadable = std::any_of(compilation.diagnostics.begin(), compilation.diagnostics.end(),
                                        [](const pol::Diagnostic& d) { return d.code == "E0000"; });
    result.status = unreadable ? kUsage : kPolicyErrors;
  }
  return result;
}

std::optional<pol::EntityRecord> load_context(const pol::Policy& policy, const std::string& context_path) {
  std::ifstream file(context_path, std::ios::binary);
  if (!file) {
    std::cerr << "pol: cannot read " << context_path << "\n";
    return std::nullopt;
  }
  std::vector<pol::io::RecordWarning> warnings;
  auto result = pol::io::read_context(policy, file, context_path, &warnings);
  for (const auto& w : warnings) std::cerr << "pol: warning: " << with_field(w.record, w.field) << ": " << w.message << "\n";
  if (auto* errors = std::get_if<std::vector<pol::io::RecordError>>(&result)) {
    for (const auto& error : *errors)
      std::cerr << "pol: context data: " << with_field(error.record, error.field) << ": " << error.message << "\n";
    std::cerr << "pol: nothing evaluated: the context data in " << context_path << " has errors\n";
    return std::nullopt;
  }
  return std::move(std::get<pol::EntityRecord>(result));
}

}  // namespace pol::cli
