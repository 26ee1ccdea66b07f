#pragma once

#include <memory>
#include <unordered_map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/graph/migration_graph.h"
#include "analyzer/ir/migration.h"
#include "analyzer/ir/operation_kind.h"
#include "analyzer/phase/phase.h"
#include "analyzer/state/project_state.h"
#include "analyzer/state/renames.h"
#include "analyzer/suppression/suppression.h"

namespace godwit::rule {

using diagnostics::Diagnostic;
using diagnostics::RuleCode;
using diagnostics::Severity;
using source::TextRange;

// What a rule looks at; the engine walks the project once and routes to rules by granularity.
enum class Granularity : uint8_t {
  Operation,    // each operation of the declared kinds (including database_operations)
  Migration,    // each migration module
  Project,      // the whole project once (graph rules, per app)
  Suppression,  // each reported migration module once every other rule's findings went through
                // its suppression comments (suppression hygiene: which were malformed or unused)
};

// Everything a rule says about itself. `docs` is what `godwit rule ID` prints; the examples are
// run by a test (the bad one must fire, the good one must stay clean). An example may hold
// several files, each introduced by a line `# file: app/migrations/0001_x.py`.
struct RuleMeta {
  RuleCode code;
  std::string_view name;
  Severity severity;
  std::string_view summary;
  std::string_view docs;
  std::string_view bad_example;
  std::string_view good_example;
  // Fixture-style settings the examples need, e.g. "database=postgresql django=4.2".
  std::string_view example_settings = {};
};

class MigrationContext;
class OperationContext;
class ProjectContext;
class SuppressionContext;

class Rule {
 public:
  explicit Rule(const RuleMeta& meta) : meta_(meta) {}
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  [[nodiscard]] const RuleMeta& meta() const { return meta_; }
  [[nodiscard]] virtual Granularity granularity() const = 0;

 private:
  const RuleMeta& meta_;
};

class OperationRule : public Rule {
 public:
  using Rule::Rule;
  [[nodiscard]] Granularity granularity() const final { return Granularity::Operation; }
  // The operation kinds this rule wants to see.
  [[nodiscard]] virtual ir::OperationKindSet kinds() const = 0;
  virtual void check(const OperationContext& context) const = 0;
};

class MigrationRule : public Rule {
 public:
  // Before: the context's state is the state before the migration's first operation (for
  // rules that follow names through the migration). After: the state after the last one, and
  // the migration's phases are known (for rules about the migration as a whole).
  enum class When : uint8_t { BeforeOperations, AfterOperations };

  using Rule::Rule;
  [[nodiscard]] Granularity granularity() const final { return Granularity::Migration; }
  [[nodiscard]] virtual When when() const { return When::BeforeOperations; }
  virtual void check(const MigrationContext& context) const = 0;
};

class ProjectRule : public Rule {
 public:
  using Rule::Rule;
  [[nodiscard]] Granularity granularity() const final { return Granularity::Project; }
  virtual void check(const ProjectContext& context) const = 0;
};

class SuppressionRule : public Rule {
 public:
  using Rule::Rule;
  [[nodiscard]] Granularity granularity() const final { return Granularity::Suppression; }
  virtual void check(const SuppressionContext& context) const = 0;
};

// Collects one rule's diagnostics with the severity the configuration gives it.
class Reporter {
 public:
  Reporter(const RuleMeta& meta, std::optional<Severity> configured, std::vector<Diagnostic>& out)
      : meta_(meta), configured_(configured), out_(out) {}

  // `severity` overrides the rule's default (for rules whose severity depends on the finding);
  // a severity configured by the user wins over both. The finding's identity (its anchor) is
  // the text at `anchor`, by default at `range`.
  Diagnostic& report(const ir::Migration& migration, TextRange range, std::string message, std::string help,
                     std::optional<Severity> severity = std::nullopt,
                     std::optional<TextRange> anchor = std::nullopt) const;

