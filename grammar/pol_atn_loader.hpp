// Deserializes the ATN that the antlr4 tool serialized into the generated PolLexer.cpp and
// PolParser.cpp. The CMake step that generates them (cmake/patch_generated_parser.cmake) makes
// their static initializers call load_atn() instead of ATNDeserializer::deserialize().
//
// Why: the runtime (4.9) builds each character set of the lexer by IntervalSet::add, which scans
// the set from its start for every interval it adds. The tool serializes the intervals in
// increasing order, so a set of n intervals costs n²/2 steps: IDENT's [\p{L}_] and [\p{L}\p{N}_]
// (some 700 intervals each) took 37 M instructions at every process start, 40% of a one-household
// `pol run`. Given the intervals in decreasing order, each add stops at the first interval, and the
// sets come out the same (IntervalSet keeps them sorted and merged whatever the order of the adds).
// The ATN is also not verified again: the tool produced it, and verifyATN cost 2 M more.
#pragma once

#include <antlr4-runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pol_grammar {

// The serialized ATN with the intervals of every set in decreasing order, or an empty vector
// when the data is not laid out as expected (then the original is deserialized unchanged).
inline std::vector<uint16_t> with_sets_reversed(const std::vector<uint16_t>& serialized) {
  std::vector<uint16_t> data = serialized;
  const std::size_t size = data.size();
  std::size_t p = 1;
  bool ok = true;
  // Every value after the version is stored plus 2 (ATNDeserializer::deserialize).
  auto next = [&]() -> std::size_t {
    if (p >= size) {
      ok = false;
      return 0;
    }
    return static_cast<uint16_t>(data[p++] - 2);
  };
  auto skip = [&](std::size_t n) {
    if (n > size - p) ok = false;
    else p += n;
  };
  // Version 3, and the UUID ADDED_UNICODE_SMP (59627784-3BE5-417A-B9EB-8131A7286974) that the 4.7.x
  // tool writes: sets of code points below U+10000 first, then the others. As stored (plus 2):
  static constexpr uint16_t kUnicodeSmpUuid[8] = {0x608b, 0xa72a, 0x8133, 0xb9ed, 0x417c, 0x3be7, 0x7786, 0x5964};
  if (size < 11 || data[0] != 3 || !std::equal(kUnicodeSmpUuid, kUnicodeSmpUuid + 8, data.begin() + 1)) return {};
  skip(8);
  const std::size_t grammar_type = next();
  next();  // max token type
  const std::size_t states = next();
  for (std::size_t i = 0; i < states && ok; ++i) {
    const std::size_t type = next();
    if (type == antlr4::atn::ATNState::ATN_INVALID_TYPE) continue;
    next();  // rule index
    if (type == antlr4::atn::ATNState::LOOP_END || type == antlr4::atn::ATNState::BLOCK_START ||
        type == antlr4::atn::ATNState::PLUS_BLOCK_START || type == antlr4::atn::ATNState::STAR_BLOCK_START)
      next();  // loop-back state or end state
  }
  skip(next());  // non-greedy states
  skip(next());  // precedence states
  const std::size_t rules = next();
  skip(rules * (grammar_type == static_cast<std::size_t>(antlr4::atn::ATNType::LEXER) ? 2 : 1));
  skip(next());  // modes
  for (std::size_t width : {1, 2}) {  // code points below U+10000 in one value, the others in two
    const std::size_t sets = next();
    for (std::size_t s = 0; s < sets && ok; ++s) {
      const std::size_t intervals = next();
      next();  // contains EOF
      const std::size_t length = intervals * 2 * width;
      if (!ok || length > size - p) return {};
      // Reverse the order of the intervals, keeping each interval's values in place.
      std::vector<uint16_t> reversed;
      reversed.reserve(length);
      for (std::size_t k = intervals; k-- > 0;)
        reversed.insert(reversed.end(), data.begin() + static_cast<std::ptrdiff_t>(p + k * 2 * width),
                        data.begin() + static_cast<std::ptrdiff_t>(p + (k + 1) * 2 * width));
      std::copy(reversed.begin(), reversed.end(), data.begin() + static_cast<std::ptrdiff_t>(p));
      p += length;
    }
  }
  if (!ok) return {};
  return data;
}

inline antlr4::atn::ATN load_atn(const std::vector<uint16_t>& serialized) {
  antlr4::atn::ATNDeserializationOptions options;
  options.setVerifyATN(false);
  antlr4::atn::ATNDeserializer deserializer(options);
  std::vector<uint16_t> reordered = with_sets_reversed(serialized);
  return deserializer.deserialize(reordered.empty() ? serialized : reordered);
}

}  // namespace pol_grammar
