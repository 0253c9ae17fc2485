// Checks docs/errors.md, the catalogue of diagnostics and evaluation errors, against pol itself.
//
// docs/errors.md has one `## CODE — title` section per diagnostic code, then `## Evaluation errors`.
// In it:
// - a ```pol block whose first line is `# expect-error: CODE` is a wrong example: compiled as
//   `example.pol`, it must fail with a diagnostic of that code, and the ```text block right after
//   it must be exactly what pol prints for it (so the line, column, message and hint it shows are
//   the real ones);
// - any other ```pol block is a fixed example: no diagnostic at all, at least one test, every test
//   passes;
// - a ```pol evaluation-error block compiles without a diagnostic, one of its tests fails with an
//   evaluation error, and every `  example.pol:...` line of the ```text block after it is one of
//   the failures pol reports.
// Every code that interpreter/src can emit (a "E0xxx" string literal, scanned now) must have a
// section with at least one wrong example of that code, so a new code without documentation fails
// here. Two codes have no wrong example and their sections are text only: E0000 (a file that
// cannot be read; checked here on a missing file) and E0900 (pol fmt refusing to change a file's
// tokens, which only a bug in pol fmt causes).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

#include "pol/policy.hpp"

namespace {

namespace fs = std::filesystem;

struct Block {
  std::string tag;  // what follows ``` on the opening fence: "pol", "pol evaluation-error", "text", ...
  int line = 0;     // of the opening fence
  std::string body;
};

struct Section {
  std::string heading;
  std::string code;  // "E0101"; empty for other sections
  std::vector<Block> blocks;
};

const fs::path kDoc = fs::path(POL_SOURCE_DIR) / "docs" / "errors.md";

std::vector<Section> read_sections() {
  std::ifstream in(kDoc);
  REQUIRE(in.good());
  std::vector<Section> sections(1);
  static const std::regex code_heading(R"(^## (E0[0-9]{3})\b.*)");
  std::string line;
  int number = 0;
  std::optional<Block> open;
  while (std::getline(in, line)) {
    ++number;
    if (open) {
      if (line.rfind("```", 0) == 0) {
        sections.back().blocks.push_back(*open);
        open.reset();
      } else {
        open->body += line + "\n";
      }
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      open = Block{line.substr(3), number, ""};
      continue;
    }
    if (line.rfind("## ", 0) == 0) {
      Section section;
      section.heading = line;
      std::smatch m;
      if (std::regex_match(line, m, code_heading)) section.code = m[1];
      sections.push_back(section);
    }
  }
  REQUIRE(!open);
  return sections;
}

std::string trim_end(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

const std::string kMarker = "# expect-error: ";
const std::set<std::string> kTextOnly = {"E0000", "E0900"};

std::optional<std::string> expected_code(const Block& block) {
  if (block.tag != "pol" || block.body.rfind(kMarker, 0) != 0) return std::nullopt;
  return block.body.substr(kMarker.size(), block.body.find('\n') - kMarker.size());
}

std::set<std::string> codes_in_sources() {
  std::set<std::string> codes;
  static const std::regex literal("\"(E0[0-9]{3})\"");
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(POL_SOURCE_DIR) / "interpreter" / "src")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), literal); it != std::sregex_iterator(); ++it)
      codes.insert((*it)[1]);
  }
  return codes;
}

std::vector<pol::TestResult> run_fixed(const Block& block, const std::string& where) {
  pol::Compilation compilation = pol::compile_source("example.pol", block.body);
  INFO("fixed example at " << where << "\n" << pol::render_all(compilation.diagnostics, compilation.sources));
  CHECK_FALSE(pol::has_errors(compilation.diagnostics));
  REQUIRE(compilation.policy != nullptr);
  auto results = pol::run_inline_tests(*compilation.policy);
  CHECK(!results.empty());
  return results;
}

}  // namespace

TEST_CASE("every diagnostic code emitted by pol has a section in docs/errors.md", "[docs][errors]") {
  const auto sections = read_sections();
  std::set<std::string> documented;
  for (const auto& s : sections) {
    if (s.code.empty()) continue;
    INFO(s.heading);
    CHECK(documented.insert(s.code).second);  // one section per code
  }
  const auto emitted = codes_in_sources();
  CHECK(emitted.size() > 10);
  for (const auto& code : emitted) {
    INFO("code " << code << " is emitted in interpreter/src but has no `## " << code << "` section in docs/errors.md");
    CHECK(documented.count(code) == 1);
  }
  for (const auto& code : documented) {
    INFO("docs/errors.md documents " << code << ", which interpreter/src no longer emits");
    CHECK(emitted.count(code) == 1);
  }
}

