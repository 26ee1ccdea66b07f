// The command line as users and CI see it: exit codes, messages, subcommands.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "analyzer/driver/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/migrations.h"

using godwit::driver::run_process;
using godwit::test::TempDir;

namespace {

constexpr const char* kInitial = godwit::test::kOrderInitial;

constexpr const char* kSafe = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("order", "note", models.TextField(null=True)),
    ]
)py";

constexpr std::string_view kUnsafe = godwit::test::kRunPythonWithoutReverse;

}  // namespace

TEST_CASE("--version prints the version and exits 0", "[cli]") {
  const auto r = run_process({GODWIT_BINARY, "--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("godwit 0.1.0") != std::string::npos);
}

TEST_CASE("no subcommand is a usage error", "[cli]") {
  const auto r = run_process({GODWIT_BINARY});
  CHECK(r.exit_code == 2);
}

TEST_CASE("check exits 0 on clean migrations, 1 on findings", "[cli]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_order_note.py", kSafe);
  auto r = run_process({GODWIT_BINARY, "check", "."}, dir.path().string());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No problems found in 2 files.") != std::string::npos);

  dir.write("shop/migrations/0003_backfill.py", std::string(kUnsafe).replace(kUnsafe.find("0001_initial"), 12, "0002_order_note"));
  r = run_process({GODWIT_BINARY, "check", "--color", "never"}, dir.path().string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error[RV001] runpython-without-reverse") != std::string::npos);
  CHECK(r.out.find("--> shop/migrations/0003_backfill.py:11:9") != std::string::npos);
  CHECK(r.out.find("Found 1 error in 3 files.") != std::string::npos);

  SECTION("--exit-zero") {
    CHECK(run_process({GODWIT_BINARY, "check", "--exit-zero"}, dir.path().string()).exit_code == 0);
  }
  SECTION("--fail-on decides which severity fails") {
    CHECK(run_process({GODWIT_BINARY, "check", "--select", "RV006"}, dir.path().string()).exit_code == 0);
  }
  SECTION("--select before the paths takes one value") {
    const auto s = run_process({GODWIT_BINARY, "check", "--select", "RV002", "shop"}, dir.path().string());
    CHECK(s.exit_code == 0);
    CHECK(s.err.empty());
  }
  SECTION("--ignore") {
    CHECK(run_process({GODWIT_BINARY, "check", "--ignore", "RV"}, dir.path().string()).exit_code == 0);
  }
  SECTION("concise") {
    const auto c = run_process({GODWIT_BINARY, "check", "--format", "concise"}, dir.path().string());
    CHECK(c.out.find("shop/migrations/0003_backfill.py:11:9: RV001 [error] ") == 0);
  }
  SECTION("a folder given with a trailing slash or `/.` is that folder (shell completion writes them)") {
    for (const char* given : {"shop/migrations", "shop/migrations/", "shop/migrations/.", "shop/", "./"}) {
      INFO(given);
      const auto c = run_process({GODWIT_BINARY, "check", "--format", "concise", given}, dir.path().string());
      CHECK(c.exit_code == 1);
      CHECK(c.out.find("shop/migrations/0003_backfill.py:11:9: RV001 [error] ") == 0);
    }
  }
  SECTION("json") {
    const auto j = run_process({GODWIT_BINARY, "check", "--format", "json"}, dir.path().string());
    const auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["tool"]["name"] == "godwit");
    CHECK(doc["summary"]["files"] == 3);
    CHECK(doc["summary"]["error"] == 1);
    CHECK(doc["diagnostics"][0]["rule"] == "RV001");
    CHECK(doc["diagnostics"][0]["range"]["start"]["line"] == 11);
    CHECK(doc["migrations"].size() == 3);
    CHECK(doc["migrations"][2]["reversible"] == false);
    CHECK(doc["migrations"][2]["phase"] == "data");
    CHECK(doc["migrations"][1]["phase"] == "expand");
  }
}

TEST_CASE("bad input is exit code 2 with a message naming it, and the run goes on", "[cli]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0003_backfill.py", kUnsafe);
  auto r = run_process({GODWIT_BINARY, "check", "missing/path", "shop"}, dir.path().string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("missing/path: No such file or directory") != std::string::npos);
  CHECK(r.out.find("RV001") != std::string::npos);

  r = run_process({GODWIT_BINARY, "check", "--select", "XX999"}, dir.path().string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("`select` names no rule: `XX999`") != std::string::npos);

  r = run_process({GODWIT_BINARY, "check", "--format", "yaml"}, dir.path().string());
  CHECK(r.exit_code == 2);

  r = run_process({GODWIT_BINARY, "check", "--django-version", "five"}, dir.path().string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--django-version") != std::string::npos);
}

TEST_CASE("rule and rules print the catalogue", "[cli]") {
  auto r = run_process({GODWIT_BINARY, "rule", "RV001"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("# runpython-without-reverse (RV001)") == 0);
  CHECK(r.out.find("## Why is this bad?") != std::string::npos);
  r = run_process({GODWIT_BINARY, "rule", "runpython-without-reverse"});
  CHECK(r.exit_code == 0);
  r = run_process({GODWIT_BINARY, "rule", "XX001"});
  CHECK(r.exit_code == 2);
  r = run_process({GODWIT_BINARY, "rules", "--format", "json"});
  CHECK(r.exit_code == 0);
  const auto list = nlohmann::json::parse(r.out);
  REQUIRE(list.size() > 10);
  CHECK(list[0]["code"] < list[1]["code"]);
}

TEST_CASE("state and graph show the replayed project", "[cli]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel("Order", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
)py");
  dir.write("shop/migrations/0002_order_note.py", kSafe);
  auto r = run_process({GODWIT_BINARY, "state", "shop.order"}, dir.path().string());
  REQUIRE(r.exit_code == 0);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("shop.Order  (table shop_order, created in shop.0001_initial)") == 0);
  CHECK(r.out.find("note  TextField  null") != std::string::npos);
  r = run_process({GODWIT_BINARY, "state", "shop.order", "--at", "shop.0001_initial"}, dir.path().string());
  CHECK(r.out.find("note") == std::string::npos);
  r = run_process({GODWIT_BINARY, "state", "--at", "shop.0009_nope"}, dir.path().string());
  CHECK(r.exit_code == 2);
  r = run_process({GODWIT_BINARY, "graph", "--format", "json"}, dir.path().string());
  const auto graph = nlohmann::json::parse(r.out);
  CHECK(graph["leaves"][0][1] == "0002_order_note");
  CHECK(graph["plan"].size() == 2);
}

