#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analyzer/config/config.h"

namespace godwit::discovery {

// A module of a migrations package found on disk.
struct MigrationPath {
  std::filesystem::path path;     // as found (absolute, normalised)
  std::string display;            // relative to the working directory where possible
  std::string app_label;
  std::string name;               // file stem
  bool reported = true;           // false: read only as context for the graph and state
};

struct DiscoveryError {
  std::string path;
  std::string message;
};

struct Discovery {
  std::vector<MigrationPath> files;  // sorted by display path, unique
  std::vector<DiscoveryError> errors;
  // Migrations folders (absolute, normal, sorted) whose every module is among `files`: listing
  // them again (modules_in) would find nothing new.
  std::vector<std::filesystem::path> complete_dirs;
};

// Finds `*/<migrations dir>/*.py` under the given directories (skipping virtualenvs, hidden and
// cache directories, `__init__.py` and names Django's loader skips, and folders that hold no
// numbered `NNNN_*.py` module, such as a library's own `migrations` package), and takes files as
// given (except names Django's loader skips). Paths that `exclude` matches are never found.
// Symlinked directories are not followed, so a symlink loop cannot trap the walk. Inside a
// migrations folder, every entry with a module's name is listed, whatever its type: the loader
// reports the ones it cannot read (a directory, a FIFO, a dangling or looping symlink).
Discovery discover(const std::vector<std::filesystem::path>& paths, const config::Config& config,
                   const std::filesystem::path& working_directory);

// Every migration module directly in one migrations folder, unsorted, marked not reported.
std::vector<MigrationPath> modules_in(const std::filesystem::path& migrations_dir,
                                      const std::filesystem::path& working_directory);

// The path as godwit reports it: relative to `working_directory` when inside it.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& working_directory);

// True for a file name Django's loader treats as a migration module.
bool is_migration_module_name(const std::string& filename);

}  // namespace godwit::discovery
