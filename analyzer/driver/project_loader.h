#pragma once

#include <string>
#include <vector>

#include "analyzer/cache/ir_cache.h"
#include "analyzer/config/config.h"
#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/source_overlay.h"
#include "analyzer/engine/project.h"

namespace godwit::driver {

struct LoadResult {
  engine::Project project;
  std::vector<discovery::DiscoveryError> errors;  // files that could not be read
};

// The number of threads a run asking for `requested` uses: 0 means one per core.
unsigned resolve_threads(unsigned requested);

// Reads, parses and extracts every discovered file, on `threads` threads (0: one per core).
// The result is in discovery order whatever the thread count. Modules the overlay holds are read
// from it instead of the disk, and never from or into the cache. With a cache, a file whose IR
// is cached is not parsed, and what is extracted is stored.
LoadResult load_project(const discovery::Discovery& discovery, const config::Config& config, unsigned threads,
                        const cache::IrCache* cache = nullptr, const SourceOverlay* overlay = nullptr);

// Reads a whole file; on failure returns false with a message in `error`.
bool read_file(const std::filesystem::path& path, std::string& contents, std::string& error);

}  // namespace godwit::driver
