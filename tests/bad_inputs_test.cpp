// What users' trees hold besides well-formed migrations, through the real `godwit` binary (and,
// for a file that disappears mid-run, through the loader): bytes that are not Python, paths that
// cannot be read, a broken configuration. Each gets a diagnostic naming it — SY001 for a file's
// content, exit code 2 and `godwit: error: PATH: reason` for a path or the configuration — the
// rest of the run goes on, nothing hangs, and the checked tree is left exactly as it was.
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analyzer/config/config.h"
#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/driver/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/migrations.h"

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using godwit::driver::run_process;
using godwit::test::TempDir;

namespace {

constexpr const char* kInitial = godwit::test::kOrderInitial;

// RV001 at line 11.
constexpr const char* kBackfill = godwit::test::kRunPythonWithoutReverse;

// Everything about a tree that running godwit on it could change: each entry's type, size,
// modification time (nanoseconds), permissions, symlink target and, for regular files, contents.
// Symlinks are not followed and FIFOs are not opened.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& path = it->path();
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    std::ostringstream entry;
    entry << std::oct << st.st_mode << std::dec << " " << st.st_size << " " << st.st_mtim.tv_sec << "."
          << st.st_mtim.tv_nsec;
    if (S_ISLNK(st.st_mode)) entry << " -> " << fs::read_symlink(path).string();
    if (S_ISREG(st.st_mode)) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream contents;
      contents << in.rdbuf();
      entry << " " << std::hash<std::string>{}(contents.str());
    }
    out[path.lexically_relative(root).generic_string()] = entry.str();
  }
  REQUIRE_FALSE(ec);
  return out;
}

void make_fifo(const fs::path& path) {
  fs::create_directories(path.parent_path());
  REQUIRE(::mkfifo(path.c_str(), 0644) == 0);
}

