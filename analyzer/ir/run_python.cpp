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
    for (const std::string_view keyword : partial.keyword_names()) {
      if (keyword == "**") continue;
      if (std::find(target.bound_keywords.begin(), target.bound_keywords.end(), keyword) ==
          target.bound_keywords.end()) {
        target.bound_keywords.emplace_back(keyword);
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

namespace {

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// 'a', 'a' and 'b', 'a', 'b', and 'c': as CPython lists missing arguments.
std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace

bool positional_kind(ParameterKind kind) {
  return kind == ParameterKind::PositionalOnly || kind == ParameterKind::PositionalOrKeyword;
}

// Binds `positional` positional arguments and the `keywords` to `parameters` as Python does.
std::optional<CallError> bind_call(std::span<const Parameter> parameters, size_t positional,
                              std::span<const std::string> keywords) {
  std::vector<size_t> slots;  // indices of the parameters positional arguments fill, in order
  bool var_positional = false;
  bool var_keyword = false;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (positional_kind(parameters[i].kind)) slots.push_back(i);
    var_positional = var_positional || parameters[i].kind == ParameterKind::VarPositional;
    var_keyword = var_keyword || parameters[i].kind == ParameterKind::VarKeyword;
  }
  std::vector<bool> filled(parameters.size(), false);
  for (size_t i = 0; i < std::min(positional, slots.size()); ++i) filled[slots[i]] = true;

  for (const std::string& keyword : keywords) {
    const auto it = std::find_if(parameters.begin(), parameters.end(), [&](const Parameter& p) {
      return p.name == keyword && p.kind != ParameterKind::VarPositional && p.kind != ParameterKind::VarKeyword;
    });
    if (it == parameters.end() || it->kind == ParameterKind::PositionalOnly) {
      if (var_keyword) continue;  // collected by **kwargs
      const auto kind =
          it == parameters.end() ? CallError::Kind::UnexpectedKeyword : CallError::Kind::PositionalOnlyKeyword;
      return CallError{kind, {keyword}};
    }
    const auto index = static_cast<size_t>(it - parameters.begin());
    if (filled[index]) return CallError{CallError::Kind::MultipleValues, {keyword}};
    filled[index] = true;
  }

  if (positional > slots.size() && !var_positional) {
    const auto required =
        std::count_if(slots.begin(), slots.end(), [&](size_t i) { return !parameters[i].has_default; });
    return CallError{CallError::Kind::TooManyPositional, {}, static_cast<size_t>(required), slots.size(), positional};
  }
  CallError missing{CallError::Kind::MissingPositional, {}};
  for (const size_t i : slots) {
    if (!filled[i] && !parameters[i].has_default) missing.names.push_back(parameters[i].name);
  }
  if (!missing.names.empty()) return missing;
  missing.kind = CallError::Kind::MissingKeywordOnly;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].kind == ParameterKind::KeywordOnly && !filled[i] && !parameters[i].has_default) {
      missing.names.push_back(parameters[i].name);
    }
  }
  if (!missing.names.empty()) return missing;
  return std::nullopt;
}

std::string CallError::message(std::string_view function) const {
  const CallError& error = *this;
  const std::string callee = std::string(function) + "()";
  switch (error.kind) {
    case CallError::Kind::UnexpectedKeyword:
      return callee + " got an unexpected keyword argument '" + error.names[0] + "'";
    case CallError::Kind::PositionalOnlyKeyword:
      return callee + " got some positional-only arguments passed as keyword arguments: '" + error.names[0] + "'";
    case CallError::Kind::MultipleValues: return callee + " got multiple values for argument '" + error.names[0] + "'";
    case CallError::Kind::TooManyPositional: {
      const std::string takes =
          error.takes_min == error.takes_max
              ? plural(error.takes_max, "positional argument")
              : "from " + std::to_string(error.takes_min) + " to " + plural(error.takes_max, "positional argument");
      return callee + " takes " + takes + " but " + std::to_string(error.given) + " were given";
    }
    case CallError::Kind::MissingPositional:
      return callee + " missing " + plural(error.names.size(), "required positional argument") + ": " +
             quoted_list(error.names);
    case CallError::Kind::MissingKeywordOnly:
      return callee + " missing " + plural(error.names.size(), "required keyword-only argument") + ": " +
             quoted_list(error.names);
  }
  return callee;
}


std::optional<CallError> run_python_call_error(const RunPythonTarget& target) {
  if (target.function == nullptr || target.bound_unknown) return std::nullopt;
  constexpr size_t kRunPythonArguments = 2;  // (apps, schema_editor)
  return bind_call(target.function->parameters, target.bound_positional + kRunPythonArguments, target.bound_keywords);
}

}  // namespace godwit::ir
