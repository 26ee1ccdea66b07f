#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <map>
#include <string_view>

#include "analyzer/frontend/module_scope.h"
#include "analyzer/ir/migration.h"

namespace godwit::frontend {

// Reads what RunPython analysis needs from a function body: its parameters, whether it uses
// `apps.get_model`, which imported names it uses (and where first), the data it writes through
// historical models or SQL, and which other functions of the file it calls.
class FunctionAnalyzer {
 public:
  FunctionAnalyzer(std::string_view text, ir::Migration& migration, const Scope& module_scope)
      : text_(text), migration_(migration), module_scope_(module_scope) {}

  // Analyzes a function_definition and appends its FunctionInfo; returns its index.
  uint32_t analyze_def(TSNode def, ir::FunctionInfo::Scope scope);
  // Analyzes a lambda and appends its FunctionInfo, once per lambda however often the extractor
  // reaches it (a constant used twice, an operation read again as nested); returns its index.
  uint32_t analyze_lambda(TSNode lambda);

 private:
  void read_parameters(TSNode parameters, std::vector<ir::Parameter>& out) const;
  void analyze_body(TSNode body, uint32_t index);

  std::string_view text_;
  ir::Migration& migration_;
  const Scope& module_scope_;
  std::map<uint32_t, uint32_t> lambdas_;  // start byte -> index into Migration::functions
};

}  // namespace godwit::frontend
