#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::GR, 2},
    .name = "missing-dependency",
    .severity = Severity::Error,
    .summary = "A dependency names a migration that does not exist: Django raises `NodeNotFoundError`",
    .docs = R"md(## What it does
Flags an entry of `dependencies` (or of `run_before`) that names a migration which does not
exist, in an app whose migrations godwit can all see: the app's `migrations` folder was found
under a checked path, or loaded as context because a checked migration depends on it. A
dependency on a migration that a squashed migration `replaces` is fine: Django points it at the
squash. `("app", "__first__")` and `("app", "__latest__")` are resolved as Django resolves them.

The help suggests the migration that was probably meant: one with the same number, or a close
name; otherwise it lists what the app has.

## Why is this bad?
Django builds the whole migration graph before doing anything, so one dangling name breaks every
`migrate`, `makemigrations` and `showmigrations` of the project with
`NodeNotFoundError: Migration shop.0005_order_paid dependencies reference nonexistent parent node
('shop', '0004_order_totals')`. It usually comes from a migration renamed or deleted after
another one started depending on it (a rebase, a regenerated migration), or from a file that was
never committed.

## Example
```python
# shop/migrations/0005_order_paid.py — the app has 0004_order_total
dependencies = [("shop", "0004_order_totals")]
```

## Use instead
```python
dependencies = [("shop", "0004_order_total")]
```

## When it is fine
Never for a migration Django loads. godwit does not report dependencies it cannot check:
- on apps whose migrations are not in the checked paths (`("auth", "0012_alter_user_first_name_max_length")`
  of `django.contrib.auth`, a third-party app), nor swappable dependencies
  (`migrations.swappable_dependency(settings.AUTH_USER_MODEL)`);
- on an app with a migration file godwit could not read (a syntax error, reported by SY001): a
  squash in it might replace the named migration.

## References
- Django documentation: "Migrations" — "Dependencies" and "Squashing migrations"
- Django source: `MigrationGraph.validate_consistency()` (`NodeNotFoundError`)
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
# file: shop/migrations/0002_order_total.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "total", models.DecimalField(decimal_places=2, max_digits=10, null=True)),
    ]
# file: shop/migrations/0003_order_paid.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_totals")]

    operations = [
        migrations.AddField("order", "paid", models.BooleanField(null=True)),
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
# file: shop/migrations/0002_order_total.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "total", models.DecimalField(decimal_places=2, max_digits=10, null=True)),
    ]
# file: shop/migrations/0003_order_paid.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_total")]

    operations = [
        migrations.AddField("order", "paid", models.BooleanField(null=True)),
    ]
)py",
};

// The number a migration name starts with ("0004" of "0004_order_total"), or "".
std::string_view number_prefix(std::string_view name) {
  const size_t digits = std::min(name.find_first_not_of("0123456789"), name.size());
  if (digits == 0 || (digits < name.size() && name[digits] != '_')) return {};
  return name.substr(0, digits);
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The names the missing one was probably meant to be: the same number, else the closest names
// within a few edits.
std::vector<std::string> likely_meant(std::string_view missing, const std::vector<std::string>& existing) {
  std::vector<std::string> out;
  if (const std::string_view number = number_prefix(missing); !number.empty()) {
    for (const std::string& name : existing) {
      if (number_prefix(name) == number) out.push_back(name);
    }
    if (!out.empty()) return out;
  }
  const size_t limit = std::max<size_t>(2, missing.size() / 5);
  size_t best = limit + 1;
  for (const std::string& name : existing) {
    const size_t distance = edit_distance(missing, name);
    if (distance > limit || distance > best) continue;
    if (distance < best) out.clear();
    best = distance;
    out.push_back(name);
  }
  return out;
}

std::string entry(std::string_view app, std::string_view name) {
  return "`(\"" + std::string(app) + "\", \"" + std::string(name) + "\")`";
}

// "`a`, `b`, …, `y`, `z`" for long lists.
std::string abridged(const std::vector<std::string>& names) {
  constexpr size_t kHead = 2;
  constexpr size_t kTail = 3;
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names.size() > kHead + kTail + 1 && i >= kHead && i + kTail < names.size()) {
      if (i == kHead) out += ", …";
      continue;
    }
    if (i > 0) out += ", ";
    out += rule::quoted(names[i]);
  }
  return out;
}

