#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostics/rule_code.h"
#include "analyzer/diagnostics/severity.h"
#include "analyzer/source/source_file.h"

namespace godwit::diagnostics {

struct RelatedLocation {
  std::shared_ptr<const source::SourceFile> file;
  source::TextRange range;
  std::string message;
};

// One finding, as plain data. Byte ranges; lines and columns are computed by reporters.
struct Diagnostic {
  RuleCode code;
  std::string_view name;  // the rule's kebab-case name (static storage)
  Severity severity = Severity::Error;
  std::string message;
  std::string help;
  std::shared_ptr<const source::SourceFile> file;
  source::TextRange range;
  std::string app;
  std::string migration;
  std::vector<RelatedLocation> related;
  // What identifies the finding when lines move (baselines and SARIF fingerprints): the source
  // text of `anchor_range` (the operation's), whitespace-normalised — worked out only when asked
  // for, by anchor_text() — or `anchor`, when a rule sets it.
  source::TextRange anchor_range;
  std::string anchor;

  [[nodiscard]] const std::string& path() const;
  [[nodiscard]] std::string anchor_text() const;
};

// Files, then position, then rule id, then message: the one order of all output.
bool diagnostic_order(const Diagnostic& a, const Diagnostic& b);

// Puts `diagnostics` in that order, equal ones keeping their relative order (a stable sort that
// moves each finding once, not once per merge pass).
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

// The flagged text with runs of whitespace collapsed, for `anchor`; always valid UTF-8 (a byte
// that is not part of a UTF-8 sequence is written as `\xNN`).
std::string normalized_anchor(std::string_view text);

}  // namespace godwit::diagnostics