TEST_CASE("--diff-base reports only the release, and tables created in it are new", "[cli]") {
  TempDir dir;
  const std::string cwd = dir.path().string();
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "git");
    const auto r = run_process(args, cwd, {}, {"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid",
                                               "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid"});
    REQUIRE(r.exit_code == 0);
  };
  git({"init", "-q", "-b", "main"});
  dir.write("shop/migrations/0001_initial.py", kInitial);
  // Already shipped: an irreversible data migration that the release must not be blamed for.
  dir.write("shop/migrations/0002_backfill.py", std::string(kUnsafe));
  git({"add", "."});
  git({"commit", "-q", "-m", "release 1"});
  // The release: a new table, and a NOT NULL column added to it in a later migration.
  dir.write("shop/migrations/0003_refund.py", R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_backfill")]
    operations = [
        migrations.CreateModel("Refund", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
)py");
  dir.write("shop/migrations/0004_refund_amount.py", R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_refund")]
    operations = [
        migrations.AddField("refund", "amount", models.IntegerField(default=0)),
        migrations.AddField("order", "currency", models.CharField(max_length=3, default="EUR")),
    ]
)py");
  auto r = run_process({GODWIT_BINARY, "check", "--diff-base", "main", "--format", "concise"}, cwd);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("0002_backfill") == std::string::npos);
  CHECK(r.out.find("shop/migrations/0004_refund_amount.py:8:9: BC001") != std::string::npos);
  CHECK(r.out.find("shop_refund") == std::string::npos);  // the release's own table is new
  // Without a base, the new table is only new within its own migration.
  r = run_process({GODWIT_BINARY, "check", "--format", "concise", "--select", "BC001"}, cwd);
  CHECK(r.out.find("0004_refund_amount.py:7:9: BC001") != std::string::npos);
  CHECK(r.out.find("shop_refund") != std::string::npos);

  r = run_process({GODWIT_BINARY, "check", "--diff-base", "no-such-branch"}, cwd);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--diff-base no-such-branch: no such commit") != std::string::npos);

  TempDir elsewhere;
  r = run_process({GODWIT_BINARY, "check", "--diff-base", "main"}, elsewhere.path().string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--diff-base needs a git repository") != std::string::npos);
}

TEST_CASE("plan splits a multi-app release into before and after the deploy", "[cli]") {
  const std::string project = std::string(GODWIT_SOURCE_DIR) + "/tests/integration/rollback_project";
  TempDir dir;
  const auto applied = dir.write("showmigrations.txt", R"(inventory
 [X] 0001_initial
 [X] 0002_product_sku
 [ ] 0003_product_weight
 [ ] 0004_product_slug
billing
 [X] 0001_initial
 [ ] 0002_invoice_total
crm
 [X] 0001_initial
audit
 [X] 0001_initial
)");
  const auto r = run_process({GODWIT_BINARY, "plan", "--applied", applied.string(), "--format", "json"}, project);
  REQUIRE(r.exit_code == 0);
  const auto plan = nlohmann::json::parse(r.out);
  auto names = [&](const char* group) {
    std::vector<std::string> out;
    for (const auto& m : plan[group]) out.push_back(m["app"].get<std::string>() + "." + m["name"].get<std::string>());
    return out;
  };
  // In the order Django applies them (its plan: each leaf's ancestors, leaves sorted).
  CHECK(names("before_deploy") == std::vector<std::string>{
                                      "crm.0002_contact_phone", "crm.0003_contact_tags", "audit.0002_entry_level",
                                      "inventory.0003_product_weight", "billing.0002_invoice_total",
                                      "billing.0003_invoice_weight", "inventory.0004_product_slug"});
  CHECK(names("after_deploy") == std::vector<std::string>{"crm.0004_remove_contact_phone", "audit.0003_entry_contact"});
  CHECK(plan["after_deploy"][0]["reason"] == "RemoveField `contact.phone` is contract");
  CHECK(plan["after_deploy"][1]["reason"].get<std::string>().find("depends on `crm.0004_remove_contact_phone`") == 0);
  CHECK(plan["before_deploy_commands"].size() == 4);
  // The rollback undoes first the app whose release migration Django applies last; a command
  // also unapplies what depends on it in other apps (billing.0003 goes with inventory.0003).
  REQUIRE(plan["rollback"].size() == 4);
  CHECK(plan["rollback"][0]["command"] == "python manage.py migrate inventory 0002_product_sku");
  CHECK(plan["rollback"][0]["unapplies"][1]["name"] == "0003_invoice_weight");
  CHECK(plan["rollback"][0]["fails_at"].is_null());
  CHECK(plan["rollback"][1]["fails_at"]["error"] == "IrreversibleError");
  CHECK(plan["rollback"][2]["command"] == "python manage.py migrate audit 0001_initial");
  CHECK(plan["rollback"][2]["fails_at"]["name"] == "0002_entry_level");
  CHECK(plan["rollback"][2]["fails_at"]["error"] == "NotImplementedError");
  CHECK(plan["rollback"][3]["fails_at"]["error"] == "TypeError");
}

TEST_CASE("the README's rule table is the registry's", "[cli]") {
  std::ifstream in(std::string(GODWIT_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  const std::string text = readme.str();
  const auto begin = text.find("<!-- rules:begin -->\n");
  const auto end = text.find("<!-- rules:end -->");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const std::string documented = text.substr(begin + 21, end - begin - 21);
  const auto r = run_process({GODWIT_BINARY, "rules", "--format", "markdown"});
  REQUIRE(r.exit_code == 0);
  INFO("regenerate with: godwit rules --format markdown, between the markers in README.md");
  CHECK(documented == r.out);
}

TEST_CASE("a cycle closed by a staged file is reported in it, whichever file declares the first entry", "[cli]") {
  const std::string project = std::string(GODWIT_SOURCE_DIR) + "/tests/fixtures/graph/dependency_cycle/cross_app_cycle";
  for (const char* staged : {"shop/migrations/0002_order_invoice.py", "billing/migrations/0002_invoice_order.py"}) {
    const auto r = run_process({GODWIT_BINARY, "check", "--select", "GR003", "--format", "concise", staged}, project);
    INFO(staged);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(std::string(staged) + ":8:9: GR003") == 0);
  }
}

TEST_CASE("a cycle found first in a file not being checked is reported, and baselined, in the checked one", "[cli]") {
  TempDir dir;
  dir.write("shop/migrations/__init__.py", "");
  dir.write("shop/migrations/0001_initial.py", R"py(from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("shop", "0002_second")]
    operations = []
)py");
  dir.write("shop/migrations/0002_second.py", R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop",   "0001_initial")]
    operations = []
)py");
  const auto r = run_process({GODWIT_BINARY, "check", "--format", "json", "shop/migrations/0002_second.py"},
                             dir.path().string());
  CHECK(r.exit_code == 1);
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["diagnostics"].size() == 1);
  const auto& d = report["diagnostics"][0];
  CHECK(d["rule"] == "GR003");
  CHECK(d["path"] == "shop/migrations/0002_second.py");
  CHECK(d["range"]["start"]["line"] == 5);
  CHECK(d["related"][0]["path"] == "shop/migrations/0001_initial.py");
  CHECK(d["related"][0]["message"] == "reported first here, in a file not being checked");
  // The baseline names the finding by the checked file's text, whitespace collapsed.
  const auto b = run_process({GODWIT_BINARY, "check", "--write-baseline", "baseline.json", "shop/migrations/0002_second.py"},
                             dir.path().string());
  CHECK(b.exit_code == 0);
  std::ifstream in(dir.path() / "baseline.json");
  const auto baseline = nlohmann::json::parse(in);
  REQUIRE(baseline["findings"].size() == 1);
  CHECK(baseline["findings"][0]["migration"] == "0002_second");
  CHECK(baseline["findings"][0]["anchor"] == R"(("shop", "0001_initial"))");
}
