#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using phase::Phase;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 9},
    .name = "phase-marker-mismatch",
    .severity = Severity::Error,
    .summary = "a django-safemigrate marker contradicts what the migration does",
    .docs = R"md(## What it does
Compares a migration's django-safemigrate marker with the phase godwit infers for its operations:
`Safe.before_deploy()` on a migration with contract or multi-step operations, and
`Safe.always()` on a migration with any operation that is not of the *always* phase (an empty
migration is *always*).

## Why is this bad?
The deploy pipeline trusts the marker: a `before_deploy` migration runs while the old code is
live, an `always` one at any moment. A marker that says "safe" over a `RemoveField` or a rename
turns the pipeline's safety check into the cause of the outage.

## Example
```python
class Migration(migrations.Migration):
    safe = Safe.before_deploy()
    operations = [migrations.RemoveField("order", "fax")]
```

## Use instead
Fix the marker (`Safe.after_deploy()` for a contract migration), or split the migration so that
each part carries the marker that is true for it.

## When it is fine
Custom operations (unknown phase) never contradict a marker. A migration without a marker is
not checked; its inferred phase is shown by `godwit plan`.

## References
- django-safemigrate: `Safe.before_deploy()`, `Safe.after_deploy()`, `Safe.always()`
- The project's deployment guide: expand, deploy, contract
)md",
    .bad_example = R"py(from django.db import migrations
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.before_deploy()
    dependencies = [("shop", "0004_order_channel")]
    operations = [
        migrations.RemoveField("order", "fax"),
    ]
)py",
    .good_example = R"py(from django.db import migrations
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.after_deploy()
    dependencies = [("shop", "0004_order_channel")]
    operations = [
        migrations.RemoveField("order", "fax"),
    ]
)py",
};

class PhaseMarkerMismatch final : public rule::MigrationRule {
 public:
  PhaseMarkerMismatch() : MigrationRule(kMeta) {}

  [[nodiscard]] When when() const override { return When::AfterOperations; }

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& m = context.migration();
    const phase::MigrationPhases* phases = context.phases();
    if (!m.safe || phases == nullptr) return;
    const phase::OperationPhase* culprit = nullptr;
    std::string marker;
    std::string expected;
    if (m.safe->kind == ir::SafeMarker::Kind::BeforeDeploy) {
      marker = "Safe.before_deploy()";
      expected = "after the new code is live";
      for (const auto& op : phases->operations) {
        if (op.phase == Phase::Contract || op.phase == Phase::MultiStep) {
          culprit = &op;
          break;
        }
      }
    } else if (m.safe->kind == ir::SafeMarker::Kind::Always) {
      marker = "Safe.always()";
      expected = "at a definite point of the deploy, not at any time";
      for (const auto& op : phases->operations) {
        if (op.phase != Phase::Always && op.phase != Phase::Unknown) {
          culprit = &op;
          break;
        }
      }
    }
    if (culprit == nullptr) return;
    const uint32_t line = m.file().position(culprit->range.begin).line;
    auto& d = context.report(
        m.class_range,
        "marked `" + marker + "`, but " + culprit->reason + " (line " + std::to_string(line) + ") is " +
            std::string(phase::to_string(culprit->phase)) + ": it may only run " + expected,
        culprit->phase == Phase::Contract || culprit->phase == Phase::MultiStep
            ? "mark it `Safe.after_deploy()` if everything in it may wait for the new code, or split the migration"
            : "mark it with the phase it has (`Safe.before_deploy()` for expand operations), or split the migration");
    d.related.push_back({m.source, m.safe->range, "the marker"});
    d.related.push_back({m.source, culprit->range, std::string(phase::to_string(culprit->phase)) + " operation"});
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_phase_marker_mismatch() { return std::make_unique<PhaseMarkerMismatch>(); }

}  // namespace godwit::rules
