#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using graph::MigrationGraph;
using graph::NodeId;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::GR, 3},
    .name = "dependency-cycle",
    .severity = Severity::Error,
    .summary = "Migrations depend on each other in a cycle: Django raises `CircularDependencyError`",
    .docs = R"md(## What it does
Flags migrations whose `dependencies` (and `run_before`, which adds a dependency the other way
round) form a cycle: `shop.0002_order_invoice` depends on `billing.0002_invoice_order`, which
depends on `shop.0002_order_invoice`. One diagnostic per cycle, listing it, at the entry in the
cycle's first migration (by app label, then name) that points to the next migration of the cycle
(when only the next migration's `run_before` ties them, at that `run_before` entry); the other
entries of the cycle are shown as related locations. A migration that depends on itself is a
cycle of one.

## Why is this bad?
Django cannot order the migrations of a cycle: building the migration graph raises
`CircularDependencyError: billing.0002_invoice_order, shop.0002_order_invoice`, and every
`migrate`, `makemigrations` and `showmigrations` of the project fails. Cycles usually appear
when two apps get foreign keys to each other in the same release, or when a hand-written
`run_before` contradicts an existing dependency.

## Example
```python
# shop/migrations/0002_order_invoice.py
dependencies = [("shop", "0001_initial"), ("billing", "0002_invoice_order")]
operations = [migrations.AddField("order", "invoice", models.ForeignKey("billing.Invoice", ...))]

# billing/migrations/0002_invoice_order.py
dependencies = [("billing", "0001_initial"), ("shop", "0002_order_invoice")]
operations = [migrations.AddField("invoice", "order", models.ForeignKey("shop.Order", ...))]
```

## Use instead
Keep one direction per migration: here `billing.0002_invoice_order` keeps its dependency, and
the foreign key from `shop` moves to a later migration that depends on both (this is how
`makemigrations` splits such models itself):
```python
# shop/migrations/0002_order_invoice.py
dependencies = [("shop", "0001_initial")]

# shop/migrations/0003_order_invoice_fk.py
dependencies = [("shop", "0002_order_invoice"), ("billing", "0002_invoice_order")]
operations = [migrations.AddField("order", "invoice", models.ForeignKey("billing.Invoice", ...))]
```

## When it is fine
Never: Django refuses the whole graph.

## References
- Django documentation: "Migrations" — "Dependencies", and `Migration.run_before`
- Django source: `MigrationGraph.ensure_not_cyclic()` (`CircularDependencyError`)
)md",
    .bad_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel("Order", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
# file: shop/migrations/0002_order_invoice.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial"), ("billing", "0002_invoice_order")]

    operations = [
        migrations.AddField("order", "invoice", models.ForeignKey("billing.Invoice", models.SET_NULL, null=True)),
    ]
# file: billing/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel("Invoice", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
# file: billing/migrations/0002_invoice_order.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("shop", "0002_order_invoice")]

    operations = [
        migrations.AddField("invoice", "order", models.ForeignKey("shop.Order", models.SET_NULL, null=True)),
    ]
)py",
    .good_example = R"py(# file: shop/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel("Order", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
# file: shop/migrations/0002_order_invoice.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial"), ("billing", "0001_initial")]

    operations = [
        migrations.AddField("order", "invoice", models.ForeignKey("billing.Invoice", models.SET_NULL, null=True)),
    ]
# file: billing/migrations/0001_initial.py
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel("Invoice", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
# file: billing/migrations/0002_invoice_order.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("shop", "0002_order_invoice")]

    operations = [
        migrations.AddField("invoice", "order", models.ForeignKey("shop.Order", models.SET_NULL, null=True)),
    ]
)py",
};

class DependencyCycle final : public rule::ProjectRule {
 public:
  DependencyCycle() : ProjectRule(kMeta) {}

  void check(const rule::ProjectContext& context) const override {
    const MigrationGraph& graph = context.graph();
    for (const MigrationGraph::Cycle& cycle : graph.cycles()) report(context, graph, cycle);
  }

 private:
  static std::string key(const MigrationGraph& graph, NodeId id) {
    return graph.node(id).app + "." + graph.node(id).name;
  }

  static std::string entry(const MigrationGraph& graph, NodeId id) {
    return "`(\"" + graph.node(id).app + "\", \"" + graph.node(id).name + "\")`";
  }

