#include "analyzer/frontend/migration_extractor.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/frontend/function_analyzer.h"
#include "analyzer/frontend/lexical_problems.h"
#include "analyzer/frontend/literal_reader.h"
#include "analyzer/frontend/module_scope.h"
#include "analyzer/frontend/node_cursor.h"
#include "analyzer/frontend/python_grammar.h"
#include "analyzer/frontend/python_literals.h"

namespace godwit::frontend {

namespace {

using ir::Value;
using source::TextRange;

// Nesting beyond this degrades to Opaque rather than risking the stack.
constexpr uint32_t kMaxDepth = 200;
// Name substitutions followed before giving up (guards `A = B; B = A`).
constexpr uint32_t kMaxAliasChain = 16;

// Python's builtin functions and types (sorted): a star import from Django never rebinds them.
constexpr std::array<std::string_view, 69> kBuiltins{
    "__import__", "abs",       "all",   "any",         "ascii",   "bin",     "bool",    "breakpoint",   "bytearray",
    "bytes",      "callable",  "chr",   "classmethod", "compile", "complex", "delattr", "dict",         "dir",
    "divmod",     "enumerate", "eval",  "exec",        "filter",  "float",   "format",  "frozenset",    "getattr",
    "globals",    "hasattr",   "hash",  "help",        "hex",     "id",      "input",   "int",          "isinstance",
    "issubclass", "iter",      "len",   "list",        "locals",  "map",     "max",     "memoryview",   "min",
    "next",       "object",    "oct",   "open",        "ord",     "pow",     "print",   "property",     "range",
    "repr",       "reversed",  "round", "set",         "setattr", "slice",   "sorted",  "staticmethod", "str",
    "sum",        "super",     "tuple", "type",        "vars",    "zip"};

bool is_builtin(std::string_view name) { return std::binary_search(kBuiltins.begin(), kBuiltins.end(), name); }

// The first line of `text`, cut after `limit` bytes at a code point boundary (the text is valid
// UTF-8, and so must be what ends up in messages).
std::string abridge(std::string_view text, size_t limit = 40) {
  const std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  if (line.size() <= limit) return std::string(line);
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return std::string(line.substr(0, cut)) + "…";
}

// Finds the earliest innermost ERROR or MISSING node without recursion.
std::optional<ir::SyntaxProblem> first_syntax_problem(TSNode root, std::string_view text) {
  if (!ts_node_has_error(root)) return std::nullopt;
  std::optional<ir::SyntaxProblem> best;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  uint32_t depth = 0;
  while (true) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    bool descend = false;
    if (ts_node_is_missing(node)) {
      const uint32_t at = ts_node_start_byte(node);
      if (!best || at < best->range.begin) {
        best = ir::SyntaxProblem{ir::SyntaxProblem::Kind::Missing, TextRange{at, at}, ts_node_type(node), {}};
      }
    } else if (ts_node_has_error(node)) {
      const bool is_error = ts_node_symbol(node) == static_cast<TSSymbol>(-1);  // the ERROR symbol
      bool inner_error = false;
      for (ChildCursor c(node); c.valid(); c.next()) {
        if (ts_node_has_error(c.node()) || ts_node_is_missing(c.node())) {
          inner_error = true;
          break;
        }
      }
      if (is_error && !inner_error) {
        TextRange r = range_of(node);
        // An ERROR may start with the line break before the text it could not parse.
        while (r.begin < r.end && r.begin < text.size() &&
               std::string_view(" \t\f\r\n").find(text[r.begin]) != std::string_view::npos) {
          ++r.begin;
        }
        if (!best || r.begin < best->range.begin) {
          best =
              ir::SyntaxProblem{ir::SyntaxProblem::Kind::Error, r, abridge(text.substr(r.begin, r.end - r.begin)), {}};
        }
      } else {
        descend = inner_error;
      }
    }
    // Children start at or after their parent, so nothing after the best start can beat it.
    if (best && ts_node_start_byte(node) > best->range.begin) descend = false;
    if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
      ++depth;
      continue;
    }
    bool done = false;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) {
        done = true;
        break;
      }
      --depth;
    }
    if (done || depth == 0) break;
  }
  ts_tree_cursor_delete(&cursor);
  if (best && best->kind == ir::SyntaxProblem::Kind::Error && best->range.empty()) {
    best->range.end = best->range.begin;
  }
  return best;
}

class Extractor {
 public:
  Extractor(const SyntaxTree& tree, ir::Migration& migration, ExtractOptions options)
      : options_(options),
        g_(PythonGrammar::get()),
        text_(tree.source().text()),
        root_(tree.root()),
        m_(migration),
        functions_(text_, migration, module_) {}

  void run() {
    if (auto problem = choose_syntax_problem(first_syntax_problem(root_, text_), find_lexical_problems(text_))) {
      m_.syntax_error = std::move(problem);
      return;
    }
    collect_block(root_, /*in_class=*/false);
    for (const TSNode def : module_defs_) functions_.analyze_def(def, ir::FunctionInfo::Scope::Module);
    for (const TSNode cls : other_classes_) read_class_info(cls);
    if (!ts_node_is_null(migration_class_)) {
      read_migration_class(migration_class_);
    } else if (!ts_node_is_null(migration_binding_)) {
      // `Migration = make_migration(...)`, `from .base import Migration`: a Migration exists, but
      // nothing about it is known.
      m_.has_migration_class = true;
      m_.class_range = range_of(migration_binding_);
      m_.dependencies_known = false;
      m_.unresolved_operations.push_back(
          {range_of(migration_binding_), "a `Migration` that is not defined by a class statement in this file", -1});
    }
    check_outside_modifications();
    collect_comments();
  }

 private:
  // ---- module structure ----

  void collect_block(TSNode block, bool nested) {
    for (ChildCursor c(block); c.valid(); c.next()) {
      const TSNode stmt = c.node();
      const TSSymbol kind = ts_node_symbol(stmt);
      if (kind == g_.import_statement || kind == g_.import_from_statement) {
        const size_t first = m_.imports.size();
        read_import_statement(stmt, text_, -1, m_.imports, &module_);
        // `from .base import Migration`: the module has a Migration, defined elsewhere.
        for (size_t i = first; i < m_.imports.size(); ++i) {
          if (m_.imports[i].binding == "Migration" && ts_node_is_null(migration_binding_)) migration_binding_ = stmt;
        }
      } else if (kind == g_.function_definition) {
        bind_def(stmt, Binding::Kind::Def);
      } else if (kind == g_.class_definition) {
        bind_def(stmt, Binding::Kind::Class);
      } else if (kind == g_.decorated_definition) {
        const TSNode def = ts_node_child_by_field_id(stmt, g_.f_definition);
        bind_def(def, ts_node_symbol(def) == g_.class_definition ? Binding::Kind::Class : Binding::Kind::Def);
      } else if (kind == g_.expression_statement) {
        bind_assignments(stmt);
      } else if (kind == g_.if_statement || kind == g_.try_statement || kind == g_.with_statement ||
                 kind == g_.elif_clause || kind == g_.else_clause || kind == g_.except_clause ||
                 kind == g_.finally_clause || kind == g_.block) {
        // Conditional imports and definitions (`try: import x except ImportError: ...`).
        for (ChildCursor inner(stmt); inner.valid(); inner.next()) {
          const TSSymbol k = ts_node_symbol(inner.node());
          if (k == g_.block || k == g_.elif_clause || k == g_.else_clause || k == g_.except_clause ||
              k == g_.finally_clause) {
            collect_block(inner.node(), true);
          }
        }
      }
    }
    (void)nested;
  }

