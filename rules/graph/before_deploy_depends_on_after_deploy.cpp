#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using phase::Phase;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::GR, 4},
    .name = "before-deploy-depends-on-after-deploy",
    .severity = Severity::Error,
    .summary = "a migration that must run before the deploy depends on one that may only run after it",
    .docs = R"md(## What it does
Flags a dependency entry of a migration that must run *before* the deploy when it leads, directly
or through other migrations, to a migration that may only run *after* it.

- Before the deploy: marked `Safe.before_deploy()`; with `--diff-base`, also an unmarked migration
  new in the release whose operations are expand operations (no contract or multi-step ones).
- After the deploy: marked `Safe.after_deploy()`, or unmarked under `deploy-order = "code-first"`;
  with `--diff-base`, also an unmarked migration new in the release with contract or multi-step
  operations.

Without `--diff-base` only declared markers (and the deploy order) count.

## Why is this bad?
Django applies a migration's dependencies first. The before-deploy migration cannot run until its
after-deploy dependency has run, which cannot happen until the new code is live: the release's
plan is impossible, and a pipeline that runs before-deploy migrations first fails or, worse,
applies the after-deploy one early.

## Example
```python
# shop/migrations/0010_order_channel.py
class Migration(migrations.Migration):
    safe = Safe.before_deploy()
    dependencies = [("shop", "0009_remove_order_fax")]  # Safe.after_deploy()
```

## Use instead
Reorder: the before-deploy migration should depend on what precedes the after-deploy one, and
the after-deploy migration on it. Or split the migrations so that each phase only depends on
earlier phases.

## When it is fine
Dependencies on migrations that can run before the deploy, or whose phase is unknown.

## References
- django-safemigrate: `Safe.before_deploy()`, `Safe.after_deploy()`
- The project's deployment guide: expand, deploy, contract
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
# file: shop/migrations/0002_remove_order_fax.py
from django.db import migrations
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.after_deploy()
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RemoveField("order", "fax")]
# file: shop/migrations/0003_order_channel.py
from django.db import migrations, models
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.before_deploy()
    dependencies = [("shop", "0002_remove_order_fax")]
    operations = [migrations.AddField("order", "channel", models.CharField(max_length=10, null=True))]
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
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.before_deploy()
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.AddField("order", "channel", models.CharField(max_length=10, null=True))]
# file: shop/migrations/0003_remove_order_fax.py
from django.db import migrations
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.after_deploy()
    dependencies = [("shop", "0002_order_channel")]
    operations = [migrations.RemoveField("order", "fax")]
)py",
};

using Kind = ir::SafeMarker::Kind;

// Why a migration may only run after the deploy, or nullopt.
std::optional<std::string> after_deploy(const rule::Analysis& analysis, const ir::Migration& m) {
  if (m.safe) {
    if (m.safe->kind == Kind::AfterDeploy) return std::string("marked `Safe.after_deploy()`");
    return std::nullopt;  // a declared marker wins over the deploy order
  }
  if (analysis.config.deploy_order == config::DeployOrder::CodeFirst) return std::string("deploy-order is code-first");
  if (analysis.in_release(&m)) {
    if (const phase::MigrationPhases* phases = analysis.phases_of(&m)) {
      if (phases->has(Phase::MultiStep)) return std::string("it has multi-step operations");
      if (phases->has(Phase::Contract)) return std::string("it has contract operations");
    }
  }
  return std::nullopt;
}

std::optional<std::string> before_deploy(const rule::Analysis& analysis, const ir::Migration& m) {
  if (m.safe) {
    if (m.safe->kind == Kind::BeforeDeploy) return std::string("marked `Safe.before_deploy()`");
    return std::nullopt;
  }
  if (!analysis.in_release(&m)) return std::nullopt;
  const phase::MigrationPhases* phases = analysis.phases_of(&m);
  if (phases == nullptr || !phases->has(Phase::Expand) || phases->has(Phase::Contract) ||
      phases->has(Phase::MultiStep)) {
    return std::nullopt;
  }
  return std::string("its operations are expand operations");
}

class BeforeDeployDependsOnAfterDeploy final : public rule::ProjectRule {
 public:
  BeforeDeployDependsOnAfterDeploy() : ProjectRule(kMeta) {}

  void check(const rule::ProjectContext& context) const override {
    const rule::Analysis& analysis = context.analysis();
    const graph::MigrationGraph& g = context.graph();
    // The first after-deploy migration at or above each node (parents in key order), memoised.
    std::map<graph::NodeId, std::optional<graph::NodeId>> memo;
    std::function<std::optional<graph::NodeId>(graph::NodeId, int)> reaches = [&](graph::NodeId id, int depth)
        -> std::optional<graph::NodeId> {
      if (const auto it = memo.find(id); it != memo.end()) return it->second;
      memo[id] = std::nullopt;  // guards cycles
      std::optional<graph::NodeId> found;
      const auto& node = g.node(id);
      if (node.migration != nullptr && after_deploy(analysis, *node.migration)) {
        found = id;
      } else if (depth < 10000) {
        for (const graph::NodeId p : node.parents) {
          if ((found = reaches(p, depth + 1))) break;
        }
      }
      return memo[id] = found;
    };

    for (const graph::MigrationGraph::Edge& e : g.edges()) {
      if (e.run_before) continue;
      const ir::Migration* m = e.declared_in;
      const auto child = g.node_of(*m);
      if (!child || *child != e.child || g.node(e.parent).removed) continue;
      const auto why_before = before_deploy(analysis, *m);
      if (!why_before) continue;
      const auto target = reaches(e.parent, 0);
      if (!target) continue;
      const ir::Migration& after = *g.node(*target).migration;
      const std::string name = after.app_label + "." + after.name;
      const std::string via = *target == e.parent ? std::string()
                                                  : " through `" + g.node(e.parent).app + "." + g.node(e.parent).name + "`";
      auto& d = context.report(*m, e.entry,
                               "`" + m->app_label + "." + m->name + "` must run before the deploy (" + *why_before +
                                   ") but depends" + via + " on `" + name + "`, which may only run after it (" +
                                   *after_deploy(analysis, after) + ")",
                               "reorder so that `" + m->name + "` does not depend on `" + after.name +
                                   "` (make `" + after.name + "` depend on it instead), or split the migrations by phase");
      d.related.push_back({after.source, after.class_range, "the after-deploy migration"});
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_before_deploy_depends_on_after_deploy() {
  return std::make_unique<BeforeDeployDependsOnAfterDeploy>();
}

}  // namespace godwit::rules
