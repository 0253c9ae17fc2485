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

// Reads the context data file for `policy`, printing problems on standard error; nullopt (and
// `status` set to kUsage) when it cannot be used.
std::optional<pol::EntityRecord> load_context(const pol::Policy& policy, const std::string& policy_path,
                                              const std::string& context_path, int& status);

}  // namespace pol::cli
