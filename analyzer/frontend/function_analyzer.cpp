#include "analyzer/frontend/function_analyzer.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzer/frontend/node_cursor.h"
#include "analyzer/frontend/python_grammar.h"

namespace godwit::frontend {

namespace {

using ir::DataWriteMethod;

// What an expression inside a RunPython function evaluates to, as far as data writes go.
enum class Flow : uint8_t { None, Model, Chain, Object, Connection, Cursor };

struct BodyFacts {
  std::set<std::string, std::less<>> locals;
  std::map<std::string, uint32_t, std::less<>> local_imports;
  std::vector<TSNode> loads;  // identifiers read, in source order
  std::vector<TSNode> calls;
  std::vector<std::pair<std::string_view, TSNode>> assigned;
  std::vector<std::pair<std::string_view, TSNode>> iterated;
  std::vector<std::pair<std::string_view, TSNode>> unpacked_first;
};

constexpr std::array<std::pair<std::string_view, DataWriteMethod>, 7> kChainWrites{{
    {"update", DataWriteMethod::Update},
    {"delete", DataWriteMethod::Delete},
    {"create", DataWriteMethod::Create},
    {"get_or_create", DataWriteMethod::GetOrCreate},
    {"update_or_create", DataWriteMethod::UpdateOrCreate},
    {"bulk_create", DataWriteMethod::BulkCreate},
    {"bulk_update", DataWriteMethod::BulkUpdate},
}};

constexpr std::array<std::string_view, 9> kInstanceGetters{
    "get", "first", "last", "earliest", "latest", "create", "get_or_create", "update_or_create", "in_bulk"};
constexpr std::array<std::string_view, 8> kNonQuerySet{
    "count", "exists", "aggregate", "values", "values_list", "contains", "explain", "iterator_count"};

template <size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

class FlowModel {
 public:
  FlowModel(const PythonGrammar& g, std::string_view text, const BodyFacts& facts, const Scope& module_scope,
            const std::vector<ir::Import>& imports)
      : g_(g), text_(text), facts_(facts), module_scope_(module_scope), imports_(imports) {}

  void solve() {
    for (int pass = 0; pass < 6; ++pass) {
      bool changed = false;
      for (const auto& [name, rhs] : facts_.assigned) changed |= learn(name, classify(rhs, 0));
      for (const auto& [name, iterable] : facts_.iterated) {
        const Flow f = classify(iterable, 0);
        if (f == Flow::Chain || f == Flow::Model) changed |= learn(name, Flow::Object);
      }
      for (const auto& [name, rhs] : facts_.unpacked_first) {
        if (classify(rhs, 0) == Flow::Object) changed |= learn(name, Flow::Object);
      }
      if (!changed) break;
    }
  }

  Flow classify(TSNode node, int depth) const {
    if (depth > 64 || ts_node_is_null(node)) return Flow::None;
    const TSSymbol kind = ts_node_symbol(node);
    if (kind == g_.parenthesized_expression) {
      return ts_node_named_child_count(node) == 1 ? classify(ts_node_named_child(node, 0), depth + 1) : Flow::None;
    }
    if (kind == g_.identifier) {
      const std::string_view name = text_of(node, text_);
      if (const auto it = vars_.find(name); it != vars_.end()) return it->second;
      if (!facts_.locals.contains(name) && imported_target(name) == "django.db.connection") return Flow::Connection;
      return Flow::None;
    }
    if (kind == g_.subscript) {
      const Flow base = classify(ts_node_child_by_field_id(node, g_.f_value), depth + 1);
      return base == Flow::Chain ? Flow::Object : Flow::None;
    }
    if (kind == g_.attribute) {
      const TSNode object = ts_node_child_by_field_id(node, g_.f_object);
      const std::string_view attr = text_of(ts_node_child_by_field_id(node, g_.f_attribute), text_);
      const Flow base = classify(object, depth + 1);
      if (base == Flow::Model || base == Flow::Chain) return Flow::Chain;  // managers and querysets
      if (attr == "connection" && ts_node_symbol(object) == g_.identifier && text_of(object, text_) == schema_editor_) {
        return Flow::Connection;
      }
      return Flow::None;
    }
    if (kind != g_.call) return Flow::None;
    const TSNode function = ts_node_child_by_field_id(node, g_.f_function);
    if (ts_node_symbol(function) == g_.identifier) {
      return classify(function, depth + 1) == Flow::Model ? Flow::Object : Flow::None;
    }
    if (ts_node_symbol(function) != g_.attribute) return Flow::None;
    const std::string_view method = text_of(ts_node_child_by_field_id(function, g_.f_attribute), text_);
    if (method == "get_model") return Flow::Model;
    const Flow base = classify(ts_node_child_by_field_id(function, g_.f_object), depth + 1);
    if (base == Flow::Model || base == Flow::Chain) {
      if (one_of(method, kInstanceGetters)) return Flow::Object;
      if (one_of(method, kNonQuerySet)) return Flow::None;
      return Flow::Chain;
    }
    if (base == Flow::Connection && method == "cursor") return Flow::Cursor;
    return Flow::None;
  }

