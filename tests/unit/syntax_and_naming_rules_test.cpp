// SY001, SY003 and NM001 cases that fixtures cannot carry: files that cannot hold an `# expect:`
// comment (empty, UTF-16) and help texts (fixtures check messages only).
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzer/driver/analysis.h"
#include "tests/support/temp_dir.h"

namespace {

using godwit::diagnostics::Diagnostic;
using godwit::test::TempDir;

std::vector<Diagnostic> check(const TempDir& dir, const std::string& select) {
  godwit::config::Config config;
  config.root = dir.path();
  config.select = {select};
  auto analysis = godwit::driver::analyze(godwit::driver::AnalysisOptions{.paths = {"."}, .threads = 1}, config, dir.path());
  REQUIRE(analysis.errors.empty());
  REQUIRE(analysis.config_errors.empty());
  return std::move(analysis.diagnostics);
}

// The help NM001 gives for a migration with these operations.
std::string nm001_help(std::string_view operations) {
  TempDir dir;
  dir.write("shop/migrations/0004_auto_20240312_0915.py",
            "from django.db import migrations, models\n"
            "from django.contrib.postgres.operations import AddIndexConcurrently\n\n\n"
            "def backfill_totals(apps, schema_editor):\n    pass\n\n\n"
            "class Migration(migrations.Migration):\n"
            "    dependencies = [(\"shop\", \"0003_order\")]\n\n"
            "    operations = [\n" +
                std::string(operations) + "    ]\n");
  const auto diagnostics = check(dir, "NM001");
  REQUIRE(diagnostics.size() == 1);
  return diagnostics[0].help;
}

}  // namespace

TEST_CASE("SY003: an empty module defines no Migration; SY001 has nothing to say", "[unit]") {
  TempDir dir;
  dir.write("shop/migrations/0003_placeholder.py", "");
  const auto sy003 = check(dir, "SY003");
  REQUIRE(sy003.size() == 1);
  CHECK(sy003[0].message.find("`0003_placeholder.py` is empty") != std::string::npos);
  CHECK(sy003[0].message.find("BadMigrationError") != std::string::npos);
  CHECK(sy003[0].range.begin == 0);
  CHECK(sy003[0].range.end == 0);
  CHECK(sy003[0].help.find("delete the file") != std::string::npos);
  CHECK(check(dir, "SY001").empty());
}

TEST_CASE("SY003: the help names a module Django skips, in the same folder", "[unit]") {
  TempDir dir;
  dir.write("shop/migrations/0004_price_helpers.py", "def copy_prices(apps, schema_editor):\n    pass\n");
  const auto diagnostics = check(dir, "SY003");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].help.find("`shop/migrations/_price_helpers.py`") != std::string::npos);
}

TEST_CASE("SY001: a UTF-16 file is named as such", "[unit]") {
  TempDir dir;
  // PowerShell's `>` redirect: UTF-16LE with a byte order mark.
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string_view("from django.db import migrations\r\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  dir.write("shop/migrations/0005_dump.py", utf16);
  const auto diagnostics = check(dir, "SY001");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message.find("the file is UTF-16 encoded, not UTF-8") == 0);
  CHECK(diagnostics[0].help.find("save the file as UTF-8") != std::string::npos);
}

TEST_CASE("SY001: a mismatched bracket points at its opening bracket too", "[unit]") {
  TempDir dir;
  dir.write("shop/migrations/0006_x.py",
            "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
            "    operations = [\n        migrations.DeleteModel(\"Coupon\",\n    ]\n");
  const auto diagnostics = check(dir, "SY001");
  REQUIRE(diagnostics.size() == 1);
  const Diagnostic& d = diagnostics[0];
  CHECK(d.message.find("closing `]` does not match the opening `(` on line 6") == 0);
  CHECK(d.message.find("Django cannot import this module") != std::string::npos);
  REQUIRE(d.related.size() == 1);
  CHECK(d.file->position(d.related[0].range.begin).line == 6);
  CHECK(d.file->position(d.related[0].range.begin).column == 31);
}

TEST_CASE("SY001: a missing token at the end of a line stays a point; elsewhere it covers a character", "[unit]") {
  TempDir dir;
  dir.write("shop/migrations/0007_x.py",
            "from django.db import migrations\n\n\ndef forwards(apps, schema_editor)\n    pass\n");
  const auto diagnostics = check(dir, "SY001");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message.find("expected `:`") != std::string::npos);
  CHECK(diagnostics[0].range.empty());
  CHECK(diagnostics[0].file->position(diagnostics[0].range.begin).column == 34);
}

