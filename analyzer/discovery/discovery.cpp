#include "analyzer/discovery/discovery.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <system_error>

#include "analyzer/config/exclude_pattern.h"

namespace godwit::discovery {

namespace fs = std::filesystem;

namespace {

// A folder the walk does not enter: hidden ones, caches, installed packages, virtualenvs.
bool skipped_directory(const std::string& path, std::string_view name) {
  if (name.empty()) return false;
  if (name[0] == '.' && name != "." && name != "..") return true;  // .git, .venv, .tox, .mypy_cache
  if (name == "__pycache__" || name == "node_modules" || name == "site-packages" || name == "dist-packages") {
    return true;
  }
  struct stat st {};
  return ::stat((path + "/pyvenv.cfg").c_str(), &st) == 0;  // a virtualenv
}

std::string error_text(const std::error_code& ec) { return ec.message(); }

// True when `path` is absolute and already lexically normal as written: no `.` or `..`
// component, no doubled or trailing separator. (Checking is much cheaper than normalizing.)
bool plainly_normal(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  size_t at = 1;
  while (at <= path.size()) {
    const size_t slash = std::min(path.find('/', at), path.size());
    const std::string_view part = path.substr(at, slash - at);
    if (part.empty() || part == "." || part == "..") return false;
    at = slash + 1;
  }
  return true;
}

fs::path normal(const fs::path& absolute) {
  return plainly_normal(absolute.native()) ? absolute : absolute.lexically_normal();
}

struct Entry {
  std::string name;
  bool directory = false;  // following a symlink
  bool symlink = false;
};

std::string_view last_component(std::string_view path) { return path.substr(path.rfind('/') + 1); }

std::string child_path(const std::string& dir, std::string_view name) {
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out += dir;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

// The entries of `dir` (no `.` and `..`), read with readdir: the file type comes with the name,
// so only symlinks (and file systems that do not give types) cost a stat. `open_error` is set
// when the folder cannot be listed at all; `read_error` when listing stopped part way (the
// entries read until then are kept).
std::vector<Entry> list_directory(const std::string& dir, std::error_code& open_error, std::error_code& read_error) {
  std::vector<Entry> out;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    open_error = std::error_code(errno, std::generic_category());
    return out;
  }
  while (true) {
    errno = 0;
    const dirent* d = ::readdir(handle);
    if (d == nullptr) {
      if (errno != 0) read_error = std::error_code(errno, std::generic_category());
      break;
    }
    const std::string_view name(d->d_name);
    if (name == "." || name == "..") continue;
    Entry e;
    e.name = std::string(name);
    unsigned char type = d->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(::dirfd(handle), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
      }
    }
    e.symlink = type == DT_LNK;
    e.directory = type == DT_DIR;
    if (e.symlink) {
      struct stat st {};
      e.directory = ::fstatat(::dirfd(handle), d->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
    }
    out.push_back(std::move(e));
  }
  ::closedir(handle);
  return out;
}

// Depth-first walk with an explicit stack. Directory symlinks are never followed (no loops);
// file symlinks are read. Unreadable directories are reported and skipped.
template <typename IsMigrationsDir, typename Add>
void walk(const fs::path& root, const fs::path& working_directory, const IsMigrationsDir& is_migrations_dir,
          const config::ExcludeSet& exclude, const Add& add, std::vector<DiscoveryError>& errors,
          std::vector<fs::path>& complete_dirs) {
  std::vector<std::string> pending{root.native()};
  while (!pending.empty()) {
    const std::string dir = std::move(pending.back());
    pending.pop_back();
    std::error_code open_error;
    std::error_code ec;
    const std::vector<Entry> entries = list_directory(dir, open_error, ec);
    if (open_error) {
      errors.push_back({display_path(dir, working_directory), error_text(open_error)});
      continue;
    }
    const bool in_migrations = is_migrations_dir(last_component(dir));
    std::vector<std::string> subdirs;
    std::vector<std::string> modules;
    bool numbered = false;  // a folder named like a migrations package but holding no NNNN_ module
                            // (a library's own `migrations` package) is not one
    bool excluded_any = false;
    for (const Entry& entry : entries) {
      const std::string& filename = entry.name;
      if (in_migrations && is_migration_module_name(filename)) {
        // A name Django's loader would import. Whatever it is — a file, or a directory, a FIFO, a
        // dangling or looping symlink — the loader reads it or reports why it cannot: never
        // skipped in silence.
        std::string path = child_path(dir, filename);
        if (!exclude.empty() && exclude.excluded(normal(path), entry.directory)) {
          excluded_any = true;
          continue;
        }
        modules.push_back(std::move(path));
        numbered = numbered || (filename.size() > 5 && std::all_of(filename.begin(), filename.begin() + 4, [](char c) {
                                  return c >= '0' && c <= '9';
                                }));
        continue;
      }
      // Django does not load sub-packages of a migrations package.
      if (!entry.directory || entry.symlink || in_migrations) continue;
      std::string path = child_path(dir, filename);
      if (!skipped_directory(path, filename) && (exclude.empty() || !exclude.excluded(normal(path), true))) {
        subdirs.push_back(std::move(path));
      }
    }
    if (numbered) {
      for (std::string& m : modules) add(fs::path(std::move(m)));
      if (!excluded_any && !ec) complete_dirs.push_back(normal(dir));
    }
    if (ec) errors.push_back({display_path(dir, working_directory), error_text(ec)});
    // Reverse order so that the stack pops them alphabetically (output is sorted anyway).
    std::sort(subdirs.rbegin(), subdirs.rend());
    for (auto& sub : subdirs) pending.push_back(std::move(sub));
  }
}

}  // namespace

bool is_migration_module_name(const std::string& filename) {
  if (filename.size() < 4 || filename.substr(filename.size() - 3) != ".py") return false;
  return filename[0] != '_' && filename[0] != '~';
}

std::string display_path(const fs::path& path, const fs::path& working_directory) {
  const std::string& p = path.native();
  const std::string& wd = working_directory.native();
  if (p.size() > wd.size() + 1 && p.starts_with(wd) && p[wd.size()] == '/' && plainly_normal(p) &&
      plainly_normal(wd)) {
    return p.substr(wd.size() + 1);  // inside the working directory: what lexically_relative gives
  }
  const fs::path absolute = path.is_absolute() ? path.lexically_normal() : (working_directory / path).lexically_normal();
  const fs::path relative = absolute.lexically_relative(working_directory);
  if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
  return absolute.generic_string();
}

std::vector<MigrationPath> modules_in(const fs::path& migrations_dir, const fs::path& working_directory) {
  std::vector<MigrationPath> out;
  std::error_code ec;
  for (fs::directory_iterator it(migrations_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || !is_migration_module_name(it->path().filename().string())) continue;
    MigrationPath m;
    m.path = normal(it->path());
    m.display = display_path(m.path, working_directory);
    m.name = m.path.stem().string();
    m.app_label = m.path.parent_path().parent_path().filename().string();
    m.reported = false;
    out.push_back(std::move(m));
  }
  return out;
}

Discovery discover(const std::vector<fs::path>& paths, const config::Config& config,
                   const fs::path& working_directory) {
  Discovery result;
  std::set<std::string> seen;
  const config::ExcludeSet exclude(config.exclude, config.root);
  const auto is_migrations_dir = [&](std::string_view name) {
    return std::find(config.migrations_dirs.begin(), config.migrations_dirs.end(), name) !=
           config.migrations_dirs.end();
  };
  const auto add = [&](fs::path file) {
    MigrationPath m;
    m.path = file.is_absolute() && plainly_normal(file.native()) ? std::move(file)
             : file.is_absolute()                                 ? file.lexically_normal()
                                                                  : normal(working_directory / file);
    m.display = display_path(m.path, working_directory);
    if (!seen.insert(m.display).second) return;
    // `/…/<app>/<migrations>/<name>.py`, split by hand when it is plainly normal (what walking a
    // folder gives): building paths for parent_path() twice per module was most of what
    // discovery cost on a large project.
    const std::string& p = m.path.native();
    const size_t file_at = p.rfind('/');
    const size_t dir_at = file_at == 0 || file_at == std::string::npos ? std::string::npos : p.rfind('/', file_at - 1);
    const size_t app_at = dir_at == 0 || dir_at == std::string::npos ? std::string::npos : p.rfind('/', dir_at - 1);
    if (app_at != std::string::npos && p.ends_with(".py") && plainly_normal(p)) {
      m.name = p.substr(file_at + 1, p.size() - file_at - 1 - 3);
      m.app_label = p.substr(app_at + 1, dir_at - app_at - 1);
    } else {
      m.name = m.path.stem().string();
      m.app_label = m.path.parent_path().parent_path().filename().string();
    }
    result.files.push_back(std::move(m));
  };

  for (const fs::path& given : paths) {
    const fs::path path = given.is_absolute() ? given : working_directory / given;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      result.errors.push_back({display_path(given, working_directory),
                               ec ? error_text(ec) : "No such file or directory"});
      continue;
    }
    if (fs::is_regular_file(status)) {
      if (path.extension() != ".py") {
        result.errors.push_back({display_path(given, working_directory), "not a Python file (expected *.py)"});
        continue;
      }
      // pre-commit passes every staged file its pattern matches, `__init__.py` included: what
      // Django's loader skips is skipped, and `exclude` applies to given files too.
      if (!is_migration_module_name(path.filename().string())) continue;
      if (exclude.excluded(path.lexically_normal(), false)) continue;
      add(path);
      continue;
    }
    if (!fs::is_directory(status)) {
      result.errors.push_back({display_path(given, working_directory), "not a regular file or directory"});
      continue;
    }
    if (exclude.excluded(path.lexically_normal(), true)) continue;
    // The folder itself, however it was written: `shop/migrations/` and `shop/migrations/.` are
    // the folder `migrations`.
    fs::path root = path.lexically_normal();
    if (root.has_relative_path() && !root.has_filename()) root = root.parent_path();
    walk(root, working_directory, is_migrations_dir, exclude, add, result.errors, result.complete_dirs);
  }
  std::sort(result.files.begin(), result.files.end(),
            [](const MigrationPath& a, const MigrationPath& b) { return a.display < b.display; });
  std::sort(result.complete_dirs.begin(), result.complete_dirs.end());
  return result;
}

}  // namespace godwit::discovery
