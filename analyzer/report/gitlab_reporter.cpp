// GitLab Code Quality: a JSON array of issues (description, check_name, fingerprint, severity,
// location.path, location.lines.begin), shown in merge request widgets and diffs.
#include <nlohmann/json.hpp>

#include "analyzer/report/report.h"

namespace godwit::report {

namespace {

using json = nlohmann::ordered_json;
using diagnostics::Severity;

std::string_view gitlab_severity(Severity severity) {
  switch (severity) {
    case Severity::Error: return "critical";
    case Severity::Warning: return "major";
    case Severity::Info: return "info";
  }
  return "major";
}

}  // namespace

void write_gitlab(std::ostream& out, const Report& report) {
  json issues = json::array();
  for (size_t i = 0; i < report.diagnostics.size(); ++i) {
    const diagnostics::Diagnostic& d = report.diagnostics[i];
    const source::Span span = d.file->span(d.range);
    json issue{{"type", "issue"},
               {"engine_name", "godwit"},
               {"check_name", d.code.str()},
               {"description", d.code.str() + " " + std::string(d.name) + ": " + d.message},
               {"fingerprint", fingerprint_of(report, i)},
               {"severity", gitlab_severity(d.severity)},
               {"location", {{"path", d.path()}, {"lines", {{"begin", span.start.line}, {"end", span.end.line}}}}}};
    if (!d.help.empty()) issue["content"] = json{{"body", d.help}};
    issues.push_back(std::move(issue));
  }
  out << issues.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace godwit::report
