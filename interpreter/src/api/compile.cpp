// The pipeline: parse → build AST → check → lower. Each stage lives in its own directory.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "check/checker.hpp"
#include "check/usage.hpp"
#include "eval/lower.hpp"
#include "pol/policy.hpp"
#include "syntax/module_loader.hpp"

namespace pol {

Compilation compile_source(std::string path, std::string text, const CompileOptions& options) {
  Compilation result;
  result.sources.add(path, text);
  syntax::LoadResult parsed = syntax::load_module(path, text, result.sources);
  result.diagnostics = std::move(parsed.diagnostics);
  if (parsed.syntax_ok) {
    check::CheckedModule checked = check::check(parsed.module, result.diagnostics);
    if (!has_errors(result.diagnostics)) {
      check::warn(checked, check::LintOptions{options.strict}, result.diagnostics);
      result.policy = std::make_shared<const Policy>(eval::lower(checked));
    }
  }
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    if (a.range.begin.line != b.range.begin.line) return a.range.begin.line < b.range.begin.line;
    return a.range.begin.column < b.range.begin.column;
  });
  // The parser's recovery can meet the same bad token twice; say it once.
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.code == b.code && a.message == b.message && a.range.file == b.range.file &&
           a.range.begin.line == b.range.begin.line && a.range.begin.column == b.range.begin.column;
  };
  result.diagnostics.erase(std::unique(result.diagnostics.begin(), result.diagnostics.end(), same), result.diagnostics.end());
  return result;
}

Compilation compile_file(const std::string& path, const CompileOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Compilation result;
    result.diagnostics.push_back(Diagnostic{"E0000", Severity::Error, SourceRange{path, {}, {}},
                                            "cannot read the file", "check the path and the permissions", {}});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return compile_source(path, text.str(), options);
}

}  // namespace pol
