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

LoadResult load_project(const discovery::Discovery& discovery, const config::Config& config, unsigned threads,
                        const cache::IrCache* cache, const SourceOverlay* overlay) {
  const size_t count = discovery.files.size();
  std::vector<std::optional<engine::ProjectFile>> loaded(count);
  std::vector<std::optional<discovery::DiscoveryError>> failures(count);

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
    std::atomic<size_t> pending{0};  // pieces not finished
  };
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

  const auto load_one = [&](frontend::PythonParser& parser, size_t i, cache::IrCache::Folder* entries) {
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
    if (entries != nullptr) migration = entries->load(source, app_label, file.name);
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
      for (size_t k = pieces[p].begin; k < pieces[p].end; ++k) load_one(parser, folder.files[k], folder.entries.get());
      if (folder.pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
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

  LoadResult result;
  result.project.files.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (loaded[i]) result.project.files.push_back(std::move(*loaded[i]));
    if (failures[i]) result.errors.push_back(std::move(*failures[i]));
  }
  return result;
}

}  // namespace godwit::driver
