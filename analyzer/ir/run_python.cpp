#include "analyzer/ir/run_python.h"

#include <algorithm>

namespace godwit::ir {

namespace {

// Partials nested deeper than this are not followed.
constexpr int kMaxPartialDepth = 8;

bool is_partial(const Value& value) {
  return value.is(Value::Kind::Call) && value.origin() == NameOrigin::Imported && value.text() == "functools.partial";
}

const FunctionInfo* defined_function(const Migration& migration, const Value& value) {
  if (value.is(Value::Kind::Lambda)) {
    const uint32_t index = value.function_index();
    return index < migration.functions.size() ? &migration.functions[index] : nullptr;
  }
  if (value.is(Value::Kind::Name) && value.origin() == NameOrigin::Local &&
      value.text().find('.') == std::string::npos) {
    return migration.function(value.text());
  }
  return nullptr;
}

void collect_run_python(const std::vector<Operation>& operations, std::vector<const Operation*>& out) {
  for (const Operation& op : operations) {
    if (op.kind() == OperationKind::RunPython) out.push_back(&op);
    if (op.kind() == OperationKind::SeparateDatabaseAndState) collect_run_python(op.database_operations(), out);
  }
}

}  // namespace

std::optional<RunPythonTarget> run_python_target(const Migration& migration, const Value& argument) {
  std::vector<const Value*> partials;  // outermost first
  const Value* callee = &argument;
  while (is_partial(*callee)) {
    if (partials.size() >= kMaxPartialDepth || callee->elements().empty()) return std::nullopt;
    partials.push_back(callee);
    callee = &callee->elements()[0];
  }
  RunPythonTarget target;
  target.function = defined_function(migration, *callee);
  if (target.function == nullptr) return std::nullopt;
  if (!partials.empty()) target.partial = partials.front();
  // Innermost first: its positionals come first, and outer keywords replace inner ones.
  for (auto it = partials.rbegin(); it != partials.rend(); ++it) {
    const Value& partial = **it;
    if (partial.has_unpacking()) target.bound_unknown = true;
    target.bound_positional += partial.elements().size() - 1;
    for (const std::string& keyword : partial.keyword_names()) {
      if (keyword == "**") continue;
      if (std::find(target.bound_keywords.begin(), target.bound_keywords.end(), keyword) ==
          target.bound_keywords.end()) {
        target.bound_keywords.push_back(keyword);
      }
    }
  }
  return target;
}

bool is_run_python_noop(const Value& value) {
  return value.is(Value::Kind::Name) && value.origin() == NameOrigin::Imported &&
         value.text().starts_with("django.db.migrations.") && value.names("RunPython.noop");
}

const FunctionInfo* module_function(const Migration& migration, std::string_view name) {
  for (size_t i = migration.functions.size(); i-- > 0;) {
    const FunctionInfo& f = migration.functions[i];
    if (f.scope == FunctionInfo::Scope::Module && f.name == name) return &f;
  }
  return nullptr;
}

std::vector<const Operation*> run_python_operations(const Migration& migration) {
  std::vector<const Operation*> out;
  collect_run_python(migration.operations, out);
  return out;
}

}  // namespace godwit::ir
