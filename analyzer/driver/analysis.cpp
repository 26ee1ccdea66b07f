#include "analyzer/driver/analysis.h"

#include "analyzer/driver/project_loader.h"
#include "analyzer/engine/engine.h"
#include "rules/registry.h"

namespace godwit::driver {

Analysis analyze(const AnalysisOptions& options, const config::Config& config,
                 const std::filesystem::path& working_directory) {
  Analysis analysis;
  const auto rules = rules::all_rules();
  const engine::Engine engine(rules, config, analysis.config_errors);
  if (!analysis.config_errors.empty()) return analysis;

  std::vector<std::filesystem::path> paths = options.paths;
  if (paths.empty()) paths.emplace_back(".");
  const discovery::Discovery found = discovery::discover(paths, config, working_directory);
  LoadResult loaded = load_project(found, config, options.threads);
  analysis.errors = found.errors;
  analysis.errors.insert(analysis.errors.end(), loaded.errors.begin(), loaded.errors.end());
  analysis.project = std::move(loaded.project);
  analysis.diagnostics = engine.run(analysis.project);
  return analysis;
}

}  // namespace godwit::driver
