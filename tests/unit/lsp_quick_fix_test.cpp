// Quick fixes: each edit is exact, leaves valid Python, and makes the finding go away when the
// migration is analyzed again.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "analyzer/driver/analysis.h"
#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/lsp/quick_fix.h"
#include "tests/support/temp_dir.h"
#include "tests/support/migrations.h"

namespace {

using godwit::diagnostics::Diagnostic;
using godwit::lsp::QuickFix;

constexpr const char* kInitial = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            "Order",
            [
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("status", models.CharField(max_length=20)),
            ],
        ),
    ]
)py";

constexpr const char* kTarget = "shop/migrations/0002_change.py";

// A project with `shop/migrations/0001_initial.py` and the migration under test.
class Project {
 public:
  explicit Project(const std::string& migration) {
    dir_.write("shop/migrations/0001_initial.py", kInitial);
    dir_.write(kTarget, migration);
  }

  godwit::driver::Analysis analyze() const {
    godwit::driver::AnalysisOptions options;
    options.paths = {dir_.path() / kTarget};
    godwit::config::Config config;
    config.root = dir_.path();
    return godwit::driver::analyze(options, config, dir_.path());
  }

  // The findings of rule `code` in the migration under test.
  static std::vector<const Diagnostic*> findings(const godwit::driver::Analysis& a, const std::string& code) {
    std::vector<const Diagnostic*> out;
    for (const Diagnostic& d : a.diagnostics) {
      if (d.code.str() == code && d.path() == kTarget) out.push_back(&d);
    }
    return out;
  }

  static const godwit::ir::Migration& target(const godwit::driver::Analysis& a) {
    for (const auto& f : a.project.files) {
      if (f.migration.file().path() == kTarget) return f.migration;
    }
    FAIL("the migration under test was not read");
    throw std::logic_error("unreachable");
  }

  // Applies the fix titled `title` (a prefix) for the one finding of `code`; returns the new text.
  std::string apply(const std::string& code, const std::string& title) const {
    const godwit::driver::Analysis before = analyze();
    const auto found = findings(before, code);
    REQUIRE(found.size() == 1);
    const std::vector<QuickFix> fixes = godwit::lsp::quick_fixes(*found[0], target(before));
    const auto fix =
        std::find_if(fixes.begin(), fixes.end(), [&](const QuickFix& f) { return f.title.starts_with(title); });
    INFO("fixes offered: " << fixes.size());
    REQUIRE(fix != fixes.end());
    const std::string text = godwit::lsp::apply_replacements(target(before).file().text(), fix->edits);
    dir_.write(kTarget, text);
    return text;
  }

  std::vector<std::string> titles(const std::string& code) const {
    const godwit::driver::Analysis a = analyze();
    std::vector<std::string> out;
    for (const Diagnostic* d : findings(a, code)) {
      for (const QuickFix& f : godwit::lsp::quick_fixes(*d, target(a))) out.push_back(f.title);
    }
    return out;
  }

 private:
  godwit::test::TempDir dir_;
};

// Analyzed again: the finding is gone, the file is valid Python.
void check_gone(const Project& project, const std::string& code) {
  const godwit::driver::Analysis after = project.analyze();
  CHECK(Project::findings(after, code).empty());
  CHECK(Project::findings(after, "SY001").empty());
  CHECK_FALSE(Project::target(after).syntax_error.has_value());
}

}  // namespace

TEST_CASE("RV001: RunPython.noop becomes the reverse, with a TODO above the operation", "[unit][lsp]") {
  SECTION("one line") {
    Project p(godwit::test::kRunPythonWithoutReverse);
    CHECK(p.apply("RV001", "Add `reverse_code=migrations.RunPython.noop`") == R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        # TODO(godwit): RunPython.noop undoes nothing; write a reverse for forwards if a rollback must undo it
        migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop),
    ]
)py");
    check_gone(p, "RV001");
  }
  SECTION("over several lines, with a trailing comma and the class imported by name") {
    Project p(R"py(from django.db.migrations import Migration as Base, RunPython


def forwards(apps, schema_editor):
    pass


class Migration(Base):
    dependencies = [("shop", "0001_initial")]
    operations = [
        RunPython(
            forwards,
            elidable=True,
        ),
    ]
)py");
    CHECK(p.apply("RV001", "Add `reverse_code=RunPython.noop`") ==
          R"py(from django.db.migrations import Migration as Base, RunPython


def forwards(apps, schema_editor):
    pass


class Migration(Base):
    dependencies = [("shop", "0001_initial")]
    operations = [
        # TODO(godwit): RunPython.noop undoes nothing; write a reverse for forwards if a rollback must undo it
        RunPython(
            forwards,
            elidable=True,
            reverse_code=RunPython.noop,
        ),
    ]
)py");
    check_gone(p, "RV001");
  }
  SECTION("reverse_code=None, beside a suppression comment that must stay on the operation") {
    Project p(R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        # godwit: ignore[ZD013] -- reviewed
        migrations.RunPython(forwards, reverse_code=None),
    ]
)py");
    CHECK(p.apply("RV001", "Add `reverse_code=") == R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        # TODO(godwit): RunPython.noop undoes nothing; write a reverse for forwards if a rollback must undo it
        # godwit: ignore[ZD013] -- reviewed
        migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop),
    ]
)py");
    check_gone(p, "RV001");
  }
  SECTION("CRLF line endings stay CRLF") {
    Project p(
        "from django.db import migrations\r\n\r\n\r\ndef forwards(apps, schema_editor):\r\n    pass\r\n\r\n\r\n"
        "class Migration(migrations.Migration):\r\n    dependencies = [(\"shop\", \"0001_initial\")]\r\n"
        "    operations = [migrations.RunPython(forwards)]\r\n");
    const std::string text = p.apply("RV001", "Add `reverse_code=");
    CHECK(text.find("    # TODO(godwit): RunPython.noop undoes nothing; write a reverse for forwards if a rollback "
                    "must undo it\r\n    operations = [migrations.RunPython(forwards, "
                    "reverse_code=migrations.RunPython.noop)]\r\n") != std::string::npos);
    check_gone(p, "RV001");
  }
}

