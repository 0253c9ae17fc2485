// Runs the examples of the documentation. In docs/*.md every fenced block tagged ```pol is a whole
// policy: it must compile without errors, contain at least one `test` block, and every test must
// pass. A block whose first line is `# expect-error: CODE` must instead fail to compile with a
// diagnostic of that code.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pol/policy.hpp"

namespace {

struct DocExample {
  std::string file;
  int line;  // of the opening fence
  std::string source;
};

std::vector<DocExample> examples_in(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<DocExample> examples;
  std::string line;
  int number = 0;
  bool inside = false;
  DocExample current;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line.rfind("```pol", 0) == 0 && line.size() == 6) {
      inside = true;
      current = DocExample{path.string(), number, ""};
    } else if (inside && line.rfind("```", 0) == 0) {
      inside = false;
      examples.push_back(current);
    } else if (inside) {
      current.source += line + "\n";
    }
  }
  return examples;
}

}  // namespace

TEST_CASE("every pol example in docs/ compiles and its tests pass") {
  std::size_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(POL_SOURCE_DIR) / "docs")) {
    if (entry.path().extension() != ".md") continue;
    for (const auto& example : examples_in(entry.path())) {
      ++total;
      const std::string where = example.file + ":" + std::to_string(example.line);
      INFO("example at " << where);
      pol::Compilation compilation = pol::compile_source(where, example.source);
      const std::string marker = "# expect-error: ";
      if (example.source.rfind(marker, 0) == 0) {
        std::string code = example.source.substr(marker.size(), example.source.find('\n') - marker.size());
        INFO(pol::render_all(compilation.diagnostics, compilation.sources));
        CHECK(compilation.policy == nullptr);
        bool found = false;
        for (const auto& d : compilation.diagnostics) found = found || d.code == code;
        CHECK(found);
        continue;
      }
      INFO(pol::render_all(compilation.diagnostics, compilation.sources));
      REQUIRE(compilation.policy != nullptr);
      auto results = pol::run_inline_tests(*compilation.policy);
      CHECK(!results.empty());
      for (const auto& result : results) {
        std::string failures;
        for (const auto& f : result.failures) failures += f + "\n";
        INFO("test \"" << result.name << "\"\n" << failures);
        CHECK(result.passed);
      }
    }
  }
  CHECK(total > 0);
}
