// CI log annotations: GitHub Actions workflow commands and Azure Pipelines logging commands. Each
// finding becomes one line that the CI turns into an annotation on the file and line.
#include "analyzer/report/report.h"

namespace godwit::report {

namespace {

using diagnostics::Severity;

std::string replace_all(std::string_view text, const std::vector<std::pair<char, std::string_view>>& map) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    bool replaced = false;
    for (const auto& [from, to] : map) {
      if (c == from) {
        out += to;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

// GitHub's escaping (the Actions toolkit's `escapeData` / `escapeProperty`).
std::string github_data(std::string_view text) {
  return replace_all(text, {{'%', "%25"}, {'\r', "%0D"}, {'\n', "%0A"}});
}
std::string github_property(std::string_view text) {
  return replace_all(text, {{'%', "%25"}, {'\r', "%0D"}, {'\n', "%0A"}, {':', "%3A"}, {',', "%2C"}});
}

// Azure's escaping (azure-pipelines-task-lib's command escaping): `%` first, as `%AZP25`.
std::string azure_data(std::string_view text) {
  return replace_all(text, {{'%', "%AZP25"}, {'\r', "%0D"}, {'\n', "%0A"}});
}
std::string azure_property(std::string_view text) {
  return replace_all(text, {{'%', "%AZP25"}, {'\r', "%0D"}, {'\n', "%0A"}, {';', "%3B"}, {']', "%5D"}});
}

std::string message_with_help(const diagnostics::Diagnostic& d) {
  std::string text = d.message;
  if (!d.help.empty()) text += "\nhelp: " + d.help;
  return text;
}

}  // namespace

void write_github(std::ostream& out, const Report& report) {
  for (const diagnostics::Diagnostic& d : report.diagnostics) {
    const source::Span span = d.file->span(d.range);
    const char* command = d.severity == Severity::Error     ? "error"
                          : d.severity == Severity::Warning ? "warning"
                                                            : "notice";
    out << "::" << command << " file=" << github_property(d.path()) << ",line=" << span.start.line
        << ",col=" << span.start.column << ",endLine=" << span.end.line << ",endColumn=" << span.end.column
        << ",title=" << github_property(d.code.str() + " " + std::string(d.name))
        << "::" << github_data(message_with_help(d)) << "\n";
  }
}

void write_azure(std::ostream& out, const Report& report) {
  for (const diagnostics::Diagnostic& d : report.diagnostics) {
    const source::Position at = d.file->position(d.range.begin);
    // Azure knows errors and warnings only; infos are warnings there.
    const char* type = d.severity == Severity::Error ? "error" : "warning";
    out << "##vso[task.logissue type=" << type << ";sourcepath=" << azure_property(d.path())
        << ";linenumber=" << at.line << ";columnnumber=" << at.column << ";code=" << azure_property(d.code.str())
        << ";]" << azure_data(d.code.str() + " " + std::string(d.name) + ": " + message_with_help(d)) << "\n";
  }
}

}  // namespace godwit::report
