#include "analyzer/lsp/analysis_scheduler.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/analysis.h"
#include "analyzer/driver/check.h"
#include "analyzer/driver/source_overlay.h"
#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/lsp/incremental_parse.h"

namespace godwit::lsp {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct AnalysisScheduler::Shared {
  SchedulerSettings settings;
  Deliver deliver;

  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable finished_cv;
  std::map<std::string, DocumentSnapshot> documents;  // by URI
  std::set<fs::path> dirty;                           // migrations folders to analyze
  Clock::time_point deadline;
  bool stopping = false;
  bool finished = false;
  // The folders the analysis in progress is about; whether one of them was never analyzed (what
  // it reads is not known yet).
  std::set<fs::path> running;
  bool running_reads_unknown = false;
  // For each folder analyzed: the folders its analysis read (its app and the apps it depends on).
  std::map<fs::path, std::set<fs::path>> reads;
  // Set to cancel the analysis in progress; tree-sitter polls it during a parse.
  alignas(std::atomic_ref<size_t>::required_alignment) size_t cancel = 0;

  [[nodiscard]] bool cancelled() { return std::atomic_ref<size_t>(cancel).load() != 0; }

  bool has_documents_in(const fs::path& folder) const {
    return std::any_of(documents.begin(), documents.end(),
                       [&](const auto& entry) { return entry.second.path.parent_path() == folder; });
  }

  // Marks `folder` and the folders whose analysis read it for analysis, after the debounce delay,
  // and cancels an analysis in progress that the change makes stale. Called with `mutex` held.
  void mark_dirty(const fs::path& folder) {
    std::set<fs::path> affected{folder};
    for (const auto& [analyzed, read] : reads) {
      if (read.contains(folder)) affected.insert(analyzed);
    }
    for (const fs::path& f : affected) {
      if (has_documents_in(f)) dirty.insert(f);
    }
    const bool stale = running_reads_unknown || std::any_of(affected.begin(), affected.end(),
                                                            [&](const fs::path& f) { return running.contains(f); });
    if (stale && !running.empty()) std::atomic_ref<size_t>(cancel).store(1);
    deadline = Clock::now() + settings.debounce;
    wake.notify_all();
  }
};

namespace {

struct CachedTree {
  uint64_t revision = 0;
  std::unique_ptr<frontend::SyntaxTree> tree;
};

// The worker's parser and the trees of open documents, kept between analyses for incremental
// reparsing. Used by one analysis at a time; the loader may call in from several threads, hence
// the mutex.
struct ParseState {
  frontend::PythonParser parser;
  std::map<std::string, CachedTree> trees;  // by URI
  std::mutex mutex;

  // The tree of `doc` at its revision; null when the parse was cancelled.
  const frontend::SyntaxTree* tree_for(const DocumentSnapshot& doc) {
    CachedTree& cached = trees[doc.uri];
    if (cached.tree != nullptr && cached.revision == doc.revision) return cached.tree.get();
    std::optional<std::vector<ByteEdit>> edits;
    if (cached.tree != nullptr && cached.revision < doc.revision) {
      edits = edits_between(doc.history, cached.revision, doc.revision);
    }
    Reparse parsed = reparse(parser, doc.text, cached.tree.get(), edits ? &*edits : nullptr);
    if (parsed.tree == nullptr) return nullptr;
    cached = CachedTree{doc.revision, std::move(parsed.tree)};
    return cached.tree.get();
  }
};

// The open documents, as the loader sees them.
class OpenBuffers final : public driver::SourceOverlay {
 public:
  OpenBuffers(const std::vector<const DocumentSnapshot*>& documents, ParseState& parse) : parse_(parse) {
    for (const DocumentSnapshot* doc : documents) by_path_[doc->path] = doc;
  }

  [[nodiscard]] bool holds(const fs::path& path) const override { return by_path_.contains(path); }

  [[nodiscard]] std::vector<fs::path> modules_in(const fs::path& migrations_dir) const override {
    std::vector<fs::path> out;
    for (const auto& [path, doc] : by_path_) {
      if (path.parent_path() == migrations_dir && discovery::is_migration_module_name(path.filename().string())) {
        out.push_back(path);
      }
    }
    return out;
  }

