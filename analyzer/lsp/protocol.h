#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/lsp/json_rpc.h"
#include "analyzer/lsp/quick_fix.h"
#include "analyzer/lsp/text_document.h"
#include "analyzer/rule/rule.h"

namespace godwit::lsp {

// The conversions from godwit's plain data to protocol JSON: the edge, and the only place that
// knows the protocol's shapes.

// The URI of a file as a diagnostic names it (its display path).
using UriOf = std::function<std::string(const std::string& display_path)>;

Json to_json(LspPosition position);
Json to_json(LspRange range);

// The link for a rule's documentation: `docs_url#rv001` (the README's rule table has one anchor
// per rule).
std::string rule_docs_link(std::string_view docs_url, diagnostics::RuleCode code);

// A protocol Diagnostic: range in `unit` columns, severity, the rule id as `code` with its docs
// link, `source` "godwit", the help after the message, the related locations.
Json to_lsp(const diagnostics::Diagnostic& diagnostic, source::ColumnUnit unit, std::string_view docs_url,
            const UriOf& uri_of);

// A WorkspaceEdit applying `fix` to the document (`documentChanges` with its version when the
// client supports them, `changes` otherwise).
Json to_workspace_edit(const QuickFix& fix, const source::SourceFile& file, source::ColumnUnit unit,
                       const std::string& uri, int64_t version, bool document_changes);

// The markdown shown on hover over findings: each one's message and help, then the
// documentation of its rule (once per rule).
std::string hover_markdown(std::span<const diagnostics::Diagnostic* const> findings,
                           std::span<const rule::Rule* const> rules);

}  // namespace godwit::lsp
