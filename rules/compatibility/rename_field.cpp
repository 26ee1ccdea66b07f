#include <memory>

#include "analyzer/rule/rule.h"
#include "analyzer/state/renames.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 4},
    .name = "rename-field",
    .severity = Severity::Error,
    .summary = "RenameField or AlterField renames a column the running code still uses",
    .docs = R"md(## What it does
Flags `RenameField` when the field's actual column name changes (no `db_column` keeps it), and
`AlterField` that changes the actual column name (a new `db_column`, or removing one), on an
existing table — when, at the end of the migration, the column is named differently than before
it. Needs the field's history: when godwit cannot see it, it stays silent.

## Why is this bad?
Migrations run before the new code is live: as soon as the column is renamed, every query of the
old code names a column that no longer exists, until the deploy finishes. Rolling the code back
does not rename it back.

## Example
```python
migrations.RenameField(model_name="client", old_name="phone", new_name="mobile"),
```

## Use instead
Rename the field in Django only, keeping the column:
```python
migrations.AlterField(
    model_name="client", name="phone", field=models.CharField(max_length=30, db_column="phone"),
),
migrations.RenameField(model_name="client", old_name="phone", new_name="mobile"),
```
(this is what `makemigrations` writes when you rename a field that has `db_column="phone"`).
To really rename the column: add the new column, write both, backfill, switch reads, then drop
the old column in a later release.

## When it is fine
- The column name stays the same (`db_column` pins it), or is the same again at the end of the
  migration (older Django versions write the `RenameField` before the `AlterField` that pins the
  column back: inside the migration's transaction the old code sees no change).
- The table was created in the same migration or release.

## References
- Django documentation: `Field.db_column`, `RenameField`
- The project's deployment guide: expand, deploy, contract
)md",
    .bad_example = R"py(# file: crm/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Client",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("phone", models.CharField(max_length=30)),
            ],
        ),
    ]
# file: crm/migrations/0002_rename_phone.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]
    operations = [
        migrations.RenameField(model_name="client", old_name="phone", new_name="mobile"),
    ]
)py",
    .good_example = R"py(# file: crm/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Client",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("phone", models.CharField(max_length=30)),
            ],
        ),
    ]
# file: crm/migrations/0002_rename_phone.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="client", name="phone", field=models.CharField(max_length=30, db_column="phone"),
        ),
        migrations.RenameField(model_name="client", old_name="phone", new_name="mobile"),
    ]
)py",
};

class RenameFieldRule final : public rule::MigrationRule {
 public:
  RenameFieldRule() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    for (const state::NameChange& change : context.renames().columns) {
      if (!change.net_change()) continue;  // renamed and pinned back within the migration
      const bool rename = change.operation->kind() == ir::OperationKind::RenameField;
      const std::string field = change.model + "." + change.old_field;
      const std::string what = rename ? "renaming `" + field + "`" : "changing the column of `" + field + "`";
      context.report(change.operation->range(),
                     what + " renames column `" + change.table + "." + change.from + "` to `" + change.to +
                         "`: the running code still queries `" + change.at_start + "` and fails until the new code is live",
                     rename ? "keep the column: first `migrations.AlterField(\"" + ir::lower(change.model) + "\", \"" +
                                  change.old_field + "\", <the field with db_column=\"" + change.at_start +
                                  "\">)`, then the RenameField (makemigrations writes this pair); to really rename it, "
                                  "add the new column, write both, backfill, then drop the old one in a later release"
                            : "keep `db_column=\"" + change.at_start +
                                  "\"`, or add the new column, write both, backfill, then drop the old one in a later "
                                  "release");
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_rename_field() { return std::make_unique<RenameFieldRule>(); }

}  // namespace godwit::rules
