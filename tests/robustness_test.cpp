// The whole pipeline over malformed inputs next to valid migrations: nothing crashes, a broken
// file yields at most SY001 (syntax error) or SY003 (no Migration class), and the valid files'
// findings still appear. The committed inputs are in tests/robustness/inputs; big and binary
// ones are generated here. The inputs the fuzzer found bugs with (tests/robustness/inputs/fuzz)
// and its hand-written seeds are replayed through the fuzzer's own pipeline check.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "analyzer/driver/analysis.h"
#include "analyzer/driver/check.h"
#include "analyzer/driver/project_loader.h"
#include "tests/fuzz/pipeline_check.h"
#include "tests/support/fixture.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

using godwit::diagnostics::RuleCode;

std::string slurp(const fs::path& path) {
  std::string text;
  std::string error;
  if (!godwit::driver::read_file(path, text, error)) FAIL(path.string() << ": " << error);
  return text;
}

// Malformed files too big or too binary to commit.
void generate_broken_inputs(const godwit::test::TempDir& dir) {
  const fs::path broken = "broken/migrations";
  std::mt19937 random(7);
  std::string blob(64 * 1024, '\0');
  for (char& c : blob) c = static_cast<char>(random() & 0xFF);
  dir.write(broken / "0101_binary_blob.py", blob);
  dir.write(broken / "0102_latin1.py",
            "from django.db import migrations\n\n# Caf\xE9 au lait, no coding declaration\n"
            "class Migration(migrations.Migration):\n    operations = []\n");
  dir.write(broken / "0103_utf16.py", std::string("\xFF\xFE" "f\0r\0o\0m\0 \0x\0\n\0", 16));
  std::string nul = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [";
  nul += '\0';
  nul += "]\n";
  dir.write(broken / "0104_nul_byte.py", nul);
  dir.write(broken / "0105_deep_nesting.py", "x = " + std::string(10'000, '[') + std::string(10'000, ']') + "\n");
  dir.write(broken / "0106_deep_unclosed.py",
            "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = " +
                std::string(10'000, '(') + "\n");
  dir.write(broken / "0107_huge_line.py", "SQL = \"" + std::string(4 << 20, 'x') + "\n");
  dir.write(broken / "0108_cut_mid_character.py", "# \xF0\x9F\x98");
  std::string ifs;
  for (int i = 0; i < 2000; ++i) ifs += std::string(static_cast<size_t>(i), ' ') + "if x:\n";
  dir.write(broken / "0109_deep_blocks.py", ifs);
}

// A valid, big, generated migration: its expected finding is its last operation.
uint32_t generate_bulk_migration(const godwit::test::TempDir& dir) {
  std::string text =
      "from django.db import migrations, models\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\n"
      "class Migration(migrations.Migration):\n    initial = True\n\n    dependencies = []\n\n    operations = [\n";
  uint32_t line = 14;
  for (int i = 0; i < 420; ++i) {
    text += "        migrations.CreateModel(\"Model" + std::to_string(i) +
            "\", [(\"id\", models.AutoField(primary_key=True)), (\"name\", models.CharField(max_length=" +
            std::to_string(20 + i) + "))]),\n";
    ++line;
  }
  text += "        migrations.RunPython(forwards),\n    ]\n";
  dir.write("bulk/migrations/__init__.py", "");
  dir.write("bulk/migrations/0001_initial.py", text);
  return line;
}

bool in_app(const std::string& path, std::string_view app) {
  return path.starts_with(std::string(app) + "/") || path.find("/" + std::string(app) + "/") != std::string::npos;
}

}  // namespace

TEST_CASE("malformed inputs never crash the pipeline and yield at most SY001 or SY003", "[robustness]") {
  const godwit::test::TempDir dir;
  const fs::path inputs = fs::path(GODWIT_SOURCE_DIR) / "tests" / "robustness" / "inputs";
  REQUIRE(fs::is_directory(inputs));
  fs::copy(inputs, dir.path(), fs::copy_options::recursive);
  generate_broken_inputs(dir);
  const uint32_t bulk_line = generate_bulk_migration(dir);

  // Expectations of the valid files, as written in them.
  std::vector<godwit::test::Expectation> expectations;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file()) continue;
    const std::string display = entry.path().lexically_relative(dir.path()).generic_string();
    if (!in_app(display, "shop")) continue;
    auto found = godwit::test::parse_expectations(display, slurp(entry.path()));
    expectations.insert(expectations.end(), found.begin(), found.end());
  }
  REQUIRE(!expectations.empty());
  expectations.push_back({"bulk/migrations/0001_initial.py", bulk_line, "RV001", "", 0, false});

  godwit::config::Config config;
  config.root = dir.path();
  const auto analysis = godwit::driver::analyze(godwit::driver::AnalysisOptions{.paths = {"."}, .threads = 2}, config, dir.path());
  CHECK(analysis.config_errors.empty());
  CHECK(analysis.errors.empty());

  // Every file was read, and what the extractor saw in the broken ones is something SY001/SY003
  // can report.
  std::set<std::string> broken_files;
  for (const auto& file : analysis.project.files) {
    const auto& m = file.migration;
    const std::string& path = m.file().path();
    INFO(path);
    if (in_app(path, "broken")) {
      broken_files.insert(path);
      CHECK((m.syntax_error.has_value() || !m.has_migration_class));
      CHECK(m.operations.empty());
    } else {
      CHECK_FALSE(m.syntax_error);
      CHECK(m.has_migration_class);
    }
    if (m.name == "0001_initial" && m.app_label == "bulk") CHECK(m.operations.size() == 421);
  }
  CHECK(broken_files.size() == 16);

  const auto sy001 = RuleCode::parse("SY001");
  const auto sy003 = RuleCode::parse("SY003");
  for (const auto& d : analysis.diagnostics) {
    INFO(godwit::test::describe(d));
    if (in_app(d.path(), "broken")) {
      CHECK((d.code == *sy001 || d.code == *sy003));
      continue;
    }
    CHECK(d.code != *sy001);
    CHECK(d.code != *sy003);
    for (auto& e : expectations) {
      const uint32_t line = d.file->position(d.range.begin).line;
      if (!e.matched && e.path == d.path() && e.code == d.code.str() && e.line == line &&
          (e.substring.empty() || d.message.find(e.substring) != std::string::npos)) {
        e.matched = true;
      }
    }
  }
  for (const auto& e : expectations) {
    INFO("expected [" << e.code << "] at " << e.path << ":" << e.line);
    CHECK(e.matched);
  }
}

TEST_CASE("every output format survives malformed inputs", "[robustness]") {
  const godwit::test::TempDir dir;
  fs::copy(fs::path(GODWIT_SOURCE_DIR) / "tests" / "robustness" / "inputs", dir.path(), fs::copy_options::recursive);
  generate_broken_inputs(dir);
  godwit::config::Config config;
  config.root = dir.path();
  for (const auto format : {godwit::report::Format::Text, godwit::report::Format::Concise,
                            godwit::report::Format::Json, godwit::report::Format::Sarif}) {
    INFO("format " << godwit::report::to_string(format));
    godwit::driver::CheckOptions options;
    options.paths = {dir.path()};
    options.format = format;
    options.threads = 2;
    options.color = godwit::driver::ColorMode::Never;
    std::ostringstream out;
    std::ostringstream err;
    const int code = godwit::driver::run_check(options, config, out, err);
    CHECK((code == godwit::driver::kExitClean || code == godwit::driver::kExitFindings));
    CHECK(err.str().empty());
    if (format == godwit::report::Format::Json) {
      const auto doc = nlohmann::json::parse(out.str());
      CHECK(doc["summary"]["files"].get<size_t>() == 16 + 2);
    }
  }
}

TEST_CASE("what the fuzzer found, and its seeds, go through the whole pipeline with every invariant kept",
          "[robustness]") {
  const fs::path source = GODWIT_SOURCE_DIR;
  size_t replayed = 0;
  for (const fs::path& dir : {source / "tests" / "robustness" / "inputs" / "fuzz", source / "tests" / "fuzz" / "seeds"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      INFO(entry.path().lexically_relative(source).generic_string());
      const auto problems = godwit::test::check_pipeline(slurp(entry.path()));
      for (const auto& problem : problems) FAIL_CHECK(problem);
      CHECK(problems.empty());
      ++replayed;
    }
  }
  CHECK(replayed >= 10);
}
