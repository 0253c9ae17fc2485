// JSON and JSON-lines record readers, and open_reader.
//
// Each record (one line of JSON lines, one element of a JSON array) is parsed on its own with
// simdjson's on-demand API, so a broken record never affects the next one. Numbers are never
// converted through a double: their exact source text (raw_json_token) goes to pol::Decimal.
// A JSON array is split into its elements by a small streaming scanner (strings, brackets), so
// the array is not held in memory as a whole either.
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "io/record_builder.hpp"
#include "pol/io.hpp"
#include "pol/period.hpp"

namespace pol::io {

namespace detail {
namespace {

namespace od = simdjson::ondemand;

struct Problem {
  std::string field;
  std::string message;
};

struct ParsedRecord {
  std::optional<std::string> id;
  std::optional<Date> as_of;
  EntityRecord root;
  std::optional<Problem> problem;  // the first one found; the record is then rejected
  std::vector<Problem> problems;   // every problem found, when collecting them all
  std::vector<Problem> warnings;
};

// What one JSON object is read as: a household record (the root entity, with `id` and `as_of`),
// or the context data (the context entity; every problem is collected, not only the first).
struct ParseTarget {
  int entity = -1;
  bool record = true;
  const char* noun = "one household";  // "expected a JSON object (NOUN), got ..."
  bool collect_all = false;
};

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// When `text` starts (after blanks) with '{': the offset just after the '}' that closes it
// (strings and nesting taken into account); npos otherwise or when it is not closed.
std::size_t object_end(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  if (i == text.size() || text[i] != '{') return std::string_view::npos;
  int depth = 0;
  bool in_string = false, escape = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') ++depth;
    else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

// The offset of the first byte of `text` that is not part of valid UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) { ++i; continue; }
    std::size_t length;
    std::uint32_t min, cp;
    if ((b0 & 0xE0) == 0xC0) { length = 2; min = 0x80; cp = b0 & 0x1Fu; }
    else if ((b0 & 0xF0) == 0xE0) { length = 3; min = 0x800; cp = b0 & 0x0Fu; }
    else if ((b0 & 0xF8) == 0xF0) { length = 4; min = 0x10000; cp = b0 & 0x07u; }
    else return i;
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::string hex_byte(char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto b = static_cast<unsigned char>(c);
  return std::string{kHex[b >> 4], kHex[b & 0xF]};
}

// Containers nested deeper than this are refused (the walk is recursive; no household needs
// anything near it). The message below repeats the number.
constexpr int kMaxDepth = 200;

const char* syntax_explanation(simdjson::error_code e) {
  switch (e) {
    case simdjson::TAPE_ERROR:
      return "misplaced or missing comma, colon, quote, bracket or brace";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "unbalanced brackets or braces (an object or array is not closed, or closed twice)";
    case simdjson::UNCLOSED_STRING: return "a string is not closed (missing \")";
    case simdjson::UNESCAPED_CHARS:
      return "a string contains an unescaped control character such as a line break";
    case simdjson::STRING_ERROR: return "a string contains an invalid escape sequence";
    case simdjson::UTF8_ERROR: return "the text is not valid UTF-8";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::INCORRECT_TYPE: return "invalid value (true, false and null are lowercase)";
    case simdjson::NUMBER_ERROR: return "invalid number";
    case simdjson::DEPTH_ERROR: return "objects and arrays are nested more than 200 levels deep";
    case simdjson::EMPTY: return "no JSON value found";
    default: return simdjson::error_message(e);
  }
}

// A field's path ("members[2].age") as its two parts, joined only when a message needs it.
struct FieldPath {
  std::string_view prefix;  // "" or ending with '.'
  std::string_view name;
  FieldPath(std::string_view p, std::string_view n) : prefix(p), name(n) {}
  FieldPath(const std::string& whole) : prefix(), name(whole) {}  // NOLINT: implicit on purpose
  FieldPath(const char* whole) : prefix(), name(whole) {}          // NOLINT
  operator std::string() const { return field_path(prefix, name); }  // NOLINT
};

// Which fields of an object were seen, without allocating for objects of up to 64 fields.
class SeenSet {
 public:
  explicit SeenSet(std::size_t n) {
    if (n > 64) big_.assign(n, 0);
  }
  // Whether `i` was seen before; marks it seen.
  bool test_and_set(std::size_t i) {
    if (!big_.empty()) return big_[i]++ != 0;
    const std::uint64_t bit = std::uint64_t{1} << i;
    const bool was = (small_ & bit) != 0;
    small_ |= bit;
    return was;
  }

 private:
  std::uint64_t small_ = 0;
  std::vector<char> big_;
};

// Parses one record's JSON text into an EntityRecord of the policy's root entity.
class JsonRecordParser {
 public:
  explicit JsonRecordParser(const Policy& policy)
      : policy_(policy),
        spare_(policy.entities().size()),
        field_order_(policy.entities().size()),
        entities_(&policy.entities()) {
    build_tables();
  }

  // Hands back the root of the record last read (the caller's previous result), for the next
  // record to be read into it: its members are then reused in place, as they are.
  void reuse(EntityRecord&& root) {
    if (reusable_) recycle(std::move(*reusable_), policy_.root_entity());
    reusable_ = std::move(root);
  }

  // Hands back the record of an earlier result (an `entity` instance) for its vectors to be
  // reused by the next records: reading then allocates nothing for them.
  void recycle(EntityRecord&& record, int entity) {
    const EntitySchema& schema = policy_.entities()[static_cast<std::size_t>(entity)];
    if (record.inputs.size() != schema.inputs.size() || record.collections.size() != schema.collections.size())
      return;  // not shaped by this parser
    for (std::size_t c = 0; c < record.collections.size(); ++c) {
      for (EntityRecord& member : record.collections[c]) recycle(std::move(member), schema.collections[c].entity);
      record.collections[c].clear();
    }
    auto& spare = spare_[static_cast<std::size_t>(entity)];
    if (spare.size() < kMaxSpare) spare.push_back(std::move(record));
  }

  // `line` and `column` locate the first byte of `text` in the source. With `show_line`, syntax
  // errors give "line L, column C", otherwise only the column (the record label has the line).
  int root_entity() const { return policy_.root_entity(); }

  // `readable_end`, when given, is the end of the buffer `text` is in: the text after it may be
  // read, and the direct reading then reads the text in place rather than copy it.
  ParsedRecord parse(std::string_view text, int line, int column, bool show_line, const char* readable_end = nullptr) {
    readable_end_ = readable_end;  // taken by read_directly
    return parse(text, line, column, show_line, ParseTarget{policy_.root_entity()});
  }

  ParsedRecord parse(std::string_view text, int line, int column, bool show_line, const ParseTarget& target) {
    ParsedRecord result;
    if (!target.collect_all) {
      // The direct reading first (below): most records are plain JSON it reads alone.
      begin(result, text, line, column, show_line, target);
      result.root = reused_root(target.entity);
      if (read_directly(text, target, result)) return result;
      recycle(std::move(result.root), target.entity);
      result = ParsedRecord{};
      // Then simdjson: a record it reads without any problem is valid UTF-8 and ends with its
      // object (stage 1 validates the whole text, and text after the object is a problem), so
      // the checks parse_into makes first would have found nothing. A record with a problem is
      // read again the careful way, which words the messages.
      begin(result, text, line, column, show_line, target);
      result.root = take(target.entity);
      parse_value_text(text, target);
      if (!result.problem) return result;
      result = ParsedRecord{};
    }
    parse_into(result, text, line, column, show_line, target);
    return result;
  }

 private:
  void begin(ParsedRecord& result, std::string_view text, int line, int column, bool show_line,
             const ParseTarget& target) {
    result_ = &result;
    text_ = text;
    line_ = line;
    column_ = column;
    show_line_ = show_line;
    collect_all_ = target.collect_all;
    depth_ = 0;
  }

  void parse_into(ParsedRecord& result, std::string_view text, int line, int column, bool show_line,
                  const ParseTarget& target) {
    begin(result, text, line, column, show_line, target);
    result.root = take(target.entity);

    // "{...} x": the object is read, then the text after it is the error (simdjson alone would
    // only report the whole line as unbalanced).
    std::size_t trailing = std::string_view::npos;
    std::string_view object_text = text;
    if (const std::size_t end = object_end(text); end != std::string_view::npos && !is_blank(text.substr(end))) {
      trailing = end;
      while (trailing < text.size() && (text[trailing] == ' ' || text[trailing] == '\t' ||
                                        text[trailing] == '\r' || text[trailing] == '\n'))
        ++trailing;
      object_text = text.substr(0, end);
    }
    if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
      // simdjson says only that the text is not UTF-8; say where.
      report_syntax_at("the text is not valid UTF-8 (byte 0x" + hex_byte(text[bad]) + ")", bad);
      return;
    }
    parse_value_text(object_text, target);
    if (trailing != std::string_view::npos) {
      result.problem.reset();
      result.problems.clear();
      report_syntax_at("unexpected text after the end of the object", trailing);
    }
  }

  void parse_value_text(std::string_view object_text, const ParseTarget& target) {
    ParsedRecord& result = *result_;

    // simdjson reads up to SIMDJSON_PADDING bytes past the end: the text is copied into a buffer
    // kept from record to record (no allocation once it has grown).
    if (padded_.size() < object_text.size() + simdjson::SIMDJSON_PADDING)
      padded_.resize(object_text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded_.data(), object_text.data(), object_text.size());
    std::memset(padded_.data() + object_text.size(), ' ', simdjson::SIMDJSON_PADDING);
    buffer_ = padded_.data();
    padded_size_ = object_text.size();
    od::document doc;
    doc_ = &doc;
    if (auto e = parser_.iterate(padded_.data(), object_text.size(), padded_.size()).get(doc)) {
      syntax_error(e, /*with_location=*/false);
      return;
    }
    od::json_type type;
    if (auto e = doc.type().get(type)) {
      syntax_error(e, true);
      return;
    }
    if (type != od::json_type::object) {
      std::string_view raw;
      if (doc.raw_json_token().get(raw)) raw = {};
      std::string got = type == od::json_type::array ? "an array" : describe_token(raw);
      fail("", std::string("expected a JSON object (") + target.noun + "), got " + got);
      return;
    }
    od::object object;
    if (auto e = doc.get_object().get(object)) {
      syntax_error(e, true);
      return;
    }
    if (auto e = read_object(object, target.entity, result.root, "", target.record)) {
      syntax_error(e, true);
      return;
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS && rest) {
      result.problem.reset();
      result.problems.clear();
      report_syntax("unexpected text after the end of the object", rest);
    }
    return;
  }

  // ---- The direct reading ----------------------------------------------------------------
  // A record written the usual way (plain JSON: no escape sequences, numbers without exponents,
  // every field known, given once, of the expected kind) is read here straight from its text,
  // without simdjson's setup and on-demand walk. It accepts only strictly valid JSON and produces
  // exactly what read_object would: anything else, or anything it is not sure of, makes it give
  // up (false), and the record is read again by simdjson, which finds and words the problems.
  // Giving up is always safe; accepting is only done for text both readers read the same way.
  //
  // The text is read from a copy followed by kPadding zero bytes: a zero byte is nowhere valid
  // (a control character in a string, nothing else outside), so every loop stops at the end
  // without comparing positions, and words of 8 to 32 bytes can be read at any place of the text.
  // (Or in place: see read_directly.)

  static constexpr std::size_t kPadding = 64;

  // A name (of a field, of an enumeration's value) compared in the text itself, with the '"'
  // that closes it, a word of 8 bytes at a time: names of up to 31 bytes (nearly all) entirely so,
  // longer ones by their first word and memcmp. Only names a JSON string without escape sequences
  // can hold are compared (all of them, in practice); the others match nothing.
  class Name {
   public:
    explicit Name(std::string_view name) : text_(name) {
      plain_ = first_invalid_utf8(name) == std::string_view::npos &&
               std::none_of(name.begin(), name.end(), [](char c) {
                 return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
               });
      std::string pattern(name);
      pattern += '"';
      short_ = pattern.size() <= kWords * 8;
      if (!short_) pattern.resize(8);
      words_ = short_ ? (pattern.size() + 7) / 8 : 2;  // for a long name, more than one: see at()
      pattern.resize(kWords * 8, '\0');
      for (std::size_t w = 0; w < kWords; ++w) {
        std::memcpy(&head_[w], pattern.data() + 8 * w, 8);
        for (std::size_t b = 0; b < 8; ++b)
          if (8 * w + b < std::min(name.size() + 1, short_ ? kWords * 8 : std::size_t{8}))
            mask_[w] |= std::uint64_t{0xFF} << (8 * b);
      }
      if (!plain_) mask_[0] = 0, head_[0] = 1, words_ = 1, short_ = true;  // never equal
    }
    const std::string& text() const { return text_; }
    bool plain() const { return plain_; }
    // Whether the text at `p` (inside the text, at or before `end`, with kPadding bytes readable
    // after `end`) starts with this name followed by '"'. A match is all bytes of the name, none
    // of which can be the byte at `end` (see read_directly), so it never reaches past it.
    [[gnu::always_inline]] bool at(const char* p, const char* end) const {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & mask_[0]) != head_[0]) return false;
      if (words_ == 1) return true;
      if (!short_) [[unlikely]] return long_at(p, end);
#if defined(__SSE2__)
      // The other words, 16 bytes at a time: an unused word's mask and head are zero.
      const auto half = [&](std::size_t w) {
        __m128i bytes, mask, head;
        std::memcpy(&bytes, p + 8 * w, sizeof bytes);
        std::memcpy(&mask, &mask_[w], sizeof mask);
        std::memcpy(&head, &head_[w], sizeof head);
        return _mm_cmpeq_epi8(_mm_and_si128(bytes, mask), head);
      };
      if (words_ <= 2) return _mm_movemask_epi8(half(0)) == 0xFFFF;
      return _mm_movemask_epi8(_mm_and_si128(half(0), half(2))) == 0xFFFF;
#else
      // The other words without branches: an unused word's mask and head are zero.
      std::uint64_t differ = 0;
      for (std::size_t w = 1; w < kWords; ++w) {
        std::memcpy(&word, p + 8 * w, sizeof word);
        differ |= (word & mask_[w]) ^ head_[w];
      }
      return differ == 0;
#endif
    }

