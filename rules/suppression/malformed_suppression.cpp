#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::SP, 2},
    .name = "malformed-suppression",
    .severity = Severity::Error,
    .summary = "A `# godwit:` comment that does not parse or names an unknown rule",
    .docs = R"md(## What it does
Flags a comment starting `# godwit:` that godwit cannot honour:
- it does not parse: an unknown directive (`# godwit: ignor[RV001]`), no brackets, an unclosed
  list, an empty list, text after `]` that is not `-- reason`, or `# godwit ignore[...]` without
  the colon;
- it names a rule that does not exist (`ZD13` for `ZD013`): that name suppresses nothing;
- it suppresses an SP rule for one operation (SP findings can only be suppressed file-wide);
- it gives no reason while the configuration says `require-suppression-reason = true`: then the
  whole comment suppresses nothing (and is not also reported as unused by SP001).

The syntax is `# godwit: ignore[ID or name, ...] -- reason` on the operation's first line or on
the line above it, and `# godwit: ignore-file[ID or name, ...] -- reason` anywhere in the file.

## Why is this bad?
A suppression that does not work is worse than none: the person who wrote it believes the
finding was reviewed and accepted, while godwit still reports it (or, with a typo in the rule id,
the comment silently does nothing). A suppression without a reason leaves the next reader
unable to tell whether the risk was understood.

## Example
```python
operations = [
    # godwit: ignore[ZD13] -- reviewed
    migrations.RunSQL("UPDATE shop_product SET name = TRIM(name)", reverse_sql=migrations.RunSQL.noop),
]
```

## Use instead
```python
operations = [
    # godwit: ignore[ZD013] -- reviewed: touches a few hundred rows, row locks only
    migrations.RunSQL("UPDATE shop_product SET name = TRIM(name)", reverse_sql=migrations.RunSQL.noop),
]
```

## When it is fine
Never: fix the comment. `godwit rules` lists every id and name. To hide SP002 in a generated or
vendored migration, use `# godwit: ignore-file[SP002]`.

## References
- godwit's README, "Suppressions"
- RULES.md, "SP — suppression hygiene"
)md",
    .bad_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_product_name")]

    operations = [
        # godwit: ignore[RV02] -- the old names cannot be restored
        migrations.RunSQL("UPDATE shop_product SET name = TRIM(name)"),
    ]
)py",
    .good_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_product_name")]

    operations = [
        # godwit: ignore[RV002] -- the old names cannot be restored
        migrations.RunSQL("UPDATE shop_product SET name = TRIM(name)"),
    ]
)py",
};

class MalformedSuppression final : public rule::SuppressionRule {
 public:
  MalformedSuppression() : SuppressionRule(kMeta) {}

  void check(const rule::SuppressionContext& context) const override {
    for (const suppression::Problem& problem : context.suppressions().problems()) {
      context.report(problem.range, problem.message, problem.help);
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_malformed_suppression() { return std::make_unique<MalformedSuppression>(); }

}  // namespace godwit::rules
