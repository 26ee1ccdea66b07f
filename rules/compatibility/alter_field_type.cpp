#include <memory>

#include "analyzer/ir/column_type.h"
#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 7},
    .name = "alter-field-type",
    .severity = Severity::Error,
    .summary = "AlterField changes a column's type: the table is rewritten and old code may break",
    .docs = R"md(## What it does
Flags `AlterField` that changes the column type of an existing table: another field class with a
different column type (including `AutoField` to `BigAutoField`), a smaller `max_length`, other
`decimal_places`, fewer `max_digits`. It needs the field's history: when godwit cannot see it, it
stays silent.

## Why is this bad?
Changing a column's type rewrites the table (and its indexes) under an exclusive lock: reads
and writes wait for the whole rewrite. Narrowing fails on existing values that do not fit, and
the running code may still write values of the old type. Changing a primary key's type
rewrites every table whose foreign key points to it, too.

## Example
```python
migrations.AlterField(
    model_name="product", name="sku", field=models.CharField(max_length=12),  # was 32
),
```

## Use instead
Add a new column with the new type, write both from the code, backfill in batches, switch the
reads, and drop the old column in a later release.

## When it is fine
- On PostgreSQL, binary-compatible widening needs no rewrite: a larger `max_length`,
  `CharField` to `TextField`, more `max_digits` with the same `decimal_places`.
- The column type stays the same: changes to `choices`, `help_text`, `verbose_name`,
  `validators`, `default`, `related_name`, `on_delete`, `blank` only touch Django's state.
- The table was created in the same migration or release.

## References
- PostgreSQL documentation: `ALTER TABLE ... ALTER COLUMN TYPE` (table and index rewrite,
  binary coercible types)
- The project's deployment guide: expand, deploy, contract
)md",
    .bad_example = R"py(# file: catalog/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("sku", models.CharField(max_length=32)),
            ],
        ),
    ]
# file: catalog/migrations/0002_shorter_sku.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [
        migrations.AlterField(model_name="product", name="sku", field=models.CharField(max_length=12)),
    ]
)py",
    .good_example = R"py(# file: catalog/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("sku", models.CharField(max_length=32)),
            ],
        ),
    ]
# file: catalog/migrations/0002_longer_sku.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="product", name="sku", field=models.CharField(max_length=64, help_text="Stock keeping unit")
        ),
    ]
)py",
    .example_settings = "database=postgresql",
};

class AlterFieldType final : public rule::OperationRule {
 public:
  AlterFieldType() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AlterField}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const std::string* name = op.string_arg(ir::Param::name);
    const std::string& model_key = op.model_key();
    if (name == nullptr || model_key.empty() || op.field() == nullptr || op.field()->has_unpacking) return;
    if (context.on_new_table()) return;
    const std::string& app = context.migration().app_label;
    const state::FieldLookup before = context.state().lookup_field(app, model_key, *name);
    if (before.knowledge != state::Knowledge::Known || !before.model->managed || before.model->proxy) return;
    const config::Database db = context.config().database;
    const ir::FieldSpec& old_spec = before.field->spec;
    const ir::FieldSpec& new_spec = *op.field();
    if (ir::compare_column_types(old_spec, new_spec, db) != ir::TypeChange::Rewrite) return;

    const auto old_type = ir::column_type(old_spec, db);
    const auto new_type = ir::column_type(new_spec, db);
    const std::string model = context.model_name();
    const std::string table = context.table_name(model_key);
    std::string message = "changing the type of `" + model + "." + *name + "` (`" + old_type->str() + "` to `" +
                          new_type->str() + "`) rewrites `" + table + "` under an exclusive lock";
    if (old_type->base == new_type->base && new_type->length >= 0 && new_type->length < old_type->length) {
      message += ", fails on longer values, and the running code may still write them";
    } else if (old_type->base == new_type->base && new_type->base == "numeric") {
      message += " and changes the values the running code reads and writes";
    } else {
      message += ", and the running code still reads and writes the old type";
    }
    // A primary key's type is also the type of every foreign key to it.
    if (old_spec.primary_key == ir::Tri::Yes) {
      std::vector<std::string> referencing;
      for (const auto& [key, other] : context.state().models()) {
        for (const state::FieldState& f : other.fields) {
          if (!f.spec.is_relation() || f.spec.is_many_to_many() || !f.spec.relation_to.known()) continue;
          const std::string& to = f.spec.relation_to.value();
          const auto dot = to.find('.');
          const std::string target_app = dot == std::string::npos ? other.app : to.substr(0, dot);
          const std::string target = ir::lower(dot == std::string::npos ? to : to.substr(dot + 1));
          const bool self = to == "self" && other.app == app && ir::lower(other.name) == model_key;
          if (self || (target_app == app && target == model_key)) {
            referencing.push_back("`" + other.db_table + "." + state::ModelState::column_name(f).value_or(f.name) + "`");
          }
        }
      }
      if (!referencing.empty()) {
        message += "; the columns referencing it are rewritten too: ";
        for (size_t i = 0; i < referencing.size() && i < 5; ++i) message += (i ? ", " : "") + referencing[i];
        if (referencing.size() > 5) message += " and " + std::to_string(referencing.size() - 5) + " more";
      }
    }
    context.report(op.range(), std::move(message),
                   "add a new column of the new type, write both from the code, backfill in batches, switch the "
                   "reads, then drop `" + *name + "` in a later release");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_alter_field_type() { return std::make_unique<AlterFieldType>(); }

}  // namespace godwit::rules
