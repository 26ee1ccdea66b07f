#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace godwit::frontend {

// What a name is bound to at module or class level.
struct Binding {
  enum class Kind : uint8_t { Import, Def, Class, Assign };
  Kind kind = Kind::Assign;
  // Where the binding takes effect: the end of its statement, as Python binds a name only after
  // evaluating the right-hand side (`OPS = OPS + [...]`, `class Migration(Migration)` see the
  // earlier binding). Imports: the start of the statement.
  uint32_t offset = 0;
  TSNode node{};          // Def/Class: the definition; Assign: the assigned expression
  uint32_t import_index = 0;
};

// The names bound in one scope, in source order.
class Scope {
 public:
  void bind(std::string_view name, Binding binding);
  // The binding in effect at `offset`: the last one before it, else the first one (a name used
  // in a function body may be bound later in the module).
  [[nodiscard]] const Binding* lookup(std::string_view name, uint32_t offset) const;
  [[nodiscard]] bool binds(std::string_view name) const { return names_.find(name) != names_.end(); }
  // Star imports, in order: names no binding explains may come from them.
  std::vector<uint32_t> star_imports;

 private:
  std::map<std::string, std::vector<Binding>, std::less<>> names_;
};

}  // namespace godwit::frontend

#include "analyzer/frontend/python_grammar.h"
#include "analyzer/ir/migration.h"

namespace godwit::frontend {

// Reads an import statement into `imports` (tagged with `function`, -1 for module level) and
// binds each imported name in `scope` when given. Star imports are recorded in scope.star_imports.
void read_import_statement(TSNode statement, std::string_view text, int32_t function,
                           std::vector<ir::Import>& imports, Scope* scope);

// "a.b" + "c" -> "a.b.c"; "." + "c" -> ".c".
std::string join_qualified(std::string_view module, std::string_view name);

}  // namespace godwit::frontend