TEST_CASE("NM001: the suggested name describes the first operation", "[unit]") {
  CHECK(nm001_help("        migrations.AddField(\"Client\", \"is_active\", models.BooleanField(default=True)),\n")
            .find("--name add_client_is_active`") != std::string::npos);
  CHECK(nm001_help(
            "        migrations.AddField(model_name=\"client\", name=\"is_active\", field=models.BooleanField()),\n"
            "        migrations.RemoveField(\"client\", \"active\"),\n")
            .find("--name add_client_is_active_and_more`") != std::string::npos);
  CHECK(nm001_help("        migrations.RemoveField(\"order\", \"legacy_code\"),\n")
            .find("rename the file to `0004_remove_order_legacy_code.py`") != std::string::npos);
  CHECK(nm001_help("        migrations.RenameField(\"order\", \"total\", \"grand_total\"),\n")
            .find("--name rename_order_total_to_grand_total`") != std::string::npos);
  CHECK(nm001_help("        migrations.CreateModel(\"ShippingZone\", fields=[]),\n")
            .find("--name create_shippingzone`") != std::string::npos);
  CHECK(nm001_help("        migrations.DeleteModel(\"Coupon\"),\n").find("--name delete_coupon`") != std::string::npos);
  CHECK(nm001_help("        AddIndexConcurrently(\"order\", models.Index(fields=[\"placed_at\"], "
                   "name=\"order_placed_at_idx\")),\n")
            .find("--name add_order_placed_at_idx`") != std::string::npos);
  CHECK(nm001_help("        migrations.RunPython(backfill_totals, migrations.RunPython.noop),\n")
            .find("--name backfill_totals`") != std::string::npos);
  CHECK(nm001_help("        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(\"order\", "
                   "\"note\")]),\n")
            .find("--name remove_order_note`") != std::string::npos);
  // Nothing to describe: a placeholder, never a guess.
  CHECK(nm001_help("        migrations.RunSQL(\"VACUUM\", migrations.RunSQL.noop),\n")
            .find("--name <descriptive_name>`") != std::string::npos);
  CHECK(nm001_help("").find("--name <descriptive_name>`") != std::string::npos);
  CHECK(nm001_help("        migrations.AddField(\"client\", FIELD_NAME, models.BooleanField()),\n")
            .find("--name <descriptive_name>`") != std::string::npos);
}

TEST_CASE("NM001: only the exact automatic pattern", "[unit]") {
  const char* names[] = {
      "0004_auto_20240312_0915",   "0003_merge_20240101_1200",      "0001_squashed_0004_auto_20240101_1200",
      "0002_auto_approve_reviews", "0005_auto_20240101_1200_extra", "0005_auto_2024010_1200",
      "0005_Auto_20240101_1200",   "000a_auto_20240101_1200"};
  TempDir dir;
  for (const char* name : names) {
    dir.write(std::string("shop/migrations/") + name + ".py",
              "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n");
  }
  const auto diagnostics = check(dir, "NM001");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].migration == "0004_auto_20240312_0915");
  CHECK(diagnostics[0].file->position(diagnostics[0].range.begin).line == 4);
}

TEST_CASE("SY002: counts what it cannot see", "[unit]") {
  TempDir dir;
  dir.write("shop/migrations/0008_x.py",
            "from django.conf import settings\nfrom django.db import migrations\n\n\n"
            "class Migration(migrations.Migration):\n"
            "    operations = [\n"
            "        migrations.DeleteModel(\"A\") if settings.X else migrations.DeleteModel(\"B\"),\n"
            "        *settings.EXTRA_OPERATIONS,\n"
            "    ]\n");
  const auto diagnostics = check(dir, "SY002");
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics[0].message.find("1 operation cannot be analyzed, so no rule checks it") != std::string::npos);
  CHECK(diagnostics[1].message.find("an unknown number of operations cannot be analyzed") != std::string::npos);
  CHECK(diagnostics[1].file->position(diagnostics[1].range.begin).column == 9);  // the `*`
  CHECK(diagnostics[0].severity == godwit::diagnostics::Severity::Info);
  CHECK(diagnostics[0].help.find("`python manage.py sqlmigrate shop 0008_x`") != std::string::npos);
}
