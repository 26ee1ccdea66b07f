#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/ir/migration.h"
#include "analyzer/lsp/text_document.h"
#include "analyzer/lsp/workspace_config.h"

namespace godwit::lsp {

// What the worker needs of an open document: its text at one revision and the edits that led
// there (for the incremental reparse).
struct DocumentSnapshot {
  std::string uri;
  std::filesystem::path path;  // absolute, lexically normal
  uint64_t revision = 0;
  int64_t version = 0;
  std::shared_ptr<const source::SourceFile> text;
  std::vector<EditBatch> history;
};

// What one analysis found in one open document.
struct DocumentAnalysis {
  std::string uri;
  uint64_t revision = 0;
  int64_t version = 0;
  // The module as analyzed (the text the diagnostics and fixes point into); nullopt when the
  // document is not a migration module.
  std::optional<ir::Migration> migration;
  std::vector<diagnostics::Diagnostic> diagnostics;
};

struct AnalysisBatch {
  std::vector<std::shared_ptr<const DocumentAnalysis>> documents;
  std::vector<std::string> problems;  // configuration errors, failures: for the user
};

struct SchedulerSettings {
  std::filesystem::path working_directory;
  std::chrono::milliseconds debounce{200};
  ConfigSource config;
  unsigned threads = 1;  // loader threads per analysis
  bool cache = true;     // the IR cache for modules on disk (ServerOptions)
  std::filesystem::path cache_dir;
};

// Analyzes open migrations on a worker thread, so that reading messages never waits for an
// analysis. Changes are coalesced: the worker starts once no change has come for `debounce`. The
// unit of work is an app (a migrations folder): a change re-checks the open migrations of its app
// and of every app whose last analysis read it (the apps that depend on it); an analysis that a
// newer change makes stale is cancelled and redone. Open buffers win over the disk; everything else
// is read from the disk. Results are handed to `deliver` on the worker thread.
class AnalysisScheduler {
 public:
  using Deliver = std::function<void(AnalysisBatch)>;

  AnalysisScheduler(SchedulerSettings settings, Deliver deliver);
  ~AnalysisScheduler();
  AnalysisScheduler(const AnalysisScheduler&) = delete;
  AnalysisScheduler& operator=(const AnalysisScheduler&) = delete;

  // A document was opened or changed.
  void update(DocumentSnapshot snapshot);
  // A document was closed: the disk has its app's module again.
  void close(const std::string& uri);
  // Files changed on disk (saved, or changed by another program).
  void files_changed(const std::vector<std::filesystem::path>& paths);
  // Everything again (the configuration changed).
  void reanalyze_all();

  // Stops the worker. `deliver` is never called once this returns. False when the analysis in
  // progress did not stop within `grace`: the worker is then left to finish on its own.
  bool stop(std::chrono::milliseconds grace);

 private:
  struct Shared;
  // The worker's loop. It holds the shared state, not the scheduler, so that it may outlive it.
  static void work(const std::shared_ptr<Shared>& shared);

  std::shared_ptr<Shared> shared_;
  std::thread worker_;
};

}  // namespace godwit::lsp
