#pragma once

// What Django's schema editor does to an existing table on PostgreSQL, as far as the lock rules
// of this family need it: which AlterField builds or drops an index, which index_together sets
// change, and how to name things in a help text. Header-only: the registry test holds every
// .cpp of a rule family to be a rule.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/ir/field_spec.h"
#include "analyzer/rule/rule.h"
#include "analyzer/state/project_state.h"

namespace godwit::rules::zd {

// The rules of this family that are about PostgreSQL locks are silent on other databases.
inline bool on_postgresql(const rule::MigrationContext& context) {
  return context.config().database == config::Database::PostgreSQL;
}

// A table Django alters: the model is unknown (history not visible: assume it has one), or
// managed and not a proxy.
inline bool has_own_table(const state::ModelState* model) {
  return model == nullptr || (model->managed && !model->proxy);
}

// Django's `_field_should_be_indexed`: a plain (non-unique) index on the column.
inline bool plain_index(const ir::FieldSpec& field) {
  return field.db_index == ir::Tri::Yes && field.unique == ir::Tri::No && field.primary_key == ir::Tri::No &&
         field.has_column();
}

inline bool index_options_known(const ir::FieldSpec& field) {
  return field.db_index != ir::Tri::Unknown && field.unique != ir::Tri::Unknown &&
         field.primary_key != ir::Tri::Unknown && !field.has_unpacking;
}

// Django's alter_field builds a plain index when db_index turns on, or a unique constraint
// stops standing in for one (the "Added an index?" truth table of BaseDatabaseSchemaEditor).
inline bool alter_adds_index(const ir::FieldSpec& before, const ir::FieldSpec& after) {
  if (!index_options_known(before) || !index_options_known(after)) return false;
  return (before.db_index == ir::Tri::No || before.unique == ir::Tri::Yes) && plain_index(after) && before.has_column();
}

// ... and drops it when db_index turns off, or a unique constraint takes its place.
inline bool alter_removes_index(const ir::FieldSpec& before, const ir::FieldSpec& after) {
  if (!index_options_known(before) || !index_options_known(after)) return false;
  return plain_index(before) && (after.db_index == ir::Tri::No || after.unique == ir::Tri::Yes) && after.has_column();
}

// The sets of `to` that `from` does not have.
inline std::vector<std::vector<std::string>> sets_missing_from(const std::vector<std::vector<std::string>>& to,
                                                               const std::vector<std::vector<std::string>>& from) {
  std::vector<std::vector<std::string>> out;
  for (const auto& set : to) {
    if (std::find(from.begin(), from.end(), set) == from.end()) out.push_back(set);
  }
  return out;
}

inline std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// `["a", "b"]`, as a Python list of strings in a help text.
inline std::string python_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", \"" : "\"") + items[i] + "\"";
  return out + "]";
}

// `"a", "b"`, as SQL identifiers.
inline std::string sql_identifiers(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", \"" : "\"") + items[i] + "\"";
  return out;
}

// A name for an index the user has to write: `<model>_<fields>_idx`, within Django's 30
// characters for `Index.name`.
inline std::string index_name(std::string_view model_key, const std::vector<std::string>& fields,
                              std::string_view suffix = "idx") {
  std::string stem = std::string(model_key);
  for (const auto& f : fields) stem += "_" + f;
  const size_t room = 30 - suffix.size() - 1;
  if (stem.size() > room) stem.resize(room);
  while (!stem.empty() && stem.back() == '_') stem.pop_back();
  return stem + "_" + std::string(suffix);
}

// The column of a field of the model, as the state knows it; the field name otherwise.
inline std::string column_of(const state::ModelState* model, const std::string& field) {
  if (model != nullptr) {
    if (const state::FieldState* f = model->field(field)) return state::ModelState::column_name(*f).value_or(field);
  }
  return field;
}

// Source text on one line, for quoting the user's own code in a help text: comments, line breaks
// and their indentation go, and a trailing comma before a closing bracket. String literals are
// copied as they are.
inline std::string one_line(std::string_view source) {
  std::string out;
  size_t i = 0;
  while (i < source.size()) {
    const char c = source[i];
    if (c == '\'' || c == '"') {
      // A string literal, triple-quoted or not, up to its unescaped closing quote.
      const bool triple = source.substr(i, 3) == std::string_view(std::string(3, c));
      const size_t quote_length = triple ? 3 : 1;
      const std::string_view closing = source.substr(i, quote_length);
      size_t j = i + quote_length;
      while (j < source.size() && source.substr(j, quote_length) != closing) j += source[j] == '\\' ? 2 : 1;
      j = std::min(source.size(), j + quote_length);
      out.append(source.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '#') {
      while (i < source.size() && source[i] != '\n' && source[i] != '\r') ++i;
      continue;
    }
    if (c == '\n' || c == '\r') {
      while (i < source.size() && (source[i] == '\n' || source[i] == '\r' || source[i] == ' ' || source[i] == '\t'))
        ++i;
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      const bool after_open = !out.empty() && (out.back() == '(' || out.back() == '[' || out.back() == '{');
      const bool before_close = i < source.size() && (source[i] == ')' || source[i] == ']' || source[i] == '}');
      if (before_close && !out.empty() && out.back() == ',') out.pop_back();
      if (!after_open && !before_close && !out.empty() && i < source.size() && source[i] != '#') out += ' ';
      continue;
    }
    out += c;
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace godwit::rules::zd
