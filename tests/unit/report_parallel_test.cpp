// Findings are put in order and rendered on several threads for large reports: the result must
// be byte for byte what one thread gives.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/report/report.h"
#include "analyzer/source/source_file.h"

using namespace godwit;

namespace {

// Files with CRLF and LF lines, multi-byte characters, a line longer than the position index's
// checkpoint spacing.
std::vector<std::shared_ptr<const source::SourceFile>> sample_files() {
  std::vector<std::shared_ptr<const source::SourceFile>> files;
  for (int f = 0; f < 7; ++f) {
    std::string text;
    for (int line = 0; line < 60; ++line) {
      text += "    migrations.AddField(\"order\", \"caf\xC3\xA9_" + std::to_string(line) + "\"),  # \xF0\x9F\x90\xA6";
      text += (f % 2 == 0 || line % 3 != 0) ? "\n" : "\r\n";
    }
    text += std::string(5000, 'x') + "\xC3\xA9 end\n";
    files.push_back(std::make_shared<source::SourceFile>(
        "app" + std::to_string(f % 3) + "/migrations/000" + std::to_string(f) + "_m.py", std::move(text)));
  }
  return files;
}

report::Report sample_report(size_t findings) {
  const auto files = sample_files();
  std::mt19937 random(7);
  report::Report report;
  const char* codes[] = {"BC001", "ZD001", "RV001", "GR002"};
  for (size_t i = 0; i < findings; ++i) {
    const auto& file = files[random() % files.size()];
    const auto size = static_cast<uint32_t>(file->text().size());
    const uint32_t begin = random() % size;
    diagnostics::Diagnostic d;
    d.code = *diagnostics::RuleCode::parse(codes[random() % 4]);
    d.name = "some-rule";
    d.severity = random() % 2 == 0 ? diagnostics::Severity::Error : diagnostics::Severity::Warning;
    d.message = "finding " + std::to_string(i) + " \"quoted\" \\ tab\t caf\xC3\xA9 \xFF";
    d.help = "do something else";
    d.file = file;
    d.range = {begin, std::min(size, begin + static_cast<uint32_t>(random() % 300))};
    d.app = "app";
    d.migration = "0001_m";
    if (i % 5 == 0) d.related.push_back({files[random() % files.size()], {0, 10}, "see here"});
    report.diagnostics.push_back(std::move(d));
  }
  diagnostics::sort_diagnostics(report.diagnostics);
  report.migrations.push_back({"app", "0001_m", "app/migrations/0001_m.py", "expand", ir::Tri::Yes});
  report.files = files.size();
  return report;
}

std::string render(const report::Report& report, unsigned threads) {
  report::Report copy = report;
  copy.threads = threads;
  std::ostringstream out;
  report::write_report(report::Format::Json, out, copy, report::TextOptions{});
  return out.str();
}

}  // namespace

TEST_CASE("A JSON report is the same on any number of threads", "[unit]") {
  for (const size_t findings : {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{257}, size_t{3000}}) {
    const report::Report report = sample_report(findings);
    const std::string one = render(report, 1);
    const auto parsed = nlohmann::json::parse(one);
    CHECK(parsed["diagnostics"].size() == findings);
    for (const unsigned threads : {2u, 3u, 8u, 64u}) {
      INFO(findings << " findings on " << threads << " threads");
      CHECK(render(report, threads) == one);
    }
  }
}

TEST_CASE("Findings are sorted stably into the output order", "[unit]") {
  const auto files = sample_files();
  std::mt19937 random(11);
  std::vector<diagnostics::Diagnostic> all;
  for (int i = 0; i < 2000; ++i) {
    diagnostics::Diagnostic d;
    d.code = *diagnostics::RuleCode::parse(random() % 2 == 0 ? "BC001" : "ZD002");
    d.file = files[random() % 3];
    const uint32_t begin = random() % 20;
    d.range = {begin, begin + static_cast<uint32_t>(random() % 3)};
    d.message = random() % 2 == 0 ? "a" : "b";
    d.app = std::to_string(i);  // tells equal findings apart: their order must be kept
    all.push_back(std::move(d));
  }
  std::vector<diagnostics::Diagnostic> expected = all;
  std::stable_sort(expected.begin(), expected.end(), diagnostics::diagnostic_order);
  diagnostics::sort_diagnostics(all);
  REQUIRE(all.size() == expected.size());
  for (size_t i = 0; i < all.size(); ++i) {
    INFO("at " << i);
    CHECK(all[i].app == expected[i].app);
  }
  // Already sorted: nothing moves.
  diagnostics::sort_diagnostics(all);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].app == expected[i].app);
}

TEST_CASE("Rule codes spell their number with three digits at least", "[unit]") {
  for (const char* code : {"BC001", "ZD012", "RV100", "GR999", "SY010"}) CHECK(diagnostics::RuleCode::parse(code)->str() == code);
  diagnostics::RuleCode wide = *diagnostics::RuleCode::parse("BC001");
  wide.number = 1234;
  CHECK(wide.str() == "BC1234");
  wide.number = 0;
  CHECK(wide.str() == "BC000");
}
