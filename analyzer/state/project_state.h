#pragma once

#include <array>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/ir/field_spec.h"
#include "analyzer/ir/migration.h"

namespace godwit::state {

struct FieldState {
  std::string name;
  ir::FieldSpec spec;  // its `definition` points into the IR, which outlives the state
};

struct IndexState {
  std::string name;
  std::vector<std::string> fields;  // empty when the index is on expressions
  const ir::Value* definition = nullptr;
};

struct ConstraintState {
  enum class Kind : uint8_t { Unique, Check, Exclusion, Other };
  Kind kind = Kind::Other;
  std::string name;
  std::vector<std::string> fields;          // UniqueConstraint(fields=[...])
  const ir::Value* check = nullptr;         // CheckConstraint(check=...) / condition=
  const ir::Value* definition = nullptr;
  const ir::Migration* added_in = nullptr;
  bool validated = true;  // false after AddConstraintNotValid until ValidateConstraint
};

// One model as migrations describe it (Django's ModelState), keyed by app and lower-cased name.
struct ModelState {
  std::string app;
  std::string name;  // as declared
  std::vector<FieldState> fields;
  bool fields_known = true;  // false when CreateModel's fields could not be read
  std::string db_table;
  bool db_table_explicit = false;
  bool db_table_known = true;
  std::vector<std::vector<std::string>> unique_together;
  std::vector<std::vector<std::string>> index_together;
  std::vector<IndexState> indexes;
  std::vector<ConstraintState> constraints;
  bool managed = true;
  bool proxy = false;
  std::vector<std::string> bases;  // qualified, as written (e.g. "django.db.models.Model", "shop.base")
  const ir::Migration* created_in = nullptr;
  // A custom operation ran on this model (or its app): what it did is unknown.
  bool uncertain = false;

  [[nodiscard]] const FieldState* field(std::string_view field_name) const;
  [[nodiscard]] FieldState* field(std::string_view field_name);
  // The actual column name of a field: db_column, or the name (plus `_id` for a ForeignKey or
  // OneToOneField); nullopt when db_column is not statically known.
  [[nodiscard]] static std::optional<std::string> column_name(const FieldState& field);
  [[nodiscard]] static std::string default_table(std::string_view app, std::string_view model);
};

enum class Knowledge : uint8_t { Known, Absent, Unknown };

struct FieldLookup {
  Knowledge knowledge = Knowledge::Unknown;
  const ModelState* model = nullptr;  // set whenever the model is in the state
  const FieldState* field = nullptr;  // set when Known
};

// A model's key ("app.model", the name lower-cased) given as its pieces, so that a lookup builds
// no string; ModelKeyLess orders keys and such views alike.
struct ModelKeyView {
  std::string_view app;
  std::string_view name;
};
struct ModelKeyLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a < b; }
  bool operator()(std::string_view key, const ModelKeyView& view) const { return compare(key, view) < 0; }
  bool operator()(const ModelKeyView& view, std::string_view key) const { return compare(key, view) > 0; }
  // <0, 0, >0 as `key` orders before, as, after the key the view stands for.
  static int compare(std::string_view key, const ModelKeyView& view);
};
// Hashing and equality alike for keys and views, for the state's index.
struct ModelKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const;
  size_t operator()(const ModelKeyView& view) const;
};
struct ModelKeyEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  bool operator()(std::string_view key, const ModelKeyView& view) const { return ModelKeyLess::compare(key, view) == 0; }
  bool operator()(const ModelKeyView& view, std::string_view key) const { return ModelKeyLess::compare(key, view) == 0; }
};

