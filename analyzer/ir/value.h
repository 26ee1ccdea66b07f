#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/ir/interned.h"
#include "analyzer/source/source_file.h"

namespace godwit::ir {

using source::TextRange;

// Where a dotted name's first component comes from.
enum class NameOrigin : uint8_t {
  Unknown,   // a builtin or a name bound nowhere godwit can see
  Imported,  // resolved through an import: the name is the fully qualified path
  Local,     // a module-level (or Migration-class-level) def, class or assignment in this file
};

// A call's keyword names, stored in one block: their count, their end offsets, then their
// characters (four bytes each for the count and the offsets).
class KeywordNames {
 public:
  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const KeywordNames* names, size_t at) : names_(names), at_(at) {}
    std::string_view operator*() const { return (*names_)[at_]; }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++at_;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }

   private:
    const KeywordNames* names_ = nullptr;
    size_t at_ = 0;
  };

  KeywordNames() = default;
  explicit KeywordNames(const char* block) : block_(block + 4), count_(read(block)) {}
  [[nodiscard]] size_t size() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] std::string_view operator[](size_t i) const {
    const uint32_t begin = i == 0 ? 0 : end_of(i - 1);
    return {block_ + 4 * count_ + begin, end_of(i) - begin};
  }
  [[nodiscard]] iterator begin() const { return {this, 0}; }
  [[nodiscard]] iterator end() const { return {this, count_}; }

 private:
  [[nodiscard]] static uint32_t read(const char* at) {
    uint32_t v = 0;
    std::memcpy(&v, at, sizeof v);
    return v;
  }
  [[nodiscard]] uint32_t end_of(size_t i) const { return read(block_ + 4 * i); }
  const char* block_ = nullptr;
  size_t count_ = 0;
};

// A Python expression as far as it is statically known. Anything godwit cannot know without
// running code (arithmetic, comprehensions, f-strings with fields, subscripts, ...) is Opaque and
// keeps its source text: a rule that needs such a value must say it cannot decide, never guess.
//
// A migration holds about one Value per 25 bytes of source, so a Value is kept small (72
// bytes): its nested values are an array of exactly their size, its keyword names one block.
class Value {
 public:
  enum class Kind : uint8_t {
    None, Bool, Int, Float, String, Bytes,
    Name,    // a dotted name: `models.CASCADE`, `forwards`; text() is import-resolved
    Call,    // callee (a resolved dotted name) with positional and keyword arguments
    List, Tuple, Set, Dict,
    Lambda,  // function_index() points into Migration::functions
    Opaque,
  };

  Value() = default;
  Value(const Value& other);
  Value& operator=(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  ~Value() { destroy_items(); }

  static Value none(TextRange range);
  static Value boolean(bool value, TextRange range);
  static Value integer(int64_t value, TextRange range);
  static Value floating(double value, TextRange range);
  static Value string(std::string_view value, TextRange range);
  static Value bytes(std::string_view value, TextRange range);
  static Value name(std::string_view qualified, NameOrigin origin, TextRange range);
  static Value call(std::string_view callee, NameOrigin origin, std::vector<Value> positional,
                    std::vector<std::pair<std::string, Value>> keywords, TextRange range);
  static Value sequence(Kind kind, std::vector<Value> elements, TextRange range);
  static Value dict(std::vector<std::pair<Value, Value>> entries, TextRange range);
  // The same, moving the values and names out of spans: for readers that collect them on one
  // reusable stack instead of a vector per container. (Named apart so that `{}` is never ambiguous.)
  static Value call_from(std::string_view callee, NameOrigin origin, std::span<Value> positional,
                         std::span<const std::string_view> names, std::span<Value> keyword_values, TextRange range);
  static Value sequence_from(Kind kind, std::span<Value> elements, TextRange range);
  // Dict entries as key, value, key, value...
  static Value dict_from(std::span<Value> keys_and_values, TextRange range);
  // For readers that decode in place: a Call, List/Tuple/Set or Dict holding `items` None values,
  // each then replaced through item() (a Call's positional arguments, then its keyword values,
  // named by name_keywords(); a Dict's key, value, key, value...). No value is moved twice.
  static Value call_shell(std::string_view callee, NameOrigin origin, size_t items, TextRange range);
  static Value container_shell(Kind kind, size_t items, TextRange range);
  [[nodiscard]] Value& item(size_t i) { return items_[i]; }
  // A Call shell's keyword names, for its last names.size() items.
  void name_keywords(std::span<const std::string_view> names);
  static Value lambda(uint32_t function_index, std::string_view text, TextRange range);
  static Value opaque(std::string_view text, TextRange range);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] TextRange range() const { return range_; }
  [[nodiscard]] bool is(Kind kind) const { return kind_ == kind; }
  [[nodiscard]] bool is_opaque() const { return kind_ == Kind::Opaque; }
  [[nodiscard]] bool is_none() const { return kind_ == Kind::None; }
  [[nodiscard]] bool is_sequence() const {
    return kind_ == Kind::List || kind_ == Kind::Tuple || kind_ == Kind::Set;
  }

