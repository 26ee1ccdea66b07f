#include <memory>

#include "analyzer/ir/reversibility.h"
#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 1},
    .name = "runpython-without-reverse",
    .severity = Severity::Error,
    .summary = "RunPython without reverse_code: the migration cannot be rolled back",
    .docs = R"md(## What it does
Flags `migrations.RunPython(...)` without a `reverse_code` (neither as the second positional
argument nor as a keyword), or with `reverse_code=None`.

## Why is this bad?
Django refuses to unapply a migration that contains an irreversible operation:
`python manage.py migrate shop 0002` stops with `IrreversibleError`. When a deploy goes wrong,
the emergency rollback of the schema is blocked by this one data migration, and everything that
depends on it stays applied.

## Example
```python
operations = [
    migrations.RunPython(backfill_slugs),
]
```

## Use instead
```python
def clear_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Article.objects.update(slug="")

operations = [
    migrations.RunPython(backfill_slugs, reverse_code=clear_slugs),
]
```

## When it is fine
When undoing really needs nothing (the forward function only fills a column that the rollback
drops anyway), say so with `reverse_code=migrations.RunPython.noop`: the rollback then runs.

## References
- Django documentation: `RunPython` (`reverse_code`) and "Reversing migrations"
- The project's deployment guide: make every migration reversible and test the rollback
)md",
    .bad_example = R"py(from django.db import migrations


def backfill_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    for article in Article.objects.filter(slug=""):
        article.slug = str(article.pk)
        article.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_article_slug")]

    operations = [
        migrations.RunPython(backfill_slugs),
    ]
)py",
    .good_example = R"py(from django.db import migrations


def backfill_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    for article in Article.objects.filter(slug=""):
        article.slug = str(article.pk)
        article.save(update_fields=["slug"])


def clear_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Article.objects.update(slug="")


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_article_slug")]

    operations = [
        migrations.RunPython(backfill_slugs, reverse_code=clear_slugs),
    ]
)py",
};

class RunPythonWithoutReverse final : public rule::OperationRule {
 public:
  RunPythonWithoutReverse() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::RunPython}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const ir::Argument reverse = ir::reverse_argument(op);
    if (!reverse.absent_or_none()) return;  // given, or possibly given through **kwargs
    const ir::Argument code = op.arg(ir::Param::code);
    std::string forward = "forwards";
    if (code.value != nullptr && code.value->is(ir::Value::Kind::Name)) forward = std::string(code.value->short_name());
    const std::string what = reverse.present() ? "`reverse_code=None`" : "no `reverse_code`";
    context.report(op.range(),
                   "`RunPython(" + forward + ")` has " + what +
                       ": this migration cannot be rolled back (`migrate` backwards raises `IrreversibleError`)",
                   "write a function that undoes `" + forward + "` and pass it: `migrations.RunPython(" + forward +
                       ", reverse_code=undo_" + forward +
                       ")`; if undoing needs nothing, pass `reverse_code=migrations.RunPython.noop`");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_runpython_without_reverse() { return std::make_unique<RunPythonWithoutReverse>(); }

}  // namespace godwit::rules
