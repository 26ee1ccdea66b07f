#include "analyzer/frontend/module_scope.h"

namespace godwit::frontend {

void Scope::bind(std::string_view name, Binding binding) {
  auto it = names_.find(name);
  if (it == names_.end()) it = names_.emplace(std::string(name), std::vector<Binding>{}).first;
  it->second.push_back(binding);
}

const Binding* Scope::lookup(std::string_view name, uint32_t offset) const {
  const auto it = names_.find(name);
  if (it == names_.end() || it->second.empty()) return nullptr;
  const Binding* found = nullptr;
  for (const Binding& b : it->second) {
    if (b.offset < offset) found = &b;
  }
  return found != nullptr ? found : &it->second.front();
}

}  // namespace godwit::frontend

#include "analyzer/frontend/node_cursor.h"

namespace godwit::frontend {

std::string join_qualified(std::string_view module, std::string_view name) {
  std::string out(module);
  if (!out.empty() && out.back() != '.') out += '.';
  out += name;
  return out;
}

namespace {

void add_import(ir::Import import, std::vector<ir::Import>& imports, Scope* scope) {
  const auto index = static_cast<uint32_t>(imports.size());
  if (scope != nullptr) {
    if (import.name == "*") {
      scope->star_imports.push_back(index);
    } else {
      scope->bind(import.binding, Binding{Binding::Kind::Import, import.range.begin, TSNode{}, index});
    }
  }
  imports.push_back(std::move(import));
}

}  // namespace

void read_import_statement(TSNode statement, std::string_view text, int32_t function,
                           std::vector<ir::Import>& imports, Scope* scope) {
  const PythonGrammar& g = PythonGrammar::get();
  const TSSymbol kind = ts_node_symbol(statement);
  const source::TextRange range = range_of(statement);
  if (kind == g.import_statement) {
    for (ChildCursor c(statement); c.valid(); c.next()) {
      const TSNode child = c.node();
      if (c.field() != g.f_name) continue;
      ir::Import import;
      import.range = range;
      import.function = function;
      if (ts_node_symbol(child) == g.aliased_import) {
        import.module = std::string(text_of(ts_node_child_by_field_id(child, g.f_name), text));
        import.binding = std::string(text_of(ts_node_child_by_field_id(child, g.f_alias), text));
        import.target = import.module;
      } else {
        import.module = std::string(text_of(child, text));
        import.binding = import.module.substr(0, import.module.find('.'));
        import.target = import.binding;
      }
      if (!import.binding.empty()) add_import(std::move(import), imports, scope);
    }
    return;
  }
  if (kind != g.import_from_statement) return;
  const std::string module(text_of(ts_node_child_by_field_id(statement, g.f_module_name), text));
  for (ChildCursor c(statement); c.valid(); c.next()) {
    const TSNode child = c.node();
    const TSSymbol child_kind = ts_node_symbol(child);
    ir::Import import;
    import.module = module;
    import.range = range;
    import.function = function;
    if (child_kind == g.wildcard_import) {
      import.name = "*";
      import.binding = "*";
      import.target = module;
    } else if (c.field() != g.f_name) {
      continue;
    } else if (child_kind == g.aliased_import) {
      import.name = std::string(text_of(ts_node_child_by_field_id(child, g.f_name), text));
      import.binding = std::string(text_of(ts_node_child_by_field_id(child, g.f_alias), text));
      import.target = join_qualified(module, import.name);
    } else {
      import.name = std::string(text_of(child, text));
      import.binding = import.name;
      import.target = join_qualified(module, import.name);
    }
    if (!import.binding.empty()) add_import(std::move(import), imports, scope);
  }
}

}  // namespace godwit::frontend
