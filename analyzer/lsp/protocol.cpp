#include "analyzer/lsp/protocol.h"

#include <cctype>
#include <set>

namespace godwit::lsp {

namespace {

int lsp_severity(diagnostics::Severity severity) {
  switch (severity) {
    case diagnostics::Severity::Error: return 1;
    case diagnostics::Severity::Warning: return 2;
    case diagnostics::Severity::Info: return 3;
  }
  return 3;
}

}  // namespace

Json to_json(LspPosition position) { return Json{{"line", position.line}, {"character", position.character}}; }

Json to_json(LspRange range) { return Json{{"start", to_json(range.start)}, {"end", to_json(range.end)}}; }

std::string rule_docs_link(std::string_view docs_url, diagnostics::RuleCode code) {
  std::string anchor = code.str();
  for (char& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::string(docs_url) + "#" + anchor;
}

Json to_lsp(const diagnostics::Diagnostic& d, source::ColumnUnit unit, std::string_view docs_url, const UriOf& uri_of) {
  std::string message = d.message;
  if (!d.help.empty()) message += "\nhelp: " + d.help;
  Json out{{"range", to_json(to_lsp(*d.file, d.range, unit))},
           {"severity", lsp_severity(d.severity)},
           {"code", d.code.str()},
           {"source", "godwit"},
           {"message", std::move(message)}};
  if (!docs_url.empty()) out["codeDescription"] = Json{{"href", rule_docs_link(docs_url, d.code)}};
  if (!d.related.empty()) {
    Json related = Json::array();
    for (const diagnostics::RelatedLocation& r : d.related) {
      if (r.file == nullptr) continue;
      related.push_back(
          Json{{"location", {{"uri", uri_of(r.file->path())}, {"range", to_json(to_lsp(*r.file, r.range, unit))}}},
               {"message", r.message.empty() ? std::string(d.name) : r.message}});
    }
    out["relatedInformation"] = std::move(related);
  }
  return out;
}

Json to_workspace_edit(const QuickFix& fix, const source::SourceFile& file, source::ColumnUnit unit,
                       const std::string& uri, int64_t version, bool document_changes) {
  Json edits = Json::array();
  for (const TextReplacement& e : fix.edits) {
    edits.push_back(Json{{"range", to_json(to_lsp(file, e.range, unit))}, {"newText", e.text}});
  }
  if (document_changes) {
    return Json{{"documentChanges", Json::array({Json{{"textDocument", {{"uri", uri}, {"version", version}}},
                                                      {"edits", std::move(edits)}}})}};
  }
  return Json{{"changes", {{uri, std::move(edits)}}}};
}

std::string hover_markdown(std::span<const diagnostics::Diagnostic* const> findings,
                           std::span<const rule::Rule* const> rules) {
  std::string out;
  std::set<diagnostics::RuleCode> documented;
  for (const diagnostics::Diagnostic* d : findings) {
    if (!out.empty()) out += "\n\n---\n\n";
    out += "**" + d->code.str() + "** `" + std::string(d->name) + "` (" +
           std::string(diagnostics::to_string(d->severity)) + ")\n\n" + d->message + "\n";
    if (!d->help.empty()) out += "\n**Help:** " + d->help + "\n";
    if (!documented.insert(d->code).second) continue;
    for (const rule::Rule* r : rules) {
      if (r->meta().code != d->code) continue;
      out += "\n" + std::string(r->meta().docs);
      if (!out.empty() && out.back() != '\n') out += "\n";
    }
  }
  return out;
}

}  // namespace godwit::lsp
