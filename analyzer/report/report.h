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
  std::span<const rule::Rule* const> rules;  // every known rule (for SARIF metadata and docs links)
};

struct TextOptions {
  bool color = false;
  bool quiet = false;  // findings only, no summary
};

void write_text(std::ostream& out, const Report& report, const TextOptions& options);
void write_concise(std::ostream& out, const Report& report);
void write_json(std::ostream& out, const Report& report);

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
