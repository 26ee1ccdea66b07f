// libFuzzer entry point: every input is one migration file's bytes, run through the whole
// pipeline by check_pipeline(). A broken invariant aborts, so that libFuzzer keeps the input.
// Build and run: README.md, "Fuzzing".
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/pipeline_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto problems = godwit::test::check_pipeline(bytes);
  if (problems.empty()) return 0;
  for (const auto& problem : problems) std::fprintf(stderr, "godwit invariant broken: %s\n", problem.c_str());
  std::abort();
}
