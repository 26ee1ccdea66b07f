#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 7},
    .name = "irreversible-operation",
    .severity = Severity::Error,
    .summary = "a custom operation declared `reversible = False` blocks the rollback",
    .docs = R"md(## What it does
Flags a custom operation whose class, defined in the migration file, says `reversible = False`
(directly or through a base class defined in the file), wherever it stands: in `operations` or
inside `SeparateDatabaseAndState.database_operations`. `RunPython` and `RunSQL` without a
reverse are reported by `runpython-without-reverse` and `runsql-without-reverse` instead.

## Why is this bad?
Django refuses to unapply a migration containing an irreversible operation:
`python manage.py migrate app <previous>` raises `IrreversibleError`, and the emergency rollback
of the whole release stops there.

## Example
```python
class RebuildSearchIndex(Operation):
    reversible = False
    ...
```

## Use instead
Implement `database_backwards` (and `state_backwards` if the operation changes the state), and
drop `reversible = False`. When undoing really needs nothing, a `database_backwards` that does
nothing says so explicitly.

## When it is fine
Operations whose classes are imported from elsewhere are not judged: godwit cannot see them.

## References
- Django documentation: "Writing your own operations" (`reversible`, `database_backwards`)
)md",
    .bad_example = R"py(from django.db import migrations
from django.db.migrations.operations.base import Operation


class RebuildSearchIndex(Operation):
    reversible = False

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute("REINDEX TABLE search_document")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_body")]

    operations = [
        RebuildSearchIndex(),
    ]
)py",
    .good_example = R"py(from django.db import migrations
from django.db.migrations.operations.base import Operation


class RebuildSearchIndex(Operation):
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute("REINDEX TABLE search_document")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # an index rebuild needs no undoing


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_body")]

    operations = [
        RebuildSearchIndex(),
    ]
)py",
};

// Where `reversible = False` comes from: the class or one of its bases defined in the file.
const ir::ClassInfo* declares_irreversible(const ir::Migration& migration, const ir::ClassInfo* cls, int depth = 0) {
  if (cls == nullptr || depth > 16) return nullptr;
  if (cls->reversible) return *cls->reversible ? nullptr : cls;
  for (const std::string& base : cls->bases) {
    if (const ir::ClassInfo* found = declares_irreversible(migration, migration.class_named(base), depth + 1)) {
      return found;
    }
  }
  return nullptr;
}

class IrreversibleOperation final : public rule::OperationRule {
 public:
  IrreversibleOperation() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::Custom}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const ir::Value& call = op.call();
    if (call.origin() != ir::NameOrigin::Local) return;
    const ir::Migration& migration = context.migration();
    const ir::ClassInfo* declared = declares_irreversible(migration, migration.class_named(call.text()));
    if (declared == nullptr) return;
    diagnostics::Diagnostic& d = context.report(
        op.range(),
        "`" + call.text() + "` is declared `reversible = False`: rolling this migration back raises `IrreversibleError`",
        "implement `database_backwards` in `" + declared->name + "` (an empty one when undoing needs nothing) and "
        "remove `reversible = False`");
    d.related.push_back({migration.source, declared->reversible_range, "declared irreversible here"});
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_irreversible_operation() { return std::make_unique<IrreversibleOperation>(); }

}  // namespace godwit::rules
