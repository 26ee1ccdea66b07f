#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using ir::OperationKind;
using ir::Param;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::NM, 1},
    .name = "auto-generated-name",
    .severity = Severity::Warning,
    .summary = "the migration keeps Django's automatic name `NNNN_auto_YYYYMMDD_HHMM`, which says nothing",
    .docs = R"md(## What it does
Flags a migration whose file name is exactly the name Django makes up when it cannot describe
the changes: `0004_auto_20240312_0915` (four digits, `_auto_`, the date, the time). Names that
merely contain `auto` are fine: `0003_merge_20240101_1200`, `0001_squashed_0004_auto_20240101_1200`,
`0002_auto_approve_reviews`.

## Why is this bad?
The name is what people read in `showmigrations`, in `django_migrations`, in code review and in
the `dependencies` of later migrations. A timestamp tells none of them what the migration does:
finding the one that dropped a column, or deciding which migration to roll back to during an
incident, means opening every file.

## Example
```python
# shop/migrations/0004_auto_20240312_0915.py
class Migration(migrations.Migration):
    operations = [
        migrations.AddField("client", "is_active", models.BooleanField(default=True)),
    ]
```

## Use instead
```python
# shop/migrations/0004_add_client_is_active.py
class Migration(migrations.Migration):
    operations = [
        migrations.AddField("client", "is_active", models.BooleanField(default=True)),
    ]
```
Name migrations when making them: `python manage.py makemigrations shop --name add_client_is_active`.

## When it is fine
When the migration has already been applied to a shared database: renaming it would make Django
see a new, unapplied migration there. Suppress the diagnostic for that file
(`# godwit: ignore-file[NM001] -- applied in production`), or record it in the baseline.

## References
- Django documentation: `makemigrations --name`
- Django source: `django.db.migrations.migration.Migration.suggest_name`
)md",
    .bad_example = R"py(# file: shop/migrations/0004_auto_20240312_0915.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_client")]

    operations = [
        migrations.AddField("client", "is_active", models.BooleanField(default=True)),
    ]
)py",
    .good_example = R"py(# file: shop/migrations/0004_add_client_is_active.py
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_client")]

    operations = [
        migrations.AddField("client", "is_active", models.BooleanField(default=True)),
    ]
)py",
};

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `NNNN_auto_YYYYMMDD_HHMM`, nothing more.
bool is_auto_name(std::string_view name) {
  constexpr std::string_view kAuto = "_auto_";
  if (name.size() != 4 + kAuto.size() + 8 + 1 + 4) return false;
  return all_digits(name.substr(0, 4)) && name.substr(4, kAuto.size()) == kAuto && all_digits(name.substr(10, 8)) &&
         name[18] == '_' && all_digits(name.substr(19, 4));
}

// Lower-case letters, digits and single underscores: what a module name can hold.
std::string identifier_part(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// The literal string argument, as a name part; empty when not a literal.
std::string part(const ir::Operation& op, Param param) {
  const std::string* value = op.string_arg(param);
  return value != nullptr ? identifier_part(*value) : std::string();
}

// The `name=` of an index or constraint passed as `param` (`models.Index(..., name="order_idx")`).
std::string object_name(const ir::Operation& op, Param param) {
  const ir::Value* object = op.arg(param).value;
  if (object == nullptr || !object->is(ir::Value::Kind::Call)) return {};
  const ir::Value* name = object->keyword("name");
  return name != nullptr && name->as_string() != nullptr ? identifier_part(*name->as_string()) : std::string();
}

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) return {};  // a part is not known: no name
    if (!out.empty()) out += '_';
    out += p;
  }
  return out;
}

