// Suppression comments: what they cover, and what they report about themselves.
#include "analyzer/suppression/suppression.h"

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/rule/rule_selection.h"
#include "rules/registry.h"

namespace {

using namespace godwit;

struct Registry final : suppression::RuleResolver {
  [[nodiscard]] std::optional<diagnostics::RuleCode> resolve(std::string_view name) const override {
    const rule::Rule* r = rule::find_rule(rules::all_rules(), name);
    if (r == nullptr) return std::nullopt;
    return r->meta().code;
  }
};

ir::Migration extract(std::string code) {
  frontend::PythonParser parser;
  auto source = std::make_shared<const source::SourceFile>("shop/migrations/0002_data.py", std::move(code));
  return frontend::read_migration(parser, source, "shop", "0002_data");
}

// A finding of `code` at the start of 1-based `line`.
diagnostics::Diagnostic finding(const ir::Migration& m, std::string_view code, uint32_t line) {
  diagnostics::Diagnostic d;
  d.code = *diagnostics::RuleCode::parse(code);
  d.file = m.source;
  d.range = m.file().line_range(line - 1);
  return d;
}

constexpr const char* kMigration = R"py(from django.db import migrations


# godwit: ignore[RV003, RV007] -- reviewed: the table is tiny
class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunSQL("SELECT 1"),  # godwit: ignore[RV002] -- reviewed
        migrations.RunSQL("SELECT 2"),
    ]
)py";

}  // namespace

TEST_CASE("a suppression covers its own line and, alone on its line, the next one", "[unit]") {
  const ir::Migration m = extract(kMigration);
  auto s = suppression::FileSuppressions::read(m, Registry{}, false);
  REQUIRE(s.suppressions().size() == 2);
  REQUIRE(s.problems().empty());
  CHECK(s.suppressions()[0].own_line);
  CHECK(s.suppressions()[0].reason == "reviewed: the table is tiny");
  CHECK_FALSE(s.suppressions()[1].own_line);

  // A migration-level finding at the `class Migration` line, under the comment above it (the
  // rule codes stand for any rule; the suppression works by line).
  CHECK(s.suppress(finding(m, "RV007", 5)));
  CHECK_FALSE(s.suppress(finding(m, "RV001", 5)));
  CHECK_FALSE(s.suppress(finding(m, "RV007", 6)));
  // On the comment's own line too.
  CHECK(s.suppress(finding(m, "RV003", 4)));
  // A trailing comment covers its line only.
  CHECK(s.suppress(finding(m, "RV002", 9)));
  CHECK_FALSE(s.suppress(finding(m, "RV002", 10)));

  const auto& targets = s.suppressions()[0].targets;
  REQUIRE(targets.size() == 2);
  CHECK(targets[0].written == "RV003");
  CHECK(targets[0].used);
  CHECK(targets[1].used);
  CHECK(s.suppressions()[1].targets[0].used);
}

TEST_CASE("suppression findings are suppressed only file-wide", "[unit]") {
  const ir::Migration m = extract(R"py(# godwit: ignore-file[SP001] -- generated
from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL("SELECT 1"),  # godwit: ignore[*] -- everything on this line
    ]
)py");
  auto s = suppression::FileSuppressions::read(m, Registry{}, false);
  REQUIRE(s.suppressions().size() == 2);
  CHECK(s.suppress(finding(m, "SP001", 6)));
  CHECK_FALSE(s.suppress(finding(m, "SP002", 6)));  // `*` on a line does not cover SP rules
  CHECK(s.suppress(finding(m, "RV002", 6)));
  CHECK(s.suppress(finding(m, "BC001", 6)));
}

TEST_CASE("IgnoreMigration() suppresses everything in its file", "[unit]") {
  const ir::Migration m = extract(R"py(from django.db import migrations
from django_migration_linter import IgnoreMigration

class Migration(migrations.Migration):
    operations = [IgnoreMigration(), migrations.RunSQL("SELECT 1")]
)py");
  auto s = suppression::FileSuppressions::read(m, Registry{}, false);
  CHECK(s.ignore_migration());
  CHECK(s.suppress(finding(m, "RV002", 5)));
  CHECK(s.suppress(finding(m, "SP002", 1)));
}

TEST_CASE("comments that mention godwit but are not directives are left alone", "[unit]") {
  const ir::Migration m = extract(R"py(# godwit-test: select=RV001
# godwits are wading birds
# run godwit: it helps
from django.db import migrations
)py");
  const auto s = suppression::FileSuppressions::read(m, Registry{}, false);
  CHECK(s.empty());
}

TEST_CASE("a reason is required only when the configuration says so", "[unit]") {
  const ir::Migration m = extract(R"py(from django.db import migrations
migrations.RunSQL("SELECT 1")  # godwit: ignore[RV002]
)py");
  CHECK(suppression::FileSuppressions::read(m, Registry{}, false).suppressions().size() == 1);
  const auto strict = suppression::FileSuppressions::read(m, Registry{}, true);
  CHECK(strict.suppressions().empty());
  REQUIRE(strict.problems().size() == 1);
  CHECK(strict.problems()[0].message.find("gives no reason") != std::string::npos);
}
