// parse() lexes the source without the bodies of its comments (syntax::without_comment_bodies, a
// third fewer characters for ANTLR's lexer): every token must come out the same as from the source
// itself, with the same type, channel, line and column, and the same text, except a comment's text
// and the column of the blank after a comment (both hidden from the parser). The end of file too.
#include <antlr4-runtime.h>

#include "PolLexer.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "syntax/parser.hpp"

namespace {

struct Lexed {
  std::size_t type, channel, line, column;
  std::string text;
};

std::vector<Lexed> lex(const std::string& text) {
  const auto lock = pol::syntax::lock_antlr();
  antlr4::ANTLRInputStream input(text);
  pol_grammar::PolLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  std::vector<Lexed> out;
  for (antlr4::Token* t : tokens.getTokens())
    out.push_back({t->getType(), t->getChannel(), t->getLine(), t->getCharPositionInLine(),
                    t->getType() == antlr4::Token::EOF ? std::string() : t->getText()});
  return out;
}

void same_tokens(const std::string& text) {
  const std::vector<Lexed> original = lex(text);
  const std::vector<Lexed> stripped = lex(pol::syntax::without_comment_bodies(text));
  INFO(text);
  REQUIRE(original.size() == stripped.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    INFO("token " << i << ": " << original[i].text);
    REQUIRE(original[i].type == stripped[i].type);
    REQUIRE(original[i].channel == stripped[i].channel);
    REQUIRE(original[i].line == stripped[i].line);
    // Only the blank that follows a comment (hidden, never reported) starts further left.
    if (i == 0 || original[i - 1].type != pol_grammar::PolLexer::COMMENT || original[i].type == antlr4::Token::EOF)
      REQUIRE(original[i].column == stripped[i].column);
    else REQUIRE(original[i].channel == antlr4::Token::HIDDEN_CHANNEL);
    if (original[i].type == pol_grammar::PolLexer::COMMENT) {
      REQUIRE((stripped[i].text == "#" || stripped[i].text == original[i].text));
    } else {
      REQUIRE(original[i].text == stripped[i].text);
    }
  }
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("the policies of the repository lex the same without their comment bodies") {
  std::size_t files = 0;
  for (const char* dir : {"examples", "stdlib", "tests", "bench"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(POL_SOURCE_DIR) + "/" + dir)) {
      if (entry.path().extension() != ".pol") continue;
      INFO(entry.path().string());
      same_tokens(read(entry.path()));
      ++files;
    }
  }
  REQUIRE(files >= 15);
}

TEST_CASE("a # inside texts, quotes and // comments is not a comment") {
  for (const char* text : {
           "rule P.x: text = \"a # b\" # comment \"with\" quotes\n",
           "rule P.x: text = \"a \\\" # b\" # c\n",
           "rule P.x: text = \"unclosed # not a comment\nrule # comment\n",
           "rule P.x: text = \"ends in a backslash \\\n# comment\n",
           "rule P.x: text = \"bad \\q escape # still text\" # comment\n",
           "rule P.x: text = 'single # quoted' # comment\n",
           "rule P.x: text = 'unclosed # comment\n",
           "rule P.x: number = 1 // slash # comment\n# real comment\n",
           "rule P.x: number = 1 / 2 # comment // in a comment\n",
           "#\n#\r\n# é ü € \"'\r# x\n",
           "rule P.x: text = \"é # \\é\" # é\n",
           "# comment at the end without a newline",
           "\"# text at the end without a newline",
           "entity Ménage { input résidence_en_France: boolean }\noutput Ménage.éligible: boolean = é²  # é\n",
           "rule P.x: money = €12 + £3 + x€ + ⅓ + ٣ + Ωmega + 中文 + \U0001D538 # §\n\n",
       }) {
    same_tokens(text);
  }
}

TEST_CASE("random texts of quotes, hashes, slashes and backslashes lex the same without comment bodies") {
  const std::vector<std::string> pieces = {"#", "\"", "'", "/", "//", "\\", "\n", "\r", "\r\n", " ", "a", "é", "1",
                                           "$", "=", "\t", "x y", "rule", "\\\"", "€", "£", "ß", "Ménage", "中",
                                           "\U0001D538", "\u0663", "\u00B2", "\u00A0", "_", "\u2014", "\u00A7"};
  std::uint64_t state = 42;
  auto next = [&] {  // splitmix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const std::size_t length = next() % 40;
    for (std::size_t k = 0; k < length; ++k) text += pieces[next() % pieces.size()];
    same_tokens(text);
  }
}
