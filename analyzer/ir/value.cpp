#include "analyzer/ir/value.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace godwit::ir {

Value Value::none(TextRange range) {
  Value v;
  v.kind_ = Kind::None;
  v.range_ = range;
  return v;
}

Value Value::boolean(bool value, TextRange range) {
  Value v;
  v.kind_ = Kind::Bool;
  v.scalar_.b = value;
  v.range_ = range;
  return v;
}

Value Value::integer(int64_t value, TextRange range) {
  Value v;
  v.kind_ = Kind::Int;
  v.scalar_.i = value;
  v.range_ = range;
  return v;
}

Value Value::floating(double value, TextRange range) {
  Value v;
  v.kind_ = Kind::Float;
  v.scalar_.f = value;
  v.range_ = range;
  return v;
}

Value Value::string(std::string_view value, TextRange range) {
  Value v;
  v.kind_ = Kind::String;
  v.text_ = Text(value, false);
  v.range_ = range;
  return v;
}

Value Value::bytes(std::string_view value, TextRange range) {
  Value v = string(value, range);
  v.kind_ = Kind::Bytes;
  return v;
}

Value Value::name(std::string_view qualified, NameOrigin origin, TextRange range) {
  Value v;
  v.kind_ = Kind::Name;
  v.origin_ = origin;
  v.text_ = Text(qualified, true);
  v.range_ = range;
  return v;
}

Value::Value(const Value& other)
    : kind_(other.kind_),
      origin_(other.origin_),
      unpacking_(other.unpacking_),
      size_(other.size_),
      range_(other.range_),
      scalar_(other.scalar_),
      text_(other.text_) {
  if (size_ > 0) {
    items_ = static_cast<Value*>(::operator new(sizeof(Value) * size_));
    std::uninitialized_copy_n(other.items_, size_, items_);
  }
}

Value::Value(Value&& other) noexcept
    : kind_(other.kind_),
      origin_(other.origin_),
      unpacking_(other.unpacking_),
      size_(std::exchange(other.size_, 0)),
      range_(other.range_),
      scalar_(other.scalar_),
      text_(std::move(other.text_)),
      items_(std::exchange(other.items_, nullptr)) {}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    destroy_items();
    kind_ = other.kind_;
    origin_ = other.origin_;
    unpacking_ = other.unpacking_;
    size_ = std::exchange(other.size_, 0);
    range_ = other.range_;
    scalar_ = other.scalar_;
    text_ = std::move(other.text_);
    items_ = std::exchange(other.items_, nullptr);
  }
  return *this;
}

void Value::destroy_items() {
  if (items_ == nullptr) return;
  std::destroy_n(items_, size_);
  ::operator delete(items_);
  items_ = nullptr;
}

template <typename Names>
void Value::set_keyword_names(const Names& names) {
  scalar_.keys = nullptr;
  if (names.empty()) return;
  // The count, four bytes of end offset per name, then the names: `max_length` and `null` in
  // this order are one interned block, shared by every call that spells them so.
  size_t chars = 0;
  for (const std::string_view name : names) chars += name.size();
  const size_t size = 4 + 4 * names.size() + chars;
  std::array<char, 512> small;  // the usual call: no allocation to build the key
  std::string large;
  char* block = small.data();
  if (size > small.size()) {
    large.resize(size);
    block = large.data();
  }
  const auto count = static_cast<uint32_t>(names.size());
  std::memcpy(block, &count, sizeof count);
  char* text = block + 4 + 4 * names.size();
  uint32_t end = 0;
  size_t i = 0;
  for (const std::string_view name : names) {
    std::memcpy(text + end, name.data(), name.size());
    end += static_cast<uint32_t>(name.size());
    std::memcpy(block + 4 + 4 * i++, &end, sizeof end);
  }
  scalar_.keys = intern(std::string_view(block, size)).data();
}

Value& Value::operator=(const Value& other) {
  if (this != &other) *this = Value(other);
  return *this;
}

void Value::take_items(std::span<Value> values, size_t extra) {
  destroy_items();
  size_ = static_cast<uint32_t>(values.size() + extra);
  if (size_ == 0) return;
  items_ = static_cast<Value*>(::operator new(sizeof(Value) * size_));
  std::uninitialized_move(values.begin(), values.end(), items_);
  std::uninitialized_default_construct_n(items_ + values.size(), extra);
}

