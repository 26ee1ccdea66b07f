#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 2},
    .name = "remove-field",
    .severity = Severity::Error,
    .summary = "RemoveField drops a column the running code still selects",
    .docs = R"md(## What it does
Flags `RemoveField` (also inside `SeparateDatabaseAndState.database_operations`) on an existing
table while the field is still in the project state before it: the column is dropped in the same
release that stops using it.

## Why is this bad?
Migrations run before the new code is live. From the moment the column is dropped until the
deploy finishes, the old code's queries name it (Django selects every concrete field), and every
query on the model fails. A rollback of the code cannot bring the column back either.

## Example
```python
migrations.RemoveField(model_name="customer", name="fax"),
```

## Use instead
Two releases. In this one, make the field nullable (or give it a `db_default`) and remove it
from the state only, so that the new code stops selecting it while the column stays:
```python
migrations.SeparateDatabaseAndState(
    state_operations=[migrations.RemoveField(model_name="customer", name="fax")],
)
```
In the next release, once no running code knows the field, drop the column with SQL (a
`RemoveField` would fail, the state no longer has the field):
```python
migrations.RunSQL(
    "ALTER TABLE shop_customer DROP COLUMN fax",
    reverse_sql="ALTER TABLE shop_customer ADD COLUMN fax varchar(30) NULL",
)
```

## When it is fine
- The field was already removed from the state by an earlier migration (the second phase).
- The table was created in the same migration or release.
- The migration runs after the new code is live: `Safe.after_deploy()`, or
  `deploy-order = "code-first"`.

## References
- The project's deployment guide: expand, deploy, contract
- Django documentation: `SeparateDatabaseAndState`
)md",
    .bad_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0011_customer_phone")]

    operations = [
        migrations.RemoveField(model_name="customer", name="fax"),
    ]
)py",
    .good_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0011_customer_phone")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="customer", name="fax")],
        ),
    ]
)py",
};

class RemoveFieldRule final : public rule::OperationRule {
 public:
  RemoveFieldRule() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::RemoveField}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const std::string* name = op.string_arg(ir::Param::name);
    const std::string& model_key = op.model_key();
    if (name == nullptr || model_key.empty()) return;
    if (context.on_new_table() || context.runs_after_deploy()) return;
    const state::FieldLookup lookup = context.state().lookup_field(context.migration().app_label, model_key, *name);
    // Absent: removed from the state earlier (two-phase removal). Unknown: the history is not
    // visible, but Django itself requires the field in the state to run a RemoveField.
    if (lookup.knowledge == state::Knowledge::Absent) return;
    if (lookup.model != nullptr && (!lookup.model->managed || lookup.model->proxy)) return;

    const std::string model = context.model_name();
    const bool many_to_many = lookup.field != nullptr && lookup.field->spec.is_many_to_many();
    std::string what;
    if (many_to_many) {
      what = "drops the join table of `" + model + "." + *name + "`";
    } else {
      std::string column = *name;
      if (lookup.field != nullptr) column = state::ModelState::column_name(*lookup.field).value_or(*name);
      what = "drops column `" + column + "` of `" + context.table_name(model_key) + "`";
    }
    context.report(op.range(),
                   "removing `" + model + "." + *name + "` " + what +
                       " while the running code still selects it: queries on `" + model +
                       "` fail until the new code is deployed",
                   "remove it in two releases: now, make it nullable and remove it from the state only with "
                   "`SeparateDatabaseAndState(state_operations=[migrations.RemoveField(\"" +
                       model_key + "\", \"" + *name +
                       "\")])`; next release, drop the column with `RunSQL(\"ALTER TABLE " +
                       context.table_name(model_key) + " DROP COLUMN ...\", reverse_sql=...)`");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_remove_field() { return std::make_unique<RemoveFieldRule>(); }

}  // namespace godwit::rules
