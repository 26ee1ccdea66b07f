#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/ir/run_python.h"
#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 5},
    .name = "runpython-bad-signature",
    .severity = Severity::Error,
    .summary = "RunPython function cannot be called as f(apps, schema_editor)",
    .docs = R"md(## What it does
Flags a function given to `migrations.RunPython` (as `code` or `reverse_code`) and defined in the
migration file that cannot be called with two positional arguments, the way Django calls it:
`code(apps, schema_editor)`. godwit binds the call as Python would: positional-only and
keyword-only parameters, defaults, `*args` and `**kwargs`, and what a `functools.partial`
around the function binds (its positional arguments come first, its keywords last). Lambdas
count too. One finding per function, at its `def` line.

## Why is this bad?
The migration imports fine and the mistake stays invisible until `migrate` reaches the
operation: then it stops with `TypeError` (for a `reverse_code`, only when someone rolls back,
typically during an incident).

## Example
```python
def backfill_slugs(apps):
    Article = apps.get_model("blog", "Article")
    ...

operations = [
    migrations.RunPython(backfill_slugs, migrations.RunPython.noop),
]
```

## Use instead
```python
def backfill_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    ...
```
A function that needs more arguments gives them defaults
(`def backfill_slugs(apps, schema_editor, batch_size=500):`) or gets them bound by keyword:
`RunPython(functools.partial(backfill_slugs, batch_size=500))`.

## When it is fine
`def forwards(apps, schema_editor, *args)`, `def forwards(*args)` and extra parameters with
defaults all accept the call. A decorated function is not checked: what Python calls is whatever
the decorator returns. `RunPython.noop` and functions imported from elsewhere are not checked.

## References
- Django documentation: `RunPython` ("`code` … accepts two arguments")
- Python documentation: "Calls" (how arguments bind to parameters), `functools.partial`
)md",
    .bad_example = R"py(from django.db import migrations


def backfill_slugs(apps):
    Article = apps.get_model("blog", "Article")
    for article in Article.objects.filter(slug=""):
        article.slug = str(article.pk)
        article.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_article_slug")]

    operations = [
        migrations.RunPython(backfill_slugs, migrations.RunPython.noop),
    ]
)py",
    .good_example = R"py(from django.db import migrations


def backfill_slugs(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    for article in Article.objects.filter(slug=""):
        article.slug = str(article.pk)
        article.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_article_slug")]

    operations = [
        migrations.RunPython(backfill_slugs, migrations.RunPython.noop),
    ]
)py",
};

// RunPython calls `code(apps, schema_editor)`.
constexpr size_t kRunPythonArguments = 2;

// Why a call does not bind, in the order CPython checks.
struct BindError {
  enum class Kind : uint8_t {
    UnexpectedKeyword,      // a keyword no parameter takes, and no **kwargs
    PositionalOnlyKeyword,  // a keyword naming a positional-only parameter, and no **kwargs
    MultipleValues,         // a keyword for a parameter a positional argument already filled
    TooManyPositional,      // more positional arguments than parameters, and no *args
    MissingPositional,      // required positional parameters left unfilled
    MissingKeywordOnly,     // required keyword-only parameters left unfilled
  };
  Kind kind;
  std::vector<std::string> names;  // the parameters (or keywords) concerned
  size_t takes_min = 0;            // TooManyPositional: positional parameters without a default
  size_t takes_max = 0;            //                    and in all
  size_t given = 0;                //                    and the positional arguments given
};

bool positional_kind(ir::ParameterKind kind) {
  return kind == ir::ParameterKind::PositionalOnly || kind == ir::ParameterKind::PositionalOrKeyword;
}

