#include "analyzer/lsp/quick_fix.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/ir/reversibility.h"

namespace godwit::lsp {

namespace {

using diagnostics::RuleCode;
using diagnostics::RuleFamily;
using source::SourceFile;
using source::TextRange;

constexpr RuleCode kRunPythonWithoutReverse{RuleFamily::RV, 1};
constexpr RuleCode kAddIndexNonConcurrently{RuleFamily::ZD, 1};
constexpr RuleCode kConcurrentIndexInAtomicMigration{RuleFamily::ZD, 2};
constexpr std::string_view kSuppressionReason = "TODO: explain why this is safe";
constexpr std::string_view kPostgresOperations = "django.contrib.postgres.operations";
constexpr std::string_view kAddIndexConcurrently = "AddIndexConcurrently";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

const ir::Operation* find_operation(const std::vector<ir::Operation>& operations,
                                    const std::function<bool(const ir::Operation&)>& wanted) {
  for (const ir::Operation& op : operations) {
    if (wanted(op)) return &op;
    if (const ir::Operation* inner = find_operation(op.database_operations(), wanted)) return inner;
    if (const ir::Operation* inner = find_operation(op.state_operations(), wanted)) return inner;
  }
  return nullptr;
}

const ir::Operation* operation_with_range(const ir::Migration& m, TextRange range) {
  return find_operation(m.operations, [&](const ir::Operation& op) { return op.range() == range; });
}

const ir::Operation* operation_starting_at(const ir::Migration& m, uint32_t begin) {
  return find_operation(m.operations, [&](const ir::Operation& op) { return op.range().begin == begin; });
}

const ir::Comment* comment_starting_at(const ir::Migration& m, uint32_t begin) {
  for (const ir::Comment& c : m.comments) {
    if (c.range.begin == begin) return &c;
  }
  return nullptr;
}

// Whether the comment reads `text` (the grammar keeps the '\r' of a CRLF line in the comment).
bool comment_is(const ir::Comment* comment, std::string_view text) {
  if (comment == nullptr) return false;
  std::string_view written = comment->text;
  while (!written.empty() && (written.back() == '\r' || is_blank(written.back()))) written.remove_suffix(1);
  return written == text;
}

// The file's own line terminator (its first one), so that inserted lines match.
std::string line_ending(const SourceFile& file) {
  const std::string_view text = file.text();
  const size_t at = text.find_first_of("\r\n");
  if (at == std::string_view::npos || text[at] == '\n') return "\n";
  return at + 1 < text.size() && text[at + 1] == '\n' ? "\r\n" : "\r";
}

uint32_t line_of(const SourceFile& file, uint32_t offset) { return file.lines().line_of(offset); }
uint32_t line_start(const SourceFile& file, uint32_t line0) { return file.lines().line_start(line0); }

std::string indentation(const SourceFile& file, uint32_t line0) {
  const std::string_view line = file.line_text(line0);
  size_t n = 0;
  while (n < line.size() && is_blank(line[n])) ++n;
  return std::string(line.substr(0, n));
}

// Only blanks before `offset` on its line.
bool starts_line(const SourceFile& file, uint32_t offset) {
  const std::string_view text = file.text();
  for (uint32_t i = line_start(file, line_of(file, offset)); i < offset; ++i) {
    if (!is_blank(text[i])) return false;
  }
  return true;
}

// Where `offset` of the original text is in the edited text.
uint32_t shifted(uint32_t offset, const std::vector<TextReplacement>& edits) {
  int64_t delta = 0;
  for (const TextReplacement& e : edits) {
    if (e.range.end < offset || (e.range.empty() && e.range.begin == offset)) {
      delta += static_cast<int64_t>(e.text.size()) - static_cast<int64_t>(e.range.length());
    }
  }
  return static_cast<uint32_t>(static_cast<int64_t>(offset) + delta);
}

// The module as it reads once the edits are applied.
ir::Migration reread(const ir::Migration& migration, const std::vector<TextReplacement>& edits) {
  frontend::PythonParser parser;
  auto source =
      std::make_shared<const SourceFile>(migration.file().path(), apply_replacements(migration.file().text(), edits));
  return frontend::read_migration(parser, std::move(source), migration.app_label, migration.name);
}

void sort_edits(std::vector<TextReplacement>& edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const TextReplacement& a, const TextReplacement& b) { return a.range.begin < b.range.begin; });
}

