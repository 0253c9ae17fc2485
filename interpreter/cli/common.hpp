// What the commands of the pol tool share: exit codes, compiling with diagnostics printed, and
// reading the context data file.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "pol/policy.hpp"

namespace pol::cli {

constexpr int kOk = 0, kPolicyErrors = 1, kUsage = 2, kRejected = 3;

struct Compiled {
  std::shared_ptr<const pol::Policy> policy;  // null when the policy has errors
  int status = kOk;                           // kPolicyErrors, or kUsage when the file cannot be read
};

struct ReportOptions {
  bool warnings = false;  // print warnings too (pol check); other commands print errors only
  bool json = false;      // diagnostics as JSON lines on standard output, for editors
  bool strict = false;    // warn about parameters and schedules without a citation
};

// Compiles `path`, printing its diagnostics on standard error (or as JSON on standard output).
Compiled compile_and_report(const std::string& path, const ReportOptions& options = {});

// "line 3 (id \"h3\"), field members[1].age": where a record problem is, for messages.
inline std::string with_field(const std::string& where, const std::string& field) {
  return field.empty() ? where : where + ", field " + field;
}

// Reads the context data file for `policy` (which must declare a context), printing warnings and
// errors on standard error; nullopt when it cannot be used (a file error, kUsage).
std::optional<pol::EntityRecord> load_context(const pol::Policy& policy, const std::string& context_path);

}  // namespace pol::cli
