#include "analyzer/driver/check.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "analyzer/driver/analysis.h"
#include "analyzer/ir/reversibility.h"
#include "rules/registry.h"

namespace godwit::driver {

namespace {

bool use_color(ColorMode mode, std::ostream& out) {
  if (mode == ColorMode::Always) return true;
  if (mode == ColorMode::Never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return &out == &std::cout && isatty(STDOUT_FILENO) != 0;
}

}  // namespace

int run_check(const CheckOptions& options, const config::Config& config, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  AnalysisOptions analysis_options;
  analysis_options.paths = options.paths;
  analysis_options.threads = options.threads;
  analysis_options.diff_base = options.diff_base;
  Analysis analysis = analyze(analysis_options, config, cwd);
  for (const auto& e : analysis.config_errors) err << "godwit: error: " << e << "\n";
  if (!analysis.config_errors.empty()) return kExitError;
  for (const auto& e : analysis.errors) err << "godwit: error: " << e.path << ": " << e.message << "\n";

  report::Report report;
  report.rules = rules::all_rules();
  report.diagnostics = std::move(analysis.diagnostics);
  for (const engine::ProjectFile& file : analysis.project.files) {
    if (!file.reported) continue;
    ++report.files;
    const ir::Migration& m = file.migration;
    if (!m.has_migration_class && !m.syntax_error) continue;
    const auto phases = analysis.phases.find(&m);
    report.migrations.push_back(report::MigrationSummary{
        m.app_label, m.name, m.file().path(), phases != analysis.phases.end() ? phases->second.summary() : "unknown",
        ir::reversibility(m)});
  }
  report::write_report(options.format, out, report, report::TextOptions{use_color(options.color, out), options.quiet});
  out.flush();

  if (!analysis.errors.empty()) return kExitError;
  if (options.exit_zero) return kExitClean;
  for (const auto& d : report.diagnostics) {
    if (d.severity >= config.fail_on) return kExitFindings;
  }
  return kExitClean;
}

}  // namespace godwit::driver
