// JUnit XML for test-result widgets (Azure's PublishTestResults, GitLab's junit reports, Jenkins):
// one test suite per app, one test case per migration file, a <failure> per finding at or above
// the failing severity; findings below it are listed in the test case's <system-out>.
#include <map>

#include "analyzer/report/report.h"

namespace godwit::report {

namespace {

using diagnostics::Diagnostic;

// XML 1.0 text: markup characters escaped, characters XML cannot hold replaced by U+FFFD.
std::string xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string describe(const Diagnostic& d) {
  const source::Position at = d.file->position(d.range.begin);
  std::string text = d.path() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                     std::string(diagnostics::to_string(d.severity)) + " " + d.code.str() + " " + std::string(d.name) +
                     ": " + d.message;
  if (!d.help.empty()) text += "\nhelp: " + d.help;
  return text;
}

struct TestCase {
  std::string app;
  std::string name;
  std::vector<const Diagnostic*> failures;
  std::vector<const Diagnostic*> notes;
};

}  // namespace

void write_junit(std::ostream& out, const Report& report) {
  // path -> test case; every migration is one, and so is any other file with findings.
  std::map<std::string, TestCase> cases;
  for (const MigrationSummary& m : report.migrations) cases[m.path] = TestCase{m.app, m.name, {}, {}};
  for (const Diagnostic& d : report.diagnostics) {
    auto [it, inserted] = cases.try_emplace(d.path(), TestCase{d.app, d.migration, {}, {}});
    (d.severity >= report.fail_on ? it->second.failures : it->second.notes).push_back(&d);
  }
  std::map<std::string, std::vector<std::pair<const std::string*, const TestCase*>>> suites;
  for (const auto& [path, test] : cases) suites[test.app].emplace_back(&path, &test);

  size_t total_failed = 0;
  for (const auto& [path, test] : cases) total_failed += test.failures.empty() ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"godwit\" tests=\"" << cases.size() << "\" failures=\"" << total_failed
      << "\" errors=\"0\">\n";
  for (const auto& [app, tests] : suites) {
    size_t failed = 0;
    for (const auto& entry : tests) failed += entry.second->failures.empty() ? 0 : 1;
    out << "  <testsuite name=\"" << xml(app) << "\" tests=\"" << tests.size() << "\" failures=\"" << failed
        << "\" errors=\"0\" skipped=\"0\">\n";
    for (const auto& [path, test] : tests) {
      out << "    <testcase classname=\"" << xml(app + ".migrations") << "\" name=\"" << xml(test->name) << "\" file=\""
          << xml(*path) << "\"";
      if (test->failures.empty() && test->notes.empty()) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      for (const Diagnostic* d : test->failures) {
        out << "      <failure type=\"" << xml(d->code.str()) << "\" message=\""
            << xml(d->code.str() + " " + std::string(d->name) + ": " + d->message) << "\">" << xml(describe(*d))
            << "</failure>\n";
      }
      if (!test->notes.empty()) {
        std::string notes;
        for (const Diagnostic* d : test->notes) notes += describe(*d) + "\n";
        out << "      <system-out>" << xml(notes) << "</system-out>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace godwit::report
