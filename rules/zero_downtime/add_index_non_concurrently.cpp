#include <memory>

#include "analyzer/ir/column_type.h"
#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 1},
    .name = "add-index-non-concurrently",
    .severity = Severity::Error,
    .summary = "an index built on an existing table without CONCURRENTLY: writes wait for the whole build",
    .docs = R"md(## What it does
Flags, on PostgreSQL, an index built on an existing table with a plain `CREATE INDEX`:
`AddIndex`, an `AddField` of an indexed field (`db_index=True`, or a `SlugField` or a
`ForeignKey` without a database constraint, which are indexed by default), an `AlterField` that
makes Django build the field's index, and `AlterIndexTogether` adding a set.

## Why is this bad?
`CREATE INDEX` takes a SHARE lock on the table and holds it until the index is built: every
`INSERT`, `UPDATE` and `DELETE` waits, for minutes on a big table, and the requests of the running
site pile up behind it. When the index comes with a new column in an atomic migration, the
`ADD COLUMN` has already taken an ACCESS EXCLUSIVE lock, held until the migration commits: reads
wait too. On PostgreSQL Django also adds a second, `_like` index (`varchar_pattern_ops`) for an
indexed `varchar` or `text` column.

## Example
```python
operations = [
    migrations.AddIndex(
        model_name="order",
        index=models.Index(fields=["status", "created_at"], name="order_status_created_idx"),
    ),
]
```

## Use instead
Build it with `CREATE INDEX CONCURRENTLY`, which lets writes go on, in a migration of its own
that is not atomic (PostgreSQL cannot build an index concurrently inside a transaction):
```python
from django.contrib.postgres.operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status", "created_at"], name="order_status_created_idx"),
        ),
    ]
```
For a new indexed field, add the field without `db_index=True`, declare the index in
`Meta.indexes`, and create that index concurrently in the next migration. For `index_together`,
move the set to `Meta.indexes` the same way.

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release):
  it is empty and nothing uses it yet.
- A unique index: `add-unique-non-concurrently` (ZD004) reports it.
- A `ForeignKey` or `OneToOneField` added with its database constraint: `add-foreign-key-validated`
  (ZD003) reports the constraint and the index together.
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `CREATE INDEX`, "Building Indexes Concurrently"; "Explicit Locking"
- Django documentation: `django.contrib.postgres.operations.AddIndexConcurrently`
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_status")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["status", "created_at"], name="order_status_created_idx"),
        ),
    ]
)py",
    .good_example = R"py(from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("shop", "0012_order_status")]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status", "created_at"], name="order_status_created_idx"),
        ),
    ]
)py",
    .example_settings = "database=postgresql",
};

constexpr std::string_view kWritesWait =
    "its SHARE lock blocks every INSERT, UPDATE and DELETE on the table until the whole index is built";