bool identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool identifier_char(char c) { return identifier_start(c) || (c >= '0' && c <= '9'); }

// The callee of an operation's call as written (`migrations.AddIndex`), up to its `(`.
struct Callee {
  TextRange range;
  std::string name;  // without the blanks a continuation may put around the dots
};

std::optional<Callee> written_callee(const SourceFile& file, const ir::Operation& op) {
  const std::string_view text = file.text();
  const TextRange call = op.range();
  std::string name;
  uint32_t name_end = call.begin;
  bool want_identifier = true;
  for (uint32_t i = call.begin; i < call.end && i < text.size();) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      ++i;
    } else if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      i += 2;
    } else if (want_identifier) {
      if (!identifier_start(c)) return std::nullopt;
      while (i < call.end && identifier_char(text[i])) name.push_back(text[i++]);
      name_end = i;
      want_identifier = false;
    } else if (c == '.') {
      name.push_back('.');
      want_identifier = true;
      ++i;
    } else if (c == '(') {
      return Callee{TextRange{call.begin, name_end}, name};
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A `# godwit: ignore[...]` comment (one operation): the offsets of its `[` and `]`.
struct IgnoreList {
  uint32_t open;
  uint32_t close;
};

std::optional<IgnoreList> ignore_list(const ir::Comment& comment) {
  const std::string_view text = comment.text;
  size_t i = 0;
  const auto skip_blanks = [&] {
    while (i < text.size() && is_blank(text[i])) ++i;
  };
  const auto eat = [&](std::string_view word) {
    if (!text.substr(i).starts_with(word)) return false;
    i += word.size();
    return true;
  };
  if (!eat("#")) return std::nullopt;
  skip_blanks();
  if (!eat("godwit")) return std::nullopt;
  skip_blanks();
  if (!eat(":")) return std::nullopt;
  skip_blanks();
  if (!eat("ignore")) return std::nullopt;
  skip_blanks();
  if (!eat("[")) return std::nullopt;
  const size_t open = i - 1;
  const size_t close = text.find(']', i);
  if (close == std::string_view::npos) return std::nullopt;
  return IgnoreList{comment.range.begin + static_cast<uint32_t>(open),
                    comment.range.begin + static_cast<uint32_t>(close)};
}

bool lists_rule(std::string_view list, const diagnostics::Diagnostic& d) {
  const std::string id = d.code.str();
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = list.find(',', at);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(at, comma - at);
    while (!item.empty() && is_blank(item.front())) item.remove_prefix(1);
    while (!item.empty() && is_blank(item.back())) item.remove_suffix(1);
    if (item == id || item == d.name || item == "*") return true;
    at = comma + 1;
  }
  return false;
}

// ---- suppression ----

