// The registry is the one list of rules: ids unique and sorted, names kebab-case and matching
// their file, docs with every heading, examples that fire and stay clean, fixtures both ways.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "analyzer/rule/rule_selection.h"
#include "rules/registry.h"
#include "tests/support/fixture.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using godwit::rule::Rule;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string underscored(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// Every fixture file's text, with its fixture root (the file, or its case folder).
struct FixtureText {
  fs::path root;
  std::string text;
};

// Fixtures live at tests/fixtures/<family>/<rule>/<fixture>: a .py file or a case folder.
std::vector<FixtureText> all_fixture_texts() {
  const fs::path root = fs::path(GODWIT_SOURCE_DIR) / "tests" / "fixtures";
  std::vector<FixtureText> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".py") continue;
    const fs::path relative = entry.path().lexically_relative(root);
    auto it = relative.begin();
    fs::path fixture = root;
    for (int depth = 0; depth < 3 && it != relative.end(); ++depth, ++it) fixture /= *it;
    out.push_back({fixture, read(entry.path())});
  }
  return out;
}

}  // namespace

TEST_CASE("rule ids are unique, sorted and well formed", "[registry]") {
  const auto rules = godwit::rules::all_rules();
  REQUIRE(!rules.empty());
  std::set<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& meta = rules[i]->meta();
    INFO(meta.code.str());
    if (i > 0) CHECK(rules[i - 1]->meta().code < meta.code);
    CHECK(std::regex_match(std::string(meta.name), std::regex("[a-z]+(-[a-z0-9]+)*")));
    CHECK(names.insert(std::string(meta.name)).second);
    CHECK(!meta.summary.empty());
    CHECK(meta.summary.size() <= 100);
  }
}

TEST_CASE("each rule lives in its own file named after it", "[registry]") {
  const fs::path root = fs::path(GODWIT_SOURCE_DIR) / "rules";
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".cpp" && entry.path().parent_path() != root) {
      files.insert(entry.path().stem().string());
    }
  }
  std::set<std::string> expected;
  for (const Rule* r : godwit::rules::all_rules()) {
    const std::string file = underscored(r->meta().name);
    INFO(r->meta().code.str() << " expects rules/<family>/" << file << ".cpp");
    CHECK(files.contains(file));
    expected.insert(file);
  }
  for (const auto& file : files) {
    INFO("rules/*/" << file << ".cpp is not a registered rule");
    CHECK(expected.contains(file));
  }
}

TEST_CASE("each rule's docs have every heading, in order", "[registry]") {
  static const std::vector<std::string> kHeadings{"## What it does", "## Why is this bad?", "## Example",
                                                  "## Use instead",   "## When it is fine", "## References"};
  for (const Rule* r : godwit::rules::all_rules()) {
    const auto& meta = r->meta();
    INFO(meta.code.str());
    size_t at = 0;
    for (const auto& heading : kHeadings) {
      const auto found = meta.docs.find(heading, at);
      CHECK(found != std::string_view::npos);
      if (found != std::string_view::npos) at = found;
    }
  }
}

TEST_CASE("each rule's bad example fires and its good example stays clean", "[registry]") {
  for (const Rule* r : godwit::rules::all_rules()) {
    const auto& meta = r->meta();
    DYNAMIC_SECTION(meta.code.str()) {
      std::string settings = "select=" + meta.code.str();
      if (!meta.example_settings.empty()) settings += " " + std::string(meta.example_settings);
      {
        godwit::test::TempDir dir;
        const auto diagnostics = godwit::test::run_example(meta.bad_example, settings, dir.path());
        const bool fired = std::any_of(diagnostics.begin(), diagnostics.end(),
                                       [&](const auto& d) { return d.code == meta.code; });
        CHECK(fired);
      }
      {
        godwit::test::TempDir dir;
        const auto diagnostics = godwit::test::run_example(meta.good_example, settings, dir.path());
        for (const auto& d : diagnostics) UNSCOPED_INFO(godwit::test::describe(d));
        CHECK(diagnostics.empty());
      }
    }
  }
}

TEST_CASE("each rule has fixtures that fire and fixtures that stay clean", "[registry]") {
  const auto fixtures = all_fixture_texts();
  const auto rules = godwit::rules::all_rules();
  for (const Rule* r : rules) {
    const auto& meta = r->meta();
    INFO(meta.code.str());
    const std::string tag = "[" + meta.code.str();
    const bool fires = std::any_of(fixtures.begin(), fixtures.end(), [&](const FixtureText& f) {
      return f.text.find("# expect:") != std::string::npos && f.text.find(tag) != std::string::npos;
    });
    CHECK(fires);
    const bool clean = std::any_of(fixtures.begin(), fixtures.end(), [&](const FixtureText& f) {
      if (!f.root.stem().string().ends_with("_ok")) return false;
      godwit::config::Config config;
      godwit::test::apply_header(f.text, config);
      std::vector<std::string> errors;
      const auto selection = godwit::rule::RuleSelection::resolve(rules, config, errors);
      return selection.enabled(meta.code);
    });
    CHECK(clean);
  }
}

TEST_CASE("summaries read as one phrase: lowercase unless they start with code, no period", "[registry]") {
  // `AddField ...` starts with a class name; `A dependency ...` starts with a capital for nothing.
  static const std::regex kCapitalizedWord("^[A-Z][a-z]+\\b.*");
  for (const Rule* r : godwit::rules::all_rules()) {
    const std::string summary(r->meta().summary);
    INFO(r->meta().code.str() << ": " << summary);
    CHECK(!std::regex_match(summary, kCapitalizedWord));
    CHECK(summary.back() != '.');
  }
}