  [[nodiscard]] ir::Migration read(const discovery::MigrationPath& file, std::string app_label) const override {
    const DocumentSnapshot& doc = *by_path_.at(file.path);
    const std::lock_guard lock(parse_.mutex);
    const frontend::SyntaxTree* tree = parse_.tree_for(doc);
    if (tree == nullptr) {
      // Cancelled: the analysis is thrown away; any module will do.
      ir::Migration stub;
      stub.app_label = std::move(app_label);
      stub.name = file.name;
      stub.source = doc.text;
      return stub;
    }
    if (tree->source().path() == file.display)
      return frontend::extract_migration(*tree, std::move(app_label), file.name);
    // The loader names the file differently (it cannot here: both use display_path from the same
    // directory), so the module keeps the loader's name.
    const frontend::SyntaxTree renamed(
        std::make_shared<const source::SourceFile>(file.display, std::string(tree->source().text())),
        ts_tree_copy(tree->raw()));
    return frontend::extract_migration(renamed, std::move(app_label), file.name);
  }

 private:
  std::map<fs::path, const DocumentSnapshot*> by_path_;
  ParseState& parse_;
};

bool is_migration_document(const fs::path& path, const config::Config& config) {
  const std::string folder = path.parent_path().filename().string();
  return std::find(config.migrations_dirs.begin(), config.migrations_dirs.end(), folder) !=
             config.migrations_dirs.end() &&
         discovery::is_migration_module_name(path.filename().string());
}

struct Job {
  std::set<fs::path> folders;
  std::vector<DocumentSnapshot> documents;  // every open document
};

struct JobResult {
  AnalysisBatch batch;
  std::set<fs::path> read;  // the folders the analysis read
};

JobResult run_job(const Job& job, const SchedulerSettings& settings, ParseState& parse) {
  JobResult result;
  std::vector<fs::path> paths;
  for (const DocumentSnapshot& doc : job.documents) {
    if (job.folders.contains(doc.path.parent_path())) paths.push_back(doc.path);
  }
  const config::Config config = settings.config(paths, settings.working_directory, result.batch.problems);

  std::vector<const DocumentSnapshot*> buffers;
  std::vector<const DocumentSnapshot*> reported;
  for (const DocumentSnapshot& doc : job.documents) {
    if (!is_migration_document(doc.path, config)) {
      if (job.folders.contains(doc.path.parent_path())) {
        auto analysis = std::make_shared<DocumentAnalysis>();
        analysis->uri = doc.uri;
        analysis->revision = doc.revision;
        analysis->version = doc.version;
        result.batch.documents.push_back(std::move(analysis));
      }
      continue;
    }
    buffers.push_back(&doc);
    if (job.folders.contains(doc.path.parent_path())) reported.push_back(&doc);
  }
  if (reported.empty()) return result;

  const OpenBuffers overlay(buffers, parse);
  driver::AnalysisOptions options;
  for (const DocumentSnapshot* doc : reported) options.paths.push_back(doc->path);
  options.threads = settings.threads;
  options.overlay = &overlay;
  // Modules on disk come from the IR cache godwit check keeps (and go into it); the open buffers
  // never do: the overlay holds them.
  std::unique_ptr<cache::IrCache> ir_cache;
  if (settings.cache) {
    std::string warning;  // a cache that cannot be used only costs time: nothing to tell the user
    ir_cache = driver::open_ir_cache(settings.cache_dir, config, settings.working_directory, warning);
  }
  options.cache = ir_cache.get();
  driver::Analysis analysis = driver::analyze(options, config, settings.working_directory);
  if (ir_cache) ir_cache->sweep();  // after the analysis has read (and so kept) the packs it uses
  result.batch.problems.insert(result.batch.problems.end(), analysis.config_errors.begin(),
                               analysis.config_errors.end());

  for (engine::ProjectFile& file : analysis.project.files) {
    const fs::path& path = file.migration.file().path();
    const fs::path absolute = path.is_absolute() ? path : (settings.working_directory / path).lexically_normal();
    result.read.insert(absolute.parent_path());
  }
  std::map<std::string, std::shared_ptr<DocumentAnalysis>> by_display;
  for (const DocumentSnapshot* doc : reported) {
    auto out = std::make_shared<DocumentAnalysis>();
    out->uri = doc->uri;
    out->revision = doc->revision;
    out->version = doc->version;
    by_display[discovery::display_path(doc->path, settings.working_directory)] = out;
    result.batch.documents.push_back(std::move(out));
  }
  for (const diagnostics::Diagnostic& d : analysis.diagnostics) {
    if (const auto it = by_display.find(d.path()); it != by_display.end()) it->second->diagnostics.push_back(d);
  }
  // Each open migration's module moves into its result (the diagnostics keep their files alive).
  for (engine::ProjectFile& file : analysis.project.files) {
    if (const auto it = by_display.find(file.migration.file().path()); it != by_display.end()) {
      it->second->migration = std::move(file.migration);
      by_display.erase(it);
    }
  }
  return result;
}

// What the user sees when an analysis fails: no findings, and why.
JobResult failed_job(const Job& job, const std::string& what) {
  JobResult result;
  result.batch.problems.push_back("godwit could not analyze the open migrations: " + what);
  for (const DocumentSnapshot& doc : job.documents) {
    if (!job.folders.contains(doc.path.parent_path())) continue;
    auto analysis = std::make_shared<DocumentAnalysis>();
    analysis->uri = doc.uri;
    analysis->revision = doc.revision;
    analysis->version = doc.version;
    result.batch.documents.push_back(std::move(analysis));
  }
  return result;
}

}  // namespace

void AnalysisScheduler::work(const std::shared_ptr<Shared>& s) {
  ParseState parse;
  parse.parser.set_cancellation_flag(&s->cancel);
  while (true) {
    Job job;
    {
      std::unique_lock lock(s->mutex);
      s->wake.wait(lock, [&] { return s->stopping || !s->dirty.empty(); });
      while (!s->stopping && Clock::now() < s->deadline) s->wake.wait_until(lock, s->deadline);
      if (s->stopping) break;
      job.folders = std::exchange(s->dirty, {});
      for (const auto& [uri, doc] : s->documents) job.documents.push_back(doc);
      std::atomic_ref<size_t>(s->cancel).store(0);
      s->running = job.folders;
      s->running_reads_unknown =
          std::any_of(job.folders.begin(), job.folders.end(), [&](const fs::path& f) { return !s->reads.contains(f); });
    }
    // Trees of closed documents are dropped.
    for (auto it = parse.trees.begin(); it != parse.trees.end();) {
      const bool open = std::any_of(job.documents.begin(), job.documents.end(),
                                    [&](const DocumentSnapshot& d) { return d.uri == it->first; });
      it = open ? std::next(it) : parse.trees.erase(it);
    }
    JobResult result;
    try {
      result = run_job(job, s->settings, parse);
    } catch (const std::exception& e) {
      result = failed_job(job, e.what());
    }
    const std::lock_guard lock(s->mutex);
    s->running.clear();
    s->running_reads_unknown = false;
    if (s->stopping) break;
    if (s->cancelled()) {
      // A newer change made this stale: the same folders again, after the debounce delay that
      // change started.
      s->dirty.insert(job.folders.begin(), job.folders.end());
      continue;
    }
    for (const fs::path& folder : job.folders) s->reads[folder] = result.read;
    s->deliver(std::move(result.batch));
  }
  const std::lock_guard lock(s->mutex);
  s->finished = true;
  s->finished_cv.notify_all();
}

AnalysisScheduler::AnalysisScheduler(SchedulerSettings settings, Deliver deliver)
    : shared_(std::make_shared<Shared>()) {
  shared_->settings = std::move(settings);
  shared_->deliver = std::move(deliver);
  worker_ = std::thread([shared = shared_] { work(shared); });
}

AnalysisScheduler::~AnalysisScheduler() { stop(std::chrono::seconds(5)); }

void AnalysisScheduler::update(DocumentSnapshot snapshot) {
  const std::lock_guard lock(shared_->mutex);
  const fs::path folder = snapshot.path.parent_path();
  std::string uri = snapshot.uri;
  shared_->documents.insert_or_assign(std::move(uri), std::move(snapshot));
  shared_->mark_dirty(folder);
}

void AnalysisScheduler::close(const std::string& uri) {
  const std::lock_guard lock(shared_->mutex);
  const auto it = shared_->documents.find(uri);
  if (it == shared_->documents.end()) return;
  const fs::path folder = it->second.path.parent_path();
  shared_->documents.erase(it);
  if (!shared_->has_documents_in(folder)) shared_->reads.erase(folder);
  shared_->mark_dirty(folder);
}

void AnalysisScheduler::files_changed(const std::vector<fs::path>& paths) {
  const std::lock_guard lock(shared_->mutex);
  for (const fs::path& path : paths) shared_->mark_dirty(path.lexically_normal().parent_path());
}

void AnalysisScheduler::reanalyze_all() {
  const std::lock_guard lock(shared_->mutex);
  std::set<fs::path> folders;
  for (const auto& [uri, doc] : shared_->documents) folders.insert(doc.path.parent_path());
  for (const fs::path& folder : folders) shared_->mark_dirty(folder);
}

bool AnalysisScheduler::stop(std::chrono::milliseconds grace) {
  if (!worker_.joinable()) return true;
  std::unique_lock lock(shared_->mutex);
  shared_->stopping = true;
  std::atomic_ref<size_t>(shared_->cancel).store(1);
  shared_->wake.notify_all();
  const bool finished = shared_->finished_cv.wait_for(lock, grace, [&] { return shared_->finished; });
  lock.unlock();
  if (finished) {
    worker_.join();
  } else {
    worker_.detach();  // it holds only the shared state, and never delivers again
  }
  return finished;
}

}  // namespace godwit::lsp
