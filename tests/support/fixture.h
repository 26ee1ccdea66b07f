#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/diagnostics/diagnostic.h"

namespace godwit::test {

// One `# expect: [ID] "substring"` (optionally `[ID:column]`) attached to a line.
struct Expectation {
  std::string path;  // display path of the file
  uint32_t line = 0;
  std::string code;
  std::string substring;      // empty: any message
  uint32_t column = 0;        // 0: any column
  bool matched = false;
};

// Reads the expectations written in a fixture file's comments.
std::vector<Expectation> parse_expectations(const std::string& display_path, std::string_view text);

// Applies a `# godwit-test: key=value ...` header to a configuration. Unknown keys throw.
void apply_header(std::string_view text, config::Config& config);

struct FixtureResult {
  std::vector<std::string> failures;  // empty: the fixture passed
  size_t diagnostics = 0;
};

// Runs godwit over `root` (a fixture file or a case folder) with the header's settings and
// compares diagnostics with the expectations: every diagnostic must be expected and every
// expectation met. A fixture without expectations must produce no diagnostic.
FixtureResult run_fixture(const std::filesystem::path& root);

// Splits a rule example ("# file: path" sections) into files under `dir`, then runs it like a
// fixture case, returning the diagnostics (no expectations are checked).
std::vector<diagnostics::Diagnostic> run_example(std::string_view example, std::string_view settings,
                                                 const std::filesystem::path& dir);

std::string describe(const diagnostics::Diagnostic& d);

}  // namespace godwit::test
