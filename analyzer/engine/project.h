#pragma once

#include <vector>

#include "analyzer/ir/migration.h"

namespace godwit::engine {

// One module read from a migrations package. Context files are read to build the graph and the
// state but never reported on (pre-commit passes only the staged files).
struct ProjectFile {
  ir::Migration migration;
  bool reported = true;
  // With --diff-base: new or changed since the base (the release).
  bool in_release = false;
};

// Every module godwit read, in path order.
struct Project {
  std::vector<ProjectFile> files;
};

}  // namespace godwit::engine
