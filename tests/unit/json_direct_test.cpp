// The JSON reader reads most records directly from their text and leaves the others to simdjson
// (json_reader.cpp, "The direct reading"). Whatever it accepts must be read exactly as simdjson's
// walk reads it. A record whose first key starts with an escape sequence ("\u0069d" for "id") is
// always left to simdjson and means the same: random records, valid and broken, are read both
// ways and must give the same records, warnings and errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pol/diagnostic.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"

namespace {

const char* kPolicy = R"(policy "direct"
enum Role { adult, child, Métropole }
entity Job {
  input pay: money = $0
}
entity Person {
  input role: Role
  input age: integer = 0
  input wage: money = $0
  input share: rate = 0%
  input score: decimal = 0
  input born: date
  input name: text = ""
  input flag: boolean = false
  input wages: money by quarter
  jobs: list of Job
}
entity Household {
  input size: integer = 0
  members: list of Person
}
output Household.n: integer = count(members)
)";

// The same with an input named id in the root entity.
std::string policy_with_id() {
  std::string source = kPolicy;
  const std::string size = "  input size: integer = 0\n";
  source.replace(source.find(size), size.size(), size + "  input id: integer = 0\n");
  return source;
}

// Values written in many ways, most of them valid for some type and broken for others.
const std::vector<std::string> kValues = {
    "0", "-0", "7", "007", "-12.50", "1.5e3", "1E2", "12345678901234567890123", "0.000", "12a", "-", "1.",
    ".5", "\"12.5\"", "\"007\"", "\"-0.5\"", "\"$1,234.56\"", "\"5%\"", "\"-\"", "\"\"", "\"1.\"", "\"abc\"",
    "\"adult\"", "\"child\"", "\"Adult\"", "\"M\xC3\xA9tropole\"", "\"adul\\u0074\"", "\"adult \"", "\"2026-01-31\"",
    "\"2026-13-01\"", "\"20260101\"", "\"caf\xC3\xA9\"", "\"a\\nb\"", "\"a\\\"b\"", "\"\xC3\"", "\"\xFF\"", "\"a\tb\"",
    "true", "false", "TRUE", "\"true\"", "null", "nul", "nulll", "[1]", "[]", "{\"a\":1}", "{}",
    "{\"2026-Q1\": \"10.00\"}", "{\"2026-Q5\": 1}", "1234567890123456789", "123456789012345678", "-999999999999999999",
    "0.123456789012345678", "1.0", "\"1.0\"", "1e", "--1", "+1", "0x10", "\"\\u00e9\"",
};

const std::vector<std::string> kPersonKeys = {"role", "age", "wage", "share", "score", "born",
                                              "name", "flag", "wages", "jobs"};

class Generator {
 public:
  Generator(std::uint64_t seed, bool numeric_ids) : rng_(seed), numeric_ids_(numeric_ids) {}

  std::string household() {
    std::vector<std::string> fields;
    if (numeric_ids_ && chance(80)) fields.push_back(field("id", pick({"7", std::to_string(next(1000)), "\"12\"", "-3"})));
    else if (chance(90)) fields.push_back(field("id", pick({"\"h1\"", "\"h" + std::to_string(next(1000)) + "\"", "\"\"",
                                                       "12", "1.5", "null", "true", "\"a\\\"b\"", "\"\xC3\xA9\"",
                                                       "\"0123456789012345678901234567890123456789012345678901234567890123\""})));
    if (chance(20)) fields.push_back(field("as_of", pick({"\"2026-03-01\"", "\"2026-02-30\"", "null", "5", "\"x\""})));
    if (chance(50)) fields.push_back(field("size", chance(80) ? typical("age") : value()));
    if (chance(90)) fields.push_back(field("members", chance(90) ? members() : value()));
    if (chance(5)) fields.push_back(field("unknown", value()));
    if (chance(5) && !fields.empty()) fields.push_back(fields[next(fields.size())]);
    if (chance(10)) std::shuffle(fields.begin(), fields.end(), rng_);
    return corrupt(object(fields));
  }

 private:
  std::string members() {
    std::vector<std::string> elements;
    const std::size_t n = next(5);
    for (std::size_t i = 0; i < n; ++i) elements.push_back(chance(97) ? person() : value());
    std::string out = "[";
    for (std::size_t i = 0; i < elements.size(); ++i) out += (i ? "," + blank() : "") + elements[i];
    return out + "]";
  }

