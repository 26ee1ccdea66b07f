// Reading [tool.godwit] / godwit.toml: every key, where it was set, and errors at their line.
#include "analyzer/config/config_loader.h"

#include <catch2/catch.hpp>

#include "rules/registry.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace godwit;
namespace fs = std::filesystem;

struct Read {
  config::LoadedConfig loaded;
  std::vector<std::string> errors;
};

Read read(const test::TempDir& dir, const fs::path& file) {
  Read r{config::default_config(dir.path()), {}};
  config::read_config_file(file, dir.path(), rules::all_rules(), r.loaded, r.errors);
  return r;
}

}  // namespace

TEST_CASE("every key of [tool.godwit] is read, with its line", "[unit]") {
  test::TempDir dir;
  const auto file = dir.write("pyproject.toml", R"toml([project]
name = "shop"

[tool.godwit]
select = ["RV", "BC001"]
extend-select = ["SP"]
ignore = ["runsql-without-reverse"]
severity = { RV006 = "warning", "runpython-without-reverse" = "info" }
database = "mysql"
django-version = "4.2"
deploy-order = "code-first"
exclude = ["legacy/", "**/migrations/0001_*.py"]
apps = ["shop"]
exclude-apps = ["vendor"]
app-labels = { "src/shop/" = "store" }
swappable = { AUTH_USER_MODEL = "accounts.User" }
baseline = "ci/godwit-baseline.json"
fail-on = "warning"
require-suppression-reason = true
migrations-dirs = ["migrations", "db_migrations"]
)toml");
  const Read r = read(dir, file);
  REQUIRE(r.errors.empty());
  const config::Config& c = r.loaded.config;
  CHECK(c.select == std::vector<std::string>{"RV", "BC001"});
  CHECK(c.extend_select == std::vector<std::string>{"SP"});
  CHECK(c.ignore == std::vector<std::string>{"runsql-without-reverse"});
  CHECK(c.severity.at("RV006") == diagnostics::Severity::Warning);
  CHECK(c.severity.at("runpython-without-reverse") == diagnostics::Severity::Info);
  CHECK(c.database == config::Database::MySQL);
  CHECK(c.django_version == config::DjangoVersion{4, 2});
  CHECK(c.deploy_order == config::DeployOrder::CodeFirst);
  CHECK(c.exclude.size() == 2);
  CHECK(c.apps == std::vector<std::string>{"shop"});
  CHECK(c.exclude_apps == std::vector<std::string>{"vendor"});
  CHECK(c.app_labels.at("src/shop") == "store");
  CHECK(c.swappable.at("AUTH_USER_MODEL") == "accounts.User");
  CHECK(c.baseline == (dir.path() / "ci/godwit-baseline.json").string());
  CHECK(c.fail_on == diagnostics::Severity::Warning);
  CHECK(c.require_suppression_reason);
  CHECK(c.migrations_dirs == std::vector<std::string>{"migrations", "db_migrations"});
  CHECK(c.root == dir.path());
  CHECK(c.file == file);
  CHECK(r.loaded.table == "[tool.godwit]");
  CHECK(r.loaded.origins.at("select").str() == "pyproject.toml:5");
  CHECK(r.loaded.origins.at("migrations-dirs").str() == "pyproject.toml:20");
  for (const auto& key : config::config_keys()) {
    INFO(key.key);
    CHECK(r.loaded.origins.at(std::string(key.key)).kind == config::Origin::Kind::File);
  }
}

TEST_CASE("godwit.toml holds the keys at its top level", "[unit]") {
  test::TempDir dir;
  const auto file = dir.write("godwit.toml", "database = \"sqlite\"\n");
  const Read r = read(dir, file);
  REQUIRE(r.errors.empty());
  CHECK(r.loaded.config.database == config::Database::SQLite);
  CHECK(r.loaded.origins.at("database").str() == "godwit.toml:1");
  CHECK(r.loaded.origins.at("select").str() == "default");
}

