// libFuzzer target: policy source -> parse, check (compile_source), and, when it compiles, run
// its inline tests. Any input must give diagnostics or results, never a crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pol/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pol::Compilation c = pol::compile_source("fuzz.pol", std::move(text));
  if (c.policy) (void)pol::run_inline_tests(*c.policy);
  return 0;
}
