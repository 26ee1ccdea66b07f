#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/ir/migration.h"

namespace godwit::lsp {

// Replace the bytes of `range` (empty: insert) with `text`.
struct TextReplacement {
  source::TextRange range;
  std::string text;
  friend bool operator==(const TextReplacement&, const TextReplacement&) = default;
};

// A fix for one finding, as plain data: byte ranges into the text the finding was made on.
// Conversion to a protocol WorkspaceEdit happens at the edge.
struct QuickFix {
  std::string title;
  std::vector<TextReplacement> edits;  // sorted, non-overlapping
  bool preferred = false;              // the fix to apply without asking
};

// The fixes godwit offers for `diagnostic`, a finding in `migration`:
// - every finding outside the SY and SP families: a `# godwit: ignore[ID]` suppression on the
//   line above it (or the rule added to the suppression comment already there);
// - RV001: `reverse_code=<RunPython>.noop`, with a TODO comment above the operation;
// - ZD001 on an AddIndex: AddIndexConcurrently (imported when needed) and `atomic = False`;
// - ZD002: `atomic = False`.
// Every fix has been applied and the result read again: it parses, and the change is there (the
// operation, the argument, the comment, the flag). A fix that does not pass is not offered.
std::vector<QuickFix> quick_fixes(const diagnostics::Diagnostic& diagnostic, const ir::Migration& migration);

// `text` with the replacements applied (sorted, non-overlapping, all within the text).
std::string apply_replacements(std::string_view text, const std::vector<TextReplacement>& edits);

}  // namespace godwit::lsp
