// Every output format from one fixed input (tests/golden/project), compared byte for byte with
// tests/golden/expected. To accept a deliberate change, run the tests with GODWIT_UPDATE_GOLDEN=1
// and review the diff of tests/golden/expected.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "analyzer/driver/subprocess.h"

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path kGolden = fs::path(GODWIT_SOURCE_DIR) / "tests" / "golden";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool updating() {
  const char* update = std::getenv("GODWIT_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

// The first line where `actual` and `expected` differ, for the failure message.
std::string first_difference(const std::string& actual, const std::string& expected) {
  std::istringstream a(actual);
  std::istringstream e(expected);
  std::string la;
  std::string le;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_e = static_cast<bool>(std::getline(e, le));
    if (!more_a && !more_e) return "identical";
    if (!more_a || !more_e || la != le) {
      return "line " + std::to_string(line) + ":\n  expected: " + (more_e ? le : "<end of file>") +
             "\n  actual:   " + (more_a ? la : "<end of file>");
    }
  }
}

void compare(const std::string& actual, const std::string& name) {
  const fs::path expected_path = kGolden / "expected" / name;
  if (updating()) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    WARN("updated " << expected_path.string());
    return;
  }
  REQUIRE(fs::exists(expected_path));
  const std::string expected = read(expected_path);
  INFO("tests/golden/expected/" << name << " differs at " << first_difference(actual, expected)
                                << "\n(run with GODWIT_UPDATE_GOLDEN=1 to accept the new output)");
  CHECK(actual == expected);
}

godwit::driver::ProcessResult run_godwit(const std::vector<std::string>& args) {
  std::vector<std::string> argv{GODWIT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return godwit::driver::run_process(argv, (kGolden / "project").string());
}

}  // namespace

TEST_CASE("each output format matches its golden file", "[golden]") {
  const std::vector<std::pair<std::string, std::string>> formats{
      {"text", "check.txt"},           {"concise", "check.concise"}, {"json", "check.json"},
      {"sarif", "check.sarif"},        {"github", "check.github"},   {"azure", "check.azure"},
      {"gitlab", "check.gitlab.json"}, {"junit", "check.junit.xml"},
  };
  for (const auto& [format, file] : formats) {
    DYNAMIC_SECTION(format) {
      const auto r = run_godwit({"check", "--format", format, "--color", "never"});
      CHECK(r.exit_code == 1);
      CHECK(r.err.empty());
      compare(r.out, file);
    }
  }
}

TEST_CASE("the baseline file and godwit config match their golden files", "[golden]") {
  const fs::path baseline =
      fs::temp_directory_path() / ("godwit-golden-baseline-" + std::to_string(::getpid()) + ".json");
  const auto r = run_godwit({"check", "--write-baseline", baseline.string()});
  CHECK(r.exit_code == 0);
  compare(read(baseline), "baseline.json");
  fs::remove(baseline);

  compare(run_godwit({"config"}).out, "config.txt");
  compare(run_godwit({"config", "--format", "json"}).out, "config.json");
}
