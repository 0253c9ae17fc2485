#include "pol/diagnostic.hpp"

#include "json_string.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pol {

void SourceSet::add(std::string path, std::string text) { texts_[std::move(path)] = std::move(text); }

const std::string* SourceSet::text(std::string_view path) const {
  auto it = texts_.find(path);
  return it == texts_.end() ? nullptr : &it->second;
}

std::string_view SourceSet::line(std::string_view path, int line) const {
  const std::string* text = this->text(path);
  if (!text || line < 1) return {};
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = text->find('\n', start);
    if (start == std::string::npos) return {};
    ++start;
  }
  std::size_t end = text->find('\n', start);
  std::string_view result(text->data() + start, (end == std::string::npos ? text->size() : end) - start);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

namespace {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

// The caret line under `source`: spaces (tabs kept, so the caret lines up) then ^^^.
std::string caret_line(std::string_view source, int begin_column, int end_column) {
  std::string out;
  int column = 1;
  std::size_t i = 0;
  while (i < source.size() && column < begin_column) {
    unsigned char c = static_cast<unsigned char>(source[i]);
    if ((c & 0xC0) != 0x80) {
      out += c == '\t' ? '\t' : ' ';
      ++column;
    }
    ++i;
  }
  int width = std::max(1, end_column - begin_column);
  out.append(static_cast<std::size_t>(width), '^');
  return out;
}

void render_snippet(std::string& out, const SourceRange& range, const SourceSet& sources) {
  std::string_view line = sources.line(range.file, range.begin.line);
  if (range.begin.line < 1 || (line.empty() && !sources.text(range.file))) return;
  std::string number = std::to_string(range.begin.line);
  std::string gutter(number.size(), ' ');
  int end_column = range.end.line == range.begin.line ? range.end.column
                                                      : static_cast<int>(line.size()) + 1;
  out += fmt::format("{} |\n{} | {}\n{} | {}\n", gutter, number, line, gutter,
                     caret_line(line, range.begin.column, end_column));
}

}  // namespace

std::string render(const Diagnostic& d, const SourceSet& sources) {
  std::string out;
  if (d.range.begin.line > 0)
    out += fmt::format("{}:{}:{}: ", d.range.file, d.range.begin.line, d.range.begin.column);
  else if (!d.range.file.empty())
    out += d.range.file + ": ";
  out += fmt::format("{}[{}]: {}\n", severity_name(d.severity), d.code, d.message);
  render_snippet(out, d.range, sources);
  if (!d.hint.empty()) out += fmt::format("  = hint: {}\n", d.hint);
  for (const auto& [range, message] : d.notes) {
    out += fmt::format("  note: {}:{}:{}: {}\n", range.file, range.begin.line, range.begin.column, message);
    render_snippet(out, range, sources);
  }
  return out;
}

std::string render_all(const std::vector<Diagnostic>& diagnostics, const SourceSet& sources) {
  std::string out;
  for (const auto& d : diagnostics) out += render(d, sources) + "\n";
  return out;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace pol

namespace pol {
namespace {

using detail::json_string;

}  // namespace

std::string to_json(const Diagnostic& d) {
  const char* severity = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  std::string out = fmt::format(
      "{{\"file\":{},\"line\":{},\"column\":{},\"end_line\":{},\"end_column\":{},\"severity\":\"{}\",\"code\":{},"
      "\"message\":{},\"hint\":{},\"notes\":[",
      json_string(d.range.file), d.range.begin.line, d.range.begin.column, d.range.end.line, d.range.end.column, severity,
      json_string(d.code), json_string(d.message), json_string(d.hint));
  for (std::size_t i = 0; i < d.notes.size(); ++i)
    out += fmt::format("{}{{\"file\":{},\"line\":{},\"column\":{},\"message\":{}}}", i ? "," : "",
                       json_string(d.notes[i].first.file), d.notes[i].first.begin.line, d.notes[i].first.begin.column,
                       json_string(d.notes[i].second));
  return out + "]}";
}

}  // namespace pol