   private:
    static constexpr std::size_t kWords = 4;

    bool long_at(const char* p, const char* end) const {
      const std::size_t n = text_.size();
      return static_cast<std::size_t>(end - p) > n && p[n] == '"' && std::memcmp(p + 8, text_.data() + 8, n - 8) == 0;
    }

    std::string text_;
    std::uint64_t head_[kWords] = {}, mask_[kWords] = {};
    std::size_t words_ = 1;  // the words at() compares
    bool short_ = true;      // the name and its '"' fit in kWords words
    bool plain_ = false;
  };

  // How the direct reading reads an input's values first (read_input_directly for the rest).
  enum class Fast : std::uint8_t { Boolean, Number, Enum, Other };

  // A field name an object of an entity may have, and what it is.
  struct Key {
    Name name;
    int input = -1;       // an input of the entity
    const Type* type = nullptr;  // the input's
    int collection = -1;  // or one of its collections
    bool id = false;      // the record's id (an input named id too, in the root entity)
    bool as_of = false;   // the record's as_of
    Fast fast = Fast::Other;  // for an input
  };

  void build_tables() {
    for (const EnumInfo& info : policy_.enums()) {
      auto& values = enum_values_.emplace_back();
      for (const std::string& value : info.values) values.emplace_back(value);
    }
    const auto& entities = policy_.entities();
    keys_.resize(entities.size());
    key_order_.assign(entities.size(), std::vector<const Key*>(kPositions, nullptr));
    for (std::size_t e = 0; e < entities.size(); ++e) {
      const EntitySchema& schema = entities[e];
      const bool root = static_cast<int>(e) == policy_.root_entity();
      auto& keys = keys_[e];
      // As read_object looks a name up: an input first, then the record's id and as_of, then
      // a collection.
      for (std::size_t i = 0; i < schema.inputs.size(); ++i)
        keys.push_back(Key{Name(schema.inputs[i].name), static_cast<int>(i), &schema.inputs[i].type, -1,
                           root && schema.inputs[i].name == "id", false});
      for (const std::string_view special : {"id", "as_of"})
        if (root && schema.input_index(special) < 0)
          keys.push_back(Key{Name(special), -1, nullptr, -1, special == "id", special == "as_of"});
      for (std::size_t c = 0; c < schema.collections.size(); ++c) {
        const std::string& name = schema.collections[c].name;
        if (schema.input_index(name) < 0 && !(root && (name == "id" || name == "as_of")))
          keys.push_back(Key{Name(name), -1, nullptr, static_cast<int>(c), false, false});
      }
      for (Key& key : keys) {
        if (!key.type || key.type->is_series()) continue;
        if (key.type->kind == TypeKind::Boolean) key.fast = Fast::Boolean;
        else if (key.type->is_numeric()) key.fast = Fast::Number;
        else if (key.type->kind == TypeKind::Enum && key.type->enum_index >= 0 &&
                 static_cast<std::size_t>(key.type->enum_index) < enum_values_.size())
          key.fast = Fast::Enum;
      }
      // A duplicate name is never reached by read_object; a name that cannot be compared never matches.
      for (std::size_t k = 0; k < keys.size(); ++k)
        for (std::size_t j = 0; j < k; ++j)
          if (keys[j].name.text() == keys[k].name.text()) keys[k].name = Name("\\");
    }
  }

  // The record to read into: the previous record's root, whose members are read into in place,
  // or an empty one.
  EntityRecord reused_root(int entity) {
    if (reusable_ && entity == policy_.root_entity() && fits(*reusable_, entity)) {
      EntityRecord root = std::move(*reusable_);
      reusable_.reset();
      return root;
    }
    return take(entity);
  }

  bool fits(const EntityRecord& record, int entity) const {
    const EntitySchema& schema = policy_.entities()[static_cast<std::size_t>(entity)];
    return record.inputs.size() == schema.inputs.size() && record.collections.size() == schema.collections.size();
  }

  // The text is read in place when the caller says that at least kPadding bytes after it can be
  // read (the rest of a block of lines) and it is followed by the line break that ended it: a
  // '\n' or '\r' stops every loop below as a zero byte does (skip_some_blanks alone skips them,
  // and it stops at the end). Otherwise, as for the last lines of a block, it is copied first.
  bool read_directly(std::string_view text, const ParseTarget& target, ParsedRecord& result) {
    const char* readable = std::exchange(readable_end_, nullptr);
    const char* after = text.data() + text.size();
    if (readable && after <= readable && static_cast<std::size_t>(readable - after) >= kPadding &&
        (*after == '\n' || *after == '\r')) {
      cursor_ = text.data();
    } else {
      if (direct_text_.size() < text.size() + kPadding) direct_text_.resize(text.size() + kPadding);
      std::memcpy(direct_text_.data(), text.data(), text.size());
      std::memset(direct_text_.data() + text.size(), 0, kPadding);
      cursor_ = direct_text_.data();
    }
    end_ = cursor_ + text.size();
    skip_blanks();
    if (*cursor_ != '{') return false;
    if (!read_object_directly(target.entity, result.root, target.record, 0)) return false;
    skip_blanks();
    return cursor_ == end_;
  }

  // Every JSON blank is at most ' '; records written by programs mostly have none.
  [[gnu::always_inline]] void skip_blanks() {
    if (static_cast<unsigned char>(*cursor_ - 1) < ' ') skip_some_blanks();  // 1 to ' ': not the end
  }
  [[gnu::noinline]] void skip_some_blanks() {
    while (cursor_ < end_ && (*cursor_ == ' ' || *cursor_ == '\t' || *cursor_ == '\n' || *cursor_ == '\r')) ++cursor_;
  }

