// Django's state_forwards, operation by operation.
#include <algorithm>

#include "analyzer/state/project_state.h"

namespace godwit::state {

namespace {

using ir::OperationKind;
using ir::Param;
using ir::Value;

std::vector<std::string> string_list(const Value* value) {
  std::vector<std::string> out;
  if (value == nullptr || !value->is_sequence()) return out;
  for (const Value& item : value->elements()) {
    if (const std::string* s = item.as_string()) {
      // Index fields may carry a `-` for descending order.
      out.push_back(!s->empty() && (*s)[0] == '-' ? s->substr(1) : *s);
    }
  }
  return out;
}

}  // namespace

// Django's normalize_together: a single tuple of names becomes a list of one tuple.
std::vector<std::vector<std::string>> read_together(const Value* value, bool& known) {
  std::vector<std::vector<std::string>> out;
  known = true;
  if (value == nullptr || value->is_none()) return out;
  if (!value->is_sequence() || !value->is_static()) {
    known = false;
    return out;
  }
  const auto items = value->elements();
  if (!items.empty() && items[0].as_string() != nullptr) {
    out.push_back(string_list(value));
    return out;
  }
  for (const Value& group : items) out.push_back(string_list(&group));
  return out;
}

namespace {

void apply_options(ModelState& model, const Value* options) {
  if (options == nullptr || options->is_none()) return;
  if (!options->is(Value::Kind::Dict) || options->has_unpacking()) {
    model.db_table_known = false;
    return;
  }
  if (const Value* table = options->dict_get("db_table")) {
    if (const std::string* t = table->as_string()) {
      model.db_table = *t;
      model.db_table_explicit = true;
    } else {
      model.db_table_known = false;
    }
  }
  bool known = true;
  if (const Value* v = options->dict_get("unique_together")) model.unique_together = read_together(v, known);
  if (const Value* v = options->dict_get("index_together")) model.index_together = read_together(v, known);
  if (const Value* v = options->dict_get("indexes"); v != nullptr && v->is_sequence()) {
    for (const Value& index : v->elements()) model.indexes.push_back(read_index(index));
  }
  if (const Value* v = options->dict_get("constraints"); v != nullptr && v->is_sequence()) {
    for (const Value& c : v->elements()) model.constraints.push_back(read_constraint(c));
  }
  if (const Value* v = options->dict_get("managed")) model.managed = v->as_bool().value_or(true);
  if (const Value* v = options->dict_get("proxy")) model.proxy = v->as_bool().value_or(false);
}

ModelState* target(ProjectState& state, const ir::Migration& migration, const ir::Operation& op) {
  const std::string key = op.model_key();
  if (key.empty()) return nullptr;
  return state.model(migration.app_label, key);
}

// Relations to a swappable setting point at the model the setting names.
ir::FieldSpec resolved(const ProjectState& state, ir::FieldSpec spec) {
  if (!spec.relation_setting.get().empty()) spec.relation_to.set(state.resolve_swappable(spec.relation_setting.get()));
  return spec;
}

void create_model(ProjectState& state, const ir::Migration& migration, const ir::Operation& op) {
  const std::string* name = op.string_arg(Param::name);
  if (name == nullptr) {
    state.mark_app_uncertain(migration.app_label);
    return;
  }
  ModelState model;
  model.app = migration.app_label;
  model.name = *name;
  model.created_in = &migration;
  model.db_table = ModelState::default_table(model.app, model.name);
  model.fields_known = op.model_fields_known();
  std::vector<ir::NamedField> fields = op.model_fields();
  model.fields.reserve(fields.size());
  for (ir::NamedField& f : fields) model.fields.push_back(FieldState{std::move(f.name), resolved(state, std::move(f.spec))});
  apply_options(model, op.arg(Param::options).value);
  if (const Value* bases = op.arg(Param::bases).value; bases != nullptr && bases->is_sequence()) {
    for (const Value& base : bases->elements()) {
      model.bases.push_back(base.as_string() != nullptr ? *base.as_string() : base.text());
    }
  }
  state.add_model(std::move(model));
}

void strip_default_unless_preserved(const ir::Operation& op, ir::FieldSpec& spec) {
  const Value* preserve = op.arg(Param::preserve_default).value;
  if (preserve != nullptr && preserve->as_bool() == false) spec.default_value = ir::DefaultSpec{};
}

void rename_in_together(std::vector<std::vector<std::string>>& together, std::string_view from, std::string_view to) {
  for (auto& group : together) {
    for (auto& field : group) {
      if (field == from) field = std::string(to);
    }
  }
}

}  // namespace

IndexState read_index(const Value& index) {
  IndexState out;
  out.definition = &index;
  if (!index.is(Value::Kind::Call)) return out;
  if (const Value* name = index.keyword("name"); name != nullptr && name->as_string() != nullptr) {
    out.name = *name->as_string();
  }
  out.fields = string_list(index.keyword("fields"));
  return out;
}

ConstraintState read_constraint(const Value& constraint) {
  ConstraintState out;
  out.definition = &constraint;
  if (!constraint.is(Value::Kind::Call)) return out;
  const std::string_view kind = constraint.short_name();
  if (kind == "UniqueConstraint") out.kind = ConstraintState::Kind::Unique;
  if (kind == "CheckConstraint") out.kind = ConstraintState::Kind::Check;
  if (kind == "ExclusionConstraint") out.kind = ConstraintState::Kind::Exclusion;
  if (const Value* name = constraint.keyword("name"); name != nullptr && name->as_string() != nullptr) {
    out.name = *name->as_string();
  }
  out.fields = string_list(constraint.keyword("fields"));
  out.check = constraint.keyword("check");
  if (out.check == nullptr) out.check = constraint.keyword("condition");
  return out;
}

void apply_operation(ProjectState& state, const ir::Migration& migration, const ir::Operation& op) {
  switch (op.kind()) {
    case OperationKind::CreateModel:
      create_model(state, migration, op);
      return;
    case OperationKind::DeleteModel:
      if (const std::string key = op.model_key(); !key.empty()) state.remove_model(migration.app_label, key);
      return;
    case OperationKind::RenameModel: {
      const std::string* old_name = op.string_arg(Param::old_name);
      const std::string* new_name = op.string_arg(Param::new_name);
      if (old_name != nullptr && new_name != nullptr) {
        state.rename_model(migration.app_label, *old_name, *new_name);
      } else {
        state.mark_app_uncertain(migration.app_label);
      }
      return;
    }
    case OperationKind::AlterModelTable:
      if (ModelState* model = target(state, migration, op)) {
        const Value* table = op.arg(Param::table).value;
        if (table == nullptr || table->is_none()) {
          model->db_table = ModelState::default_table(model->app, model->name);
          model->db_table_explicit = false;
          model->db_table_known = true;
        } else if (const std::string* t = table->as_string()) {
          model->db_table = *t;
          model->db_table_explicit = true;
          model->db_table_known = true;
        } else {
          model->db_table_known = false;
        }
      }
      return;
    case OperationKind::AlterUniqueTogether:
    case OperationKind::AlterIndexTogether:
      if (ModelState* model = target(state, migration, op)) {
        bool known = true;
        const bool unique = op.kind() == OperationKind::AlterUniqueTogether;
        auto together = read_together(op.arg(unique ? Param::unique_together : Param::index_together).value, known);
        (unique ? model->unique_together : model->index_together) = std::move(together);
        if (!known) model->uncertain = true;
      }
      return;
    case OperationKind::AlterModelOptions:
      if (ModelState* model = target(state, migration, op)) {
        const Value* options = op.arg(Param::options).value;
        const Value* managed = options != nullptr ? options->dict_get("managed") : nullptr;
        model->managed = managed != nullptr ? managed->as_bool().value_or(true) : true;
      }
      return;
    case OperationKind::AddField:
      if (ModelState* model = target(state, migration, op); model != nullptr && op.field() != nullptr) {
        const std::string* name = op.string_arg(Param::name);
        if (name == nullptr) {
          model->fields_known = false;
          return;
        }
        ir::FieldSpec spec = resolved(state, *op.field());
        strip_default_unless_preserved(op, spec);
        if (FieldState* existing = model->field(*name)) {
          existing->spec = std::move(spec);
        } else {
          model->fields.push_back(FieldState{*name, std::move(spec)});
        }
      }
      return;
    case OperationKind::RemoveField:
      if (ModelState* model = target(state, migration, op)) {
        const std::string* name = op.string_arg(Param::name);
        if (name == nullptr) {
          model->fields_known = false;
          return;
        }
        auto& fields = model->fields;
        fields.erase(std::remove_if(fields.begin(), fields.end(), [&](const FieldState& f) { return f.name == *name; }),
                     fields.end());
      }
      return;
    case OperationKind::AlterField:
      if (ModelState* model = target(state, migration, op); model != nullptr && op.field() != nullptr) {
        const std::string* name = op.string_arg(Param::name);
        if (name == nullptr) {
          model->fields_known = false;
          return;
        }
        ir::FieldSpec spec = resolved(state, *op.field());
        strip_default_unless_preserved(op, spec);
        if (FieldState* existing = model->field(*name)) {
          existing->spec = std::move(spec);
        } else {
          model->fields.push_back(FieldState{*name, std::move(spec)});
        }
      }
      return;
    case OperationKind::RenameField:
      if (ModelState* model = target(state, migration, op)) {
        const std::string* old_name = op.string_arg(Param::old_name);
        const std::string* new_name = op.string_arg(Param::new_name);
        if (old_name == nullptr || new_name == nullptr) {
          model->fields_known = false;
          return;
        }
        // Django pops the field and re-inserts it under its new name: it moves to the end.
        if (FieldState* f = model->field(*old_name)) {
          FieldState moved = std::move(*f);
          moved.name = *new_name;
          model->fields.erase(model->fields.begin() + (f - model->fields.data()));
          model->fields.push_back(std::move(moved));
        }
        rename_in_together(model->unique_together, *old_name, *new_name);
        rename_in_together(model->index_together, *old_name, *new_name);
      }
      return;
    case OperationKind::AddIndex:
    case OperationKind::AddIndexConcurrently:
      if (ModelState* model = target(state, migration, op)) {
        if (const Value* index = op.arg(Param::index).value) model->indexes.push_back(read_index(*index));
      }
      return;
    case OperationKind::RemoveIndex:
    case OperationKind::RemoveIndexConcurrently:
      if (ModelState* model = target(state, migration, op)) {
        if (const std::string* name = op.string_arg(Param::name)) {
          auto& indexes = model->indexes;
          indexes.erase(std::remove_if(indexes.begin(), indexes.end(),
                                       [&](const IndexState& i) { return i.name == *name; }),
                        indexes.end());
        }
      }
      return;
    case OperationKind::RenameIndex:
      if (ModelState* model = target(state, migration, op)) {
        const std::string* new_name = op.string_arg(Param::new_name);
        const std::string* old_name = op.string_arg(Param::old_name);
        if (new_name == nullptr) return;
        if (old_name != nullptr) {
          for (IndexState& i : model->indexes) {
            if (i.name == *old_name) i.name = *new_name;
          }
        } else if (const Value* old_fields = op.arg(Param::old_fields).value) {
          const auto fields = string_list(old_fields);
          auto& together = model->index_together;
          together.erase(std::remove(together.begin(), together.end(), fields), together.end());
          model->indexes.push_back(IndexState{*new_name, fields, nullptr});
        }
      }
      return;
    case OperationKind::AddConstraint:
    case OperationKind::AddConstraintNotValid:
      if (ModelState* model = target(state, migration, op)) {
        if (const Value* c = op.arg(Param::constraint).value) {
          ConstraintState constraint = read_constraint(*c);
          constraint.added_in = &migration;
          constraint.validated = op.kind() == OperationKind::AddConstraint;
          model->constraints.push_back(std::move(constraint));
        }
      }
      return;
    case OperationKind::RemoveConstraint:
      if (ModelState* model = target(state, migration, op)) {
        if (const std::string* name = op.string_arg(Param::name)) {
          auto& constraints = model->constraints;
          constraints.erase(std::remove_if(constraints.begin(), constraints.end(),
                                           [&](const ConstraintState& c) { return c.name == *name; }),
                            constraints.end());
        }
      }
      return;
    case OperationKind::AlterConstraint:
      if (ModelState* model = target(state, migration, op)) {
        const std::string* name = op.string_arg(Param::name);
        const Value* c = op.arg(Param::constraint).value;
        if (name == nullptr || c == nullptr) return;
        for (ConstraintState& existing : model->constraints) {
          if (existing.name != *name) continue;
          const ir::Migration* added_in = existing.added_in;
          existing = read_constraint(*c);
          existing.added_in = added_in;
        }
      }
      return;
    case OperationKind::ValidateConstraint:
      if (ModelState* model = target(state, migration, op)) {
        if (const std::string* name = op.string_arg(Param::name)) {
          for (ConstraintState& c : model->constraints) {
            if (c.name == *name) c.validated = true;
          }
        }
      }
      return;
    case OperationKind::SeparateDatabaseAndState:
    case OperationKind::RunSQL:
      for (const ir::Operation& inner : op.state_operations()) apply_operation(state, migration, inner);
      return;
    case OperationKind::Custom: {
      // What a custom operation does to the state is unknown: the model it names, or else
      // its whole app, becomes uncertain.
      const Value& call = op.call();
      const Value* model_name = call.keyword("model_name");
      if (model_name != nullptr && model_name->as_string() != nullptr) {
        if (ModelState* model = state.model(migration.app_label, *model_name->as_string())) model->uncertain = true;
      } else {
        state.mark_app_uncertain(migration.app_label);
      }
      return;
    }
    default:
      // RunPython, AlterOrderWithRespectTo, AlterModelManagers, AlterModelTableComment,
      // extensions, collations, AddDefaultValue, IgnoreMigration: no change to models.
      return;
  }
}

}  // namespace godwit::state

namespace godwit::state {

ProjectState replay(const graph::MigrationGraph& graph, const std::vector<graph::NodeId>& plan,
                    const std::map<std::string, std::string>& swappable) {
  ProjectState state(swappable);
  for (const graph::NodeId id : plan) {
    const ir::Migration* m = graph.node(id).migration;
    for (const ir::Operation& op : m->operations) apply_operation(state, *m, op);
  }
  return state;
}

}  // namespace godwit::state
