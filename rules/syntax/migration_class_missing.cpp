#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::SY, 3},
    .name = "migration-class-missing",
    .severity = Severity::Error,
    .summary = "a module in a migrations package defines no `Migration` class: Django's loader fails",
    .docs = R"md(## What it does
Flags a module of a `migrations` package that defines no `Migration`: a helper module, a
half-written file, an empty file. `__init__.py` and modules whose name starts with `_` or `~`
are not migrations and are never flagged.

## Why is this bad?
Django's migration loader imports every other module of the package and raises
`BadMigrationError: Migration 0004_helpers in app shop has no Migration class`. `migrate`,
`makemigrations` and `showmigrations` then fail for the whole project, in every environment the
file reaches. The module is not a node of the migration graph.

## Example
```python
# shop/migrations/0004_helpers.py
def copy_prices(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.update(list_price=models.F("price"))
```

## Use instead
```python
# shop/migrations/_helpers.py (skipped by Django's loader)
def copy_prices(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.update(list_price=models.F("price"))
```
and `from ._helpers import copy_prices` in the migration that runs it, or keep the helper outside
the `migrations` package.

## When it is fine
Never inside a `migrations` package. A module that only re-exports a `Migration` from elsewhere
(`from .base import Migration`, or a star import) has one and is not flagged.

## References
- Django documentation: "Migration files" (every module of the package must define `Migration`)
- Django source: `django.db.migrations.loader.MigrationLoader.load_disk` (`BadMigrationError`)
)md",
    .bad_example = R"py(# file: shop/migrations/0004_helpers.py
from django.db import models


def copy_prices(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.update(list_price=models.F("price"))
)py",
    .good_example = R"py(# file: shop/migrations/_helpers.py
from django.db import models


def copy_prices(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.update(list_price=models.F("price"))
# file: shop/migrations/0004_product_list_price_data.py
from django.db import migrations

from ._helpers import copy_prices


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_product_list_price")]

    operations = [
        migrations.RunPython(copy_prices, migrations.RunPython.noop),
    ]
)py",
};

enum class Content : uint8_t { Empty, Comments, Code };

// Whether the module holds any code: a line whose first non-blank character does not start a comment.
Content content_of(std::string_view text) {
  Content content = Content::Empty;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t\f");
    if (first != std::string_view::npos) {
      if (line[first] != '#') return Content::Code;
      content = Content::Comments;
    }
    start = end + 1;
  }
  return content;
}

class MigrationClassMissing final : public rule::MigrationRule {
 public:
  MigrationClassMissing() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    // A file that is not valid Python is SY001's; with a Migration it is a migration.
    if (migration.syntax_error || migration.has_migration_class) return;
    // `from .base import *` may bind Migration: godwit cannot tell, so it says nothing.
    const bool star_import = std::any_of(migration.imports.begin(), migration.imports.end(),
                                         [](const ir::Import& i) { return i.name == "*" && i.function < 0; });
    if (star_import) return;
    const std::string file = rule::quoted(migration.name + ".py");
    const Content content = content_of(migration.file().text());
    std::string what = file + " defines no `Migration` class";
    if (content == Content::Empty) what = file + " is empty and so defines no `Migration` class";
    if (content == Content::Comments) what = file + " holds only comments and so defines no `Migration` class";
    const std::string help =
        content == Content::Code
            ? "move this code to a module whose name starts with `_` (" + helper_path(migration) +
                  ", which Django skips) or out of the `migrations` package; if it is meant to be a migration, define "
                  "`class Migration(migrations.Migration)`"
            : "delete the file, or write the migration it was meant to hold (`python manage.py makemigrations " +
                  migration.app_label + " --empty --name <name>` writes a valid one)";
    context.report(source::TextRange{0, 0},
                   what +
                       ": Django's migration loader raises `BadMigrationError` for it, and `migrate` fails for "
                       "the whole project",
                   help);
  }

 private:
  // `shop/migrations/0004_helpers.py` -> `shop/migrations/_helpers.py`: the same folder, a name
  // Django's loader skips, without the migration number a helper does not need.
  static std::string helper_path(const ir::Migration& migration) {
    const std::string& path = migration.file().path();
    const auto slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    const std::string& name = migration.name;
    const auto underscore = name.find('_');
    const bool numbered = underscore != std::string::npos && underscore > 0 &&
                          std::all_of(name.begin(), name.begin() + static_cast<long>(underscore),
                                      [](char c) { return c >= '0' && c <= '9'; });
    const std::string stem = numbered && underscore + 1 < name.size() ? name.substr(underscore + 1) : name;
    return rule::quoted(folder + "_" + stem + ".py");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_migration_class_missing() { return std::make_unique<MigrationClassMissing>(); }

}  // namespace godwit::rules