TEST_CASE("the wrong examples of docs/errors.md fail with their code and the output shown", "[docs][errors]") {
  const auto sections = read_sections();
  for (const auto& section : sections) {
    if (section.code.empty() || kTextOnly.count(section.code)) continue;
    int wrong_of_this_code = 0;
    for (std::size_t i = 0; i < section.blocks.size(); ++i) {
      const Block& block = section.blocks[i];
      const auto code = expected_code(block);
      if (!code) continue;
      const std::string where = kDoc.string() + ":" + std::to_string(block.line);
      pol::Compilation compilation = pol::compile_source("example.pol", block.body);
      const std::string rendered = pol::render_all(compilation.diagnostics, compilation.sources);
      INFO("wrong example at " << where << "\n" << rendered);
      CHECK(compilation.policy == nullptr);
      bool found = false;
      for (const auto& d : compilation.diagnostics) found = found || d.code == *code;
      CHECK(found);
      if (*code == section.code) ++wrong_of_this_code;
      // The output shown right after it is what pol prints: positions, messages and hints.
      REQUIRE(i + 1 < section.blocks.size());
      const Block& shown = section.blocks[i + 1];
      REQUIRE(shown.tag == "text");
      CHECK(trim_end(shown.body) == trim_end(rendered));
    }
    INFO(section.heading << " has no wrong example of its code (a ```pol block starting `# expect-error: "
                         << section.code << "`)");
    CHECK(wrong_of_this_code > 0);
  }
}

TEST_CASE("E0000 in docs/errors.md: a file that cannot be read", "[docs][errors]") {
  const auto sections = read_sections();
  const Section* e0000 = nullptr;
  for (const auto& s : sections)
    if (s.code == "E0000") e0000 = &s;
  REQUIRE(e0000 != nullptr);
  const fs::path dir = fs::temp_directory_path() / ("pol_errors_doc_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path missing = dir / "benefits.pol";
  fs::remove(missing);
  pol::Compilation compilation = pol::compile_file(missing.string());
  fs::remove_all(dir);
  REQUIRE(compilation.diagnostics.size() == 1);
  CHECK(compilation.diagnostics[0].code == "E0000");
  CHECK(compilation.policy == nullptr);
  std::string rendered = pol::render_all(compilation.diagnostics, compilation.sources);
  const std::string path = missing.string();
  for (auto at = rendered.find(path); at != std::string::npos; at = rendered.find(path))
    rendered.replace(at, path.size(), "benefits.pol");
  // The section shows `$ pol check benefits.pol` and what it prints.
  bool shown = false;
  for (const auto& block : e0000->blocks) {
    if (block.tag != "text") continue;
    std::string output;
    std::istringstream lines(block.body);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("$ ", 0) != 0) output += line + "\n";
    INFO(rendered);
    CHECK(trim_end(output) == trim_end(rendered));
    shown = true;
  }
  CHECK(shown);
}

TEST_CASE("E0900 in docs/errors.md: text only, showing the diagnostic", "[docs][errors]") {
  bool shown = false;
  for (const auto& s : read_sections())
    if (s.code == "E0900")
      for (const auto& block : s.blocks) shown = shown || (block.tag == "text" && block.body.find("error[E0900]") != std::string::npos);
  CHECK(shown);
}

TEST_CASE("the fixed examples of docs/errors.md compile and their tests pass", "[docs][errors]") {
  const auto sections = read_sections();
  std::size_t fixed = 0;
  for (const auto& section : sections) {
    for (const auto& block : section.blocks) {
      if (block.tag != "pol" || expected_code(block)) continue;
      ++fixed;
      const std::string where = kDoc.string() + ":" + std::to_string(block.line);
      for (const auto& result : run_fixed(block, where)) {
        std::string failures;
        for (const auto& f : result.failures) failures += f + "\n";
        INFO("fixed example at " << where << ", test \"" << result.name << "\"\n" << failures);
        CHECK(result.passed);
      }
    }
  }
  CHECK(fixed >= 20);
}

TEST_CASE("the evaluation errors of docs/errors.md happen as shown", "[docs][errors]") {
  const auto sections = read_sections();
  std::size_t examples = 0;
  for (const auto& section : sections) {
    for (std::size_t i = 0; i < section.blocks.size(); ++i) {
      const Block& block = section.blocks[i];
      if (block.tag != "pol evaluation-error") continue;
      ++examples;
      const std::string where = kDoc.string() + ":" + std::to_string(block.line);
      pol::Compilation compilation = pol::compile_source("example.pol", block.body);
      INFO("evaluation-error example at " << where << "\n"
                                          << pol::render_all(compilation.diagnostics, compilation.sources));
      CHECK_FALSE(pol::has_errors(compilation.diagnostics));
      REQUIRE(compilation.policy != nullptr);
      std::set<std::string> failures;
      for (const auto& result : pol::run_inline_tests(*compilation.policy))
        for (const auto& f : result.failures) failures.insert(f);
      std::string all;
      for (const auto& f : failures) all += f + "\n";
      INFO("failures:\n" << all);
      CHECK(all.find("evaluation failed in") != std::string::npos);
      REQUIRE(i + 1 < section.blocks.size());
      const Block& shown = section.blocks[i + 1];
      REQUIRE(shown.tag == "text");
      std::istringstream lines(shown.body);
      std::size_t quoted = 0;
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("  example.pol:", 0) != 0) continue;
        ++quoted;
        INFO("shown: " << line);
        CHECK(failures.count(line.substr(2)) == 1);
      }
      CHECK(quoted > 0);
    }
  }
  // division by zero, overflow, missing input, missing context value, a parameter on a date, below
  // the first band, two exceptions, a requirement, a period of a series, 29 February.
  CHECK(examples >= 10);
}