// The rules that fired, by file: "path RULE".
std::multiset<std::string> findings(const std::string& json_report) {
  const auto doc = nlohmann::json::parse(json_report);
  std::multiset<std::string> out;
  for (const auto& d : doc["diagnostics"])
    out.insert(d["path"].get<std::string>() + " " + d["rule"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("files that are not Python: SY001 naming each, and every other file is still analyzed", "[robustness]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_backfill.py", kBackfill);
  std::mt19937 random(11);
  std::string blob(256 * 1024, '\0');
  for (char& c : blob) c = static_cast<char>(random() & 0xFF);
  dir.write("broken/migrations/0001_binary.py", blob);
  dir.write("broken/migrations/0002_latin1.py", "from django.db import migrations\n# na\xEFve\n");
  dir.write("broken/migrations/0003_nul.py", std::string("from django.db import migrations\n\0\n", 35));
  dir.write("broken/migrations/0004_deep_unclosed.py", "x = " + std::string(10'000, '(') + "\n");
  // 10 000 brackets deep inside an operation: valid Python, read as far as it is sensible and
  // kept as opaque text beyond; the RunPython after it is still found.
  dir.write("deep/migrations/0001_initial.py",
            "from django.db import migrations\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\n"
            "class Migration(migrations.Migration):\n    operations = [\n        migrations.RunSQL(" +
                std::string(10'000, '[') + "'SELECT 1'" + std::string(10'000, ']') +
                ", migrations.RunSQL.noop),\n        migrations.RunPython(forwards),\n    ]\n");
  // 10 MB: a valid migration whose first operation holds one 10 MB line.
  dir.write("big/migrations/0001_initial.py",
            "from django.db import migrations\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\n"
            "class Migration(migrations.Migration):\n    operations = [\n        migrations.RunSQL(\"" +
                std::string(10 << 20, 'x') +
                "\", migrations.RunSQL.noop),\n        migrations.RunPython(forwards),\n    ]\n");
  const auto before = snapshot(dir.path());

  const auto r = run_process({GODWIT_BINARY, "check", "--format", "json", "--select", "SY,RV"}, dir.path().string());
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  const std::multiset<std::string> expected{
      "big/migrations/0001_initial.py RV001",          "broken/migrations/0001_binary.py SY001",
      "broken/migrations/0002_latin1.py SY001",        "broken/migrations/0003_nul.py SY001",
      "broken/migrations/0004_deep_unclosed.py SY001", "deep/migrations/0001_initial.py RV001",
      "shop/migrations/0002_backfill.py RV001"};
  CHECK(findings(r.out) == expected);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["summary"]["files"] == 8);
  for (const auto& d : doc["diagnostics"]) {
    if (d["path"] == "big/migrations/0001_initial.py") CHECK(d["range"]["start"]["line"] == 11);
    if (d["path"] == "broken/migrations/0003_nul.py") {
      CHECK(d["message"].get<std::string>().find("NUL") != std::string::npos);
      CHECK(d["range"]["start"]["line"] == 2);
    }
  }

  // The text output names each file too.
  const auto text = run_process({GODWIT_BINARY, "check", "--format", "concise", "--select", "SY"}, dir.path().string());
  CHECK(text.exit_code == 1);
  for (const char* file : {"broken/migrations/0001_binary.py:", "broken/migrations/0002_latin1.py:2:",
                           "broken/migrations/0003_nul.py:2:1: SY001", "broken/migrations/0004_deep_unclosed.py:"}) {
    INFO(file);
    CHECK(text.out.find(file) != std::string::npos);
  }

  // A baseline records their findings like any other (the flagged bytes are not UTF-8; the
  // baseline is JSON), and hides them.
  const TempDir elsewhere;
  const std::string baseline = (elsewhere.path() / "baseline.json").string();
  const auto written =
      run_process({GODWIT_BINARY, "check", "--select", "SY,RV", "--write-baseline", baseline}, dir.path().string());
  CHECK(written.exit_code == 0);
  CHECK(written.err.empty());
  CHECK(written.out == "Wrote a baseline of 7 findings to " + baseline + ".\n");
  const auto hidden =
      run_process({GODWIT_BINARY, "check", "--select", "SY,RV", "--baseline", baseline}, dir.path().string());
  CHECK(hidden.exit_code == 0);
  CHECK(hidden.out.find("7 findings hidden by the baseline") != std::string::npos);
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("paths that cannot be read: exit 2 naming each, no hang, and every other file is still analyzed",
          "[robustness]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_backfill.py", kBackfill);
  const fs::path migrations = dir.path() / "shop" / "migrations";
  // A directory with a module's name: Django's loader lists it, then fails to import it.
  fs::create_directories(migrations / "0003_folder.py");
  // A FIFO with no writer: opening it for reading would wait forever.
  make_fifo(migrations / "0004_fifo.py");
  fs::create_symlink("0099_missing.py", migrations / "0005_dangling.py");
  fs::create_symlink("0006_loop.py", migrations / "0006_loop.py");
  // Directory symlinks that would loop if followed: they are not.
  fs::create_directory_symlink("..", migrations / "parent");
  fs::create_directory_symlink(dir.path(), dir.path() / "shop" / "root");
  fs::create_directory_symlink(dir.path() / "a", dir.path() / "b");
  fs::create_directory_symlink(dir.path() / "b", dir.path() / "a");
  // Without read permission (root reads it anyway, so then it is an ordinary file).
  const bool can_deny = ::geteuid() != 0;
  const fs::path denied = dir.write("shop/migrations/0007_denied.py", kInitial);
  fs::permissions(denied, fs::perms::none);
  const auto before = snapshot(dir.path());

  const auto r = run_process({GODWIT_BINARY, "check", "--format", "concise"}, dir.path().string());
  CHECK(r.exit_code == 2);
  for (const char* message : {"godwit: error: shop/migrations/0003_folder.py: is a directory\n",
                              "godwit: error: shop/migrations/0004_fifo.py: not a regular file\n",
                              "godwit: error: shop/migrations/0005_dangling.py: No such file or directory\n",
                              "godwit: error: shop/migrations/0006_loop.py: Too many levels of symbolic links\n"}) {
    INFO(message);
    CHECK(r.err.find(message) != std::string::npos);
  }
  if (can_deny) {
    CHECK(r.err.find("godwit: error: shop/migrations/0007_denied.py: Permission denied\n") != std::string::npos);
  } else {
    WARN("running as root: a file without read permission is still readable, that variant is not checked");
  }
  CHECK(r.err.find("parent") == std::string::npos);
  CHECK(r.err.find("root") == std::string::npos);
  // The analysis went on: the finding in the readable file is reported.
  CHECK(r.out.find("shop/migrations/0002_backfill.py:11:9: RV001") != std::string::npos);

  SECTION("given on the command line") {
    const auto given = run_process({GODWIT_BINARY, "check", "--format", "concise", "shop/migrations/0004_fifo.py",
                                    "shop/migrations/0005_dangling.py", "shop/migrations/0006_loop.py",
                                    "shop/migrations/0003_folder.py", "shop/migrations/0002_backfill.py"},
                                   dir.path().string());
    CHECK(given.exit_code == 2);
    CHECK(given.err.find("godwit: error: shop/migrations/0004_fifo.py: not a regular file or directory\n") !=
          std::string::npos);
    CHECK(given.err.find("godwit: error: shop/migrations/0005_dangling.py: No such file or directory\n") !=
          std::string::npos);
    CHECK(given.err.find("godwit: error: shop/migrations/0006_loop.py: Too many levels of symbolic links\n") !=
          std::string::npos);
    CHECK(given.out.find("shop/migrations/0002_backfill.py:11:9: RV001") != std::string::npos);
  }
  SECTION("godwit state and godwit graph stop at them too") {
    for (const char* command : {"state", "graph"}) {
      const auto inspect = run_process({GODWIT_BINARY, command}, dir.path().string());
      CHECK(inspect.exit_code == 2);
      CHECK(inspect.err.find("shop/migrations/0004_fifo.py: not a regular file") != std::string::npos);
    }
  }
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("a file that disappears or changes type between discovery and reading", "[robustness]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_backfill.py", kBackfill);
  dir.write("shop/migrations/0003_gone.py", kBackfill);
  dir.write("shop/migrations/0004_now_a_fifo.py", kBackfill);
  dir.write("shop/migrations/0005_now_a_folder.py", kBackfill);
  godwit::config::Config config;
  config.root = dir.path();
  const auto found = godwit::discovery::discover({"."}, config, dir.path());
  REQUIRE(found.errors.empty());
  REQUIRE(found.files.size() == 5);

  // Between the two stages: what a concurrent checkout or an editor's save does.
  const fs::path migrations = dir.path() / "shop" / "migrations";
  fs::remove(migrations / "0003_gone.py");
  fs::remove(migrations / "0004_now_a_fifo.py");
  make_fifo(migrations / "0004_now_a_fifo.py");
  fs::remove(migrations / "0005_now_a_folder.py");
  fs::create_directory(migrations / "0005_now_a_folder.py");

  const auto loaded = godwit::driver::load_project(found, config, 2);
  std::map<std::string, std::string> errors;
  for (const auto& e : loaded.errors) errors[e.path] = e.message;
  CHECK(errors == std::map<std::string, std::string>{
                      {"shop/migrations/0003_gone.py", "No such file or directory"},
                      {"shop/migrations/0004_now_a_fifo.py", "not a regular file"},
                      {"shop/migrations/0005_now_a_folder.py", "is a directory"},
                  });
  REQUIRE(loaded.project.files.size() == 2);
  CHECK(loaded.project.files[0].migration.name == "0001_initial");
  CHECK(loaded.project.files[1].migration.name == "0002_backfill");
  CHECK(loaded.project.files[1].migration.operations.size() == 1);
}

TEST_CASE("a broken configuration: exit 2 with the file and line, and the tree untouched", "[robustness]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_backfill.py", kBackfill);
  struct Case {
    std::string name;
    std::string file;
    std::string contents;
    std::string message;
  };
  const std::vector<Case> cases{
      {"bad TOML syntax", "pyproject.toml", "[tool.godwit]\nselect = [\"RV001\"\nignore = []\n",
       "godwit: error: pyproject.toml:3: not valid TOML: "},
      {"an unknown key", "godwit.toml", "database = \"sqlite\"\nfail_on = \"warning\"\n",
       "godwit: error: godwit.toml:2: unknown key `fail_on`"},
      {"a value of the wrong type", "pyproject.toml", "[tool.godwit]\nexclude = \"legacy/\"\n",
       "godwit: error: pyproject.toml:2: `exclude` must be an array of strings, got a string"},
      {"a value nested 10 000 deep", "godwit.toml", "select = " + std::string(10'000, '[') + "\n",
       "godwit: error: godwit.toml:1: not valid TOML: "},
      {"bytes that are not text", "godwit.toml", std::string("select = [\"RV\xFF\"]\n\0", 19),
       "godwit: error: godwit.toml:1: not valid TOML: "},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    dir.write(c.file, c.contents);
    const auto before = snapshot(dir.path());
    for (const char* command : {"check", "config", "graph"}) {
      INFO(command);
      const auto r = run_process({GODWIT_BINARY, command}, dir.path().string());
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(c.message) != std::string::npos);
      CHECK(r.out.empty());
    }
    CHECK(snapshot(dir.path()) == before);
    fs::remove(dir.path() / c.file);
  }
  // Fixed, the same tree is analyzed.
  CHECK(run_process({GODWIT_BINARY, "check"}, dir.path().string()).exit_code == 1);
}

TEST_CASE("a file in a declared non-UTF-8 encoding: every output format still works", "[robustness]") {
  // PEP 263: with a coding declaration, Python reads the file as Latin-1. What godwit quotes from
  // it is not UTF-8; JSON, SARIF and XML carry U+FFFD instead (they used to abort).
  TempDir dir;
  // The model's history is elsewhere: BC002 reports the RemoveField all the same.
  dir.write("menu/migrations/0001_initial.py",
            "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n");
  dir.write("menu/migrations/0002_drop.py",
            "# -*- coding: latin-1 -*-\nfrom django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
            "    dependencies = [(\"menu\", \"0001_initial\")]\n"
            "    operations = [\n        migrations.RemoveField(\"dish\", \"cat\xE9gorie\"),\n    ]\n");
  const auto before = snapshot(dir.path());
  for (const char* format : {"text", "concise", "json", "sarif", "github", "azure", "gitlab", "junit"}) {
    INFO(format);
    const auto r = run_process({GODWIT_BINARY, "check", "--format", format}, dir.path().string());
    CHECK(r.exit_code == 1);
    CHECK(r.err.empty());
    CHECK(r.out.find("BC002") != std::string::npos);
    if (std::string_view(format) == "json" || std::string_view(format) == "sarif" ||
        std::string_view(format) == "gitlab") {
      CHECK(nlohmann::json::accept(r.out));
      CHECK(r.out.find("cat\xEF\xBF\xBDgorie") != std::string::npos);
    }
  }
  for (const std::vector<std::string>& command : {std::vector<std::string>{"state", "--format", "json"},
                                                  {"graph", "--format", "json"},
                                                  {"plan", "--format", "json"}}) {
    INFO(command[0]);
    std::vector<std::string> argv{GODWIT_BINARY};
    argv.insert(argv.end(), command.begin(), command.end());
    const auto r = run_process(argv, dir.path().string());
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::accept(r.out));
  }
  const TempDir elsewhere;
  const std::string baseline = (elsewhere.path() / "baseline.json").string();
  CHECK(run_process({GODWIT_BINARY, "check", "--write-baseline", baseline}, dir.path().string()).exit_code == 0);
  CHECK(run_process({GODWIT_BINARY, "check", "--baseline", baseline}, dir.path().string()).exit_code == 0);
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("a finding on a 10 MB line: the text output shows the part of the line around it", "[robustness]") {
  TempDir dir;
  const std::string before = "    operations = [migrations.RunSQL(\"";  // 37 columns
  const std::string after = "\"), migrations.RunSQL(\"SELECT 2\")]";    // 34 columns
  // ZD013 flags both RunSQL calls: one at the start of the line, one 10 MB into it.
  dir.write("big/migrations/0001_initial.py",
            "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n" + before +
                std::string(10 << 20, 'x') + after + "\n");
  const auto r = run_process({GODWIT_BINARY, "check", "--select", "ZD013", "--color", "never"}, dir.path().string());
  CHECK(r.exit_code == 0);  // ZD013 is an info
  CHECK(r.out.size() < 4096);
  // The first: the line's first 160 columns, then `…`; the underline runs to the cut and says
  // it goes on.
  CHECK(r.out.find("5 | " + before + std::string(160 - before.size(), 'x') + "…\n") != std::string::npos);
  CHECK(r.out.find("  | " + std::string(18, ' ') + std::string(160 - 18, '^') + " ...\n") != std::string::npos);
  // The second, near the end: `…`, then the line's last 160 columns.
  CHECK(r.out.find("5 | …" + std::string(160 - after.size(), 'x') + after + "\n") != std::string::npos);
  CHECK(r.out.find("  | " + std::string(1 + 160 - 30, ' ') + std::string(29, '^') + "\n") != std::string::npos);
}
