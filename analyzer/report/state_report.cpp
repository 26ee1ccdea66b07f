#include "analyzer/report/state_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace godwit::report {

namespace {

using json = nlohmann::ordered_json;

bool selected_model(const state::ModelState& model, const std::vector<std::string>& selected) {
  if (selected.empty()) return true;
  const std::string key = model.app + "." + ir::lower(model.name);
  return std::any_of(selected.begin(), selected.end(), [&](const std::string& s) { return ir::lower(s) == key; });
}

json tri(ir::Tri t) {
  if (t == ir::Tri::Unknown) return nullptr;
  return t == ir::Tri::Yes;
}

json int_option(const ir::IntOption& o) {
  if (o.state == ir::OptionState::Absent) return nullptr;
  if (o.state == ir::OptionState::Unknown) return "unknown";
  return o.value;
}

json string_option(const ir::StringOption& o) {
  if (o.state == ir::OptionState::Absent) return nullptr;
  if (o.state == ir::OptionState::Unknown) return "unknown";
  return o.value();
}

std::string_view default_kind(const ir::DefaultSpec& d) {
  switch (d.kind) {
    case ir::DefaultSpec::Kind::Absent: return "absent";
    case ir::DefaultSpec::Kind::Constant: return "constant";
    case ir::DefaultSpec::Kind::Callable: return d.volatile_value ? "callable" : "callable-constant";
    case ir::DefaultSpec::Kind::Unknown: return "unknown";
  }
  return "unknown";
}

json field_json(const state::FieldState& f) {
  const ir::FieldSpec& s = f.spec;
  json j{{"name", f.name},
         {"class", std::string(ir::to_string(s.field_class))},
         {"class_path", s.class_name.get()},
         {"null", tri(s.null)},
         {"blank", tri(s.blank)},
         {"unique", tri(s.unique)},
         {"primary_key", tri(s.primary_key)},
         {"db_index", tri(s.db_index)},
         {"db_column", string_option(s.db_column)},
         {"max_length", int_option(s.max_length)},
         {"max_digits", int_option(s.max_digits)},
         {"decimal_places", int_option(s.decimal_places)},
         {"default", json{{"kind", default_kind(s.default_value)},
                          {"value", s.default_value.value != nullptr ? json(s.default_value.value->render())
                                                                     : json(nullptr)}}},
         {"db_default", s.db_default != nullptr ? json(s.db_default->render()) : json(nullptr)}};
  if (s.is_relation()) {
    j["relation_to"] = string_option(s.relation_to);
    j["db_constraint"] = tri(s.db_constraint);
  }
  if (s.base_field) j["base_field"] = std::string(ir::to_string(s.base_field->field_class));
  return j;
}

json together_json(const std::vector<std::vector<std::string>>& together) {
  json out = json::array();
  for (const auto& group : together) out.push_back(group);
  return out;
}

std::string_view constraint_kind(state::ConstraintState::Kind k) {
  switch (k) {
    case state::ConstraintState::Kind::Unique: return "unique";
    case state::ConstraintState::Kind::Check: return "check";
    case state::ConstraintState::Kind::Exclusion: return "exclusion";
    case state::ConstraintState::Kind::Other: return "other";
  }
  return "other";
}

std::string attributes(const ir::FieldSpec& s) {
  std::vector<std::string> parts;
  auto flag = [&](ir::Tri t, std::string_view name) {
    if (t == ir::Tri::Yes) parts.emplace_back(name);
    if (t == ir::Tri::Unknown) parts.push_back(std::string(name) + "=?");
  };
  flag(s.primary_key, "primary_key");
  flag(s.null, "null");
  flag(s.unique, "unique");
  flag(s.db_index, "db_index");
  if (s.is_relation()) {
    parts.push_back("to=" + (s.relation_to.known() ? s.relation_to.value() : std::string("?")));
    if (s.db_constraint == ir::Tri::No) parts.emplace_back("db_constraint=False");
  }
  if (s.max_length.known()) parts.push_back("max_length=" + std::to_string(s.max_length.value));
  if (s.max_digits.known()) parts.push_back("max_digits=" + std::to_string(s.max_digits.value));
  if (s.decimal_places.known()) parts.push_back("decimal_places=" + std::to_string(s.decimal_places.value));
  if (s.db_column.known()) parts.push_back("db_column=" + ir::python_repr(s.db_column.value()));
  if (s.default_value.present() && s.default_value.value != nullptr) {
    parts.push_back("default=" + s.default_value.value->render());
  }
  if (s.db_default != nullptr) parts.push_back("db_default=" + s.db_default->render());
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "  ") + p;
  return out;
}

}  // namespace