  // Skips `literal` (true, false, null) when the text continues with it.
  bool skip_literal(std::string_view literal) {
    if (std::memcmp(cursor_, literal.data(), literal.size()) != 0) return false;
    cursor_ += literal.size();
    return true;
  }

  // A string without escape sequences or control characters, in valid UTF-8 (what stage 1
  // checks): its content, as the on-demand parser would unescape it. The cursor is on its '"'.
  bool read_plain_string(std::string_view& out) {
    const char* begin = ++cursor_;
    bool ascii = true;
    while (true) {
#if defined(__SSE2__)
      // To the first '"', '\\', control character or non-ASCII byte (the last two are the bytes
      // below 0x20 as signed chars), 16 bytes at a time.
      while (true) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cursor_));
        const __m128i stop = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))),
            _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)));
        if (const int mask = _mm_movemask_epi8(stop)) {
          cursor_ += __builtin_ctz(static_cast<unsigned>(mask));
          break;
        }
        cursor_ += 16;
      }
#endif
      const auto c = static_cast<unsigned char>(*cursor_);
      if (c == '"') break;
      if (c < 0x80) {
        if (c == '\\' || c < 0x20) return false;  // an escape sequence, a control character, the end
      } else {
        ascii = false;
      }
      ++cursor_;
    }
    out = std::string_view(begin, static_cast<std::size_t>(cursor_ - begin));
    ++cursor_;
    return ascii || first_invalid_utf8(out) == std::string_view::npos;
  }

  // The key at the cursor (on its '"'), of an object of `entity`, at `position` among its fields;
  // null when the key is not one of the entity's or not plain. Tries first the key found at the
  // same position in the previous object of the entity: records written by a program list their
  // fields in the same order, and that key's text is then only compared.
  [[gnu::always_inline]] const Key* read_key(int entity, std::size_t position) {
    const char* text = cursor_ + 1;
    if (position < kPositions) {
      const Key* guess = key_order_[static_cast<std::size_t>(entity)][position];
      if (guess && guess->name.at(text, end_)) [[likely]] {
        cursor_ = text + guess->name.text().size() + 1;
        return guess;
      }
    }
    return find_key(entity, position);
  }

  // The key among all of the entity's. Name::at matches exactly the plain keys read_plain_string
  // would read and compare equal, so a key it matches nowhere is unknown or unusual.
  [[gnu::noinline]] const Key* find_key(int entity, std::size_t position) {
    const char* text = cursor_ + 1;
    for (const Key& key : keys_[static_cast<std::size_t>(entity)]) {
      if (!key.name.at(text, end_)) continue;
      if (position < kPositions) key_order_[static_cast<std::size_t>(entity)][position] = &key;
      cursor_ = text + key.name.text().size() + 1;
      return &key;
    }
    return nullptr;
  }

  static constexpr std::uint64_t low_bits(std::size_t n) {
    return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  }

  // What read_object does with an object whose fields all read without a problem or warning.
  // `record` may hold the values and members of an earlier record: they are replaced, or
  // removed when not given.
  bool read_object_directly(int entity, EntityRecord& record, bool is_root, int depth) {
    // Deeper than any household; simdjson's walk enforces the real limit.
    if (depth > 16) return false;
    const EntitySchema& schema = (*entities_)[static_cast<std::size_t>(entity)];
    // Which inputs and collections were given (entities with more are left to simdjson).
    if (schema.inputs.size() > 64 || schema.collections.size() > 64) return false;
    std::uint64_t seen_inputs = 0, seen_collections = 0;
    bool seen_as_of = false;
    ++cursor_;  // '{'
    skip_blanks();
    if (*cursor_ == '}') {
      ++cursor_;
    } else {
      for (std::size_t position = 0;; ++position) {
        if (*cursor_ != '"') return false;
        const Key* key = read_key(entity, position);
        if (!key) return false;  // an unknown field (simdjson's walk warns) or an unusual key
        if (*cursor_ != ':') {
          skip_blanks();
          if (*cursor_ != ':') return false;
        }
        ++cursor_;
        skip_blanks();

        if (key->input >= 0) [[likely]] {
          const std::uint64_t bit = std::uint64_t{1} << key->input;
          if (seen_inputs & bit) return false;
          seen_inputs |= bit;
          auto& slot = record.inputs[static_cast<std::size_t>(key->input)];
          if (!read_common_input(*key, slot) && !read_input_directly(*key->type, slot)) return false;
          if (key->id && slot) {  // as read_object does
            if (key->type->kind == TypeKind::Text) result_->id = slot->text;
            else if (key->type->kind == TypeKind::Integer) result_->id = slot->number.to_string();
          }
        } else if (key->id) {
          // read_id: a non-empty string (other forms are left to simdjson).
          std::string_view id;
          if (*cursor_ != '"' || !read_plain_string(id) || id.empty()) return false;
          result_->id.emplace(id);
        } else if (key->as_of) {
          if (seen_as_of) return false;
          seen_as_of = true;
          if (*cursor_ == '"') {
            std::string_view date_text;
            if (!read_plain_string(date_text)) return false;
            const auto date = Date::parse(date_text);
            if (!date) return false;
            result_->as_of = *date;
          } else if (!skip_literal("null")) {
            return false;
          }
        } else {
          const std::uint64_t bit = std::uint64_t{1} << key->collection;
          if (seen_collections & bit) return false;
          seen_collections |= bit;
          const auto c = static_cast<std::size_t>(key->collection);
          if (!read_collection_directly(schema.collections[c].entity, record.collections[c], depth)) return false;
        }

        char c = *cursor_;
        if (c != ',' && c != '}') {
          skip_blanks();
          c = *cursor_;
        }
        ++cursor_;
        if (c == '}') break;
        if (c != ',') return false;
        skip_blanks();
      }
    }
    // What this object does not give, an earlier record may have given.
    for (std::uint64_t missing = ~seen_inputs & low_bits(record.inputs.size()); missing; missing &= missing - 1)
      record.inputs[static_cast<std::size_t>(__builtin_ctzll(missing))].reset();
    for (std::uint64_t missing = ~seen_collections & low_bits(record.collections.size()); missing; missing &= missing - 1) {
      const auto c = static_cast<std::size_t>(__builtin_ctzll(missing));
      keep_members(record.collections[c], 0, schema.collections[c].entity);
    }
    return true;
  }

  // Leaves the first `count` members, recycling the others.
  void keep_members(std::vector<EntityRecord>& members, std::size_t count, int entity) {
    while (members.size() > count) {
      recycle(std::move(members.back()), entity);
      members.pop_back();
    }
  }

  // null (no members) or an array of objects, read into the members already there first.
  bool read_collection_directly(int entity, std::vector<EntityRecord>& members, int depth) {
    std::size_t count = 0;
    bool ok = true;
    if (*cursor_ != '[') {
      ok = skip_literal("null");
    } else {
      ++cursor_;
      skip_blanks();
      if (*cursor_ == ']') {
        ++cursor_;
      } else {
        while (true) {
          if (*cursor_ != '{') {
            ok = false;
            break;
          }
          // read_object_directly sets or clears every input: a recycled member's are left as they are.
          if (count == members.size()) members.push_back(take(entity, /*clear=*/false));
          if (!read_object_directly(entity, members[count++], false, depth + 1)) {
            ok = false;
            break;
          }
          char c = *cursor_;
          if (c != ',' && c != ']') {
            skip_blanks();
            c = *cursor_;
          }
          ++cursor_;
          if (c == ']') break;
          if (c != ',') {
            ok = false;
            break;
          }
          skip_blanks();
        }
      }
    }
    keep_members(members, count, entity);
    return ok;
  }

  // The slot's value, for the caller to set its type's member and clear the others that may be
  // set (number, scalar). A value this reader read into the slot before holds only its type's
  // member (the slot's type never changes), so its text and series are already empty; anything
  // else (a record the caller made) is cleared first.
  [[gnu::always_inline]] static Value& fresh(std::optional<Value>& slot) {
    if (!slot) [[unlikely]] return slot.emplace();
    Value& value = *slot;
    if (!value.text.empty() || value.series || value.number.is_wide()) [[unlikely]] value = Value();
    return value;
  }
  [[gnu::always_inline]] static void set_scalar(std::optional<Value>& slot, std::int64_t scalar) {
    Value& value = fresh(slot);
    value.number = Decimal();
    value.scalar = scalar;
  }
  [[gnu::always_inline]] static void set_number(std::optional<Value>& slot, std::int64_t mantissa, int scale) {
    Value& value = fresh(slot);
    value.number.assign_scaled(mantissa, scale);
    value.scalar = 0;
  }

  // A number of at most 18 digits at the cursor, plain or quoted, and for a rate also "8.2%" (as
  // parse_rate reads it: 8.2 times 0.01, whose scale is 2 more). The cursor is left where it was
  // when not.
  [[gnu::always_inline]] bool read_short_number_value(TypeKind kind, std::optional<Value>& slot) {
    const char* start = cursor_;
    const bool quoted = *cursor_ == '"';
    cursor_ += quoted;
    std::int64_t mantissa;
    int scale;
    if (read_short_number(/*json=*/!quoted, kind == TypeKind::Integer, mantissa, scale)) {
      if (!quoted) {
        set_number(slot, mantissa, scale);
        return true;
      }
      if (*cursor_ == '"') {
        ++cursor_;
        set_number(slot, mantissa, scale);
        return true;
      }
      if (kind == TypeKind::Rate && cursor_[0] == '%' && cursor_[1] == '"') {
        cursor_ += 2;
        set_number(slot, mantissa, scale + 2);
        return true;
      }
    }
    cursor_ = start;
    return false;
  }

  // The usual values of the usual types, read inline (the cursor is left where it was when not):
  // what read_input_directly would make of them.
  [[gnu::always_inline]] bool read_common_input(const Key& key, std::optional<Value>& slot) {
    const char* p = cursor_;
    switch (key.fast) {
      case Fast::Number: return read_short_number_value(key.type->kind, slot);
      case Fast::Boolean: {
        std::uint32_t word;
        std::memcpy(&word, p, sizeof word);
        if (word == literal_word("true")) {
          cursor_ += 4;
          set_scalar(slot, 1);
          return true;
        }
        if (word == literal_word("fals") && p[4] == 'e') {
          cursor_ += 5;
          set_scalar(slot, 0);
          return true;
        }
        return false;
      }
      case Fast::Enum: {
        if (*p != '"') return false;
        const auto& values = enum_values_[static_cast<std::size_t>(key.type->enum_index)];
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (!values[i].at(p + 1, end_)) continue;
          cursor_ = p + 2 + values[i].text().size();
          set_scalar(slot, static_cast<std::int64_t>(i));
          return true;
        }
        return false;
      }
      case Fast::Other: break;
    }
    return false;
  }

  // The 4 bytes of `text` as one word read from the text.
  static std::uint32_t literal_word(const char (&text)[5]) {
    std::uint32_t word;
    std::memcpy(&word, text, sizeof word);
    return word;
  }

  // What read_input does with a value it reads without a problem; series are left to simdjson.
  [[gnu::noinline]] bool read_input_directly(const Type& want, std::optional<Value>& slot) {
    if (want.is_series()) return false;
    const char c = *cursor_;
    if (c == 'n') {
      if (!skip_literal("null")) return false;
      slot.reset();
      return true;
    }
    switch (want.kind) {
      case TypeKind::Boolean: {
        if (c != 't' && c != 'f') return false;  // a string is a mismatch for read_input
        const bool value = c == 't';
        if (!skip_literal(value ? "true" : "false")) return false;
        set_scalar(slot, value ? 1 : 0);
        return true;
      }
      case TypeKind::Integer:
      case TypeKind::Decimal:
      case TypeKind::Money:
      case TypeKind::Rate: {
        if (read_short_number_value(want.kind, slot)) return true;
        const bool quoted = c == '"';
        const char* start = cursor_;
        if (!quoted) {
          // The number's text; fast_number checks its syntax (a JSON number without an exponent).
          while ((*cursor_ >= '0' && *cursor_ <= '9') || *cursor_ == '.' || *cursor_ == '-') ++cursor_;
          return fast_number(want, std::string_view(start, static_cast<std::size_t>(cursor_ - start)), true, slot);
        }
        break;  // "$1,234.56", long numbers: below
      }
      case TypeKind::Enum: {
        if (c != '"') return false;
        if (want.enum_index < 0 || static_cast<std::size_t>(want.enum_index) >= enum_values_.size()) return false;
        const auto& values = enum_values_[static_cast<std::size_t>(want.enum_index)];
        const char* text = cursor_ + 1;
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (!values[i].at(text, end_)) continue;
          cursor_ = text + values[i].text().size() + 1;
          set_scalar(slot, static_cast<std::int64_t>(i));
          return true;
        }
        return false;  // not a value of the enumeration, or written unusually
      }
      case TypeKind::Date: {
        std::string_view text;
        if (c != '"' || !read_plain_string(text)) return false;
        const auto date = Date::parse(text);
        if (!date) return false;
        set_scalar(slot, date->days());
        return true;
      }
      case TypeKind::Text: {
        std::string_view text;
        if (c != '"' || !read_plain_string(text)) return false;
        if (!slot) slot.emplace();
        Value& value = *slot;
        value.number = Decimal();
        value.scalar = 0;
        value.series.reset();
        value.text.assign(text);
        return true;
      }
      case TypeKind::Period: break;
    }
    std::string_view text;
    if (c != '"' || !read_plain_string(text)) return false;
    if (fast_number(want, text, /*json=*/false, slot) || fast_enum(want, text, slot)) return true;
    return !assign_from_text(policy_, want, text, slot);
  }

  // The number at the cursor if it is written plainly (-12.50; in JSON without leading zeros)
  // with at most 18 digits, as fast_number reads such text (mantissa x 10^-scale); the cursor
  // then moves past it.
  bool read_short_number(bool json, bool integer, std::int64_t& number, int& number_scale) {
    const char* p = cursor_;
    const bool negative = *p == '-';
    p += negative;
    const char* int_begin = p;
    std::uint64_t mantissa = 0;  // wraps past 19 digits: refused below
    for (; static_cast<unsigned char>(*p - '0') < 10; ++p) mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
    const auto int_digits = static_cast<std::size_t>(p - int_begin);
    if (int_digits == 0 || (json && *int_begin == '0' && int_digits > 1)) return false;
    std::size_t scale = 0;
    if (*p == '.') {
      if (integer) return false;
      const char* frac_begin = ++p;
      for (; static_cast<unsigned char>(*p - '0') < 10; ++p) mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
      scale = static_cast<std::size_t>(p - frac_begin);
      if (scale == 0) return false;
    }
    if (int_digits + scale > 18) return false;
    const auto m = static_cast<std::int64_t>(mantissa);  // below 10^18
    number = negative ? -m : m;
    number_scale = static_cast<int>(scale);
    cursor_ = p;
    return true;
  }

 private:
  using error_code = simdjson::error_code;

  void fail(std::string field, std::string message) {
    if (collect_all_) result_->problems.push_back(Problem{field, message});
    if (!result_->problem) result_->problem = Problem{std::move(field), std::move(message)};
  }

  // Whether values after a problem are still read: only when collecting every problem.
  bool stop_reading() const { return result_->problem && !collect_all_; }

  void syntax_error(error_code e, bool with_location) {
    const char* where = nullptr;
    if (!with_location || doc_->current_location().get(where) != simdjson::SUCCESS) where = nullptr;
    // A syntax error replaces an earlier value problem: the record is broken as a whole.
    result_->problem.reset();
    result_->problems.clear();
    report_syntax(syntax_explanation(e), where, e == simdjson::DEPTH_ERROR ? "unsupported JSON" : "broken JSON");
  }

  void report_syntax(std::string_view explanation, const char* where, const char* what = "broken JSON") {
    std::size_t offset = std::string_view::npos;
    if (where && where >= buffer_ && where < buffer_ + text_.size()) offset = static_cast<std::size_t>(where - buffer_);
    report_syntax_at(explanation, offset, what);
  }

  // `offset` into text_, or npos when the place is not known.
  void report_syntax_at(std::string_view explanation, std::size_t offset, const char* what = "broken JSON") {
    std::string message = what;
    if (offset < text_.size()) {
      const std::string_view before = text_.substr(0, offset);
      const auto newlines = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      const std::size_t last_newline = before.rfind('\n');
      const int column = last_newline == std::string_view::npos
                             ? column_ + static_cast<int>(offset)
                             : static_cast<int>(offset - last_newline);
      message += " at ";
      if (show_line_) message += "line " + std::to_string(line_ + newlines) + ", ";
      message += "column " + std::to_string(column);
      std::string_view near = text_.substr(offset, 24);
      near = near.substr(0, near.find('\n'));
      message += " (near " + quote_for_message(trim_right(near)) + ")";
    }
    message += ": ";
    message += explanation;
    fail("", std::move(message));
  }

  // A scalar's source text for "got ..." in messages.
  static std::string describe_token(std::string_view raw) {
    raw = trim_right(raw);
    if (raw.size() > 60) return std::string(raw.substr(0, 57)) + "...";
    return std::string(raw);
  }

  static std::string describe(od::json_type type, std::string_view raw) {
    switch (type) {
      case od::json_type::object: return "an object";
      case od::json_type::array: return "an array";
      default: return describe_token(raw);
    }
  }

  error_code read_object(od::object object, int entity, EntityRecord& record, const std::string& prefix,
                         bool is_root) {
    DepthGuard guard(depth_);
    if (guard.too_deep()) return simdjson::DEPTH_ERROR;
    const EntitySchema& schema = policy_.entities()[static_cast<std::size_t>(entity)];
    SeenSet seen_input(schema.inputs.size());
    SeenSet seen_collection(schema.collections.size());
    int seen_as_of = 0;
    std::size_t position = 0;  // of the field in the object
    for (auto field_result : object) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return e;
      // The key stays valid while the document is read: it points into the text itself when it
      // has no escape sequence (the usual case: nothing to unescape), otherwise into the buffer
      // simdjson unescapes into.
      std::string_view key = plain_key(field);
      if (key.data() == nullptr)
        if (auto e = field.unescaped_key().get(key)) return e;
      od::value value = field.value();

      const int input = find_input(entity, schema, position++, key);
      const bool is_id = is_root && key == "id";
      if (is_id && input < 0) {
        if (auto e = read_id(value)) return e;
        continue;
      }
      // Once the record is rejected only the id matters (for the message); the rest is skipped.
      if (stop_reading()) continue;

      const FieldPath path{prefix, key};  // made into text only for a message
      if (is_root && key == "as_of" && input < 0) {
        if (seen_as_of++) {
          fail(path, "the field is given twice");
          continue;
        }
        if (auto e = read_as_of(value)) return e;
        continue;
      }
      if (input >= 0) {
        if (seen_input.test_and_set(static_cast<std::size_t>(input))) {
          fail(path, "the field is given twice");
          continue;
        }
        const InputSchema& schema_input = schema.inputs[static_cast<std::size_t>(input)];
        auto& slot = record.inputs[static_cast<std::size_t>(input)];
        if (auto e = read_input(value, schema_input.type, slot, path)) return e;
        if (is_id && slot) {  // the policy has an input named "id": it is the record's id too
          if (schema_input.type.kind == TypeKind::Text) result_->id = slot->text;
          else if (schema_input.type.kind == TypeKind::Integer) result_->id = slot->number.to_string();
        }
        continue;
      }
      const int collection = schema.collection_index(key);
      if (collection >= 0) {
        if (seen_collection.test_and_set(static_cast<std::size_t>(collection))) {
          fail(path, "the field is given twice");
          continue;
        }
        if (auto e = read_collection(value, schema.collections[static_cast<std::size_t>(collection)],
                                     record.collections[static_cast<std::size_t>(collection)], prefix))
          return e;
        continue;
      }
      result_->warnings.push_back(Problem{path, "unknown field ignored"});
      if (auto e = consume(value, path)) return e;
    }
    return simdjson::SUCCESS;
  }

  error_code read_id(od::value value) {
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    if (type == od::json_type::string) {
      std::string_view id;
      if (auto e = value.get_string().get(id)) return e;
      if (id.empty()) fail("id", "the id is empty");
      else result_->id = std::string(id);
      return simdjson::SUCCESS;
    }
    const std::string_view raw = trim_right(value.raw_json_token());
    if (type == od::json_type::number) {
      auto plain = json_number_to_plain(raw);
      if (!plain) {
        fail("id", "invalid JSON number " + describe_token(raw));
        return simdjson::SUCCESS;
      }
      if (raw.find_first_of(".eE") == std::string_view::npos) {
        result_->id = std::string(raw);
        return simdjson::SUCCESS;
      }
    }
    if (type == od::json_type::null && raw == "null") return simdjson::SUCCESS;  // as if absent
    fail("id", "expected a string or a whole number as the id, got " + describe(type, raw));
    if (type == od::json_type::object || type == od::json_type::array) return consume(value, "id");
    return simdjson::SUCCESS;
  }

  // The record's own evaluation date: a string YYYY-MM-DD (null: as if absent).
  error_code read_as_of(od::value value) {
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    if (type == od::json_type::string) {
      std::string_view text;
      if (auto e = value.get_string().get(text)) return e;
      if (auto date = Date::parse(text)) result_->as_of = *date;
      else fail("as_of", as_of_message(quote_for_message(text)));
      return simdjson::SUCCESS;
    }
    const std::string_view raw = trim_right(value.raw_json_token());
    if (type == od::json_type::null) {
      check_literal(type, raw, "as_of");
      return simdjson::SUCCESS;
    }
    if (type == od::json_type::boolean && !check_literal(type, raw, "as_of")) return simdjson::SUCCESS;
    fail("as_of", as_of_message(describe(type, raw)));
    if (type == od::json_type::object || type == od::json_type::array) return consume(value, "as_of");
    return simdjson::SUCCESS;
  }

  // A key without escape sequences, as written; a null view when it has one. Stage 1 has
  // already checked the document's strings (closed, no raw control characters, valid UTF-8).
  std::string_view plain_key(od::field& field) const {
    const char* begin = field.key().raw();
    const char* end = buffer_ + padded_size_;
    if (begin < buffer_ || begin >= end) return {};
    const void* quote = std::memchr(begin, '"', static_cast<std::size_t>(end - begin));
    if (!quote) return {};
    const std::string_view key(begin, static_cast<std::size_t>(static_cast<const char*>(quote) - begin));
    if (key.find('\\') != std::string_view::npos) return {};
    return key;
  }

  // The common values without parse_value's detour through a text copy and optional<Value>:
  // a number written plainly (-12.50; for a JSON number also without leading zeros, as JSON
  // wants) is what Decimal::parse makes of it for every numeric type, and json_number_to_plain,
  // parse_integer, parse_money and parse_rate would all hand Decimal::parse that same text. False
  // (and `slot` untouched) when the text is not that simple: the general path then reads it.
  bool fast_number(const Type& want, std::string_view text, bool json, std::optional<Value>& slot) {
    if (!want.is_numeric() || want.is_series()) return false;
    std::size_t i = 0;
    const std::size_t n = text.size();
    const bool negative = i < n && text[i] == '-';
    if (negative) ++i;
    std::uint64_t mantissa = 0;  // of the first digits, all of them when there are at most 18
    std::size_t digits = 0;
    const std::size_t int_begin = i;
    for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i, ++digits)
      if (digits < 18) mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (i == int_begin) return false;
    if (json && text[int_begin] == '0' && i - int_begin > 1) return false;  // leading zero: invalid JSON
    int scale = 0;
    if (i < n) {
      if (text[i] != '.' || want.kind == TypeKind::Integer) return false;
      const std::size_t frac_begin = ++i;
      for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i, ++digits)
        if (digits < 18) mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (i == frac_begin || i != n) return false;
      scale = static_cast<int>(i - frac_begin);
    }
    if (digits <= 18) {
      // What Decimal::parse makes of it: the digits as the mantissa, the fraction's length as
      // the scale ("1.50" is 150 at scale 2).
      const auto m = static_cast<int128>(mantissa);
      slot.emplace();
      slot->number = Decimal::from_scaled(negative ? -m : m, scale);
      return true;
    }
    auto number = Decimal::parse(text);
    if (!number) return false;
    slot.emplace();
    slot->number = std::move(*number);
    return true;
  }

  // An enumeration's value written exactly.
  bool fast_enum(const Type& want, std::string_view text, std::optional<Value>& slot) {
    if (want.kind != TypeKind::Enum || want.is_series() || want.enum_index < 0 ||
        static_cast<std::size_t>(want.enum_index) >= policy_.enums().size())
      return false;
    // EnumInfo::ordinal_of, comparing lengths first (most values differ in length).
    const auto& values = policy_.enums()[static_cast<std::size_t>(want.enum_index)].values;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].size() != text.size() || std::memcmp(values[i].data(), text.data(), text.size()) != 0) continue;
      slot.emplace();
      slot->scalar = static_cast<std::int64_t>(i);
      return true;
    }
    return false;
  }

  // Validates a JSON literal (true/false/null) the on-demand parser has not checked yet.
  bool check_literal(od::json_type type, std::string_view raw, const FieldPath& path) {
    const bool ok = type == od::json_type::null ? raw == "null" : (raw == "true" || raw == "false");
    if (!ok) fail(path, "broken JSON: invalid value " + describe_token(raw) +
                            " (true, false and null are lowercase; strings need quotes)");
    return ok;
  }

  error_code read_input(od::value value, const Type& want, std::optional<Value>& slot, const FieldPath& path) {
    if (want.is_series()) return read_series(value, want, slot, path);
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    auto mismatch = [&](const std::string& got) {
      std::string expected = expected_description(policy_, want);
      if (want.kind == TypeKind::Text) expected = "text (a JSON string)";
      fail(path, "expected " + expected + ", got " + got);
    };
    switch (type) {
      case od::json_type::null: {
        if (check_literal(type, trim_right(value.raw_json_token()), path)) slot.reset();
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean: {
        const std::string_view raw = trim_right(value.raw_json_token());
        if (!check_literal(type, raw, path)) return simdjson::SUCCESS;
        if (want.kind == TypeKind::Boolean) slot = Value::of_bool(raw == "true");
        else mismatch(std::string(raw));
        return simdjson::SUCCESS;
      }
      case od::json_type::number: {
        const std::string_view raw = trim_right(value.raw_json_token());
        if (fast_number(want, raw, /*json=*/true, slot)) return simdjson::SUCCESS;
        auto plain = json_number_to_plain(raw);
        if (!plain) {
          fail(path, "broken JSON: invalid number " + describe_token(raw));
          return simdjson::SUCCESS;
        }
        if (!want.is_numeric()) {
          mismatch(describe_token(raw));
          return simdjson::SUCCESS;
        }
        std::string expected;
        if (auto parsed = parse_value(want, *plain, policy_.enums(), &expected)) slot = std::move(*parsed);
        else fail(path, "expected " + expected + ", got " + describe_token(raw));
        return simdjson::SUCCESS;
      }
      case od::json_type::string: {
        std::string_view text;
        if (auto e = value.get_string().get(text)) return e;
        if (want.kind == TypeKind::Boolean) {
          mismatch(quote_for_message(text) + " (write true or false without quotes)");
          return simdjson::SUCCESS;
        }
        if (fast_number(want, text, /*json=*/false, slot) || fast_enum(want, text, slot)) return simdjson::SUCCESS;
        if (auto message = assign_from_text(policy_, want, text, slot)) fail(path, *message);
        return simdjson::SUCCESS;
      }
      case od::json_type::object:
      case od::json_type::array:
        mismatch(describe(type, {}));
        return consume(value, path);
    }
    return simdjson::SUCCESS;
  }

  // A series: an object keyed by period label, each value read as a value of the element type.
  // Periods with null are not given; an empty object is a series with no period given.
  error_code read_series(od::value value, const Type& want, std::optional<Value>& slot, const FieldPath& field_path) {
    const std::string path = field_path;
    DepthGuard guard(depth_);
    if (guard.too_deep()) return simdjson::DEPTH_ERROR;
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    if (type == od::json_type::null) {
      if (check_literal(type, trim_right(value.raw_json_token()), path)) slot.reset();
      return simdjson::SUCCESS;
    }
    if (type != od::json_type::object) {
      const std::string_view raw = type == od::json_type::array ? std::string_view() : value.raw_json_token();
      if (type == od::json_type::boolean && !check_literal(type, trim_right(raw), path)) return simdjson::SUCCESS;
      fail(path, "expected " + series_type_name(policy_, want) + ": an object with one value per " +
                     period_noun(want.period) + ", such as {\"" + period_example(want.period) + "\": ...}, got " +
                     describe(type, raw));
      return type == od::json_type::array ? consume(value, path) : simdjson::SUCCESS;
    }
    od::object object;
    if (auto e = value.get_object().get(object)) return e;
    const Type element = want.element();
    SeriesValues values;
    std::vector<std::int64_t> seen;
    bool ok = true;
    for (auto field_result : object) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return e;
      std::string_view label;
      if (auto e = field.unescaped_key().get(label)) return e;
      const std::string element_path = series_field_path(path, label);
      od::value element_value = field.value();
      if (stop_reading()) continue;
      std::string message;
      const auto index = parse_period_label(want.period, label, &message);
      if (!index) {
        fail(element_path, message);
        ok = false;
        if (auto e = consume(element_value, element_path)) return e;
        continue;
      }
      if (std::find(seen.begin(), seen.end(), *index) != seen.end()) {
        fail(element_path, std::string("the ") + period_noun(want.period) + " " + format_period(want.period, *index) +
                               " is given twice");
        ok = false;
        if (auto e = consume(element_value, element_path)) return e;
        continue;
      }
      seen.push_back(*index);
      std::optional<Value> element_slot;
      const std::size_t problems_before = result_->problems.size();
      const bool had_problem = result_->problem.has_value();
      if (auto e = read_input(element_value, element, element_slot, element_path)) return e;
      if (result_->problem.has_value() != had_problem || result_->problems.size() != problems_before) ok = false;
      if (element_slot) values.emplace(*index, std::move(*element_slot));
    }
    if (ok) slot = Value::of_series(std::move(values));
    return simdjson::SUCCESS;
  }

  error_code read_collection(od::value value, const CollectionSchema& collection,
                             std::vector<EntityRecord>& members, const std::string& prefix) {
    const std::string path = field_path(prefix, collection.name);
    const std::string& entity_name = policy_.entities()[static_cast<std::size_t>(collection.entity)].name;
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    if (type == od::json_type::null) {
      check_literal(type, trim_right(value.raw_json_token()), path);
      return simdjson::SUCCESS;  // not given: no members
    }
    if (type != od::json_type::array) {
      fail(path, "expected an array of " + entity_name + " objects, got " +
                     describe(type, value.raw_json_token()));
      return type == od::json_type::object ? consume(value, path) : simdjson::SUCCESS;
    }
    od::array array;
    if (auto e = value.get_array().get(array)) return e;
    std::size_t index = 0;
    for (auto element_result : array) {
      od::value element;
      if (auto e = std::move(element_result).get(element)) return e;
      ++index;
      if (stop_reading()) continue;
      const std::string element_path = member_path(prefix, collection.name, index);
      od::json_type element_type;
      if (auto e = element.type().get(element_type)) return e;
      if (element_type != od::json_type::object) {
        fail(element_path, "expected a " + entity_name + " object, got " +
                               describe(element_type, element.raw_json_token()));
        if (element_type == od::json_type::array)
          if (auto e = consume(element, element_path)) return e;
        continue;
      }
      od::object object;
      if (auto e = element.get_object().get(object)) return e;
      members.push_back(take(collection.entity));
      if (auto e = read_object(object, collection.entity, members.back(), element_path + ".", false))
        return e;
    }
    return simdjson::SUCCESS;
  }

  // Reads and discards a value, checking its syntax (the on-demand parser would otherwise skip
  // it without looking closely).
  error_code consume(od::value value, const FieldPath& path) {
    DepthGuard guard(depth_);
    if (guard.too_deep()) return simdjson::DEPTH_ERROR;
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto e = value.get_object().get(object)) return e;
        for (auto field_result : object) {
          od::field field;
          if (auto e = std::move(field_result).get(field)) return e;
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return e;
          if (auto e = consume(field.value(), path)) return e;
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::array: {
        od::array array;
        if (auto e = value.get_array().get(array)) return e;
        for (auto element_result : array) {
          od::value element;
          if (auto e = std::move(element_result).get(element)) return e;
          if (auto e = consume(element, path)) return e;
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::string: {
        std::string_view text;
        return value.get_string().get(text);
      }
      case od::json_type::number: {
        const std::string_view raw = trim_right(value.raw_json_token());
        if (!json_number_to_plain(raw)) fail(path, "broken JSON: invalid number " + describe_token(raw));
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean:
      case od::json_type::null:
        check_literal(type, trim_right(value.raw_json_token()), path);
        return simdjson::SUCCESS;
    }
    return simdjson::SUCCESS;
  }

  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth_(++depth) {}
    ~DepthGuard() { --depth_; }
    bool too_deep() const { return depth_ > kMaxDepth; }
    int& depth_;
  };

  // schema.input_index(key), trying first the input found at the same position of the previous
  // object of this entity (records written by a program list their fields in the same order).
  int find_input(int entity, const EntitySchema& schema, std::size_t position, std::string_view key) {
    constexpr std::size_t kPositions = 64;
    auto& order = field_order_[static_cast<std::size_t>(entity)];
    if (position < order.size()) {
      const int guess = order[position];
      if (guess >= 0 && schema.inputs[static_cast<std::size_t>(guess)].name == key) return guess;
    }
    const int input = schema.input_index(key);
    if (position < kPositions) {
      if (order.size() <= position) order.resize(position + 1, -1);
      order[position] = input;
    }
    return input;
  }

  // An empty record of `entity`: a recycled one when there is one (whose inputs are left as they
  // are without `clear`, for a caller that sets or clears each of them).
  EntityRecord take(int entity, bool clear = true) {
    auto& spare = spare_[static_cast<std::size_t>(entity)];
    if (spare.empty()) return policy_.empty_record(entity);
    EntityRecord record = std::move(spare.back());
    spare.pop_back();
    if (clear)
      for (auto& slot : record.inputs) slot.reset();
    return record;  // its collections were emptied by recycle()
  }

  static constexpr std::size_t kMaxSpare = 64;  // per entity

  const Policy& policy_;
  std::vector<std::vector<EntityRecord>> spare_;  // by entity index
  std::vector<std::vector<int>> field_order_;      // by entity index: the input at each field position
  std::vector<std::vector<Key>> keys_;             // by entity index
  static constexpr std::size_t kPositions = 64;     // field positions whose key is remembered
  std::vector<std::vector<const Key*>> key_order_;  // by entity index: the key at each field position (into keys_)
  const std::vector<EntitySchema>* entities_;      // policy_.entities()
  const char* readable_end_ = nullptr;             // see parse()
  std::optional<EntityRecord> reusable_;           // see reuse()
  std::vector<std::vector<Name>> enum_values_;     // by enumeration: the names of its values
  std::vector<char> direct_text_;                  // the text the direct reading reads, padded
  const char* cursor_ = nullptr;                   // the direct reading's place in the text
  const char* end_ = nullptr;
  od::parser parser_;
  std::vector<char> padded_;
  int depth_ = 0;
  od::document* doc_ = nullptr;
  const char* buffer_ = nullptr;
  std::size_t padded_size_ = 0;  // the length of the text in buffer_
  std::string_view text_;
  int line_ = 1;
  int column_ = 1;
  bool show_line_ = false;
  bool collect_all_ = false;
  ParsedRecord* result_ = nullptr;
};

