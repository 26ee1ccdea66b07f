#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/ir/field_spec.h"
#include "analyzer/rule/rule.h"

namespace godwit::report {

enum class Format : uint8_t { Text, Concise, Json, Sarif, Github, Azure, Gitlab, Junit };

std::optional<Format> format_from_string(std::string_view text);
std::string_view to_string(Format format);

// One migration as the JSON `migrations` array describes it.
struct MigrationSummary {
  std::string app;
  std::string name;
  std::string path;
  std::string phase = "unknown";
  ir::Tri reversible = ir::Tri::Unknown;
};

// Everything a reporter needs, gathered once by the driver.
struct Report {
  std::vector<diagnostics::Diagnostic> diagnostics;  // already in output order
  std::vector<MigrationSummary> migrations;
  size_t files = 0;               // files read and reported on
  size_t hidden_by_baseline = 0;  // findings a baseline hid
  // Parallel to `diagnostics`: each finding's stable fingerprint (baseline::fingerprint of its
  // identity, counted before the baseline hid anything).
  std::vector<std::string> fingerprints;
  // The lowest severity that fails the run (JUnit marks only those findings as failures).
  diagnostics::Severity fail_on = diagnostics::Severity::Error;
  std::span<const rule::Rule* const> rules;  // every known rule (for SARIF metadata and docs links)
  // Threads a report may render findings on (the JSON report does, for large ones); the output
  // is the same whatever the number.
  unsigned threads = 1;
};

struct TextOptions {
  bool color = false;
  bool quiet = false;  // findings only, no summary
};

void write_text(std::ostream& out, const Report& report, const TextOptions& options);
void write_concise(std::ostream& out, const Report& report);
void write_json(std::ostream& out, const Report& report);
// SARIF 2.1.0, as GitHub code scanning and Azure DevOps ingest it.
void write_sarif(std::ostream& out, const Report& report);
// GitHub Actions workflow commands (`::error file=…::message`).
void write_github(std::ostream& out, const Report& report);
// Azure Pipelines logging commands (`##vso[task.logissue …]message`).
void write_azure(std::ostream& out, const Report& report);
// GitLab Code Quality report (JSON array of issues).
void write_gitlab(std::ostream& out, const Report& report);
// JUnit XML: one test case per migration, a failure per finding at or above `fail_on`.
void write_junit(std::ostream& out, const Report& report);

// The fingerprint of diagnostic `index` (computed on the fly when the driver gave none).
std::string fingerprint_of(const Report& report, size_t index);

// Writes the report in `format`.
void write_report(Format format, std::ostream& out, const Report& report, const TextOptions& options);

// Counts per severity: {error, warning, info}.
struct SeverityCounts {
  size_t error = 0;
  size_t warning = 0;
  size_t info = 0;
};
SeverityCounts count_severities(const std::vector<diagnostics::Diagnostic>& diagnostics);

}  // namespace godwit::report