TEST_CASE("ZD001: AddIndex becomes AddIndexConcurrently in a non-atomic migration", "[unit][lsp]") {
  SECTION("the import and `atomic = False` are added") {
    Project p(R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
    ]
)py");
    CHECK(p.apply("ZD001", "Build the index with `AddIndexConcurrently`") ==
          R"py(from django.db import migrations, models
from django.contrib.postgres.operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0001_initial")]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
    ]
)py");
    check_gone(p, "ZD001");
    check_gone(p, "ZD002");
  }
  SECTION("an existing module import is used, and `atomic = True` turned off") {
    Project p(R"py(from django.contrib.postgres import operations as pg_ops
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.AddIndex("order", models.Index(fields=["status"], name="order_status_idx"))]
)py");
    CHECK(p.apply("ZD001", "Build the index") == R"py(from django.contrib.postgres import operations as pg_ops
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0001_initial")]
    operations = [pg_ops.AddIndexConcurrently("order", models.Index(fields=["status"], name="order_status_idx"))]
)py");
    check_gone(p, "ZD001");
    check_gone(p, "ZD002");
  }
  SECTION("only for AddIndex: an indexed AddField gets the suppression only") {
    Project p(R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.AddField("order", "code", models.CharField(max_length=8, null=True, db_index=True))]
)py");
    const auto titles = p.titles("ZD001");
    REQUIRE(titles.size() == 1);
    CHECK(titles[0] == "Suppress ZD001 for this operation");
  }
}

TEST_CASE("ZD002: the migration becomes non-atomic", "[unit][lsp]") {
  Project p(R"py(from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [AddIndexConcurrently("order", models.Index(fields=["status"], name="order_status_idx"))]
)py");
  const std::string text = p.apply("ZD002", "Make the migration non-atomic");
  CHECK(text.find("class Migration(migrations.Migration):\n    atomic = False\n    dependencies") != std::string::npos);
  check_gone(p, "ZD002");
}

TEST_CASE("suppression: a comment on the line above the operation, at its indentation", "[unit][lsp]") {
  constexpr const char* kUnsafe = godwit::test::kRunPythonWithoutReverse;
  SECTION("a new comment") {
    Project p(kUnsafe);
    const std::string text = p.apply("RV001", "Suppress RV001 for this operation");
    CHECK(text.find("    operations = [\n        # godwit: ignore[RV001] -- TODO: explain why this is safe\n"
                    "        migrations.RunPython(forwards),\n") != std::string::npos);
    // The comment is what the extractor reads as a comment, right above the operation's line.
    const auto migration = p.analyze();
    const auto& m = Project::target(migration);
    CHECK_FALSE(m.syntax_error.has_value());
    REQUIRE(m.comments.size() == 1);
    CHECK(m.comments[0].text == "# godwit: ignore[RV001] -- TODO: explain why this is safe");
    const auto& file = m.file();
    REQUIRE(m.operations.size() == 1);
    CHECK(file.lines().line_of(m.comments[0].range.begin) + 1 == file.lines().line_of(m.operations[0].range().begin));
  }
  SECTION("a rule added to the suppression comment already there") {
    Project p(R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunPython(forwards),  # godwit: ignore[ZD013] -- reviewed
    ]
)py");
    const std::string text = p.apply("RV001", "Add RV001 to the godwit suppression comment");
    CHECK(text.find("        migrations.RunPython(forwards),  # godwit: ignore[ZD013, RV001] -- reviewed\n") !=
          std::string::npos);
    CHECK_FALSE(Project::target(p.analyze()).syntax_error.has_value());
  }
  SECTION("migration-level findings are suppressed at the class line") {
    Project p(R"py(from django.db import migrations, models


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddIndex("order", models.Index(fields=["status"], name="order_status_idx")),
    ]
)py");
    const std::string text = p.apply("ZD007", "Suppress ZD007 for this migration");
    CHECK(text.find("    pass\n\n\n# godwit: ignore[ZD007] -- TODO: explain why this is safe\nclass Migration(") !=
          std::string::npos);
    CHECK_FALSE(Project::target(p.analyze()).syntax_error.has_value());
  }
}
