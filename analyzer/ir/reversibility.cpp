#include "analyzer/ir/reversibility.h"

#include <algorithm>

namespace godwit::ir {

Argument reverse_argument(const Operation& operation) {
  switch (operation.kind()) {
    case OperationKind::RunPython: return operation.arg(Param::reverse_code);
    case OperationKind::RunSQL: return operation.arg(Param::reverse_sql);
    default: return Argument{};
  }
}

namespace {

Tri combine(Tri a, Tri b) {
  if (a == Tri::No || b == Tri::No) return Tri::No;
  if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
  return Tri::Yes;
}

Tri custom_reversible(const Migration& migration, const Operation& operation) {
  const Value& call = operation.call();
  if (call.origin() != NameOrigin::Local) return Tri::Unknown;
  const ClassInfo* cls = migration.class_named(call.text());
  if (cls == nullptr) return Tri::Unknown;
  if (cls->reversible) return tri(*cls->reversible);
  const bool django_base = std::any_of(cls->bases.begin(), cls->bases.end(), [](const std::string& base) {
    return base.starts_with("django.db.migrations.");
  });
  return django_base ? Tri::Yes : Tri::Unknown;
}

}  // namespace

Tri operation_reversible(const Migration& migration, const Operation& operation) {
  switch (operation.kind()) {
    case OperationKind::RunPython:
    case OperationKind::RunSQL: {
      const Argument reverse = reverse_argument(operation);
      if (reverse.absent_or_none()) return Tri::No;
      return reverse.present() ? Tri::Yes : Tri::Unknown;
    }
    case OperationKind::SeparateDatabaseAndState: {
      Tri result = Tri::Yes;
      for (const Operation& inner : operation.database_operations()) {
        result = combine(result, operation_reversible(migration, inner));
      }
      return result;
    }
    case OperationKind::Custom: return custom_reversible(migration, operation);
    default: return Tri::Yes;
  }
}

Tri reversibility(const Migration& migration) {
  if (migration.syntax_error || !migration.unresolved_operations.empty()) {
    Tri result = Tri::Unknown;
    for (const Operation& op : migration.operations) {
      if (operation_reversible(migration, op) == Tri::No) result = Tri::No;
    }
    return result;
  }
  Tri result = Tri::Yes;
  for (const Operation& op : migration.operations) result = combine(result, operation_reversible(migration, op));
  return result;
}

}  // namespace godwit::ir