// A descriptive name for what one operation does, in the verb-first style of
// `add_client_is_active`; empty when its arguments are not literal.
std::string describe(const ir::Operation& op) {
  const std::string model = part(op, Param::model_name);
  switch (op.kind()) {
    case OperationKind::CreateModel: return join({"create", part(op, Param::name)});
    case OperationKind::DeleteModel: return join({"delete", part(op, Param::name)});
    case OperationKind::RenameModel:
      return join({"rename", part(op, Param::old_name), "to", part(op, Param::new_name)});
    case OperationKind::AlterModelTable: return join({"alter", part(op, Param::name), "table"});
    case OperationKind::AlterModelTableComment: return join({"alter", part(op, Param::name), "table_comment"});
    case OperationKind::AlterUniqueTogether: return join({"alter", part(op, Param::name), "unique_together"});
    case OperationKind::AlterIndexTogether: return join({"alter", part(op, Param::name), "index_together"});
    case OperationKind::AlterOrderWithRespectTo: return join({"alter", part(op, Param::name), "order_with_respect_to"});
    case OperationKind::AlterModelOptions: return join({"alter", part(op, Param::name), "options"});
    case OperationKind::AlterModelManagers: return join({"alter", part(op, Param::name), "managers"});
    case OperationKind::AddField: return join({"add", model, part(op, Param::name)});
    case OperationKind::RemoveField: return join({"remove", model, part(op, Param::name)});
    case OperationKind::AlterField: return join({"alter", model, part(op, Param::name)});
    case OperationKind::RenameField:
      return join({"rename", model, part(op, Param::old_name), "to", part(op, Param::new_name)});
    case OperationKind::AddIndex:
    case OperationKind::AddIndexConcurrently: return join({"add", object_name(op, Param::index)});
    case OperationKind::RemoveIndex:
    case OperationKind::RemoveIndexConcurrently: return join({"remove", part(op, Param::name)});
    case OperationKind::RenameIndex:
      return join({"rename", part(op, Param::old_name), "to", part(op, Param::new_name)});
    case OperationKind::AddConstraint:
    case OperationKind::AddConstraintNotValid: return join({"add", object_name(op, Param::constraint)});
    case OperationKind::RemoveConstraint: return join({"remove", part(op, Param::name)});
    case OperationKind::ValidateConstraint: return join({"validate", part(op, Param::name)});
    case OperationKind::CreateExtension: return join({"create_extension", part(op, Param::name)});
    case OperationKind::RunPython: {
      // The forward function's own name says what the data migration does.
      const ir::Value* code = op.arg(Param::code).value;
      if (code != nullptr && code->is(ir::Value::Kind::Name) && code->origin() == ir::NameOrigin::Local) {
        return identifier_part(code->short_name());
      }
      return {};
    }
    case OperationKind::SeparateDatabaseAndState:
      if (!op.state_operations().empty()) return describe(op.state_operations().front());
      if (!op.database_operations().empty()) return describe(op.database_operations().front());
      return {};
    default: return {};
  }
}

// What `makemigrations --name` could be given: the first operation's description, with
// `_and_more` when there are others (as Django does).
std::optional<std::string> suggest_name(const ir::Migration& migration) {
  if (migration.operations.empty()) return std::nullopt;
  std::string name = describe(migration.operations.front());
  if (name.empty()) return std::nullopt;
  if (migration.operations.size() > 1 || !migration.unresolved_operations.empty()) name += "_and_more";
  return name;
}

class AutoGeneratedName final : public rule::MigrationRule {
 public:
  AutoGeneratedName() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    // Without a Migration the module is not a migration (SY001, SY003 say why).
    if (!migration.has_migration_class || !is_auto_name(migration.name)) return;
    const std::optional<std::string> suggestion = suggest_name(migration);
    const std::string name = suggestion.value_or("<descriptive_name>");
    const std::string number = migration.name.substr(0, 4);
    context.report(migration.class_range,
                   rule::quoted(migration.name) +
                       " is Django's automatic name: it tells readers of `showmigrations`, of reviews and of later "
                       "`dependencies` when the migration was made, not what it does",
                   "name it for what it does: `python manage.py makemigrations " + migration.app_label + " --name " +
                       name + "` when making it, or, while it is applied nowhere, rename the file to `" + number + "_" +
                       name + ".py` and update the migrations that depend on " + rule::quoted(migration.name));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_auto_generated_name() { return std::make_unique<AutoGeneratedName>(); }

}  // namespace godwit::rules
