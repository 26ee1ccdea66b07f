#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 1},
    .name = "add-not-null-field",
    .severity = Severity::Error,
    .summary = "AddField of a NOT NULL column to an existing table breaks the running code's INSERTs",
    .docs = R"md(## What it does
Flags `AddField` of a column that is NOT NULL (`null` not `True`) and has no database default
(`db_default`), on a table that already exists: not created earlier in the same migration (nor,
with `--diff-base`, in the same release).

## Why is this bad?
Migrations run while the old code still serves traffic. Django adds the column with the field's
`default` only for the duration of the migration and then drops it: from that moment every
`INSERT` the old code sends (it does not know the new column) fails with a NOT NULL violation.
Without any `default`, the migration itself fails on a table that has rows.

## Example
```python
migrations.AddField(
    model_name="order",
    name="currency",
    field=models.CharField(max_length=3, default="EUR"),
)
```

## Use instead
With Django 5.0 or later, give the column a database default, which stays in the table:
```python
field=models.CharField(max_length=3, default="EUR", db_default="EUR")
```
Otherwise ship it in phases: add the field with `null=True`; deploy code that writes it;
backfill existing rows in batches; make it NOT NULL in a later release.

## When it is fine
- The table was created earlier in the same migration (or release): no old code uses it.
- `null=True`, a `db_default`, a `ManyToManyField` (no column) or a `GeneratedField`.
- django-add-default-value's `AddDefaultValue` sets a database default for the same column in
  the same migration.

## References
- Django documentation: `Field.db_default` (5.0), "Migrations that add unique fields"
- The project's deployment guide: expand, deploy, contract
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_paid_at")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="currency",
            field=models.CharField(max_length=3, default="EUR"),
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_paid_at")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="currency",
            field=models.CharField(max_length=3, default="EUR", db_default="EUR"),
        ),
        migrations.AddField(
            model_name="order",
            name="coupon_code",
            field=models.CharField(max_length=20, null=True),
        ),
    ]
)py",
};

// django-add-default-value's AddDefaultValue for the same column, in the same migration.
bool database_default_added(const ir::Migration& migration, std::string_view model_key, std::string_view field) {
  for (const ir::Operation& op : migration.operations) {
    if (op.kind() != ir::OperationKind::AddDefaultValue) continue;
    const std::string* name = op.string_arg(ir::Param::name);
    if (op.model_key() == model_key && name != nullptr && *name == field) return true;
  }
  return false;
}

class AddNotNullField final : public rule::OperationRule {
 public:
  AddNotNullField() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AddField}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    const std::string& model_key = op.model_key();
    if (field == nullptr || name == nullptr || model_key.empty()) return;
    if (field->null != ir::Tri::No || field->db_default != nullptr || field->has_unpacking) return;
    if (!field->has_column() || field->field_class == ir::FieldClass::GeneratedField) return;
    if (context.on_new_table()) return;
    if (const state::ModelState* model = context.model_before(); model != nullptr && (!model->managed || model->proxy)) {
      return;  // no table of its own
    }
    if (database_default_added(context.migration(), model_key, *name)) return;

    const std::string table = context.table_name(model_key);
    const std::string column = "`" + *name + "`";
    const ir::DefaultSpec& def = field->default_value;
    std::string message;
    if (def.present()) {
      message = "adding NOT NULL column " + column + " to existing table `" + table +
                "`: Django drops the temporary default afterwards, so the running code's INSERTs (which omit " +
                column + ") fail with a NOT NULL violation";
    } else {
      message = "adding NOT NULL column " + column + " without a default to existing table `" + table +
                "`: the migration fails on a table with rows, and the running code's INSERTs fail after it";
    }

    std::string help;
    const bool db_default_available = context.config().django_version >= config::DjangoVersion{5, 0};
    if (db_default_available && def.kind == ir::DefaultSpec::Kind::Constant && def.value != nullptr) {
      help = "give the column a database default, which stays in the table: add `db_default=" + def.value->render() +
             "` to the field; or add it with `null=True`, backfill in batches, and make it NOT NULL in a later release";
    } else if (db_default_available) {
      help = "give the column a database default with `db_default=...` (Django >= 5.0), or add it with `null=True`, "
             "deploy, backfill in batches, and make it NOT NULL in a later release";
    } else {
      help = "add it with `null=True`, deploy code that writes it, backfill existing rows in batches, and make it "
             "NOT NULL in a later release (Django >= 5.0 can keep a database default with `db_default`)";
    }
    context.report(op.range(), std::move(message), std::move(help));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_add_not_null_field() { return std::make_unique<AddNotNullField>(); }

}  // namespace godwit::rules
