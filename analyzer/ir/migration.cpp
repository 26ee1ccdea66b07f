#include "analyzer/ir/migration.h"

#include <array>

namespace godwit::ir {

std::string_view to_string(DataWriteMethod method) {
  static constexpr std::array<std::string_view, 10> kNames{
      "update", "delete", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update",
      "save",   "delete", "execute"};
  return kNames[static_cast<size_t>(method)];
}

const FunctionInfo* Migration::function(std::string_view function_name) const {
  // A later definition of the same name wins, as it would at import time.
  for (size_t i = functions.size(); i-- > 0;) {
    const FunctionInfo& f = functions[i];
    if (f.name == function_name && (f.scope == FunctionInfo::Scope::Module || f.scope == FunctionInfo::Scope::MigrationClass)) {
      return &f;
    }
  }
  return nullptr;
}

const ClassInfo* Migration::class_named(std::string_view class_name) const {
  for (size_t i = classes.size(); i-- > 0;) {
    if (classes[i].name == class_name) return &classes[i];
  }
  return nullptr;
}

}  // namespace godwit::ir
