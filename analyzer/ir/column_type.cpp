#include "analyzer/ir/column_type.h"

namespace godwit::ir {

std::string ColumnType::str() const {
  if (precision >= 0) return base + "(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
  if (length >= 0) return base + "(" + std::to_string(length) + ")";
  return base;
}

namespace {

using FC = FieldClass;
using DB = config::Database;

std::optional<ColumnType> sized(std::string base, const IntOption& length) {
  if (!length.known()) return std::nullopt;
  return ColumnType{std::move(base), length.value};
}

}  // namespace

std::optional<ColumnType> column_type(const FieldSpec& f, DB db) {
  const bool pg = db == DB::PostgreSQL;
  switch (f.field_class) {
    case FC::CharField:
    case FC::SlugField:
    case FC::EmailField:
    case FC::URLField:
    case FC::FileField:
    case FC::ImageField:
    case FC::FilePathField:
    case FC::CommaSeparatedIntegerField:
      return sized("varchar", f.max_length);
    case FC::TextField: return ColumnType{"text"};
    case FC::CICharField:
    case FC::CIEmailField:
    case FC::CITextField: return ColumnType{"citext"};
    case FC::AutoField:
    case FC::IntegerField:
    case FC::PositiveIntegerField: return ColumnType{"integer"};
    case FC::BigAutoField:
    case FC::BigIntegerField:
    case FC::PositiveBigIntegerField: return ColumnType{"bigint"};
    case FC::SmallAutoField:
    case FC::SmallIntegerField:
    case FC::PositiveSmallIntegerField: return ColumnType{"smallint"};
    case FC::BooleanField:
    case FC::NullBooleanField: return ColumnType{"boolean"};
    case FC::DateField: return ColumnType{"date"};
    case FC::DateTimeField: return ColumnType{pg ? "timestamp with time zone" : "datetime"};
    case FC::TimeField: return ColumnType{"time"};
    case FC::DurationField: return ColumnType{pg ? "interval" : "bigint"};
    case FC::DecimalField:
      if (!f.max_digits.known() || !f.decimal_places.known()) return std::nullopt;
      return ColumnType{"numeric", -1, f.max_digits.value, f.decimal_places.value};
    case FC::FloatField: return ColumnType{"double precision"};
    case FC::UUIDField: return pg ? ColumnType{"uuid"} : ColumnType{"char", 32};
    case FC::JSONField: return ColumnType{pg ? "jsonb" : "json"};
    case FC::BinaryField: return ColumnType{pg ? "bytea" : "blob"};
    case FC::GenericIPAddressField: return pg ? ColumnType{"inet"} : ColumnType{"char", 39};
    case FC::IPAddressField: return pg ? ColumnType{"inet"} : ColumnType{"char", 15};
    case FC::HStoreField: return ColumnType{"hstore"};
    case FC::IntegerRangeField: return ColumnType{"int4range"};
    case FC::BigIntegerRangeField: return ColumnType{"int8range"};
    case FC::DecimalRangeField: return ColumnType{"numrange"};
    case FC::DateRangeField: return ColumnType{"daterange"};
    case FC::DateTimeRangeField: return ColumnType{"tstzrange"};
    case FC::SearchVectorField: return ColumnType{"tsvector"};
    case FC::ArrayField: {
      if (!f.base_field) return std::nullopt;
      auto inner = column_type(*f.base_field, db);
      if (!inner) return std::nullopt;
      inner->base += "[]";
      return inner;
    }
    default:
      return std::nullopt;  // relations, GeneratedField, custom fields
  }
}

TypeChange compare_column_types(const FieldSpec& before, const FieldSpec& after, DB db) {
  // A relation's column has its target's key type: the same target keeps the same type.
  if (before.is_relation() || after.is_relation()) {
    if (before.field_class == FieldClass::ManyToManyField || after.field_class == FieldClass::ManyToManyField) {
      return before.field_class == after.field_class ? TypeChange::Same : TypeChange::Unknown;
    }
    if (before.is_relation() && after.is_relation() && before.relation_to.known() && after.relation_to.known()) {
      return before.relation_to.value() == after.relation_to.value() ? TypeChange::Same : TypeChange::Unknown;
    }
    return TypeChange::Unknown;
  }
  const auto a = column_type(before, db);
  const auto b = column_type(after, db);
  if (!a || !b) {
    // The same custom class with the same options keeps its type.
    if (before.field_class == FieldClass::Other && before.class_name == after.class_name &&
        before.max_length.state == after.max_length.state && before.max_length.value == after.max_length.value) {
      return TypeChange::Same;
    }
    return TypeChange::Unknown;
  }
  if (*a == *b) return TypeChange::Same;
  const bool pg = db == DB::PostgreSQL;
  if (a->base == "varchar" && b->base == "varchar" && b->length > a->length) {
    return pg ? TypeChange::Widening : TypeChange::Rewrite;
  }
  if (a->base == "varchar" && b->base == "text") return pg ? TypeChange::Widening : TypeChange::Rewrite;
  if (a->base == "numeric" && b->base == "numeric" && a->scale == b->scale && b->precision > a->precision) {
    return pg ? TypeChange::Widening : TypeChange::Rewrite;
  }
  return TypeChange::Rewrite;
}

}  // namespace godwit::ir
