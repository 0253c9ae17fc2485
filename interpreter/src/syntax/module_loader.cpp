#include "syntax/module_loader.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "syntax/parser.hpp"

namespace pol::syntax {
namespace {

namespace fs = std::filesystem;

std::string key_of(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : canonical.string();
}

template <typename T>
void append(std::vector<T>& into, std::vector<T>& from) {
  for (auto& item : from) into.push_back(std::move(item));
}

}  // namespace

std::string stdlib_directory() {
  if (const char* env = std::getenv("POL_STDLIB"); env && *env) return env;
#ifdef POL_STDLIB_DIR
  return POL_STDLIB_DIR;
#else
  return "stdlib";
#endif
}

LoadResult load_module(const std::string& path, const std::string& text, SourceSet& sources) {
  LoadResult result;
  ParseResult root = parse(path, text);
  append(result.diagnostics, root.diagnostics);
  result.syntax_ok = root.syntax_ok;
  result.module = std::move(root.module);

  std::set<std::string> loaded{key_of(path)};
  struct Pending {
    ast::ImportDecl import;
    std::string importer;
  };
  std::deque<Pending> queue;
  for (const auto& import : result.module.imports) queue.push_back({import, path});
  while (!queue.empty()) {
    Pending next = std::move(queue.front());
    queue.pop_front();
    std::string file;
    if (next.import.path) {
      fs::path base = fs::path(next.importer).parent_path();
      file = (base / *next.import.path).lexically_normal().string();
    } else {
      file = (fs::path(stdlib_directory()) / (next.import.module->text + ".pol")).string();
    }
    if (!loaded.insert(key_of(file)).second) continue;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::string what = next.import.path ? fmt::format("file \"{}\"", *next.import.path)
                                          : fmt::format("standard module `{}`", next.import.module->text);
      result.diagnostics.push_back(Diagnostic{
          "E0005", Severity::Error, next.import.range, fmt::format("cannot read the imported {} ({})", what, file),
          next.import.path ? "a path is relative to the file that imports it"
                           : fmt::format("the standard library is read from {} (set POL_STDLIB to change it)", stdlib_directory()),
          {}});
      result.syntax_ok = false;
      continue;
    }
    std::ostringstream content;
    content << in.rdbuf();
    sources.add(file, content.str());
    ParseResult parsed = parse(file, content.str());
    append(result.diagnostics, parsed.diagnostics);
    if (!parsed.syntax_ok) {
      result.syntax_ok = false;
      continue;
    }
    for (const auto& import : parsed.module.imports) queue.push_back({import, file});
    auto& m = parsed.module;
    auto& into = result.module;
    append(into.enums, m.enums);
    append(into.entities, m.entities);
    append(into.parameters, m.parameters);
    append(into.schedules, m.schedules);
    append(into.functions, m.functions);
    append(into.rules, m.rules);
    append(into.exceptions, m.exceptions);
    // An imported file's tests are its own; `pol test` runs them on that file.
  }
  return result;
}

}  // namespace pol::syntax
