#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace godwit::ir {

// Every operation godwit knows by name. Anything else is Custom and keeps its callee.
enum class OperationKind : uint8_t {
  // django.db.migrations
  CreateModel,
  DeleteModel,
  RenameModel,
  AlterModelTable,
  AlterModelTableComment,
  AlterUniqueTogether,
  AlterIndexTogether,
  AlterOrderWithRespectTo,
  AlterModelOptions,
  AlterModelManagers,
  AddField,
  RemoveField,
  AlterField,
  RenameField,
  AddIndex,
  RemoveIndex,
  RenameIndex,
  AddConstraint,
  RemoveConstraint,
  AlterConstraint,
  SeparateDatabaseAndState,
  RunSQL,
  RunPython,
  // django.contrib.postgres.operations
  CreateExtension,
  BloomExtension,
  BtreeGinExtension,
  BtreeGistExtension,
  CITextExtension,
  CryptoExtension,
  HStoreExtension,
  TrigramExtension,
  UnaccentExtension,
  CreateCollation,
  RemoveCollation,
  AddIndexConcurrently,
  RemoveIndexConcurrently,
  AddConstraintNotValid,
  ValidateConstraint,
  // Known third-party operations.
  AddDefaultValue,  // django-add-default-value
  IgnoreMigration,  // django-migration-linter
  // Anything else: a project's own operation class or an unknown library's.
  Custom,
};

inline constexpr size_t kOperationKindCount = static_cast<size_t>(OperationKind::Custom) + 1;

enum class OperationFamily : uint8_t { Django, Postgres, ThirdParty, Custom };

// Django's parameter names, so that positional and keyword arguments are matched once.
enum class Param : uint8_t {
  name,
  fields,
  options,
  bases,
  managers,
  old_name,
  new_name,
  table,
  table_comment,
  unique_together,
  index_together,
  order_with_respect_to,
  model_name,
  field,
  preserve_default,
  index,
  old_fields,
  constraint,
  database_operations,
  state_operations,
  sql,
  reverse_sql,
  hints,
  elidable,
  code,
  reverse_code,
  atomic,
  locale,
  provider,
  deterministic,
  value,
};

std::string_view param_name(Param param);
std::optional<Param> param_from_name(std::string_view name);

struct OperationSignature {
  OperationKind kind;
  std::string_view name;
  OperationFamily family;
  // Parameters in positional order. The first `positional` of them may be passed positionally.
  std::span<const Param> params;
  uint8_t positional;
};

const OperationSignature& signature(OperationKind kind);
std::string_view to_string(OperationKind kind);
// The kind for a class name inside its family's module (`AddField` in django.db.migrations).
std::optional<OperationKind> operation_kind_from_name(std::string_view name, OperationFamily family);

// A set of operation kinds, for rules to declare what they want to see.
class OperationKindSet {
 public:
  constexpr OperationKindSet() = default;
  constexpr OperationKindSet(std::initializer_list<OperationKind> kinds) {
    for (const OperationKind kind : kinds) bits_ |= bit(kind);
  }
  static constexpr OperationKindSet all() {
    OperationKindSet set;
    set.bits_ = (uint64_t{1} << kOperationKindCount) - 1;
    return set;
  }
  [[nodiscard]] constexpr bool contains(OperationKind kind) const { return (bits_ & bit(kind)) != 0; }

 private:
  static constexpr uint64_t bit(OperationKind kind) { return uint64_t{1} << static_cast<unsigned>(kind); }
  uint64_t bits_ = 0;
};
static_assert(kOperationKindCount <= 64);

}  // namespace godwit::ir
