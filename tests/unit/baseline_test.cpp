// A finding's identity survives moved lines; the baseline file round-trips and rejects garbage.
#include "analyzer/baseline/baseline.h"

#include <fstream>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"

#include <sys/stat.h>

namespace {

using namespace godwit;

diagnostics::Diagnostic finding(std::string app, std::string migration, std::string_view code, std::string anchor,
                                uint32_t begin) {
  diagnostics::Diagnostic d;
  d.code = *diagnostics::RuleCode::parse(code);
  d.app = std::move(app);
  d.migration = std::move(migration);
  d.anchor = std::move(anchor);
  d.range = {begin, begin + 10};
  return d;
}

}  // namespace

TEST_CASE("identities ignore positions and number identical findings", "[unit]") {
  const std::vector<diagnostics::Diagnostic> before{
      finding("shop", "0003_backfill", "RV001", "migrations.RunPython(forwards)", 100),
      finding("shop", "0003_backfill", "RV001", "migrations.RunPython(forwards)", 200),
      finding("shop", "0003_backfill", "RV002", "migrations.RunSQL('x')", 300),
  };
  std::vector<diagnostics::Diagnostic> after = before;
  for (auto& d : after) d.range = {d.range.begin + 57, d.range.end + 57};  // a docstring was added above
  const auto a = baseline::identify(before);
  const auto b = baseline::identify(after);
  CHECK(a == b);
  CHECK(a[0].occurrence == 0);
  CHECK(a[1].occurrence == 1);
  CHECK(a[2].occurrence == 0);
  CHECK(baseline::fingerprint(a[0]) == baseline::fingerprint(b[0]));
  CHECK(baseline::fingerprint(a[0]) != baseline::fingerprint(a[1]));
  CHECK(baseline::fingerprint(a[0]).size() == 16);
  // Stable across builds and platforms: the fingerprint is part of the output format.
  CHECK(baseline::fingerprint(baseline::Identity{"shop", "0003_backfill", "RV001", "x", 0}) ==
        baseline::fingerprint(baseline::Identity{"shop", "0003_backfill", "RV001", "x", 0}));
  CHECK(baseline::fingerprint(baseline::Identity{"shop", "0003_backfil", "lRV001", "x", 0}) !=
        baseline::fingerprint(baseline::Identity{"shop", "0003_backfill", "RV001", "x", 0}));
}

TEST_CASE("a baseline file round-trips, sorted", "[unit]") {
  test::TempDir dir;
  const auto path = dir.path() / "godwit-baseline.json";
  std::vector<baseline::Identity> ids{
      {"shop", "0003", "RV002", "b", 0}, {"orders", "0001", "BC001", "a", 0}, {"shop", "0003", "RV002", "b", 1}};
  std::string error;
  REQUIRE(baseline::write_baseline(path, ids, error));
  const auto read = baseline::read_baseline(path, error);
  REQUIRE(read);
  CHECK(read->findings.size() == 3);
  CHECK(read->findings.begin()->app == "orders");
  CHECK(!std::filesystem::exists(dir.path() / "godwit-baseline.json.tmp"));
}

TEST_CASE("a broken baseline file is an error with a reason", "[unit]") {
  test::TempDir dir;
  std::string error;
  CHECK(!baseline::read_baseline(dir.path() / "missing.json", error));
  CHECK(error.find("--write-baseline") != std::string::npos);
  auto write = [&](std::string_view text) {
    const auto path = dir.write("baseline.json", text);
    error.clear();
    return baseline::read_baseline(path, error);
  };
  CHECK(!write("{not json"));
  CHECK(error.find("not valid JSON") != std::string::npos);
  CHECK(!write("[]"));
  CHECK(error.find("`findings` array") != std::string::npos);
  CHECK(!write(R"({"findings": [{"app": "shop", "migration": "0001", "rule": 7, "anchor": ""}]})"));
  CHECK(error == "findings[0].rule must be a string");
  CHECK(!write(R"({"version": 9, "findings": []})"));
  CHECK(error.find("version 9") != std::string::npos);
  CHECK(write(R"({"version": 1, "findings": []})"));
  // Nested far deeper than a recursive walk could follow: refused without one.
  CHECK(!write(R"({"findings": [], "version": )" + std::string(200'000, '[') + std::string(200'000, ']') + "}"));
  CHECK(error.find("version (an array) is not supported") != std::string::npos);
  CHECK(!write(R"({"findings": )" + std::string(200'000, '[') + std::string(200'000, ']') + "}"));
  CHECK(error == "findings[0] is not an object");
  // A FIFO with no writer is refused at once, not waited on.
  const auto fifo = dir.path() / "fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  CHECK(!baseline::read_baseline(fifo, error));
  CHECK(error.starts_with("not a regular file"));
}
