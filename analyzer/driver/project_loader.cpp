#include "analyzer/driver/project_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
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

}  // namespace

bool read_file(const std::filesystem::path& path, std::string& contents, std::string& error) {
  // O_NONBLOCK: a FIFO put where a migration was must not block the run (it is refused below).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    ::close(fd);
    return false;
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxFileSize) {
    error = "file is larger than 256 MiB";
    ::close(fd);
    return false;
  }
  // Read to the end: the file may have changed size since fstat.
  contents.resize(static_cast<size_t>(st.st_size) + 1);
  size_t done = 0;
  while (true) {
    if (done == contents.size()) {
      if (contents.size() > kMaxFileSize) {
        error = "file is larger than 256 MiB";
        ::close(fd);
        return false;
      }
      contents.resize(contents.size() * 2);
    }
    const ssize_t n = ::read(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  contents.resize(done);
  return true;
}

LoadResult load_project(const discovery::Discovery& discovery, const config::Config& config, unsigned threads,
                        const cache::IrCache* cache, const SourceOverlay* overlay) {
  const size_t count = discovery.files.size();
  std::vector<std::optional<engine::ProjectFile>> loaded(count);
  std::vector<std::optional<discovery::DiscoveryError>> failures(count);

  // With a cache: one pack per migrations folder, read by the first thread that needs it and
  // written back by the one that finishes the folder's last module.
  struct CachedFolder {
    std::filesystem::path dir;
    std::once_flag opened;
    std::unique_ptr<cache::IrCache::Folder> entries;
    std::atomic<size_t> pending{0};
  };
  std::vector<size_t> folder_of(count, 0);
  std::unique_ptr<CachedFolder[]> folders;
  if (cache != nullptr) {
    std::map<std::filesystem::path, size_t> index;
    for (size_t i = 0; i < count; ++i) {
      folder_of[i] = index.try_emplace(discovery.files[i].path.parent_path(), index.size()).first->second;
    }
    folders = std::make_unique<CachedFolder[]>(index.size());
    for (const auto& [dir, at] : index) folders[at].dir = dir;
    for (size_t i = 0; i < count; ++i) folders[folder_of[i]].pending.fetch_add(1, std::memory_order_relaxed);
  }

  std::atomic<size_t> next{0};
  auto work = [&] {
    frontend::PythonParser parser;
    for (size_t i = next++; i < count; i = next++) {
      const discovery::MigrationPath& file = discovery.files[i];
      CachedFolder* folder = folders ? &folders[folder_of[i]] : nullptr;
      if (overlay != nullptr && overlay->holds(file.path)) {
        // An editor's buffer: never from or into the cache (its pack keeps the entry of the file
        // on disk).
        loaded[i] = engine::ProjectFile{overlay->read(file, app_label_for(file, config)), file.reported};
      } else {
        std::string text;
        std::string error;
        if (read_file(file.path, text, error)) {
          auto source = std::make_shared<const source::SourceFile>(file.display, std::move(text));
          const std::string app_label = app_label_for(file, config);
          std::optional<ir::Migration> migration;
          if (folder != nullptr) {
            std::call_once(folder->opened, [&] { folder->entries = cache->folder(folder->dir); });
            migration = folder->entries->load(source, app_label, file.name);
          }
          if (!migration) {
            migration = frontend::read_migration(parser, std::move(source), app_label, file.name);
            if (folder != nullptr) folder->entries->store(*migration);
          }
          loaded[i] = engine::ProjectFile{std::move(*migration), file.reported};
        } else {
          failures[i] = discovery::DiscoveryError{file.display, error};
        }
      }
      if (folder != nullptr && folder->pending.fetch_sub(1, std::memory_order_acq_rel) == 1 && folder->entries) {
        folder->entries->commit();
        folder->entries.reset();
      }
    }
  };

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(count, 1)));
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