class AddIndexNonConcurrently final : public rule::OperationRule {
 public:
  AddIndexNonConcurrently() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override {
    return {ir::OperationKind::AddIndex, ir::OperationKind::AddField, ir::OperationKind::AlterField,
            ir::OperationKind::AlterIndexTogether};
  }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    const ir::Operation& op = context.operation();
    if (op.model_key().empty() || context.on_new_table() || !zd::has_own_table(context.model_before())) return;
    switch (op.kind()) {
      case ir::OperationKind::AddIndex: check_add_index(context); return;
      case ir::OperationKind::AddField: check_add_field(context); return;
      case ir::OperationKind::AlterField: check_alter_field(context); return;
      case ir::OperationKind::AlterIndexTogether: check_index_together(context); return;
      default: return;
    }
  }

 private:
  // The model as the operation writes it (`model_name="order"`), for the help's code.
  static std::string written_model(const ir::Operation& op) {
    const std::string* written = op.string_arg(ir::Param::model_name);
    if (written == nullptr) written = op.string_arg(ir::Param::name);
    return written != nullptr ? *written : op.model_key();
  }

  static std::string concurrently(const ir::Operation& op, const std::string& index) {
    return "`AddIndexConcurrently(model_name=\"" + written_model(op) + "\", index=" + index + ")`";
  }

  static void check_add_index(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const ir::Value* index = op.arg(ir::Param::index).value;
    if (index == nullptr) return;
    const state::IndexState read = state::read_index(*index);
    const std::string table = context.table_name(op.model_key());
    const std::string what = read.name.empty() ? "an index" : "index `" + read.name + "`";
    context.report(op.range(),
                   "`AddIndex` builds " + what + " on existing table `" + table +
                       "` with a plain `CREATE INDEX`: " + std::string(kWritesWait),
                   "build it without blocking writes: " + concurrently(op, zd::one_line(context.text(index->range()))) +
                       " (from `django.contrib.postgres.operations`), alone in a migration with `atomic = False`");
  }

  // The help for a field whose index should be built separately.
  static std::string field_help(const rule::OperationContext& context, const std::string& field, bool adding) {
    const ir::Operation& op = context.operation();
    const std::string model = context.model_name();
    const std::string name = zd::index_name(op.model_key(), {field});
    const std::string index = "models.Index(fields=[\"" + field + "\"], name=\"" + name + "\")";
    return std::string(adding ? "add `" + field + "` without its index" : "keep the index of `" + field + "` off") +
           " (`db_index=False`), declare `" + index + "` in `" + model + ".Meta.indexes`, and create it with " +
           concurrently(op, index) + " in a separate migration with `atomic = False`";
  }

  static std::string like_index_note(const ir::FieldSpec& field) {
    const auto type = ir::column_type(field, config::Database::PostgreSQL);
    if (!type || (type->base != "varchar" && type->base != "text")) return "";
    return " (plus the `_like` index Django adds to an indexed `" + type->base + "` column for `LIKE` lookups)";
  }

  static void check_add_field(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    if (field == nullptr || name == nullptr || field->has_unpacking || !zd::plain_index(*field)) return;
    const bool relation =
        field->field_class == ir::FieldClass::ForeignKey || field->field_class == ir::FieldClass::OneToOneField;
    // A relation with its constraint is add-foreign-key-validated's finding, index included.
    if (relation && field->db_constraint != ir::Tri::No) return;

    const std::string model = context.model_name();
    const std::string table = context.table_name(op.model_key());
    std::string why = "`db_index=True`";
    if (!field->db_index_explicit) {
      why = std::string("a `") + std::string(ir::to_string(field->field_class)) + "` is indexed by default";
    }
    std::string message = "adding `" + model + "." + *name + "` (" + why + ") to existing table `" + table +
                          "` builds its index with a plain `CREATE INDEX`" + like_index_note(*field) + ": ";
    if (context.migration().atomic == ir::Tri::Yes) {
      message +=
          "in this atomic migration the `ADD COLUMN`'s ACCESS EXCLUSIVE lock is held until the build ends, "
          "so every read and write of the table waits";
    } else {
      message += kWritesWait;
    }
    context.report(op.range(), std::move(message), field_help(context, *name, true));
  }

  static void check_alter_field(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    if (field == nullptr || name == nullptr) return;
    const state::FieldLookup before =
        context.state().lookup_field(context.migration().app_label, op.model_key(), *name);
    if (before.knowledge != state::Knowledge::Known) return;  // whether the index existed is unknown
    if (!zd::alter_adds_index(before.field->spec, *field)) return;
    const std::string model = context.model_name();
    const std::string table = context.table_name(op.model_key());
    const std::string what = before.field->spec.unique == ir::Tri::Yes
                                 ? "replaces the unique constraint of `" + model + "." + *name + "` with a plain index"
                                 : "turns on the index of `" + model + "." + *name + "`";
    // A unique column already has its `_like` index; Django keeps it.
    const std::string like = before.field->spec.unique == ir::Tri::Yes ? "" : like_index_note(*field);
    context.report(op.range(),
                   "`AlterField` " + what + " on existing table `" + table + "`, built with a plain `CREATE INDEX`" +
                       like + ": " + std::string(kWritesWait),
                   field_help(context, *name, false));
  }

  static void check_index_together(const rule::OperationContext& context) {
    const ir::Operation& op = context.operation();
    const state::ModelState* model = context.model_before();
    if (model == nullptr || model->uncertain) return;  // the sets before are unknown
    bool known = true;
    const auto sets = state::read_together(op.arg(ir::Param::index_together).value, known);
    if (!known) return;
    const auto added = zd::sets_missing_from(sets, model->index_together);
    if (added.empty()) return;
    std::vector<std::string> shown;
    std::vector<std::string> replacements;
    for (const auto& set : added) {
      shown.push_back("`" + model->name + "(" + zd::join(set) + ")`");
      replacements.push_back(concurrently(op, "models.Index(fields=" + zd::python_list(set) + ", name=\"" +
                                                  zd::index_name(op.model_key(), set) + "\")"));
    }
    context.report(op.range(),
                   "`AlterIndexTogether` adds " + std::string(added.size() == 1 ? "the index " : "the indexes ") +
                       zd::join(shown) + " to existing table `" + context.table_name(op.model_key()) +
                       "` with a plain `CREATE INDEX`: " + std::string(kWritesWait),
                   "move the " + std::string(added.size() == 1 ? "set" : "sets") + " to `" + model->name +
                       ".Meta.indexes` and create " + std::string(added.size() == 1 ? "it" : "each") + " with " +
                       zd::join(replacements, " and ") + ", alone in a migration with `atomic = False`");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_add_index_non_concurrently() { return std::make_unique<AddIndexNonConcurrently>(); }

}  // namespace godwit::rules
