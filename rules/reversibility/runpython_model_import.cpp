#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "analyzer/ir/run_python.h"
#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 4},
    .name = "runpython-model-import",
    .severity = Severity::Error,
    .summary = "RunPython function uses an imported model instead of apps.get_model()",
    .docs = R"md(## What it does
Flags a function passed to `migrations.RunPython` (as `code` or `reverse_code`, directly,
through `functools.partial`, or as a lambda) and defined in the migration file, when it uses a
name imported from a module whose path ends in `models` (`from shop.models import Order`,
`import shop.models`, `from django.contrib.auth.models import User`, at module level or inside
the function), or calls `django.contrib.auth.get_user_model()`. One finding per function, at
its first such use; the import is shown as a related location.

## Why is this bad?
A migration describes the database as it was at that point of the history. `apps` (the first
argument of a RunPython function) holds the *historical* models that match it. An imported model
is *today's* class: once a later release adds, renames or removes a field, the migration reads or
writes a column that does not exist yet (or any more), and `migrate` fails on every fresh database
(tests, new developers, disaster recovery), long after the migration was merged.

## Example
```python
from shop.models import Order


def backfill_totals(apps, schema_editor):
    for order in Order.objects.filter(total=None):
        order.total = order.subtotal + order.shipping
        order.save(update_fields=["total"])
```

## Use instead
```python
def backfill_totals(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    for order in Order.objects.filter(total=None):
        order.total = order.subtotal + order.shipping
        order.save(update_fields=["total"])
```
For the user model: `User = apps.get_model(settings.AUTH_USER_MODEL)`, with the migration
depending on `migrations.swappable_dependency(settings.AUTH_USER_MODEL)`.

## When it is fine
Imported names used outside RunPython functions (a field `default=shop.models.make_code`, as
`makemigrations` writes it) are not flagged, nor are names imported from `django.db.models`
(`F`, `Q`, `Count`): those are the ORM, not a project's models. A helper function that the
RunPython function calls is not inspected: only the function RunPython is given.

## References
- Django documentation: "Data migrations" (use `apps.get_model()`, not a direct import)
- Django documentation: `RunPython` (`code(apps, schema_editor)`)
)md",
    .bad_example = R"py(from django.db import migrations

from shop.models import Order