 private:
  const RuleMeta& meta_;
  std::optional<Severity> configured_;
  std::vector<Diagnostic>& out_;
};

// What every rule may consult: the configuration, the graph, and which migrations form the
// release (with `--diff-base`: the migrations new or changed since the base; else none).
struct Analysis {
  const config::Config& config;
  const graph::MigrationGraph& graph;
  const std::vector<const ir::Migration*>& release;  // sorted by pointer
  // The inferred phases of every migration replayed so far (all of them for project rules).
  const std::unordered_map<const ir::Migration*, phase::MigrationPhases>& phases;

  [[nodiscard]] bool in_release(const ir::Migration* migration) const;
  [[nodiscard]] bool has_release() const { return !release.empty(); }
  // Whether the model `model_key` of `migration`'s app is a new table in `state`: created in
  // that migration or, with --diff-base, in the release (see MigrationContext::is_new_table).
  [[nodiscard]] bool is_new_table(const state::ProjectState& state, const ir::Migration& migration,
                                  std::string_view model_key) const;
  // nullptr for a migration not replayed (not a graph node, or replaced by a squash).
  [[nodiscard]] const phase::MigrationPhases* phases_of(const ir::Migration* migration) const;
};

class MigrationContext {
 public:
  // `state` is the project state before the migration's first operation (or, for an
  // OperationContext, before the operation).
  // `renames`: the migration's name changes from the state at its start, when the caller has
  // them (else they are worked out when asked for).
  MigrationContext(const Analysis& analysis, const ir::Migration& migration, const state::ProjectState& state,
                   const Reporter& reporter, const state::MigrationRenames* renames = nullptr)
      : analysis_(analysis), migration_(migration), state_(state), reporter_(reporter), renames_(renames) {}

  [[nodiscard]] const ir::Migration& migration() const { return migration_; }
  [[nodiscard]] const config::Config& config() const { return analysis_.config; }
  [[nodiscard]] const graph::MigrationGraph& graph() const { return analysis_.graph; }
  [[nodiscard]] const Analysis& analysis() const { return analysis_; }
  [[nodiscard]] const state::ProjectState& state() const { return state_; }
  // The phases of this migration's operations; nullptr before they were inferred (rules that
  // run BeforeOperations, and modules that are not graph nodes).
  [[nodiscard]] const phase::MigrationPhases* phases() const { return analysis_.phases_of(&migration_); }
  // A table created earlier in this migration or, with --diff-base, in the same release:
  // no old code uses it and it is empty, so lock and compatibility rules do not apply.
  [[nodiscard]] bool is_new_table(std::string_view model_key) const;
  // The migration's table and column renames (state/renames.h), followed from the state at its
  // start, new tables left out.
  [[nodiscard]] const state::MigrationRenames& renames() const;
  // The migration runs once the new code is live: it is marked `Safe.after_deploy()`, or the
  // project deploys code first (`deploy-order = "code-first"`) and no marker says otherwise.
  [[nodiscard]] bool runs_after_deploy() const;
  // The table of a model of this migration's app: from the state when known, else Django's
  // default `app_model`.
  [[nodiscard]] std::string table_name(std::string_view model_key) const;
  // The model's name as declared (`Order`) when the state knows it, else as the key (`order`).
  [[nodiscard]] std::string model_name(std::string_view model_key) const;
  [[nodiscard]] std::string_view text(TextRange range) const { return migration_.file().slice(range); }

  Diagnostic& report(TextRange range, std::string message, std::string help,
                     std::optional<Severity> severity = std::nullopt) const {
    return reporter_.report(migration_, range, std::move(message), std::move(help), severity);
  }

 protected:
  [[nodiscard]] const Reporter& reporter() const { return reporter_; }

