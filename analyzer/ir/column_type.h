#pragma once

#include <optional>
#include <string>

#include "analyzer/config/config.h"
#include "analyzer/ir/field_spec.h"

namespace godwit::ir {

// The database column a field maps to, as far as godwit knows it (Django's db_type per backend,
// without the connection). `base` is the type without its size ("varchar", "numeric").
struct ColumnType {
  std::string base;
  int64_t length = -1;     // varchar(length), -1 when none
  int64_t precision = -1;  // numeric(precision, scale)
  int64_t scale = -1;
  [[nodiscard]] std::string str() const;
  friend bool operator==(const ColumnType&, const ColumnType&) = default;
};

// nullopt when the type is not statically known (a custom field, an opaque max_length, a
// relation, whose type is its target's key).
std::optional<ColumnType> column_type(const FieldSpec& field, config::Database database);

// How changing a column from `before` to `after` goes on the database.
enum class TypeChange : uint8_t {
  Same,        // nothing happens to the column type
  Widening,    // binary-compatible on PostgreSQL: no rewrite, no scan (longer varchar, varchar -> text)
  Rewrite,     // a different type: the table is rewritten and old code may break
  Unknown,
};

TypeChange compare_column_types(const FieldSpec& before, const FieldSpec& after, config::Database database);

}  // namespace godwit::ir