  std::string person() {
    std::vector<std::string> fields;
    for (const std::string& key : kPersonKeys) {
      if (!chance(60)) continue;
      if (key == "jobs") fields.push_back(field(key, chance(90) ? jobs() : value()));
      else if (key == "role") fields.push_back(field(key, chance(90) ? pick({"\"adult\"", "\"child\"", "\"M\xC3\xA9tropole\""}) : value()));
      else fields.push_back(field(key, chance(90) ? typical(key) : value()));
    }
    if (chance(3)) fields.push_back(field("extra", value()));
    if (chance(3) && !fields.empty()) fields.push_back(fields.front());
    if (chance(5)) std::shuffle(fields.begin(), fields.end(), rng_);
    return object(fields);
  }

  std::string jobs() {
    std::string out = "[";
    const std::size_t n = next(3);
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + object({field("pay", chance(90) ? "\"12.34\"" : value())});
    return out + "]";
  }

  std::string typical(const std::string& key) {
    if (key == "age") return pick({"40", "\"7\"", "0"});
    if (key == "wage" || key == "score") return pick({"\"1234.56\"", "10", "-3.5"});
    if (key == "share") return pick({"\"0.25\"", "0.5"});
    if (key == "born") return pick({"\"1990-05-17\"", "\"2000-02-29\""});
    if (key == "name") return pick({"\"Ann\"", "\"Zo\xC3\xA9\"", "\"\""});
    if (key == "flag") return pick({"true", "false"});
    return pick({"{\"2026-Q1\": \"100.00\", \"2026-Q2\": 5}", "{}"});
  }

  std::string field(const std::string& key, const std::string& value) {
    return "\"" + key + "\"" + blank() + ":" + blank() + value;
  }

  std::string object(const std::vector<std::string>& fields) {
    std::string out = "{" + blank();
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," + blank() : "") + fields[i] + blank();
    return out + "}";
  }

  std::string value() { return kValues[next(kValues.size())]; }

  std::string blank() { return chance(90) ? "" : pick({" ", "\t", "  ", "\r", " \t "}); }

  // Sometimes a broken record: cut short, text after it, a stray byte.
  std::string corrupt(std::string text) {
    const int what = static_cast<int>(next(100));
    if (what < 3 && !text.empty()) text.resize(next(text.size()));
    else if (what < 5) text += pick({" x", "}", " {}", "  ", "\t"});
    else if (what < 9 && !text.empty())
      text.insert(next(text.size()), std::string(1, pick({std::string(1, '\0'), "\x01", "\x80", "\xC3", "\"", "\\", ",", "{", "]", " ", "0"})[0]));
    return text;
  }

