// samples/EXPECTED.md is the demo's specification: its table lists every diagnostic
// `godwit check samples/` must print. Each row whose rule exists must be reported, at that line
// and column, and nothing else may be reported.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "analyzer/driver/analysis.h"
#include "analyzer/rule/rule_selection.h"
#include "rules/registry.h"
#include "tests/support/fixture.h"

namespace fs = std::filesystem;

namespace {

struct Row {
  std::string path;
  uint32_t line;
  uint32_t column;
  std::string code;
  bool operator<(const Row& o) const {
    return std::tie(path, line, column, code) < std::tie(o.path, o.line, o.column, o.code);
  }
};

std::string describe(const Row& r) {
  return r.path + ":" + std::to_string(r.line) + ":" + std::to_string(r.column) + " " + r.code;
}

// Whether a `# godwit: ignore[...]` comment on the finding's first line or the line above names
// its rule. Suppressions are not applied until they land together with SP001; until then such a
// finding is one EXPECTED.md leaves out on purpose (catalog 0008 shows a used suppression).
bool named_by_suppression_comment(const godwit::diagnostics::Diagnostic& d) {
  static const std::regex kIgnore(R"re(#\s*godwit:\s*ignore\[([^\]]*)\])re");
  const auto& file = *d.file;
  const uint32_t line0 = file.lines().line_of(d.range.begin);
  for (const uint32_t line : {line0, line0 - 1}) {
    if (line >= file.lines().line_count()) continue;  // also the line above the first one
    const std::string text(file.line_text(line));
    std::smatch m;
    if (!std::regex_search(text, m, kIgnore)) continue;
    std::stringstream names(m[1].str());
    std::string name;
    while (std::getline(names, name, ',')) {
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (name == d.code.str() || name == d.name) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("godwit check samples/ reports exactly what samples/EXPECTED.md lists", "[samples]") {
  const fs::path root = fs::path(GODWIT_SOURCE_DIR);
  std::ifstream in(root / "samples" / "EXPECTED.md");
  REQUIRE(in);
  static const std::regex kRow(R"re(^\| ([a-z_]+/migrations/[^ |]+\.py) \| (\d+):(\d+) \| ([A-Z]{2}\d{3}) \|)re");
  const auto rules = godwit::rules::all_rules();
  std::set<Row> expected;
  std::string line;
  size_t rows = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, kRow)) continue;
    ++rows;
    if (godwit::rule::find_rule(rules, m[4].str()) == nullptr) continue;  // not implemented yet
    expected.insert(Row{"samples/" + m[1].str(), static_cast<uint32_t>(std::stoul(m[2])),
                        static_cast<uint32_t>(std::stoul(m[3])), m[4]});
  }
  REQUIRE(rows >= 30);

  godwit::config::Config config;
  config.root = root / "samples";
  config.database = godwit::config::Database::PostgreSQL;
  config.django_version = {3, 2};
  config.swappable["AUTH_USER_MODEL"] = "accounts.User";
  const auto analysis = godwit::driver::analyze(godwit::driver::AnalysisOptions{.paths = {"samples"}, .threads = 1}, config, root);
  REQUIRE(analysis.errors.empty());
  REQUIRE(analysis.config_errors.empty());

  const bool suppressions_applied = godwit::rule::find_rule(rules, "SP001") != nullptr;
  std::set<Row> reported;
  for (const auto& d : analysis.diagnostics) {
    const auto at = d.file->position(d.range.begin);
    const Row row{d.path(), at.line, at.column, d.code.str()};
    if (!suppressions_applied && !expected.contains(row) && named_by_suppression_comment(d)) continue;
    INFO(godwit::test::describe(d));
    CHECK(expected.contains(row));
    reported.insert(row);
  }
  for (const Row& row : expected) {
    INFO("expected " << describe(row));
    CHECK(reported.contains(row));
  }
}
