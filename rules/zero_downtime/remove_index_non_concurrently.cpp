#include <memory>

#include "analyzer/ir/column_type.h"
#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/django_names.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 11},
    .name = "remove-index-non-concurrently",
    .severity = Severity::Warning,
    .summary = "an index dropped from an existing table without CONCURRENTLY: ACCESS EXCLUSIVE lock",
    .docs = R"md(## What it does
Flags, on PostgreSQL, an index dropped from an existing table with a plain `DROP INDEX`:
`RemoveIndex`, an `AlterField` after which Django no longer indexes the field (`db_index`
turned off, or `unique=True` taking the index's place), and `AlterIndexTogether` removing a set.

## Why is this bad?
`DROP INDEX` takes an ACCESS EXCLUSIVE lock on the table. The drop itself is quick, but the lock
has to wait for every query already running on the table, and every query that arrives meanwhile
waits behind it: one slow report holding the table stalls the whole site.

## Example
```python
operations = [
    migrations.RemoveIndex(model_name="order", name="order_status_idx"),
]
```

## Use instead
```python
from django.contrib.postgres.operations import RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    operations = [
        RemoveIndexConcurrently(model_name="order", name="order_status_idx"),
    ]
```
For an index Django made for a field or an `index_together` set, drop it with
`RunSQL('DROP INDEX CONCURRENTLY …')` in a migration with `atomic = False`, and keep the
`AlterField` or `AlterIndexTogether` as the `state_operations` of a `SeparateDatabaseAndState`
around it.

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release).
- `RemoveIndexConcurrently`.
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `DROP INDEX` (`CONCURRENTLY`), "Explicit Locking"
- Django documentation: `django.contrib.postgres.operations.RemoveIndexConcurrently`
)md",
    .bad_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0013_order_status_created_idx")]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_status_idx"),
    ]
)py",
    .good_example = R"py(from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("shop", "0013_order_status_created_idx")]

    operations = [
        RemoveIndexConcurrently(model_name="order", name="order_status_idx"),
    ]
)py",
    .example_settings = "database=postgresql",
};

constexpr std::string_view kExclusive =
    "takes an ACCESS EXCLUSIVE lock on the table: it waits for every running query on it, and every query "
    "arriving meanwhile waits behind it";

// An index Django built for a field or an index_together set: its name and what rebuilds it.
struct BuiltIndex {
  std::string name;
  std::string columns;  // the SQL between the parentheses of CREATE INDEX
};

// Drop the indexes by hand, concurrently, while the operation only changes the state.
std::string drop_by_hand_help(const std::string& table, const std::vector<BuiltIndex>& indexes,
                              const std::string& state_operation) {
  std::string statements;
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (i > 0) statements += ", ";
    statements += "RunSQL('DROP INDEX CONCURRENTLY \"" + indexes[i].name +
                  "\"', reverse_sql='CREATE INDEX CONCURRENTLY \"" + indexes[i].name + "\" ON \"" + table + "\" (" +
                  indexes[i].columns + ")')";
  }
  return "in a migration with `atomic = False`, `SeparateDatabaseAndState(database_operations=[" + statements +
         "], state_operations=[" + state_operation + "])` (the name" + (indexes.size() > 1 ? "s are" : " is") +
         " Django's for " + (indexes.size() > 1 ? "these indexes" : "this index") +
         " unless the table or column was renamed since it was built; `\\d` in psql lists them)";
}

