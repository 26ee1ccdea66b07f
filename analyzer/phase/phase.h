#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/ir/migration.h"
#include "analyzer/state/project_state.h"
#include "analyzer/state/renames.h"

namespace godwit::phase {

// When an operation may run relative to the deploy of the new code (RULES.md, phase table).
// Ordered by how late it must run; Unknown stands apart.
enum class Phase : uint8_t {
  Always,     // no SQL, or harmless either side of the deploy
  Expand,     // before the new code; the old code tolerates it
  Data,       // RunPython, RunSQL
  Contract,   // only once the new code is live
  MultiStep,  // never safe in one deploy
  Unknown,    // custom operations, operations godwit could not read
};

std::string_view to_string(Phase phase);

struct OperationPhase {
  const ir::Operation* operation = nullptr;  // nullptr for operations godwit could not read (SY002)
  source::TextRange range;
  Phase phase = Phase::Unknown;
  std::string reason;            // "adds nullable column `note` to `shop_order`"
  bool existing_table = false;   // runs DDL on a table that existed before the migration (release)
};

// The phases of a migration's operations, in order (the database operations of a
// SeparateDatabaseAndState stand in for it).
struct MigrationPhases {
  std::vector<OperationPhase> operations;

  [[nodiscard]] bool has(Phase phase) const;
  // The operations of a phase.
  [[nodiscard]] std::vector<const OperationPhase*> of(Phase phase) const;
  // "always" for none (or only always), else the phases present, in order, joined by "+"
  // ("expand", "expand+data", "contract+multi-step"); "unknown" when only unknown ones.
  [[nodiscard]] std::string summary() const;
};

// What inference needs to know around one operation.
struct PhaseContext {
  const ir::Migration& migration;
  const state::ProjectState& before;  // the state before the operation
  const std::vector<state::NameChange>& table_renames;   // of the whole migration
  const std::vector<state::NameChange>& column_renames;  // of the whole migration
  const std::function<bool(std::string_view)>& is_new_table;
  const config::Config& config;
};

// The phase of one operation (a database operation; the caller expands SeparateDatabaseAndState).
OperationPhase infer(const PhaseContext& context, const ir::Operation& operation);

}  // namespace godwit::phase
