#include "analyzer/ir/field_spec.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace godwit::ir {

namespace {

using FC = FieldClass;

constexpr std::array<std::pair<FC, std::string_view>, 46> kClassNames{{
    {FC::AutoField, "AutoField"},
    {FC::BigAutoField, "BigAutoField"},
    {FC::SmallAutoField, "SmallAutoField"},
    {FC::BigIntegerField, "BigIntegerField"},
    {FC::BinaryField, "BinaryField"},
    {FC::BooleanField, "BooleanField"},
    {FC::CharField, "CharField"},
    {FC::CommaSeparatedIntegerField, "CommaSeparatedIntegerField"},
    {FC::DateField, "DateField"},
    {FC::DateTimeField, "DateTimeField"},
    {FC::DecimalField, "DecimalField"},
    {FC::DurationField, "DurationField"},
    {FC::EmailField, "EmailField"},
    {FC::FileField, "FileField"},
    {FC::FilePathField, "FilePathField"},
    {FC::FloatField, "FloatField"},
    {FC::GenericIPAddressField, "GenericIPAddressField"},
    {FC::IPAddressField, "IPAddressField"},
    {FC::ImageField, "ImageField"},
    {FC::IntegerField, "IntegerField"},
    {FC::JSONField, "JSONField"},
    {FC::NullBooleanField, "NullBooleanField"},
    {FC::PositiveBigIntegerField, "PositiveBigIntegerField"},
    {FC::PositiveIntegerField, "PositiveIntegerField"},
    {FC::PositiveSmallIntegerField, "PositiveSmallIntegerField"},
    {FC::SlugField, "SlugField"},
    {FC::SmallIntegerField, "SmallIntegerField"},
    {FC::TextField, "TextField"},
    {FC::TimeField, "TimeField"},
    {FC::URLField, "URLField"},
    {FC::UUIDField, "UUIDField"},
    {FC::GeneratedField, "GeneratedField"},
    {FC::ForeignKey, "ForeignKey"},
    {FC::OneToOneField, "OneToOneField"},
    {FC::ManyToManyField, "ManyToManyField"},
    {FC::ArrayField, "ArrayField"},
    {FC::HStoreField, "HStoreField"},
    {FC::CICharField, "CICharField"},
    {FC::CIEmailField, "CIEmailField"},
    {FC::CITextField, "CITextField"},
    {FC::IntegerRangeField, "IntegerRangeField"},
    {FC::BigIntegerRangeField, "BigIntegerRangeField"},
    {FC::DecimalRangeField, "DecimalRangeField"},
    {FC::DateRangeField, "DateRangeField"},
    {FC::DateTimeRangeField, "DateTimeRangeField"},
    {FC::SearchVectorField, "SearchVectorField"},
}};

bool is_postgres_class(FC c) { return c >= FC::ArrayField && c <= FC::SearchVectorField; }

Tri read_bool(const Value* value, Tri absent) {
  if (value == nullptr) return absent;
  if (auto b = value->as_bool()) return tri(*b);
  if (value->is_none()) return Tri::No;
  return Tri::Unknown;
}

IntOption read_int(const Value* value) {
  if (value == nullptr || value->is_none()) return {};
  if (auto i = value->as_int()) return IntOption{OptionState::Known, *i};
  return IntOption{OptionState::Unknown, 0};
}

StringOption read_string(const Value* value) {
  if (value == nullptr || value->is_none()) return {};
  if (const std::string* s = value->as_string()) return StringOption{OptionState::Known, *s};
  return StringOption{OptionState::Unknown, {}};
}

bool all_caps(std::string_view name) {
  bool letter = false;
  for (const char c : name) {
    if (std::islower(static_cast<unsigned char>(c)) != 0) return false;
    if (std::isupper(static_cast<unsigned char>(c)) != 0) letter = true;
  }
  return letter;
}

// Builtins and standard factories that return the same value on every call.
constexpr std::array<std::string_view, 12> kConstantFactories{
    "dict", "list", "set", "tuple", "str", "int", "float", "bool", "frozenset", "bytes",
    "decimal.Decimal", "collections.OrderedDict"};

DefaultSpec read_default(const Value* value) {
  DefaultSpec spec;
  spec.value = value;
  if (value == nullptr) return spec;
  switch (value->kind()) {
    case Value::Kind::Lambda:
      spec.kind = DefaultSpec::Kind::Callable;
      spec.volatile_value = true;
      return spec;
    case Value::Kind::Name: {
      const std::string& name = value->text();
      if (name.ends_with("NOT_PROVIDED")) {
        spec.kind = DefaultSpec::Kind::Absent;
        return spec;
      }
      if (std::find(kConstantFactories.begin(), kConstantFactories.end(), name) != kConstantFactories.end()) {
        spec.kind = DefaultSpec::Kind::Callable;
        return spec;
      }
      if (value->origin() == NameOrigin::Local) {
        spec.kind = DefaultSpec::Kind::Callable;
        spec.volatile_value = true;
        return spec;
      }
      if (value->origin() == NameOrigin::Imported) {
        if (all_caps(value->short_name())) {
          spec.kind = DefaultSpec::Kind::Constant;
        } else {
          spec.kind = DefaultSpec::Kind::Callable;
          spec.volatile_value = true;
        }
        return spec;
      }
      spec.kind = DefaultSpec::Kind::Unknown;
      return spec;
    }
    case Value::Kind::Opaque:
      spec.kind = DefaultSpec::Kind::Unknown;
      return spec;
    default:
      spec.kind = DefaultSpec::Kind::Constant;
      return spec;
  }
}

}  // namespace