TEST_CASE("every mistake is an error at its line", "[unit]") {
  test::TempDir dir;
  const auto file = dir.write("pyproject.toml", R"toml([tool.godwit]
selct = ["RV001"]
select = "RV001"
ignore = ["XX999", 3]
severity = { RV006 = "fatal", XX001 = "error" }
database = "postgres9"
django-version = 4.2
deploy-order = "later"
exclude = ["legacy/[abc"]
swappable = { AUTH_USER_MODEL = "User" }
fail-on = "never"
require-suppression-reason = "yes"
migrations-dirs = ["db/migrations"]
apps = [""]
app-labels = { "src/shop" = 1 }
)toml");
  const Read r = read(dir, file);
  const std::vector<std::string> expected{
      "pyproject.toml:2: unknown key `selct` in [tool.godwit] (did you mean `select`?)",
      "pyproject.toml:3: `select` must be an array of strings, got a string",
      "pyproject.toml:4: `ignore` must be an array of strings, but holds an integer",
      "pyproject.toml:5: `severity.RV006`: `fatal` is not a severity (expected \"error\", \"warning\" or \"info\")",
      "pyproject.toml:5: `severity` names no rule: `XX001` (use a rule id or name)",
      "pyproject.toml:6: `database`: `postgres9` is not a supported database (expected \"postgresql\", \"mysql\", "
      "\"sqlite\", \"oracle\" or \"mssql\")",
      "pyproject.toml:7: `django-version` must be a string such as \"4.2\" (as a number, 4.10 would read as 4.1)",
      "pyproject.toml:8: `deploy-order`: expected \"migrate-first\" or \"code-first\", got `later`",
      "pyproject.toml:9: `exclude`: `legacy/[abc` has a `[` without its closing `]`",
      "pyproject.toml:10: `swappable.AUTH_USER_MODEL`: expected \"app_label.ModelName\", got `User`",
      "pyproject.toml:11: `fail-on`: expected \"error\", \"warning\" or \"info\", got `never`",
      "pyproject.toml:12: `require-suppression-reason` must be true or false, got a string",
      "pyproject.toml:13: `migrations-dirs`: `db/migrations` is not a folder name",
      "pyproject.toml:14: `apps`: `` is not an app label",
      "pyproject.toml:15: `app-labels.src/shop` must be a string, got an integer",
  };
  std::vector<std::string> errors = r.errors;
  std::sort(errors.begin(), errors.end(), [](const std::string& a, const std::string& b) {
    const auto line = [](const std::string& e) { return std::stoi(e.substr(e.find(':') + 1)); };
    return line(a) < line(b);
  });
  CHECK(errors == expected);
  // A key with a bad value keeps its default.
  CHECK(r.loaded.config.database == config::Database::PostgreSQL);
  CHECK(r.loaded.origins.at("database").kind == config::Origin::Kind::Default);
}

TEST_CASE("a selector naming no rule in a list is reported at that line", "[unit]") {
  test::TempDir dir;
  const auto file = dir.write("godwit.toml", "ignore = [\n  \"RV001\",\n  \"XX999\",\n]\n");
  const Read r = read(dir, file);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "godwit.toml:3: `ignore` names no rule: `XX999`");
}

TEST_CASE("invalid TOML is an error at its line", "[unit]") {
  test::TempDir dir;
  const auto file = dir.write("godwit.toml", "database = \"sqlite\"\nselect = [\n");
  const Read r = read(dir, file);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].starts_with("godwit.toml:"));
  CHECK(r.errors[0].find("not valid TOML") != std::string::npos);
}

TEST_CASE("the configuration file is found by walking up from the checked paths", "[unit]") {
  test::TempDir dir;
  dir.write("pyproject.toml", "[tool.godwit]\ndatabase = \"mysql\"\n");
  dir.write("backend/pyproject.toml", "[project]\nname = \"backend\"\n");  // no [tool.godwit]: skipped
  dir.write("backend/shop/migrations/0001_initial.py", "");
  dir.write("other/godwit.toml", "");
  dir.write("other/pyproject.toml", "[tool.godwit]\n");  // godwit.toml wins in the same folder
  std::vector<std::string> errors;
  auto found = config::find_config_file({"backend/shop/migrations/0001_initial.py"}, dir.path(), errors);
  REQUIRE(found);
  CHECK(*found == dir.path() / "pyproject.toml");
  found = config::find_config_file({"other"}, dir.path(), errors);
  REQUIRE(found);
  CHECK(*found == dir.path() / "other" / "godwit.toml");
  // The first path that finds one wins.
  found = config::find_config_file({"other", "backend"}, dir.path(), errors);
  CHECK(*found == dir.path() / "other" / "godwit.toml");
  found = config::find_config_file({}, dir.path() / "backend", errors);
  CHECK(*found == dir.path() / "pyproject.toml");
  CHECK(errors.empty());

  dir.write("broken/pyproject.toml", "[tool.godwit\n");
  found = config::find_config_file({"broken"}, dir.path(), errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].starts_with("broken/pyproject.toml:1: not valid TOML"));
}
