#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using phase::Phase;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 7},
    .name = "schema-and-data-in-one-migration",
    .severity = Severity::Warning,
    .summary = "an atomic migration changes an existing table's schema and migrates data",
    .docs = R"md(## What it does
Flags an atomic migration (the default) that has both a data operation (`RunPython`, `RunSQL`)
and an operation that runs DDL on an existing table (anything but state-only and *always*
operations, on a table not created in the same migration or release). PostgreSQL only.

## Why is this bad?
In one transaction, the lock the schema change takes (ACCESS EXCLUSIVE for most `ALTER TABLE`)
is held until the transaction commits — that is, until the data migration has gone through
every row. Reads and writes on the table wait the whole time.

## Example
```python
operations = [
    migrations.AddField("order", "total", models.DecimalField(max_digits=12, decimal_places=2, null=True)),
    migrations.RunPython(fill_totals, clear_totals),
]
```

## Use instead
Two migrations: the schema change, then the data migration (in batches, committing as it goes,
possibly `atomic = False`).

## When it is fine
- `atomic = False` on the migration.
- Every schema change is on a table created in the same migration or release.

## References
- PostgreSQL documentation: "Explicit Locking" (locks are held until the transaction ends)
- Django documentation: "Data migrations", "Non-atomic migrations"
)md",
    .bad_example = R"py(from django.db import migrations, models


def fill_totals(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(total__isnull=True).update(total=0)


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_order_items")]
    operations = [
        migrations.AddField("order", "total", models.DecimalField(max_digits=12, decimal_places=2, null=True)),
        migrations.RunPython(fill_totals, migrations.RunPython.noop),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


def fill_totals(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(total__isnull=True).update(total=0)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0006_order_items")]
    operations = [
        migrations.AddField("order", "total", models.DecimalField(max_digits=12, decimal_places=2, null=True)),
        migrations.RunPython(fill_totals, migrations.RunPython.noop),
    ]
)py",
    .example_settings = "database=postgresql",
};

class SchemaAndDataInOneMigration final : public rule::MigrationRule {
 public:
  SchemaAndDataInOneMigration() : MigrationRule(kMeta) {}

  [[nodiscard]] When when() const override { return When::AfterOperations; }

  void check(const rule::MigrationContext& context) const override {
    if (context.config().database != config::Database::PostgreSQL) return;
    const ir::Migration& m = context.migration();
    const phase::MigrationPhases* phases = context.phases();
    if (m.atomic != ir::Tri::Yes || phases == nullptr) return;
    const phase::OperationPhase* schema = nullptr;
    const phase::OperationPhase* data = nullptr;
    for (const auto& op : phases->operations) {
      if (op.phase == Phase::Data && data == nullptr) data = &op;
      const bool ddl = op.phase == Phase::Expand || op.phase == Phase::Contract || op.phase == Phase::MultiStep;
      if (ddl && op.existing_table && schema == nullptr) schema = &op;
    }
    if (schema == nullptr || data == nullptr) return;
    const auto line = [&](const phase::OperationPhase& op) { return std::to_string(m.file().position(op.range.begin).line); };
    auto& d = context.report(m.class_range,
                             "this atomic migration changes an existing table (line " + line(*schema) + ": " +
                                 schema->reason + ") and migrates data (line " + line(*data) + ": " + data->reason +
                                 ") in one transaction: the schema change's lock is held until the data migration "
                                 "ends",
                             "move the data migration to its own migration (batched), or set `atomic = False`");
    d.related.push_back({m.source, schema->range, "schema change: " + schema->reason});
    d.related.push_back({m.source, data->range, "data migration"});
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_schema_and_data_in_one_migration() {
  return std::make_unique<SchemaAndDataInOneMigration>();
}

}  // namespace godwit::rules
