#include <memory>

#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 3},
    .name = "add-foreign-key-validated",
    .severity = Severity::Warning,
    .summary = "a foreign key added to an existing table with its constraint: both tables are locked for a scan",
    .docs = R"md(## What it does
Flags, on PostgreSQL, an `AddField` of a `ForeignKey` or `OneToOneField` whose database
constraint is on (`db_constraint` is not `False`) on an existing table.

## Why is this bad?
Django adds the column, then `ADD CONSTRAINT … FOREIGN KEY`, which locks this table and the
referenced one in SHARE ROW EXCLUSIVE mode, so writes to both wait, while PostgreSQL scans this
table to validate every row. The column's index is built with a plain `CREATE INDEX`, which blocks
writes until it is done. In an atomic migration the `ADD COLUMN` has already taken an ACCESS
EXCLUSIVE lock on the table, held until the migration commits: reads wait too.

## Example
```python
operations = [
    migrations.AddField(
        model_name="order",
        name="coupon",
        field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to="shop.coupon"),
    ),
]
```

## Use instead
Add the column without constraint and index, then build each without the long lock:
```python
# 0013_order_coupon.py
operations = [
    migrations.AddField(
        model_name="order",
        name="coupon",
        field=models.ForeignKey(
            null=True, on_delete=models.SET_NULL, to="shop.coupon", db_constraint=False, db_index=False
        ),
    ),
]

# 0014_order_coupon_index.py: atomic = False
operations = [
    migrations.RunSQL(
        'CREATE INDEX CONCURRENTLY "shop_order_coupon_id_idx" ON "shop_order" ("coupon_id")',
        reverse_sql='DROP INDEX CONCURRENTLY "shop_order_coupon_id_idx"',
    ),
]

# 0015_order_coupon_constraint.py
operations = [
    migrations.RunSQL(
        'ALTER TABLE "shop_order" ADD CONSTRAINT "shop_order_coupon_id_fk" FOREIGN KEY ("coupon_id") '
        'REFERENCES "shop_coupon" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID',
        reverse_sql='ALTER TABLE "shop_order" DROP CONSTRAINT "shop_order_coupon_id_fk"',
        state_operations=[
            migrations.AlterField(
                model_name="order",
                name="coupon",
                field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to="shop.coupon"),
            ),
        ],
    ),
]

# 0016_validate_order_coupon.py
operations = [
    migrations.RunSQL(
        'ALTER TABLE "shop_order" VALIDATE CONSTRAINT "shop_order_coupon_id_fk"',
        reverse_sql=migrations.RunSQL.noop,
    ),
]
```
`NOT VALID` skips the scan, so the constraint's lock is brief; `VALIDATE CONSTRAINT` scans with a
SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on.

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release).
- `db_constraint=False`: no constraint (an index added by default is reported by
  `add-index-non-concurrently`).
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `ALTER TABLE` (`ADD table_constraint … NOT VALID`, `VALIDATE CONSTRAINT`),
  "Explicit Locking"
- Django documentation: `ForeignKey.db_constraint`
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_coupon")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="coupon",
            field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to="shop.coupon"),
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_coupon")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="coupon",
            field=models.ForeignKey(
                null=True, on_delete=models.SET_NULL, to="shop.coupon", db_constraint=False, db_index=False
            ),
        ),
    ]
)py",
    .example_settings = "database=postgresql",
};

// The model a relation points to, and its table and key column as far as the state knows them.
struct Target {
  std::string table;          // empty when the target is not known
  std::string column = "id";  // the referenced column
};