  void bind_def(TSNode def, Binding::Kind kind) {
    if (ts_node_is_null(def)) return;
    const std::string_view name = text_of(ts_node_child_by_field_id(def, g_.f_name), text_);
    module_.bind(name, Binding{kind, ts_node_end_byte(def), def, 0});
    if (kind == Binding::Kind::Def) {
      module_defs_.push_back(def);
    } else if (name == "Migration") {
      migration_class_ = def;  // a later definition wins, as at import time
    } else {
      other_classes_.push_back(def);
    }
  }

  void bind_assignments(TSNode statement) {
    for (ChildCursor c(statement); c.valid(); c.next()) {
      TSNode node = c.node();
      const uint32_t bound_at = ts_node_end_byte(node);
      // `a = b = value`: every target binds the final value.
      std::vector<TSNode> targets;
      while (ts_node_symbol(node) == g_.assignment) {
        targets.push_back(ts_node_child_by_field_id(node, g_.f_left));
        const TSNode right = ts_node_child_by_field_id(node, g_.f_right);
        if (ts_node_is_null(right) || ts_node_symbol(right) != g_.assignment) {
          for (const TSNode target : targets) {
            if (ts_node_symbol(target) != g_.identifier) continue;
            const std::string_view name = text_of(target, text_);
            module_.bind(name, Binding{Binding::Kind::Assign, bound_at, right, 0});
            if (name == "Migration" && ts_node_is_null(migration_binding_)) migration_binding_ = statement;
          }
          break;
        }
        node = right;
      }
    }
  }

  void read_class_info(TSNode cls) {
    ir::ClassInfo info;
    info.name = std::string(text_of(ts_node_child_by_field_id(cls, g_.f_name), text_));
    const TSNode bases = ts_node_child_by_field_id(cls, g_.f_superclasses);
    info.range = TextRange{ts_node_start_byte(cls), ts_node_end_byte(ts_node_is_null(bases)
                                                                         ? ts_node_child_by_field_id(cls, g_.f_name)
                                                                         : bases)};
    if (!ts_node_is_null(bases)) {
      for (ChildCursor c(bases); c.valid(); c.next()) {
        const TSSymbol k = ts_node_symbol(c.node());
        if (k == g_.identifier || k == g_.attribute) {
          const Value v = read_value(c.node(), 0, nullptr);
          info.bases.push_back(v.is(Value::Kind::Name) ? v.text() : std::string(text_of(c.node(), text_)));
        }
      }
    }
    const TSNode body = ts_node_child_by_field_id(cls, g_.f_body);
    if (!ts_node_is_null(body)) {
      for (ChildCursor c(body); c.valid(); c.next()) {
        if (ts_node_symbol(c.node()) != g_.expression_statement) continue;
        const TSNode assignment = ts_node_named_child(c.node(), 0);
        if (ts_node_symbol(assignment) != g_.assignment) continue;
        const TSNode left = ts_node_child_by_field_id(assignment, g_.f_left);
        if (text_of(left, text_) != "reversible") continue;
        const Value v = read_value(ts_node_child_by_field_id(assignment, g_.f_right), 0, nullptr);
        info.reversible = v.as_bool();
        info.reversible_range = range_of(c.node());
      }
    }
    m_.classes.push_back(std::move(info));
  }

  // ---- the Migration class ----

  void read_migration_class(TSNode cls) {
    m_.has_migration_class = true;
    const TSNode bases = ts_node_child_by_field_id(cls, g_.f_superclasses);
    m_.class_range = TextRange{ts_node_start_byte(cls),
                               ts_node_end_byte(ts_node_is_null(bases) ? ts_node_child_by_field_id(cls, g_.f_name)
                                                                        : bases)};
    // A base other than django's Migration may provide operations and dependencies.
    std::string foreign_base;
    if (!ts_node_is_null(bases)) {
      for (ChildCursor c(bases); c.valid(); c.next()) {
        if (!ts_node_is_named(c.node()) || ts_node_symbol(c.node()) == g_.comment) continue;
        if (ts_node_symbol(c.node()) == g_.keyword_argument) continue;
        const Value v = read_value(c.node(), 0, nullptr);
        if (!(v.is(Value::Kind::Name) && v.text() == "django.db.migrations.Migration") &&
            !(v.is(Value::Kind::Name) && v.text().starts_with("django.db.migrations.") && v.short_name() == "Migration")) {
          foreign_base = std::string(text_of(c.node(), text_));
        }
      }
    }
    const TSNode body = ts_node_child_by_field_id(cls, g_.f_body);
    bool saw_dependencies = false;
    if (!ts_node_is_null(body)) {
      for (ChildCursor c(body); c.valid(); c.next()) read_class_statement(c.node(), saw_dependencies);
    }
    if (!foreign_base.empty()) {
      if (!m_.operations_found) {
        m_.unresolved_operations.push_back({m_.class_range, "`operations` inherited from `" + foreign_base + "`", -1});
      }
      if (!saw_dependencies) m_.dependencies_known = false;
    }
  }

  void read_class_statement(TSNode stmt, bool& saw_dependencies) {
    const TSSymbol kind = ts_node_symbol(stmt);
    if (kind == g_.function_definition) {
      class_.bind(text_of(ts_node_child_by_field_id(stmt, g_.f_name), text_),
                  Binding{Binding::Kind::Def, ts_node_end_byte(stmt), stmt, 0});
      functions_.analyze_def(stmt, ir::FunctionInfo::Scope::MigrationClass);
      return;
    }
    if (kind == g_.decorated_definition) {
      const TSNode def = ts_node_child_by_field_id(stmt, g_.f_definition);
      if (ts_node_symbol(def) == g_.function_definition) {
        class_.bind(text_of(ts_node_child_by_field_id(def, g_.f_name), text_),
                    Binding{Binding::Kind::Def, ts_node_end_byte(def), def, 0});
        functions_.analyze_def(def, ir::FunctionInfo::Scope::MigrationClass);
      }
      return;
    }
    if (kind == g_.expression_statement) {
      const TSNode inner = ts_node_named_child(stmt, 0);
      const TSSymbol inner_kind = ts_node_symbol(inner);
      if (inner_kind == g_.assignment) {
        read_class_assignment(stmt, inner, saw_dependencies);
      } else if (inner_kind == g_.augmented_assignment) {
        read_class_augmented(stmt, inner);
      } else if (mentions_operations(stmt)) {
        m_.unresolved_operations.push_back({range_of(stmt), describe_mutation(inner), -1});
      }
      return;
    }
    if (kind == g_.comment) return;
    if (mentions_operations(stmt)) {
      m_.unresolved_operations.push_back(
          {range_of(stmt), with_article(statement_keyword(stmt)) + " statement that changes `operations`", -1});
    }
  }