  [[nodiscard]] std::optional<bool> as_bool() const;
  [[nodiscard]] std::optional<int64_t> as_int() const;
  [[nodiscard]] std::optional<double> as_float() const;
  // The decoded contents of a String literal; nullptr for any other kind.
  [[nodiscard]] const std::string* as_string() const;

  // Name: the qualified dotted name. Call: the qualified callee. String/Bytes: the contents.
  // Opaque and Lambda: the source text.
  [[nodiscard]] const std::string& text() const { return text_.get(); }
  [[nodiscard]] NameOrigin origin() const { return origin_; }
  // The last component of a Name or Call callee (`CharField` for `models.CharField`).
  [[nodiscard]] std::string_view short_name() const;
  // True for a Name or Call whose qualified name is `qualified` or ends with `.qualified`.
  [[nodiscard]] bool names(std::string_view qualified) const;

  // List, Tuple, Set: the elements. Call: the positional arguments (a `*args` splat is kept as an
  // Opaque whose text starts with `*`).
  [[nodiscard]] std::span<const Value> elements() const;
  // Call: the keyword arguments, in source order (`**kwargs` appears with the key "**").
  [[nodiscard]] std::span<const Value> keyword_values() const;
  [[nodiscard]] KeywordNames keyword_names() const {
    return kind_ == Kind::Call && scalar_.keys != nullptr ? KeywordNames(scalar_.keys) : KeywordNames();
  }
  [[nodiscard]] const Value* keyword(std::string_view name) const;
  // Call: `*args` or `**kwargs` (so an absent argument may still be passed).
  // List/Tuple/Set: a `*starred` element that could not be expanded.
  [[nodiscard]] bool has_unpacking() const { return unpacking_; }

  // Dict: the entries.
  [[nodiscard]] size_t dict_size() const { return kind_ == Kind::Dict ? size_ / 2 : 0; }
  [[nodiscard]] const Value& dict_key(size_t i) const { return items_[2 * i]; }
  [[nodiscard]] const Value& dict_value(size_t i) const { return items_[2 * i + 1]; }
  // Dict: the value for a string key; nullptr when absent (or the dict has opaque keys).
  [[nodiscard]] const Value* dict_get(std::string_view key) const;

  [[nodiscard]] uint32_t function_index() const { return static_cast<uint32_t>(scalar_.i); }

  // True when no part of the value is Opaque.
  [[nodiscard]] bool is_static() const;

  // Structural equality, ignoring source ranges.
  [[nodiscard]] bool same_as(const Value& other) const;

  // A Python-like rendering, for messages and `godwit state`.
  [[nodiscard]] std::string render() const;

  // Visits this value and every value nested in it (elements, arguments, dict entries).
  template <typename F>
  void for_each(F&& visit) const {
    visit(*this);
    for (const Value& item : raw_items()) item.for_each(visit);
  }

  // Every nested value: elements, positional then keyword arguments, dict keys and values.
  [[nodiscard]] std::span<const Value> raw_items() const { return {items_, size_}; }
  void set_unpacking(bool unpacking) { unpacking_ = unpacking; }

 private:
  [[nodiscard]] uint32_t positional() const { return size_ - static_cast<uint32_t>(keyword_names().size()); }
  void take_items(std::span<Value> values, size_t extra = 0);
  void destroy_items();
  template <typename Names>
  void set_keyword_names(const Names& names);

  Kind kind_ = Kind::None;
  NameOrigin origin_ = NameOrigin::Unknown;
  bool unpacking_ = false;
  uint32_t size_ = 0;  // items_
  TextRange range_;
  union Scalar {
    bool b;
    int64_t i;  // Int; Lambda: the function index
    double f;
    // Call: the names of the trailing keyword values in items_, as KeywordNames reads them, or
    // nullptr; an interned block, shared by every call with the same keywords in that order.
    const char* keys;
  } scalar_{.i = 0};
  Text text_;
  // List/Tuple/Set: elements. Call: positional args followed by keyword values. Dict: k0, v0, ...
  // size_ of them, in storage of exactly that size (40 bytes each: a project holds ~75 values
  // per migration, for the whole run).
  Value* items_ = nullptr;
};

// Python's repr of a string (single-quoted), for messages.
std::string python_repr(std::string_view text);

}  // namespace godwit::ir
