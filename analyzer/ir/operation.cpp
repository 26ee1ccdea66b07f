#include "analyzer/ir/operation.h"

#include <algorithm>
#include <cctype>

namespace godwit::ir {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Operation::Operation(OperationKind kind, Value call) : kind_(kind), call_(std::move(call)) {
  match_arguments();
  describe_fields();
}

std::string_view Operation::display_name() const {
  if (kind_ == OperationKind::Custom) return call_.text();
  return to_string(kind_);
}

void Operation::match_arguments() {
  if (!call_.is(Value::Kind::Call)) return;
  const OperationSignature& sig = signature(kind_);
  const auto positional = call_.elements();
  for (size_t i = 0; i < positional.size(); ++i) {
    // After `*args` no position is known (the call has_unpacking(), so arg() says "maybe").
    // Any other Opaque argument is still passed: a rule sees it and cannot decide.
    if (positional[i].is_opaque() && positional[i].text().starts_with('*')) {
      unmatched_ = true;
      break;
    }
    if (i < sig.positional) {
      matched_.emplace_back(sig.params[i], static_cast<uint32_t>(i));
    } else {
      unmatched_ = true;
    }
  }
  const auto& names = call_.keyword_names();
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

std::string Operation::model_key() const {
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

void Operation::describe_fields() {
  if (kind_ == OperationKind::AddField || kind_ == OperationKind::AlterField) {
    if (const Value* f = arg(Param::field).value) field_ = describe_field(*f);
    return;
  }
  if (kind_ != OperationKind::CreateModel) return;
  const Value* fields = arg(Param::fields).value;
  if (fields == nullptr || !fields->is_sequence() || fields->has_unpacking()) return;
  model_fields_known_ = true;
  for (const Value& entry : fields->elements()) {
    const auto pair = entry.elements();
    if (!entry.is(Value::Kind::Tuple) && !entry.is(Value::Kind::List)) {
      model_fields_known_ = false;
      continue;
    }
    if (pair.size() != 2 || pair[0].as_string() == nullptr) {
      model_fields_known_ = false;
      continue;
    }
    model_fields_.push_back(NamedField{*pair[0].as_string(), entry.range(), describe_field(pair[1])});
  }
}

void Operation::set_nested(std::vector<Operation> database_operations, std::vector<Operation> state_operations) {
  database_operations_ = std::move(database_operations);
  state_operations_ = std::move(state_operations);
}

}  // namespace godwit::ir
