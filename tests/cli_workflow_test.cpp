// Configuration files, suppressions and the baseline as a team uses them from the command line.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analyzer/driver/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/migrations.h"

using godwit::driver::run_process;
using godwit::test::TempDir;

namespace {

constexpr const char* kInitial = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel("Order", [
            ("id", models.BigAutoField(primary_key=True, serialize=False)),
            ("legacy_code", models.CharField(max_length=20)),
        ]),
    ]
)py";

constexpr const char* kRunPython = godwit::test::kRunPythonWithoutReverse;

constexpr const char* kRunSql = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_backfill")]
    operations = [
        migrations.RunSQL("UPDATE shop_order SET legacy_code = ''"),
    ]
)py";

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Project {
  TempDir dir;
  Project() {
    dir.write("shop/migrations/0001_initial.py", kInitial);
    dir.write("shop/migrations/0002_backfill.py", kRunPython);
    dir.write("shop/migrations/0003_legacy.py", kRunSql);
  }
  [[nodiscard]] godwit::driver::ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), GODWIT_BINARY);
    return run_process(args, dir.path().string());
  }
};

}  // namespace

TEST_CASE("check reads [tool.godwit] found above the checked paths; the command line wins", "[cli]") {
  Project p;
  p.dir.write("pyproject.toml", "[project]\nname = \"shop\"\n\n[tool.godwit]\nignore = [\"RV001\"]\n");
  auto r = p.run({"check", "--format", "concise", "shop/migrations"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("RV001") == std::string::npos);
  CHECK(r.out.find("RV002") != std::string::npos);

  // From a subfolder, walking up finds the same file.
  r = run_process({GODWIT_BINARY, "check", "--format", "concise", "."}, (p.dir.path() / "shop").string());
  CHECK(r.out.find("RV001") == std::string::npos);

  SECTION("--isolated ignores it") {
    r = p.run({"check", "--format", "concise", "--isolated"});
    CHECK(r.out.find("RV001") != std::string::npos);
  }
  SECTION("a list flag replaces the file's list") {
    r = p.run({"check", "--format", "concise", "--ignore", "RV002"});
    CHECK(r.out.find("RV001") != std::string::npos);
    CHECK(r.out.find("RV002") == std::string::npos);
  }
  SECTION("--config names the file") {
    p.dir.write("ci/godwit.toml", "select = [\"RV001\"]\n");
    r = p.run({"check", "--format", "concise", "--config", "ci/godwit.toml"});
    CHECK(r.out.find("RV001") != std::string::npos);
    CHECK(r.out.find("RV002") == std::string::npos);
    r = p.run({"check", "--config", "ci/missing.toml"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ci/missing.toml: configuration file not found") != std::string::npos);
  }
  SECTION("--extend-select adds to the file's select") {
    p.dir.write("pyproject.toml", "[tool.godwit]\nselect = [\"RV001\"]\nextend-select = [\"BC\"]\n");
    r = p.run({"config", "--format", "json", "--extend-select", "RV002"});
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["settings"]["extend-select"]["value"] == nlohmann::json({"BC", "RV002"}));
    r = p.run({"check", "--format", "concise", "--extend-select", "RV002"});
    CHECK(r.out.find("RV001") != std::string::npos);
    CHECK(r.out.find("RV002") != std::string::npos);
  }
  SECTION("--fail-on and --severity") {
    r = p.run({"check", "--select", "RV002", "--severity", "RV002=warning"});
    CHECK(r.exit_code == 0);
    r = p.run({"check", "--select", "RV002", "--severity", "RV002=warning", "--fail-on", "warning"});
    CHECK(r.exit_code == 1);
    r = p.run({"check", "--severity", "RV002"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--severity: expected RULE=LEVEL") != std::string::npos);
  }
}

TEST_CASE("a bad configuration is exit code 2 with file:line: message", "[cli]") {
  Project p;
  p.dir.write("pyproject.toml", "[tool.godwit]\ndatabase = \"postgresql\"\nselct = [\"RV001\"]\nignore = [\"ZZ\"]\n");
  auto r = p.run({"check"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("godwit: error: pyproject.toml:3: unknown key `selct` in [tool.godwit] (did you mean `select`?)") !=
        std::string::npos);
  CHECK(r.err.find("godwit: error: pyproject.toml:4: `ignore` names no rule: `ZZ`") != std::string::npos);
  r = p.run({"config"});
  CHECK(r.exit_code == 2);
  r = p.run({"graph"});
  CHECK(r.exit_code == 2);
  r = p.run({"check", "--isolated"});
  CHECK(r.exit_code == 1);
  r = p.run({"check", "--isolated", "--exclude", "a[b"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--exclude: `a[b` has a `[` without its closing `]`") != std::string::npos);
}

TEST_CASE("godwit config shows every setting and where it came from", "[cli]") {
  Project p;
  p.dir.write("pyproject.toml", "[tool.godwit]\n\ndatabase = \"mysql\"\nexclude = [\"legacy/\"]\n");
  auto r = p.run({"config", "--django-version", "4.2"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Configuration file: pyproject.toml [tool.godwit]") == 0);
  CHECK(r.out.find("database                   = \"mysql\"  # pyproject.toml:3") != std::string::npos);
  CHECK(r.out.find("django-version             = \"4.2\"  # command line") != std::string::npos);
  CHECK(r.out.find("select                     = [\"ALL\"]  # default") != std::string::npos);
  CHECK(r.out.find("swappable                  = { AUTH_USER_MODEL = \"auth.User\" }  # default") != std::string::npos);
  r = p.run({"config", "--format", "json", "shop"});
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["file"] == "pyproject.toml");
  CHECK(doc["settings"]["exclude"]["value"] == nlohmann::json({"legacy/"}));
  CHECK(doc["settings"]["exclude"]["source"] == "file");
  CHECK(doc["settings"]["exclude"]["line"] == 4);
  CHECK(doc["settings"]["baseline"]["value"].is_null());
  CHECK(doc["settings"]["fail-on"]["source"] == "default");
  CHECK(doc["settings"].size() == 16);
  r = p.run({"config", "--isolated"});
  CHECK(r.out.find("Configuration file: none") == 0);
}

TEST_CASE("exclude, apps and exclude-apps decide what is reported", "[cli]") {
  Project p;
  p.dir.write("legacy/migrations/0001_initial.py", kRunPython);
  p.dir.write("pyproject.toml", "[tool.godwit]\nexclude = [\"/legacy/\", \"**/migrations/0003_*.py\"]\n");
  auto r = p.run({"check", "--format", "concise"});
  CHECK(r.out.find("legacy/") == std::string::npos);
  CHECK(r.out.find("0003_legacy") == std::string::npos);
  CHECK(r.out.find("shop/migrations/0002_backfill.py") != std::string::npos);
  // Files given by name are excluded too (pre-commit passes them one by one).
  r = p.run({"check", "legacy/migrations/0001_initial.py"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No problems found in 0 files.") != std::string::npos);

  r = p.run({"check", "--format", "concise", "--exclude", "nothing", "--exclude-apps", "shop"});
  CHECK(r.out.find("shop/") == std::string::npos);
  CHECK(r.out.find("legacy/migrations/0001_initial.py") != std::string::npos);
  r = p.run({"check", "--format", "json", "--exclude", "nothing", "--apps", "shop"});
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["summary"]["files"] == 3);
  for (const auto& d : doc["diagnostics"]) CHECK(d["app"] == "shop");
}

TEST_CASE("pre-commit's __init__.py is skipped, not analyzed", "[cli]") {
  Project p;
  p.dir.write("shop/migrations/__init__.py", "");
  const auto r = p.run({"check", "shop/migrations/__init__.py", "shop/migrations/0001_initial.py"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No problems found in 1 file.") != std::string::npos);
}

TEST_CASE("migrations-dirs from the configuration reaches state and graph", "[cli]") {
  TempDir dir;
  dir.write("shop/db_migrations/0001_initial.py", kInitial);
  dir.write("godwit.toml", "migrations-dirs = [\"db_migrations\"]\n");
  auto r = run_process({GODWIT_BINARY, "graph", "--format", "json"}, dir.path().string());
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["plan"].size() == 1);
  r = run_process({GODWIT_BINARY, "state", "shop.order"}, dir.path().string());
  CHECK(r.out.find("legacy_code") != std::string::npos);
  r = run_process({GODWIT_BINARY, "graph", "--isolated", "--format", "json"}, dir.path().string());
  CHECK(nlohmann::json::parse(r.out)["plan"].empty());
}

TEST_CASE("suppression comments and require-suppression-reason from the command line", "[cli]") {
  Project p;
  p.dir.write("shop/migrations/0002_backfill.py", R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunPython(forwards),  # godwit: ignore[RV001]
    ]
)py");
  auto r = p.run({"check", "--format", "concise", "--select", "RV001,SP"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  r = p.run({"check", "--format", "concise", "--select", "RV001,SP", "--require-suppression-reason"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("shop/migrations/0002_backfill.py:11:42: SP002 [error]") != std::string::npos);
  CHECK(r.out.find("shop/migrations/0002_backfill.py:11:9: RV001 [error]") != std::string::npos);
  p.dir.write("pyproject.toml", "[tool.godwit]\nrequire-suppression-reason = true\n");
  r = p.run({"check", "--select", "RV001,SP", "--no-require-suppression-reason"});
  CHECK(r.exit_code == 0);
}

TEST_CASE("a baseline hides today's findings, keeps them when lines move, and drops fixed ones", "[cli]") {
  // Reversibility rules only: their findings here are stable, whatever other rules come along.
  Project p;
  auto r = p.run({"check", "--select", "RV", "--write-baseline", "godwit-baseline.json"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Wrote a baseline of 2 findings to godwit-baseline.json.\n");
  const auto written = nlohmann::json::parse(read(p.dir.path() / "godwit-baseline.json"));
  REQUIRE(written["findings"].size() == 2);
  CHECK(written["findings"][0]["rule"] == "RV001");
  CHECK(written["findings"][0]["anchor"] == "migrations.RunPython(forwards)");
  CHECK(written["findings"][1]["migration"] == "0003_legacy");
  CHECK(read(p.dir.path() / "godwit-baseline.json").find("line") == std::string::npos);

  r = p.run({"check", "--select", "RV", "--baseline", "godwit-baseline.json", "--color", "never"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No problems found in 3 files.\n2 findings hidden by the baseline.") != std::string::npos);

  // Lines move: a docstring and a comment above the operations.
  std::string moved = kRunPython;
  moved.insert(moved.find("class Migration"), "# Backfill for release 42.\n\n\n");
  moved.insert(moved.find("    dependencies"), "    \"\"\"Fill in the codes.\"\"\"\n\n");
  p.dir.write("shop/migrations/0002_backfill.py", moved);
  // A new finding appears.
  p.dir.write("shop/migrations/0004_more.py", R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_legacy")]
    operations = [
        migrations.RunSQL("DELETE FROM shop_order"),
    ]
)py");
  r = p.run({"check", "--select", "RV", "--baseline", "godwit-baseline.json", "--format", "json"});
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["summary"]["hidden_by_baseline"] == 2);
  REQUIRE(doc["diagnostics"].size() == 1);
  CHECK(doc["diagnostics"][0]["migration"] == "0004_more");

  // One is fixed: it drops out (nothing hides it any more, and nothing is left to hide).
  p.dir.write("shop/migrations/0003_legacy.py", R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_backfill")]
    operations = [
        migrations.RunSQL("UPDATE shop_order SET legacy_code = ''", reverse_sql=migrations.RunSQL.noop),
    ]
)py");
  p.dir.write("pyproject.toml", "[tool.godwit]\nbaseline = \"godwit-baseline.json\"\n");
  r = run_process({GODWIT_BINARY, "check", "--select", "RV", "--format", "json", "."}, (p.dir.path() / "shop").string());
  doc = nlohmann::json::parse(r.out);
  CHECK(doc["summary"]["hidden_by_baseline"] == 1);
  CHECK(doc["diagnostics"].size() == 1);

  SECTION("a broken baseline is exit code 2") {
    p.dir.write("godwit-baseline.json", "{\"findings\": 3}");
    r = p.run({"check"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("godwit: error: baseline godwit-baseline.json: not a godwit baseline") != std::string::npos);
    r = p.run({"check", "--select", "RV", "--baseline", "nope.json"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("baseline nope.json: No such file or directory") != std::string::npos);
  }
}

TEST_CASE("CI formats escape what their consumers treat as syntax", "[cli]") {
  TempDir dir;
  dir.write("team,a:b%c;d]e/shop/migrations/0002_x.py", R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunSQL("UPDATE t SET a = '100%'"),
    ]
)py");
  auto run = [&](const char* format) {
    return run_process({GODWIT_BINARY, "check", "--isolated", "--select", "RV002", "--format", format},
                       dir.path().string())
        .out;
  };
  // GitHub: `%`, CR, LF everywhere; `:` and `,` in properties.
  const std::string github = run("github");
  CHECK(github.starts_with("::error file=team%2Ca%3Ab%25c;d]e/shop/migrations/0002_x.py,line=7,col=9,endLine=7,"));
  CHECK(github.find("title=RV002 runsql-without-reverse::`RunSQL(\"UPDATE t SET a = '100%25'\")`") !=
        std::string::npos);
  CHECK(github.find("%0Ahelp: ") != std::string::npos);
  CHECK(std::count(github.begin(), github.end(), '\n') == 1);
  // Azure: `%` as `%AZP25`, CR, LF everywhere; `;` and `]` in properties.
  const std::string azure = run("azure");
  CHECK(azure.starts_with(
      "##vso[task.logissue type=error;sourcepath=team,a:b%AZP25c%3Bd%5De/shop/migrations/0002_x.py;linenumber=7;"
      "columnnumber=9;code=RV002;]RV002 runsql-without-reverse: `RunSQL(\"UPDATE t SET a = '100%AZP25'\")`"));
  // SARIF: a percent-encoded relative URI.
  const auto sarif = nlohmann::json::parse(run("sarif"));
  CHECK(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "team%2Ca%3Ab%25c%3Bd%5De/shop/migrations/0002_x.py");
  // JUnit: XML escapes.
  const std::string junit = run("junit");
  CHECK(junit.find("&apos;100%&apos;") != std::string::npos);
  CHECK(junit.find("file=\"team,a:b%c;d]e/shop/migrations/0002_x.py\"") != std::string::npos);
}
