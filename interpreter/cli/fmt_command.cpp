// pol fmt: rewrites policy files in the canonical layout (docs/fmt.md).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "pol/format.hpp"

namespace pol::cli {
namespace {

constexpr int kOk = 0, kErrors = 1, kUsage = 2;

const char* kFmtHelp = R"(usage: pol fmt [--check] FILE...
       pol fmt -

Rewrites each policy file in the canonical layout (docs/fmt.md): indentation, spaces between
tokens, blank lines between declarations. Only blanks change: every token, literal and comment
is kept as written. A file is written only when its layout changes.
  --check   write nothing; list the files that are not in the canonical layout
  -         read a policy from standard input, write it formatted to standard output

A file with syntax errors is not formatted; its errors are reported.

exit codes: 0 success (with --check: every file is canonical), 1 syntax errors (with --check:
            also some file would change), 2 usage error or a file that cannot be read or written
)";

bool read_all(std::istream& in, std::string& text) {
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return !in.bad();
}

void report(const std::string& path, const std::string& text, const std::vector<Diagnostic>& diagnostics) {
  SourceSet sources;
  sources.add(path, text);
  std::cerr << render_all(diagnostics, sources);
}

}  // namespace

int command_fmt(const std::vector<std::string>& args) {
  bool check = false, from_stdin = false;
  std::vector<std::string> files;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") { std::cout << kFmtHelp; return kOk; }
    if (a == "--check") check = true;
    else if (a == "-") from_stdin = true;
    else if (a.rfind("--", 0) == 0) { std::cerr << "pol: unknown option " << a << "\n\n" << kFmtHelp; return kUsage; }
    else files.push_back(a);
  }
  if (from_stdin) {
    if (!files.empty()) { std::cerr << "pol: `-` cannot be combined with files\n\n" << kFmtHelp; return kUsage; }
    std::string text;
    if (!read_all(std::cin, text)) { std::cerr << "pol: cannot read standard input\n"; return kUsage; }
    FormatResult result = format_source("<stdin>", text);
    if (has_errors(result.diagnostics)) { report("<stdin>", text, result.diagnostics); return kErrors; }
    if (check) {
      if (result.formatted != text) { std::cout << "<stdin>\n"; return kErrors; }
      return kOk;
    }
    std::cout << result.formatted;
    return kOk;
  }
  if (files.empty()) { std::cerr << "pol: no policy file given\n\n" << kFmtHelp; return kUsage; }

  int status = kOk;
  for (const auto& file : files) {
    std::error_code ec;
    std::ifstream in(file, std::ios::binary);
    std::string text;
    if (std::filesystem::is_directory(file, ec) || !in || !read_all(in, text)) {
      std::cerr << "pol: cannot read " << file << "\n";
      status = std::max(status, kUsage);
      continue;
    }
    in.close();
    FormatResult result = format_source(file, text);
    if (has_errors(result.diagnostics)) {
      report(file, text, result.diagnostics);
      status = std::max(status, kErrors);
      continue;
    }
    if (result.formatted == text) continue;
    if (check) {
      std::cout << file << "\n";
      status = std::max(status, kErrors);
      continue;
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << result.formatted;
    out.close();
    if (!out) {
      std::cerr << "pol: cannot write " << file << "\n";
      status = std::max(status, kUsage);
      continue;
    }
    std::cerr << "formatted " << file << "\n";
  }
  return status;
}

}  // namespace pol::cli