def backfill_totals(apps, schema_editor):
    for order in Order.objects.filter(total=None):
        order.total = order.subtotal + order.shipping
        order.save(update_fields=["total"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_total")]

    operations = [
        migrations.RunPython(backfill_totals, migrations.RunPython.noop),
    ]
)py",
    .good_example = R"py(from django.db import migrations


def backfill_totals(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    for order in Order.objects.filter(total=None):
        order.total = order.subtotal + order.shipping
        order.save(update_fields=["total"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_total")]

    operations = [
        migrations.RunPython(backfill_totals, migrations.RunPython.noop),
    ]
)py",
};

// Modules whose path ends in `models` but that hold the ORM, not a project's models.
constexpr std::string_view kOrmModules[] = {"django.db.models", "django.contrib.gis.db.models"};
constexpr std::string_view kGetUserModel = "django.contrib.auth.get_user_model";

std::string_view last_component(std::string_view path) {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

// The models module an import reads from: `shop.models` for `from shop.models import Order`,
// `import shop.models` and `from shop import models`; nullopt when it is not one.
std::optional<std::string> models_module(const ir::Import& import) {
  std::string module;
  if (import.name.empty()) {
    module = import.module;  // import shop.models [as m]
  } else if (import.name == "*") {
    return std::nullopt;
  } else if (last_component(import.module) == "models") {
    module = import.module;  // from shop.models import Order
  } else if (import.name == "models") {
    module = import.target;  // from shop import models
  }
  if (last_component(module) != "models") return std::nullopt;
  for (const std::string_view orm : kOrmModules) {
    if (module == orm) return std::nullopt;
  }
  return module;
}

// The app label Django gives the app of a models module: the last component of the app's path
// (`shop` for `shop.models`, `auth` for `django.contrib.auth.models`); a relative import is the
// migration's own app.
std::string app_label(std::string_view module, const ir::Migration& migration) {
  if (module.starts_with('.')) return migration.app_label;
  const auto dot = module.rfind('.');
  if (dot == std::string_view::npos) return migration.app_label;
  return std::string(last_component(module.substr(0, dot)));
}

// The model a use reads: `Order` for `Order.objects` (from shop.models import Order) and for
// `shop.models.Order.objects` (import shop.models); empty when the use does not name one.
std::string model_name(const ir::Import& import, const ir::ImportedNameUse& use, std::string_view module) {
  if (!use.path.starts_with(import.binding)) return {};
  const std::string full = import.target + use.path.substr(import.binding.size());
  const std::string prefix = std::string(module) + ".";
  if (!full.starts_with(prefix)) return {};
  const std::string rest = full.substr(prefix.size());
  return rest.substr(0, rest.find('.'));
}

// The use as far as the model: `Order`, `shop.models.Order`, `shop_models.Order`.
std::string_view used_name(const ir::Import& import, const ir::ImportedNameUse& use, std::string_view module) {
  const auto dots = [](std::string_view path) { return std::count(path.begin(), path.end(), '.'); };
  // The binding stands for `target`, and the model is the component after `module`: keep the
  // binding and as many components after it as lead to the model.
  const auto after_binding = std::max<std::ptrdiff_t>(0, dots(module) + 1 - dots(import.target));
  size_t end = use.path.find('.');
  for (std::ptrdiff_t i = 0; i < after_binding && end != std::string::npos; ++i) end = use.path.find('.', end + 1);
  return std::string_view(use.path).substr(0, end);
}

std::string describe(const ir::FunctionInfo& function) {
  if (function.scope == ir::FunctionInfo::Scope::Lambda) return "this RunPython `lambda`";
  return "`" + function.name + "`";
}

// The name of the parameter that receives `apps` (it follows what a partial binds).
std::string apps_parameter(const ir::RunPythonTarget& target) {
  const auto& params = target.function->parameters;
  if (target.bound_positional < params.size()) {
    const ir::Parameter& p = params[target.bound_positional];
    if (p.kind == ir::ParameterKind::PositionalOnly || p.kind == ir::ParameterKind::PositionalOrKeyword) {
      return p.name;
    }
  }
  return "apps";
}

class RunPythonModelImport final : public rule::MigrationRule {
 public:
  RunPythonModelImport() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    // One finding per function, however many operations use it (a lambda read twice is one).
    std::set<std::pair<uint32_t, uint32_t>> seen;
    for (const ir::Operation* op : ir::run_python_operations(migration)) {
      for (const ir::Param param : {ir::Param::code, ir::Param::reverse_code}) {
        const ir::Value* argument = op->arg(param).value;
        if (argument == nullptr) continue;
        const auto target = ir::run_python_target(migration, *argument);
        if (!target) continue;
        const ir::TextRange range = target->function->range;
        if (!seen.emplace(range.begin, range.end).second) continue;
        check_function(context, *target);
      }
    }
  }

 private:
  static void check_function(const rule::MigrationContext& context, const ir::RunPythonTarget& target) {
    const ir::Migration& migration = context.migration();
    const ir::FunctionInfo& function = *target.function;
    const std::string apps = apps_parameter(target);
    // imported_uses holds each import's first use in source order: the first qualifying one is
    // the first such use in the function.
    for (const ir::ImportedNameUse& use : function.imported_uses) {
      if (use.import_index >= migration.imports.size()) continue;
      const ir::Import& import = migration.imports[use.import_index];
      std::string message;
      std::string help;
      if (import.target == kGetUserModel) {
        message = describe(function) + " calls `" + import.binding +
                  "()`, which returns today's user model instead of the historical one from `" + apps +
                  ".get_model()`: the migration breaks as soon as that model's fields change";
        help = "take the historical model from the `" + apps + "` argument: `User = " + apps +
               ".get_model(settings.AUTH_USER_MODEL)` (with `from django.conf import settings`), and depend on "
               "`migrations.swappable_dependency(settings.AUTH_USER_MODEL)`";
      } else if (const auto module = models_module(import)) {
        const std::string model = model_name(import, use, *module);
        const std::string label = app_label(*module, migration);
        message = describe(function) + " uses `" + std::string(used_name(import, use, *module)) + "` imported from `" +
                  *module + "` instead of the historical model from `" + apps +
                  ".get_model()`: it runs against today's model, so the migration breaks as soon as the model's "
                  "fields change";
        const std::string variable = model.empty() ? "Model" : model;
        const std::string get_model =
            apps + ".get_model(\"" + label + "\", \"" + (model.empty() ? "<ModelName>" : model) + "\")";
        if (function.scope == ir::FunctionInfo::Scope::Lambda) {
          help = "take the historical model from the `" + apps + "` argument: write `" + get_model +
                 "` in the lambda in place of `" + std::string(used_name(import, use, *module)) + "`";
        } else {
          help = "take the historical model from the `" + apps + "` argument: `" + variable + " = " + get_model +
                 "` inside " + describe(function) + " (and drop the import if nothing else uses it)";
        }
      } else {
        continue;
      }
      diagnostics::Diagnostic& d = context.report(use.range, std::move(message), std::move(help));
      d.related.push_back({migration.source, import.range, "`" + import.binding + "` is imported here"});
      // The finding is the function's, not the name's: several functions may use `Order`.
      d.anchor = diagnostics::normalized_anchor(context.text(function.signature)) + " " + use.path;
      return;
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_runpython_model_import() { return std::make_unique<RunPythonModelImport>(); }

}  // namespace godwit::rules
