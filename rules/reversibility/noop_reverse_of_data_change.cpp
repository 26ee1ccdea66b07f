#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/ir/reversibility.h"
#include "analyzer/ir/run_python.h"
#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 6},
    .name = "noop-reverse-of-data-change",
    .severity = Severity::Info,
    .summary = "RunPython writes data but its reverse is RunPython.noop: a rollback keeps the changes",
    .docs = R"md(## What it does
Flags `migrations.RunPython(forwards, migrations.RunPython.noop)` (the reverse given positionally
or as `reverse_code=`) when `forwards` is defined in the file and writes data:
`update()`, `delete()`, `create()`, `get_or_create()`, `update_or_create()`, `bulk_create()` or
`bulk_update()` on a model from `apps.get_model(...)` (its manager or a queryset of it),
`.save()` or `.delete()` on objects taken from one, or SQL through `schema_editor.execute(...)`
or a cursor. Functions of the file that it calls are followed. The message names the first
write, which is also shown as a related location.

## Why is this bad?
`RunPython.noop` makes the migration reversible, but rolling it back leaves every row it
changed as it is: the schema goes back, the data does not. Code of the previous release then
meets values it never wrote (a status it does not know, rows it did not expect), and a second
`migrate` forwards runs the data change again on top of the first.

## Example
```python
def close_stale_carts(apps, schema_editor):
    Cart = apps.get_model("shop", "Cart")
    Cart.objects.filter(status="open", updated_at__lt=CUTOFF).update(status="abandoned")

operations = [
    migrations.RunPython(close_stale_carts, migrations.RunPython.noop),
]
```

## Use instead
```python
def reopen_stale_carts(apps, schema_editor):
    Cart = apps.get_model("shop", "Cart")
    Cart.objects.filter(status="abandoned", updated_at__lt=CUTOFF).update(status="open")

operations = [
    migrations.RunPython(close_stale_carts, reopen_stale_carts),
]
```

## When it is fine
When the data may stay after a rollback (a backfill of a column the rollback drops anyway, a
cleanup of rows nothing reads), keep `RunPython.noop` and say why next to it:
`# godwit: ignore[RV006] -- slugs are recomputed on save`. This rule is informational.

## References
- Django documentation: `RunPython` (`reverse_code`, `RunPython.noop`) and "Reversing migrations"
- The project's deployment guide: make every migration reversible and test the rollback
)md",
    .bad_example = R"py(from django.db import migrations


def close_stale_carts(apps, schema_editor):
    Cart = apps.get_model("shop", "Cart")
    Cart.objects.filter(status="open").update(status="abandoned")


class Migration(migrations.Migration):
    dependencies = [("shop", "0011_cart_status")]

    operations = [
        migrations.RunPython(close_stale_carts, migrations.RunPython.noop),
    ]
)py",
    .good_example = R"py(from django.db import migrations


def close_stale_carts(apps, schema_editor):
    Cart = apps.get_model("shop", "Cart")
    Cart.objects.filter(status="open").update(status="abandoned")


def reopen_stale_carts(apps, schema_editor):
    Cart = apps.get_model("shop", "Cart")
    Cart.objects.filter(status="abandoned").update(status="open")


class Migration(migrations.Migration):
    dependencies = [("shop", "0011_cart_status")]

    operations = [
        migrations.RunPython(close_stale_carts, reopen_stale_carts),
    ]
)py",
};

// A data write and the function whose body holds it.
struct WriteSite {
  const ir::DataWrite* write = nullptr;
  const ir::FunctionInfo* function = nullptr;
};

