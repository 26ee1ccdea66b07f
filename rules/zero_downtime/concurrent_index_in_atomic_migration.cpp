#include <memory>

#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 2},
    .name = "concurrent-index-in-atomic-migration",
    .severity = Severity::Error,
    .summary = "AddIndexConcurrently or RemoveIndexConcurrently in an atomic migration: the migration fails",
    .docs = R"md(## What it does
Flags, on PostgreSQL, `AddIndexConcurrently` and `RemoveIndexConcurrently` in a migration that runs
in a transaction, which every migration does unless it says `atomic = False`.

## Why is this bad?
PostgreSQL cannot run `CREATE INDEX CONCURRENTLY` or `DROP INDEX CONCURRENTLY` inside a
transaction block, and Django checks it first: the operation raises `NotSupportedError` and the
migration fails during the deploy, on every run, before the index is touched.

## Example
```python
class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_status")]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
    ]
```

## Use instead
```python
class Migration(migrations.Migration):
    atomic = False

    dependencies = [("shop", "0012_order_status")]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
    ]
```
Keep the concurrent operation alone in its migration: without a transaction, a failure half-way
leaves whatever ran before it applied, and a concurrent build that fails leaves an `INVALID`
index behind, to be dropped before the migration is run again.

## When it is fine
- The migration sets `atomic = False`.
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `CREATE INDEX` ("Building Indexes Concurrently"), `DROP INDEX`
- Django documentation: `AddIndexConcurrently`, `RemoveIndexConcurrently`, "Non-atomic migrations"
)md",
    .bad_example = R"py(from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_status")]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
    ]
)py",
    .good_example = R"py(from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("shop", "0012_order_status")]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
    ]
)py",
    .example_settings = "database=postgresql",
};

class ConcurrentIndexInAtomicMigration final : public rule::OperationRule {
 public:
  ConcurrentIndexInAtomicMigration() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override {
    return {ir::OperationKind::AddIndexConcurrently, ir::OperationKind::RemoveIndexConcurrently};
  }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    // `atomic = False`, or a value godwit cannot evaluate: nothing to say.
    if (context.migration().atomic != ir::Tri::Yes) return;
    const ir::Operation& op = context.operation();
    const bool adding = op.kind() == ir::OperationKind::AddIndexConcurrently;
    const std::string statement = adding ? "CREATE INDEX CONCURRENTLY" : "DROP INDEX CONCURRENTLY";
    context.report(op.range(),
                   "`" + std::string(op.display_name()) + "` in an atomic migration: PostgreSQL cannot run `" +
                       statement +
                       "` inside a transaction, so Django raises `NotSupportedError` and the migration "
                       "fails",
                   "add `atomic = False` to `class Migration` and keep this operation alone in that migration (a "
                   "non-atomic migration that fails half-way is not rolled back)");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_concurrent_index_in_atomic_migration() {
  return std::make_unique<ConcurrentIndexInAtomicMigration>();
}

}  // namespace godwit::rules
