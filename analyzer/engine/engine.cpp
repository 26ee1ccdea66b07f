#include "analyzer/engine/engine.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace godwit::engine {

Engine::Engine(std::span<const rule::Rule* const> rules, const config::Config& config, std::vector<std::string>& errors)
    : rules_(rules), config_(config), selection_(rule::RuleSelection::resolve(rules, config, errors)) {
  for (const rule::Rule* r : rules) {
    const auto code = r->meta().code;
    if (!selection_.enabled(code)) continue;
    const Active active{r, selection_.configured_severity(code), {}};
    switch (r->granularity()) {
      case rule::Granularity::Operation:
        operation_rules_.push_back(active);
        operation_rules_.back().kinds = static_cast<const rule::OperationRule*>(r)->kinds();
        break;
      case rule::Granularity::Migration: migration_rules_.push_back(active); break;
      case rule::Granularity::Project: project_rules_.push_back(active); break;
      case rule::Granularity::Suppression: suppression_rules_.push_back(active); break;
    }
  }
}

void Engine::check_operation(const rule::Analysis& analysis, const ir::Migration& migration,
                             const state::ProjectState& state, const ir::Operation& operation,
                             rule::Placement placement, const ir::Operation* wrapper,
                             std::vector<diagnostics::Diagnostic>& out) const {
  for (const Active& active : operation_rules_) {
    if (!active.kinds.contains(operation.kind())) continue;
    const auto& r = static_cast<const rule::OperationRule&>(*active.rule);
    const rule::Reporter reporter(r.meta(), active.severity, out);
    r.check(rule::OperationContext(analysis, migration, state, reporter, operation, placement, wrapper));
  }
  // Operations nested in SeparateDatabaseAndState.database_operations run SQL and are checked
  // like top-level ones (against the state before the wrapper); state_operations run none.
  if (operation.kind() == ir::OperationKind::SeparateDatabaseAndState) {
    for (const ir::Operation& inner : operation.database_operations()) {
      check_operation(analysis, migration, state, inner, rule::Placement::DatabaseOperations, &operation, out);
    }
  }
}

void Engine::run_migration_rules(const rule::Analysis& analysis, const ir::Migration& migration,
                                 const state::ProjectState& state, rule::MigrationRule::When when,
                                 bool only_file_rules, std::vector<diagnostics::Diagnostic>& out,
                                 const state::MigrationRenames* renames) const {
  for (const Active& active : migration_rules_) {
    if (static_cast<const rule::MigrationRule&>(*active.rule).when() != when) continue;
    // A migration replaced by a squash is still imported by Django, so only the rules about
    // reading the file apply to it.
    if (only_file_rules && active.rule->meta().code.family != diagnostics::RuleFamily::SY) continue;
    const rule::Reporter reporter(active.rule->meta(), active.severity, out);
    static_cast<const rule::MigrationRule&>(*active.rule)
        .check(rule::MigrationContext(analysis, migration, state, reporter, renames));
  }
}

void Engine::check_migration(const rule::Analysis& analysis, const ir::Migration& migration,
                             state::ProjectState& state, bool reported, phase::MigrationPhases& phases,
                             std::vector<diagnostics::Diagnostic>& out) const {
  using When = rule::MigrationRule::When;
  // Names followed through the whole migration, from the state at its start (for the phases,
  // and for the rules that run before the operations).
  const std::function<bool(std::string_view)> is_new_table = [&](std::string_view key) {
    return analysis.is_new_table(state, migration, key);
  };
  const state::MigrationRenames renames{state::table_renames(migration, state, is_new_table),
                                        state::column_renames(migration, state, is_new_table)};
  const auto& tables = renames.tables;
  const auto& columns = renames.columns;
  if (reported) run_migration_rules(analysis, migration, state, When::BeforeOperations, false, out, &renames);

  for (const ir::Operation& operation : migration.operations) {
    const phase::PhaseContext context{migration, state, tables, columns, is_new_table, config_};
    if (operation.kind() == ir::OperationKind::SeparateDatabaseAndState && !operation.database_operations().empty()) {
      for (const ir::Operation& inner : operation.database_operations()) {
        phases.operations.push_back(phase::infer(context, inner));
      }
    } else {
      phases.operations.push_back(phase::infer(context, operation));
    }
    if (reported) check_operation(analysis, migration, state, operation, rule::Placement::TopLevel, nullptr, out);
    state::apply_operation(state, migration, operation);
  }
  for (const ir::UnresolvedOperations& unresolved : migration.unresolved_operations) {
    phases.operations.push_back(
        phase::OperationPhase{nullptr, unresolved.range, phase::Phase::Unknown, unresolved.reason, false});
  }
  if (reported) run_migration_rules(analysis, migration, state, When::AfterOperations, false, out);
}

