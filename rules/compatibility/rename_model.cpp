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

// One model's table through the migration.
struct TableHistory {
  std::string model;  // as declared, for messages
  std::string at_start;
  std::string now;
  bool pinned = false;  // db_table set explicitly
  // Operations that changed the name, with the name before and after each.
  struct Change {
    const ir::Operation* operation;
    std::string from;
    std::string to;
  };
  std::vector<Change> changes;
};

class RenameModelRule final : public rule::MigrationRule {
 public:
  RenameModelRule() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    const state::ProjectState& state = context.state();  // before the migration
    std::map<std::string, TableHistory> tables;         // by current lower-cased model name
    std::vector<std::string> created;

    auto history_for = [&](const std::string& key) -> TableHistory* {
      if (auto it = tables.find(key); it != tables.end()) return &it->second;
      if (std::find(created.begin(), created.end(), key) != created.end()) return nullptr;
      const state::ModelState* model = state.model(migration.app_label, key);
      if (model == nullptr || model->uncertain || !model->db_table_known || !model->managed || model->proxy) {
        return nullptr;  // history unknown, or no table of its own
      }
      if (context.is_new_table(key)) return nullptr;
      return &(tables[key] = TableHistory{model->name, model->db_table, model->db_table, model->db_table_explicit, {}});
    };

    auto visit = [&](const ir::Operation& op) {
      switch (op.kind()) {
        case ir::OperationKind::CreateModel:
          created.push_back(op.model_key());
          return;
        case ir::OperationKind::DeleteModel:
          tables.erase(op.model_key());
          return;
        case ir::OperationKind::RenameModel: {
          const std::string* new_name = op.string_arg(ir::Param::new_name);
          TableHistory* h = history_for(op.model_key());
          if (h == nullptr || new_name == nullptr) return;
          TableHistory moved = std::move(*h);
          tables.erase(op.model_key());
          const std::string before = moved.now;
          // A table Django named after the model follows the rename; a pinned one stays.
          if (!moved.pinned) moved.now = state::ModelState::default_table(migration.app_label, *new_name);
          if (moved.now != before) moved.changes.push_back({&op, before, moved.now});
          moved.model = *new_name;
          tables[ir::lower(*new_name)] = std::move(moved);
          return;
        }
        case ir::OperationKind::AlterModelTable: {
          TableHistory* h = history_for(op.model_key());
          if (h == nullptr) return;
          const ir::Value* table = op.arg(ir::Param::table).value;
          std::string next;
          if (table == nullptr || table->is_none()) {
            next = state::ModelState::default_table(migration.app_label, h->model);
            h->pinned = false;
          } else if (const std::string* t = table->as_string()) {
            next = *t;
            h->pinned = true;
          } else {
            tables.erase(op.model_key());  // not statically known: say nothing about it
            return;
          }
          if (next != h->now) h->changes.push_back({&op, h->now, next});
          h->now = next;
          return;
        }
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

    for (const auto& [key, h] : tables) {
      if (h.now == h.at_start) continue;  // renamed and pinned back within the migration
      for (const auto& change : h.changes) {
        const bool rename = change.operation->kind() == ir::OperationKind::RenameModel;
        context.report(change.operation->range(),
                       std::string(rename ? "renaming the model renames" : "`AlterModelTable` renames") + " table `" +
                           change.from + "` to `" + change.to + "`: the running code still queries `" + h.at_start +
                           "` and fails until the new code is live",
                       "keep the table: add `migrations.AlterModelTable(name=\"" + ir::lower(h.model) +
                           "\", table=\"" + h.at_start +
                           "\")` after the rename (and `db_table` on the model); to really rename it, create the new "
                           "table, write both, copy, then drop the old one in a later release");
      }
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_rename_model() { return std::make_unique<RenameModelRule>(); }

}  // namespace godwit::rules