// Binds `positional` positional arguments and the `keywords` to `parameters` as Python does.
std::optional<BindError> bind_call(std::span<const ir::Parameter> parameters, size_t positional,
                              std::span<const std::string> keywords) {
  std::vector<size_t> slots;  // indices of the parameters positional arguments fill, in order
  bool var_positional = false;
  bool var_keyword = false;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (positional_kind(parameters[i].kind)) slots.push_back(i);
    var_positional = var_positional || parameters[i].kind == ir::ParameterKind::VarPositional;
    var_keyword = var_keyword || parameters[i].kind == ir::ParameterKind::VarKeyword;
  }
  std::vector<bool> filled(parameters.size(), false);
  for (size_t i = 0; i < std::min(positional, slots.size()); ++i) filled[slots[i]] = true;

  for (const std::string& keyword : keywords) {
    const auto it = std::find_if(parameters.begin(), parameters.end(), [&](const ir::Parameter& p) {
      return p.name == keyword && p.kind != ir::ParameterKind::VarPositional && p.kind != ir::ParameterKind::VarKeyword;
    });
    if (it == parameters.end() || it->kind == ir::ParameterKind::PositionalOnly) {
      if (var_keyword) continue;  // collected by **kwargs
      const auto kind =
          it == parameters.end() ? BindError::Kind::UnexpectedKeyword : BindError::Kind::PositionalOnlyKeyword;
      return BindError{kind, {keyword}};
    }
    const auto index = static_cast<size_t>(it - parameters.begin());
    if (filled[index]) return BindError{BindError::Kind::MultipleValues, {keyword}};
    filled[index] = true;
  }

  if (positional > slots.size() && !var_positional) {
    const auto required =
        std::count_if(slots.begin(), slots.end(), [&](size_t i) { return !parameters[i].has_default; });
    return BindError{BindError::Kind::TooManyPositional, {}, static_cast<size_t>(required), slots.size(), positional};
  }
  BindError missing{BindError::Kind::MissingPositional, {}};
  for (const size_t i : slots) {
    if (!filled[i] && !parameters[i].has_default) missing.names.push_back(parameters[i].name);
  }
  if (!missing.names.empty()) return missing;
  missing.kind = BindError::Kind::MissingKeywordOnly;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].kind == ir::ParameterKind::KeywordOnly && !filled[i] && !parameters[i].has_default) {
      missing.names.push_back(parameters[i].name);
    }
  }
  if (!missing.names.empty()) return missing;
  return std::nullopt;
}

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// 'a', 'a' and 'b', 'a', 'b', and 'c': as CPython lists missing arguments.
std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += "'" + names[i] + "'";
  }
  return out;
}

// The TypeError CPython raises, e.g. `backfill() missing 1 required positional argument: 'x'`.
std::string type_error(std::string_view function, const BindError& error) {
  const std::string callee = std::string(function) + "()";
  switch (error.kind) {
    case BindError::Kind::UnexpectedKeyword:
      return callee + " got an unexpected keyword argument '" + error.names[0] + "'";
    case BindError::Kind::PositionalOnlyKeyword:
      return callee + " got some positional-only arguments passed as keyword arguments: '" + error.names[0] + "'";
    case BindError::Kind::MultipleValues: return callee + " got multiple values for argument '" + error.names[0] + "'";
    case BindError::Kind::TooManyPositional: {
      const std::string takes =
          error.takes_min == error.takes_max
              ? plural(error.takes_max, "positional argument")
              : "from " + std::to_string(error.takes_min) + " to " + plural(error.takes_max, "positional argument");
      return callee + " takes " + takes + " but " + std::to_string(error.given) + " were given";
    }
    case BindError::Kind::MissingPositional:
      return callee + " missing " + plural(error.names.size(), "required positional argument") + ": " +
             quoted_list(error.names);
    case BindError::Kind::MissingKeywordOnly:
      return callee + " missing " + plural(error.names.size(), "required keyword-only argument") + ": " +
             quoted_list(error.names);
  }
  return callee;
}

// The first parameter after the two RunPython fills: what a partial may bind by keyword.
std::optional<std::string> parameter_after_run_python_arguments(const ir::FunctionInfo& function) {
  size_t positional = 0;
  for (const ir::Parameter& p : function.parameters) {
    if (p.kind == ir::ParameterKind::KeywordOnly) return p.name;
    if (positional_kind(p.kind) && ++positional > kRunPythonArguments) return p.name;
  }
  return std::nullopt;
}

