// samples/EXPECTED.md is the demo's specification: its table lists every diagnostic
// `godwit check samples/` must print. Each row whose rule exists must be reported, at that line
// and column, and nothing else may be reported.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include <catch2/catch.hpp>

#include "analyzer/config/config_loader.h"
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
    // Every rule of the catalogue is implemented: a row naming an unknown id is a typo.
    INFO(line);
    REQUIRE(godwit::rule::find_rule(rules, m[4].str()) != nullptr);
    expected.insert(Row{"samples/" + m[1].str(), static_cast<uint32_t>(std::stoul(m[2])),
                        static_cast<uint32_t>(std::stoul(m[3])), m[4]});
  }
  REQUIRE(rows >= 30);

  // The settings are the demo's own pyproject.toml, read as `godwit check samples/` reads them.
  std::vector<std::string> errors;
  godwit::config::LoadedConfig loaded = godwit::config::default_config(root);
  const auto file = godwit::config::find_config_file({"samples"}, root, errors);
  REQUIRE(file);
  CHECK(*file == root / "samples" / "pyproject.toml");
  godwit::config::read_config_file(*file, root, rules, loaded, errors);
  REQUIRE(errors.empty());
  const godwit::config::Config& config = loaded.config;
  CHECK(config.database == godwit::config::Database::PostgreSQL);
  CHECK(config.django_version == godwit::config::DjangoVersion{3, 2});
  CHECK(config.swappable.at("AUTH_USER_MODEL") == "accounts.User");
  const auto analysis = godwit::driver::analyze(godwit::driver::AnalysisOptions{.paths = {"samples"}, .threads = 1}, config, root);
  REQUIRE(analysis.errors.empty());
  REQUIRE(analysis.config_errors.empty());

  std::set<Row> reported;
  for (const auto& d : analysis.diagnostics) {
    const auto at = d.file->position(d.range.begin);
    const Row row{d.path(), at.line, at.column, d.code.str()};
    INFO(godwit::test::describe(d));
    CHECK(expected.contains(row));
    reported.insert(row);
  }
  for (const Row& row : expected) {
    INFO("expected " << describe(row));
    CHECK(reported.contains(row));
  }
}
