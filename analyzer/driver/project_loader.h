#pragma once

#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "analyzer/cache/ir_cache.h"
#include "analyzer/config/config.h"
#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/source_overlay.h"
#include "analyzer/engine/project.h"
#include "analyzer/frontend/python_parser.h"

namespace godwit::driver {

struct LoadResult {
  engine::Project project;
  std::vector<discovery::DiscoveryError> errors;  // files that could not be read
};

// The number of threads a run asking for `requested` uses: 0 means one per core.
unsigned resolve_threads(unsigned requested);

// The cached modules whose bodies (operations, functions, comments: all but what the migration
// graph needs) the loader left to decode, so that the engine replays the first migrations of the
// plan while the others are decoded (engine::PendingBodies). A body that does not decode is
// extracted again from the module's text (and the cache entry replaced). Each pack stays in
// memory until the last of its bodies is decoded, then is committed. Destroying it completes
// every body first: no migration it was bound to is ever left half read.
class DeferredBodies final : public engine::PendingBodies {
 public:
  // `threads`: the run's threads (0: one per core), the caller's included.
  explicit DeferredBodies(unsigned threads);
  ~DeferredBodies();
  DeferredBodies(const DeferredBodies&) = delete;
  DeferredBodies& operator=(const DeferredBodies&) = delete;

  // Ties each body to its migration, found by its source among `files`, where the migrations
  // stay while the bodies are decoded (the vector may be moved, not resized or reordered), and
  // sets the other threads decoding, in the files' order until start() gives the replay's.
  void bind(std::vector<engine::ProjectFile>& files);
  [[nodiscard]] bool empty() const { return bodies_.empty(); }

  void start(std::span<const ir::Migration* const> order) override;
  void ensure(const ir::Migration& migration) override;
  void finish() override;

  // For the loader: an open pack folder that `bodies` bodies are read from (its index), and a
  // body of it, for the module read from `source`.
  size_t add_pack(std::unique_ptr<cache::IrCache::Folder> folder, size_t bodies);
  void add_body(const source::SourceFile* source, size_t pack, std::string_view bytes);

 private:
  // A pack some bodies are read from: committed once the last of them is decoded.
  struct Pack {
    std::unique_ptr<cache::IrCache::Folder> folder;
    std::atomic<size_t> waiting{0};
  };
  enum : uint8_t { kWaiting, kDecoding, kDone };
  struct Body {
    const source::SourceFile* source = nullptr;  // which module
    ir::Migration* migration = nullptr;          // set by bind()
    Pack* pack = nullptr;
    std::string_view bytes;  // into the pack
    std::atomic<uint8_t> state{kWaiting};
    bool queued = false;  // in queue_ (start() only)
  };

  // Takes a body no thread has begun (false when it was taken).
  bool claim(Body& body);
  // Decodes a body this thread claimed, and commits its pack after its last body.
  void decode(Body& body, std::optional<frontend::PythonParser>& parser);
  // Decodes the next body of queue_ no thread has begun; false when none is left.
  bool decode_next(std::optional<frontend::PythonParser>& parser);
  static void wait(Body& body);
  void work();
  void rethrow_failure();

  unsigned threads_;
  std::deque<Pack> packs_;
  std::deque<Body> bodies_;
  std::unordered_map<const ir::Migration*, Body*> by_migration_;
  std::atomic<size_t> unordered_next_{0};  // the next of bodies_ to take before start()
  std::vector<Body*> queue_;               // in the order start() gave, written before ordered_
  std::atomic<bool> ordered_{false};
  std::atomic<size_t> next_{0};            // the next of queue_ to take
  std::optional<frontend::PythonParser> parser_;  // the caller's thread's, when a body needs extracting
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
  // Last: destroyed (joined) first, before anything the threads use, whatever was thrown.
  std::vector<std::jthread> workers_;
};

// Reads, parses and extracts every discovered file, on `threads` threads (0: one per core).
// The result is in discovery order whatever the thread count. Modules the overlay holds are read
// from it instead of the disk, and never from or into the cache. With a cache, a file whose IR
// is cached is not parsed, and what is extracted is stored. With `deferred`, cached modules are
// decoded up to their header only and their bodies left to it.
LoadResult load_project(const discovery::Discovery& discovery, const config::Config& config, unsigned threads,
                        const cache::IrCache* cache = nullptr, const SourceOverlay* overlay = nullptr,
                        DeferredBodies* deferred = nullptr);

// Reads a whole file; on failure returns false with a message in `error`.
bool read_file(const std::filesystem::path& path, std::string& contents, std::string& error);

}  // namespace godwit::driver
