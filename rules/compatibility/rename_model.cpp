#include <memory>

#include "analyzer/rule/rule.h"
#include "analyzer/state/renames.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 5},
    .name = "rename-model",
    .severity = Severity::Error,
    .summary = "RenameModel or AlterModelTable renames a table the running code still uses",
    .docs = R"md(## What it does
Flags `RenameModel` and `AlterModelTable` when, at the end of the migration, the model's table
has a different name than before it. Needs the model's history: when godwit cannot see it, it
stays silent.

## Why is this bad?
Migrations run before the new code is live: once the table is renamed, every query of the old
code names a table that no longer exists, until the deploy finishes.

## Example
```python
migrations.RenameModel(old_name="Author", new_name="Writer"),
```

## Use instead
Keep the table name: set `db_table` on the model before renaming it, so only Django's name
changes. `makemigrations` then writes the rename and pins the old table:
```python
migrations.RenameModel(old_name="Author", new_name="Writer"),
migrations.AlterModelTable(name="writer", table="library_author"),
```
To really rename the table: create the new table, write both, copy, switch reads, then drop the
old table in a later release.

## When it is fine
- `db_table` pins the table name, or the table name at the end of the migration equals the one
  before it (a rename followed by `AlterModelTable` back to the old name).
- The model was created in the same migration or release.

## References
- Django documentation: `Meta.db_table`, `RenameModel`, `AlterModelTable`
- The project's deployment guide: expand, deploy, contract
)md",
    .bad_example = R"py(# file: library/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
        ),
    ]
# file: library/migrations/0002_rename_author_writer.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [
        migrations.RenameModel(old_name="Author", new_name="Writer"),
    ]
)py",
    .good_example = R"py(# file: library/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
        ),
    ]
# file: library/migrations/0002_rename_author_writer.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [
        migrations.RenameModel(old_name="Author", new_name="Writer"),
        migrations.AlterModelTable(name="writer", table="library_author"),
    ]
)py",
};

class RenameModelRule final : public rule::MigrationRule {
 public:
  RenameModelRule() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    for (const state::NameChange& change : context.renames().tables) {
      if (!change.net_change()) continue;  // renamed and pinned back within the migration
      const bool rename = change.operation->kind() == ir::OperationKind::RenameModel;
      context.report(change.operation->range(),
                     std::string(rename ? "renaming the model renames" : "`AlterModelTable` renames") + " table `" +
                         change.from + "` to `" + change.to + "`: the running code still queries `" + change.at_start +
                         "` and fails until the new code is live",
                     "keep the table: add `migrations.AlterModelTable(name=\"" + ir::lower(change.model) +
                         "\", table=\"" + change.at_start +
                         "\")` after the rename (and `db_table` on the model); to really rename it, create the new "
                         "table, write both, copy, then drop the old one in a later release");
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_rename_model() { return std::make_unique<RenameModelRule>(); }

}  // namespace godwit::rules