// The first write of `function`, else of the functions of the file it calls (depth first, in
// the order it calls them). `visited` guards recursion between helpers.
std::optional<WriteSite> first_write(const ir::Migration& migration, const ir::FunctionInfo& function,
                                     std::set<const ir::FunctionInfo*>& visited) {
  if (!visited.insert(&function).second) return std::nullopt;
  const auto earliest =
      std::min_element(function.writes.begin(), function.writes.end(),
                       [](const ir::DataWrite& a, const ir::DataWrite& b) { return a.range.begin < b.range.begin; });
  if (earliest != function.writes.end()) return WriteSite{&*earliest, &function};
  for (const std::string& name : function.local_calls) {
    const ir::FunctionInfo* callee = ir::module_function(migration, name);
    if (callee == nullptr) continue;
    if (auto site = first_write(migration, *callee, visited)) return site;
  }
  return std::nullopt;
}

// `Order.objects…update()` for `Order.objects.filter(status="").update(status="draft")`, and
// `order.save()` for `order.save(update_fields=["total"])`: the receiver and the method.
std::string abridged_write(std::string_view call, std::string_view method) {
  // The dotted start of the call, up to its first argument list, without the line breaks of a
  // chain written over several lines.
  std::string callee;
  for (const char c : call.substr(0, call.find('('))) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\\') callee += c;
  }
  const auto dot = callee.rfind('.');
  if (dot == std::string::npos) return callee + "(…)." + std::string(method) + "()";  // Order(...).save()
  const std::string_view last = std::string_view(callee).substr(dot + 1);
  if (last.starts_with(method)) return callee + "()";
  // The chain starts from `apps.get_model(...)`: keep it, it names the model.
  if (last == "get_model") return callee + "(…)…" + std::string(method) + "()";
  // The method comes later in a chain: keep the start, up to the first call.
  return callee.substr(0, dot) + "…" + std::string(method) + "()";
}

std::string forward_name(const ir::Value& code, const ir::FunctionInfo& function) {
  if (function.scope == ir::FunctionInfo::Scope::Lambda) return "lambda";
  if (code.is(ir::Value::Kind::Name)) return function.name;
  return "functools.partial(" + function.name + ", …)";
}

class NoopReverseOfDataChange final : public rule::OperationRule {
 public:
  NoopReverseOfDataChange() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::RunPython}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const ir::Migration& migration = context.migration();
    const ir::Argument reverse = ir::reverse_argument(op);
    if (reverse.value == nullptr || !ir::is_run_python_noop(*reverse.value)) return;
    const ir::Value* code = op.arg(ir::Param::code).value;
    if (code == nullptr) return;
    const auto target = ir::run_python_target(migration, *code);
    if (!target) return;
    std::set<const ir::FunctionInfo*> visited;
    const auto site = first_write(migration, *target->function, visited);
    if (!site) return;

    const ir::FunctionInfo& forward = *target->function;
    const std::string method(ir::to_string(site->write->method));
    const std::string write = abridged_write(context.text(site->write->range), method);
    const uint32_t line = migration.file().position(site->write->range.begin).line;
    const std::string name = forward_name(*code, forward);
    const std::string writer =
        forward.scope == ir::FunctionInfo::Scope::Lambda ? "the lambda" : "`" + forward.name + "`";
    std::string where = "(`" + write + "` at line " + std::to_string(line) + ")";
    if (site->function != &forward) where = "through `" + site->function->name + "()` " + where;
    const std::string undo = forward.scope == ir::FunctionInfo::Scope::Lambda ? "…" : "undo_" + forward.name;

    diagnostics::Diagnostic& d =
        context.report(op.range(),
                       "`RunPython(" + name + ")` is reversed by `RunPython.noop`, but " + writer + " writes data " +
                           where + ": rolling the migration back keeps the changed data",
                       "write a reverse that undoes the change and pass it as `reverse_code=" + undo +
                           "`; if the data may stay after a rollback, say why: `# godwit: ignore[RV006] -- <reason>`");
    d.related.push_back({migration.source, site->write->range, "`" + method + "()` writes data here"});
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_noop_reverse_of_data_change() { return std::make_unique<NoopReverseOfDataChange>(); }

}  // namespace godwit::rules
