#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/ir/migration.h"

namespace godwit::ir {

// A RunPython `code` or `reverse_code` argument that calls a function defined in this file:
// by name (`forwards`, module level or in the Migration class body), through
// `functools.partial(forwards, ...)` (nested partials unwrapped), or a lambda.
struct RunPythonTarget {
  const FunctionInfo* function = nullptr;
  // The outermost `functools.partial(...)` call; nullptr when the function is passed itself.
  const Value* partial = nullptr;
  // What the partials bind: their positional arguments come before RunPython's
  // `(apps, schema_editor)`, their keywords after (an outer partial's keyword replaces an inner's).
  size_t bound_positional = 0;
  std::vector<std::string> bound_keywords;
  // A partial passes `*args` or `**kwargs`: what it binds is not known.
  bool bound_unknown = false;
};

// The function of this file that a RunPython argument calls; nullopt for anything else
// (`RunPython.noop`, an imported function, an expression godwit cannot follow).
std::optional<RunPythonTarget> run_python_target(const Migration& migration, const Value& argument);

// `migrations.RunPython.noop`, however RunPython was imported.
bool is_run_python_noop(const Value& value);

// The module-level function a call by plain name inside a function body reaches (names in the
// Migration class body are not visible there); the last definition wins, as at import time.
const FunctionInfo* module_function(const Migration& migration, std::string_view name);

// Why calling a function with `positional` positional arguments and these keywords fails, as
// Python binds arguments.
struct CallError {
  enum class Kind : uint8_t {
    UnexpectedKeyword,      // a keyword no parameter takes, and no **kwargs
    PositionalOnlyKeyword,  // a keyword naming a positional-only parameter, and no **kwargs
    MultipleValues,         // a keyword for a parameter a positional argument already filled
    TooManyPositional,      // more positional arguments than parameters, and no *args
    MissingPositional,      // required positional parameters left unfilled
    MissingKeywordOnly,     // required keyword-only parameters left unfilled
  };
  Kind kind;
  std::vector<std::string> names;  // the parameters (or keywords) concerned
  size_t takes_min = 0;            // TooManyPositional: positional parameters without a default
  size_t takes_max = 0;            //                    and in all
  size_t given = 0;                //                    and the positional arguments given

  // The TypeError CPython raises, e.g. `backfill() missing 1 required positional argument: 'x'`.
  [[nodiscard]] std::string message(std::string_view function) const;
};

// Whether a parameter can take a positional argument.
bool positional_kind(ParameterKind kind);

// Binds `positional` positional arguments and the `keywords` to `parameters` as Python does.
std::optional<CallError> bind_call(std::span<const Parameter> parameters, size_t positional,
                                   std::span<const std::string> keywords);

// Django calls RunPython functions as `code(apps, schema_editor)`: the error that call raises
// through the target's partials, or nullopt when it binds (or what the partials bind is unknown).
std::optional<CallError> run_python_call_error(const RunPythonTarget& target);

// Every RunPython operation that runs: in `operations` or, at any depth, in
// SeparateDatabaseAndState.database_operations (never state_operations), in source order.
std::vector<const Operation*> run_python_operations(const Migration& migration);

}  // namespace godwit::ir
