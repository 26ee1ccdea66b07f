#include "analyzer/driver/project_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
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

LoadResult load_project(const discovery::Discovery& discovery, const config::Config& config, unsigned threads,
                        const cache::IrCache* cache, const SourceOverlay* overlay) {
  const size_t count = discovery.files.size();
  std::vector<std::optional<engine::ProjectFile>> loaded(count);
  std::vector<std::optional<discovery::DiscoveryError>> failures(count);

  // With a cache, the work comes in migrations folders: a thread takes a whole folder, reads its
  // pack, loads (or extracts and stores) its modules and writes the pack back. Threads never wait
  // for one another's pack, and only as many packs are in memory as there are threads. The
  // largest folders go first, so that the last ones to finish are small.
  std::vector<std::vector<size_t>> folders;
  if (cache != nullptr) {
    std::map<std::filesystem::path, size_t> index;
    for (size_t i = 0; i < count; ++i) {
      const auto [it, added] = index.try_emplace(discovery.files[i].path.parent_path(), folders.size());
      if (added) folders.emplace_back();
      folders[it->second].push_back(i);
    }
    std::stable_sort(folders.begin(), folders.end(),
                     [](const std::vector<size_t>& a, const std::vector<size_t>& b) { return a.size() > b.size(); });
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
    for (size_t f = next++; f < folders.size(); f = next++) {
      const std::unique_ptr<cache::IrCache::Folder> entries =
          cache->folder(discovery.files[folders[f].front()].path.parent_path());
      for (const size_t i : folders[f]) load_one(parser, i, entries.get());
      entries->commit();
    }
  };

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const size_t units = cache != nullptr ? folders.size() : count;
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
