#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 3},
    .name = "irreversible-remove-field",
    .severity = Severity::Warning,
    .summary = "RemoveField of a NOT NULL field without a default cannot be rolled back on a table with rows",
    .docs = R"md(## What it does
Flags `RemoveField` of a field that, in the state before it, is NOT NULL and has neither a
`default` nor a `db_default`. It needs the field's history: when godwit cannot see it, it stays
silent.

## Why is this bad?
Reversing a `RemoveField` adds the column back. A NOT NULL column without a default cannot be
added to a table that has rows: `python manage.py migrate app <previous>` fails, and the
emergency rollback stops at this migration.

## Example
```python
migrations.RemoveField(model_name="invoice", name="legacy_number"),  # CharField(max_length=20)
```

## Use instead
Make the field nullable (or give it a default) in an earlier migration, then remove it:
```python
migrations.AlterField(
    model_name="invoice", name="legacy_number", field=models.CharField(max_length=20, null=True),
),
```

## When it is fine
The field is nullable, or has a `default` or `db_default` in the state before the removal.

## References
- Django documentation: "Reversing migrations"
- The project's deployment guide: make every migration reversible and test the rollback
)md",
    .bad_example = R"py(# file: billing/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("legacy_number", models.CharField(max_length=20)),
            ],
        ),
    ]
# file: billing/migrations/0002_remove_invoice_legacy_number.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [
        migrations.RemoveField(model_name="invoice", name="legacy_number"),
    ]
)py",
    .good_example = R"py(# file: billing/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("legacy_number", models.CharField(max_length=20)),
            ],
        ),
    ]
# file: billing/migrations/0002_invoice_legacy_number_nullable.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="invoice", name="legacy_number", field=models.CharField(max_length=20, null=True)
        ),
    ]
# file: billing/migrations/0003_remove_invoice_legacy_number.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_invoice_legacy_number_nullable")]
    operations = [
        migrations.RemoveField(model_name="invoice", name="legacy_number"),
    ]
)py",
};

class IrreversibleRemoveField final : public rule::OperationRule {
 public:
  IrreversibleRemoveField() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::RemoveField}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const std::string* name = op.string_arg(ir::Param::name);
    const std::string& model_key = op.model_key();
    if (name == nullptr || model_key.empty()) return;
    const state::FieldLookup before = context.state().lookup_field(context.migration().app_label, model_key, *name);
    if (before.knowledge != state::Knowledge::Known) return;
    const ir::FieldSpec& spec = before.field->spec;
    if (!spec.has_column() || spec.null != ir::Tri::No || spec.default_value.present() || spec.db_default != nullptr ||
        spec.has_unpacking || spec.primary_key == ir::Tri::Yes) {
      return;
    }
    const std::string model = context.model_name();
    context.report(op.range(),
                   "`" + model + "." + *name +
                       "` is NOT NULL without a default: rolling this migration back re-adds the column and fails on "
                       "a table with rows",
                   "make it nullable (or give it a default) in an earlier migration: `migrations.AlterField(\"" +
                       model_key + "\", \"" + *name + "\", <the field with null=True>)`, then remove it");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_irreversible_remove_field() { return std::make_unique<IrreversibleRemoveField>(); }

}  // namespace godwit::rules