  void read_class_assignment(TSNode stmt, TSNode assignment, bool& saw_dependencies) {
    const TSNode left = ts_node_child_by_field_id(assignment, g_.f_left);
    const TSNode right = ts_node_child_by_field_id(assignment, g_.f_right);
    if (ts_node_symbol(left) != g_.identifier || ts_node_is_null(right)) return;
    const std::string_view name = text_of(left, text_);
    class_.bind(name, Binding{Binding::Kind::Assign, ts_node_end_byte(assignment), right, 0});
    if (name == "operations") {
      m_.operations_found = true;
      m_.operations_range = range_of(stmt);
      // The new value replaces everything known so far, which it may use itself
      // (`operations = operations + [...]`).
      previous_operations_ =
          PreviousOperations{std::exchange(m_.operations, {}), std::exchange(m_.unresolved_operations, {})};
      read_operation_list(right, m_.operations, 0, range_of(stmt));
      previous_operations_.reset();
    } else if (name == "dependencies") {
      saw_dependencies = true;
      m_.dependencies_range = range_of(stmt);
      m_.dependencies.clear();
      read_dependencies(read_value_fast(right, 0, &class_));
    } else if (name == "replaces") {
      m_.replaces = read_refs(read_value(right, 0, &class_));
    } else if (name == "run_before") {
      m_.run_before = read_refs(read_value(right, 0, &class_));
    } else if (name == "initial") {
      m_.initial = read_value(right, 0, &class_).as_bool();
    } else if (name == "atomic") {
      const auto atomic = read_value(right, 0, &class_).as_bool();
      m_.atomic = atomic ? ir::tri(*atomic) : ir::Tri::Unknown;
      m_.atomic_range = range_of(stmt);
    } else if (name == "safe") {
      m_.safe = read_marker(read_value(right, 0, &class_), range_of(stmt));
    }
  }

  void read_class_augmented(TSNode stmt, TSNode augmented) {
    const TSNode left = ts_node_child_by_field_id(augmented, g_.f_left);
    const TSNode op = ts_node_child_by_field_id(augmented, g_.f_operator);
    const TSNode right = ts_node_child_by_field_id(augmented, g_.f_right);
    const std::string_view name = text_of(left, text_);
    if (name == "operations" && text_of(op, text_) == "+=") {
      read_operation_list(right, m_.operations, 0, range_of(stmt));
    } else if (name == "dependencies" && text_of(op, text_) == "+=") {
      read_dependencies(read_value(right, 0, &class_));
    } else if (name == "operations") {
      m_.unresolved_operations.push_back(
          {range_of(stmt), "`operations " + std::string(text_of(op, text_)) + " ...`", -1});
    }
  }