Value Value::call_from(std::string_view callee, NameOrigin origin, std::span<Value> positional,
                       std::span<const std::string_view> names, std::span<Value> keyword_values, TextRange range) {
  Value v;
  v.kind_ = Kind::Call;
  v.origin_ = origin;
  v.text_ = Text(callee, true);
  v.range_ = range;
  v.take_items(positional, keyword_values.size());
  std::move(keyword_values.begin(), keyword_values.end(), v.items_ + positional.size());
  v.name_keywords(names);
  return v;
}

Value Value::call_shell(std::string_view callee, NameOrigin origin, size_t items, TextRange range) {
  Value v;
  v.kind_ = Kind::Call;
  v.origin_ = origin;
  v.text_ = Text(callee, true);
  v.range_ = range;
  v.take_items({}, items);
  return v;
}

Value Value::container_shell(Kind kind, size_t items, TextRange range) {
  Value v;
  v.kind_ = kind;
  v.range_ = range;
  v.take_items({}, items);
  return v;
}

void Value::name_keywords(std::span<const std::string_view> names) {
  set_keyword_names(names);
  for (const std::string_view name : names) unpacking_ = unpacking_ || name == "**";
}

Value Value::call(std::string_view callee, NameOrigin origin, std::vector<Value> positional,
                  std::vector<std::pair<std::string, Value>> keywords, TextRange range) {
  std::vector<std::string_view> names;
  std::vector<Value> values;
  names.reserve(keywords.size());
  values.reserve(keywords.size());
  for (auto& [key, value] : keywords) {
    names.emplace_back(key);
    values.push_back(std::move(value));
  }
  return call_from(callee, origin, std::span<Value>(positional), names, std::span<Value>(values), range);
}

Value Value::sequence_from(Kind kind, std::span<Value> elements, TextRange range) {
  Value v;
  v.kind_ = kind;
  v.range_ = range;
  v.take_items(elements);
  return v;
}

Value Value::sequence(Kind kind, std::vector<Value> elements, TextRange range) {
  return sequence_from(kind, std::span<Value>(elements), range);
}

Value Value::dict_from(std::span<Value> keys_and_values, TextRange range) {
  Value v;
  v.kind_ = Kind::Dict;
  v.range_ = range;
  v.take_items(keys_and_values);
  return v;
}

Value Value::dict(std::vector<std::pair<Value, Value>> entries, TextRange range) {
  std::vector<Value> flat;
  flat.reserve(entries.size() * 2);
  for (auto& [key, value] : entries) {
    flat.push_back(std::move(key));
    flat.push_back(std::move(value));
  }
  return dict_from(std::span<Value>(flat), range);
}

Value Value::lambda(uint32_t function_index, std::string_view text, TextRange range) {
  Value v;
  v.kind_ = Kind::Lambda;
  v.scalar_.i = function_index;
  v.text_ = Text(text, false);
  v.range_ = range;
  return v;
}

Value Value::opaque(std::string_view text, TextRange range) {
  Value v;
  v.kind_ = Kind::Opaque;
  v.text_ = Text(text, false);
  v.range_ = range;
  return v;
}

std::optional<bool> Value::as_bool() const {
  if (kind_ == Kind::Bool) return scalar_.b;
  return std::nullopt;
}

std::optional<int64_t> Value::as_int() const {
  if (kind_ == Kind::Int) return scalar_.i;
  return std::nullopt;
}

std::optional<double> Value::as_float() const {
  if (kind_ == Kind::Float) return scalar_.f;
  if (kind_ == Kind::Int) return static_cast<double>(scalar_.i);
  return std::nullopt;
}

const std::string* Value::as_string() const { return kind_ == Kind::String ? &text_.get() : nullptr; }

std::string_view Value::short_name() const {
  if (kind_ != Kind::Name && kind_ != Kind::Call) return {};
  const std::string_view text = text_.get();
  const auto dot = text.rfind('.');
  return dot == std::string_view::npos ? text : text.substr(dot + 1);
}

bool Value::names(std::string_view qualified) const {
  if (kind_ != Kind::Name && kind_ != Kind::Call) return false;
  const std::string_view text = text_.get();
  if (text == qualified) return true;
  return text.size() > qualified.size() && text.ends_with(qualified) &&
         text[text.size() - qualified.size() - 1] == '.';
}

