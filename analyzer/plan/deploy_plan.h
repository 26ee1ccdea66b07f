#pragma once

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/graph/migration_graph.h"
#include "analyzer/ir/migration.h"
#include "analyzer/phase/phase.h"

namespace godwit::plan {

// An operation worth a line in the plan: what blocks a rollback, what it loses, what needs
// several releases.
struct Note {
  const ir::Migration* migration = nullptr;
  source::TextRange range;
  std::string text;
};

struct PlannedMigration {
  const ir::Migration* migration = nullptr;
  std::string reason;
};

// One `python manage.py migrate <app> <target>` of the rollback, with what Django unapplies.
struct RollbackStep {
  std::string app;
  std::string target;  // a migration name, or "zero"
  std::string command;
  struct Unapply {
    const ir::Migration* migration = nullptr;
    ir::Tri reversible = ir::Tri::Yes;
    std::vector<Note> blockers;  // operations Django cannot reverse
    std::vector<Note> losses;    // reversing them loses or keeps data
  };
  std::vector<Unapply> unapplies;  // in the order Django unapplies them
  // Where the command stops: the index of the first migration that cannot be reversed, with the
  // error Django raises there ("IrreversibleError", or "NotImplementedError" inside
  // SeparateDatabaseAndState).
  std::optional<size_t> fails_at;
  std::string error;
  bool uncertain = false;  // a custom operation's reversibility is unknown
};

struct MultiStepItem {
  Note operation;
  std::string what;
  std::vector<std::string> recipe;
};

struct DeployPlan {
  std::vector<const ir::Migration*> release;  // in the order Django applies them
  std::vector<PlannedMigration> before_deploy;
  std::vector<PlannedMigration> after_deploy;
  std::vector<RollbackStep> rollback;
  std::vector<MultiStepItem> multi_step;
};

// Builds the plan of a release: which of its migrations run before the code deploy and which
// wait for it (with the reason), the rollback commands in an order that respects cross-app
// dependencies (simulating Django's executor, including where it stops), and the operations no
// single release can make safe.
DeployPlan make_plan(const graph::MigrationGraph& graph,
                     const std::unordered_map<const ir::Migration*, phase::MigrationPhases>& phases,
                     const std::set<const ir::Migration*>& release, const config::Config& config);

// Reads `manage.py showmigrations --plan` or `--list` output: the applied migrations as
// "app.name". Returns false (with a message) when the text is neither format.
bool parse_applied(std::string_view text, std::set<std::string>& applied, std::string& error);

}  // namespace godwit::plan
