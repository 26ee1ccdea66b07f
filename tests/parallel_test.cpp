// Parallel parsing must not show in the output: `godwit check` prints the same bytes whatever
// the thread count, with or without the cache, on a project big enough for the threads to
// interleave (a generated one, like the benchmark's).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "analyzer/driver/subprocess.h"
#include "tests/bench/project_generator.h"
#include "tests/support/temp_dir.h"

using godwit::driver::run_process;

TEST_CASE("check --format json prints the same bytes for any --threads", "[parallel]") {
  const godwit::test::TempDir dir;
  const auto project = dir.path() / "project";
  const auto generated = godwit::bench::generate_project(project, {.files = 900, .apps = 12, .seed = 11});
  REQUIRE(generated.files == 900);
  REQUIRE(generated.squashes > 0);
  REQUIRE(generated.merges > 0);

  const auto check = [&](const std::string& threads, const std::vector<std::string>& cache) {
    std::vector<std::string> argv{GODWIT_BINARY, "check", "--format", "json", "--threads", threads};
    argv.insert(argv.end(), cache.begin(), cache.end());
    const auto r = run_process(argv, project.string());
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.empty());
    return r.out;
  };
  const std::string one = check("1", {"--no-cache"});
  const auto doc = nlohmann::json::parse(one);
  REQUIRE(doc["summary"]["files"] == 900);
  REQUIRE(doc["diagnostics"].size() > 500);

  for (const char* threads : {"2", "3", "8"}) {
    INFO("--threads " << threads);
    CHECK(check(threads, {"--no-cache"}) == one);
  }
  const std::string cache_dir = (dir.path() / "cache").string();
  CHECK(check("8", {"--cache-dir", cache_dir}) == one);  // cold: entries written by 8 threads
  CHECK(check("2", {"--cache-dir", cache_dir}) == one);  // warm
  CHECK(check("1", {"--cache-dir", cache_dir}) == one);
}
