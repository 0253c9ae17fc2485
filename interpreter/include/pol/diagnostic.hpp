// Diagnostics are data: a code, a location, a message and a hint. Rendering with the source line
// and a caret happens only when a caller asks for it; the library never prints.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pol {

struct SourcePosition {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based, in characters (code points)
};

struct SourceRange {
  std::string file;  // path as given to the compiler
  SourcePosition begin;
  SourcePosition end;  // exclusive column on end.line
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  std::string code;  // stable identifier, e.g. "E0201"
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  std::string hint;  // may be empty
  std::vector<std::pair<SourceRange, std::string>> notes;  // related places, e.g. the first definition
};

// Texts of the files a compilation read, for rendering carets under the offending text.
class SourceSet {
 public:
  void add(std::string path, std::string text);
  const std::string* text(std::string_view path) const;
  // The line's text without its terminator; empty when unknown.
  std::string_view line(std::string_view path, int line) const;

 private:
  std::map<std::string, std::string, std::less<>> texts_;
};

// file:line:column: error[CODE]: message
//    |
// 12 | rule Person.x = wekly_cap
//    |                 ^^^^^^^^^ 
//    = hint: did you mean `weekly_cap`?
std::string render(const Diagnostic& diagnostic, const SourceSet& sources);
std::string render_all(const std::vector<Diagnostic>& diagnostics, const SourceSet& sources);

bool has_errors(const std::vector<Diagnostic>& diagnostics);

// One JSON object on one line, for editors and other programs:
// {"file":..,"line":..,"column":..,"end_line":..,"end_column":..,"severity":"error","code":"E0101",
//  "message":..,"hint":..,"notes":[{"file":..,"line":..,"column":..,"message":..}]}
std::string to_json(const Diagnostic& diagnostic);

}  // namespace pol