Target target_of(const rule::OperationContext& context, const ir::FieldSpec& field) {
  const std::string& app = context.migration().app_label;
  std::string target_app;
  std::string target_model;
  if (!field.relation_setting.get().empty()) {
    const std::string resolved = context.state().resolve_swappable(field.relation_setting.get());
    if (resolved.starts_with("settings.")) return {};
    const auto dot = resolved.find('.');
    target_app = resolved.substr(0, dot);
    target_model = resolved.substr(dot + 1);
  } else if (field.relation_to.known()) {
    const std::string& to = field.relation_to.value();
    const auto dot = to.find('.');
    if (to == "self") {
      target_app = app;
      target_model = context.operation().model_key();
    } else if (dot == std::string::npos) {
      target_app = app;
      target_model = to;
    } else {
      target_app = to.substr(0, dot);
      target_model = to.substr(dot + 1);
    }
  } else {
    return {};
  }
  Target out;
  const state::ModelState* model = context.state().model(target_app, target_model);
  out.table = model != nullptr && model->db_table_known ? model->db_table
                                                        : state::ModelState::default_table(target_app, target_model);
  if (const ir::Value* to_field = field.option("to_field"); to_field != nullptr && to_field->as_string() != nullptr) {
    out.column = zd::column_of(model, *to_field->as_string());
  } else if (model != nullptr) {
    for (const state::FieldState& f : model->fields) {
      if (f.spec.primary_key == ir::Tri::Yes) out.column = state::ModelState::column_name(f).value_or(f.name);
    }
  }
  return out;
}

class AddForeignKeyValidated final : public rule::OperationRule {
 public:
  AddForeignKeyValidated() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AddField}; }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    if (field == nullptr || name == nullptr || op.model_key().empty()) return;
    const bool one_to_one = field->field_class == ir::FieldClass::OneToOneField;
    if (field->field_class != ir::FieldClass::ForeignKey && !one_to_one) return;
    if (field->db_constraint == ir::Tri::No) return;
    if (context.on_new_table() || !zd::has_own_table(context.model_before())) return;

    const std::string model = context.model_name();
    const std::string table = context.table_name(op.model_key());
    const std::string column = field->db_column.known() ? field->db_column.value() : *name + "_id";
    const Target target = target_of(context, *field);
    const std::string referenced = target.table.empty() ? "the referenced table" : "`" + target.table + "`";
    const bool same_table = target.table == table;
    // A OneToOneField's index is its unique constraint: add-unique-non-concurrently's help.
    const bool plain_index = !one_to_one && field->db_index == ir::Tri::Yes;

    std::string message = "adding foreign key `" + model + "." + *name + "` to existing table `" + table +
                          "`: `ADD CONSTRAINT … FOREIGN KEY` holds SHARE ROW EXCLUSIVE locks on `" + table + "`" +
                          (same_table ? "" : " and " + referenced) + " (writes wait) while it scans `" + table +
                          "` to validate it";
    if (one_to_one) {
      message += ", and its unique index on `" + column + "` is built under the same lock";
    } else if (plain_index) {
      message += ", and its index on `" + column + "` is built with a plain `CREATE INDEX`, blocking writes";
    }
    if (context.migration().atomic == ir::Tri::Yes) {
      message += "; in this atomic migration the `ADD COLUMN`'s ACCESS EXCLUSIVE lock on `" + table +
                 "` is held throughout, so reads of it wait too";
    }

    const std::string index = table + "_" + column + "_idx";
    const std::string constraint = table + "_" + column + "_fk";
    std::string help =
        "add `" + *name + "` with `db_constraint=False" + (plain_index ? ", db_index=False" : "") + "`; ";
    if (plain_index) {
      help += "in a migration with `atomic = False`, `RunSQL('CREATE INDEX CONCURRENTLY \"" + index + "\" ON \"" +
              table + "\" (\"" + column + "\")', reverse_sql='DROP INDEX CONCURRENTLY \"" + index + "\"')`; ";
    }
    help += "then `RunSQL('ALTER TABLE \"" + table + "\" ADD CONSTRAINT \"" + constraint + "\" FOREIGN KEY (\"" +
            column + "\") REFERENCES \"" + (target.table.empty() ? "<referenced table>" : target.table) + "\" (\"" +
            target.column + "\") DEFERRABLE INITIALLY DEFERRED NOT VALID', reverse_sql='ALTER TABLE \"" + table +
            "\" DROP CONSTRAINT \"" + constraint +
            "\"', state_operations=[migrations.AlterField(...)])` with the field as written here in "
            "`state_operations`; and in a later migration `RunSQL('ALTER TABLE \"" +
            table + "\" VALIDATE CONSTRAINT \"" + constraint +
            "\"', reverse_sql=migrations.RunSQL.noop)`, which scans without blocking reads or writes";
    context.report(op.range(), std::move(message), std::move(help));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_add_foreign_key_validated() { return std::make_unique<AddForeignKeyValidated>(); }

}  // namespace godwit::rules
