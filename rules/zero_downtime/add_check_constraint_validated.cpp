#include <memory>

#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 5},
    .name = "add-check-constraint-validated",
    .severity = Severity::Warning,
    .summary = "a check constraint added to an existing table is validated under an ACCESS EXCLUSIVE lock",
    .docs = R"md(## What it does
Flags, on PostgreSQL, `AddConstraint` of a `CheckConstraint` on an existing table.

## Why is this bad?
`ALTER TABLE … ADD CONSTRAINT … CHECK` takes an ACCESS EXCLUSIVE lock and keeps it while
PostgreSQL reads every row to check it: no query can read or write the table until the scan is
over, and every request that touches the table waits behind it.

## Example
```python
operations = [
    migrations.AddConstraint(
        model_name="order",
        constraint=models.CheckConstraint(check=models.Q(total__gte=0), name="order_total_non_negative"),
    ),
]
```

## Use instead
Add the constraint `NOT VALID` (no scan: new and updated rows are checked from then on), then
validate it in a separate migration, which scans under a SHARE UPDATE EXCLUSIVE lock that lets
reads and writes go on (Django ≥ 4.0):
```python
from django.contrib.postgres.operations import AddConstraintNotValid

operations = [
    AddConstraintNotValid(
        model_name="order",
        constraint=models.CheckConstraint(check=models.Q(total__gte=0), name="order_total_non_negative"),
    ),
]

# the next migration
from django.contrib.postgres.operations import ValidateConstraint

operations = [
    ValidateConstraint(model_name="order", name="order_total_non_negative"),
]
```
The validation must be in another migration: in the same transaction the first step's ACCESS
EXCLUSIVE lock would still be held during the scan. Before Django 4.0, write both steps with
`RunSQL` (`… NOT VALID`, then `VALIDATE CONSTRAINT`) and put the `AddConstraint` in
`state_operations`.

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release).
- `AddConstraintNotValid`: it does not scan.
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `ALTER TABLE` (`ADD table_constraint … NOT VALID`, `VALIDATE CONSTRAINT`)
- Django documentation: `django.contrib.postgres.operations.AddConstraintNotValid`, `ValidateConstraint`
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(check=models.Q(total__gte=0), name="order_total_non_negative"),
        ),
    ]
)py",
    .good_example = R"py(# file: shop/migrations/0013_order_total_non_negative.py
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        AddConstraintNotValid(
            model_name="order",
            constraint=models.CheckConstraint(check=models.Q(total__gte=0), name="order_total_non_negative"),
        ),
    ]
# file: shop/migrations/0014_validate_order_total_non_negative.py
from django.contrib.postgres.operations import ValidateConstraint
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0013_order_total_non_negative")]

    operations = [
        ValidateConstraint(model_name="order", name="order_total_non_negative"),
    ]
)py",
    .example_settings = "database=postgresql django=4.2",
};

class AddCheckConstraintValidated final : public rule::OperationRule {
 public:
  AddCheckConstraintValidated() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AddConstraint}; }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    const ir::Operation& op = context.operation();
    const std::string& model_key = op.model_key();
    if (model_key.empty() || context.on_new_table() || !zd::has_own_table(context.model_before())) return;
    const ir::Value* c = op.arg(ir::Param::constraint).value;
    if (c == nullptr) return;
    const state::ConstraintState constraint = state::read_constraint(*c);
    if (constraint.kind != state::ConstraintState::Kind::Check) return;

    const std::string table = context.table_name(model_key);
    const std::string name = constraint.name.empty() ? "?" : constraint.name;
    const std::string* written_model = op.string_arg(ir::Param::model_name);
    const std::string model = written_model != nullptr ? *written_model : model_key;
    const std::string definition = zd::one_line(context.text(c->range()));

    std::string help;
    if (context.config().django_version >= config::DjangoVersion{4, 0}) {
      help = "add it without the scan with `AddConstraintNotValid(model_name=\"" + model +
             "\", constraint=" + definition +
             ")` (from `django.contrib.postgres.operations`), then run `ValidateConstraint(model_name=\"" + model +
             "\", name=\"" + name +
             "\")` in a separate migration: validating takes a SHARE UPDATE EXCLUSIVE lock, which lets reads and "
             "writes go on";
    } else {
      help = "add it without the scan with `RunSQL('ALTER TABLE \"" + table + "\" ADD CONSTRAINT \"" + name +
             "\" CHECK (…) NOT VALID', reverse_sql='ALTER TABLE \"" + table + "\" DROP CONSTRAINT \"" + name +
             "\"', state_operations=[" + zd::one_line(context.text(op.range())) +
             "])`, then run `RunSQL('ALTER TABLE \"" + table + "\" VALIDATE CONSTRAINT \"" + name +
             "\"', reverse_sql=migrations.RunSQL.noop)` in a separate migration: validating takes a SHARE UPDATE "
             "EXCLUSIVE lock, which lets reads and writes go on (Django >= 4.0 has `AddConstraintNotValid` and "
             "`ValidateConstraint` for this)";
    }
    context.report(op.range(),
                   "adding check constraint `" + name + "` to existing table `" + table +
                       "`: `ALTER TABLE … ADD CONSTRAINT … CHECK` holds an ACCESS EXCLUSIVE lock while it scans every "
                       "row, so no query can read or write the table until the scan ends",
                   std::move(help));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_add_check_constraint_validated() {
  return std::make_unique<AddCheckConstraintValidated>();
}

}  // namespace godwit::rules
