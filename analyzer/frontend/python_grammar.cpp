#include "analyzer/frontend/python_grammar.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "analyzer/frontend/python_parser.h"

namespace godwit::frontend {

namespace {

TSSymbol named(const TSLanguage* language, const char* name) {
  const TSSymbol symbol =
      ts_language_symbol_for_name(language, name, static_cast<uint32_t>(std::strlen(name)), true);
  if (symbol == 0) throw std::logic_error(std::string("Python grammar has no node kind ") + name);
  return symbol;
}

TSFieldId field(const TSLanguage* language, const char* name) {
  const TSFieldId id = ts_language_field_id_for_name(language, name, static_cast<uint32_t>(std::strlen(name)));
  if (id == 0) throw std::logic_error(std::string("Python grammar has no field ") + name);
  return id;
}

PythonGrammar resolve() {
  const TSLanguage* l = python_language();
  PythonGrammar g{};
  g.module = named(l, "module");
  g.comment = named(l, "comment");
  g.identifier = named(l, "identifier");
  g.attribute = named(l, "attribute");
  g.call = named(l, "call");
  g.argument_list = named(l, "argument_list");
  g.keyword_argument = named(l, "keyword_argument");
  g.list_splat = named(l, "list_splat");
  g.dictionary_splat = named(l, "dictionary_splat");
  g.string = named(l, "string");
  g.concatenated_string = named(l, "concatenated_string");
  g.string_start = named(l, "string_start");
  g.string_content = named(l, "string_content");
  g.string_end = named(l, "string_end");
  g.interpolation = named(l, "interpolation");
  g.escape_sequence = named(l, "escape_sequence");
  g.integer = named(l, "integer");
  g.float_ = named(l, "float");
  g.true_ = named(l, "true");
  g.false_ = named(l, "false");
  g.none = named(l, "none");
  g.list = named(l, "list");
  g.tuple = named(l, "tuple");
  g.set = named(l, "set");
  g.dictionary = named(l, "dictionary");
  g.pair = named(l, "pair");
  g.parenthesized_expression = named(l, "parenthesized_expression");
  g.lambda = named(l, "lambda");
  g.lambda_parameters = named(l, "lambda_parameters");
  g.unary_operator = named(l, "unary_operator");
  g.binary_operator = named(l, "binary_operator");
  g.expression_statement = named(l, "expression_statement");
  g.assignment = named(l, "assignment");
  g.augmented_assignment = named(l, "augmented_assignment");
  g.import_statement = named(l, "import_statement");
  g.import_from_statement = named(l, "import_from_statement");
  g.future_import_statement = named(l, "future_import_statement");
  g.aliased_import = named(l, "aliased_import");
  g.dotted_name = named(l, "dotted_name");
  g.relative_import = named(l, "relative_import");
  g.import_prefix = named(l, "import_prefix");
  g.wildcard_import = named(l, "wildcard_import");
  g.class_definition = named(l, "class_definition");
  g.function_definition = named(l, "function_definition");
  g.decorated_definition = named(l, "decorated_definition");
  g.parameters = named(l, "parameters");
  g.default_parameter = named(l, "default_parameter");
  g.typed_parameter = named(l, "typed_parameter");
  g.typed_default_parameter = named(l, "typed_default_parameter");
  g.list_splat_pattern = named(l, "list_splat_pattern");
  g.dictionary_splat_pattern = named(l, "dictionary_splat_pattern");
  g.keyword_separator = named(l, "keyword_separator");
  g.positional_separator = named(l, "positional_separator");
  g.block = named(l, "block");
  g.if_statement = named(l, "if_statement");
  g.elif_clause = named(l, "elif_clause");
  g.else_clause = named(l, "else_clause");
  g.try_statement = named(l, "try_statement");
  g.except_clause = named(l, "except_clause");
  g.finally_clause = named(l, "finally_clause");
  g.with_statement = named(l, "with_statement");
  g.with_clause = named(l, "with_clause");
  g.with_item = named(l, "with_item");
  g.for_statement = named(l, "for_statement");
  g.while_statement = named(l, "while_statement");
  g.match_statement = named(l, "match_statement");
  g.return_statement = named(l, "return_statement");
  g.as_pattern = named(l, "as_pattern");
  g.as_pattern_target = named(l, "as_pattern_target");
  g.pattern_list = named(l, "pattern_list");
  g.tuple_pattern = named(l, "tuple_pattern");
  g.list_pattern = named(l, "list_pattern");
  g.expression_list = named(l, "expression_list");
  g.generator_expression = named(l, "generator_expression");
  g.list_comprehension = named(l, "list_comprehension");
  g.named_expression = named(l, "named_expression");
  g.global_statement = named(l, "global_statement");
  g.nonlocal_statement = named(l, "nonlocal_statement");
  g.decorator = named(l, "decorator");
  g.subscript = named(l, "subscript");
  g.conditional_expression = named(l, "conditional_expression");
  g.for_in_clause = named(l, "for_in_clause");
  g.dictionary_comprehension = named(l, "dictionary_comprehension");
  g.set_comprehension = named(l, "set_comprehension");
  g.delete_statement = named(l, "delete_statement");

  g.f_name = field(l, "name");
  g.f_alias = field(l, "alias");
  g.f_module_name = field(l, "module_name");
  g.f_left = field(l, "left");
  g.f_right = field(l, "right");
  g.f_function = field(l, "function");
  g.f_arguments = field(l, "arguments");
  g.f_object = field(l, "object");
  g.f_attribute = field(l, "attribute");
  g.f_value = field(l, "value");
  g.f_key = field(l, "key");
  g.f_body = field(l, "body");
  g.f_parameters = field(l, "parameters");
  g.f_superclasses = field(l, "superclasses");
  g.f_definition = field(l, "definition");
  g.f_condition = field(l, "condition");
  g.f_consequence = field(l, "consequence");
  g.f_alternative = field(l, "alternative");
  g.f_argument = field(l, "argument");
  g.f_operator = field(l, "operator");
  g.f_type = field(l, "type");
  return g;
}

}  // namespace

const PythonGrammar& PythonGrammar::get() {
  static const PythonGrammar grammar = resolve();
  return grammar;
}

}  // namespace godwit::frontend