class RemoveIndexNonConcurrently final : public rule::OperationRule {
 public:
  RemoveIndexNonConcurrently() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override {
    return {ir::OperationKind::RemoveIndex, ir::OperationKind::AlterField, ir::OperationKind::AlterIndexTogether};
  }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    const ir::Operation& op = context.operation();
    if (op.model_key().empty() || context.on_new_table() || !zd::has_own_table(context.model_before())) return;
    switch (op.kind()) {
      case ir::OperationKind::RemoveIndex: check_remove_index(context); return;
      case ir::OperationKind::AlterField: check_alter_field(context); return;
      case ir::OperationKind::AlterIndexTogether: check_index_together(context); return;
      default: return;
    }
  }

 private:
  static void check_remove_index(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const std::string* name = op.string_arg(ir::Param::name);
    const std::string* model = op.string_arg(ir::Param::model_name);
    const std::string index = name != nullptr ? *name : "...";
    context.report(op.range(),
                   "`RemoveIndex` drops `" + index + "` from existing table `" + context.table_name(op.model_key()) +
                       "` with a plain `DROP INDEX`, which " + std::string(kExclusive),
                   "drop it with `RemoveIndexConcurrently(model_name=\"" +
                       (model != nullptr ? *model : op.model_key()) + "\", name=\"" + index +
                       "\")` (from `django.contrib.postgres.operations`), alone in a migration with `atomic = False`");
  }

  static void check_alter_field(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    if (field == nullptr || name == nullptr) return;
    const state::FieldLookup before =
        context.state().lookup_field(context.migration().app_label, op.model_key(), *name);
    if (before.knowledge != state::Knowledge::Known) return;  // whether an index existed is unknown
    const ir::FieldSpec& old_spec = before.field->spec;
    if (!zd::alter_removes_index(old_spec, *field)) return;

    const std::string table = context.table_name(op.model_key());
    const std::optional<std::string> column = state::ModelState::column_name(*before.field);
    std::vector<BuiltIndex> indexes;
    std::string also;
    if (column) {
      const std::string quoted = "\"" + *column + "\"";
      indexes.push_back({zd::django_index_name(table, {*column}), quoted});
      // PostgreSQL: a varchar or text column also has a `_like` index, a btree on the same column,
      // which Django finds and drops with it (and builds again when the field becomes unique).
      const auto type = ir::column_type(old_spec, config::Database::PostgreSQL);
      if (type && (type->base == "varchar" || type->base == "text")) {
        indexes.push_back(
            {zd::django_index_name(table, {*column}, "_like"), quoted + " " + type->base + "_pattern_ops"});
        also = " (and its `_like` pattern index)";
      }
    }
    const std::string model = context.model_name();
    const std::string written = zd::one_line(context.text(op.range()));
    const std::string index_of = "the index of `" + model + "." + *name + "`" + also;
    const std::string what =
        field->unique == ir::Tri::Yes
            ? "replaces " + index_of + " with a unique constraint, dropping it from existing table `"
            : "drops " + index_of + " from existing table `";
    context.report(
        op.range(), "`AlterField` " + what + table + "` with a plain `DROP INDEX`, which " + std::string(kExclusive),
        column ? drop_by_hand_help(table, indexes, written) +
                     (field->unique == ir::Tri::Yes ? "; the unique constraint then needs its own concurrent build "
                                                      "(see add-unique-non-concurrently)"
                                                    : "")
               : "drop the index with `RunSQL('DROP INDEX CONCURRENTLY …')` in a migration with `atomic = "
                 "False`, and keep this `AlterField` in the `state_operations` of a "
                 "`SeparateDatabaseAndState` around it");
  }

  static void check_index_together(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const state::ModelState* model = context.model_before();
    if (model == nullptr || model->uncertain) return;  // the sets before are unknown
    bool known = true;
    const auto sets = state::read_together(op.arg(ir::Param::index_together).value, known);
    if (!known) return;
    const auto removed = zd::sets_missing_from(model->index_together, sets);
    if (removed.empty()) return;
    const std::string table = context.table_name(op.model_key());
    std::vector<std::string> shown;
    std::vector<BuiltIndex> indexes;
    for (const auto& set : removed) {
      shown.push_back("`" + model->name + "(" + zd::join(set) + ")`");
      std::vector<std::string> columns;
      for (const auto& f : set) columns.push_back(zd::column_of(model, f));
      indexes.push_back({zd::django_index_name(table, columns, "_idx"), zd::sql_identifiers(columns)});
    }
    context.report(op.range(),
                   "`AlterIndexTogether` drops the index " + std::string(removed.size() > 1 ? "sets " : "") +
                       zd::join(shown) + " from existing table `" + table + "` with a plain `DROP INDEX`, which " +
                       std::string(kExclusive),
                   drop_by_hand_help(table, indexes, zd::one_line(context.text(op.range()))));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_remove_index_non_concurrently() {
  return std::make_unique<RemoveIndexNonConcurrently>();
}

}  // namespace godwit::rules
