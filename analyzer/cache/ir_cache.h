#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/cache/content_hash.h"
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

// Bytes in pages of their own, given back to the system when released. A pack can stay in
// memory until the last body read from it is decoded, long after the thread that read it moved
// on: in that thread's heap it would leave a hole that nothing else fills.
class PageBuffer {
 public:
  PageBuffer() = default;
  ~PageBuffer() { release(); }
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;
  // false when the system has no memory for it
  bool allocate(size_t size);
  void release();
  [[nodiscard]] char* data() { return static_cast<char*>(data_); }
  [[nodiscard]] std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// The default cache folder of a project: `.godwit_cache` in its root.
std::filesystem::path default_cache_dir(const std::filesystem::path& project_root);

// A cache of extracted IR. One file (a pack) per migrations folder holds the entries of its
// modules, each keyed by the module's name, app label, size and content digest:
//
//   <dir>/ir<format>/<32 hex>.pack   "GODWITPK", format, key length, key (the extractor's
//                                    identity and the folder), then entries: record length,
//                                    record (name, app label, text size and digest, encoded
//                                    Migration), record digest
//
// Why one file per folder and not per module: creating a file costs far more than writing its
// bytes (on some machines half a millisecond, more than parsing the module), a project has tens
// of folders and thousands of modules, and a pack rewritten whole drops the entries of edited
// and deleted modules instead of keeping them forever.
//
// Nothing read is trusted: the pack's key is compared in full, every record is checksummed and
// decoded defensively, so a truncated, corrupt, foreign or stale pack or entry is ignored (and
// replaced when the folder is written back). A pack is written to a temporary file in the same
// folder and renamed over the old one, so concurrent runs (several godwit processes) only ever
// see whole packs; the last one written wins. godwit writes nothing else anywhere: `.gitignore`
// (`*`) and `CACHEDIR.TAG` inside the folder keep it out of version control and backups.
//
// The cache does not grow without end: sweep() removes, at most once a day (`.last-sweep`
// marks when), packs that no run has read or written for 30 days — those of other godwit
// versions and of migrations folders that no longer exist — and temporary files a dead writer
// left; reading a pack that is more than a day old refreshes its time.
class IrCache {
 public:
  struct Stats {
    size_t hits = 0;
    size_t misses = 0;    // no entry for the module's current bytes
    size_t rejected = 0;  // a pack or an entry that is not valid (corrupt, truncated, foreign)
    size_t packs_written = 0;
    size_t write_failures = 0;
  };

  // The entries of one migrations folder: its pack, read when the folder is opened, and what
  // this run loads and stores, written back by commit(). load and store may be called from any
  // thread.
  class Folder {
   public:
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;
    ~Folder() = default;

    // The IR stored for this module, if a valid entry exists for its bytes, app and name. With
    // `body`, only the header is decoded (see decode_header) and `body` is set to the rest,
    // which stays readable until commit(): decode it with decode_body, and should that fail,
    // call body_rejected() and store() the module's IR extracted again.
    [[nodiscard]] std::optional<ir::Migration> load(const std::shared_ptr<const source::SourceFile>& source,
                                                    const std::string& app_label, const std::string& name,
                                                    std::string_view* body = nullptr);
    // A body load() deferred did not decode: the entry was not a hit after all.
    void body_rejected();
    // Records the IR of a module of this folder (keyed by its source, app label and name).
    void store(const ir::Migration& migration);
    // Writes the pack back when it changed: an entry for every module loaded or stored since the
    // folder was opened, and the pack's other entries whose module file still exists. Best
    // effort: a failure (disk full, read-only folder) only costs the next run the time to extract
    // again. Call it once, after the last load and store.
    void commit();

   private:
    friend class IrCache;
    Folder(const IrCache& cache, std::filesystem::path migrations_dir);
    // Indexes pack_; false when it is not a valid pack for `key` (entries before the first
    // damaged one are kept).
    bool parse_pack(const std::string& key);

    struct Entry {
      std::string app_label;
      uint64_t text_size = 0;
      Digest text_digest;
      std::string_view payload;  // into pack_
      std::string_view framed;   // the whole framed record, into pack_ (copied as is when kept)
    };

    const IrCache& cache_;
    std::filesystem::path dir_;   // the migrations folder
    std::filesystem::path pack_path_;
    PageBuffer pack_;             // the pack as read
    std::map<std::string, Entry, std::less<>> entries_;  // by module name; read-only after opening
    bool pack_damaged_ = false;   // something in the pack was not valid: write it back
    std::mutex mutex_;            // guards what follows
    // By module name, what to write: a framed record, or empty for the entry read as it is.
    std::map<std::string, std::string, std::less<>> next_;
  };

  // Opens the cache in `dir`, creating it (and its .gitignore and CACHEDIR.TAG) when missing.
  // nullptr with `error` set when the folder cannot be created or written.
  static std::unique_ptr<IrCache> open(const std::filesystem::path& dir, std::string& error);

  // Reads the pack of a migrations folder (none yet, or an unusable one, gives an empty folder).
  [[nodiscard]] std::unique_ptr<Folder> folder(const std::filesystem::path& migrations_dir) const;

  // Removes what no run uses any more (see above), at most once a day. Call it once a run has
  // read the packs it needs: reading is what keeps a pack in use from being swept. Only regular
  // files named as godwit names packs and their temporary files, in `ir<N>` folders, are
  // removed; nothing is followed through a symlink.
  void sweep() const;

  // Where the pack of a migrations folder is (whether or not it exists): for tests and tools.
  [[nodiscard]] std::filesystem::path pack_path(const std::filesystem::path& migrations_dir) const;
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] Stats stats() const;

  IrCache(const IrCache&) = delete;
  IrCache& operator=(const IrCache&) = delete;
  ~IrCache() = default;

 private:
  explicit IrCache(std::filesystem::path dir);
  [[nodiscard]] std::string pack_key(const std::filesystem::path& migrations_dir) const;

  std::filesystem::path dir_;      // as given
  std::filesystem::path entries_;  // dir_ / "ir<format>"
  mutable std::atomic<size_t> hits_{0};
  mutable std::atomic<size_t> misses_{0};
  mutable std::atomic<size_t> rejected_{0};
  mutable std::atomic<size_t> packs_written_{0};
  mutable std::atomic<size_t> write_failures_{0};
  mutable std::atomic<uint64_t> temp_counter_{0};
};

}  // namespace godwit::cache