std::optional<QuickFix> suppression_fix(const diagnostics::Diagnostic& d, const ir::Migration& m) {
  if (d.code.family == RuleFamily::SY || d.code.family == RuleFamily::SP) return std::nullopt;
  const SourceFile& file = m.file();
  const std::string id = d.code.str();
  const uint32_t line0 = line_of(file, d.range.begin);

  // A suppression comment already covers the finding's line: add the rule to it (a new line
  // between that comment and the operation would take the comment away from the operation).
  for (const ir::Comment& c : m.comments) {
    const uint32_t comment_line = line_of(file, c.range.begin);
    const bool own_line = starts_line(file, c.range.begin);
    if (!(comment_line == line0 && !own_line) && !(own_line && comment_line + 1 == line0)) continue;
    const std::optional<IgnoreList> list = ignore_list(c);
    if (!list) continue;
    const std::string_view names = file.slice(TextRange{list->open + 1, list->close});
    if (lists_rule(names, d)) return std::nullopt;
    const bool empty = names.find_first_not_of(" \t") == std::string_view::npos;
    QuickFix fix{"Add " + id + " to the godwit suppression comment", {}, false};
    fix.edits.push_back(TextReplacement{TextRange{list->close, list->close}, empty ? id : ", " + id});
    const ir::Migration after = reread(m, fix.edits);
    const ir::Comment* comment = comment_starting_at(after, c.range.begin);
    if (after.syntax_error || comment == nullptr || !ignore_list(*comment)) return std::nullopt;
    const std::optional<IgnoreList> new_list = ignore_list(*comment);
    if (!lists_rule(after.file().slice(TextRange{new_list->open + 1, new_list->close}), d)) return std::nullopt;
    return fix;
  }

  std::string what = "on this line";
  if (operation_with_range(m, d.range) != nullptr) {
    what = "for this operation";
  } else if (m.has_migration_class && d.range == m.class_range) {
    what = "for this migration";
  }
  const std::string indent = indentation(file, line0);
  const uint32_t at = line_start(file, line0);
  const std::string comment = "# godwit: ignore[" + id + "] -- " + std::string(kSuppressionReason);
  QuickFix fix{"Suppress " + id + " " + what, {}, false};
  fix.edits.push_back(TextReplacement{TextRange{at, at}, indent + comment + line_ending(file)});
  const ir::Migration after = reread(m, fix.edits);
  const ir::Comment* added = comment_starting_at(after, at + static_cast<uint32_t>(indent.size()));
  if (after.syntax_error || !comment_is(added, comment)) return std::nullopt;
  return fix;
}

// ---- RV001: RunPython.noop as the reverse ----

std::optional<QuickFix> noop_reverse_fix(const diagnostics::Diagnostic& d, const ir::Migration& m) {
  const ir::Operation* op = operation_with_range(m, d.range);
  if (op == nullptr || op->kind() != ir::OperationKind::RunPython) return std::nullopt;
  const SourceFile& file = m.file();
  const std::optional<Callee> callee = written_callee(file, *op);
  if (!callee) return std::nullopt;
  const std::string noop = callee->name + ".noop";
  const std::string eol = line_ending(file);
  std::vector<TextReplacement> edits;

  const ir::Argument reverse = ir::reverse_argument(*op);
  if (reverse.value != nullptr) {
    if (!reverse.value->is_none()) return std::nullopt;
    edits.push_back(TextReplacement{reverse.value->range(), noop});
  } else {
    if (reverse.maybe_passed) return std::nullopt;
    const ir::Value& call = op->call();
    std::optional<uint32_t> last_end;
    for (const ir::Value& v : call.elements()) last_end = std::max(last_end.value_or(0), v.range().end);
    for (const ir::Value& v : call.keyword_values()) last_end = std::max(last_end.value_or(0), v.range().end);
    if (!last_end) return std::nullopt;
    const uint32_t end_line = line_of(file, *last_end);
    std::string insert = end_line == line_of(file, op->range().begin)
                             ? ", reverse_code=" + noop
                             : "," + eol + indentation(file, end_line) + "reverse_code=" + noop;
    edits.push_back(TextReplacement{TextRange{*last_end, *last_end}, std::move(insert)});
  }

  // The TODO goes on its own line above the operation, above a suppression comment there.
  const uint32_t op_line = line_of(file, op->range().begin);
  uint32_t todo_line = op_line;
  for (const ir::Comment& c : m.comments) {
    if (op_line > 0 && line_of(file, c.range.begin) == op_line - 1 && starts_line(file, c.range.begin) &&
        ignore_list(c)) {
      todo_line = op_line - 1;
    }
  }
  std::string forward = "the forward function";
  const ir::Argument code = op->arg(ir::Param::code);
  if (code.value != nullptr && code.value->is(ir::Value::Kind::Name)) forward = std::string(code.value->short_name());
  const std::string indent = indentation(file, op_line);
  const std::string todo =
      "# TODO(godwit): RunPython.noop undoes nothing; write a reverse for " + forward + " if a rollback must undo it";
  const uint32_t todo_at = line_start(file, todo_line);
  edits.push_back(TextReplacement{TextRange{todo_at, todo_at}, indent + todo + eol});
  sort_edits(edits);

  const ir::Migration after = reread(m, edits);
  if (after.syntax_error) return std::nullopt;
  const ir::Operation* fixed = operation_starting_at(after, shifted(op->range().begin, edits));
  if (fixed == nullptr || fixed->kind() != ir::OperationKind::RunPython) return std::nullopt;
  const ir::Argument new_reverse = ir::reverse_argument(*fixed);
  if (new_reverse.value == nullptr || !new_reverse.value->names("RunPython.noop")) return std::nullopt;
  const ir::Comment* comment = comment_starting_at(after, todo_at + static_cast<uint32_t>(indent.size()));
  if (!comment_is(comment, todo)) return std::nullopt;
  return QuickFix{"Add `reverse_code=" + noop + "` (with a TODO to write a real reverse)", std::move(edits), false};
}

