#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "analyzer/rule/rule.h"

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

// One field's column through the migration.
struct ColumnHistory {
  std::string model;  // as declared
  std::string field;  // current name
  std::string table;
  std::string at_start;
  std::string now;
  state::FieldState current;
  struct Change {
    const ir::Operation* operation;
    std::string from;
    std::string to;
    std::string old_field;
  };
  std::vector<Change> changes;
};

class RenameFieldRule final : public rule::MigrationRule {
 public:
  RenameFieldRule() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    const std::string& app = migration.app_label;
    const state::ProjectState& state = context.state();  // before the migration
    // Keyed by "model\x1ffield" (current lower-cased model name, current field name).
    std::map<std::string, ColumnHistory> columns;
    std::vector<std::string> created_models;
    auto key = [](std::string_view model, std::string_view field) {
      return ir::lower(model) + '\x1f' + std::string(field);
    };
    auto history_for = [&](const std::string& model_key, const std::string& field) -> ColumnHistory* {
      const std::string k = key(model_key, field);
      if (auto it = columns.find(k); it != columns.end()) return &it->second;
      if (std::find(created_models.begin(), created_models.end(), model_key) != created_models.end()) return nullptr;
      if (context.is_new_table(model_key)) return nullptr;
      const state::FieldLookup lookup = state.lookup_field(app, model_key, field);
      if (lookup.knowledge != state::Knowledge::Known || !lookup.model->managed || lookup.model->proxy ||
          lookup.field->spec.is_many_to_many()) {
        return nullptr;
      }
      const auto column = state::ModelState::column_name(*lookup.field);
      if (!column) return nullptr;
      return &(columns[k] = ColumnHistory{lookup.model->name, lookup.field->name,
                                          lookup.model->db_table_known ? lookup.model->db_table
                                                                       : context.table_name(model_key),
                                          *column, *column, *lookup.field, {}});
    };

    auto visit = [&](const ir::Operation& op) {
      const std::string model_key = op.model_key();
      switch (op.kind()) {
        case ir::OperationKind::CreateModel:
          created_models.push_back(model_key);
          return;
        case ir::OperationKind::RenameField: {
          const std::string* old_name = op.string_arg(ir::Param::old_name);
          const std::string* new_name = op.string_arg(ir::Param::new_name);
          if (old_name == nullptr || new_name == nullptr) return;
          ColumnHistory* h = history_for(model_key, *old_name);
          if (h == nullptr) return;
          ColumnHistory moved = std::move(*h);
          columns.erase(key(model_key, *old_name));
          moved.current.name = *new_name;
          moved.field = *new_name;
          const auto column = state::ModelState::column_name(moved.current);
          if (!column) return;
          if (*column != moved.now) moved.changes.push_back({&op, moved.now, *column, *old_name});
          moved.now = *column;
          columns[key(model_key, *new_name)] = std::move(moved);
          return;
        }
        case ir::OperationKind::AlterField: {
          const std::string* name = op.string_arg(ir::Param::name);
          if (name == nullptr || op.field() == nullptr) return;
          ColumnHistory* h = history_for(model_key, *name);
          if (h == nullptr) return;
          if (op.field()->is_many_to_many() || op.field()->has_unpacking) {
            columns.erase(key(model_key, *name));
            return;
          }
          h->current.spec = *op.field();
          const auto column = state::ModelState::column_name(h->current);
          if (!column) {
            columns.erase(key(model_key, *name));
            return;
          }
          if (*column != h->now) h->changes.push_back({&op, h->now, *column, *name});
          h->now = *column;
          return;
        }
        case ir::OperationKind::RemoveField:
          if (const std::string* name = op.string_arg(ir::Param::name)) columns.erase(key(model_key, *name));
          return;
        default:
          return;
      }
    };
    for (const ir::Operation& op : migration.operations) {
      if (op.kind() == ir::OperationKind::SeparateDatabaseAndState) {
        for (const ir::Operation& inner : op.database_operations()) visit(inner);
      } else {
        visit(op);
      }
    }

    for (const auto& [k, h] : columns) {
      if (h.now == h.at_start) continue;  // renamed and pinned back within the migration
      for (const auto& change : h.changes) {
        const bool rename = change.operation->kind() == ir::OperationKind::RenameField;
        const std::string what = rename ? "renaming `" + h.model + "." + change.old_field + "`"
                                        : "changing the column of `" + h.model + "." + change.old_field + "`";
        context.report(change.operation->range(),
                       what + " renames column `" + h.table + "." + change.from + "` to `" + change.to +
                           "`: the running code still queries `" + h.at_start + "` and fails until the new code is live",
                       rename ? "keep the column: first `migrations.AlterField(\"" + ir::lower(h.model) + "\", \"" +
                                    change.old_field + "\", <the field with db_column=\"" + h.at_start +
                                    "\">)`, then the RenameField (makemigrations writes this pair); to really rename "
                                    "it, add the new column, write both, backfill, then drop the old one in a later "
                                    "release"
                              : "keep `db_column=\"" + h.at_start +
                                    "\"`, or add the new column, write both, backfill, then drop the old one in a "
                                    "later release");
      }
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_rename_field() { return std::make_unique<RenameFieldRule>(); }

}  // namespace godwit::rules
