#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 6},
    .name = "alter-field-not-null",
    .severity = Severity::Error,
    .summary = "AlterField from null=True to NOT NULL breaks old code and locks the table",
    .docs = R"md(## What it does
Flags `AlterField` that makes a nullable column NOT NULL on an existing table. It needs the
field's history (the state before the migration says `null=True`): when godwit cannot see it,
it stays silent.

## Why is this bad?
The old code may still write NULL into the column: those writes fail as soon as the constraint
exists. On PostgreSQL, `ALTER COLUMN ... SET NOT NULL` scans the whole table under an ACCESS
EXCLUSIVE lock (no reads, no writes), and when the field has a default Django first runs one
big `UPDATE ... SET col = default WHERE col IS NULL` in the same transaction.

## Example
```python
migrations.AlterField(
    model_name="order", name="shipped_at", field=models.DateTimeField(),
),
```

## Use instead
1. Deploy code that never writes NULL, and backfill existing rows in batches (a data migration).
2. Add a check constraint without validating it, then validate it in a separate migration:
   `AddConstraintNotValid("order", models.CheckConstraint(check=models.Q(shipped_at__isnull=False),
   name="order_shipped_at_not_null"))`, then `ValidateConstraint("order", "order_shipped_at_not_null")`
   (`django.contrib.postgres.operations`, Django 4.0+). Validation takes a light lock.
3. Then the `AlterField`: PostgreSQL uses the validated constraint and skips the scan.

## When it is fine
- An earlier migration added a `CheckConstraint` with `Q(<field>__isnull=False)` on the model.
- The table was created in the same migration or release.
- The migration runs after the new code is live (`Safe.after_deploy()`, or
  `deploy-order = "code-first"`) and the table is small.

## References
- PostgreSQL documentation: `ALTER TABLE ... SET NOT NULL` ("the table is scanned unless a valid
  CHECK constraint proves no NULLs")
- Django documentation: `AddConstraintNotValid`, `ValidateConstraint`
)md",
    .bad_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("shipped_at", models.DateTimeField(null=True)),
            ],
        ),
    ]
# file: shop/migrations/0002_order_shipped_at_not_null.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AlterField(model_name="order", name="shipped_at", field=models.DateTimeField()),
    ]
)py",
    .good_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("shipped_at", models.DateTimeField(null=True)),
            ],
        ),
    ]
# file: shop/migrations/0002_order_shipped_at_check.py
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        AddConstraintNotValid(
            model_name="order",
            constraint=models.CheckConstraint(
                check=models.Q(shipped_at__isnull=False), name="order_shipped_at_not_null"
            ),
        ),
    ]
# file: shop/migrations/0003_order_shipped_at_not_null.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_shipped_at_check")]
    operations = [
        migrations.AlterField(model_name="order", name="shipped_at", field=models.DateTimeField()),
    ]
)py",
};

// `Q(<field>__isnull=False)`, or the form makemigrations serializes: `Q(("<field>__isnull", False))`.
bool checks_not_null(const ir::Value* check, std::string_view field) {
  if (check == nullptr || !check->is(ir::Value::Kind::Call) || check->short_name() != "Q") return false;
  const std::string lookup = std::string(field) + "__isnull";
  if (const ir::Value* isnull = check->keyword(lookup)) return isnull->as_bool() == false;
  const auto args = check->elements();
  if (args.size() != 1 || !args[0].is(ir::Value::Kind::Tuple) || args[0].elements().size() != 2) return false;
  const std::string* key = args[0].elements()[0].as_string();
  return key != nullptr && *key == lookup && args[0].elements()[1].as_bool() == false;
}

class AlterFieldNotNull final : public rule::OperationRule {
 public:
  AlterFieldNotNull() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AlterField}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const std::string* name = op.string_arg(ir::Param::name);
    const std::string& model_key = op.model_key();
    if (name == nullptr || model_key.empty() || op.field() == nullptr) return;
    if (op.field()->null != ir::Tri::No || op.field()->has_unpacking || !op.field()->has_column()) return;
    if (context.on_new_table() || context.runs_after_deploy()) return;
    const state::FieldLookup before = context.state().lookup_field(context.migration().app_label, model_key, *name);
    if (before.knowledge != state::Knowledge::Known || before.field->spec.null != ir::Tri::Yes) return;
    if (!before.model->managed || before.model->proxy) return;
    for (const state::ConstraintState& c : before.model->constraints) {
      if (c.kind == state::ConstraintState::Kind::Check && c.added_in != &context.migration() &&
          checks_not_null(c.check, before.field->name)) {
        return;  // a constraint proves there are no NULLs
      }
    }

    const std::string model = context.model_name();
    const std::string column = state::ModelState::column_name(*before.field).value_or(*name);
    const std::string table = context.table_name(model_key);
    std::string message = "making `" + model + "." + *name + "` NOT NULL breaks the running code's writes of NULL";
    if (context.config().database == config::Database::PostgreSQL) {
      message += "; `SET NOT NULL` also scans `" + table + "` under an ACCESS EXCLUSIVE lock";
      if (op.field()->default_value.present()) message += " after one big `UPDATE` of the NULL rows";
    }
    std::string help = "deploy code that never writes NULL and backfill in batches first";
    if (context.config().database == config::Database::PostgreSQL) {
      help += "; then add `CheckConstraint(check=Q(" + before.field->name + "__isnull=False), name=\"" + table + "_" +
              column + "_not_null\")` with `AddConstraintNotValid`, `ValidateConstraint` in a later migration, and only "
              "then this AlterField";
    } else {
      help += "; then make it NOT NULL in a later release";
    }
    context.report(op.range(), std::move(message), std::move(help));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_alter_field_not_null() { return std::make_unique<AlterFieldNotNull>(); }

}  // namespace godwit::rules
