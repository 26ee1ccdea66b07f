// SARIF 2.1.0 (OASIS), as GitHub code scanning and Azure DevOps ingest it: one run, every rule
// with its full documentation as help, results with relative URIs against %SRCROOT% (the directory
// godwit ran in), 1-based regions in Unicode code points, and partialFingerprints that follow a
// finding when its lines move.
#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

#include "analyzer/baseline/baseline.h"
#include "analyzer/report/report.h"

namespace godwit::report {

namespace {

using json = nlohmann::ordered_json;
using diagnostics::Severity;

constexpr std::string_view kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr std::string_view kFingerprintKey = "godwitFindingIdentity/v1";

std::string_view level(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
  }
  return "warning";
}

// Percent-encodes what a URI path may not hold as is (RFC 3986: unreserved characters and `/`
// stay).
std::string uri_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

json artifact_location(const std::string& path) {
  if (!path.empty() && path.front() == '/') return json{{"uri", "file://" + uri_path(path)}};
  return json{{"uri", uri_path(path)}, {"uriBaseId", "%SRCROOT%"}};
}

json physical_location(const source::SourceFile& file, source::TextRange range) {
  const source::Span span = file.span(range, source::ColumnUnit::CodePoint);
  json region{{"startLine", span.start.line},
              {"startColumn", span.start.column},
              {"endLine", span.end.line},
              {"endColumn", span.end.column}};
  // The flagged text, so that viewers without the checkout can show it (invalid UTF-8 cut off:
  // SARIF is JSON).
  const std::string_view text = file.slice(range);
  region["snippet"] = json{{"text", std::string(text.substr(0, source::valid_utf8_prefix(text)))}};
  return json{{"artifactLocation", artifact_location(file.path())}, {"region", std::move(region)}};
}

// SARIF asks for a PascalCase friendly name: `runpython-without-reverse` -> `RunpythonWithoutReverse`.
std::string pascal_case(std::string_view kebab) {
  std::string out;
  bool upper = true;
  for (const char c : kebab) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

json rule_descriptor(const rule::RuleMeta& meta) {
  const std::string summary(meta.summary);
  const std::string docs = "# " + std::string(meta.name) + " (" + meta.code.str() + ")\n\n" + std::string(meta.docs);
  return json{{"id", meta.code.str()},
              {"name", pascal_case(meta.name)},
              {"shortDescription", {{"text", summary}}},
              {"fullDescription", {{"text", summary}}},
              {"help", {{"text", docs}, {"markdown", docs}}},
              {"defaultConfiguration", {{"level", level(meta.severity)}}},
              {"properties", {{"tags", json::array({diagnostics::family_title(meta.code.family)})}}}};
}

}  // namespace

std::string fingerprint_of(const Report& report, size_t index) {
  if (report.fingerprints.size() == report.diagnostics.size()) return report.fingerprints[index];
  return baseline::fingerprint(baseline::identify(report.diagnostics)[index]);
}

void write_sarif(std::ostream& out, const Report& report) {
  json rules = json::array();
  std::map<diagnostics::RuleCode, size_t> index;
  for (const rule::Rule* r : report.rules) {
    index[r->meta().code] = rules.size();
    rules.push_back(rule_descriptor(r->meta()));
  }
  json results = json::array();
  for (size_t i = 0; i < report.diagnostics.size(); ++i) {
    const diagnostics::Diagnostic& d = report.diagnostics[i];
    std::string text = d.message;
    if (!d.help.empty()) text += "\nHelp: " + d.help;
    json result{{"ruleId", d.code.str()}};
    if (const auto it = index.find(d.code); it != index.end()) result["ruleIndex"] = it->second;
    result["level"] = level(d.severity);
    result["message"] = json{{"text", text}};
    result["locations"] = json::array({json{{"physicalLocation", physical_location(*d.file, d.range)}}});
    if (!d.related.empty()) {
      json related = json::array();
      for (size_t k = 0; k < d.related.size(); ++k) {
        related.push_back(json{{"id", k + 1},
                               {"physicalLocation", physical_location(*d.related[k].file, d.related[k].range)},
                               {"message", {{"text", d.related[k].message}}}});
      }
      result["relatedLocations"] = std::move(related);
    }
    result["partialFingerprints"] = json{{kFingerprintKey, fingerprint_of(report, i)}};
    results.push_back(std::move(result));
  }
  json run{
      {"tool",
       {{"driver",
         {{"name", "godwit"},
          {"fullName", std::string("godwit ") + GODWIT_VERSION + ", static analyzer for Django migrations"},
          {"version", GODWIT_VERSION},
          {"semanticVersion", GODWIT_VERSION},
          {"rules", std::move(rules)}}}}},
      {"originalUriBaseIds",
       {{"%SRCROOT%", {{"description", {{"text", "The directory godwit ran in; result paths are relative to it."}}}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)}};
  const json doc{{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace godwit::report