void Engine::apply_suppressions(const Project& project, std::vector<diagnostics::Diagnostic>& out) const {
  struct Registry final : suppression::RuleResolver {
    explicit Registry(std::span<const rule::Rule* const> known) : known_(known) {}
    [[nodiscard]] std::optional<diagnostics::RuleCode> resolve(std::string_view name) const override {
      const rule::Rule* r = rule::find_rule(known_, name);
      if (r == nullptr) return std::nullopt;
      return r->meta().code;
    }
    std::span<const rule::Rule* const> known_;
  };
  const Registry resolve(rules_);
  // In project order (paths), so that the suppression rules report deterministically.
  std::vector<std::pair<const ir::Migration*, suppression::FileSuppressions>> files;
  std::unordered_map<const source::SourceFile*, size_t> index;
  for (const ProjectFile& file : project.files) {
    if (!file.reported) continue;
    auto read = suppression::FileSuppressions::read(file.migration, resolve, config_.require_suppression_reason);
    if (read.empty()) continue;
    index.emplace(file.migration.source.get(), files.size());
    files.emplace_back(&file.migration, std::move(read));
  }
  if (files.empty()) return;
  std::erase_if(out, [&](const diagnostics::Diagnostic& d) {
    const auto it = index.find(d.file.get());
    return it != index.end() && files[it->second].second.suppress(d);
  });
  for (auto& [migration, suppressions] : files) {
    std::vector<diagnostics::Diagnostic> hygiene;
    for (const Active& active : suppression_rules_) {
      const rule::Reporter reporter(active.rule->meta(), active.severity, hygiene);
      static_cast<const rule::SuppressionRule&>(*active.rule)
          .check(rule::SuppressionContext(*migration, suppressions, selection_.enabled_codes(), reporter));
    }
    // Only `ignore-file` (or `IgnoreMigration()`) hides a suppression rule's finding.
    for (auto& d : hygiene) {
      if (!suppressions.suppress(d)) out.push_back(std::move(d));
    }
  }
}

Engine::Result Engine::run(const Project& project, PendingBodies* pending) const {
  Result result;
  std::vector<diagnostics::Diagnostic>& out = result.diagnostics;
  std::vector<const ir::Migration*> all;
  std::vector<const ir::Migration*> release;
  std::unordered_set<const ir::Migration*> reported;
  std::unordered_set<const source::SourceFile*> reported_files;
  all.reserve(project.files.size());
  for (const ProjectFile& file : project.files) {
    all.push_back(&file.migration);
    if (file.reported) {
      reported.insert(&file.migration);
      reported_files.insert(file.migration.source.get());
    }
    if (file.in_release) release.push_back(&file.migration);
  }
  std::sort(release.begin(), release.end());
  result.graph = graph::MigrationGraph::build(all, config_);
  const graph::MigrationGraph& graph = result.graph;
  const rule::Analysis analysis{config_, graph, release, result.phases};

  // Replay the plan; rules see the state before each operation.
  state::ProjectState state(config_.swappable);
  const std::vector<graph::NodeId>& plan = graph.plan();
  std::vector<const ir::Migration*> order;
  order.reserve(plan.size());
  for (const graph::NodeId id : plan) order.push_back(graph.node(id).migration);
  if (pending != nullptr) pending->start(order);
  std::unordered_set<const ir::Migration*> planned;
  for (const ir::Migration* m : order) {
    if (pending != nullptr) pending->ensure(*m);
    planned.insert(m);
    check_migration(analysis, *m, state, reported.contains(m), result.phases[m], out);
  }
  // What follows reads any migration.
  if (pending != nullptr) pending->finish();
  // Modules outside the plan: helpers without a Migration class, and migrations a squash
  // replaced. Only their own file is checked.
  const state::ProjectState empty;
  for (const ProjectFile& file : project.files) {
    if (!file.reported || planned.contains(&file.migration)) continue;
    const bool replaced = file.migration.has_migration_class;
    run_migration_rules(analysis, file.migration, empty, rule::MigrationRule::When::BeforeOperations, replaced, out);
    run_migration_rules(analysis, file.migration, empty, rule::MigrationRule::When::AfterOperations, replaced, out);
  }

  for (const Active& active : project_rules_) {
    std::vector<diagnostics::Diagnostic> project_out;
    const rule::Reporter reporter(active.rule->meta(), active.severity, project_out);
    static_cast<const rule::ProjectRule&>(*active.rule).check(rule::ProjectContext(analysis, all, reporter));
    for (auto& d : project_out) {
      if (reported_files.contains(d.file.get())) {
        out.push_back(std::move(d));
        continue;
      }
      // Found in a context file but involving a reported one (a staged migration closing a
      // cycle whose first entry is in an unstaged file): report it where the reported file is.
      const auto involved = std::find_if(d.related.begin(), d.related.end(), [&](const diagnostics::RelatedLocation& r) {
        return reported_files.contains(r.file.get());
      });
      if (involved == d.related.end()) continue;
      diagnostics::RelatedLocation original{d.file, d.range, "reported first here, in a file not being checked"};
      d.file = involved->file;
      d.range = involved->range;
      d.related.erase(involved);
      d.related.insert(d.related.begin(), std::move(original));
      for (const ProjectFile& f : project.files) {
        if (f.migration.source == d.file) {
          d.app = f.migration.app_label;
          d.migration = f.migration.name;
          d.anchor_range = d.range;
          d.anchor.clear();
        }
      }
      out.push_back(std::move(d));
    }
  }
  apply_suppressions(project, out);
  diagnostics::sort_diagnostics(out);
  return result;
}

}  // namespace godwit::engine
