#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using phase::Phase;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 10},
    .name = "non-atomic-multiple-operations",
    .severity = Severity::Warning,
    .summary = "atomic = False with several operations that touch the database",
    .docs = R"md(## What it does
Flags a migration with `atomic = False` that has more than one operation touching the database
(everything but state-only and *always* operations; `RunPython` and custom operations count).

## Why is this bad?
Without a transaction, a failure halfway leaves the first operations applied and the migration
not recorded. Running it again fails on what already exists (the index, the column), and someone
has to repair the schema by hand — during the deploy.

## Example
```python
class Migration(migrations.Migration):
    atomic = False
    operations = [
        AddIndexConcurrently("order", models.Index(fields=["created"], name="order_created_idx")),
        AddIndexConcurrently("order", models.Index(fields=["status"], name="order_status_idx")),
    ]
```

## Use instead
One non-atomic operation per migration: `atomic = False` only where PostgreSQL requires it
(`CONCURRENTLY`), each index in its own migration.

## When it is fine
A single operation touching the database, with any number of state-only ones.

## References
- Django documentation: "Non-atomic migrations"
- PostgreSQL documentation: `CREATE INDEX CONCURRENTLY` (cannot run in a transaction block)
)md",
    .bad_example = R"py(from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0008_order_status")]
    operations = [
        AddIndexConcurrently("order", models.Index(fields=["created"], name="order_created_idx")),
        AddIndexConcurrently("order", models.Index(fields=["status"], name="order_status_idx")),
    ]
)py",
    .good_example = R"py(from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0008_order_status")]
    operations = [
        AddIndexConcurrently("order", models.Index(fields=["created"], name="order_created_idx")),
        migrations.AlterModelOptions("order", {"ordering": ["-created"]}),
    ]
)py",
};

class NonAtomicMultipleOperations final : public rule::MigrationRule {
 public:
  NonAtomicMultipleOperations() : MigrationRule(kMeta) {}

  [[nodiscard]] When when() const override { return When::AfterOperations; }

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& m = context.migration();
    const phase::MigrationPhases* phases = context.phases();
    if (m.atomic != ir::Tri::No || phases == nullptr) return;
    std::vector<const phase::OperationPhase*> touching;
    for (const auto& op : phases->operations) {
      if (op.phase != Phase::Always) touching.push_back(&op);
    }
    if (touching.size() < 2) return;
    auto& d = context.report(m.class_range,
                             "`atomic = False` with " + std::to_string(touching.size()) +
                                 " operations that touch the database: a failure halfway leaves the schema "
                                 "half-migrated, and running the migration again fails on what already ran",
                             "keep one operation per non-atomic migration: move the other " +
                                 std::to_string(touching.size() - 1) + " to their own migrations");
    if (m.atomic_range.length() > 0) d.related.push_back({m.source, m.atomic_range, "`atomic = False`"});
    for (const auto* op : touching) d.related.push_back({m.source, op->range, op->reason});
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_non_atomic_multiple_operations() {
  return std::make_unique<NonAtomicMultipleOperations>();
}

}  // namespace godwit::rules
