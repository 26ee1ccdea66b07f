#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analyzer/discovery/discovery.h"
#include "analyzer/ir/migration.h"

namespace godwit::driver {

// Migration modules whose text comes from somewhere other than the disk: an editor's unsaved
// buffers. The loader asks the overlay before reading a file, and lists the overlay's modules
// beside the ones on disk (a buffer may not have been saved yet). Implementations must be safe to
// call from several loader threads at once.
class SourceOverlay {
 public:
  SourceOverlay() = default;
  SourceOverlay(const SourceOverlay&) = delete;
  SourceOverlay& operator=(const SourceOverlay&) = delete;
  virtual ~SourceOverlay() = default;

  // Whether the overlay holds the module at `path` (absolute, lexically normal).
  [[nodiscard]] virtual bool holds(const std::filesystem::path& path) const = 0;
  // The module at `file.path`, read from memory; only called when holds(file.path).
  [[nodiscard]] virtual ir::Migration read(const discovery::MigrationPath& file, std::string app_label) const = 0;
  // The modules the overlay holds directly in `migrations_dir` (absolute, lexically normal).
  [[nodiscard]] virtual std::vector<std::filesystem::path> modules_in(
      const std::filesystem::path& migrations_dir) const = 0;
};

}  // namespace godwit::driver