 private:
  const Analysis& analysis_;
  const ir::Migration& migration_;
  const state::ProjectState& state_;
  const Reporter& reporter_;
  const state::MigrationRenames* renames_;
  mutable std::optional<state::MigrationRenames> own_renames_;
};

// Where an operation stands in its migration.
enum class Placement : uint8_t {
  TopLevel,            // in `operations`
  DatabaseOperations,  // in SeparateDatabaseAndState.database_operations
};

class OperationContext : public MigrationContext {
 public:
  OperationContext(const Analysis& analysis, const ir::Migration& migration, const state::ProjectState& state,
                   const Reporter& reporter, const ir::Operation& operation, Placement placement,
                   const ir::Operation* wrapper)
      : MigrationContext(analysis, migration, state, reporter),
        operation_(operation),
        placement_(placement),
        wrapper_(wrapper) {}

  [[nodiscard]] const ir::Operation& operation() const { return operation_; }
  [[nodiscard]] Placement placement() const { return placement_; }
  // The SeparateDatabaseAndState this operation is nested in, if any.
  [[nodiscard]] const ir::Operation* wrapper() const { return wrapper_; }
  // The model the operation is about, in the state before it (nullptr when unknown).
  [[nodiscard]] const state::ModelState* model_before() const;
  // The operation's model as declared (`Order`) when the state knows it, else as the operation
  // writes it.
  [[nodiscard]] std::string model_name() const;
  // Whether the operation's model is a new table (see MigrationContext::is_new_table).
  [[nodiscard]] bool on_new_table() const { return is_new_table(operation_.model_key()); }

  // Reports at the operation (or a part of it); the finding's identity is the operation's text.
  Diagnostic& report(TextRange range, std::string message, std::string help,
                     std::optional<Severity> severity = std::nullopt) const;

 private:
  const ir::Operation& operation_;
  Placement placement_;
  const ir::Operation* wrapper_;
};


class ProjectContext {
 public:
  ProjectContext(const Analysis& analysis, const std::vector<const ir::Migration*>& migrations,
                 const Reporter& reporter)
      : analysis_(analysis), migrations_(migrations), reporter_(reporter) {}

  // Every module read (reported and context), in path order.
  [[nodiscard]] const std::vector<const ir::Migration*>& migrations() const { return migrations_; }
  [[nodiscard]] const config::Config& config() const { return analysis_.config; }
  [[nodiscard]] const graph::MigrationGraph& graph() const { return analysis_.graph; }
  [[nodiscard]] const Analysis& analysis() const { return analysis_; }
  // Findings in context files (not reported) are dropped by the engine.
  Diagnostic& report(const ir::Migration& migration, TextRange range, std::string message, std::string help) const {
    return reporter_.report(migration, range, std::move(message), std::move(help));
  }

 private:
  const Analysis& analysis_;
  const std::vector<const ir::Migration*>& migrations_;
  const Reporter& reporter_;
};

// What a suppression rule sees: one migration module's suppression comments after every other
// rule's findings in it went through them (each target knows whether it suppressed something),
// and which rules the configuration runs.
class SuppressionContext {
 public:
  SuppressionContext(const ir::Migration& migration, const suppression::FileSuppressions& suppressions,
                     const std::set<RuleCode>& enabled, const Reporter& reporter)
      : migration_(migration), suppressions_(suppressions), enabled_(enabled), reporter_(reporter) {}

  [[nodiscard]] const ir::Migration& migration() const { return migration_; }
  [[nodiscard]] const suppression::FileSuppressions& suppressions() const { return suppressions_; }
  // Whether the configuration runs the rule (a suppression of a rule that does not run cannot be
  // known to be unused).
  [[nodiscard]] bool rule_enabled(RuleCode code) const { return enabled_.contains(code); }
  [[nodiscard]] std::string_view text(TextRange range) const { return migration_.file().slice(range); }

  Diagnostic& report(TextRange range, std::string message, std::string help) const {
    return reporter_.report(migration_, range, std::move(message), std::move(help));
  }

 private:
  const ir::Migration& migration_;
  const suppression::FileSuppressions& suppressions_;
  const std::set<RuleCode>& enabled_;
  const Reporter& reporter_;
};

// The text of a rule's message or help with `code` marks: helpers for rules.
std::string quoted(std::string_view code);

}  // namespace godwit::rule