// Appends quote_for_message(text), without its copies for the usual short printable ASCII text.
// Text that quote_for_message leaves as it is between its quotes: short, printable ASCII, no
// quote or backslash.
bool is_plain_for_message(std::string_view text) {
  constexpr std::size_t kShort = 60;  // quote_for_message shortens longer text
  return text.size() <= kShort && std::all_of(text.begin(), text.end(), [](char c) {
           return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
         });
}

void append_quoted_for_message(std::string& out, std::string_view text) {
  if (!is_plain_for_message(text)) {
    out += quote_for_message(text);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

// Turns a parsed record into the reader's output; `label` names the record in messages (and is
// the record's source).
void deliver(ParsedRecord&& parsed, std::string id, std::string label, std::string_view text,
             ReadResult& out, std::vector<RecordWarning>& warnings) {
  for (auto& w : parsed.warnings) warnings.push_back(RecordWarning{label, std::move(w.field), std::move(w.message)});
  if (parsed.problem) {
    out = RecordError{std::move(label), std::move(parsed.problem->field), std::move(parsed.problem->message),
                      truncate_raw(text)};
  } else {
    out = Record{std::move(id), std::move(parsed.root), parsed.as_of, std::move(label)};
  }
}

// One line of JSON lines, as the stream reader and the block reader both read it. `line` is the
// line without its '\n' (its first kMaxRecordBytes bytes when `too_large`); `first`: the first
// line of the input, which may start with a byte order mark and at `first_column`. Returns false
// for a blank line (no record); otherwise fills `out`, and `last_text` with the record's text
// (empty for a record too large). `readable_end`: see JsonRecordParser::parse.
bool read_json_line(JsonRecordParser& parser, std::string_view line, bool too_large, int line_number, bool first,
                    int first_column, ReadResult& out, std::vector<RecordWarning>& warnings,
                    std::string_view& last_text, const char* readable_end = nullptr) {
  if (too_large) {
    out = RecordError{"line " + std::to_string(line_number), "", record_too_large_message(), truncate_raw(line)};
    last_text = {};
    return true;
  }
  std::string_view text = line;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  int column = first ? first_column : 1;
  if (first && text.substr(0, 3) == "\xEF\xBB\xBF") {  // byte order mark
    text.remove_prefix(3);
    column += 3;
  }
  if (is_blank(text)) return false;
  // `out` is replaced by this record: the vectors of the one it holds are reused.
  if (auto* previous = std::get_if<Record>(&out)) parser.reuse(std::move(previous->root));
  ParsedRecord parsed = parser.parse(text, line_number, column, false, readable_end);
  // "line 12", or "line 12 (id \"h3\")". A record read well goes in place of the one `out`
  // holds, whose strings keep their buffers: nothing is allocated for it.
  Record* record = parsed.problem ? nullptr : std::get_if<Record>(&out);
  std::string new_label;
  std::string& label = record ? record->source : new_label;
  // Written into a buffer and assigned at once (one record after another, the appends cost more
  // than reading the record's fields), unless the id needs quoting or shortening.
  char buffer[96] = "line ";
  char* end = std::to_chars(buffer + 5, buffer + 16, line_number).ptr;
  const bool plain_id = parsed.id && is_plain_for_message(*parsed.id);
  if (plain_id) {
    end = std::copy_n(" (id \"", 6, end);
    end = std::copy_n(parsed.id->data(), parsed.id->size(), end);
    end = std::copy_n("\")", 2, end);
  }
  label.assign(buffer, end);
  if (parsed.id && !plain_id) {
    label += " (id ";
    append_quoted_for_message(label, *parsed.id);
    label += ')';
  }
  if (record) {
    for (auto& w : parsed.warnings) warnings.push_back(RecordWarning{label, std::move(w.field), std::move(w.message)});
    if (parsed.id) record->id.assign(*parsed.id);
    else record->id = label;
    record->root = std::move(parsed.root);
    record->as_of = parsed.as_of;
  } else {
    std::string id = parsed.id ? std::move(*parsed.id) : label;
    deliver(std::move(parsed), std::move(id), std::move(new_label), text, out, warnings);
  }
  last_text = text;
  return true;
}

class JsonLinesReader final : public RecordReader {
 public:
  // `first_line`, `first_column`: where the input left in `in` starts (open_reader may have
  // consumed blanks while detecting the format).
  JsonLinesReader(const Policy& policy, std::istream& in, int first_line, int first_column)
      : parser_(policy), in_(in), line_number_(first_line - 1), first_column_(first_column) {}

  bool next(ReadResult& out) override {
    bool too_large = false;
    while (read_line(too_large)) {
      ++line_number_;
      const bool first = std::exchange(first_, false);
      if (read_json_line(parser_, line_, too_large, line_number_, first, first_column_, out, warnings_, last_text_))
        return true;
    }
    last_text_ = {};
    return false;
  }

  std::vector<RecordWarning> take_warnings() override { return std::exchange(warnings_, {}); }
  std::string raw_text() const override { return truncate_raw(last_text_); }

 private:
  // std::getline, but a line longer than kMaxRecordBytes is read to its end without being kept:
  // line_ holds its first kMaxRecordBytes bytes and `too_large` is set.
  bool read_line(bool& too_large) {
    line_.clear();
    too_large = false;
    std::streambuf* buf = in_.rdbuf();
    if (!buf) return false;
    using traits = std::char_traits<char>;
    bool any = false;
    for (int c = buf->sbumpc(); c != traits::eof(); c = buf->sbumpc()) {
      any = true;
      if (c == '\n') return true;
      if (line_.size() < kMaxRecordBytes) line_.push_back(static_cast<char>(c));
      else too_large = true;
    }
    return any;
  }

  JsonRecordParser parser_;
  std::istream& in_;
  std::string line_;
  std::string_view last_text_;  // into line_
  int line_number_;
  int first_column_;
  bool first_ = true;
  std::vector<RecordWarning> warnings_;
};

// Cuts JSON lines into blocks of whole lines: reads the stream in large pieces and only looks for
// line breaks.
class JsonLineSplitter final : public LineSplitter {
 public:
  JsonLineSplitter(std::istream& in, int first_line, int first_column)
      : in_(in.rdbuf()), line_(first_line), first_column_(first_column) {}

  bool next(LineBlock& block, std::size_t max_lines, std::size_t max_bytes) override {
    block.text.clear();
    block.first_line = line_;
    block.input_start = first_;
    block.first_column = first_ ? first_column_ : 1;
    block.lines = 0;
    while (block.lines < max_lines && (block.lines == 0 || block.text.size() < max_bytes)) {
      if (!read_line(block.text)) break;
      ++block.lines;
      ++line_;
      first_ = false;
    }
    return block.lines > 0;
  }

 private:
  static constexpr std::size_t kPiece = 1 << 18;

  bool refill() {
    if (eof_ || !in_) return false;
    if (buf_.size() < kPiece) buf_.resize(kPiece);
    const std::streamsize n = in_->sgetn(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    pos_ = 0;
    end_ = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (end_ == 0) eof_ = true;
    return end_ > 0;
  }

  // Appends one line (with its '\n' when it has one) to `out`, keeping at most
  // kMaxRecordBytes + 1 of its bytes; false at the end of the input.
  bool read_line(std::string& out) {
    bool any = false;
    std::size_t length = 0;  // bytes of the line so far
    while (true) {
      if (pos_ == end_ && !refill()) return any;
      any = true;
      const char* start = buf_.data() + pos_;
      const std::size_t available = end_ - pos_;
      const void* newline = std::memchr(start, '\n', available);
      const std::size_t piece = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - start) : available;
      if (length <= kMaxRecordBytes) out.append(start, std::min(piece, kMaxRecordBytes + 1 - length));
      length += piece;
      pos_ += piece;
      if (newline) {
        ++pos_;
        out.push_back('\n');
        return true;
      }
    }
  }

  std::streambuf* in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  int line_;
  int first_column_;
  bool first_ = true;
};

// Reads the lines of one block, as JsonLinesReader reads them from a stream.
class JsonLineBlockReader final : public LineBlockReader {
 public:
  explicit JsonLineBlockReader(const Policy& policy) : parser_(policy) {}

  void reset(const LineBlock& block) override {
    text_ = block.text;
    pos_ = 0;
    line_number_ = block.first_line - 1;
    first_ = block.input_start;
    first_column_ = block.first_column;
    last_text_ = {};
  }

  bool next(ReadResult& out) override {
    while (pos_ < text_.size()) {
      const std::size_t newline = text_.find('\n', pos_);
      std::string_view line = text_.substr(pos_, newline == std::string_view::npos ? std::string_view::npos : newline - pos_);
      pos_ = newline == std::string_view::npos ? text_.size() : newline + 1;
      ++line_number_;
      const bool too_large = line.size() > kMaxRecordBytes;
      if (too_large) line = line.substr(0, kMaxRecordBytes);
      const bool first = std::exchange(first_, false);
      if (read_json_line(parser_, line, too_large, line_number_, first, first_column_, out, warnings_, last_text_,
                         text_.data() + text_.size()))
        return true;
    }
    last_text_ = {};
    return false;
  }

  std::vector<RecordWarning> take_warnings() override { return std::exchange(warnings_, {}); }
  std::string raw_text() const override { return truncate_raw(last_text_); }
  std::string_view raw_text_in_block() const override { return last_text_; }

 private:
  JsonRecordParser parser_;
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_number_ = 0;
  bool first_ = false;
  int first_column_ = 1;
  std::string_view last_text_;
  std::vector<RecordWarning> warnings_;
};

// Streams the elements of a top-level JSON array, each parsed on its own.
class JsonArrayReader final : public RecordReader {
 public:
  JsonArrayReader(const Policy& policy, std::istream& in, int first_line, int first_column)
      : parser_(policy), buf_(in.rdbuf()), line_(first_line), column_(first_column) {}

  bool next(ReadResult& out) override {
    while (true) {
      if (!pending_.empty()) {
        out = std::move(pending_.front());
        pending_.pop_front();
        last_raw_.clear();
        return true;
      }
      if (state_ == State::Done) return false;
      if (state_ == State::Start) {
        start();
        continue;
      }
      if (read_element(out)) return true;
    }
  }

  std::vector<RecordWarning> take_warnings() override { return std::exchange(warnings_, {}); }
  std::string raw_text() const override { return truncate_raw(last_raw_); }

 private:
  enum class State { Start, InArray, Done };
  using traits = std::char_traits<char>;

  int peek() { return buf_ ? buf_->sgetc() : traits::eof(); }
  void bump(char c) {
    buf_->sbumpc();
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
  void skip_blank() {
    for (int c = peek(); c != traits::eof(); c = peek()) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
      bump(static_cast<char>(c));
    }
  }
  std::string rest_of_line() {
    std::string text;
    for (int c = peek(); c != traits::eof() && c != '\n' && text.size() < kMaxRawBytes; c = peek()) {
      text.push_back(static_cast<char>(c));
      bump(static_cast<char>(c));
    }
    return text;
  }
  void add_error(std::string record, std::string message, std::string raw = {}) {
    pending_.push_back(RecordError{std::move(record), "", std::move(message), truncate_raw(raw)});
  }
  std::string at_line() const { return "line " + std::to_string(line_); }

  void start() {
    // A UTF-8 byte order mark, then blanks, then '['.
    if (peek() == 0xEF) {
      for (int i = 0; i < 3 && peek() != traits::eof(); ++i) buf_->sbumpc();
      column_ += 3;
    }
    skip_blank();
    const int c = peek();
    if (c == traits::eof()) {  // no input at all: no records
      state_ = State::Done;
      return;
    }
    if (c != '[') {
      const std::string where = at_line();
      add_error(where, "expected a JSON array of household objects: the input should start with [",
                rest_of_line());
      state_ = State::Done;
      return;
    }
    bump('[');
    state_ = State::InArray;
  }

  // After the closing ']' only blanks may follow.
  void finish_array() {
    state_ = State::Done;
    skip_blank();
    if (peek() != traits::eof()) {
      const std::string where = at_line();
      add_error(where, "unexpected text after the closing ] of the array", rest_of_line());
    }
  }

  bool read_element(ReadResult& out) {
    skip_blank();
    int c = peek();
    if (c == traits::eof()) {
      add_error("end of input (" + at_line() + ")", "the array is not closed: ] is missing at the end");
      state_ = State::Done;
      return false;
    }
    if (c == ']') {
      if (after_comma_)
        add_error(comma_label_, "extra comma before the closing ] of the array");
      bump(']');
      finish_array();
      return false;
    }
    if (c == ',') {
      add_error(at_line(), "missing array element before this comma (two commas in a row?)");
      comma_label_ = at_line();
      bump(',');
      after_comma_ = true;
      return false;
    }

    // Capture the element's text up to the ',' or ']' that ends it at bracket depth 0.
    const int start_line = line_, start_column = column_;
    text_.clear();
    std::vector<char> open;  // expected closers
    bool in_string = false, escape = false;
    bool complete = false;  // a whole object or array has been read at depth 0
    bool too_large = false;  // more than kMaxRecordBytes
    enum class End { Comma, Close, MissingComma, BrokenString, Eof } end = End::Eof;
    for (c = peek(); c != traits::eof(); c = peek()) {
      if (text_.size() >= kMaxRecordBytes) {
        too_large = true;
        break;
      }
      const char ch = static_cast<char>(c);
      if (in_string) {
        bump(ch);
        text_.push_back(ch);
        if (escape) {
          escape = false;
        } else if (ch == '\\') {
          escape = true;
        } else if (ch == '"') {
          in_string = false;
        } else if (ch == '\n') {
          // A JSON string never spans lines: this one is not closed, so the brackets counted
          // from here on would be wrong. The element ends; resume at a plausible next element.
          end = End::BrokenString;
          break;
        }
        continue;
      }
      if (complete && (ch == '{' || ch == '[' || ch == '"')) {
        end = End::MissingComma;  // e.g. "} {": the next element starts here
        break;
      }
      if (open.empty() && (ch == ',' || ch == ']')) {
        if (ch == ',') comma_label_ = at_line();
        bump(ch);
        end = ch == ',' ? End::Comma : End::Close;
        break;
      }
      if (ch == '"') {
        in_string = true;
      } else if (ch == '{' || ch == '[') {
        open.push_back(ch == '{' ? '}' : ']');
      } else if (ch == '}' || ch == ']') {
        auto match = std::find(open.rbegin(), open.rend(), ch);
        if (match != open.rend()) {
          open.erase(std::prev(match.base()), open.end());  // close it (and anything left open in it)
          complete = open.empty();
        } else if (ch == ']') {
          // No '[' is open in this element: this is the array's own ']' (the element lacks a '}').
          bump(ch);
          end = End::Close;
          break;
        }
      }
      bump(ch);
      text_.push_back(ch);
    }

    if (too_large) {  // skip the rest of the element without keeping it
      ++record_number_;
      const std::string label = "record " + std::to_string(record_number_) + " (line " + std::to_string(start_line) + ")";
      out = RecordError{label, "", record_too_large_message(), truncate_raw(text_)};
      text_.clear();
      last_raw_.clear();
      skip_element(open, in_string, escape);
      return true;
    }

    const std::size_t parsed_size = text_.size();
    if (end == End::BrokenString) {
      resynchronize(start_column);
      while (!text_.empty() && (text_.back() == ' ' || text_.back() == '\t' || text_.back() == '\n' ||
                                text_.back() == '\r'))
        text_.pop_back();
    }

    ++record_number_;
    after_comma_ = end == End::Comma;
    ParsedRecord parsed = parser_.parse(std::string_view(text_).substr(0, parsed_size), start_line,
                                        start_column, true);
    const std::string record_label = "record " + std::to_string(record_number_);
    std::string label = record_label + " (";
    if (parsed.id) label += "id " + quote_for_message(*parsed.id) + ", ";
    label += "line " + std::to_string(start_line) + ")";
    std::string id = parsed.id ? *parsed.id : record_label;
    deliver(std::move(parsed), std::move(id), label, text_, out, warnings_);
    last_raw_.swap(text_);  // text_ is cleared before the next element
    if (end == End::Close) finish_array();
    if (end == End::MissingComma) add_error(at_line(), "missing comma between array elements");
    if (end == End::Eof) {
      add_error("end of input (" + at_line() + ")", "the array is not closed: ] is missing at the end");
      state_ = State::Done;
    }
    return true;
  }

  // The rest of an element too large to keep: up to the ',' or ']' that ends it (the same
  // bracket matching as read_element, counting the open brackets instead of keeping them), or a
  // line break inside a string (which read_element would have reported as a broken string).
  void skip_element(const std::vector<char>& open_before, bool in_string, bool escape) {
    std::size_t depth = open_before.size();
    for (int c = peek(); c != traits::eof(); c = peek()) {
      const char ch = static_cast<char>(c);
      if (in_string) {
        bump(ch);
        if (escape) escape = false;
        else if (ch == '\\') escape = true;
        else if (ch == '"') in_string = false;
        else if (ch == '\n') { after_comma_ = false; return; }
        continue;
      }
      if (depth == 0 && (ch == ',' || ch == ']')) {
        bump(ch);
        after_comma_ = ch == ',';
        if (ch == ']') finish_array();
        return;
      }
      if (ch == '"') in_string = true;
      else if (ch == '{' || ch == '[') ++depth;
      else if ((ch == '}' || ch == ']') && depth > 0) --depth;
      bump(ch);
    }
    add_error("end of input (" + at_line() + ")", "the array is not closed: ] is missing at the end");
    state_ = State::Done;
  }

  // After an element broken by an unclosed string: skip (into the element's raw text) to the
  // next line that starts with '{' or ']' no further right than the broken element started, the
  // likely start of the next element (members of a pretty-printed household sit further right).
  void resynchronize(int element_column) {
    while (true) {
      int c = peek();
      while (c == ' ' || c == '\t' || c == '\r') {
        text_.push_back(static_cast<char>(c));
        bump(static_cast<char>(c));
        c = peek();
      }
      if (c == traits::eof()) return;
      if ((c == '{' || c == ']') && column_ <= element_column) return;
      if (c == ',') {  // comma-first style: ", {"
        text_.push_back(',');
        bump(',');
        continue;
      }
      while (c != traits::eof() && c != '\n') {
        text_.push_back(static_cast<char>(c));
        bump(static_cast<char>(c));
        c = peek();
      }
      if (c == '\n') {
        text_.push_back('\n');
        bump('\n');
      }
    }
  }

  JsonRecordParser parser_;
  std::streambuf* buf_;
  State state_ = State::Start;
  int line_;
  int column_;
  int record_number_ = 0;
  bool after_comma_ = false;
  std::string comma_label_;
  std::string text_;
  std::string last_raw_;  // the text of the element last delivered
  std::deque<ReadResult> pending_;
  std::vector<RecordWarning> warnings_;
};

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && lowercase(text.substr(text.size() - suffix.size())) == suffix;
}

}  // namespace

}  // namespace detail