void write_state_json(std::ostream& out, const state::ProjectState& state, const std::vector<std::string>& selected) {
  json models = json::array();
  for (const auto& [key, model] : state.models()) {
    if (!selected_model(model, selected)) continue;
    json fields = json::array();
    for (const auto& f : model.fields) fields.push_back(field_json(f));
    json indexes = json::array();
    for (const auto& i : model.indexes) indexes.push_back(json{{"name", i.name}, {"fields", i.fields}});
    json constraints = json::array();
    for (const auto& c : model.constraints) {
      constraints.push_back(json{{"name", c.name},
                                 {"kind", constraint_kind(c.kind)},
                                 {"fields", c.fields},
                                 {"validated", c.validated}});
    }
    models.push_back(json{{"app", model.app},
                          {"name", model.name},
                          {"db_table", model.db_table_known ? json(model.db_table) : json(nullptr)},
                          {"db_table_explicit", model.db_table_explicit},
                          {"managed", model.managed},
                          {"proxy", model.proxy},
                          {"fields_known", model.fields_known},
                          {"uncertain", model.uncertain},
                          {"created_in", model.created_in != nullptr
                                             ? json(model.created_in->app_label + "." + model.created_in->name)
                                             : json(nullptr)},
                          {"fields", std::move(fields)},
                          {"unique_together", together_json(model.unique_together)},
                          {"index_together", together_json(model.index_together)},
                          {"indexes", std::move(indexes)},
                          {"constraints", std::move(constraints)}});
  }
  out << json{{"models", std::move(models)}}.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_state_text(std::ostream& out, const state::ProjectState& state, const std::vector<std::string>& selected,
                      bool color) {
  auto bold = [color](const std::string& s) { return color ? "\x1b[1m" + s + "\x1b[0m" : s; };
  size_t shown = 0;
  for (const auto& [key, model] : state.models()) {
    if (!selected_model(model, selected)) continue;
    ++shown;
    out << bold(model.app + "." + model.name) << "  (table " << (model.db_table_known ? model.db_table : "?");
    if (model.created_in != nullptr) out << ", created in " << model.created_in->app_label << "." << model.created_in->name;
    if (model.proxy) out << ", proxy";
    if (!model.managed) out << ", unmanaged";
    out << ")\n";
    if (model.uncertain) out << "  ! a custom operation may have changed this model: its state is uncertain\n";
    if (!model.fields_known) out << "  ! some fields could not be read statically\n";
    size_t width = 0;
    for (const auto& f : model.fields) width = std::max(width, f.name.size());
    for (const auto& f : model.fields) {
      std::string name = f.name;
      name.resize(width, ' ');
      std::string cls(ir::to_string(f.spec.field_class));
      if (f.spec.field_class == ir::FieldClass::Other) cls = f.spec.class_name.get();
      out << "  " << name << "  " << cls;
      const std::string attrs = attributes(f.spec);
      if (!attrs.empty()) out << "  " << attrs;
      out << "\n";
    }
    for (const auto& i : model.indexes) {
      out << "  index " << i.name << " (";
      for (size_t k = 0; k < i.fields.size(); ++k) out << (k ? ", " : "") << i.fields[k];
      out << ")\n";
    }
    for (const auto& c : model.constraints) {
      out << "  constraint " << c.name << " [" << constraint_kind(c.kind) << (c.validated ? "" : ", not validated")
          << "]\n";
    }
    for (const auto& group : model.unique_together) {
      out << "  unique_together (";
      for (size_t k = 0; k < group.size(); ++k) out << (k ? ", " : "") << group[k];
      out << ")\n";
    }
    for (const auto& group : model.index_together) {
      out << "  index_together (";
      for (size_t k = 0; k < group.size(); ++k) out << (k ? ", " : "") << group[k];
      out << ")\n";
    }
    out << "\n";
  }
  if (shown == 0) out << "No model matches.\n";
}

void write_graph_json(std::ostream& out, const graph::MigrationGraph& graph) {
  json leaves = json::array();
  for (const graph::NodeId id : graph.all_leaves()) leaves.push_back({graph.node(id).app, graph.node(id).name});
  json plan = json::array();
  for (const graph::NodeId id : graph.plan()) plan.push_back({graph.node(id).app, graph.node(id).name});
  out << json{{"leaves", std::move(leaves)}, {"plan", std::move(plan)}}.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_graph_text(std::ostream& out, const graph::MigrationGraph& graph) {
  for (const std::string& app : graph.apps()) {
    const auto leaves = graph.leaves(app);
    out << app << ": ";
    if (leaves.empty()) out << "(no migrations)";
    for (size_t i = 0; i < leaves.size(); ++i) out << (i ? ", " : "") << graph.node(leaves[i]).name;
    out << (leaves.size() > 1 ? "  <- more than one leaf" : "") << "\n";
  }
  out << "\nplan:\n";
  for (const graph::NodeId id : graph.plan()) out << "  " << graph.node(id).app << "." << graph.node(id).name << "\n";
}

}  // namespace godwit::report
