#include "analyzer/rule/rule.h"

namespace godwit::rule {

Diagnostic& Reporter::report(const ir::Migration& migration, TextRange range, std::string message, std::string help,
                             std::optional<Severity> severity) const {
  Diagnostic d;
  d.code = meta_.code;
  d.name = meta_.name;
  d.severity = configured_.value_or(severity.value_or(meta_.severity));
  d.message = std::move(message);
  d.help = std::move(help);
  d.file = migration.source;
  d.range = range;
  d.app = migration.app_label;
  d.migration = migration.name;
  d.anchor = diagnostics::normalized_anchor(migration.file().slice(range));
  out_.push_back(std::move(d));
  return out_.back();
}

Diagnostic& OperationContext::report(TextRange range, std::string message, std::string help,
                                     std::optional<Severity> severity) const {
  Diagnostic& d = MigrationContext::report(range, std::move(message), std::move(help), severity);
  d.anchor = diagnostics::normalized_anchor(text(operation_.range()));
  return d;
}

std::string quoted(std::string_view code) { return "`" + std::string(code) + "`"; }

}  // namespace godwit::rule