namespace {

// What open_reader reads the input as: the format, and for JSON where the text left in the
// stream starts (format detection skips a byte order mark and blanks).
struct Detected {
  InputFormat format;
  int line = 1, column = 1;
};

Detected detect_format(std::istream& in, InputFormat format, const std::string& source_name) {
  if (format != InputFormat::Auto) return Detected{format};
  if (detail::ends_with_ignoring_case(source_name, ".csv")) return Detected{InputFormat::Csv};
  // Skip blanks (and a byte order mark) to see the first character; keep count of the lines and
  // columns skipped so that messages keep the right positions.
  int line = 1, column = 1;
  std::streambuf* buf = in.rdbuf();
  using traits = std::char_traits<char>;
  if (buf && buf->sgetc() == 0xEF) {
    for (int i = 0; i < 3 && buf->sgetc() != traits::eof(); ++i) buf->sbumpc();
    column += 3;
  }
  int c = buf ? buf->sgetc() : traits::eof();
  while (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    buf->sbumpc();
    c = buf->sgetc();
  }
  return Detected{c == '[' ? InputFormat::Json : InputFormat::JsonLines, line, column};
}

}  // namespace

std::unique_ptr<RecordReader> open_reader(const Policy& policy, std::istream& in, InputFormat format,
                                          const std::string& source_name) {
  const Detected d = detect_format(in, format, source_name);
  switch (d.format) {
    case InputFormat::Json: return std::make_unique<detail::JsonArrayReader>(policy, in, d.line, d.column);
    case InputFormat::Csv: return detail::make_csv_reader(policy, in, source_name);
    default: return std::make_unique<detail::JsonLinesReader>(policy, in, d.line, d.column);
  }
}

