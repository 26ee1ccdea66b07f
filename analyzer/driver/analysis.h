#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/cache/ir_cache.h"
#include "analyzer/config/config.h"
#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/source_overlay.h"
#include "analyzer/engine/project.h"
#include "analyzer/graph/migration_graph.h"
#include "analyzer/phase/phase.h"

namespace godwit::driver {

struct AnalysisOptions {
  std::vector<std::filesystem::path> paths;  // empty: the working directory
  unsigned threads = 0;
  // --diff-base REF: only migrations added or changed since REF (the release) are reported, and
  // tables created anywhere in the release are new.
  std::string diff_base;
  // The release given directly as "app.migration" names (tests); used when diff_base is empty.
  std::vector<std::string> release;
  // Where extracted IR is cached; nullptr: every file is parsed.
  const cache::IrCache* cache = nullptr;
  // Modules read from memory instead of the disk (the language server's open buffers); they may
  // be among `paths` without existing on disk. nullptr: everything comes from the disk.
  const SourceOverlay* overlay = nullptr;
};

// The whole pipeline short of reporting: discover, read, parse, extract, run the rules.
struct Analysis {
  engine::Project project;
  std::vector<diagnostics::Diagnostic> diagnostics;  // in output order
  std::unordered_map<const ir::Migration*, phase::MigrationPhases> phases;
  graph::MigrationGraph graph;
  std::vector<discovery::DiscoveryError> errors;     // unreadable paths (exit code 2)
  std::vector<std::string> config_errors;            // selectors naming no rule, git errors (exit code 2)
};

Analysis analyze(const AnalysisOptions& options, const config::Config& config,
                 const std::filesystem::path& working_directory);

class DeferredBodies;

// The project as analyze() reads it (the given paths, their migrations folders and the apps
// they depend on, as context), without running rules. With `deferred`, cached modules are read
// up to their header and their bodies left to it (analyze() completes them as it replays).
struct LoadedProject {
  engine::Project project;
  std::vector<discovery::DiscoveryError> errors;
  std::vector<std::string> fatal_errors;  // --diff-base could not be resolved
};
LoadedProject load(const AnalysisOptions& options, const config::Config& config,
                   const std::filesystem::path& working_directory, DeferredBodies* deferred = nullptr);

}  // namespace godwit::driver
