#include "analyzer/plan/deploy_plan.h"

#include <algorithm>
#include <sstream>

#include "analyzer/ir/reversibility.h"
#include "analyzer/ir/run_python.h"

namespace godwit::plan {

namespace {

using phase::Phase;

std::string key(const ir::Migration& m) { return m.app_label + "." + m.name; }

std::string ticked(std::string_view s) { return "`" + std::string(s) + "`"; }

// Whether the migration waits for the new code, and why.
PlannedMigration classify(const ir::Migration& m, const phase::MigrationPhases* phases, const config::Config& config,
                          bool& after) {
  using Kind = ir::SafeMarker::Kind;
  if (m.safe && m.safe->kind == Kind::AfterDeploy) {
    after = true;
    return {&m, "marked `Safe.after_deploy()`"};
  }
  if (m.safe && m.safe->kind == Kind::BeforeDeploy) {
    after = false;
    return {&m, "marked `Safe.before_deploy()`"};
  }
  if (m.safe && m.safe->kind == Kind::Always) {
    after = false;
    return {&m, "marked `Safe.always()`"};
  }
  if (config.deploy_order == config::DeployOrder::CodeFirst) {
    after = true;
    return {&m, "deploy-order is code-first"};
  }
  if (phases != nullptr) {
    for (const Phase p : {Phase::MultiStep, Phase::Contract}) {
      if (const auto ops = phases->of(p); !ops.empty()) {
        after = true;
        return {&m, ops.front()->reason + " is " + std::string(phase::to_string(p)) +
                        (p == Phase::MultiStep ? " (see below: it needs more than one release)" : "")};
      }
    }
    after = false;
    const std::string summary = phases->summary();
    if (summary == "always") return {&m, "no operation the old code would notice"};
    if (summary == "unknown") return {&m, "custom operations only: check them by hand"};
    return {&m, summary + " operations, which the old code tolerates"};
  }
  after = false;
  return {&m, "not analyzed"};
}

// What unapplying the migration does, and the error Django stops with, if any. Django first
// refuses an operation whose `reversible` is False (IrreversibleError, before anything runs),
// then reverses the operations last to first: a reverse function that cannot be called raises
// TypeError, an irreversible operation inside SeparateDatabaseAndState NotImplementedError.
void describe_unapply(const ir::Migration& m, RollbackStep::Unapply& u, std::string& error) {
  const auto line_of = [&](source::TextRange r) { return m.file().position(r.begin).line; };
  u.reversible = ir::reversibility(m);
  std::string irreversible;     // phase 1
  std::string reverse_failure;  // phase 2: the last operation's failure comes first
  auto note_blocker = [&](const ir::Operation& op, const std::string& why) {
    u.blockers.push_back({&m, op.range(), why + " (line " + std::to_string(line_of(op.range())) + ")"});
  };
  for (const ir::Operation& op : m.operations) {
    const ir::Tri reversible = ir::operation_reversible(m, op);
    const std::string name(op.display_name());
    if (reversible == ir::Tri::No) {
      if (op.kind() == ir::OperationKind::SeparateDatabaseAndState) {
        note_blocker(op, "SeparateDatabaseAndState with an irreversible database operation");
        reverse_failure = "NotImplementedError";
      } else {
        note_blocker(op, op.kind() == ir::OperationKind::RunPython ? "RunPython without reverse_code"
                         : op.kind() == ir::OperationKind::RunSQL  ? "RunSQL without reverse_sql"
                                                                   : name + " declared irreversible");
        irreversible = "IrreversibleError";
      }
    } else if (reversible == ir::Tri::Unknown) {
      note_blocker(op, name + ": reversibility unknown");
    } else if (op.kind() == ir::OperationKind::RunPython) {
      const ir::Value* reverse = op.arg(ir::Param::reverse_code).value;
      const auto target = reverse != nullptr ? ir::run_python_target(m, *reverse) : std::nullopt;
      if (target && !target->function->decorated) {
        if (const auto call_error = ir::run_python_call_error(*target)) {
          note_blocker(op, "its reverse function raises `TypeError: " + call_error->message(target->function->name) + "`");
          reverse_failure = "TypeError";
          u.reversible = ir::Tri::No;
        }
      }
    }
    const std::string model = op.model_key();
    switch (op.kind()) {
      case ir::OperationKind::AddField:
        if (const std::string* f = op.string_arg(ir::Param::name)) {
          u.losses.push_back({&m, op.range(), "drops column " + ticked(model + "." + *f) + " and what was written to it"});
        }
        break;
      case ir::OperationKind::CreateModel:
        u.losses.push_back({&m, op.range(), "drops table " + ticked(model) + " and its rows"});
        break;
      case ir::OperationKind::RemoveField:
        if (const std::string* f = op.string_arg(ir::Param::name)) {
          u.losses.push_back({&m, op.range(), "re-adds " + ticked(model + "." + *f) +
                                                  " empty (fails if it is NOT NULL without a default and the table has rows)"});
        }
        break;
      case ir::OperationKind::DeleteModel:
        u.losses.push_back({&m, op.range(), "re-creates table " + ticked(model) + " empty"});
        break;
      case ir::OperationKind::RunPython: {
        const ir::Value* reverse = op.arg(ir::Param::reverse_code).value;
        if (reverse != nullptr && ir::is_run_python_noop(*reverse)) {
          u.losses.push_back({&m, op.range(), "RunPython.noop: the data it changed stays changed"});
        }
        break;
      }
      default:
        break;
    }
  }
  error = !irreversible.empty() ? irreversible : reverse_failure;
}

std::string recipe_key(const phase::OperationPhase& op) { return op.operation ? std::string(op.operation->display_name()) : ""; }

std::vector<std::string> recipe_for(const phase::OperationPhase& op, const config::Config& config) {
  const ir::Operation* o = op.operation;
  if (o == nullptr) return {};
  switch (o->kind()) {
    case ir::OperationKind::AddField:
      if (config.django_version >= config::DjangoVersion{5, 0}) {
        return {"give the field `db_default=` (Django 5.0+): the column keeps a database default and the "
                "migration becomes a plain expand"};
      }
      return {"release N: add the field with `null=True` (expand, before the deploy); deploy code that writes it",
              "release N: backfill existing rows in batches (a data migration, or a script)",
              "release N+1: AlterField to NOT NULL (contract, after the deploy); on PostgreSQL first "
              "AddConstraintNotValid + ValidateConstraint of a `Q(field__isnull=False)` check"};
    case ir::OperationKind::RenameField:
      return {"keep the column: AlterField with `db_column=\"<old column>\"`, then the RenameField (state only, "
              "safe at any time)",
              "or: add the new column (expand), write both, backfill, switch reads, drop the old column (contract, "
              "next release)"};
    case ir::OperationKind::RenameModel:
    case ir::OperationKind::AlterModelTable:
      return {"keep the table: `db_table` on the model and AlterModelTable back to the old name in the same migration",
              "or: create the new table (expand), write both, copy, switch reads, drop the old table (contract, next "
              "release)"};
    case ir::OperationKind::AlterField:
      return {"release N: add a new column with the new definition (expand); deploy code that writes both",
              "release N: backfill the new column in batches",
              "release N+1: switch reads to the new column (deploy), then drop the old one (contract)"};
    default:
      return {"split it so that each release only expands or only contracts"};
  }
}

}  // namespace

DeployPlan make_plan(const graph::MigrationGraph& graph,
                     const std::unordered_map<const ir::Migration*, phase::MigrationPhases>& phases,
                     const std::set<const ir::Migration*>& release, const config::Config& config) {
  DeployPlan plan;
  auto phases_of = [&](const ir::Migration* m) -> const phase::MigrationPhases* {
    const auto it = phases.find(m);
    return it == phases.end() ? nullptr : &it->second;
  };
  for (const graph::NodeId id : graph.plan()) {
    const ir::Migration* m = graph.node(id).migration;
    if (release.contains(m)) plan.release.push_back(m);
  }

  // Before or after the deploy. A before-deploy migration that depends on one held for after the
  // deploy cannot run early either: it is held too.
  std::set<const ir::Migration*> held;
  for (const ir::Migration* m : plan.release) {
    bool after = false;
    PlannedMigration planned = classify(*m, phases_of(m), config, after);
    if (!after) {
      const auto id = graph.node_of(*m);
      for (const graph::NodeId a : id ? graph.ancestors(*id) : std::vector<graph::NodeId>{}) {
        const ir::Migration* dep = graph.node(a).migration;
        if (held.contains(dep)) {
          after = true;
          planned.reason = "depends on " + ticked(key(*dep)) + ", which waits for the deploy" +
                           (m->safe ? " (although " + planned.reason + ": see GR004)" : "");
          break;
        }
      }
    }
    if (after) {
      held.insert(m);
      plan.after_deploy.push_back(std::move(planned));
    } else {
      plan.before_deploy.push_back(std::move(planned));
    }
    if (const phase::MigrationPhases* p = phases_of(m)) {
      for (const auto* op : p->of(Phase::MultiStep)) {
        plan.multi_step.push_back({Note{m, op->range, op->reason}, recipe_key(*op), recipe_for(*op, config)});
      }
    }
  }

  // Rollback: one command per app of the release, the app whose release migrations come last
  // first; targets are the app's last migration before the release.
  std::vector<std::string> apps;
  for (auto it = plan.release.rbegin(); it != plan.release.rend(); ++it) {
    if (std::find(apps.begin(), apps.end(), (*it)->app_label) == apps.end()) apps.push_back((*it)->app_label);
  }
  std::set<graph::NodeId> applied;  // after the deploy, everything is applied
  for (const graph::NodeId id : graph.plan()) applied.insert(id);
  for (const std::string& app : apps) {
    // The earliest release migration of the app, and its parents in the app.
    const ir::Migration* first = nullptr;
    for (const ir::Migration* m : plan.release) {
      if (m->app_label == app) {
        first = m;
        break;
      }
    }
    const auto first_id = graph.node_of(*first);
    if (!first_id) continue;
    std::optional<graph::NodeId> target;
    for (const graph::NodeId p : graph.node(*first_id).parents) {
      if (graph.node(p).app != app || release.contains(graph.node(p).migration)) continue;
      if (!target || std::find(graph.plan().begin(), graph.plan().end(), p) >
                         std::find(graph.plan().begin(), graph.plan().end(), *target)) {
        target = p;
      }
    }
    RollbackStep step;
    step.app = app;
    step.target = target ? graph.node(*target).name : "zero";
    step.command = "python manage.py migrate " + app + " " + step.target;
    // Django's executor: unapply, through the target's children in the app (or every root of the
    // app for zero), each node's backwards plan of what is still applied.
    std::vector<graph::NodeId> starts;
    if (target) {
      for (const graph::NodeId c : graph.node(*target).children) {
        if (graph.node(c).app == app && !graph.node(c).removed) starts.push_back(c);
      }
    } else {
      starts = graph.roots(app);
    }
    std::vector<graph::NodeId> order;
    for (const graph::NodeId s : starts) {
      for (const graph::NodeId n : graph.backwards_plan(s)) {
        if (applied.erase(n) > 0) order.push_back(n);
      }
    }
    for (size_t i = 0; i < order.size(); ++i) {
      const ir::Migration& m = *graph.node(order[i]).migration;
      RollbackStep::Unapply u;
      u.migration = &m;
      std::string error;
      describe_unapply(m, u, error);
      if (u.reversible == ir::Tri::Unknown) step.uncertain = true;
      step.unapplies.push_back(std::move(u));
      if (!error.empty() && !step.fails_at) {
        step.fails_at = i;
        step.error = error;
        // Django stops here: this migration and the rest stay applied.
        for (size_t k = i; k < order.size(); ++k) applied.insert(order[k]);
      }
    }
    if (!step.unapplies.empty()) plan.rollback.push_back(std::move(step));
  }
  return plan;
}

bool parse_applied(std::string_view text, std::set<std::string>& applied, std::string& error) {
  // --plan:  "[X]  app.0001_initial"      --list:  "app" then " [X] 0001_initial"
  std::istringstream in{std::string(text)};
  std::string line;
  std::string current_app;
  bool understood = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto open = line.find('[');
    if (open == std::string::npos || open + 2 >= line.size() || line[open + 2] != ']') {
      // An app header of --list: a bare identifier at the start of the line.
      if (!line.empty() && line.find_first_of(" \t") == std::string::npos) current_app = line;
      continue;
    }
    const bool checked = line[open + 1] == 'X' || line[open + 1] == 'x';
    std::istringstream rest(line.substr(open + 3));
    std::string name;
    rest >> name;
    if (name.empty()) continue;
    understood = true;
    if (!checked) continue;
    if (name.find('.') != std::string::npos && open == 0) {
      applied.insert(name);  // --plan
    } else if (!current_app.empty()) {
      applied.insert(current_app + "." + name);  // --list
    }
  }
  if (!understood) {
    error = "not the output of `manage.py showmigrations --plan` or `--list`";
    return false;
  }
  return true;
}

}  // namespace godwit::plan
