// Compiling from several threads at once gives what compiling on one thread gives. The ANTLR
// runtime's DFA caches are static and shared by every parse in the process (syntax/parser.hpp:
// parsing takes a process-wide lock); the test empties them first, so that the threads race while
// the caches are being filled, the moment the runtime's own locking does not cover.
// The generated parser first: it has members named REQUIRE, which catch.hpp makes a macro.
#include <antlr4-runtime.h>

#include "PolLexer.h"
#include "PolParser.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pol/format.hpp"
#include "pol/policy.hpp"
#include "syntax/parser.hpp"

namespace {

struct Source {
  std::string path;
  std::string text;  // empty: compile_file(path)
};

std::vector<Source> sources() {
  std::vector<Source> all;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(POL_SOURCE_DIR) + "/examples"))
    if (entry.path().extension() == ".pol") all.push_back({entry.path().string(), ""});
  std::sort(all.begin(), all.end(), [](const Source& a, const Source& b) { return a.path < b.path; });
  // Syntax errors take the error listener's path (expected tokens, recovery), which reads the ATN too.
  all.push_back({"bad_operator.pol",
                 "entity Person { input age: integer }\nrule Person.old: boolean = age >= 65 && age < 200\n"});
  all.push_back({"missing_else.pol",
                 "entity Person { input age: integer }\nrule Person.band: integer = if age > 10 then 1\n"
                 "output Person.total: integer = band\n"});
  all.push_back({"unclosed.pol", "entity Person { input age: integer\nrule Person.x: integer = (age + 1\n"});
  all.push_back({"unicode.pol",
                 "entity Ménage { input résidence_en_France: boolean }\n"
                 "output Ménage.éligible: boolean = résidence_en_France\n"});
  return all;
}

// Everything a compilation produced that a user can see: the diagnostics as rendered, and the
// checked policy's entities, outputs and rules.
std::string signature(const Source& source) {
  const pol::Compilation c =
      source.text.empty() ? pol::compile_file(source.path) : pol::compile_source(source.path, source.text);
  std::ostringstream out;
  out << source.path << "\n" << pol::render_all(c.diagnostics, c.sources);
  if (c.policy) {
    for (const auto& entity : c.policy->entities()) {
      out << "entity " << entity.name << ":";
      for (const auto& input : entity.inputs) out << " " << input.name;
      out << "\n";
    }
    for (const auto& output : c.policy->outputs())
      out << "output " << output.name << " " << output.declared_at.begin.line << ":" << output.declared_at.begin.column << "\n";
    for (const auto& rule : c.policy->rules()) out << "rule " << rule.entity << "." << rule.name << "\n";
  } else {
    out << "no policy\n";
  }
  if (source.text.empty()) {  // pol fmt lexes and parses too
    std::ifstream in(source.path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const pol::FormatResult formatted = pol::format_source(source.path, text.str());
    out << "formatted " << formatted.formatted.size() << " bytes, " << formatted.diagnostics.size() << " diagnostics\n";
  }
  return out.str();
}

// Empties the static DFA caches of the generated lexer and parser (no other parse is running).
void clear_antlr_caches() {
  const auto lock = pol::syntax::lock_antlr();
  antlr4::ANTLRInputStream input("");
  pol_grammar::PolLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  pol_grammar::PolParser parser(&tokens);
  lexer.getInterpreter<antlr4::atn::LexerATNSimulator>()->clearDFA();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->clearDFA();
}

}  // namespace

TEST_CASE("compiling from several threads at once gives the single-threaded result") {
  const std::vector<Source> all = sources();
  REQUIRE(all.size() >= 8);

  for (const unsigned threads : {2u, 4u}) {
    INFO(threads << " threads");
    clear_antlr_caches();
    // Each thread compiles every source, starting at a different one, so that different files are
    // parsed at the same moment while the caches fill.
    std::vector<std::vector<std::string>> results(threads, std::vector<std::string>(all.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t k = 0; k < all.size(); ++k) {
          const std::size_t i = (k + t * all.size() / threads) % all.size();
          results[t][i] = signature(all[i]);
        }
      });
    }
    for (auto& thread : pool) thread.join();

    clear_antlr_caches();
    for (std::size_t i = 0; i < all.size(); ++i) {
      const std::string expected = signature(all[i]);
      for (unsigned t = 0; t < threads; ++t) REQUIRE(results[t][i] == expected);
    }
  }
}