// ---- ZD001 / ZD002: concurrent index, non-atomic migration ----

// Adds the edit that makes the migration non-atomic (none when it already is). False when godwit
// cannot place `atomic = False`.
bool make_non_atomic(const ir::Migration& m, std::vector<TextReplacement>& edits) {
  if (m.atomic == ir::Tri::No) return true;
  if (!m.has_migration_class) return false;
  if (!m.atomic_range.empty()) {
    edits.push_back(TextReplacement{m.atomic_range, "atomic = False"});
    return true;
  }
  const SourceFile& file = m.file();
  std::optional<uint32_t> first;
  for (const TextRange r : {m.dependencies_range, m.operations_range}) {
    if (!r.empty() && r.begin > m.class_range.end) first = std::min(first.value_or(r.begin), r.begin);
  }
  if (!first || !starts_line(file, *first)) return false;
  const uint32_t line0 = line_of(file, *first);
  const uint32_t at = line_start(file, line0);
  edits.push_back(TextReplacement{TextRange{at, at}, indentation(file, line0) + "atomic = False" + line_ending(file)});
  return true;
}

bool binds(const ir::Migration& m, std::string_view name) {
  for (const ir::Import& imp : m.imports) {
    if (imp.function < 0 && imp.binding == name) return true;
  }
  for (const ir::ClassInfo& c : m.classes) {
    if (c.name == name) return true;
  }
  for (const ir::FunctionInfo& f : m.functions) {
    if (f.scope == ir::FunctionInfo::Scope::Module && f.name == name) return true;
  }
  return false;
}

// How the module can name AddIndexConcurrently: through an import it has, or one added to `edits`.
std::optional<std::string> concurrent_index_name(const ir::Migration& m, std::vector<TextReplacement>& edits) {
  const std::string qualified = std::string(kPostgresOperations) + "." + std::string(kAddIndexConcurrently);
  for (const ir::Import& imp : m.imports) {
    if (imp.function < 0 && imp.target == qualified) return imp.binding;
  }
  for (const ir::Import& imp : m.imports) {
    if (imp.function >= 0) continue;
    if (imp.target == kPostgresOperations && !imp.binding.empty()) {
      return imp.binding + "." + std::string(kAddIndexConcurrently);
    }
    if (imp.name.empty() && imp.module == kPostgresOperations) return qualified;
  }
  if (binds(m, kAddIndexConcurrently)) return std::nullopt;
  // After the last import statement that starts a line at the top level.
  const SourceFile& file = m.file();
  std::optional<uint32_t> last_end;
  for (const ir::Import& imp : m.imports) {
    if (imp.function >= 0 || line_start(file, line_of(file, imp.range.begin)) != imp.range.begin) continue;
    last_end = std::max(last_end.value_or(0), imp.range.end);
  }
  const std::string eol = line_ending(file);
  const std::string statement =
      "from " + std::string(kPostgresOperations) + " import " + std::string(kAddIndexConcurrently);
  if (!last_end) {
    edits.push_back(TextReplacement{TextRange{0, 0}, statement + eol});
  } else {
    const uint32_t next_line = line_of(file, *last_end) + 1;
    if (next_line < file.lines().line_count()) {
      const uint32_t at = line_start(file, next_line);
      edits.push_back(TextReplacement{TextRange{at, at}, statement + eol});
    } else {
      const auto end = static_cast<uint32_t>(file.text().size());
      edits.push_back(TextReplacement{TextRange{end, end}, eol + statement + eol});
    }
  }
  return std::string(kAddIndexConcurrently);
}

