#include "analyzer/ir/operation.h"

#include <algorithm>
#include <cctype>

namespace godwit::ir {

std::string lower(std::string_view text) {
  // ASCII letters only, as the C locale's tolower (non-ASCII identifiers keep their case).
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Operation::Operation(OperationKind kind, Value call) : kind_(kind), call_(std::move(call)) {
  match_arguments();
  model_key_ = Text(compute_model_key(), true);
  if (kind_ == OperationKind::AddField || kind_ == OperationKind::AlterField) {
    if (const Value* f = arg(Param::field).value) field_ = std::make_unique<const FieldSpec>(describe_field(*f));
  }
}

std::string_view Operation::display_name() const {
  if (kind_ == OperationKind::Custom) return call_.text();
  return to_string(kind_);
}

void Operation::match_arguments() {
  if (!call_.is(Value::Kind::Call)) return;
  const OperationSignature& sig = signature(kind_);
  const auto positional = call_.elements();
  matched_.reserve(positional.size() + call_.keyword_names().size());  // one allocation per operation
  // An argument godwit cannot evaluate (`"DROP " + name`, `SQL[0]`) still takes its position; only
  // after a `*args` (kept as Opaque source text starting with `*`) are the positions unknown.
  bool after_star = false;
  for (size_t i = 0; i < positional.size(); ++i) {
    after_star = after_star || (positional[i].is_opaque() && positional[i].text().starts_with('*'));
    if (i < sig.positional && !after_star) {
      matched_.emplace_back(sig.params[i], static_cast<uint32_t>(i));
    } else {
      unmatched_ = true;
    }
  }
  const KeywordNames names = call_.keyword_names();
  for (size_t i = 0; i < names.size(); ++i) {
    const auto param = param_from_name(names[i]);
    if (param && std::find(sig.params.begin(), sig.params.end(), *param) != sig.params.end()) {
      matched_.emplace_back(*param, static_cast<uint32_t>(positional.size() + i));
    } else if (names[i] != "**") {
      unmatched_ = true;
    }
  }
}

Argument Operation::arg(Param param) const {
  for (const auto& [p, index] : matched_) {
    if (p != param) continue;
    const auto positional = call_.elements();
    if (index < positional.size()) return Argument{&positional[index], false};
    return Argument{&call_.keyword_values()[index - positional.size()], false};
  }
  return Argument{nullptr, call_.has_unpacking()};
}

const std::string* Operation::string_arg(Param param) const {
  const Argument a = arg(param);
  return a.value != nullptr ? a.value->as_string() : nullptr;
}

std::string Operation::compute_model_key() const {
  const OperationSignature& sig = signature(kind_);
  const bool by_model_name = std::find(sig.params.begin(), sig.params.end(), Param::model_name) != sig.params.end();
  const std::string* name = nullptr;
  if (by_model_name) {
    name = string_arg(Param::model_name);
  } else if (kind_ == OperationKind::RenameModel) {
    name = string_arg(Param::old_name);
  } else if (sig.family == OperationFamily::Django && !sig.params.empty() && sig.params[0] == Param::name) {
    name = string_arg(Param::name);
  }
  return name != nullptr ? lower(*name) : std::string();
}

const Value* Operation::literal_fields() const {
  if (kind_ != OperationKind::CreateModel) return nullptr;
  const Value* fields = arg(Param::fields).value;
  if (fields == nullptr || !fields->is_sequence() || fields->has_unpacking()) return nullptr;
  return fields;
}

// A (name, field) entry of CreateModel.fields: its name, or nullptr when it is not one.
static const std::string* field_entry_name(const Value& entry) {
  if (!entry.is(Value::Kind::Tuple) && !entry.is(Value::Kind::List)) return nullptr;
  const auto pair = entry.elements();
  return pair.size() == 2 ? pair[0].as_string() : nullptr;
}

bool Operation::model_fields_known() const {
  const Value* fields = literal_fields();
  if (fields == nullptr) return false;
  const auto entries = fields->elements();
  return std::all_of(entries.begin(), entries.end(), [](const Value& e) { return field_entry_name(e) != nullptr; });
}

std::vector<NamedField> Operation::model_fields() const {
  std::vector<NamedField> out;
  const Value* fields = literal_fields();
  if (fields == nullptr) return out;
  out.reserve(fields->elements().size());
  for (const Value& entry : fields->elements()) {
    if (const std::string* name = field_entry_name(entry)) {
      out.push_back(NamedField{*name, entry.range(), describe_field(entry.elements()[1])});
    }
  }
  return out;
}

const std::vector<Operation>& Operation::database_operations() const {
  static const std::vector<Operation> kNone;
  return nested_ ? nested_->database_operations : kNone;
}

const std::vector<Operation>& Operation::state_operations() const {
  static const std::vector<Operation> kNone;
  return nested_ ? nested_->state_operations : kNone;
}

void Operation::set_nested(std::vector<Operation> database_operations, std::vector<Operation> state_operations) {
  if (database_operations.empty() && state_operations.empty()) {
    nested_.reset();
    return;
  }
  nested_ = std::make_unique<Nested>(Nested{std::move(database_operations), std::move(state_operations)});
}

}  // namespace godwit::ir
