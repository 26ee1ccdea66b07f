#pragma once

#include <tree_sitter/api.h>

#include <string_view>

namespace godwit::frontend {

// Node kinds and field ids of the Python grammar, resolved once from the language so that the
// extractor compares integers, never strings.
struct PythonGrammar {
  // Node kinds (named symbols).
  TSSymbol module, comment, identifier, attribute, call, argument_list, keyword_argument, list_splat,
      dictionary_splat, string, concatenated_string, string_start, string_content, string_end, interpolation,
      escape_sequence, integer, float_, true_, false_, none, list, tuple, set, dictionary, pair,
      parenthesized_expression, lambda, lambda_parameters, unary_operator, binary_operator, expression_statement,
      assignment, augmented_assignment, import_statement, import_from_statement, future_import_statement,
      aliased_import, dotted_name, relative_import, import_prefix, wildcard_import, class_definition,
      function_definition, decorated_definition, parameters, default_parameter, typed_parameter,
      typed_default_parameter, list_splat_pattern, dictionary_splat_pattern, keyword_separator,
      positional_separator, block, if_statement, elif_clause, else_clause, try_statement, except_clause,
      finally_clause, with_statement, with_clause, with_item, for_statement, while_statement, match_statement,
      return_statement, as_pattern, as_pattern_target, pattern_list, tuple_pattern, list_pattern,
      expression_list, generator_expression, list_comprehension, named_expression, global_statement,
      nonlocal_statement, decorator, subscript, conditional_expression, for_in_clause, dictionary_comprehension,
      set_comprehension, delete_statement;
  // Fields.
  TSFieldId f_name, f_alias, f_module_name, f_left, f_right, f_function, f_arguments, f_object, f_attribute,
      f_value, f_key, f_body, f_parameters, f_superclasses, f_definition, f_condition, f_consequence,
      f_alternative, f_argument, f_operator, f_type;

  static const PythonGrammar& get();
};

}  // namespace godwit::frontend
