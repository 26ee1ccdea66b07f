#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/ir/migration.h"
#include "analyzer/ir/operation_kind.h"

namespace godwit::rule {

using diagnostics::Diagnostic;
using diagnostics::RuleCode;
using diagnostics::Severity;
using source::TextRange;

// What a rule looks at; the engine walks the project once and routes to rules by granularity.
enum class Granularity : uint8_t {
  Operation,  // each operation of the declared kinds (including database_operations)
  Migration,  // each migration module
  Project,    // the whole project once (graph rules, per app)
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
  using Rule::Rule;
  [[nodiscard]] Granularity granularity() const final { return Granularity::Migration; }
  virtual void check(const MigrationContext& context) const = 0;
};

class ProjectRule : public Rule {
 public:
  using Rule::Rule;
  [[nodiscard]] Granularity granularity() const final { return Granularity::Project; }
  virtual void check(const ProjectContext& context) const = 0;
};

// Collects one rule's diagnostics with the severity the configuration gives it.
class Reporter {
 public:
  Reporter(const RuleMeta& meta, std::optional<Severity> configured, std::vector<Diagnostic>& out)
      : meta_(meta), configured_(configured), out_(out) {}

  // `severity` overrides the rule's default (for rules whose severity depends on the finding);
  // a severity configured by the user wins over both.
  Diagnostic& report(const ir::Migration& migration, TextRange range, std::string message, std::string help,
                     std::optional<Severity> severity = std::nullopt) const;

 private:
  const RuleMeta& meta_;
  std::optional<Severity> configured_;
  std::vector<Diagnostic>& out_;
};

class MigrationContext {
 public:
  MigrationContext(const ir::Migration& migration, const config::Config& config, const Reporter& reporter)
      : migration_(migration), config_(config), reporter_(reporter) {}

  [[nodiscard]] const ir::Migration& migration() const { return migration_; }
  [[nodiscard]] const config::Config& config() const { return config_; }
  [[nodiscard]] std::string_view text(TextRange range) const { return migration_.file().slice(range); }

  Diagnostic& report(TextRange range, std::string message, std::string help,
                     std::optional<Severity> severity = std::nullopt) const {
    return reporter_.report(migration_, range, std::move(message), std::move(help), severity);
  }

 private:
  const ir::Migration& migration_;
  const config::Config& config_;
  const Reporter& reporter_;
};

// Where an operation stands in its migration.
enum class Placement : uint8_t {
  TopLevel,            // in `operations`
  DatabaseOperations,  // in SeparateDatabaseAndState.database_operations
};

class OperationContext : public MigrationContext {
 public:
  OperationContext(const ir::Migration& migration, const config::Config& config, const Reporter& reporter,
                   const ir::Operation& operation, Placement placement, const ir::Operation* wrapper)
      : MigrationContext(migration, config, reporter),
        operation_(operation),
        placement_(placement),
        wrapper_(wrapper) {}

  [[nodiscard]] const ir::Operation& operation() const { return operation_; }
  [[nodiscard]] Placement placement() const { return placement_; }
  // The SeparateDatabaseAndState this operation is nested in, if any.
  [[nodiscard]] const ir::Operation* wrapper() const { return wrapper_; }

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
  ProjectContext(const std::vector<const ir::Migration*>& migrations, const config::Config& config,
                 const Reporter& reporter)
      : migrations_(migrations), config_(config), reporter_(reporter) {}

  [[nodiscard]] const std::vector<const ir::Migration*>& migrations() const { return migrations_; }
  [[nodiscard]] const config::Config& config() const { return config_; }
  Diagnostic& report(const ir::Migration& migration, TextRange range, std::string message, std::string help) const {
    return reporter_.report(migration, range, std::move(message), std::move(help));
  }

 private:
  const std::vector<const ir::Migration*>& migrations_;
  const config::Config& config_;
  const Reporter& reporter_;
};

// The text of a rule's message or help with `code` marks: helpers for rules.
std::string quoted(std::string_view code);

}  // namespace godwit::rule
