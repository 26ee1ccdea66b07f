#include <array>

#include <nlohmann/json.hpp>

#include "analyzer/report/report.h"

namespace godwit::report {

namespace {

using json = nlohmann::ordered_json;

json position(const source::Position& p) { return json{{"line", p.line}, {"column", p.column}}; }

json range(const source::SourceFile& file, source::TextRange r) {
  const source::Span span = file.span(r);
  return json{{"start", position(span.start)}, {"end", position(span.end)}};
}

json tri(ir::Tri value) {
  switch (value) {
    case ir::Tri::Yes: return true;
    case ir::Tri::No: return false;
    case ir::Tri::Unknown: return nullptr;
  }
  return nullptr;
}

}  // namespace

std::optional<Format> format_from_string(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, Format>, 8> kFormats{{
      {"text", Format::Text},
      {"concise", Format::Concise},
      {"json", Format::Json},
      {"sarif", Format::Sarif},
      {"github", Format::Github},
      {"azure", Format::Azure},
      {"gitlab", Format::Gitlab},
      {"junit", Format::Junit},
  }};
  for (const auto& [name, format] : kFormats) {
    if (name == text) return format;
  }
  return std::nullopt;
}

std::string_view to_string(Format format) {
  switch (format) {
    case Format::Text: return "text";
    case Format::Concise: return "concise";
    case Format::Json: return "json";
    case Format::Sarif: return "sarif";
    case Format::Github: return "github";
    case Format::Azure: return "azure";
    case Format::Gitlab: return "gitlab";
    case Format::Junit: return "junit";
  }
  return "text";
}

void write_report(Format format, std::ostream& out, const Report& report, const TextOptions& options) {
  switch (format) {
    case Format::Text: write_text(out, report, options); return;
    case Format::Concise: write_concise(out, report); return;
    case Format::Json: write_json(out, report); return;
    case Format::Sarif: write_sarif(out, report); return;
    case Format::Github: write_github(out, report); return;
    case Format::Azure: write_azure(out, report); return;
    case Format::Gitlab: write_gitlab(out, report); return;
    case Format::Junit: write_junit(out, report); return;
  }
}

void write_json(std::ostream& out, const Report& report) {
  const SeverityCounts counts = count_severities(report.diagnostics);
  json doc;
  doc["tool"] = json{{"name", "godwit"}, {"version", GODWIT_VERSION}};
  doc["summary"] = json{{"files", report.files},
                        {"migrations", report.migrations.size()},
                        {"error", counts.error},
                        {"warning", counts.warning},
                        {"info", counts.info}};
  if (report.hidden_by_baseline > 0) doc["summary"]["hidden_by_baseline"] = report.hidden_by_baseline;
  json diagnostics = json::array();
  for (const auto& d : report.diagnostics) {
    json entry{{"rule", d.code.str()},
               {"name", d.name},
               {"severity", diagnostics::to_string(d.severity)},
               {"message", d.message},
               {"help", d.help},
               {"path", d.path()},
               {"app", d.app},
               {"migration", d.migration},
               {"range", range(*d.file, d.range)}};
    if (!d.related.empty()) {
      json related = json::array();
      for (const auto& r : d.related) {
        related.push_back(json{{"message", r.message}, {"path", r.file->path()}, {"range", range(*r.file, r.range)}});
      }
      entry["related"] = std::move(related);
    }
    diagnostics.push_back(std::move(entry));
  }
  doc["diagnostics"] = std::move(diagnostics);
  json migrations = json::array();
  for (const auto& m : report.migrations) {
    migrations.push_back(json{{"app", m.app},
                              {"name", m.name},
                              {"path", m.path},
                              {"phase", m.phase},
                              {"reversible", tri(m.reversible)}});
  }
  doc["migrations"] = std::move(migrations);
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace godwit::report