// The models of a project at one point of the migration plan. Not for concurrent use, even
// through a const reference: lookups remember their last answers (see RecentLookup).
class ProjectState {
 public:
  ProjectState() = default;
  // `swappable` maps settings such as AUTH_USER_MODEL to "app.Model": relations to a swappable
  // setting are stored against the model it names.
  explicit ProjectState(std::map<std::string, std::string> swappable) : swappable_(std::move(swappable)) {}
  ProjectState(const ProjectState& other);
  ProjectState& operator=(const ProjectState& other);
  // A moved map keeps its nodes: the index's views stay valid.
  ProjectState(ProjectState&& other) noexcept;
  ProjectState& operator=(ProjectState&& other) noexcept;
  ~ProjectState() = default;

  // "settings.AUTH_USER_MODEL" -> "auth.User" (unchanged when the setting is unknown).
  [[nodiscard]] std::string resolve_swappable(const std::string& setting) const;
  [[nodiscard]] const ModelState* model(std::string_view app, std::string_view model_name) const;
  [[nodiscard]] ModelState* model(std::string_view app, std::string_view model_name);
  // Known (the field is in the state), Absent (the model is fully known and has no such field),
  // or Unknown (the model's history is missing, or a custom operation may have changed it).
  [[nodiscard]] FieldLookup lookup_field(std::string_view app, std::string_view model_name,
                                         std::string_view field_name) const;

  // True when a DeleteModel removed the model from the state (and nothing re-created it).
  [[nodiscard]] bool model_removed(std::string_view app, std::string_view model_name) const;

  // Every model, ordered by (app, lower-cased name).
  [[nodiscard]] const std::map<std::string, ModelState, ModelKeyLess>& models() const { return models_; }

  ModelState& add_model(ModelState model);
  void remove_model(std::string_view app, std::string_view model_name);
  void rename_model(std::string_view app, std::string_view old_name, std::string_view new_name);
  // Marks every model of an app uncertain (a custom operation that names no model).
  void mark_app_uncertain(std::string_view app);

  static std::string key(std::string_view app, std::string_view model_name);

 private:
  void reindex();
  [[nodiscard]] ModelState* find(std::string_view app, std::string_view model_name) const;
  void forget_lookups() const { recent_ = {}; }

  // The last few lookups and what they found (nullptr: no such model), emptied whenever a model
  // is added, removed or renamed. Rules ask for the same model many times per operation; a hit
  // compares two short strings instead of hashing a case-folded key. Queries are copied (the
  // caller's strings may be temporaries); longer ones are not remembered.
  struct RecentLookup {
    uint8_t app_size = 0;
    uint8_t name_size = 0;
    bool used = false;
    std::array<char, 32> app{};
    std::array<char, 64> name{};
    ModelState* found = nullptr;
  };
  mutable std::array<RecentLookup, 4> recent_{};
  mutable uint8_t recent_next_ = 0;

  std::map<std::string, ModelState, ModelKeyLess> models_;
  // models_ by key, for lookups (rules look models up for every operation): views of its keys.
  std::unordered_map<std::string_view, ModelState*, ModelKeyHash, ModelKeyEqual> index_;
  std::map<std::string, std::string> swappable_;
  std::set<std::string, ModelKeyLess> removed_;
};

// Applies one operation's effect on the state, as Django's state_forwards does. Operations
// inside SeparateDatabaseAndState.state_operations (and RunSQL's) are applied; database
// operations are not. Custom operations make what they touch uncertain.
void apply_operation(ProjectState& state, const ir::Migration& migration, const ir::Operation& operation);

// Reads `unique_together`/`index_together` as Django normalizes it (a single tuple of names is
// a list of one); `known` is false when the value is not static.
std::vector<std::vector<std::string>> read_together(const ir::Value* value, bool& known);

// Reads a `models.Index(...)` / constraint call into its state form.
IndexState read_index(const ir::Value& index);
ConstraintState read_constraint(const ir::Value& constraint);

}  // namespace godwit::state

#include "analyzer/graph/migration_graph.h"

namespace godwit::state {

// Replays the given migrations (a plan) from an empty state.
ProjectState replay(const graph::MigrationGraph& graph, const std::vector<graph::NodeId>& plan,
                    const std::map<std::string, std::string>& swappable);

}  // namespace godwit::state