std::string_view to_string(FieldClass field_class) {
  for (const auto& [c, name] : kClassNames) {
    if (c == field_class) return name;
  }
  return "Field";
}

std::optional<FieldClass> field_class_from_qualified(std::string_view qualified) {
  const auto dot = qualified.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view module = qualified.substr(0, dot);
  const std::string_view name = qualified.substr(dot + 1);
  const bool django_models = module == "django.db.models" || module.starts_with("django.db.models.fields");
  const bool postgres = module.starts_with("django.contrib.postgres.fields") || module == "django.contrib.postgres.search";
  if (!django_models && !postgres) return std::nullopt;
  for (const auto& [c, n] : kClassNames) {
    if (n == name && is_postgres_class(c) == postgres) return c;
  }
  return std::nullopt;
}

FieldSpec describe_field(const Value& call) {
  FieldSpec spec;
  spec.definition = &call;
  if (!call.is(Value::Kind::Call)) {
    spec.class_name = Text(call.render(), false);
    spec.null = spec.unique = spec.primary_key = spec.db_index = Tri::Unknown;
    spec.default_value.kind = DefaultSpec::Kind::Unknown;
    spec.max_length.state = spec.max_digits.state = spec.decimal_places.state = OptionState::Unknown;
    spec.db_column.state = OptionState::Unknown;
    return spec;
  }
  spec.class_name = Text(call.text(), true);
  spec.field_class = field_class_from_qualified(call.text()).value_or(FieldClass::Other);
  // An unknown keyword splat could set any option.
  const bool splat = call.has_unpacking();

  // The options a field reads, found in one pass over the call's keywords (the last of a
  // repeated keyword wins, as in Value::keyword): a project describes hundreds of thousands of
  // fields, and a lookup per option would scan the keywords fifteen times.
  enum Option : uint8_t {
    kNull, kBlank, kPrimaryKey, kUnique, kDbIndex, kDbConstraint, kDbPersist, kMaxLength,
    kMaxDigits, kDecimalPlaces, kDefault, kDbDefault, kDbColumn, kTo, kBaseField, kOptionCount
  };
  static constexpr std::array<std::string_view, kOptionCount> kOptionNames = {
      "null",       "blank",      "primary_key",    "unique",  "db_index",   "db_constraint", "db_persist", "max_length",
      "max_digits", "decimal_places", "default",    "db_default", "db_column", "to",          "base_field"};
  std::array<const Value*, kOptionCount> passed{};
  {
    const KeywordNames names = call.keyword_names();
    const auto values = call.keyword_values();
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string_view name = names[i];
      for (size_t o = 0; o < kOptionCount; ++o) {
        if (kOptionNames[o].size() == name.size() && kOptionNames[o] == name) {
          passed[o] = &values[i];
          break;
        }
      }
    }
  }
  const auto keyword = [&](Option option) { return passed[option]; };

  const auto positional = call.elements();
  auto arg = [&](Option keyword_option, size_t position) -> const Value* {
    if (const Value* v = passed[keyword_option]) return v;
    if (position < positional.size()) return &positional[position];
    return nullptr;
  };

  constexpr size_t kNoPosition = static_cast<size_t>(-1);
  const bool relation = spec.is_relation();
  const size_t to_position = relation ? 0 : kNoPosition;
  const size_t base_position = spec.field_class == FieldClass::ArrayField ? 0 : kNoPosition;

  spec.null = read_bool(keyword(kNull), Tri::No);
  spec.blank = read_bool(keyword(kBlank), Tri::No);
  spec.primary_key = read_bool(keyword(kPrimaryKey), Tri::No);
  if (spec.field_class == FieldClass::NullBooleanField) spec.null = Tri::Yes;
  spec.unique = read_bool(keyword(kUnique), spec.field_class == FieldClass::OneToOneField ? Tri::Yes : Tri::No);
  if (spec.primary_key == Tri::Yes) spec.unique = Tri::Yes;

  const Value* db_index = keyword(kDbIndex);
  spec.db_index_explicit = db_index != nullptr;
  const bool implicit_index = spec.field_class == FieldClass::ForeignKey || spec.field_class == FieldClass::OneToOneField ||
                              spec.field_class == FieldClass::SlugField;
  spec.db_index = read_bool(db_index, implicit_index ? Tri::Yes : Tri::No);
  if (relation) spec.db_constraint = read_bool(keyword(kDbConstraint), Tri::Yes);
  if (spec.field_class == FieldClass::GeneratedField) spec.db_persist = read_bool(keyword(kDbPersist), Tri::No);

  spec.max_length = read_int(keyword(kMaxLength));
  if (spec.max_length.state == OptionState::Absent && !splat) {
    // Fields whose constructor sets a max_length when none is given.
    int64_t implied = 0;
    switch (spec.field_class) {
      case FieldClass::SlugField: implied = 50; break;
      case FieldClass::URLField: implied = 200; break;
      case FieldClass::EmailField: implied = 254; break;
      case FieldClass::FileField:
      case FieldClass::ImageField:
      case FieldClass::FilePathField: implied = 100; break;
      case FieldClass::GenericIPAddressField: implied = 39; break;
      case FieldClass::IPAddressField: implied = 15; break;
      case FieldClass::UUIDField: implied = 32; break;
      default: break;
    }
    if (implied > 0) spec.max_length = IntOption{OptionState::Known, implied};
  }
  spec.max_digits = read_int(keyword(kMaxDigits));
  spec.decimal_places = read_int(keyword(kDecimalPlaces));
  spec.default_value = read_default(keyword(kDefault));
  spec.db_default = keyword(kDbDefault);
  spec.db_column = read_string(keyword(kDbColumn));

  if (relation) {
    const Value* to = arg(kTo, to_position);
    if (to != nullptr && to->is(Value::Kind::Name) && to->text().starts_with("django.conf.settings.")) {
      const std::string_view setting = std::string_view(to->text()).substr(std::string_view("django.conf.settings.").size());
      spec.relation_setting = Text(setting, true);
      spec.relation_to = StringOption{OptionState::Known, "settings." + std::string(setting)};
    } else if (to != nullptr && to->is(Value::Kind::Name) && to->origin() == NameOrigin::Local) {
      spec.relation_to = StringOption{OptionState::Known, to->text()};
    } else {
      spec.relation_to = read_string(to);
      if (to == nullptr) spec.relation_to.state = OptionState::Unknown;
    }
  }
  if (base_position != kNoPosition) {
    if (const Value* base = arg(kBaseField, base_position)) {
      spec.base_field = std::make_shared<FieldSpec>(describe_field(*base));
    }
  }

  spec.has_unpacking = splat;
  if (splat) {
    auto unknown_if_absent = [](Tri& t, bool given) {
      if (!given) t = Tri::Unknown;
    };
    unknown_if_absent(spec.null, keyword(kNull) != nullptr);
    unknown_if_absent(spec.unique, keyword(kUnique) != nullptr);
    unknown_if_absent(spec.db_index, db_index != nullptr);
    if (spec.db_default == nullptr && spec.default_value.kind == DefaultSpec::Kind::Absent) {
      spec.default_value.kind = DefaultSpec::Kind::Unknown;
    }
    if (spec.db_column.state == OptionState::Absent) spec.db_column.state = OptionState::Unknown;
  }
  return spec;
}

}  // namespace godwit::ir
