#include <memory>
#include <string>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::SY, 2},
    .name = "operations-not-static",
    .severity = Severity::Info,
    .summary = "`operations` cannot be resolved statically: the operations godwit cannot see go unchecked",
    .docs = R"md(## What it does
Reports the parts of a migration's `operations` that godwit cannot resolve without running the
code: a list built by a function call or a comprehension, an element that is a call result or a
conditional expression, a starred call (`*build_operations()`), a class-body `for` loop or `if`
statement that changes `operations` (often depending on `settings`), a list imported from
another module, or operations inherited from a base class.

These are resolved and not reported: literal lists and tuples, literal lists joined with `+`,
module-level literal lists referenced by name (also starred), and an unconditional
`operations += [...]` in the class body.

## Why is this bad?
godwit reads migrations without importing them. Whatever it cannot see is not checked by any
rule: a `RemoveField` produced by a helper function gets no backwards-compatibility warning, an
`AddIndex` produced by a loop gets no lock warning. The message says how many operations are
affected. Operations that depend on settings also make the migration behave differently per
environment, which makes its effect on production hard to review.

## Example
```python
def index_operations():
    return [
        migrations.AddIndex("order", models.Index(fields=[name], name=f"order_{name}_idx"))
        for name in ("created_at", "status")
    ]


class Migration(migrations.Migration):
    operations = index_operations()
```

## Use instead
```python
class Migration(migrations.Migration):
    operations = [
        migrations.AddIndex("order", models.Index(fields=["created_at"], name="order_created_at_idx")),
        migrations.AddIndex("order", models.Index(fields=["status"], name="order_status_idx")),
    ]
```

## When it is fine
When the generated operations have been reviewed by hand (`python manage.py sqlmigrate app
migration` shows their SQL), or are known to be harmless. The diagnostic is informational.

## References
- Django documentation: "Migration files" and "Writing migrations"
- Django documentation: `sqlmigrate`
)md",
    .bad_example = R"py(from django.db import migrations, models


def index_operations():
    return [
        migrations.AddIndex("order", models.Index(fields=[name], name=f"order_{name}_idx"))
        for name in ("created_at", "status")
    ]


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_order_status")]

    operations = index_operations()
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_order_status")]

    operations = [
        migrations.AddIndex("order", models.Index(fields=["created_at"], name="order_created_at_idx")),
        migrations.AddIndex("order", models.Index(fields=["status"], name="order_status_idx")),
    ]
)py",
};

class OperationsNotStatic final : public rule::MigrationRule {
 public:
  OperationsNotStatic() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    const std::string sqlmigrate = "`python manage.py sqlmigrate " + migration.app_label + " " + migration.name + "`";
    for (const ir::UnresolvedOperations& unresolved : migration.unresolved_operations) {
      std::string count;
      std::string them = "them";
      if (unresolved.count < 0) {
        count = "an unknown number of operations cannot be analyzed";
      } else if (unresolved.count == 1) {
        count = "1 operation cannot be analyzed";
        them = "it";
      } else {
        count = std::to_string(unresolved.count) + " operations cannot be analyzed";
      }
      context.report(unresolved.range,
                     "`operations` is not statically known here (" + unresolved.reason + "): " + count +
                         ", so no rule checks " + them,
                     "write the operations out as a literal list, `operations = [migrations.AddField(...), ...]`, as "
                     "`makemigrations` does; if they must be generated, review their SQL with " +
                         sqlmigrate);
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_operations_not_static() { return std::make_unique<OperationsNotStatic>(); }

}  // namespace godwit::rules