std::optional<QuickFix> concurrent_index_fix(const diagnostics::Diagnostic& d, const ir::Migration& m) {
  const ir::Operation* op = operation_with_range(m, d.range);
  if (op == nullptr || op->kind() != ir::OperationKind::AddIndex) return std::nullopt;
  const std::optional<Callee> callee = written_callee(m.file(), *op);
  if (!callee) return std::nullopt;
  std::vector<TextReplacement> edits;
  const std::optional<std::string> name = concurrent_index_name(m, edits);
  if (!name || !make_non_atomic(m, edits)) return std::nullopt;
  edits.push_back(TextReplacement{callee->range, *name});
  sort_edits(edits);

  const ir::Migration after = reread(m, edits);
  if (after.syntax_error || after.atomic != ir::Tri::No) return std::nullopt;
  const ir::Operation* fixed = operation_starting_at(after, shifted(op->range().begin, edits));
  if (fixed == nullptr || fixed->kind() != ir::OperationKind::AddIndexConcurrently) return std::nullopt;
  // Alone in its migration it is the whole fix; beside other operations, a non-atomic migration
  // has its own risk (ZD010): the user chooses.
  const bool alone = m.operations.size() == 1 && m.unresolved_operations.empty();
  return QuickFix{"Build the index with `AddIndexConcurrently` in a non-atomic migration", std::move(edits), alone};
}

std::optional<QuickFix> non_atomic_fix(const ir::Migration& m) {
  if (m.atomic == ir::Tri::No) return std::nullopt;
  std::vector<TextReplacement> edits;
  if (!make_non_atomic(m, edits)) return std::nullopt;
  const ir::Migration after = reread(m, edits);
  if (after.syntax_error || after.atomic != ir::Tri::No) return std::nullopt;
  return QuickFix{"Make the migration non-atomic (`atomic = False`)", std::move(edits), true};
}

}  // namespace

std::string apply_replacements(std::string_view text, const std::vector<TextReplacement>& edits) {
  std::string out;
  out.reserve(text.size());
  uint32_t at = 0;
  for (const TextReplacement& e : edits) {
    const uint32_t begin = std::clamp(e.range.begin, at, static_cast<uint32_t>(text.size()));
    const uint32_t end = std::clamp(e.range.end, begin, static_cast<uint32_t>(text.size()));
    out.append(text.substr(at, begin - at)).append(e.text);
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

std::vector<QuickFix> quick_fixes(const diagnostics::Diagnostic& diagnostic, const ir::Migration& migration) {
  std::vector<QuickFix> fixes;
  if (migration.syntax_error || migration.source == nullptr) return fixes;
  if (diagnostic.code == kRunPythonWithoutReverse) {
    if (auto fix = noop_reverse_fix(diagnostic, migration)) fixes.push_back(std::move(*fix));
  } else if (diagnostic.code == kAddIndexNonConcurrently) {
    if (auto fix = concurrent_index_fix(diagnostic, migration)) fixes.push_back(std::move(*fix));
  } else if (diagnostic.code == kConcurrentIndexInAtomicMigration) {
    if (auto fix = non_atomic_fix(migration)) fixes.push_back(std::move(*fix));
  }
  if (auto fix = suppression_fix(diagnostic, migration)) fixes.push_back(std::move(*fix));
  return fixes;
}

}  // namespace godwit::lsp
