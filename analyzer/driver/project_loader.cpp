#include "analyzer/driver/project_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "analyzer/cache/ir_codec.h"
#include "analyzer/frontend/migration_extractor.h"

namespace godwit::driver {

namespace {

constexpr std::uintmax_t kMaxFileSize = std::uintmax_t{256} << 20;

// The app label for a migration: `app-labels` from the configuration, else the folder above
// the migrations package.
std::string app_label_for(const discovery::MigrationPath& file, const config::Config& config) {
  if (!config.app_labels.empty()) {
    const std::filesystem::path app_dir = file.path.parent_path().parent_path();
    const std::filesystem::path relative = app_dir.lexically_relative(config.root);
    const auto it = config.app_labels.find(relative.generic_string());
    if (it != config.app_labels.end()) return it->second;
  }
  return file.app_label;
}

// Closes the file descriptor it owns.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

bool read_file(const std::filesystem::path& path, std::string& contents, std::string& error) {
  const auto fail = [&](std::string message) {
    error = std::move(message);
    return false;
  };
  const auto system_error = [&](int code) { return fail(std::error_code(code, std::generic_category()).message()); };
  // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting for one;
  // fstat on what was opened (not on the path, which may change meanwhile) refuses it.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return system_error(errno);
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return system_error(errno);
  if (S_ISDIR(status.st_mode)) return fail("is a directory");
  if (!S_ISREG(status.st_mode)) return fail("not a regular file");
  if (static_cast<std::uintmax_t>(status.st_size) > kMaxFileSize) return fail("file is larger than 256 MiB");
  contents.resize(static_cast<size_t>(status.st_size));
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::read(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error(errno);
    if (n == 0) break;  // the file shrank since fstat
    done += static_cast<size_t>(n);
  }
  contents.resize(done);
  return true;
}

unsigned resolve_threads(unsigned requested) {
  return requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
}

DeferredBodies::DeferredBodies(unsigned threads) : threads_(resolve_threads(threads)) {}

DeferredBodies::~DeferredBodies() {
  try {
    finish();
  } catch (...) {
    // Reported by the finish() or ensure() that met it first; nothing more to do here.
  }
}

size_t DeferredBodies::add_pack(std::unique_ptr<cache::IrCache::Folder> folder, size_t bodies) {
  Pack& pack = packs_.emplace_back();
  pack.folder = std::move(folder);
  pack.waiting = bodies;
  if (bodies == 0) {
    pack.folder->commit();
    pack.folder.reset();
  }
  return packs_.size() - 1;
}

void DeferredBodies::add_body(const source::SourceFile* source, size_t pack, std::string_view bytes) {
  Body& body = bodies_.emplace_back();
  body.source = source;
  body.pack = &packs_.at(pack);
  body.bytes = bytes;
}

void DeferredBodies::bind(std::vector<engine::ProjectFile>& files) {
  if (bodies_.empty()) return;
  std::unordered_map<const source::SourceFile*, ir::Migration*> by_source;
  by_source.reserve(files.size());
  for (engine::ProjectFile& f : files) by_source.emplace(f.migration.source.get(), &f.migration);
  by_migration_.reserve(bodies_.size());
  for (Body& body : bodies_) {
    const auto it = by_source.find(body.source);
    if (it == by_source.end()) continue;  // not among the files: nothing to complete
    body.migration = it->second;
    by_migration_.emplace(it->second, &body);
  }
  // The other threads begin at once, in the files' order, while the caller builds the graph
  // that gives the replay's order.
  const size_t helpers = std::min<size_t>(threads_ - 1, by_migration_.size());
  workers_.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) workers_.emplace_back([this] { work(); });
}

void DeferredBodies::start(std::span<const ir::Migration* const> order) {
  if (ordered_.load(std::memory_order_relaxed)) return;
  queue_.reserve(bodies_.size());
  for (const ir::Migration* m : order) {
    const auto it = by_migration_.find(m);
    if (it == by_migration_.end() || it->second->queued) continue;
    it->second->queued = true;
    queue_.push_back(it->second);
  }
  for (Body& body : bodies_) {
    if (body.migration != nullptr && !body.queued) queue_.push_back(&body);
  }
  ordered_.store(true, std::memory_order_release);
}

void DeferredBodies::ensure(const ir::Migration& migration) {
  const auto it = by_migration_.find(&migration);
  if (it == by_migration_.end()) return;
  Body& body = *it->second;
  // While another thread decodes it, this one decodes the next body no one has begun rather
  // than wait: the replay needs them all, soon.
  while (body.state.load(std::memory_order_acquire) != kDone) {
    if (claim(body)) {
      decode(body, parser_);
      break;
    }
    if (!decode_next(parser_)) {
      wait(body);
      break;
    }
  }
  rethrow_failure();
}

void DeferredBodies::finish() {
  for (Body& body : bodies_) {
    if (claim(body)) decode(body, parser_);
  }
  for (Body& body : bodies_) wait(body);
  workers_.clear();  // joins them: they stop once nothing is left to take
  rethrow_failure();
}

void DeferredBodies::work() {
  std::optional<frontend::PythonParser> parser;
  try {
    while (decode_next(parser)) {
    }
  } catch (...) {
    const std::lock_guard lock(failure_mutex_);
    if (!failure_) failure_ = std::current_exception();
  }
}

bool DeferredBodies::decode_next(std::optional<frontend::PythonParser>& parser) {
  if (!ordered_.load(std::memory_order_acquire)) {
    for (size_t i = unordered_next_++; i < bodies_.size(); i = unordered_next_++) {
      Body& body = bodies_[i];
      if (body.migration != nullptr && claim(body)) {
        decode(body, parser);
        return true;
      }
      if (ordered_.load(std::memory_order_acquire)) break;
    }
    // Every body was taken before the order came: nothing is left.
    if (!ordered_.load(std::memory_order_acquire)) return false;
  }
  for (size_t i = next_++; i < queue_.size(); i = next_++) {
    if (claim(*queue_[i])) {
      decode(*queue_[i], parser);
      return true;
    }
  }
  return false;
}

bool DeferredBodies::claim(Body& body) {
  uint8_t expected = kWaiting;
  return body.state.compare_exchange_strong(expected, kDecoding, std::memory_order_acquire);
}

void DeferredBodies::wait(Body& body) {
  for (uint8_t seen = body.state.load(std::memory_order_acquire); seen != kDone;
       seen = body.state.load(std::memory_order_acquire)) {
    body.state.wait(seen, std::memory_order_acquire);
  }
}

void DeferredBodies::decode(Body& body, std::optional<frontend::PythonParser>& parser) {
  cache::IrCache::Folder& folder = *body.pack->folder;
  {
    // Done even when something throws, so that no thread waits for it forever (the exception
    // reaches the caller through rethrow_failure()).
    struct MarkDone {
      Body& body;
      ~MarkDone() {
        body.state.store(kDone, std::memory_order_release);
        body.state.notify_all();
      }
    } const mark_done{body};
    if (body.migration != nullptr && !cache::decode_body(body.bytes, *body.migration)) {
      // Checksummed, yet not decodable: written by a broken build. The body is extracted again
      // and the entry replaced. The header stays as decoded: the graph was built from it and
      // other threads may be reading it (it passed the same checks as every header).
      ir::Migration& m = *body.migration;
      folder.body_rejected();
      if (!parser) parser.emplace();
      ir::Migration fresh = frontend::read_migration(*parser, m.source, m.app_label, m.name);
      folder.store(fresh);
      cache::move_body(m, std::move(fresh));
    }
  }
  // After the body is marked done: a thread waiting for it does not wait for the pack's write.
  if (body.pack->waiting.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    folder.commit();
    body.pack->folder.reset();
  }
}

void DeferredBodies::rethrow_failure() {
  const std::lock_guard lock(failure_mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

LoadResult load_project(const discovery::Discovery& discovery, const config::Config& config, unsigned threads,
                        const cache::IrCache* cache, const SourceOverlay* overlay, DeferredBodies* deferred) {
  const size_t count = discovery.files.size();
  std::vector<std::optional<engine::ProjectFile>> loaded(count);
  std::vector<std::optional<discovery::DiscoveryError>> failures(count);
  if (cache == nullptr) deferred = nullptr;

  threads = resolve_threads(threads);
  // With a cache, the work comes in pieces of migrations folders: a folder's pack is read by the
  // first thread that needs it and written back by the one that finishes the folder's last
  // piece. Most folders are one piece, so threads rarely wait for each other's pack and only a
  // few packs are in memory at once; a folder with more than a quarter of a thread's share of
  // the modules (an app with a long history, or the only app) is cut into pieces of that size,
  // so that it is shared out between the threads too. The largest folders go first, so that
  // the last pieces to finish are small.
  const size_t piece_size = std::max<size_t>(64, (count + 4 * threads - 1) / (4 * threads));
  struct CachedFolder {
    std::vector<size_t> files;
    std::once_flag opened;
    std::unique_ptr<cache::IrCache::Folder> entries;
    std::atomic<size_t> pending{0};   // pieces not finished
    std::atomic<size_t> deferred{0};  // bodies left to `deferred`: the folder stays open for them
  };
  struct Deferral {
    CachedFolder* folder;
    std::string_view body;
  };
  std::vector<std::optional<Deferral>> deferrals(deferred != nullptr ? count : 0);
  struct Piece {
    CachedFolder* folder;
    size_t begin;
    size_t end;
  };
  std::deque<CachedFolder> folders;
  std::vector<Piece> pieces;
  if (cache != nullptr) {
    std::map<std::filesystem::path, CachedFolder*> index;
    for (size_t i = 0; i < count; ++i) {
      auto [it, added] = index.try_emplace(discovery.files[i].path.parent_path(), nullptr);
      if (added) it->second = &folders.emplace_back();
      it->second->files.push_back(i);
    }
    std::vector<CachedFolder*> by_size;
    for (CachedFolder& f : folders) by_size.push_back(&f);
    std::stable_sort(by_size.begin(), by_size.end(),
                     [](const CachedFolder* a, const CachedFolder* b) { return a->files.size() > b->files.size(); });
    for (CachedFolder* f : by_size) {
      for (size_t begin = 0; begin < f->files.size(); begin += piece_size) {
        pieces.push_back(Piece{f, begin, std::min(begin + piece_size, f->files.size())});
        f->pending.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  const auto load_one = [&](frontend::PythonParser& parser, size_t i, CachedFolder* folder) {
    cache::IrCache::Folder* entries = folder != nullptr ? folder->entries.get() : nullptr;
    const discovery::MigrationPath& file = discovery.files[i];
    if (overlay != nullptr && overlay->holds(file.path)) {
      // An editor's buffer: never from or into the cache (its pack keeps the entry of the file
      // on disk).
      loaded[i] = engine::ProjectFile{overlay->read(file, app_label_for(file, config)), file.reported};
      return;
    }
    std::string text;
    std::string error;
    if (!read_file(file.path, text, error)) {
      failures[i] = discovery::DiscoveryError{file.display, error};
      return;
    }
    auto source = std::make_shared<const source::SourceFile>(file.display, std::move(text));
    const std::string app_label = app_label_for(file, config);
    std::optional<ir::Migration> migration;
    if (entries != nullptr && deferred != nullptr) {
      std::string_view body;
      migration = entries->load(source, app_label, file.name, &body);
      if (migration) {
        deferrals[i] = Deferral{folder, body};
        folder->deferred.fetch_add(1, std::memory_order_relaxed);
      }
    } else if (entries != nullptr) {
      migration = entries->load(source, app_label, file.name);
    }
    if (!migration) {
      migration = frontend::read_migration(parser, std::move(source), app_label, file.name);
      if (entries != nullptr) entries->store(*migration);
    }
    loaded[i] = engine::ProjectFile{std::move(*migration), file.reported};
  };

  std::atomic<size_t> next{0};
  auto work = [&] {
    frontend::PythonParser parser;
    if (cache == nullptr) {
      for (size_t i = next++; i < count; i = next++) load_one(parser, i, nullptr);
      return;
    }
    for (size_t p = next++; p < pieces.size(); p = next++) {
      CachedFolder& folder = *pieces[p].folder;
      std::call_once(folder.opened,
                     [&] { folder.entries = cache->folder(discovery.files[folder.files.front()].path.parent_path()); });
      for (size_t k = pieces[p].begin; k < pieces[p].end; ++k) load_one(parser, folder.files[k], &folder);
      if (folder.pending.fetch_sub(1, std::memory_order_acq_rel) == 1 &&
          folder.deferred.load(std::memory_order_relaxed) == 0) {
        folder.entries->commit();
        folder.entries.reset();
      }
    }
  };

  const size_t units = cache != nullptr ? pieces.size() : count;
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(units, 1)));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  }

  if (deferred != nullptr) {
    // The folders still open hold deferred bodies: they are committed once those are decoded.
    std::unordered_map<const CachedFolder*, size_t> packs;
    for (CachedFolder& folder : folders) {
      if (folder.entries) packs.emplace(&folder, deferred->add_pack(std::move(folder.entries), folder.deferred.load()));
    }
    for (size_t i = 0; i < count; ++i) {
      if (deferrals[i]) {
        deferred->add_body(loaded[i]->migration.source.get(), packs.at(deferrals[i]->folder), deferrals[i]->body);
      }
    }
  }

  LoadResult result;
  result.project.files.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (loaded[i]) result.project.files.push_back(std::move(*loaded[i]));
    if (failures[i]) result.errors.push_back(std::move(*failures[i]));
  }
  return result;
}

}  // namespace godwit::driver