  std::string pick(const std::vector<std::string>& choices) { return choices[next(choices.size())]; }
  std::size_t next(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  bool chance(int percent) { return static_cast<int>(next(100)) < percent; }

  std::mt19937_64 rng_;
  bool numeric_ids_;
};

// `line` with its first key's first letter written as an escape sequence; empty when it has no
// such key.
std::string escaped_first_key(const std::string& line) {
  std::size_t i = line.find_first_not_of(" \t\r");
  if (i == std::string::npos || line[i] != '{') return {};
  i = line.find_first_not_of(" \t\r", i + 1);
  if (i == std::string::npos || line[i] != '"' || i + 1 >= line.size()) return {};
  const char c = line[i + 1];
  if (!(c >= 'a' && c <= 'z')) return {};
  char escape[7];
  std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
  return line.substr(0, i + 1) + escape + line.substr(i + 2);
}

std::string describe(const pol::Value& v) {
  std::string out = v.number.to_string() + "|" + std::to_string(v.scalar) + "|" + v.text + "|";
  if (v.series)
    for (const auto& [period, value] : *v.series) out += std::to_string(period) + "=" + describe(value) + ";";
  return out;
}

std::string describe(const pol::EntityRecord& record) {
  std::string out = "{";
  for (const auto& slot : record.inputs) out += (slot ? describe(*slot) : std::string("-")) + ",";
  for (const auto& members : record.collections) {
    out += "[";
    for (const auto& member : members) out += describe(member);
    out += "]";
  }
  return out + "}";
}

// One item a reader gave, with the warnings before it, as one line. Messages that give a column
// are left out: the escape sequence moves the text after it.
std::string describe_item(pol::io::RecordReader& reader, const pol::io::ReadResult& item) {
  std::string text;
  for (const auto& w : reader.take_warnings()) text += "warning " + w.record + " " + w.field + " " + w.message + "; ";
  if (const auto* e = std::get_if<pol::io::RecordError>(&item)) {
    text += "error " + e->record + " " + e->field;
    if (e->message.find("column") == std::string::npos) text += " " + e->message;
  } else {
    const auto& r = std::get<pol::Record>(item);
    text += "record " + r.id + " " + r.source + " " + (r.as_of ? r.as_of->to_string() : "-") + " " + describe(r.root);
  }
  return text;
}

// One line per record, error and warning.
std::vector<std::string> read_lines(const pol::Policy& policy, const std::string& input) {
  std::istringstream in(input);
  auto reader = pol::io::open_reader(policy, in, pol::io::InputFormat::JsonLines, "input.jsonl");
  std::vector<std::string> out;
  pol::io::ReadResult item;
  while (reader->next(item)) {
    out.push_back(describe_item(*reader, item));
  }
  return out;
}

// The same read in blocks of a few lines (open_split_input, LineBlockReader): the direct reading
// then reads most lines in place, in the block's text, and copies those near its end; both must
// read as the stream reader does.
std::vector<std::string> read_blocks(const pol::Policy& policy, const std::string& input, std::size_t lines_per_block) {
  std::istringstream in(input);
  auto split = pol::io::open_split_input(policy, in, pol::io::InputFormat::JsonLines, "input.jsonl");
  REQUIRE(split.lines);
  auto reader = pol::io::open_line_block_reader(policy);
  std::vector<std::string> out;
  pol::io::LineBlock block;
  pol::io::ReadResult item;
  while (split.lines->next(block, lines_per_block, std::size_t{1} << 20)) {
    reader->reset(block);
    while (reader->next(item)) {
      out.push_back(describe_item(*reader, item));
    }
  }
  return out;
}

void check_both_ways(const std::string& source, std::uint64_t seed, int count, bool numeric_ids) {
  auto compiled = pol::compile_source("direct.pol", source);
  INFO(pol::render_all(compiled.diagnostics, compiled.sources));
  REQUIRE(compiled.policy);
  Generator generator(seed, numeric_ids);
  std::string plain, escaped;
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    std::string line = generator.household();
    std::string other = escaped_first_key(line);
    if (other.empty() || line.find('\n') != std::string::npos) continue;
    plain += line + "\n";
    escaped += other + "\n";
    lines.push_back(line);
  }
  const auto a = read_lines(*compiled.policy, plain);
  const auto b = read_lines(*compiled.policy, escaped);
  REQUIRE(a.size() == b.size());
  std::size_t records = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("line " << i + 1 << ": " << (i < lines.size() ? lines[i] : std::string()));
    CHECK(a[i] == b[i]);
    records += a[i].rfind("record", 0) == 0;
  }
  // Both kinds are well represented.
  CHECK(records > a.size() / 5);
  CHECK(records < a.size() * 9 / 10);
  // In blocks, with lines ending in "\n" or "\r\n".
  std::string crlf;
  for (const std::string& line : lines) crlf += line + "\r\n";
  for (const std::size_t per_block : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
    const auto c = read_blocks(*compiled.policy, plain, per_block);
    REQUIRE(c.size() == a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      INFO("in blocks of " << per_block << ", line " << i + 1 << ": " << lines[i]);
      CHECK(c[i] == a[i]);
    }
  }
  CHECK(read_blocks(*compiled.policy, crlf, 5) == read_lines(*compiled.policy, crlf));
}

}  // namespace

TEST_CASE("json: records read directly are read as simdjson reads them", "[io][json][direct]") {
  check_both_ways(kPolicy, 20261123, 20000, false);
}

TEST_CASE("json: an input named id, read directly", "[io][json][direct]") {
  check_both_ways(policy_with_id(), 7, 3000, true);
}

