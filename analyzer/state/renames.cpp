#include "analyzer/state/renames.h"

#include <algorithm>
#include <map>

namespace godwit::state {

namespace {

template <typename Visit>
void for_each_database_operation(const ir::Migration& migration, const Visit& visit) {
  for (const ir::Operation& op : migration.operations) {
    if (op.kind() == ir::OperationKind::SeparateDatabaseAndState) {
      for (const ir::Operation& inner : op.database_operations()) visit(inner);
    } else {
      visit(op);
    }
  }
}

// Whether the migration runs an operation of one of `kinds` (only those change names; most
// migrations have none, and then there is nothing to follow).
bool runs_any(const ir::Migration& migration, ir::OperationKindSet kinds) {
  bool found = false;
  for_each_database_operation(migration, [&](const ir::Operation& op) { found = found || kinds.contains(op.kind()); });
  return found;
}

struct History {
  std::string model;
  std::string field;
  std::string table;
  std::string at_start;
  std::string now;
  bool pinned = false;  // tables: db_table set explicitly
  FieldState current;   // columns: the field as it stands
  std::vector<NameChange> changes;
};

std::vector<NameChange> finish(std::map<std::string, History>& histories) {
  std::vector<NameChange> out;
  for (auto& [key, h] : histories) {
    for (NameChange& c : h.changes) {
      c.at_start = h.at_start;
      c.at_end = h.now;
      out.push_back(std::move(c));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const NameChange& a, const NameChange& b) { return a.operation->range().begin < b.operation->range().begin; });
  return out;
}

}  // namespace

std::vector<NameChange> table_renames(const ir::Migration& migration, const ProjectState& at_start,
                                      const std::function<bool(std::string_view)>& is_new_table) {
  if (!runs_any(migration, {ir::OperationKind::RenameModel, ir::OperationKind::AlterModelTable})) return {};
  const std::string& app = migration.app_label;
  std::map<std::string, History> tables;  // by current lower-cased model name
  std::vector<std::string> created;
  auto history_for = [&](const std::string& key) -> History* {
    if (auto it = tables.find(key); it != tables.end()) return &it->second;
    if (std::find(created.begin(), created.end(), key) != created.end() || is_new_table(key)) return nullptr;
    const ModelState* model = at_start.model(app, key);
    if (model == nullptr || model->uncertain || !model->db_table_known || !model->managed || model->proxy) {
      return nullptr;
    }
    History h;
    h.model = model->name;
    h.table = h.at_start = h.now = model->db_table;
    h.pinned = model->db_table_explicit;
    return &(tables[key] = std::move(h));
  };
  for_each_database_operation(migration, [&](const ir::Operation& op) {
    switch (op.kind()) {
      case ir::OperationKind::CreateModel:
        created.push_back(op.model_key());
        return;
      case ir::OperationKind::DeleteModel:
        tables.erase(op.model_key());
        return;
      case ir::OperationKind::RenameModel: {
        const std::string* new_name = op.string_arg(ir::Param::new_name);
        History* h = history_for(op.model_key());
        if (h == nullptr || new_name == nullptr) return;
        History moved = std::move(*h);
        tables.erase(op.model_key());
        const std::string before = moved.now;
        // A table Django named after the model follows the rename; a pinned one stays.
        if (!moved.pinned) moved.now = ModelState::default_table(app, *new_name);
        if (moved.now != before) moved.changes.push_back(NameChange{&op, moved.model, {}, moved.table, before, moved.now, {}, {}, {}});
        moved.model = *new_name;
        tables[ir::lower(*new_name)] = std::move(moved);
        return;
      }
      case ir::OperationKind::AlterModelTable: {
        History* h = history_for(op.model_key());
        if (h == nullptr) return;
        const ir::Value* table = op.arg(ir::Param::table).value;
        std::string next;
        if (table == nullptr || table->is_none()) {
          next = ModelState::default_table(app, h->model);
          h->pinned = false;
        } else if (const std::string* t = table->as_string()) {
          next = *t;
          h->pinned = true;
        } else {
          tables.erase(op.model_key());  // not statically known: say nothing about it
          return;
        }
        if (next != h->now) h->changes.push_back(NameChange{&op, h->model, {}, h->table, h->now, next, {}, {}, {}});
        h->now = next;
        return;
      }
      default:
        return;
    }
  });
  return finish(tables);
}

std::vector<NameChange> column_renames(const ir::Migration& migration, const ProjectState& at_start,
                                       const std::function<bool(std::string_view)>& is_new_table) {
  if (!runs_any(migration, {ir::OperationKind::RenameField, ir::OperationKind::AlterField})) return {};
  const std::string& app = migration.app_label;
  std::map<std::string, History> columns;  // by "model\x1ffield" (current names)
  std::vector<std::string> created;
  auto key = [](std::string_view model, std::string_view field) { return ir::lower(model) + '\x1f' + std::string(field); };
  auto history_for = [&](const std::string& model_key, const std::string& field) -> History* {
    const std::string k = key(model_key, field);
    if (auto it = columns.find(k); it != columns.end()) return &it->second;
    if (std::find(created.begin(), created.end(), model_key) != created.end() || is_new_table(model_key)) {
      return nullptr;
    }
    const FieldLookup lookup = at_start.lookup_field(app, model_key, field);
    if (lookup.knowledge != Knowledge::Known || !lookup.model->managed || lookup.model->proxy ||
        lookup.field->spec.is_many_to_many()) {
      return nullptr;
    }
    const auto column = ModelState::column_name(*lookup.field);
    if (!column) return nullptr;
    History h;
    h.model = lookup.model->name;
    h.field = lookup.field->name;
    h.table = lookup.model->db_table_known ? lookup.model->db_table : ModelState::default_table(app, model_key);
    h.at_start = h.now = *column;
    h.current = *lookup.field;
    return &(columns[k] = std::move(h));
  };
  for_each_database_operation(migration, [&](const ir::Operation& op) {
    const std::string& model_key = op.model_key();
    switch (op.kind()) {
      case ir::OperationKind::CreateModel:
        created.push_back(model_key);
        return;
      case ir::OperationKind::RenameField: {
        const std::string* old_name = op.string_arg(ir::Param::old_name);
        const std::string* new_name = op.string_arg(ir::Param::new_name);
        if (old_name == nullptr || new_name == nullptr) return;
        History* h = history_for(model_key, *old_name);
        if (h == nullptr) return;
        History moved = std::move(*h);
        columns.erase(key(model_key, *old_name));
        moved.current.name = *new_name;
        moved.field = *new_name;
        const auto column = ModelState::column_name(moved.current);
        if (!column) return;
        if (*column != moved.now) {
          moved.changes.push_back(NameChange{&op, moved.model, *new_name, moved.table, moved.now, *column, {}, {},
                                             *old_name});
        }
        moved.now = *column;
        columns[key(model_key, *new_name)] = std::move(moved);
        return;
      }
      case ir::OperationKind::AlterField: {
        const std::string* name = op.string_arg(ir::Param::name);
        if (name == nullptr || op.field() == nullptr) return;
        History* h = history_for(model_key, *name);
        if (h == nullptr) return;
        if (op.field()->is_many_to_many() || op.field()->has_unpacking) {
          columns.erase(key(model_key, *name));
          return;
        }
        h->current.spec = *op.field();
        const auto column = ModelState::column_name(h->current);
        if (!column) {
          columns.erase(key(model_key, *name));
          return;
        }
        if (*column != h->now) {
          h->changes.push_back(NameChange{&op, h->model, *name, h->table, h->now, *column, {}, {}, *name});
        }
        h->now = *column;
        return;
      }
      case ir::OperationKind::RemoveField:
        if (const std::string* name = op.string_arg(ir::Param::name)) columns.erase(key(model_key, *name));
        return;
      case ir::OperationKind::DeleteModel:
        for (auto it = columns.begin(); it != columns.end();) {
          it = it->first.starts_with(model_key + '\x1f') ? columns.erase(it) : std::next(it);
        }
        return;
      default:
        return;
    }
  });
  return finish(columns);
}

}  // namespace godwit::state