// The concrete fix for the error, with the function's own names.
std::string help_for(const ir::FunctionInfo& function, const ir::RunPythonTarget& target, const BindError& error) {
  const bool lambda = function.scope == ir::FunctionInfo::Scope::Lambda;
  const std::string& name = function.name;
  const std::string option = parameter_after_run_python_arguments(function).value_or("option");
  if (!lambda) {
    switch (error.kind) {
      case BindError::Kind::MissingPositional:
      case BindError::Kind::MissingKeywordOnly: {
        std::string defaults;
        for (const std::string& n : error.names) defaults += (defaults.empty() ? "`" : ", `") + n + "=…`";
        return "Django calls it as `" + name + "(apps, schema_editor)`: give " + defaults + " a default in `def " +
               name + "(…)`, or bind it by keyword with `functools.partial(" + name + ", " + error.names[0] + "=…)`";
      }
      case BindError::Kind::TooManyPositional:
        if (target.bound_positional == 0) break;
        return "`functools.partial` passes its positional arguments before `(apps, schema_editor)`: take each "
               "value in a parameter after `schema_editor` and bind it by keyword, e.g. `functools.partial(" +
               name + ", " + option + "=…)`";
      case BindError::Kind::MultipleValues:
        return "RunPython already passes `" + error.names[0] +
               "` positionally: bind by keyword only parameters after `schema_editor`, e.g. `functools.partial(" +
               name + ", " + option + "=…)`";
      case BindError::Kind::UnexpectedKeyword:
        return "`" + name + "` has no parameter `" + error.names[0] + "`: add it after `schema_editor` (`" +
               error.names[0] + "=…`), or bind one it has";
      case BindError::Kind::PositionalOnlyKeyword:
        return "`" + error.names[0] + "` is positional-only in `" + name +
               "`: a partial cannot bind it by keyword; bind only parameters after the `/`";
    }
    return "Django calls it with two positional arguments: `def " + name + "(apps, schema_editor):`";
  }
  return "Django calls it with two positional arguments: `lambda apps, schema_editor: …`";
}

// `functools.partial(tag, 'news')` as written, or shortened to `functools.partial(tag, …)`.
std::string describe_partial(const ir::Value& partial, const ir::FunctionInfo& function) {
  constexpr size_t kLimit = 60;
  std::string text = partial.render();
  if (text.size() > kLimit) text = "functools.partial(" + function.name + ", …)";
  return text;
}

class RunPythonBadSignature final : public rule::MigrationRule {
 public:
  RunPythonBadSignature() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    // One finding per function: the first call that does not bind (a lambda read twice is one).
    std::set<std::pair<uint32_t, uint32_t>> reported;
    for (const ir::Operation* op : ir::run_python_operations(migration)) {
      for (const ir::Param param : {ir::Param::code, ir::Param::reverse_code}) {
        const ir::Value* argument = op->arg(param).value;
        if (argument == nullptr) continue;
        const auto target = ir::run_python_target(migration, *argument);
        if (!target || target->bound_unknown || target->function->decorated) continue;
        const ir::FunctionInfo& function = *target->function;
        if (reported.contains({function.range.begin, function.range.end})) continue;
        const auto error =
            bind_call(function.parameters, target->bound_positional + kRunPythonArguments, target->bound_keywords);
        if (!error) continue;
        reported.emplace(function.range.begin, function.range.end);
        const bool lambda = function.scope == ir::FunctionInfo::Scope::Lambda;
        const std::string callee = target->partial != nullptr ? "`" + describe_partial(*target->partial, function) + "`"
                                   : lambda                   ? "this RunPython `lambda`"
                                                              : "`" + function.name + "`";
        const std::string when = param == ir::Param::code ? "applying" : "rolling back";
        context.report(function.signature,
                       callee + " cannot be called as Django calls it, with `(apps, schema_editor)`: " + when +
                           " the migration raises `TypeError: " + type_error(function.name, *error) + "`",
                       help_for(function, *target, *error));
      }
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_runpython_bad_signature() { return std::make_unique<RunPythonBadSignature>(); }

}  // namespace godwit::rules
