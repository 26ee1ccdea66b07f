#pragma once

#include <span>
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

// Migrations of a project whose operations and the rest (everything but what the migration graph
// needs) are still being decoded: the engine builds the graph, then replays the plan while the
// later migrations are completed, on other threads, in the order it gave.
class PendingBodies {
 public:
  // From now on, completes the migrations left in this order (those not in it after them), on
  // the threads the run has besides the caller's.
  virtual void start(std::span<const ir::Migration* const> order) = 0;
  // Returns once `migration` is complete: decoded on this thread if no other has begun it.
  virtual void ensure(const ir::Migration& migration) = 0;
  // Returns once every migration is complete and the other threads have stopped.
  virtual void finish() = 0;

 protected:
  PendingBodies() = default;
  PendingBodies(const PendingBodies&) = default;
  PendingBodies& operator=(const PendingBodies&) = default;
  ~PendingBodies() = default;
};

}  // namespace godwit::engine
