#include "analyzer/engine/engine.h"

#include <algorithm>
#include <unordered_set>

namespace godwit::engine {

Engine::Engine(std::span<const rule::Rule* const> rules, const config::Config& config,
               std::vector<std::string>& errors)
    : config_(config), selection_(rule::RuleSelection::resolve(rules, config, errors)) {
  for (const rule::Rule* r : rules) {
    const auto code = r->meta().code;
    if (!selection_.enabled(code)) continue;
    const Active active{r, selection_.configured_severity(code)};
    switch (r->granularity()) {
      case rule::Granularity::Operation: operation_rules_.push_back(active); break;
      case rule::Granularity::Migration: migration_rules_.push_back(active); break;
      case rule::Granularity::Project: project_rules_.push_back(active); break;
    }
  }
}

void Engine::check_operation(const ir::Migration& migration, const ir::Operation& operation,
                             rule::Placement placement, const ir::Operation* wrapper,
                             std::vector<diagnostics::Diagnostic>& out) const {
  for (const Active& active : operation_rules_) {
    const auto& r = static_cast<const rule::OperationRule&>(*active.rule);
    if (!r.kinds().contains(operation.kind())) continue;
    const rule::Reporter reporter(r.meta(), active.severity, out);
    r.check(rule::OperationContext(migration, config_, reporter, operation, placement, wrapper));
  }
  // Operations nested in SeparateDatabaseAndState.database_operations run SQL and are checked
  // like top-level ones; state_operations run none and are never checked.
  if (operation.kind() == ir::OperationKind::SeparateDatabaseAndState) {
    for (const ir::Operation& inner : operation.database_operations()) {
      check_operation(migration, inner, rule::Placement::DatabaseOperations, &operation, out);
    }
  }
}

std::vector<diagnostics::Diagnostic> Engine::run(const Project& project) const {
  std::vector<diagnostics::Diagnostic> out;
  std::vector<const ir::Migration*> all;
  all.reserve(project.files.size());
  for (const ProjectFile& file : project.files) {
    all.push_back(&file.migration);
    if (!file.reported) continue;
    const ir::Migration& migration = file.migration;
    for (const Active& active : migration_rules_) {
      const rule::Reporter reporter(active.rule->meta(), active.severity, out);
      static_cast<const rule::MigrationRule&>(*active.rule)
          .check(rule::MigrationContext(migration, config_, reporter));
    }
    for (const ir::Operation& operation : migration.operations) {
      check_operation(migration, operation, rule::Placement::TopLevel, nullptr, out);
    }
  }
  std::unordered_set<const source::SourceFile*> reported;
  for (const ProjectFile& file : project.files) {
    if (file.reported) reported.insert(file.migration.source.get());
  }
  for (const Active& active : project_rules_) {
    std::vector<diagnostics::Diagnostic> project_out;
    const rule::Reporter reporter(active.rule->meta(), active.severity, project_out);
    static_cast<const rule::ProjectRule&>(*active.rule).check(rule::ProjectContext(all, config_, reporter));
    // Project rules see context files too, but only findings in reported files are kept.
    for (auto& d : project_out) {
      if (reported.contains(d.file.get())) out.push_back(std::move(d));
    }
  }
  std::stable_sort(out.begin(), out.end(), diagnostics::diagnostic_order);
  return out;
}

}  // namespace godwit::engine
