#include "analyzer/driver/analysis.h"

#include <algorithm>
#include <set>

#include "analyzer/driver/git.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/engine/engine.h"
#include "analyzer/graph/migration_graph.h"
#include "rules/registry.h"

namespace godwit::driver {

namespace fs = std::filesystem;

namespace {

// Folders that hold apps: the parents of the app folders read so far, and the config root.
std::set<fs::path> app_parent_dirs(const std::vector<discovery::MigrationPath>& files, const config::Config& config) {
  std::set<std::string> folders;  // a project has thousands of modules in tens of folders
  for (const auto& f : files) folders.insert(f.path.parent_path().native());
  std::set<fs::path> dirs;
  for (const auto& folder : folders) dirs.insert(fs::path(folder).parent_path().parent_path());
  if (!config.root.empty()) dirs.insert(config.root);
  return dirs;
}

// App labels that loaded migrations depend on (or name in run_before/replaces) but that no
// loaded module belongs to.
std::set<std::string> missing_apps(const engine::Project& project, const config::Config& config) {
  std::set<std::string> present;
  for (const auto& f : project.files) present.insert(f.migration.app_label);
  std::set<std::string> wanted;
  for (const auto& f : project.files) {
    for (const ir::Dependency& d : f.migration.dependencies) {
      if (d.kind == ir::Dependency::Kind::Swappable) {
        wanted.insert(graph::swappable_app(config, d.setting));
      } else if (!d.app.empty()) {
        wanted.insert(d.app);
      }
    }
    for (const ir::MigrationRef& r : f.migration.run_before) {
      if (r.known) wanted.insert(r.app);
    }
  }
  std::set<std::string> missing;
  for (const auto& app : wanted) {
    if (!app.empty() && !present.contains(app)) missing.insert(app);
  }
  return missing;
}

// Where an app's migrations folder would be: `<dir>/<label>/<migrations dir>`, or the folder
// that `app-labels` maps to the label.
std::optional<fs::path> find_app(const std::string& label, const std::set<fs::path>& parents,
                                 const config::Config& config) {
  std::error_code ec;
  for (const auto& [folder, mapped] : config.app_labels) {
    if (mapped != label) continue;
    for (const auto& dir_name : config.migrations_dirs) {
      const fs::path candidate = config.root / folder / dir_name;
      if (fs::is_directory(candidate, ec)) return candidate;
    }
  }
  for (const fs::path& parent : parents) {
    for (const auto& dir_name : config.migrations_dirs) {
      const fs::path candidate = parent / label / dir_name;
      if (fs::is_directory(candidate, ec)) return candidate;
    }
  }
  return std::nullopt;
}

// A module the overlay holds, as discovery would describe it.
discovery::MigrationPath overlay_module(const fs::path& path, const fs::path& working_directory, bool reported) {
  discovery::MigrationPath m;
  m.path = path;
  m.display = discovery::display_path(path, working_directory);
  m.name = path.stem().string();
  m.app_label = path.parent_path().parent_path().filename().string();
  m.reported = reported;
  return m;
}

// The modules of one migrations folder: on disk (unless discovery listed them all already), and
// the overlay's (which may not be saved yet).
std::vector<discovery::MigrationPath> modules_of(const fs::path& folder, const fs::path& working_directory,
                                                 const SourceOverlay* overlay, bool listed = false) {
  std::vector<discovery::MigrationPath> modules;
  if (!listed) modules = discovery::modules_in(folder, working_directory);
  if (overlay == nullptr) return modules;
  for (const fs::path& path : overlay->modules_in(folder.lexically_normal())) {
    const bool on_disk = std::any_of(modules.begin(), modules.end(),
                                     [&](const discovery::MigrationPath& m) { return m.path == path; });
    if (!on_disk) modules.push_back(overlay_module(path, working_directory, false));
  }
  return modules;
}

// The release: files changed since --diff-base (or named in options.release). Only they are
// reported; everything else stays context.
void mark_release(const AnalysisOptions& options, const fs::path& working_directory, LoadedProject& loaded) {
  if (options.diff_base.empty() && options.release.empty()) return;
  std::set<fs::path> changed;
  if (!options.diff_base.empty()) {
    std::string error;
    if (!changed_since(working_directory, options.diff_base, changed, error)) {
      loaded.fatal_errors.push_back(error);
      return;
    }
  }
  const std::set<std::string> named(options.release.begin(), options.release.end());
  for (engine::ProjectFile& f : loaded.project.files) {
    const fs::path absolute = (working_directory / f.migration.file().path()).lexically_normal();
    f.in_release = changed.contains(absolute) || named.contains(f.migration.app_label + "." + f.migration.name);
    f.reported = f.reported && f.in_release;
  }
}

}  // namespace

Analysis analyze(const AnalysisOptions& options, const config::Config& config, const fs::path& working_directory) {
  Analysis analysis;
  const auto rules = rules::all_rules();
  const engine::Engine engine(rules, config, analysis.config_errors);
  if (!analysis.config_errors.empty()) return analysis;
  // The replay starts while the threads still decode the later migrations' bodies.
  DeferredBodies bodies(options.threads);
  LoadedProject loaded = load(options, config, working_directory, &bodies);
  analysis.project = std::move(loaded.project);
  bodies.bind(analysis.project.files);
  analysis.errors = std::move(loaded.errors);
  analysis.config_errors = std::move(loaded.fatal_errors);
  if (!analysis.config_errors.empty()) return analysis;
  engine::Engine::Result result = engine.run(analysis.project, &bodies);
  analysis.diagnostics = std::move(result.diagnostics);
  analysis.phases = std::move(result.phases);
  analysis.graph = std::move(result.graph);
  return analysis;
}

LoadedProject load(const AnalysisOptions& options, const config::Config& config, const fs::path& working_directory,
                   DeferredBodies* deferred) {
  LoadedProject analysis;
  std::vector<fs::path> paths;
  std::vector<discovery::MigrationPath> from_overlay;
  for (const fs::path& given : options.paths) {
    const fs::path absolute = (given.is_absolute() ? given : working_directory / given).lexically_normal();
    if (options.overlay != nullptr && options.overlay->holds(absolute)) {
      from_overlay.push_back(overlay_module(absolute, working_directory, true));
    } else {
      paths.push_back(given);
    }
  }
  if (paths.empty() && from_overlay.empty()) paths.emplace_back(".");
  discovery::Discovery found;
  if (!paths.empty()) found = discovery::discover(paths, config, working_directory);
  for (auto& m : from_overlay) {
    const bool listed = std::any_of(found.files.begin(), found.files.end(),
                                    [&](const discovery::MigrationPath& f) { return f.display == m.display; });
    if (!listed) found.files.push_back(std::move(m));
  }
  analysis.errors = found.errors;

  // Context: the other modules of every migrations folder a reported file is in.
  std::set<std::string> known;
  for (const auto& f : found.files) known.insert(f.display);
  std::set<fs::path> folders;
  for (const auto& f : found.files) {
    // Only a real migrations package has siblings that are migrations of the same app.
    const std::string folder = f.path.parent_path().filename().string();
    if (std::find(config.migrations_dirs.begin(), config.migrations_dirs.end(), folder) != config.migrations_dirs.end()) {
      folders.insert(f.path.parent_path());
    }
  }
  std::vector<discovery::MigrationPath> context;
  for (const fs::path& folder : folders) {
    const bool listed = std::binary_search(found.complete_dirs.begin(), found.complete_dirs.end(), folder);
    for (auto& m : modules_of(folder, working_directory, options.overlay, listed)) {
      if (known.insert(m.display).second) context.push_back(std::move(m));
    }
  }
  found.files.insert(found.files.end(), context.begin(), context.end());
  LoadResult loaded = load_project(found, config, options.threads, options.cache, options.overlay, deferred);
  analysis.errors.insert(analysis.errors.end(), loaded.errors.begin(), loaded.errors.end());

  // Context: apps the loaded migrations depend on, found beside the apps already read.
  std::set<std::string> searched;
  for (int round = 0; round < 64; ++round) {
    std::vector<discovery::MigrationPath> more;
    const auto parents = app_parent_dirs(found.files, config);
    for (const std::string& app : missing_apps(loaded.project, config)) {
      if (!searched.insert(app).second) continue;
      if (const auto dir = find_app(app, parents, config)) {
        for (auto& m : modules_of(*dir, working_directory, options.overlay)) {
          if (known.insert(m.display).second) more.push_back(std::move(m));
        }
      }
    }
    if (more.empty()) break;
    discovery::Discovery extra;
    extra.files = more;
    LoadResult extra_loaded = load_project(extra, config, options.threads, options.cache, options.overlay, deferred);
    for (auto& f : extra_loaded.project.files) loaded.project.files.push_back(std::move(f));
    // A context file that cannot be read only costs its information: no error for it.
    found.files.insert(found.files.end(), more.begin(), more.end());
  }
  // `apps` and `exclude-apps` only stop reporting: those apps are still read for the graph and
  // the state.
  for (engine::ProjectFile& f : loaded.project.files) {
    const std::string& app = f.migration.app_label;
    const bool listed =
        config.apps.empty() || std::find(config.apps.begin(), config.apps.end(), app) != config.apps.end();
    const bool excluded =
        std::find(config.exclude_apps.begin(), config.exclude_apps.end(), app) != config.exclude_apps.end();
    if (!listed || excluded) f.reported = false;
  }
  // In path order. Discovery's order already is, unless context apps were added after it.
  const auto by_path = [](const engine::ProjectFile& a, const engine::ProjectFile& b) {
    return a.migration.file().path() < b.migration.file().path();
  };
  if (!std::is_sorted(loaded.project.files.begin(), loaded.project.files.end(), by_path)) {
    std::stable_sort(loaded.project.files.begin(), loaded.project.files.end(), by_path);
  }
  analysis.project = std::move(loaded.project);
  mark_release(options, working_directory, analysis);
  return analysis;
}

}  // namespace godwit::driver
