#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 3},
    .name = "delete-model",
    .severity = Severity::Error,
    .summary = "DeleteModel drops a table the running code still uses",
    .docs = R"md(## What it does
Flags `DeleteModel` (also inside `SeparateDatabaseAndState.database_operations`) of a model that
is still in the project state before it: the table is dropped in the same release that stops
using it.

## Why is this bad?
Migrations run before the new code is live. Until the deploy finishes, the old code still reads
and writes the model, its admin, its foreign keys: every such query fails once the table is gone,
and a code rollback cannot bring the table (or its rows) back.

## Example
```python
migrations.DeleteModel(name="Wishlist"),
```

## Use instead
Two releases. In this one, remove the model from the state only (and drop foreign keys that
point to it, if any, in the same way), so that the new code no longer uses it:
```python
migrations.SeparateDatabaseAndState(
    state_operations=[migrations.DeleteModel(name="Wishlist")],
)
```
In the next release, drop the table with SQL:
```python
migrations.RunSQL(
    "DROP TABLE shop_wishlist",
    reverse_sql=migrations.RunSQL.noop,
)
```

## When it is fine
- The model was already removed from the state by an earlier migration.
- The model was created in the same migration or release.
- The migration runs after the new code is live: `Safe.after_deploy()`, or
  `deploy-order = "code-first"`.

## References
- The project's deployment guide: expand, deploy, contract
- Django documentation: `SeparateDatabaseAndState`
)md",
    .bad_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0014_remove_wishlist_items")]

    operations = [
        migrations.DeleteModel(name="Wishlist"),
    ]
)py",
    .good_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0014_remove_wishlist_items")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Wishlist")],
        ),
    ]
)py",
};

class DeleteModelRule final : public rule::OperationRule {
 public:
  DeleteModelRule() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::DeleteModel}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const std::string& model_key = op.model_key();
    if (model_key.empty() || context.on_new_table() || context.runs_after_deploy()) return;
    const std::string& app = context.migration().app_label;
    // Removed from the state by an earlier migration: this is the second phase.
    if (context.state().model_removed(app, model_key)) return;
    const state::ModelState* model = context.state().model(app, model_key);
    if (model != nullptr && (!model->managed || model->proxy)) return;
    const std::string name = context.model_name();
    const std::string table = context.table_name(model_key);
    context.report(op.range(),
                   "deleting `" + name + "` drops table `" + table +
                       "` while the running code still uses it: its queries fail until the new code is deployed, "
                       "and its rows are gone for good",
                   "remove it in two releases: now, remove it from the state only with "
                   "`SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(\"" +
                       name + "\")])`; next release, drop the table with `RunSQL(\"DROP TABLE " + table + "\")`");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_delete_model() { return std::make_unique<DeleteModelRule>(); }

}  // namespace godwit::rules
