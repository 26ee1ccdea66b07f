#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "analyzer/ir/migration.h"

namespace godwit::cache {

// What extraction depends on besides the module itself: the code that extracts (godwit's
// version and a fingerprint of the frontend, IR and codec sources), the grammar and the
// tree-sitter runtime. Entries made by any other combination are never used.
struct ExtractorIdentity {
  std::string godwit_version;
  std::string fingerprint;
  std::string tree_sitter_runtime;
  uint32_t format_version = 0;
};
const ExtractorIdentity& current_extractor();

// The default cache folder of a project: `.godwit_cache` in its root.
std::filesystem::path default_cache_dir(const std::filesystem::path& project_root);

// A per-file cache of extracted IR, keyed by the module's bytes, its app label and name, and
// the extractor's identity. One file per entry:
//
//   <dir>/ir<format>/<2 hex>/<32 hex>   "GODWITIR", format, key length, key, payload length,
//                                       payload digest, payload (the encoded Migration)
//
// The key is stored in the entry and compared in full, the payload is checksummed and decoded
// defensively, so a truncated, corrupt, foreign or stale entry is ignored (and replaced by the
// next store), never trusted. Entries are written to a temporary file in the same folder and
// renamed over the final name, so concurrent runs (several godwit processes, or threads) only
// ever see whole entries. godwit writes nothing else anywhere: `.gitignore` (`*`) and
// `CACHEDIR.TAG` inside the folder keep it out of version control and backups.
//
// Thread-safe: load and store may be called from any thread.
class IrCache {
 public:
  // Opens the cache in `dir`, creating it (and its .gitignore and CACHEDIR.TAG) when missing.
  // nullptr with `error` set when the folder cannot be created or written.
  static std::unique_ptr<IrCache> open(const std::filesystem::path& dir, std::string& error);

  // The IR stored for this module, if a valid entry exists.
  [[nodiscard]] std::optional<ir::Migration> load(const std::shared_ptr<const source::SourceFile>& source,
                                                  const std::string& app_label, const std::string& name) const;
  // Stores the IR of a module (keyed by its source, app label and name). Best effort: a failure
  // (disk full, read-only folder) only costs the next run the time to extract again.
  void store(const ir::Migration& migration) const;

  // Where the entry for a module is (whether or not it exists): for tests and tools.
  [[nodiscard]] std::filesystem::path entry_path(std::string_view text, const std::string& app_label,
                                                 const std::string& name) const;
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

  struct Stats {
    size_t hits = 0;
    size_t misses = 0;    // no entry
    size_t rejected = 0;  // an entry that was not valid for the module (corrupt, truncated, stale)
    size_t stored = 0;
    size_t store_failures = 0;
  };
  [[nodiscard]] Stats stats() const;

  IrCache(const IrCache&) = delete;
  IrCache& operator=(const IrCache&) = delete;
  ~IrCache() = default;

 private:
  explicit IrCache(std::filesystem::path dir);

  std::filesystem::path dir_;      // as given
  std::filesystem::path entries_;  // dir_ / "ir<format>"
  mutable std::atomic<size_t> hits_{0};
  mutable std::atomic<size_t> misses_{0};
  mutable std::atomic<size_t> rejected_{0};
  mutable std::atomic<size_t> stored_{0};
  mutable std::atomic<size_t> store_failures_{0};
  mutable std::atomic<uint64_t> temp_counter_{0};
};

}  // namespace godwit::cache
