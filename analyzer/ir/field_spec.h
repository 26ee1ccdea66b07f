#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/ir/value.h"

namespace godwit::ir {

// A three-valued boolean: an option can be set to something godwit cannot evaluate.
enum class Tri : uint8_t { No, Yes, Unknown };

inline Tri tri(bool value) { return value ? Tri::Yes : Tri::No; }

// Field classes godwit knows the column of. Anything else (a project's own field, a third-party
// field) is Other: its options are still read, its column type is unknown.
enum class FieldClass : uint8_t {
  AutoField,
  BigAutoField,
  SmallAutoField,
  BigIntegerField,
  BinaryField,
  BooleanField,
  CharField,
  CommaSeparatedIntegerField,
  DateField,
  DateTimeField,
  DecimalField,
  DurationField,
  EmailField,
  FileField,
  FilePathField,
  FloatField,
  GenericIPAddressField,
  IPAddressField,
  ImageField,
  IntegerField,
  JSONField,
  NullBooleanField,
  PositiveBigIntegerField,
  PositiveIntegerField,
  PositiveSmallIntegerField,
  SlugField,
  SmallIntegerField,
  TextField,
  TimeField,
  URLField,
  UUIDField,
  GeneratedField,
  ForeignKey,
  OneToOneField,
  ManyToManyField,
  // django.contrib.postgres
  ArrayField,
  HStoreField,
  CICharField,
  CIEmailField,
  CITextField,
  IntegerRangeField,
  BigIntegerRangeField,
  DecimalRangeField,
  DateRangeField,
  DateTimeRangeField,
  SearchVectorField,
  Other,
};

std::string_view to_string(FieldClass field_class);

// A field option whose value may be absent, a known literal, or not statically known.
enum class OptionState : uint8_t { Absent, Known, Unknown };

struct IntOption {
  OptionState state = OptionState::Absent;
  int64_t value = 0;
  [[nodiscard]] bool known() const { return state == OptionState::Known; }
};

struct StringOption {
  StringOption() = default;
  StringOption(OptionState known, std::string_view value) : state(known), text(value, true) {}

  OptionState state = OptionState::Absent;
  Text text;  // interned: a handful of distinct column names and model references per project
  [[nodiscard]] bool known() const { return state == OptionState::Known; }
  [[nodiscard]] const std::string& value() const { return text.get(); }
  void set(std::string_view value) { text = Text(value, true); }
};

// What a field's `default=` is, as far as it matters to the database.
struct DefaultSpec {
  enum class Kind : uint8_t {
    Absent,    // no default
    Constant,  // a literal, or an expression evaluated once when the migration is imported
    Callable,  // a callable Django calls to get the value
    Unknown,   // not statically known
  };
  Kind kind = Kind::Absent;
  // For Callable: true when each call can yield a different value (uuid4, timezone.now, a
  // lambda, a function of the project); false for constant factories (dict, list, str, ...).
  bool volatile_value = false;
  const Value* value = nullptr;

  [[nodiscard]] bool present() const { return kind != Kind::Absent; }
};

// A typed view of a field definition such as `models.CharField(max_length=20, null=True)`.
// `definition` points into the IR it was read from, which outlives it.
struct FieldSpec {
  FieldClass field_class = FieldClass::Other;
  Text class_name;  // the qualified callee
  const Value* definition = nullptr;

  // Options with Django's defaults applied (e.g. db_index is Yes for a ForeignKey unless set).
  Tri null = Tri::No;
  Tri blank = Tri::No;
  Tri unique = Tri::No;
  Tri primary_key = Tri::No;
  Tri db_index = Tri::No;
  bool db_index_explicit = false;
  Tri db_constraint = Tri::Yes;  // relations only
  Tri db_persist = Tri::No;      // GeneratedField only
  IntOption max_length;
  IntOption max_digits;
  IntOption decimal_places;
  DefaultSpec default_value;
  const Value* db_default = nullptr;  // nullptr when absent
  StringOption db_column;
  // Relations: the target as written (`"shop.Order"`, `"Order"`, `"self"`), or the setting name
  // for swappable targets (`settings.AUTH_USER_MODEL` gives setting "AUTH_USER_MODEL").
  StringOption relation_to;
  Text relation_setting;
  // ArrayField: the element field.
  std::shared_ptr<const FieldSpec> base_field;
  // The call passes `**kwargs`: any option not written out may still be set.
  bool has_unpacking = false;

  [[nodiscard]] bool is_relation() const {
    return field_class == FieldClass::ForeignKey || field_class == FieldClass::OneToOneField ||
           field_class == FieldClass::ManyToManyField;
  }
  [[nodiscard]] bool is_many_to_many() const { return field_class == FieldClass::ManyToManyField; }
  // A column of this table (not a many-to-many, which is a join table).
  [[nodiscard]] bool has_column() const { return field_class != FieldClass::ManyToManyField; }
  [[nodiscard]] bool is_auto() const {
    return field_class == FieldClass::AutoField || field_class == FieldClass::BigAutoField ||
           field_class == FieldClass::SmallAutoField;
  }
  // The keyword argument as written, if any.
  [[nodiscard]] const Value* option(std::string_view keyword) const {
    return definition != nullptr ? definition->keyword(keyword) : nullptr;
  }
};

// Reads a field call. A value that is not a call gives a FieldSpec of class Other with every
// option Unknown.
FieldSpec describe_field(const Value& call);

// The field class for a qualified callee, if it names one of Django's.
std::optional<FieldClass> field_class_from_qualified(std::string_view qualified);

}  // namespace godwit::ir
