#include <array>

#include "analyzer/report/json_stream.h"
#include "analyzer/report/report.h"

namespace godwit::report {

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
  JsonStream j(out);
  const auto range = [&j](const source::SourceFile& file, source::TextRange r) {
    const source::Span span = file.span(r);
    j.begin_object();
    for (const auto& [name, p] : {std::pair{"start", span.start}, std::pair{"end", span.end}}) {
      j.key(name);
      j.begin_object();
      j.key("line");
      j.number(uint64_t{p.line});
      j.key("column");
      j.number(uint64_t{p.column});
      j.end_object();
    }
    j.end_object();
  };
  const auto field = [&j](std::string_view name, std::string_view value) {
    j.key(name);
    j.string(value);
  };
  j.begin_object();
  j.key("tool");
  j.begin_object();
  field("name", "godwit");
  field("version", GODWIT_VERSION);
  j.end_object();
  j.key("summary");
  j.begin_object();
  for (const auto& [name, count] : {std::pair{"files", report.files}, std::pair{"migrations", report.migrations.size()},
                                    std::pair{"error", counts.error}, std::pair{"warning", counts.warning},
                                    std::pair{"info", counts.info}}) {
    j.key(name);
    j.number(uint64_t{count});
  }
  if (report.hidden_by_baseline > 0) {
    j.key("hidden_by_baseline");
    j.number(uint64_t{report.hidden_by_baseline});
  }
  j.end_object();
  j.key("diagnostics");
  j.begin_array();
  for (const auto& d : report.diagnostics) {
    j.begin_object();
    field("rule", d.code.str());
    field("name", d.name);
    field("severity", diagnostics::to_string(d.severity));
    field("message", d.message);
    field("help", d.help);
    field("path", d.path());
    field("app", d.app);
    field("migration", d.migration);
    j.key("range");
    range(*d.file, d.range);
    if (!d.related.empty()) {
      j.key("related");
      j.begin_array();
      for (const auto& r : d.related) {
        j.begin_object();
        field("message", r.message);
        field("path", r.file->path());
        j.key("range");
        range(*r.file, r.range);
        j.end_object();
      }
      j.end_array();
    }
    j.end_object();
  }
  j.end_array();
  j.key("migrations");
  j.begin_array();
  for (const auto& m : report.migrations) {
    j.begin_object();
    field("app", m.app);
    field("name", m.name);
    field("path", m.path);
    field("phase", m.phase);
    j.key("reversible");
    if (m.reversible == ir::Tri::Unknown) {
      j.null();
    } else {
      j.boolean(m.reversible == ir::Tri::Yes);
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.finish();
}

}  // namespace godwit::report