std::span<const Value> Value::elements() const {
  if (kind_ == Kind::Call) return raw_items().first(positional());
  if (is_sequence()) return raw_items();
  return {};
}

std::span<const Value> Value::keyword_values() const {
  if (kind_ != Kind::Call) return {};
  return raw_items().subspan(positional());
}

const Value* Value::keyword(std::string_view name) const {
  if (kind_ != Kind::Call) return nullptr;
  const auto values = keyword_values();
  const KeywordNames names = keyword_names();
  // The last occurrence wins, as Python would reject duplicates anyway.
  for (size_t i = values.size(); i-- > 0;) {
    if (names[i] == name) return &values[i];
  }
  return nullptr;
}

const Value* Value::dict_get(std::string_view key) const {
  // `{"k": 1, "k": 2}` is {"k": 2} in Python: the last entry wins.
  for (size_t i = dict_size(); i-- > 0;) {
    const std::string* k = dict_key(i).as_string();
    if (k != nullptr && *k == key) return &dict_value(i);
  }
  return nullptr;
}

bool Value::is_static() const {
  if (kind_ == Kind::Opaque || unpacking_) return false;
  for (const Value& item : raw_items()) {
    if (!item.is_static()) return false;
  }
  return true;
}

bool Value::same_as(const Value& other) const {
  if (kind_ != other.kind_ || unpacking_ != other.unpacking_) return false;
  switch (kind_) {
    case Kind::None:
      return true;
    case Kind::Bool:
      return scalar_.b == other.scalar_.b;
    case Kind::Int:
      return scalar_.i == other.scalar_.i;
    case Kind::Float:
      return scalar_.f == other.scalar_.f;
    case Kind::Lambda:
      return text_ == other.text_;
    default:
      break;
  }
  if (!(text_ == other.text_) || size_ != other.size_ || !std::ranges::equal(keyword_names(), other.keyword_names())) {
    return false;
  }
  if (kind_ == Kind::Call && positional() != other.positional()) return false;
  for (size_t i = 0; i < size_; ++i) {
    if (!items_[i].same_as(other.items_[i])) return false;
  }
  return true;
}

namespace {

// Python's repr of a str or, with `bytes`, of a bytes object: a bytes value shows every byte
// outside printable ASCII as \xNN, so the rendering stays valid UTF-8 whatever the bytes.
std::string repr(std::string_view text, bool bytes) {
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte == 0x7F || (bytes && byte >= 0x80)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", byte);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '\'';
  return out;
}

void join(std::string& out, std::span<const Value> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i].render();
  }
}

}  // namespace

std::string python_repr(std::string_view text) { return repr(text, false); }

std::string Value::render() const {
  switch (kind_) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return scalar_.b ? "True" : "False";
    case Kind::Int:
      return std::to_string(scalar_.i);
    case Kind::Float: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", scalar_.f);
      std::string s = buf;
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case Kind::String:
      return python_repr(text_.get());
    case Kind::Bytes:
      return "b" + repr(text_.get(), true);
    case Kind::Name:
      return text_.get();
    case Kind::Call: {
      std::string out = text_.get() + "(";
      join(out, elements());
      const auto kw = keyword_values();
      const KeywordNames names = keyword_names();
      for (size_t i = 0; i < kw.size(); ++i) {
        if (positional() > 0 || i > 0) out += ", ";
        if (names[i] != "**") {  // a `**kwargs` value's text has its stars
          out += names[i];
          out += '=';
        }
        out += kw[i].render();
      }
      return out + ")";
    }
    case Kind::List: {
      std::string out = "[";
      join(out, raw_items());
      return out + "]";
    }
    case Kind::Tuple: {
      std::string out = "(";
      join(out, raw_items());
      if (size_ == 1) out += ",";
      return out + ")";
    }
    case Kind::Set: {
      if (size_ == 0) return "set()";
      std::string out = "{";
      join(out, raw_items());
      return out + "}";
    }
    case Kind::Dict: {
      std::string out = "{";
      for (size_t i = 0; i < dict_size(); ++i) {
        if (i > 0) out += ", ";
        out += dict_key(i).render() + ": " + dict_value(i).render();
      }
      return out + "}";
    }
    case Kind::Lambda:
    case Kind::Opaque:
      return text_.get();
  }
  return {};
}

}  // namespace godwit::ir
