#include <memory>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::SP, 1},
    .name = "unused-suppression",
    .severity = Severity::Warning,
    .summary = "A `# godwit: ignore[...]` comment suppresses nothing",
    .docs = R"md(## What it does
Flags a `# godwit: ignore[...]` or `# godwit: ignore-file[...]` comment, or a rule named in one,
that suppresses no finding: the rule it names reports nothing on the line it covers (the
comment's own line, or the next line for a comment on a line of its own), or nothing in the file.

It stays silent for a rule that the configuration does not run (`select`/`ignore`), since godwit
cannot know whether that rule would find something, and for django-migration-linter's
`IgnoreMigration()`. A name that is no rule is SP002's case, never this one.

## Why is this bad?
A suppression outlives the finding it was written for: the operation was fixed, moved, or the
comment names the wrong rule (`RV001` for a `RunSQL`, which is RV002). Left in place, it silently
hides the *next*, different problem of that rule at that spot, and it tells readers that
something here is unsafe when nothing is. The wrong-rule case is worse: the finding it was meant
for is still reported, and the reviewer who wrote the comment believes it is handled.

## Example
```python
# godwit: ignore-file[RV001] -- one-off cleanup, nothing to undo
operations = [
    migrations.RunSQL("UPDATE shop_order SET note = TRIM(note)"),
]
```

## Use instead
Name the rule that actually fires, or delete the comment:
```python
operations = [
    # godwit: ignore[RV002] -- one-off cleanup, nothing to undo
    migrations.RunSQL("UPDATE shop_order SET note = TRIM(note)"),
]
```

## When it is fine
Never for long: remove the comment, or the names in it that no longer suppress anything. A
suppression of a rule that the configuration switches off is not reported, so switching a rule
off for a while does not make its suppressions noisy. SP001's own findings can only be hidden
file-wide (`# godwit: ignore-file[SP001]`).

## References
- ruff's `unused-noqa` (RUF100) and clang-tidy's `NOLINT` checks: the same hygiene for other linters
- godwit's README, "Suppressions"
)md",
    .bad_example = R"py(# godwit: ignore-file[RV001] -- one-off cleanup, nothing to undo
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_order_note")]

    operations = [
        migrations.RunSQL(
            "UPDATE shop_order SET note = TRIM(note)",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations


def trim_notes(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    for order in Order.objects.exclude(note=""):
        order.note = order.note.strip()
        order.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_order_note")]

    operations = [
        # godwit: ignore[RV001] -- trimming blanks cannot be undone and need not be
        migrations.RunPython(trim_notes),
    ]
)py",
    .example_settings = "extend-select=RV",
};

class UnusedSuppression final : public rule::SuppressionRule {
 public:
  UnusedSuppression() : SuppressionRule(kMeta) {}

  void check(const rule::SuppressionContext& context) const override {
    for (const suppression::Suppression& s : context.suppressions().suppressions()) {
      std::vector<const suppression::Target*> unused;
      for (const suppression::Target& t : s.targets) {
        if (t.used) continue;
        // A suppression of SP001/SP002 is judged after this rule ran: never reported.
        if (t.code && (t.code->family == suppression::kSuppressionFamily || !context.rule_enabled(*t.code))) continue;
        unused.push_back(&t);
      }
      if (unused.empty()) continue;
      const std::string where = s.scope == suppression::Scope::File
                                    ? "in this file"
                                    : "on line " + std::to_string(s.line0 + (s.own_line ? 2 : 1));
      std::string names;
      for (size_t i = 0; i < unused.size(); ++i) {
        if (i > 0) names += i + 1 == unused.size() ? " or " : ", ";
        names += unused[i]->written == "*" ? "any rule" : "`" + unused[i]->written + "`";
      }
      const std::string comment = directive(context.text(s.comment));
      const std::string message =
          unused.size() == s.targets.size()
              ? "`" + comment + "` suppresses nothing: there is no finding of " + names + " " + where
              : names + " in `" + comment + "` suppresses nothing: there is no such finding " + where;
      context.report(s.comment, message,
                     unused.size() == s.targets.size()
                         ? "remove the comment; if a finding is still reported here, suppress the rule that reports it"
                         : "remove " + names + " from the comment");
    }
  }

 private:
  // The comment up to its closing `]` (without the reason).
  static std::string directive(std::string_view comment) {
    const auto close = comment.find(']');
    return std::string(close == std::string_view::npos ? comment : comment.substr(0, close + 1));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_unused_suppression() { return std::make_unique<UnusedSuppression>(); }

}  // namespace godwit::rules