TEST_CASE("json: names and values compared a word at a time, read in place", "[io][json][direct]") {
  // Names of 1 to 40 bytes (the comparison takes up to 4 words, longer names by memcmp), values
  // written as the last bytes of a line, "8.2%" rates, and a field name cut at the line's end.
  std::string source = "policy \"words\"\nenum E { a, abcdefg, abcdefgh, abcdefghijklmnopqrstuvwxyz0123456789 }\nentity Household {\n";
  std::vector<std::string> names;
  for (std::size_t n = 1; n <= 40; ++n) {
    std::string name;
    for (std::size_t i = 0; i < n; ++i) name += static_cast<char>('a' + (i * 7 + n) % 26);
    names.push_back(name);
    source += "  input " + name + ": " + (n % 3 == 0 ? "E" : n % 3 == 1 ? "rate" : "boolean") + "\n";
  }
  source += "}\noutput Household.n: integer = 1\n";
  auto compiled = pol::compile_source("words.pol", source);
  INFO(pol::render_all(compiled.diagnostics, compiled.sources));
  REQUIRE(compiled.policy);
  const std::vector<std::string> enum_values = {"\"a\"", "\"abcdefg\"", "\"abcdefgh\"",
                                                "\"abcdefghijklmnopqrstuvwxyz0123456789\"", "\"abcdefghi\"", "\"ab\""};
  const std::vector<std::string> rates = {"\"8.2%\"", "\"-0%\"", "\"0.5\"", "1", "\"5 %\"", "\"%\"", "\"1.%\"", "\"07%\""};
  std::mt19937_64 rng(99);
  std::string input, escaped;
  for (int line = 0; line < 3000; ++line) {
    std::string text = "{";
    bool first = true;
    for (std::size_t n = 1; n <= names.size(); ++n) {
      if (rng() % 4 == 0) continue;
      std::string name = names[n - 1];
      if (rng() % 1000 == 0) name.back() = name.back() == 'z' ? 'a' : static_cast<char>(name.back() + 1);  // unknown
      if (rng() % 1000 == 0) name.pop_back();
      // Mostly valid values (the first four of each kind), so that most records are read.
      const bool odd = rng() % 100 == 0;
      std::string value = n % 3 == 0 ? enum_values[odd ? rng() % enum_values.size() : rng() % 4]
                          : n % 3 == 1 ? rates[odd ? rng() % rates.size() : rng() % 4]
                                       : (rng() % 2 ? "true" : "false");
      text += (first ? "\"" : ",\"") + name + "\":" + value;
      first = false;
    }
    text += "}";
    if (rng() % 10 == 0) text.resize(rng() % text.size());  // cut anywhere, a name's middle too
    const std::string other = escaped_first_key(text);
    if (other.empty()) continue;
    input += text + "\n";
    escaped += other + "\n";
  }
  const auto expected = read_lines(*compiled.policy, input);
  CHECK(read_lines(*compiled.policy, escaped) == expected);  // read by simdjson
  INFO(expected.front());
  for (const std::size_t per_block : {std::size_t{1}, std::size_t{2}, std::size_t{1000}})
    CHECK(read_blocks(*compiled.policy, input, per_block) == expected);
  std::size_t records = 0;
  for (const auto& line : expected) records += line.rfind("record", 0) == 0;
  CHECK(records > expected.size() / 2);
}

TEST_CASE("json: a record read into the previous one's place keeps nothing of it", "[io][json][direct]") {
  auto compiled = pol::compile_source("direct.pol", kPolicy);
  REQUIRE(compiled.policy);
  const std::string input =
      R"({"id":"a","size":3,"members":[{"role":"adult","age":40,"name":"Ann","jobs":[{"pay":"1.00"},{"pay":"2.00"}]},{"role":"child","age":3}]})"
      "\n"
      R"({"id":"b","members":[{"age":41,"jobs":[{"pay":"3.00"}]}]})"
      "\n"
      R"({"members":[{"role":"child"},{"flag":true},{"name":"Zoe","age":"7"}]})"
      "\n"
      R"({"id":"d"})"
      "\n";
  const auto lines = read_lines(*compiled.policy, input);
  REQUIRE(lines.size() == 4);
  // Read one at a time, each by a new reader.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string rest = input;
    for (std::size_t k = 0; k < i; ++k) rest = rest.substr(rest.find('\n') + 1);
    const std::string line = rest.substr(0, rest.find('\n'));
    const auto alone = read_lines(*compiled.policy, line + "\n");
    REQUIRE(alone.size() == 1);
    // The label names the line: line 1 when alone.
    std::string expected = alone[0];
    const std::string line_label = "line " + std::to_string(i + 1);
    for (auto at = expected.find("line 1"); at != std::string::npos; at = expected.find("line 1", at + 1))
      expected.replace(at, 6, line_label);
    CHECK(lines[i] == expected);
  }
}
