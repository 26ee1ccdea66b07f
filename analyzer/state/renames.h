#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/ir/migration.h"
#include "analyzer/state/project_state.h"

namespace godwit::state {

// A table or column name change made by one operation of a migration, with the name the
// table (or column) has at the start and at the end of the migration. An operation whose
// change is undone later in the same migration (RenameModel then AlterModelTable back to the
// old name, as makemigrations writes it) has at_start == at_end: no running code notices.
struct NameChange {
  const ir::Operation* operation = nullptr;
  std::string model;  // as declared
  std::string field;  // empty for a table rename
  std::string table;  // the table at the start of the migration
  std::string from;   // before this operation
  std::string to;     // after this operation
  std::string at_start;
  std::string at_end;
  std::string old_field;  // the field's name before this operation (RenameField)

  [[nodiscard]] bool net_change() const { return at_start != at_end; }
};

// Follows every table (RenameModel, AlterModelTable) and column (RenameField, AlterField
// changing db_column) rename of the migration, top level and in database_operations, from the
// state at its start. Models that `is_new_table` says are new, unmanaged or proxy models, and
// anything whose history is unknown, are left out.
std::vector<NameChange> table_renames(const ir::Migration& migration, const ProjectState& at_start,
                                      const std::function<bool(std::string_view)>& is_new_table);
std::vector<NameChange> column_renames(const ir::Migration& migration, const ProjectState& at_start,
                                       const std::function<bool(std::string_view)>& is_new_table);

// Both, for one migration: the engine works them out once, for the phases and for the rules
// that report renames.
struct MigrationRenames {
  std::vector<NameChange> tables;
  std::vector<NameChange> columns;
};

}  // namespace godwit::state
