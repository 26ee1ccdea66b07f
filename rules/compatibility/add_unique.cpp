#include <algorithm>
#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::BC, 8},
    .name = "add-unique",
    .severity = Severity::Warning,
    .summary = "a uniqueness rule added to an existing table: old code may insert duplicates",
    .docs = R"md(## What it does
Flags a uniqueness rule that appears on an existing table: `AddConstraint` of a
`UniqueConstraint`, `AlterUniqueTogether` adding a set, `AddField` or `AlterField` with
`unique=True` (a `OneToOneField` is unique).

## Why is this bad?
The running code was written without the rule: it may insert or update rows into duplicates and
now gets `IntegrityError`. Rows that are already duplicated make the migration itself fail,
half-way through a deploy.

## Example
```python
migrations.AddConstraint(
    model_name="subscription",
    constraint=models.UniqueConstraint(fields=["customer", "plan"], name="one_subscription_per_plan"),
),
```

## Use instead
Deploy code that never writes duplicates first; remove the existing duplicates (a data migration
or a script); then add the constraint in a later release. On PostgreSQL, build the unique index
concurrently first (see `add-unique-non-concurrently`).

## When it is fine
- The table was created in the same migration or release.
- The migration runs after the new code is live: `Safe.after_deploy()`, or
  `deploy-order = "code-first"`.

## References
- The project's deployment guide: expand, deploy, contract
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_subscription_plan")]

    operations = [
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(fields=["customer", "plan"], name="one_subscription_per_plan"),
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_subscription_plan")]

    operations = [
        migrations.CreateModel(
            name="Coupon",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("code", models.CharField(max_length=20, unique=True)),
            ],
        ),
        migrations.AddConstraint(
            model_name="coupon",
            constraint=models.UniqueConstraint(fields=["code"], name="coupon_code_unique"),
        ),
    ]
)py",
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

class AddUnique final : public rule::OperationRule {
 public:
  AddUnique() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override {
    return {ir::OperationKind::AddConstraint, ir::OperationKind::AlterUniqueTogether, ir::OperationKind::AddField,
            ir::OperationKind::AlterField};
  }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const std::string& model_key = op.model_key();
    if (model_key.empty() || context.on_new_table() || context.runs_after_deploy()) return;
    const state::ModelState* model = context.model_before();
    if (model != nullptr && (!model->managed || model->proxy)) return;
    const std::string& app = context.migration().app_label;
    const std::string name = context.model_name();
    std::string what;  // e.g. "`Subscription(customer, plan)`"
    switch (op.kind()) {
      case ir::OperationKind::AddConstraint: {
        const ir::Value* c = op.arg(ir::Param::constraint).value;
        if (c == nullptr) return;
        const state::ConstraintState constraint = state::read_constraint(*c);
        if (constraint.kind != state::ConstraintState::Kind::Unique) return;
        what = "unique constraint `" + (constraint.name.empty() ? std::string("?") : constraint.name) + "` on `" +
               name + "(" + join(constraint.fields) + ")`";
        break;
      }
      case ir::OperationKind::AlterUniqueTogether: {
        if (model == nullptr || model->uncertain) return;  // the sets before are unknown
        bool known = true;
        const auto groups = state::read_together(op.arg(ir::Param::unique_together).value, known);
        if (!known) return;
        std::vector<std::string> added;
        for (const auto& group : groups) {
          const auto& old_groups = model->unique_together;
          if (std::find(old_groups.begin(), old_groups.end(), group) == old_groups.end()) {
            added.push_back(name + "(" + join(group) + ")");
          }
        }
        if (added.empty()) return;  // only removes sets, or re-declares them
        what = std::string(added.size() == 1 ? "unique_together " : "unique_together sets ") + "`" + join(added) + "`";
        break;
      }
      case ir::OperationKind::AddField: {
        const ir::FieldSpec* f = op.field();
        const std::string* field = op.string_arg(ir::Param::name);
        if (f == nullptr || field == nullptr || f->unique != ir::Tri::Yes || f->primary_key == ir::Tri::Yes) return;
        what = "unique column `" + name + "." + *field + "`";
        break;
      }
      case ir::OperationKind::AlterField: {
        const ir::FieldSpec* f = op.field();
        const std::string* field = op.string_arg(ir::Param::name);
        if (f == nullptr || field == nullptr || f->unique != ir::Tri::Yes || f->primary_key == ir::Tri::Yes) return;
        const state::FieldLookup before = context.state().lookup_field(app, model_key, *field);
        if (before.knowledge != state::Knowledge::Known || before.field->spec.unique != ir::Tri::No) return;
        what = "uniqueness on `" + name + "." + *field + "`";
        break;
      }
      default:
        return;
    }
    context.report(op.range(),
                   "adding " + what + " to existing table `" + context.table_name(model_key) +
                       "`: the running code may write duplicates and get `IntegrityError`, and existing duplicates "
                       "make the migration fail",
                   "deploy code that never writes duplicates, remove the existing ones, then add the rule in a later "
                   "release (on PostgreSQL, build the unique index concurrently first)");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_add_unique() { return std::make_unique<AddUnique>(); }

}  // namespace godwit::rules
