#pragma once

#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/engine/project.h"
#include "analyzer/graph/migration_graph.h"
#include "analyzer/rule/rule.h"
#include "analyzer/rule/rule_selection.h"

namespace godwit::engine {

// Runs the enabled rules over a project in one walk: migrations in Django's plan order, the
// project state replayed operation by operation so that every rule sees the state before what
// it checks. Suppression comments are applied to the findings before they are returned, so every
// caller (check, the language server, tests) sees the same. Diagnostics come back in the one
// deterministic order (files, position, rule id).
class Engine {
 public:
  // Selector errors (a rule id the configuration names but godwit does not know) are collected
  // in `errors`; the caller decides whether they are fatal.
  Engine(std::span<const rule::Rule* const> rules, const config::Config& config, std::vector<std::string>& errors);

  struct Result {
    graph::MigrationGraph graph;
    std::vector<diagnostics::Diagnostic> diagnostics;
    // The inferred phases of every migration replayed (graph nodes not replaced by a squash).
    std::unordered_map<const ir::Migration*, phase::MigrationPhases> phases;
  };

  // With `pending`, the migrations it holds are completed through it, each before the engine
  // reads more than its header (see PendingBodies), and all of them before run() returns.
  [[nodiscard]] Result run(const Project& project, PendingBodies* pending = nullptr) const;
  [[nodiscard]] const rule::RuleSelection& selection() const { return selection_; }

 private:
  struct Active {
    const rule::Rule* rule;
    std::optional<diagnostics::Severity> severity;
    ir::OperationKindSet kinds;  // operation rules: the kinds they check, asked for once
  };

  void check_migration(const rule::Analysis& analysis, const ir::Migration& migration, state::ProjectState& state,
                       bool reported, phase::MigrationPhases& phases, std::vector<diagnostics::Diagnostic>& out) const;
  void check_operation(const rule::Analysis& analysis, const ir::Migration& migration,
                       const state::ProjectState& state, const ir::Operation& operation, rule::Placement placement,
                       const ir::Operation* wrapper, std::vector<diagnostics::Diagnostic>& out) const;
  // Hides the findings that suppression comments (and `IgnoreMigration()`) in their file cover,
  // then runs the suppression rules on what the comments did.
  void apply_suppressions(const Project& project, std::vector<diagnostics::Diagnostic>& out) const;
  void run_migration_rules(const rule::Analysis& analysis, const ir::Migration& migration,
                           const state::ProjectState& state, rule::MigrationRule::When when, bool only_file_rules,
                           std::vector<diagnostics::Diagnostic>& out,
                           const state::MigrationRenames* renames = nullptr) const;

  std::span<const rule::Rule* const> rules_;
  const config::Config& config_;
  rule::RuleSelection selection_;
  std::vector<Active> operation_rules_;
  std::vector<Active> migration_rules_;
  std::vector<Active> project_rules_;
  std::vector<Active> suppression_rules_;
};

}  // namespace godwit::engine