SplitInput open_split_input(const Policy& policy, std::istream& in, InputFormat format,
                            const std::string& source_name) {
  const Detected d = detect_format(in, format, source_name);
  SplitInput input;
  switch (d.format) {
    case InputFormat::Json: input.reader = std::make_unique<detail::JsonArrayReader>(policy, in, d.line, d.column); break;
    case InputFormat::Csv: input.reader = detail::make_csv_reader(policy, in, source_name); break;
    default: input.lines = std::make_unique<detail::JsonLineSplitter>(in, d.line, d.column); break;
  }
  return input;
}

std::unique_ptr<LineBlockReader> open_line_block_reader(const Policy& policy) {
  return std::make_unique<detail::JsonLineBlockReader>(policy);
}

std::variant<EntityRecord, std::vector<RecordError>> read_context(const Policy& policy, std::istream& in,
                                                                  const std::string& source_name,
                                                                  std::vector<RecordWarning>* warnings) {
  using Errors = std::vector<RecordError>;
  const int entity = policy.context_entity();
  if (entity < 0)
    return Errors{RecordError{source_name, "", "the policy declares no context data (no `context { ... }` block)", ""}};
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return Errors{RecordError{source_name, "", "the file cannot be read", ""}};
  std::string_view view = text;
  int column = 1;
  if (view.substr(0, 3) == "\xEF\xBB\xBF") {
    view.remove_prefix(3);
    column += 3;
  }
  if (detail::is_blank(view))
    return Errors{RecordError{source_name, "", "the file is empty: expected one JSON object with the context inputs", ""}};
  detail::JsonRecordParser parser(policy);
  detail::ParsedRecord parsed =
      parser.parse(view, 1, column, true, detail::ParseTarget{entity, false, "the context data", true});
  if (warnings)
    for (auto& w : parsed.warnings) warnings->push_back(RecordWarning{source_name, std::move(w.field), std::move(w.message)});
  if (parsed.problem) {
    Errors errors;
    if (parsed.problems.empty()) parsed.problems.push_back(std::move(*parsed.problem));
    for (auto& p : parsed.problems)
      errors.push_back(RecordError{source_name, std::move(p.field), std::move(p.message), ""});
    return errors;
  }
  return std::move(parsed.root);
}

}  // namespace pol::io
