#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/cache/ir_cache.h"
#include "analyzer/config/config.h"
#include "analyzer/report/report.h"

namespace godwit::driver {

enum class ColorMode : uint8_t { Auto, Always, Never };

struct CheckOptions {
  std::vector<std::filesystem::path> paths;
  report::Format format = report::Format::Text;
  bool quiet = false;
  bool exit_zero = false;
  unsigned threads = 0;
  ColorMode color = ColorMode::Auto;
  std::string diff_base;  // --diff-base REF
  // Set: write the findings to this baseline file instead of reporting them.
  std::filesystem::path write_baseline;
  // The IR cache: on by default, in `cache_dir` (--cache-dir), else $GODWIT_CACHE_DIR, else
  // `.godwit_cache` in the project root; --no-cache turns it off.
  bool no_cache = false;
  std::filesystem::path cache_dir;
};

// Exit codes, as documented.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

// The IR cache of a run, chosen as `check` and the language server choose it: `dir` when given
// (relative to `cwd`), else $GODWIT_CACHE_DIR, else `.godwit_cache` in the project root (none
// without a root). nullptr when that folder cannot be used; `warning` then says why if the folder
// was chosen (a project godwit may not write in just goes without).
std::unique_ptr<cache::IrCache> open_ir_cache(std::filesystem::path dir, const config::Config& config,
                                             const std::filesystem::path& cwd, std::string& warning);

// Set by godwit's main(): `check` then ends the process as soon as its report is written and
// flushed, instead of freeing a whole project's syntax-free IR, state and findings one
// allocation at a time (a tenth of a second on 10 000 migrations, for nothing). Library users
// and the tests, which call run_check in-process, leave it off.
void exit_after_report(bool enabled);

// `godwit check`: discover, read, analyze, hide what the baseline lists, report. Returns the
// process exit code.
int run_check(const CheckOptions& options, const config::Config& config, std::ostream& out, std::ostream& err);

}  // namespace godwit::driver