  // True when the statement reads or writes `operations` (an identifier, or Migration.operations).
  // True when the statement changes `operations` (assigns, augments, mutates it with a list
  // method, assigns or deletes an item); merely reading it (`if len(operations) > 3:`) is not.
  // In the class body `operations` is the attribute; at module level only `Migration.operations`.
  bool mentions_operations(TSNode stmt, bool class_body = true) const {
    static constexpr std::array<std::string_view, 8> kMutators{"append", "extend", "insert", "remove",
                                                               "pop",    "clear",  "reverse", "sort"};
    auto is_operations = [&](TSNode n) {
      if (ts_node_is_null(n)) return false;
      if (ts_node_symbol(n) == g_.attribute) {
        const TSNode object = ts_node_child_by_field_id(n, g_.f_object);
        return text_of(ts_node_child_by_field_id(n, g_.f_attribute), text_) == "operations" &&
               ts_node_symbol(object) == g_.identifier && text_of(object, text_) == "Migration";
      }
      return class_body && ts_node_symbol(n) == g_.identifier && text_of(n, text_) == "operations";
    };
    auto targets_operations = [&](TSNode target) {
      if (is_operations(target)) return true;
      if (ts_node_symbol(target) == g_.subscript) return is_operations(ts_node_child_by_field_id(target, g_.f_value));
      if (ts_node_symbol(target) == g_.pattern_list || ts_node_symbol(target) == g_.tuple_pattern) {
        for (ChildCursor c(target); c.valid(); c.next()) {
          if (is_operations(c.node())) return true;
        }
      }
      return false;
    };
    TSTreeCursor cursor = ts_tree_cursor_new(stmt);
    uint32_t depth = 0;
    bool found = false;
    while (!found) {
      const TSNode node = ts_tree_cursor_current_node(&cursor);
      const TSSymbol kind = ts_node_symbol(node);
      if (kind == g_.assignment || kind == g_.augmented_assignment) {
        found = targets_operations(ts_node_child_by_field_id(node, g_.f_left));
      } else if (kind == g_.named_expression) {
        found = is_operations(ts_node_child_by_field_id(node, g_.f_name));
      } else if (kind == g_.delete_statement) {
        for (ChildCursor c(node); c.valid() && !found; c.next()) found = targets_operations(c.node());
      } else if (kind == g_.call) {
        const TSNode function = ts_node_child_by_field_id(node, g_.f_function);
        if (ts_node_symbol(function) == g_.attribute && is_operations(ts_node_child_by_field_id(function, g_.f_object))) {
          const std::string_view method = text_of(ts_node_child_by_field_id(function, g_.f_attribute), text_);
          found = std::find(kMutators.begin(), kMutators.end(), method) != kMutators.end();
        }
      }
      if (found) break;
      if (depth < kMaxDepth && ts_tree_cursor_goto_first_child(&cursor)) {
        ++depth;
        continue;
      }
      bool done = false;
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) {
          done = true;
          break;
        }
        --depth;
      }
      if (done || depth == 0) break;
    }
    ts_tree_cursor_delete(&cursor);
    return found;
  }

  // "an `if`", "a `for`".
  static std::string with_article(std::string_view keyword) {
    const bool vowel = !keyword.empty() && std::string_view("aeiou").find(keyword.front()) != std::string_view::npos;
    return std::string(vowel ? "an `" : "a `") + std::string(keyword) + "`";
  }

  std::string_view statement_keyword(TSNode stmt) const {
    const std::string_view t = text_of(stmt, text_);
    const auto end = t.find_first_of(" \t\r\n:(");
    return t.substr(0, end);
  }

  std::string describe_mutation(TSNode expr) const {
    if (ts_node_symbol(expr) == g_.call) {
      return "`" + abridge(text_of(ts_node_child_by_field_id(expr, g_.f_function), text_)) + "(...)`";
    }
    return "`" + abridge(text_of(expr, text_)) + "`";
  }

  // Module-level code after the class that changes Migration.operations.
  void check_outside_modifications() {
    if (ts_node_is_null(migration_class_)) return;
    const uint32_t class_end = ts_node_end_byte(migration_class_);
    for (ChildCursor c(root_); c.valid(); c.next()) {
      const TSNode stmt = c.node();
      if (ts_node_start_byte(stmt) < class_end || ts_node_symbol(stmt) == g_.comment) continue;
      if (ts_node_symbol(stmt) == g_.function_definition || ts_node_symbol(stmt) == g_.class_definition ||
          ts_node_symbol(stmt) == g_.decorated_definition) {
        continue;
      }
      if (mentions_operations(stmt, /*class_body=*/false)) {
        m_.unresolved_operations.push_back({range_of(stmt), "module code that changes `Migration.operations`", -1});
      }
    }
  }

  // ---- operations ----

  // Reads `node` as a list of operations. `whole` is where to report `node` itself when it cannot
  // be resolved: the `operations = ...` statement for the whole value, the `*element` for a
  // starred element, the name as written for a name bound elsewhere; by default, `node`.
  void read_operation_list(TSNode node, std::vector<ir::Operation>& out, uint32_t depth,
                           std::optional<TextRange> whole = std::nullopt) {
    const TextRange here = whole.value_or(range_of(node));
    if (depth > kMaxAliasChain + kMaxDepth) {
      m_.unresolved_operations.push_back({here, "operations nested too deeply", -1});
      return;
    }
    const TSSymbol kind = ts_node_symbol(node);
    if (kind == g_.list || kind == g_.tuple) {
      for (ChildCursor c(node); c.valid(); c.next()) {
        if (!ts_node_is_named(c.node()) || ts_node_symbol(c.node()) == g_.comment) continue;
        read_operation_element(c.node(), out, depth + 1);
      }
      return;
    }
    if (const TSNode inner = parenthesized(node); !ts_node_is_null(inner)) {
      read_operation_list(inner, out, depth + 1, whole);
      return;
    }
    if (is_concatenation(node)) {
      // `a + b + c` nests to the left, one level per term: walk the chain instead of recursing,
      // so that a long chain is read whole.
      std::vector<TSNode> terms;
      TSNode left = node;
      for (; is_concatenation(left); left = ts_node_child_by_field_id(left, g_.f_left)) {
        terms.push_back(ts_node_child_by_field_id(left, g_.f_right));
      }
      terms.push_back(left);
      for (auto term = terms.rbegin(); term != terms.rend(); ++term) read_operation_list(*term, out, depth + 1);
      return;
    }
    if (kind == g_.identifier) {
      const std::string_view name = text_of(node, text_);
      if (name == "operations" && previous_operations_ && class_binding(class_, name, ts_node_start_byte(node))) {
        splice_previous_operations(node, out);
        return;
      }
      const Binding* b = lookup_value_binding(name, ts_node_start_byte(node));
      if (b != nullptr && b->kind == Binding::Kind::Assign && !ts_node_is_null(b->node) && depth < kMaxAliasChain &&
          !ts_node_eq(b->node, node)) {
        read_operation_list(b->node, out, depth + 1, here);
        return;
      }
      m_.unresolved_operations.push_back(
          {here, "`" + std::string(name) + "`, which is not a list defined in this file", -1});
      return;
    }
    m_.unresolved_operations.push_back({here, describe_unresolved(node), -1});
  }

  // The expression inside `( ... )`, comments aside; null when `node` is not one.
  TSNode parenthesized(TSNode node) const {
    if (ts_node_symbol(node) != g_.parenthesized_expression) return TSNode{};
    TSNode inner{};
    for (ChildCursor c(node); c.valid(); c.next()) {
      if (!ts_node_is_named(c.node()) || ts_node_symbol(c.node()) == g_.comment) continue;
      if (!ts_node_is_null(inner)) return TSNode{};  // more than one expression
      inner = c.node();
    }
    return inner;
  }

  bool is_concatenation(TSNode node) const {
    return ts_node_symbol(node) == g_.binary_operator &&
           text_of(ts_node_child_by_field_id(node, g_.f_operator), text_) == "+";
  }

  std::string describe_unresolved(TSNode node) const {
    const TSSymbol kind = ts_node_symbol(node);
    if (kind == g_.call) {
      return "a call to `" + abridge(text_of(ts_node_child_by_field_id(node, g_.f_function), text_)) + "()`";
    }
    if (kind == g_.list_comprehension || kind == g_.generator_expression) return "a comprehension";
    if (kind == g_.conditional_expression) return "a conditional expression";
    if (kind == g_.subscript) return "a subscript";
    if (kind == g_.identifier || kind == g_.attribute) {
      return "`" + abridge(text_of(node, text_)) + "`, which is not defined in this file";
    }
    return "`" + abridge(text_of(node, text_)) + "`";
  }

  // `operations` as it was before the assignment being read: moved into `out` once.
  void splice_previous_operations(TSNode reference, std::vector<ir::Operation>& out) {
    PreviousOperations& previous = *previous_operations_;
    if (previous.used) {
      m_.unresolved_operations.push_back({range_of(reference), "`operations` is used twice in its own value", -1});
      return;
    }
    previous.used = true;
    for (ir::Operation& op : previous.operations) out.push_back(std::move(op));
    for (ir::UnresolvedOperations& u : previous.unresolved) m_.unresolved_operations.push_back(std::move(u));
  }

  // The binding of `name` in the Migration class body in effect at `offset`, if any.
  static const Binding* class_binding(const Scope& cls, std::string_view name, uint32_t offset) {
    const Binding* b = cls.lookup(name, offset);
    return b != nullptr && b->offset < offset ? b : nullptr;
  }

  // A binding never explains a use inside its own definition (Scope::lookup falls back to a
  // later binding): `OPS = OPS + [...]` with no earlier OPS, `class Migration(Migration)`.
  static const Binding* unless_inside(const Binding* b, uint32_t offset) {
    if (b == nullptr || ts_node_is_null(b->node)) return b;
    return ts_node_start_byte(b->node) <= offset && offset < ts_node_end_byte(b->node) ? nullptr : b;
  }

  const Binding* lookup_value_binding(std::string_view name, uint32_t offset) const {
    if (const Binding* b = class_binding(class_, name, offset)) return b;
    return unless_inside(module_.lookup(name, offset), offset);
  }

  void read_operation_element(TSNode element, std::vector<ir::Operation>& out, uint32_t depth) {
    TSNode node = element;
    for (uint32_t hops = 0; hops < kMaxAliasChain; ++hops) {
      const TSSymbol kind = ts_node_symbol(node);
      if (const TSNode inner = parenthesized(node); !ts_node_is_null(inner)) {
        node = inner;
        continue;
      }
      if (kind == g_.identifier) {
        const Binding* b = lookup_value_binding(text_of(node, text_), ts_node_start_byte(node));
        if (b != nullptr && b->kind == Binding::Kind::Assign && !ts_node_is_null(b->node)) {
          node = b->node;
          continue;
        }
      }
      break;
    }
    const TSSymbol kind = ts_node_symbol(node);
    if (kind == g_.list_splat) {
      const TSNode inner = ts_node_named_child(node, 0);
      read_operation_list(inner, out, depth + 1, range_of(element));
      return;
    }
    if (kind == g_.call) {
      out.push_back(read_operation(node, depth));
      return;
    }
    auto unresolved = ir::UnresolvedOperations{range_of(element), describe_unresolved(node), 1};
    m_.unresolved_operations.push_back(std::move(unresolved));
  }

  ir::Operation read_operation(TSNode call, uint32_t depth) {
    Value value = read_value_fast(call, 0, &class_);
    const ir::OperationKind kind = operation_kind(value);
    ir::Operation op(kind, std::move(value));
    if (kind == ir::OperationKind::SeparateDatabaseAndState || kind == ir::OperationKind::RunSQL) {
      std::vector<ir::Operation> database;
      std::vector<ir::Operation> state;
      read_nested(call, ir::Param::database_operations, kind, database, depth);
      read_nested(call, ir::Param::state_operations, kind, state, depth);
      op.set_nested(std::move(database), std::move(state));
    }
    return op;
  }

  // Finds the argument node for `param` of an operation call and reads it as an operation list.
  void read_nested(TSNode call, ir::Param param, ir::OperationKind kind, std::vector<ir::Operation>& out,
                   uint32_t depth) {
    const ir::OperationSignature& sig = ir::signature(kind);
    const auto position = std::find(sig.params.begin(), sig.params.end(), param) - sig.params.begin();
    if (static_cast<size_t>(position) >= sig.params.size()) return;
    const TSNode args = ts_node_child_by_field_id(call, g_.f_arguments);
    if (ts_node_is_null(args) || ts_node_symbol(args) != g_.argument_list) return;
    long index = 0;
    bool after_splat = false;  // positions after `*args` are unknown
    for (ChildCursor c(args); c.valid(); c.next()) {
      const TSNode arg = c.node();
      if (!ts_node_is_named(arg) || ts_node_symbol(arg) == g_.comment) continue;
      if (ts_node_symbol(arg) == g_.keyword_argument) {
        if (text_of(ts_node_child_by_field_id(arg, g_.f_name), text_) == ir::param_name(param)) {
          read_operation_list(ts_node_child_by_field_id(arg, g_.f_value), out, depth + 1);
        }
        continue;
      }
      after_splat = after_splat || ts_node_symbol(arg) == g_.list_splat;
      if (after_splat || ts_node_symbol(arg) == g_.dictionary_splat) continue;
      if (index++ == position && position < sig.positional) read_operation_list(arg, out, depth + 1);
    }
  }

  static ir::OperationKind operation_kind(const Value& call) {
    if (!call.is(Value::Kind::Call) || call.origin() != ir::NameOrigin::Imported) return ir::OperationKind::Custom;
    const std::string& callee = call.text();
    const std::string_view name = call.short_name();
    if (callee.starts_with("django.db.migrations.")) {
      return ir::operation_kind_from_name(name, ir::OperationFamily::Django).value_or(ir::OperationKind::Custom);
    }
    if (callee.starts_with("django.contrib.postgres.operations.")) {
      return ir::operation_kind_from_name(name, ir::OperationFamily::Postgres).value_or(ir::OperationKind::Custom);
    }
    if (callee.starts_with("django_add_default_value.") && name == "AddDefaultValue") {
      return ir::OperationKind::AddDefaultValue;
    }
    if (callee.starts_with("django_migration_linter.") && name == "IgnoreMigration") {
      return ir::OperationKind::IgnoreMigration;
    }
    return ir::OperationKind::Custom;
  }

  // ---- dependencies, replaces, markers ----

  void read_dependencies(const Value& value) {
    if (!value.is_sequence() || value.has_unpacking()) {
      m_.dependencies_known = false;
      m_.dependencies.push_back(ir::Dependency{ir::Dependency::Kind::Unknown, {}, {}, {}, value.range()});
      return;
    }
    for (const Value& entry : value.elements()) {
      ir::Dependency dep;
      dep.range = entry.range();
      if (entry.is(Value::Kind::Call) && entry.short_name() == "swappable_dependency") {
        const auto args = entry.elements();
        if (args.size() == 1 && args[0].is(Value::Kind::Name) && args[0].text().starts_with("django.conf.settings.")) {
          dep.kind = ir::Dependency::Kind::Swappable;
          dep.setting = args[0].text().substr(std::string_view("django.conf.settings.").size());
        } else if (args.size() == 1 && args[0].as_string() != nullptr) {
          // swappable_dependency("accounts.User")
          dep.kind = ir::Dependency::Kind::Swappable;
          dep.setting = *args[0].as_string();
        } else {
          m_.dependencies_known = false;
        }
      } else if ((entry.is(Value::Kind::Tuple) || entry.is(Value::Kind::List)) && entry.elements().size() == 2 &&
                 entry.elements()[0].as_string() != nullptr && entry.elements()[1].as_string() != nullptr) {
        dep.app = *entry.elements()[0].as_string();
        dep.name = *entry.elements()[1].as_string();
        dep.kind = dep.name == "__first__"    ? ir::Dependency::Kind::First
                   : dep.name == "__latest__" ? ir::Dependency::Kind::Latest
                                              : ir::Dependency::Kind::Migration;
      } else {
        m_.dependencies_known = false;
      }
      m_.dependencies.push_back(std::move(dep));
    }
  }

  static std::vector<ir::MigrationRef> read_refs(const Value& value) {
    std::vector<ir::MigrationRef> refs;
    if (!value.is_sequence()) {
      refs.push_back(ir::MigrationRef{{}, {}, value.range(), false});
      return refs;
    }
    for (const Value& entry : value.elements()) {
      const auto pair = entry.elements();
      if ((entry.is(Value::Kind::Tuple) || entry.is(Value::Kind::List)) && pair.size() == 2 &&
          pair[0].as_string() != nullptr && pair[1].as_string() != nullptr) {
        refs.push_back(ir::MigrationRef{*pair[0].as_string(), *pair[1].as_string(), entry.range(), true});
      } else {
        refs.push_back(ir::MigrationRef{{}, {}, entry.range(), false});
      }
    }
    return refs;
  }

  static ir::SafeMarker read_marker(const Value& value, TextRange range) {
    ir::SafeMarker marker;
    marker.range = range;
    if (!value.is(Value::Kind::Call) && !value.is(Value::Kind::Name)) return marker;
    const std::string& name = value.text();
    auto is = [&](std::string_view member) {
      const std::string suffix = "Safe." + std::string(member);
      return name == suffix || name.ends_with("." + suffix);
    };
    if (is("before_deploy")) marker.kind = ir::SafeMarker::Kind::BeforeDeploy;
    if (is("after_deploy")) marker.kind = ir::SafeMarker::Kind::AfterDeploy;
    if (is("always")) marker.kind = ir::SafeMarker::Kind::Always;
    return marker;
  }

  // ---- values ----

  struct Resolved {
    enum class Kind : uint8_t { Import, Local, Assigned, Unknown };
    Kind kind = Kind::Unknown;
    std::string qualified;
    TSNode value{};  // Assigned: the right-hand side
  };

  // Resolves the root of a dotted name through class scope, module scope and imports.
  Resolved resolve(std::string_view root, uint32_t offset, const Scope* cls) const {
    Resolved r;
    const Binding* b = cls != nullptr ? class_binding(*cls, root, offset) : nullptr;
    if (b == nullptr) b = unless_inside(module_.lookup(root, offset), offset);
    if (b == nullptr && !is_builtin(root)) {
      for (const uint32_t index : module_.star_imports) {
        const std::string& module = m_.imports[index].module;
        if (module.starts_with("django.")) {
          r.kind = Resolved::Kind::Import;
          r.qualified = join_qualified(module, root);
          return r;
        }
      }
    }
    if (b == nullptr) {
      r.qualified = std::string(root);
      return r;
    }
    switch (b->kind) {
      case Binding::Kind::Import:
        r.kind = Resolved::Kind::Import;
        r.qualified = m_.imports[b->import_index].target;
        return r;
      case Binding::Kind::Def:
      case Binding::Kind::Class:
        r.kind = Resolved::Kind::Local;
        r.qualified = std::string(root);
        return r;
      case Binding::Kind::Assign:
        r.kind = Resolved::Kind::Assigned;
        r.qualified = std::string(root);
        r.value = b->node;
        return r;
    }
    return r;
  }

  // The identifiers of a dotted name (`a.b.c`), or empty when it is not one.
  bool dotted_parts(TSNode node, std::vector<std::string_view>& parts, uint32_t depth) const {
    if (depth > kMaxDepth) return false;
    const TSSymbol kind = ts_node_symbol(node);
    if (kind == g_.identifier) {
      parts.push_back(text_of(node, text_));
      return true;
    }
    if (kind == g_.attribute) {
      if (!dotted_parts(ts_node_child_by_field_id(node, g_.f_object), parts, depth + 1)) return false;
      parts.push_back(text_of(ts_node_child_by_field_id(node, g_.f_attribute), text_));
      return true;
    }
    return false;
  }

  Value opaque(TSNode node) const { return Value::opaque(text_of(node, text_), range_of(node)); }

  Value read_name(TSNode node, uint32_t depth, const Scope* cls) {
    std::vector<std::string_view> parts;
    if (!dotted_parts(node, parts, 0) || parts.empty()) return opaque(node);
    const Resolved r = resolve(parts[0], offset_for(node), cls);
    std::string rest;
    for (size_t i = 1; i < parts.size(); ++i) {
      rest += '.';
      rest += parts[i];
    }
    switch (r.kind) {
      case Resolved::Kind::Import:
        return Value::name(r.qualified + rest, ir::NameOrigin::Imported, range_of(node));
      case Resolved::Kind::Local:
        return Value::name(r.qualified + rest, ir::NameOrigin::Local, range_of(node));
      case Resolved::Kind::Unknown:
        return Value::name(r.qualified + rest, ir::NameOrigin::Unknown, range_of(node));
      case Resolved::Kind::Assigned:
        if (parts.size() == 1 && !ts_node_is_null(r.value) && alias_depth_ < kMaxAliasChain &&
            !ts_node_eq(r.value, node)) {
          // A module-level constant: its value, as Python would see it.
          ++alias_depth_;
          Value v = read_value(r.value, depth + 1, cls);
          --alias_depth_;
          return v;
        }
        return opaque(node);
    }
    return opaque(node);
  }

  // The value of a dotted name for the LiteralReader: exactly what read_name gives for it.
  std::optional<Value> literal_name(std::span<const std::string_view> parts, TextRange range, uint32_t depth,
                                    const Scope* cls) {
    const Resolved r = resolve(parts[0], range.begin, cls);
    std::string rest;
    for (size_t i = 1; i < parts.size(); ++i) {
      rest += '.';
      rest += parts[i];
    }
    switch (r.kind) {
      case Resolved::Kind::Import: return Value::name(r.qualified + rest, ir::NameOrigin::Imported, range);
      case Resolved::Kind::Local: return Value::name(r.qualified + rest, ir::NameOrigin::Local, range);
      case Resolved::Kind::Unknown: return Value::name(r.qualified + rest, ir::NameOrigin::Unknown, range);
      case Resolved::Kind::Assigned:
        if (parts.size() == 1 && !ts_node_is_null(r.value) && alias_depth_ < kMaxAliasChain &&
            range_of(r.value) != range) {
          ++alias_depth_;
          Value v = read_value(r.value, depth + 1, cls);
          --alias_depth_;
          return v;
        }
        break;
    }
    return Value::opaque(text_.substr(range.begin, range.end - range.begin), range);
  }

  class LiteralNames final : public LiteralReader::Names {
   public:
    LiteralNames(Extractor& extractor, const Scope* cls) : extractor_(extractor), cls_(cls) {}
    std::optional<Value> value_of(std::span<const std::string_view> parts, TextRange range, uint32_t depth) override {
      return extractor_.literal_name(parts, range, depth, cls_);
    }

   private:
    Extractor& extractor_;
    const Scope* cls_;
  };

  // read_value, from the text where the LiteralReader can read the node.
  Value read_value_fast(TSNode node, uint32_t depth, const Scope* cls) {
    if (options_.literal_reader && !ts_node_is_null(node)) {
      LiteralNames names(*this, cls);
      LiteralReader reader(text_, names);
      if (auto v = reader.read(range_of(node), depth)) return std::move(*v);
    }
    return read_value(node, depth, cls);
  }

  // Names in the Migration class body resolve against class bindings made before them.
  uint32_t offset_for(TSNode node) const { return ts_node_start_byte(node); }

  Value read_string(TSNode node) const {
    bool bytes = false;
    std::string out;
    auto read_part = [&](TSNode part) -> bool {
      StringPrefix prefix;
      uint32_t body_begin = ts_node_start_byte(part);
      uint32_t body_end = ts_node_end_byte(part);
      for (ChildCursor c(part); c.valid(); c.next()) {
        const TSSymbol k = ts_node_symbol(c.node());
        if (k == g_.string_start) {
          prefix = parse_string_prefix(text_of(c.node(), text_));
          body_begin = ts_node_end_byte(c.node());
        } else if (k == g_.string_end) {
          body_end = ts_node_start_byte(c.node());
        } else if (k == g_.interpolation) {
          return false;
        }
      }
      bytes = prefix.bytes;
      if (body_end < body_begin) return false;
      out += decode_string_body(text_.substr(body_begin, body_end - body_begin), prefix);
      return true;
    };
    if (ts_node_symbol(node) == g_.concatenated_string) {
      for (ChildCursor c(node); c.valid(); c.next()) {
        if (ts_node_symbol(c.node()) == g_.string && !read_part(c.node())) return opaque(node);
      }
    } else if (!read_part(node)) {
      return opaque(node);
    }
    return bytes ? Value::bytes(std::move(out), range_of(node)) : Value::string(std::move(out), range_of(node));
  }

  Value read_call(TSNode node, uint32_t depth, const Scope* cls) {
    const TSNode function = ts_node_child_by_field_id(node, g_.f_function);
    const Value callee = read_name(function, depth + 1, cls);
    if (!callee.is(Value::Kind::Name)) return opaque(node);
    const TSNode args = ts_node_child_by_field_id(node, g_.f_arguments);
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keywords;
    bool unpacking = false;
    if (!ts_node_is_null(args) && ts_node_symbol(args) == g_.argument_list) {
      for (ChildCursor c(args); c.valid(); c.next()) {
        const TSNode arg = c.node();
        const TSSymbol k = ts_node_symbol(arg);
        if (!ts_node_is_named(arg) || k == g_.comment) continue;
        if (k == g_.keyword_argument) {
          keywords.emplace_back(std::string(text_of(ts_node_child_by_field_id(arg, g_.f_name), text_)),
                                read_value(ts_node_child_by_field_id(arg, g_.f_value), depth + 1, cls));
        } else if (k == g_.dictionary_splat) {
          keywords.emplace_back("**", opaque(arg));
        } else if (k == g_.list_splat) {
          positional.push_back(opaque(arg));
          unpacking = true;
        } else {
          positional.push_back(read_value(arg, depth + 1, cls));
        }
      }
    } else if (!ts_node_is_null(args)) {
      positional.push_back(opaque(args));  // f(x for x in y)
    }
    Value v = Value::call(callee.text(), callee.origin(), std::move(positional), std::move(keywords), range_of(node));
    if (unpacking) v.set_unpacking(true);
    return v;
  }

  Value read_sequence(TSNode node, Value::Kind kind, uint32_t depth, const Scope* cls) {
    std::vector<Value> items;
    bool unpacking = false;
    for (ChildCursor c(node); c.valid(); c.next()) {
      const TSNode item = c.node();
      if (!ts_node_is_named(item) || ts_node_symbol(item) == g_.comment) continue;
      if (ts_node_symbol(item) == g_.list_splat) {
        const Value inner = read_value(ts_node_named_child(item, 0), depth + 1, cls);
        if (inner.is_sequence() && !inner.has_unpacking()) {
          for (const Value& e : inner.elements()) items.push_back(copy(e));
        } else {
          items.push_back(opaque(item));
          unpacking = true;
        }
        continue;
      }
      items.push_back(read_value(item, depth + 1, cls));
    }
    Value v = Value::sequence(kind, std::move(items), range_of(node));
    if (unpacking) v.set_unpacking(true);
    return v;
  }

  // Values are copied only when a starred constant is spliced into another literal.
  static Value copy(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::Call: {
        std::vector<Value> positional;
        for (const Value& p : v.elements()) positional.push_back(copy(p));
        std::vector<std::pair<std::string, Value>> keywords;
        const auto values = v.keyword_values();
        for (size_t i = 0; i < values.size(); ++i) keywords.emplace_back(std::string(v.keyword_names()[i]), copy(values[i]));
        Value c = Value::call(v.text(), v.origin(), std::move(positional), std::move(keywords), v.range());
        c.set_unpacking(v.has_unpacking());
        return c;
      }
      case Value::Kind::List:
      case Value::Kind::Tuple:
      case Value::Kind::Set: {
        std::vector<Value> items;
        for (const Value& e : v.elements()) items.push_back(copy(e));
        Value c = Value::sequence(v.kind(), std::move(items), v.range());
        c.set_unpacking(v.has_unpacking());
        return c;
      }
      case Value::Kind::Dict: {
        std::vector<std::pair<Value, Value>> entries;
        for (size_t i = 0; i < v.dict_size(); ++i) entries.emplace_back(copy(v.dict_key(i)), copy(v.dict_value(i)));
        Value c = Value::dict(std::move(entries), v.range());
        c.set_unpacking(v.has_unpacking());
        return c;
      }
      case Value::Kind::None: return Value::none(v.range());
      case Value::Kind::Bool: return Value::boolean(*v.as_bool(), v.range());
      case Value::Kind::Int: return Value::integer(*v.as_int(), v.range());
      case Value::Kind::Float: return Value::floating(*v.as_float(), v.range());
      case Value::Kind::String: return Value::string(v.text(), v.range());
      case Value::Kind::Bytes: return Value::bytes(v.text(), v.range());
      case Value::Kind::Name: return Value::name(v.text(), v.origin(), v.range());
      case Value::Kind::Lambda: return Value::lambda(v.function_index(), v.text(), v.range());
      case Value::Kind::Opaque: return Value::opaque(v.text(), v.range());
    }
    return Value::opaque(v.text(), v.range());
  }

  Value read_value(TSNode node, uint32_t depth, const Scope* cls) {
    if (ts_node_is_null(node)) return Value::opaque("", TextRange{});
    if (depth > kMaxDepth) return opaque(node);
    const TSSymbol kind = ts_node_symbol(node);
    if (kind == g_.none) return Value::none(range_of(node));
    if (kind == g_.true_) return Value::boolean(true, range_of(node));
    if (kind == g_.false_) return Value::boolean(false, range_of(node));
    if (kind == g_.integer) {
      if (auto i = parse_int_literal(text_of(node, text_))) return Value::integer(*i, range_of(node));
      return opaque(node);
    }
    if (kind == g_.float_) {
      if (auto f = parse_float_literal(text_of(node, text_))) return Value::floating(*f, range_of(node));
      return opaque(node);
    }
    if (kind == g_.string || kind == g_.concatenated_string) return read_string(node);
    if (kind == g_.identifier || kind == g_.attribute) return read_name(node, depth, cls);
    if (kind == g_.call) return read_call(node, depth, cls);
    if (kind == g_.list) return read_sequence(node, Value::Kind::List, depth, cls);
    if (kind == g_.tuple) return read_sequence(node, Value::Kind::Tuple, depth, cls);
    if (kind == g_.set) return read_sequence(node, Value::Kind::Set, depth, cls);
    if (kind == g_.parenthesized_expression) {
      if (const TSNode inner = parenthesized(node); !ts_node_is_null(inner)) {
        return read_value(inner, depth + 1, cls);
      }
      return opaque(node);
    }
    if (kind == g_.dictionary) {
      std::vector<std::pair<Value, Value>> entries;
      bool unpacking = false;
      for (ChildCursor c(node); c.valid(); c.next()) {
        const TSNode item = c.node();
        if (ts_node_symbol(item) == g_.pair) {
          entries.emplace_back(read_value(ts_node_child_by_field_id(item, g_.f_key), depth + 1, cls),
                               read_value(ts_node_child_by_field_id(item, g_.f_value), depth + 1, cls));
        } else if (ts_node_symbol(item) == g_.dictionary_splat) {
          unpacking = true;
        }
      }
      Value v = Value::dict(std::move(entries), range_of(node));
      if (unpacking) v.set_unpacking(true);
      return v;
    }
    if (kind == g_.lambda) {
      const uint32_t index = functions_.analyze_lambda(node);
      return Value::lambda(index, std::string(text_of(node, text_)), range_of(node));
    }
    if (kind == g_.unary_operator) {
      const std::string_view op = text_of(ts_node_child_by_field_id(node, g_.f_operator), text_);
      const Value inner = read_value(ts_node_child_by_field_id(node, g_.f_argument), depth + 1, cls);
      if (op == "-" && inner.is(Value::Kind::Int) && *inner.as_int() != INT64_MIN) {
        return Value::integer(-*inner.as_int(), range_of(node));
      }
      if (op == "-" && inner.is(Value::Kind::Float)) return Value::floating(-*inner.as_float(), range_of(node));
      if (op == "+" && (inner.is(Value::Kind::Int) || inner.is(Value::Kind::Float))) return inner;
      return opaque(node);
    }
    if (kind == g_.binary_operator &&
        text_of(ts_node_child_by_field_id(node, g_.f_operator), text_) == "+") {
      Value left = read_value(ts_node_child_by_field_id(node, g_.f_left), depth + 1, cls);
      Value right = read_value(ts_node_child_by_field_id(node, g_.f_right), depth + 1, cls);
      if (left.kind() == right.kind() && (left.is(Value::Kind::List) || left.is(Value::Kind::Tuple))) {
        std::vector<Value> items;
        for (const Value& e : left.elements()) items.push_back(copy(e));
        for (const Value& e : right.elements()) items.push_back(copy(e));
        Value v = Value::sequence(left.kind(), std::move(items), range_of(node));
        v.set_unpacking(left.has_unpacking() || right.has_unpacking());
        return v;
      }
      if (left.is(Value::Kind::String) && right.is(Value::Kind::String)) {
        return Value::string(left.text() + right.text(), range_of(node));
      }
      return opaque(node);
    }
    return opaque(node);
  }

  // ---- comments ----

  void collect_comments() {
    size_t at = 0;
    uint32_t last_comment_end = 0;
    while ((at = text_.find("godwit", at)) != std::string_view::npos) {
      const auto offset = static_cast<uint32_t>(at);
      at += 6;
      if (offset < last_comment_end) continue;
      const TSNode node = ts_node_descendant_for_byte_range(root_, offset, offset + 6);
      if (ts_node_is_null(node) || ts_node_symbol(node) != g_.comment) continue;
      m_.comments.push_back(ir::Comment{range_of(node), std::string(text_of(node, text_))});
      last_comment_end = ts_node_end_byte(node);
    }
  }

  ExtractOptions options_;
  const PythonGrammar& g_;
  std::string_view text_;
  TSNode root_;
  ir::Migration& m_;
  Scope module_;
  Scope class_;
  FunctionAnalyzer functions_;
  std::vector<TSNode> module_defs_;
  std::vector<TSNode> other_classes_;
  TSNode migration_class_{};
  TSNode migration_binding_{};
  uint32_t alias_depth_ = 0;
  // While `operations = ...` is read: the operations known before it.
  struct PreviousOperations {
    std::vector<ir::Operation> operations;
    std::vector<ir::UnresolvedOperations> unresolved;
    bool used = false;
  };
  std::optional<PreviousOperations> previous_operations_;
};

}  // namespace

