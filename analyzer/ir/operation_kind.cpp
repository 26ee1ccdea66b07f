#include "analyzer/ir/operation_kind.h"

#include <array>

namespace godwit::ir {

namespace {

using P = Param;
using K = OperationKind;
using F = OperationFamily;

constexpr std::array kName{P::name};
constexpr std::array kCreateModel{P::name, P::fields, P::options, P::bases, P::managers};
constexpr std::array kRename{P::old_name, P::new_name};
constexpr std::array kModelTable{P::name, P::table};
constexpr std::array kModelTableComment{P::name, P::table_comment};
constexpr std::array kUniqueTogether{P::name, P::unique_together};
constexpr std::array kIndexTogether{P::name, P::index_together};
constexpr std::array kOrderWrt{P::name, P::order_with_respect_to};
constexpr std::array kModelOptions{P::name, P::options};
constexpr std::array kModelManagers{P::name, P::managers};
constexpr std::array kFieldOp{P::model_name, P::name, P::field, P::preserve_default};
constexpr std::array kRemoveField{P::model_name, P::name};
constexpr std::array kRenameField{P::model_name, P::old_name, P::new_name};
constexpr std::array kIndexOp{P::model_name, P::index};
constexpr std::array kRemoveByName{P::model_name, P::name};
constexpr std::array kRenameIndex{P::model_name, P::new_name, P::old_name, P::old_fields};
constexpr std::array kConstraintOp{P::model_name, P::constraint};
constexpr std::array kAlterConstraint{P::model_name, P::name, P::constraint};
constexpr std::array kSeparate{P::database_operations, P::state_operations};
constexpr std::array kRunSql{P::sql, P::reverse_sql, P::state_operations, P::hints, P::elidable};
constexpr std::array kRunPython{P::code, P::reverse_code, P::atomic, P::hints, P::elidable};
constexpr std::array<Param, 0> kNone{};
constexpr std::array kCollation{P::name, P::locale, P::provider, P::deterministic};
constexpr std::array kAddDefaultValue{P::model_name, P::name, P::value};

template <size_t N>
constexpr OperationSignature sig(K kind, std::string_view name, F family, const std::array<Param, N>& params,
                                 uint8_t positional = N) {
  return OperationSignature{kind, name, family, std::span<const Param>(params), positional};
}

const std::array<OperationSignature, kOperationKindCount> kSignatures{
    sig(K::CreateModel, "CreateModel", F::Django, kCreateModel),
    sig(K::DeleteModel, "DeleteModel", F::Django, kName),
    sig(K::RenameModel, "RenameModel", F::Django, kRename),
    sig(K::AlterModelTable, "AlterModelTable", F::Django, kModelTable),
    sig(K::AlterModelTableComment, "AlterModelTableComment", F::Django, kModelTableComment),
    sig(K::AlterUniqueTogether, "AlterUniqueTogether", F::Django, kUniqueTogether),
    sig(K::AlterIndexTogether, "AlterIndexTogether", F::Django, kIndexTogether),
    sig(K::AlterOrderWithRespectTo, "AlterOrderWithRespectTo", F::Django, kOrderWrt),
    sig(K::AlterModelOptions, "AlterModelOptions", F::Django, kModelOptions),
    sig(K::AlterModelManagers, "AlterModelManagers", F::Django, kModelManagers),
    sig(K::AddField, "AddField", F::Django, kFieldOp),
    sig(K::RemoveField, "RemoveField", F::Django, kRemoveField),
    sig(K::AlterField, "AlterField", F::Django, kFieldOp),
    sig(K::RenameField, "RenameField", F::Django, kRenameField),
    sig(K::AddIndex, "AddIndex", F::Django, kIndexOp),
    sig(K::RemoveIndex, "RemoveIndex", F::Django, kRemoveByName),
    sig(K::RenameIndex, "RenameIndex", F::Django, kRenameIndex),
    sig(K::AddConstraint, "AddConstraint", F::Django, kConstraintOp),
    sig(K::RemoveConstraint, "RemoveConstraint", F::Django, kRemoveByName),
    sig(K::AlterConstraint, "AlterConstraint", F::Django, kAlterConstraint),
    sig(K::SeparateDatabaseAndState, "SeparateDatabaseAndState", F::Django, kSeparate),
    sig(K::RunSQL, "RunSQL", F::Django, kRunSql),
    sig(K::RunPython, "RunPython", F::Django, kRunPython),
    sig(K::CreateExtension, "CreateExtension", F::Postgres, kName),
    sig(K::BloomExtension, "BloomExtension", F::Postgres, kNone),
    sig(K::BtreeGinExtension, "BtreeGinExtension", F::Postgres, kNone),
    sig(K::BtreeGistExtension, "BtreeGistExtension", F::Postgres, kNone),
    sig(K::CITextExtension, "CITextExtension", F::Postgres, kNone),
    sig(K::CryptoExtension, "CryptoExtension", F::Postgres, kNone),
    sig(K::HStoreExtension, "HStoreExtension", F::Postgres, kNone),
    sig(K::TrigramExtension, "TrigramExtension", F::Postgres, kNone),
    sig(K::UnaccentExtension, "UnaccentExtension", F::Postgres, kNone),
    sig(K::CreateCollation, "CreateCollation", F::Postgres, kCollation, 2),
    sig(K::RemoveCollation, "RemoveCollation", F::Postgres, kCollation, 2),
    sig(K::AddIndexConcurrently, "AddIndexConcurrently", F::Postgres, kIndexOp),
    sig(K::RemoveIndexConcurrently, "RemoveIndexConcurrently", F::Postgres, kRemoveByName),
    sig(K::AddConstraintNotValid, "AddConstraintNotValid", F::Postgres, kConstraintOp),
    sig(K::ValidateConstraint, "ValidateConstraint", F::Postgres, kRemoveByName),
    sig(K::AddDefaultValue, "AddDefaultValue", F::ThirdParty, kAddDefaultValue),
    sig(K::IgnoreMigration, "IgnoreMigration", F::ThirdParty, kNone),
    sig(K::Custom, "Custom", F::Custom, kNone),
};

constexpr std::array<std::string_view, 31> kParamNames{
    "name",          "fields",         "options",         "bases",
    "managers",      "old_name",       "new_name",        "table",
    "table_comment", "unique_together", "index_together", "order_with_respect_to",
    "model_name",    "field",          "preserve_default", "index",
    "old_fields",    "constraint",     "database_operations", "state_operations",
    "sql",           "reverse_sql",    "hints",           "elidable",
    "code",          "reverse_code",   "atomic",          "locale",
    "provider",      "deterministic",  "value",
};
static_assert(kParamNames.size() == static_cast<size_t>(Param::value) + 1);

}  // namespace

std::string_view param_name(Param param) { return kParamNames[static_cast<size_t>(param)]; }

std::optional<Param> param_from_name(std::string_view name) {
  for (size_t i = 0; i < kParamNames.size(); ++i) {
    if (kParamNames[i] == name) return static_cast<Param>(i);
  }
  return std::nullopt;
}

const OperationSignature& signature(OperationKind kind) { return kSignatures[static_cast<size_t>(kind)]; }

std::string_view to_string(OperationKind kind) { return signature(kind).name; }

std::optional<OperationKind> operation_kind_from_name(std::string_view name, OperationFamily family) {
  for (const OperationSignature& s : kSignatures) {
    if (s.family == family && s.name == name && s.kind != K::Custom) return s.kind;
  }
  return std::nullopt;
}

}  // namespace godwit::ir
