#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using phase::Phase;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 8},
    .name = "mixed-deploy-phases",
    .severity = Severity::Error,
    .summary = "one migration mixes operations that belong to different deploy phases",
    .docs = R"md(## What it does
Flags a migration that contains both *expand* operations (needed before the new code, tolerated
by the old one: a nullable column, a new table, an index) and *contract* operations (only safe
once the new code is live: dropping a column, NOT NULL, a new unique constraint), or a
*multi-step* operation (a rename, a type change, a NOT NULL column without a database default)
together with expand, contract or data operations. `godwit rule` and `godwit plan` show the
phase of every operation.

## Why is this bad?
A migration runs at one moment of the deploy. If it runs before the new code goes live, its
contract part breaks the old code; if it runs after, the new code starts without its expand
part. No deploy order is safe for both halves, and the migration cannot be marked
`Safe.before_deploy()` or `Safe.after_deploy()` honestly.

## Example
```python
operations = [
    migrations.AddField("order", "channel", models.CharField(max_length=10, null=True)),  # expand
    migrations.RemoveField("order", "fax"),                                                 # contract
]
```

## Use instead
One migration per phase: the expand migration ships with (and runs before) the new code, the
contract migration ships in the next release, after the new code is everywhere.

## When it is fine
- Operations on tables created in the same migration (or release) are expand operations.
- Operations of the *always* phase (state-only changes, options) and custom operations
  (unknown phase) never make a migration mixed.

## References
- The project's deployment guide: expand, deploy, contract
- django-safemigrate: `Safe.before_deploy()`, `Safe.after_deploy()`
)md",
    .bad_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            "Order",
            [
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("fax", models.CharField(max_length=30, null=True)),
            ],
        ),
    ]
# file: shop/migrations/0002_order_channel_remove_fax.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("order", "channel", models.CharField(max_length=10, null=True)),
        migrations.RemoveField("order", "fax"),
    ]
)py",
    .good_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            "Order",
            [
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("fax", models.CharField(max_length=30, null=True)),
            ],
        ),
    ]
# file: shop/migrations/0002_order_channel.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("order", "channel", models.CharField(max_length=10, null=True)),
    ]
# file: shop/migrations/0003_remove_order_fax.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_channel")]
    operations = [
        migrations.RemoveField("order", "fax"),
    ]
)py",
};

std::string where(const rule::MigrationContext& context, const phase::OperationPhase& op) {
  return op.reason + " (line " + std::to_string(context.migration().file().position(op.range.begin).line) + ")";
}

class MixedDeployPhases final : public rule::MigrationRule {
 public:
  MixedDeployPhases() : MigrationRule(kMeta) {}

  [[nodiscard]] When when() const override { return When::AfterOperations; }

  void check(const rule::MigrationContext& context) const override {
    const phase::MigrationPhases* phases = context.phases();
    if (phases == nullptr || !context.migration().has_migration_class) return;
    const auto expand = phases->of(Phase::Expand);
    const auto data = phases->of(Phase::Data);
    const auto contract = phases->of(Phase::Contract);
    const auto multi = phases->of(Phase::MultiStep);
    const phase::OperationPhase* first = nullptr;
    const phase::OperationPhase* second = nullptr;
    std::string first_phase;
    std::string second_phase;
    if (!expand.empty() && !contract.empty()) {
      first = expand.front(), first_phase = "expand";
      second = contract.front(), second_phase = "contract";
    } else if (!multi.empty() && (!expand.empty() || !contract.empty() || !data.empty())) {
      first = multi.front(), first_phase = "multi-step";
      const auto& other = !contract.empty() ? contract : !expand.empty() ? expand : data;
      second = other.front();
      second_phase = !contract.empty() ? "contract" : !expand.empty() ? "expand" : "data";
    } else {
      return;
    }
    auto& d = context.report(
        context.migration().class_range,
        "this migration mixes deploy phases: " + first_phase + " " + where(context, *first) + " and " + second_phase +
            " " + where(context, *second) + "; no deploy order is safe for both",
        first_phase == "multi-step"
            ? "give the multi-step operation its own migrations (`godwit plan` shows the phased recipe), apart from "
              "the " + second_phase + " operations"
            : "split it: the expand operations in a migration that runs before the deploy, the contract operations "
              "in a migration of the next release");
    const auto& source = context.migration().source;
    d.related.push_back({source, first->range, first_phase + ": " + first->reason});
    d.related.push_back({source, second->range, second_phase + ": " + second->reason});
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_mixed_deploy_phases() { return std::make_unique<MixedDeployPhases>(); }

}  // namespace godwit::rules
