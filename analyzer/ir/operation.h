#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/ir/field_spec.h"
#include "analyzer/ir/interned.h"
#include "analyzer/ir/operation_kind.h"
#include "analyzer/ir/value.h"

namespace godwit::ir {

// The result of looking up an operation's argument by Django's parameter name.
struct Argument {
  const Value* value = nullptr;  // the argument when it was passed
  bool maybe_passed = false;     // not written out, but `*args`/`**kwargs` could pass it

  [[nodiscard]] bool present() const { return value != nullptr; }
  // Passed and statically known to be None, or known to be absent.
  [[nodiscard]] bool absent_or_none() const {
    return (value == nullptr && !maybe_passed) || (value != nullptr && value->is_none());
  }
};

struct NamedField {
  std::string name;
  TextRange range;  // the (name, field) entry
  FieldSpec spec;
};

// One migration operation: a typed kind, its call as written (with import-resolved callee), the
// arguments matched to Django's parameter names, and for wrappers the nested operations.
// Operations are move-only: FieldSpecs point into the operation's own call.
//
// A project holds tens of thousands of operations, so what only some kinds have (the field of
// AddField/AlterField, nested operations) is allocated apart, and a CreateModel's fields are
// described when asked for (replaying the state does, once).
class Operation {
 public:
  Operation(OperationKind kind, Value call);
  Operation(Operation&&) noexcept = default;
  Operation& operator=(Operation&&) noexcept = default;
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;
  ~Operation() = default;

  [[nodiscard]] OperationKind kind() const { return kind_; }
  [[nodiscard]] const Value& call() const { return call_; }
  [[nodiscard]] TextRange range() const { return call_.range(); }
  // `AddField` for built-ins, the qualified callee for custom operations.
  [[nodiscard]] std::string_view display_name() const;

  [[nodiscard]] Argument arg(Param param) const;
  // The argument as a string literal, if it is one.
  [[nodiscard]] const std::string* string_arg(Param param) const;
  // Arguments that match no parameter of the signature (custom operations: all of them).
  [[nodiscard]] bool has_unmatched_arguments() const { return unmatched_; }

  // `model_name` (field/index/constraint operations) or `name` (model operations), lower-cased
  // as Django keys its state; empty when not a literal. Worked out once, when the operation is
  // built (rules and the state replay ask for it again and again).
  [[nodiscard]] const std::string& model_key() const { return model_key_.get(); }

  // AddField / AlterField: the field.
  [[nodiscard]] const FieldSpec* field() const { return field_.get(); }
  // CreateModel: its fields, described from the call (empty when not literal); the specs point
  // into this operation.
  [[nodiscard]] std::vector<NamedField> model_fields() const;
  // CreateModel: whether `fields` is a literal list of (name, field) pairs.
  [[nodiscard]] bool model_fields_known() const;

  // SeparateDatabaseAndState.database_operations.
  [[nodiscard]] const std::vector<Operation>& database_operations() const;
  // SeparateDatabaseAndState.state_operations and RunSQL.state_operations.
  [[nodiscard]] const std::vector<Operation>& state_operations() const;

  void set_nested(std::vector<Operation> database_operations, std::vector<Operation> state_operations);

 private:
  struct Nested {
    std::vector<Operation> database_operations;
    std::vector<Operation> state_operations;
  };

  void match_arguments();
  [[nodiscard]] std::string compute_model_key() const;
  // CreateModel: the `fields` argument when it is a literal sequence.
  [[nodiscard]] const Value* literal_fields() const;

  OperationKind kind_;
  bool unmatched_ = false;
  Value call_;
  // Index into call_.elements() (< positional count) or into keyword_values() (offset by it).
  std::vector<std::pair<Param, uint32_t>> matched_;
  Text model_key_;
  std::unique_ptr<const FieldSpec> field_;
  std::unique_ptr<Nested> nested_;
};

std::string lower(std::string_view text);

}  // namespace godwit::ir
