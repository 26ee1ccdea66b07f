#include "analyzer/driver/check.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "analyzer/driver/project_loader.h"
#include "analyzer/engine/engine.h"
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
  const auto rules = rules::all_rules();
  std::vector<std::string> selector_errors;
  const engine::Engine engine(rules, config, selector_errors);
  if (!selector_errors.empty()) {
    for (const auto& e : selector_errors) err << "godwit: error: " << e << "\n";
    return kExitError;
  }

  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  std::vector<std::filesystem::path> paths = options.paths;
  if (paths.empty()) paths.emplace_back(".");
  const discovery::Discovery found = discovery::discover(paths, config, cwd);
  LoadResult loaded = load_project(found, config, options.threads);

  bool io_error = false;
  for (const auto& e : found.errors) {
    err << "godwit: error: " << e.path << ": " << e.message << "\n";
    io_error = true;
  }
  for (const auto& e : loaded.errors) {
    err << "godwit: error: " << e.path << ": " << e.message << "\n";
    io_error = true;
  }

  report::Report report;
  report.rules = rules;
  report.diagnostics = engine.run(loaded.project);
  for (const engine::ProjectFile& file : loaded.project.files) {
    if (!file.reported) continue;
    ++report.files;
    const ir::Migration& m = file.migration;
    if (!m.has_migration_class && !m.syntax_error) continue;
    report.migrations.push_back(
        report::MigrationSummary{m.app_label, m.name, m.file().path(), "unknown", ir::reversibility(m)});
  }

  switch (options.format) {
    case report::Format::Text:
      report::write_text(out, report, report::TextOptions{use_color(options.color, out), options.quiet});
      break;
    case report::Format::Concise: report::write_concise(out, report); break;
    case report::Format::Json: report::write_json(out, report); break;
    default: report::write_json(out, report); break;
  }
  out.flush();

  if (io_error) return kExitError;
  if (options.exit_zero) return kExitClean;
  for (const auto& d : report.diagnostics) {
    if (d.severity >= config.fail_on) return kExitFindings;
  }
  return kExitClean;
}

}  // namespace godwit::driver