  void set_schema_editor(std::string_view name) { schema_editor_ = name; }
  [[nodiscard]] std::string_view schema_editor() const { return schema_editor_; }

 private:
  bool learn(std::string_view name, Flow flow) {
    if (flow == Flow::None) return false;
    auto [it, inserted] = vars_.emplace(name, flow);
    if (inserted) return true;
    // A name that holds different things in different places keeps the most specific one.
    if (it->second == flow) return false;
    if (it->second == Flow::Object || flow == Flow::Model) return false;
    it->second = flow;
    return true;
  }

  std::string_view imported_target(std::string_view name) const {
    if (const auto it = facts_.local_imports.find(name); it != facts_.local_imports.end()) {
      return imports_[it->second].target;
    }
    const Binding* b = module_scope_.lookup(name, UINT32_MAX);
    if (b != nullptr && b->kind == Binding::Kind::Import) return imports_[b->import_index].target;
    return {};
  }

  const PythonGrammar& g_;
  std::string_view text_;
  const BodyFacts& facts_;
  const Scope& module_scope_;
  const std::vector<ir::Import>& imports_;
  std::string_view schema_editor_;
  std::map<std::string_view, Flow, std::less<>> vars_;
};

// Collects names of parameters (and nested parameters) into `names`.
void collect_parameter_names(TSNode parameters, std::string_view text, std::set<std::string, std::less<>>& names) {
  const PythonGrammar& g = PythonGrammar::get();
  for (ChildCursor c(parameters); c.valid(); c.next()) {
    const TSNode p = c.node();
    const TSSymbol kind = ts_node_symbol(p);
    if (kind == g.identifier) {
      names.emplace(text_of(p, text));
    } else if (kind == g.default_parameter || kind == g.typed_default_parameter) {
      names.emplace(text_of(ts_node_child_by_field_id(p, g.f_name), text));
    } else if (kind == g.typed_parameter || kind == g.list_splat_pattern || kind == g.dictionary_splat_pattern) {
      for (ChildCursor inner(p); inner.valid(); inner.next()) {
        const TSNode n = inner.node();
        if (ts_node_symbol(n) == g.identifier && inner.field() != g.f_type) names.emplace(text_of(n, text));
        if (ts_node_symbol(n) == g.list_splat_pattern || ts_node_symbol(n) == g.dictionary_splat_pattern) {
          for (ChildCursor deep(n); deep.valid(); deep.next()) {
            if (ts_node_symbol(deep.node()) == g.identifier) names.emplace(text_of(deep.node(), text));
          }
        }
      }
    }
  }
}

// The dotted name read starting at `identifier`: `shop.models.Order` for the `shop` of
// `shop.models.Order.objects`, stopping at the first call or subscript.
std::string dotted_path(TSNode identifier, std::string_view text) {
  const PythonGrammar& g = PythonGrammar::get();
  std::string path(text_of(identifier, text));
  TSNode node = identifier;
  while (true) {
    const TSNode parent = ts_node_parent(node);
    if (ts_node_is_null(parent) || ts_node_symbol(parent) != g.attribute ||
        !ts_node_eq(ts_node_child_by_field_id(parent, g.f_object), node)) {
      break;
    }
    path += '.';
    path += text_of(ts_node_child_by_field_id(parent, g.f_attribute), text);
    node = parent;
  }
  return path;
}

std::string_view first_identifier(TSNode pattern, std::string_view text) {
  const PythonGrammar& g = PythonGrammar::get();
  for (ChildCursor c(pattern); c.valid(); c.next()) {
    if (ts_node_symbol(c.node()) == g.identifier) return text_of(c.node(), text);
    if (ts_node_is_named(c.node())) return {};
  }
  return {};
}

}  // namespace

void FunctionAnalyzer::read_parameters(TSNode parameters, std::vector<ir::Parameter>& out) const {
  const PythonGrammar& g = PythonGrammar::get();
  bool keyword_only = false;
  for (ChildCursor c(parameters); c.valid(); c.next()) {
    const TSNode p = c.node();
    const TSSymbol kind = ts_node_symbol(p);
    ir::Parameter param;
    param.kind = keyword_only ? ir::ParameterKind::KeywordOnly : ir::ParameterKind::PositionalOrKeyword;
    TSNode inner = p;
    if (kind == g.typed_parameter) {
      // `name: type`, `*args: type` or `**kw: type`.
      for (ChildCursor t(p); t.valid(); t.next()) {
        if (t.field() != g.f_type && ts_node_is_named(t.node())) {
          inner = t.node();
          break;
        }
      }
    }
    const TSSymbol inner_kind = ts_node_symbol(inner);
    if (kind == g.positional_separator) {
      for (ir::Parameter& earlier : out) earlier.kind = ir::ParameterKind::PositionalOnly;
      continue;
    }
    if (kind == g.keyword_separator) {
      keyword_only = true;
      continue;
    }
    if (inner_kind == g.identifier) {
      param.name = std::string(text_of(inner, text_));
    } else if (kind == g.default_parameter || kind == g.typed_default_parameter) {
      param.name = std::string(text_of(ts_node_child_by_field_id(p, g.f_name), text_));
      param.has_default = true;
    } else if (inner_kind == g.list_splat_pattern) {
      param.name = std::string(first_identifier(inner, text_));
      param.kind = ir::ParameterKind::VarPositional;
      keyword_only = true;
    } else if (inner_kind == g.dictionary_splat_pattern) {
      param.name = std::string(first_identifier(inner, text_));
      param.kind = ir::ParameterKind::VarKeyword;
    } else if (!ts_node_is_named(p) || kind == g.comment) {
      continue;
    } else {
      param.name = std::string(text_of(p, text_));  // a Python 2 tuple parameter, kept as text
    }
    out.push_back(std::move(param));
  }
}

uint32_t FunctionAnalyzer::analyze_def(TSNode def, ir::FunctionInfo::Scope scope) {
  const PythonGrammar& g = PythonGrammar::get();
  const auto index = static_cast<uint32_t>(migration_.functions.size());
  ir::FunctionInfo info;
  info.name = std::string(text_of(ts_node_child_by_field_id(def, g.f_name), text_));
  info.scope = scope;
  info.range = range_of(def);
  const TSNode parent = ts_node_parent(def);
  info.decorated = !ts_node_is_null(parent) && ts_node_symbol(parent) == g.decorated_definition;
  const TSNode parameters = ts_node_child_by_field_id(def, g.f_parameters);
  info.signature = source::TextRange{ts_node_start_byte(def), ts_node_end_byte(parameters)};
  if (!ts_node_is_null(parameters)) read_parameters(parameters, info.parameters);
  migration_.functions.push_back(std::move(info));
  analyze_body(def, index);
  return index;
}

uint32_t FunctionAnalyzer::analyze_lambda(TSNode lambda) {
  const PythonGrammar& g = PythonGrammar::get();
  const auto index = static_cast<uint32_t>(migration_.functions.size());
  if (const auto [it, inserted] = lambdas_.emplace(ts_node_start_byte(lambda), index); !inserted) return it->second;
  ir::FunctionInfo info;
  info.name = "<lambda>";
  info.scope = ir::FunctionInfo::Scope::Lambda;
  info.range = range_of(lambda);
  const TSNode parameters = ts_node_child_by_field_id(lambda, g.f_parameters);
  info.signature = source::TextRange{ts_node_start_byte(lambda), ts_node_is_null(parameters)
                                                                      ? ts_node_start_byte(lambda) + 6
                                                                      : ts_node_end_byte(parameters)};
  if (!ts_node_is_null(parameters)) read_parameters(parameters, info.parameters);
  migration_.functions.push_back(std::move(info));
  analyze_body(lambda, index);
  return index;
}

void FunctionAnalyzer::analyze_body(TSNode definition, uint32_t index) {
  const PythonGrammar& g = PythonGrammar::get();
  BodyFacts facts;
  const TSNode parameters = ts_node_child_by_field_id(definition, g.f_parameters);
  if (!ts_node_is_null(parameters)) collect_parameter_names(parameters, text_, facts.locals);
  const TSNode body = ts_node_child_by_field_id(definition, g.f_body);
  if (ts_node_is_null(body)) return;

  // Iterative walk: function bodies can be arbitrarily deep.
  TSTreeCursor cursor = ts_tree_cursor_new(body);
  std::vector<TSSymbol> parents;
  uint32_t depth = 0;
  while (true) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    const TSSymbol kind = ts_node_symbol(node);
    const TSFieldId field = ts_tree_cursor_current_field_id(&cursor);
    const TSSymbol parent = parents.empty() ? 0 : parents.back();
    bool descend = ts_node_child_count(node) > 0;

    if (kind == g.import_statement || kind == g.import_from_statement) {
      const size_t before = migration_.imports.size();
      read_import_statement(node, text_, static_cast<int32_t>(index), migration_.imports, nullptr);
      for (size_t i = before; i < migration_.imports.size(); ++i) {
        facts.local_imports[migration_.imports[i].binding] = static_cast<uint32_t>(i);
      }
      descend = false;
    } else if (kind == g.parameters || kind == g.lambda_parameters) {
      collect_parameter_names(node, text_, facts.locals);
      descend = false;
    } else if (kind == g.identifier) {
      const std::string_view name = text_of(node, text_);
      const bool store =
          ((parent == g.function_definition || parent == g.class_definition) && field == g.f_name) ||
          parent == g.pattern_list || parent == g.tuple_pattern || parent == g.list_pattern ||
          parent == g.list_splat_pattern || parent == g.as_pattern_target ||
          ((parent == g.assignment || parent == g.augmented_assignment) && field == g.f_left) ||
          ((parent == g.for_statement || parent == g.for_in_clause) && field == g.f_left) ||
          (parent == g.named_expression && field == g.f_name);
      const bool skip = (parent == g.attribute && field == g.f_attribute) ||
                        (parent == g.keyword_argument && field == g.f_name) || parent == g.global_statement ||
                        parent == g.nonlocal_statement || parent == g.dotted_name;
      if (store) {
        facts.locals.emplace(name);
      } else if (!skip) {
        facts.loads.push_back(node);
      }
    } else if (kind == g.assignment) {
      const TSNode left = ts_node_child_by_field_id(node, g.f_left);
      const TSNode right = ts_node_child_by_field_id(node, g.f_right);
      if (ts_node_symbol(left) == g.identifier && !ts_node_is_null(right)) {
        facts.assigned.emplace_back(text_of(left, text_), right);
      } else if ((ts_node_symbol(left) == g.pattern_list || ts_node_symbol(left) == g.tuple_pattern) &&
                 !ts_node_is_null(right) && ts_node_symbol(right) != g.expression_list) {
        const std::string_view first = first_identifier(left, text_);
        if (!first.empty()) facts.unpacked_first.emplace_back(first, right);
      }
    } else if (kind == g.for_statement || kind == g.for_in_clause) {
      const TSNode left = ts_node_child_by_field_id(node, g.f_left);
      const TSNode right = ts_node_child_by_field_id(node, g.f_right);
      if (ts_node_symbol(left) == g.identifier && !ts_node_is_null(right)) {
        facts.iterated.emplace_back(text_of(left, text_), right);
      }
    } else if (kind == g.as_pattern && parent == g.with_item) {
      const TSNode alias = ts_node_child_by_field_id(node, g.f_alias);
      const TSNode value = ts_node_named_child(node, 0);
      if (!ts_node_is_null(alias) && ts_node_named_child_count(alias) == 1 &&
          ts_node_symbol(ts_node_named_child(alias, 0)) == g.identifier) {
        facts.assigned.emplace_back(text_of(ts_node_named_child(alias, 0), text_), value);
      }
    } else if (kind == g.named_expression) {
      facts.assigned.emplace_back(text_of(ts_node_child_by_field_id(node, g.f_name), text_),
                                  ts_node_child_by_field_id(node, g.f_value));
    } else if (kind == g.call) {
      facts.calls.push_back(node);
    }

    if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
      parents.push_back(kind);
      ++depth;
      continue;
    }
    bool done = false;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) {
        done = true;
        break;
      }
      parents.pop_back();
      --depth;
    }
    if (done || depth == 0) break;
  }
  ts_tree_cursor_delete(&cursor);

  ir::FunctionInfo& info = migration_.functions[index];
  FlowModel flow(g, text_, facts, module_scope_, migration_.imports);
  std::string_view apps;
  if (!info.parameters.empty()) apps = info.parameters[0].name;
  // RunPython passes the schema editor second; a parameter named `schema_editor` is it wherever it
  // stands (`functools.partial(forwards, "shop")` calls `forwards(label, apps, schema_editor)`).
  const auto named_editor = std::find_if(info.parameters.begin(), info.parameters.end(),
                                         [](const ir::Parameter& p) { return p.name == "schema_editor"; });
  if (named_editor != info.parameters.end()) {
    flow.set_schema_editor(named_editor->name);
  } else if (info.parameters.size() > 1) {
    flow.set_schema_editor(info.parameters[1].name);
  }
  flow.solve();

  for (const TSNode call : facts.calls) {
    const TSNode function = ts_node_child_by_field_id(call, g.f_function);
    if (ts_node_symbol(function) == g.identifier) {
      const std::string_view name = text_of(function, text_);
      const Binding* b = facts.locals.contains(name) ? nullptr : module_scope_.lookup(name, UINT32_MAX);
      if (b != nullptr && b->kind == Binding::Kind::Def &&
          std::find(info.local_calls.begin(), info.local_calls.end(), name) == info.local_calls.end()) {
        info.local_calls.emplace_back(name);
      }
      continue;
    }
    if (ts_node_symbol(function) != g.attribute) continue;
    const TSNode object = ts_node_child_by_field_id(function, g.f_object);
    const std::string_view method = text_of(ts_node_child_by_field_id(function, g.f_attribute), text_);
    if (method == "get_model") {
      if (ts_node_symbol(object) == g.identifier &&
          (text_of(object, text_) == apps || text_of(object, text_) == "apps")) {
        info.calls_get_model = true;
      }
      continue;
    }
    const Flow base = flow.classify(object, 0);
    const source::TextRange range = range_of(call);
    if (base == Flow::Model || base == Flow::Chain) {
      for (const auto& [name, write] : kChainWrites) {
        if (method == name) info.writes.push_back(ir::DataWrite{write, range});
      }
      if (method == "save") info.writes.push_back(ir::DataWrite{DataWriteMethod::Save, range});
    } else if (base == Flow::Object) {
      if (method == "save") info.writes.push_back(ir::DataWrite{DataWriteMethod::Save, range});
      if (method == "delete") info.writes.push_back(ir::DataWrite{DataWriteMethod::ObjectDelete, range});
    }
    if ((method == "execute" || method == "executemany") &&
        (base == Flow::Cursor || (ts_node_symbol(object) == g.identifier && !flow.schema_editor().empty() &&
                                  text_of(object, text_) == flow.schema_editor()))) {
      info.writes.push_back(ir::DataWrite{DataWriteMethod::ExecuteSql, range});
    }
  }

  std::set<uint32_t> seen;
  for (const TSNode load : facts.loads) {
    const std::string_view name = text_of(load, text_);
    uint32_t import_index = UINT32_MAX;
    if (const auto it = facts.local_imports.find(name); it != facts.local_imports.end()) {
      import_index = it->second;
    } else if (!facts.locals.contains(name)) {
      const Binding* b = module_scope_.lookup(name, UINT32_MAX);
      if (b != nullptr && b->kind == Binding::Kind::Import) import_index = b->import_index;
    }
    if (import_index != UINT32_MAX && seen.insert(import_index).second) {
      info.imported_uses.push_back(ir::ImportedNameUse{import_index, range_of(load), dotted_path(load, text_)});
    }
  }
}

}  // namespace godwit::frontend
