#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::GR, 1},
    .name = "multiple-leaf-nodes",
    .severity = Severity::Error,
    .summary = "An app has more than one leaf migration: `migrate` stops with \"Conflicting migrations detected\"",
    .docs = R"md(## What it does
Flags an app whose migration history has more than one *leaf*: a migration that no later
migration of the same app depends on. There is one diagnostic per leaf, at its
`class Migration` line, naming all the leaves; the other leaves are shown as related locations.

A merge migration (one that depends on every branch) leaves a single leaf. A squashed migration
whose `replaces` are present stands for the migrations it replaces, so keeping the originals
around does not count as a second leaf.

## Why is this bad?
Two branches that each added a migration after the same parent (two pull requests merged one
after the other, both with a `0004_…`) leave two leaves. Django refuses to guess their order:
`python manage.py migrate` and `makemigrations` stop with
`CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph`,
so the deploy that contains both branches fails before any migration runs.

## Example
```python
# shop/migrations/0004_order_note.py
dependencies = [("shop", "0003_order_total")]

# shop/migrations/0004_order_status.py
dependencies = [("shop", "0003_order_total")]
```

## Use instead
Merge the branches with `python manage.py makemigrations --merge shop`, which writes:
```python
# shop/migrations/0005_merge_0004_order_note_0004_order_status.py
class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_order_note"),
        ("shop", "0004_order_status"),
    ]
    operations = []
```
If one of the two migrations has not been applied anywhere yet, you may instead make it depend
on the other one and renumber it.

## When it is fine
Never at deploy time. godwit stays silent for an app whose graph it cannot fully see: a
dependency of the app that names a missing migration (GR002 reports it; the wrong name would
make a false second leaf), or a migration file whose dependencies it could not read (a syntax
error, reported by SY001, or a computed `dependencies`).

## References
- Django documentation: "Migrations" — "Version control" (merging with `makemigrations --merge`)
- Django source: `MigrationLoader.detect_conflicts()`
)md",
    .bad_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
        ),
    ]
# file: shop/migrations/0002_order_note.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "note", models.TextField(blank=True, default="")),
    ]
# file: shop/migrations/0002_order_status.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "status", models.CharField(max_length=20, null=True)),
    ]
)py",
    .good_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
        ),
    ]
# file: shop/migrations/0002_order_note.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "note", models.TextField(blank=True, default="")),
    ]
# file: shop/migrations/0002_order_status.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "status", models.CharField(max_length=20, null=True)),
    ]
# file: shop/migrations/0003_merge_0002_order_note_0002_order_status.py
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_order_note"),
        ("shop", "0002_order_status"),
    ]

    operations = []
)py",
};

// "`a` and `b`", "`a`, `b` and `c`".
std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += rule::quoted(names[i]);
  }
  return out;
}

class MultipleLeafNodes final : public rule::ProjectRule {
 public:
  MultipleLeafNodes() : ProjectRule(kMeta) {}

  void check(const rule::ProjectContext& context) const override {
    const graph::MigrationGraph& graph = context.graph();
    // A missing dependency leaves the migration it should have pointed at without a child: a
    // false leaf. GR002 reports the real problem.
    std::vector<std::string> apps_with_missing;
    for (const auto& missing : graph.missing()) apps_with_missing.push_back(missing.migration->app_label);
    std::sort(apps_with_missing.begin(), apps_with_missing.end());

    for (const std::string& app : graph.apps()) {
      if (graph.app_has_unknown_edges(app)) continue;
      if (std::binary_search(apps_with_missing.begin(), apps_with_missing.end(), app)) continue;
      const std::vector<graph::NodeId> leaves = graph.leaves(app);
      if (leaves.size() < 2) continue;
      std::vector<std::string> names;
      for (const graph::NodeId id : leaves) names.push_back(graph.node(id).name);
      const std::string listed = name_list(names);
      const std::string message = "app " + rule::quoted(app) + " has " + std::to_string(leaves.size()) +
                                  " leaf migrations, " + listed +
                                  ": `migrate` stops with \"Conflicting migrations detected\"";
      const std::string help = "merge them: `python manage.py makemigrations --merge " + app +
                               "` writes a migration that depends on " + listed;
      for (const graph::NodeId id : leaves) {
        const ir::Migration& leaf = *graph.node(id).migration;
        rule::Diagnostic& d = context.report(leaf, leaf.class_range, message, help);
        for (const graph::NodeId other : leaves) {
          if (other == id) continue;
          const ir::Migration& m = *graph.node(other).migration;
          d.related.push_back(
              {m.source, m.class_range, "another leaf of " + rule::quoted(app) + ": " + rule::quoted(m.name)});
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_multiple_leaf_nodes() { return std::make_unique<MultipleLeafNodes>(); }

}  // namespace godwit::rules
