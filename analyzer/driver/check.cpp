#include "analyzer/driver/check.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "analyzer/baseline/baseline.h"
#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/analysis.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/ir/reversibility.h"
#include "rules/registry.h"

#include <unistd.h>

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

std::unique_ptr<cache::IrCache> open_ir_cache(std::filesystem::path dir, const config::Config& config,
                                             const std::filesystem::path& cwd, std::string& warning) {
  const char* from_environment = std::getenv("GODWIT_CACHE_DIR");
  if (dir.empty() && from_environment != nullptr && *from_environment != '\0') dir = from_environment;
  const bool chosen = !dir.empty();
  if (!chosen) {
    if (config.root.empty()) return nullptr;
    dir = cache::default_cache_dir(config.root);
  }
  if (dir.is_relative()) dir = cwd / dir;
  std::string error;
  auto opened = cache::IrCache::open(dir, error);
  if (!opened && chosen) warning = "not caching: " + error;
  return opened;
}

namespace {
std::atomic<bool> g_exit_after_report{false};
}  // namespace

void exit_after_report(bool enabled) { g_exit_after_report = enabled; }

int run_check(const CheckOptions& options, const config::Config& config, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  std::unique_ptr<cache::IrCache> ir_cache;
  if (!options.no_cache) {
    std::string warning;
    ir_cache = open_ir_cache(options.cache_dir, config, cwd, warning);
    if (!warning.empty()) err << "godwit: warning: " << warning << "\n";
  }
  AnalysisOptions analysis_options;
  analysis_options.paths = options.paths;
  analysis_options.threads = options.threads;
  analysis_options.diff_base = options.diff_base;
  analysis_options.cache = ir_cache.get();
  Analysis analysis = analyze(analysis_options, config, cwd);
  if (ir_cache) ir_cache->sweep();  // after the run has read (and so kept) the packs it uses
  for (const auto& e : analysis.config_errors) err << "godwit: error: " << e << "\n";
  if (!analysis.config_errors.empty()) return kExitError;
  for (const auto& e : analysis.errors) err << "godwit: error: " << e.path << ": " << e.message << "\n";

  // Identities (and the fingerprints made from them) serve the baseline and SARIF only.
  const bool need_identities =
      !options.write_baseline.empty() || !config.baseline.empty() || options.format == report::Format::Sarif;
  std::vector<baseline::Identity> identities;
  if (need_identities) identities = baseline::identify(analysis.diagnostics);
  if (!options.write_baseline.empty()) {
    std::string error;
    const std::string shown = discovery::display_path(options.write_baseline, cwd);
    if (!baseline::write_baseline(options.write_baseline, identities, error)) {
      err << "godwit: error: cannot write the baseline " << shown << ": " << error << "\n";
      return kExitError;
    }
    out << "Wrote a baseline of " << identities.size() << (identities.size() == 1 ? " finding" : " findings") << " to "
        << shown << ".\n";
    return analysis.errors.empty() ? kExitClean : kExitError;
  }

  report::Report report;
  report.rules = rules::all_rules();
  report.threads = resolve_threads(options.threads);
  report.fail_on = config.fail_on;
  if (!config.baseline.empty()) {
    std::string error;
    const auto known = baseline::read_baseline(config.baseline, error);
    if (!known) {
      err << "godwit: error: baseline " << discovery::display_path(config.baseline, cwd) << ": " << error << "\n";
      return kExitError;
    }
    for (size_t i = 0; i < analysis.diagnostics.size(); ++i) {
      if (known->findings.contains(identities[i])) {
        ++report.hidden_by_baseline;
        continue;
      }
      report.diagnostics.push_back(std::move(analysis.diagnostics[i]));
      report.fingerprints.push_back(baseline::fingerprint(identities[i]));
    }
  } else {
    report.diagnostics = std::move(analysis.diagnostics);
    report.fingerprints.reserve(identities.size());
    for (const auto& id : identities) report.fingerprints.push_back(baseline::fingerprint(id));
  }
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

  int code = kExitClean;
  if (!analysis.errors.empty()) {
    code = kExitError;
  } else if (!options.exit_zero) {
    const bool failing = std::any_of(report.diagnostics.begin(), report.diagnostics.end(),
                                     [&](const auto& d) { return d.severity >= config.fail_on; });
    if (failing) code = kExitFindings;
  }
  if (g_exit_after_report) {
    err.flush();
    std::fflush(nullptr);
    std::_Exit(code);
  }
  return code;
}

}  // namespace godwit::driver
