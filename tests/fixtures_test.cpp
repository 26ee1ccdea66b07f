// Runs every fixture under tests/fixtures: single files and case folders (a folder with a
// `migrations` folder somewhere below it). Expectations are written inline as comments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "tests/support/fixture.h"

namespace fs = std::filesystem;

namespace {

bool is_case_folder(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_directory() && entry.path().filename() == "migrations") return true;
  }
  return false;
}

// Fixtures: `.py` files outside case folders, and case folders. Fixtures live at
// <family>/<rule>/<fixture> (depth 2 below the root), so a family or rule folder is never taken
// for a case folder because one of its fixtures is one.
void collect(const fs::path& dir, int depth, std::vector<fs::path>& out) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) {
      if (depth >= 2 && is_case_folder(entry.path())) {
        out.push_back(entry.path());
      } else {
        collect(entry.path(), depth + 1, out);
      }
    } else if (entry.path().extension() == ".py") {
      out.push_back(entry.path());
    }
  }
}

}  // namespace

TEST_CASE("every fixture meets its inline expectations", "[fixtures]") {
  const fs::path root = fs::path(GODWIT_SOURCE_DIR) / "tests" / "fixtures";
  std::vector<fs::path> fixtures;
  collect(root, 0, fixtures);
  std::sort(fixtures.begin(), fixtures.end());
  REQUIRE(!fixtures.empty());
  for (const fs::path& fixture : fixtures) {
    const std::string name = fixture.lexically_relative(root).generic_string();
    DYNAMIC_SECTION(name) {
      const auto result = godwit::test::run_fixture(fixture);
      for (const auto& failure : result.failures) UNSCOPED_INFO(failure);
      CHECK(result.failures.empty());
      // A fixture named *_ok must be clean; any other must make at least one finding.
      const bool clean_case = fixture.stem().string().ends_with("_ok");
      if (clean_case) {
        CHECK(result.diagnostics == 0);
      } else {
        CHECK(result.diagnostics > 0);
      }
    }
  }
}