class MissingDependency final : public rule::ProjectRule {
 public:
  MissingDependency() : ProjectRule(kMeta) {}

  void check(const rule::ProjectContext& context) const override {
    const graph::MigrationGraph& graph = context.graph();
    for (const graph::MigrationGraph::MissingDependency& missing : graph.missing()) {
      // A squash in a file godwit could not read may replace the named migration.
      if (graph.app_has_unknown_edges(missing.app)) continue;
      const ir::Migration& m = *missing.migration;
      const source::TextRange range = missing.run_before ? m.run_before.at(missing.dependency_index).range
                                                         : m.dependencies.at(missing.dependency_index).range;
      const std::string target = rule::quoted(missing.app + "." + missing.name);

      // What the app has: every migration file (a replaced one is a valid target too), but not
      // the declaring migration itself.
      std::vector<std::string> existing;
      for (const graph::MigrationGraph::Node& node : graph.nodes()) {
        if (node.migration == nullptr || node.app != missing.app || node.migration == &m) continue;
        existing.push_back(node.name);
      }
      std::sort(existing.begin(), existing.end());

      std::string message;
      std::string help;
      if (missing.name == "__latest__") {
        // Only reached for the migration's own app: Django resolves `__latest__` for other apps.
        message = "`__latest__` is only resolved for another app's migrations: Django looks for a " + target +
                  " migration and raises `NodeNotFoundError`";
        help = "name the " + rule::quoted(missing.app) + " migration this one follows";
        const auto leaves = graph.leaves(missing.app);
        for (const graph::NodeId id : leaves) {
          if (graph.node(id).migration == &m) continue;
          help += ", e.g. " + entry(missing.app, graph.node(id).name);
          break;
        }
      } else {
        const std::string self = rule::quoted(m.app_label + "." + m.name);
        message = (missing.run_before ? self + " lists " + target + " in `run_before`, but it does not exist"
                                      : self + " depends on " + target + ", which does not exist") +
                  ": Django raises `NodeNotFoundError`, so no `migrate` or `makemigrations` can run";
        const std::vector<std::string> meant = likely_meant(missing.name, existing);
        if (!meant.empty()) {
          help = "did you mean ";
          for (size_t i = 0; i < meant.size(); ++i) {
            if (i > 0) help += i + 1 == meant.size() ? " or " : ", ";
            help += rule::quoted(meant[i]);
          }
          help += "? Write " + entry(missing.app, meant.front());
          if (meant.size() > 1) help += " (or the other one)";
        } else if (existing.empty()) {
          help = rule::quoted(missing.app) + " has no migration in the checked paths: add the missing " + target +
                 " file, or remove this entry";
        } else {
          // The latest: the app's leaf (the last one by name when there are several).
          std::string latest = existing.back();
          const auto leaves = graph.leaves(missing.app);
          if (leaves.size() == 1 && graph.node(leaves.front()).migration != &m)
            latest = graph.node(leaves.front()).name;
          help = rule::quoted(missing.app) + " has " + std::to_string(existing.size()) + " migration" +
                 (existing.size() == 1 ? "" : "s") + " (" + abridged(existing) + "): " +
                 (missing.run_before ? "name the one that must run after this migration"
                                     : "name the one this migration must follow (usually the latest, " +
                                           entry(missing.app, latest) + ")") +
                 ", or add the missing file";
        }
      }
      context.report(m, range, std::move(message), std::move(help));
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_missing_dependency() { return std::make_unique<MissingDependency>(); }

}  // namespace godwit::rules
