#include <memory>

#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 6},
    .name = "callable-default-single-value",
    .severity = Severity::Warning,
    .summary = "a field added with a per-call default (uuid4, now, ...): every existing row gets the same value",
    .docs = R"md(## What it does
Flags an `AddField` on an existing table whose `default` is a callable that returns a different
value on each call: `uuid.uuid4` or `uuid1`, `timezone.now`, `datetime.now` or `utcnow`,
`date.today`, anything from `secrets` or `random`, a lambda, or a function defined in the
migration or imported into it. It is an error when the field is unique, a warning otherwise,
and it applies to nullable fields too.

## Why is this bad?
To fill the existing rows, Django calls the default once and writes that single value into the
column of every row: every existing order gets the same "unique" id, or the same creation time.
With `unique=True` the migration fails as soon as the table has two rows.

## Example
```python
operations = [
    migrations.AddField(
        model_name="order",
        name="public_id",
        field=models.UUIDField(default=uuid.uuid4, unique=True),
    ),
]
```

## Use instead
Three steps, as in the deployment guide:
1. add the field with `null=True` and no default;
2. fill it row by row in a data migration (`RunPython`, in batches), calling the function for each
   row;
3. in a later migration, set the `default` and add `unique=True` (and drop `null=True`).

```python
operations = [
    migrations.AddField(
        model_name="order",
        name="public_id",
        field=models.UUIDField(null=True, editable=False),
    ),
]
```

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release).
- The callable builds a constant: `dict`, `list`, `set`, `tuple`, `str`, `int`, `float`,
  `bool`, `Decimal`.
- The field also has a `db_default` (Django ≥ 5.0): the existing rows get the database default,
  and the callable only serves new objects.

## References
- Django documentation: "Migrations that add unique fields"
- The project's deployment guide: add nullable, backfill, then constrain
)md",
    .bad_example = R"py(import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True),
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="order",
            name="metadata",
            field=models.JSONField(default=dict),
        ),
    ]
)py",
};

class CallableDefaultSingleValue final : public rule::OperationRule {
 public:
  CallableDefaultSingleValue() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AddField}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    if (field == nullptr || name == nullptr || op.model_key().empty() || !field->has_column()) return;
    const ir::DefaultSpec& def = field->default_value;
    if (def.kind != ir::DefaultSpec::Kind::Callable || !def.volatile_value || def.value == nullptr) return;
    // With a db_default Django fills the existing rows from the database default instead.
    if (field->db_default != nullptr) return;
    if (context.on_new_table() || !zd::has_own_table(context.model_before())) return;

    const std::string model = context.model_name();
    const std::string table = context.table_name(op.model_key());
    const std::string callable = zd::one_line(context.text(def.value->range()));
    const bool lambda = def.value->is(ir::Value::Kind::Lambda);
    const bool unique = field->unique == ir::Tri::Yes;

    std::string message = "adding `" + model + "." + *name + "` with `default=" + callable + "` to existing table `" +
                          table + "`: Django calls " + (lambda ? "the lambda" : "`" + callable + "`") +
                          " once and writes that one value into every existing row";
    message += unique ? ", so with `unique=True` the migration fails as soon as the table has two rows"
                      : ", not a value per row";

    const std::string per_row = lambda ? "computing each row's value" : "calling `" + callable + "()` for each row";
    std::string later = "set the default";
    if (unique) later += " and `unique=True`";
    if (field->null == ir::Tri::No) later += " and drop `null=True`";
    context.report(op.range(), std::move(message),
                   "add `" + *name + "` with `null=True` and no default, fill it row by row in a data migration (" +
                       per_row + ", in batches), then " + later + " in a later migration",
                   unique ? std::optional<Severity>(Severity::Error) : std::nullopt);
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_callable_default_single_value() {
  return std::make_unique<CallableDefaultSingleValue>();
}

}  // namespace godwit::rules