  // What an edge of the cycle says, in terms of the nodes (a replaced file's entry speaks for
  // its squash).
  static std::string describe(const MigrationGraph& graph, const MigrationGraph::Edge& edge) {
    if (edge.run_before) {
      return rule::quoted(key(graph, edge.parent)) + " lists " + rule::quoted(key(graph, edge.child)) +
             " in `run_before`";
    }
    return rule::quoted(key(graph, edge.child)) + " depends on " + rule::quoted(key(graph, edge.parent));
  }

  // The edges child -> parent, in declaration order.
  static std::vector<size_t> edges_between(const MigrationGraph& graph, NodeId child, NodeId parent) {
    std::vector<size_t> out;
    for (size_t i = 0; i < graph.edges().size(); ++i) {
      if (graph.edges()[i].child == child && graph.edges()[i].parent == parent) out.push_back(i);
    }
    return out;
  }

  static void report(const rule::ProjectContext& context, const MigrationGraph& graph,
                     const MigrationGraph::Cycle& cycle) {
    const std::vector<NodeId>& nodes = cycle.nodes;
    const MigrationGraph::Edge& chosen = graph.edges()[cycle.entry];
    const std::string raises = ": Django raises `CircularDependencyError`, so no `migrate` or `makemigrations` can run";

    std::string message;
    std::string help;
    if (nodes.size() == 1) {
      const NodeId self = nodes.front();
      message =
          rule::quoted(key(graph, self)) + (chosen.run_before ? " runs before itself" : " depends on itself") + raises;
      help = "remove " + entry(graph, self) + " from its " + (chosen.run_before ? "`run_before`" : "`dependencies`") +
             ": a migration cannot " + (chosen.run_before ? "run before" : "depend on") + " itself";
    } else {
      std::string chain;
      for (const NodeId id : nodes) chain += key(graph, id) + " → ";
      chain += key(graph, nodes.front());
      message = "dependency cycle " + rule::quoted(chain) + " (each depends on the next)" + raises;
      help = break_help(graph, cycle);
    }

    rule::Diagnostic& d = context.report(*chosen.declared_in, chosen.entry, std::move(message), std::move(help));
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (const size_t e : edges_between(graph, nodes[i], nodes[(i + 1) % nodes.size()])) {
        if (e == cycle.entry) continue;
        const MigrationGraph::Edge& edge = graph.edges()[e];
        d.related.push_back({edge.declared_in->source, edge.entry, describe(graph, edge)});
      }
    }
  }

  // Which entry to drop, or which migration to split, to break the cycle at the reported edge
  // (child depends on parent).
  static std::string break_help(const MigrationGraph& graph, const MigrationGraph::Cycle& cycle) {
    const std::vector<NodeId>& nodes = cycle.nodes;
    const MigrationGraph::Edge& chosen = graph.edges()[cycle.entry];
    const NodeId child = chosen.child;
    const NodeId parent = chosen.parent;
    std::string help;
    if (chosen.run_before) {
      help = "if " + rule::quoted(key(graph, child)) + " does not need to run after " +
             rule::quoted(key(graph, parent)) + ", remove " + entry(graph, child) + " from the `run_before` of " +
             rule::quoted(key(graph, parent));
    } else {
      help = "if " + rule::quoted(key(graph, child)) + " does not need " + rule::quoted(key(graph, parent)) +
             " applied first, remove " + entry(graph, parent) + " from its `dependencies`";
    }
    // The other way to break it: the edge of the cycle that leads into `child` (from the
    // migration before it in the cycle).
    size_t at = 0;
    while (at < nodes.size() && nodes[at] != child) ++at;
    const NodeId before = nodes[(at + nodes.size() - 1) % nodes.size()];
    const std::vector<size_t> back = edges_between(graph, before, child);
    const bool only_run_before =
        !back.empty() && std::all_of(back.begin(), back.end(), [&](size_t e) { return graph.edges()[e].run_before; });
    if (only_run_before) {
      help +=
          "; otherwise remove " + entry(graph, before) + " from the `run_before` of " + rule::quoted(key(graph, child));
    } else {
      help += "; otherwise move the operations of " + rule::quoted(key(graph, before)) + " that need " +
              rule::quoted(key(graph, child)) + " into a new " + rule::quoted(graph.node(before).app) +
              " migration that depends on both";
    }
    if (edges_between(graph, child, parent).size() > 1) {
      help += " (this dependency is declared more than once: remove every entry shown in the notes)";
    }
    return help;
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_dependency_cycle() { return std::make_unique<DependencyCycle>(); }

}  // namespace godwit::rules