ir::Migration extract_migration(const SyntaxTree& tree, std::string app_label, std::string name,
                                ExtractOptions options) {
  ir::Migration migration;
  migration.app_label = std::move(app_label);
  migration.name = std::move(name);
  migration.source = tree.shared_source();
  Extractor(tree, migration, options).run();
  // A project keeps every migration's IR for the whole run: no spare capacity.
  migration.operations.shrink_to_fit();
  migration.imports.shrink_to_fit();
  migration.dependencies.shrink_to_fit();
  migration.functions.shrink_to_fit();
  migration.classes.shrink_to_fit();
  migration.comments.shrink_to_fit();
  return migration;
}

ir::Migration read_migration(PythonParser& parser, std::shared_ptr<const source::SourceFile> source,
                             std::string app_label, std::string name, ExtractOptions options) {
  const std::string_view text = source->text();
  ir::Migration migration;
  migration.app_label = std::move(app_label);
  migration.name = std::move(name);
  migration.source = source;
  // Python refuses these before parsing, and so does godwit; the earlier of the two is reported
  // (a UTF-16 file is invalid UTF-8 at byte 0, before its first NUL). A file that declares its
  // encoding may hold bytes that are not UTF-8, never a NUL.
  const size_t nul = text.find('\0');
  const size_t valid = source::valid_utf8_prefix(text);
  const bool declared = valid != text.size() && declares_non_utf8_encoding(text);
  if (nul != std::string_view::npos && (nul < valid || declared)) {
    const auto at = static_cast<uint32_t>(nul);
    migration.syntax_error = ir::SyntaxProblem{ir::SyntaxProblem::Kind::NulByte, {at, at + 1}, {}, {}};
    return migration;
  }
  if (valid != text.size() && !declared) {
    const auto at = static_cast<uint32_t>(valid);
    migration.syntax_error = ir::SyntaxProblem{ir::SyntaxProblem::Kind::InvalidUtf8, {at, at + 1}, {}, {}};
    return migration;
  }
  const auto tree = parser.parse(source);
  if (!tree) {
    migration.syntax_error =
        ir::SyntaxProblem{ir::SyntaxProblem::Kind::Error, {0, 0}, "the parser gave up on this file", {}};
    return migration;
  }
  return extract_migration(*tree, migration.app_label, migration.name, options);
}

}  // namespace godwit::frontend
