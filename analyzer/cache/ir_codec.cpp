#include "analyzer/cache/ir_codec.h"

#include <bit>
#include <cstring>
#include <type_traits>

namespace godwit::cache {

namespace {

using ir::Value;
using source::TextRange;

// Values nest at most this deep in what the extractor produces (it degrades deeper nesting to
// Opaque); a deeper encoding is corrupt, and refusing it bounds the decoder's recursion.
constexpr uint32_t kMaxValueDepth = 1024;
// Operations nest through SeparateDatabaseAndState/RunSQL lists.
constexpr uint32_t kMaxOperationDepth = 1024;

// Every IR struct the codec writes field by field. A new field changes the size: write it below,
// bump kIrFormatVersion, then update the size here. (Sizes are those of libstdc++ on 64-bit.)
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(ir::Migration) == 440, "ir::Migration changed: update the cache codec");
static_assert(sizeof(ir::Dependency) == 112, "ir::Dependency changed: update the cache codec");
static_assert(sizeof(ir::MigrationRef) == 80, "ir::MigrationRef changed: update the cache codec");
static_assert(sizeof(ir::Import) == 144, "ir::Import changed: update the cache codec");
static_assert(sizeof(ir::Parameter) == 40, "ir::Parameter changed: update the cache codec");
static_assert(sizeof(ir::FunctionInfo) == 160, "ir::FunctionInfo changed: update the cache codec");
static_assert(sizeof(ir::ImportedNameUse) == 48, "ir::ImportedNameUse changed: update the cache codec");
static_assert(sizeof(ir::DataWrite) == 12, "ir::DataWrite changed: update the cache codec");
static_assert(sizeof(ir::ClassInfo) == 80, "ir::ClassInfo changed: update the cache codec");
static_assert(sizeof(ir::SafeMarker) == 12, "ir::SafeMarker changed: update the cache codec");
static_assert(sizeof(ir::SyntaxProblem) == 56, "ir::SyntaxProblem changed: update the cache codec");
static_assert(sizeof(ir::UnresolvedOperations) == 48, "ir::UnresolvedOperations changed: update the cache codec");
static_assert(sizeof(ir::Comment) == 40, "ir::Comment changed: update the cache codec");
static_assert(sizeof(ir::Value) == 40, "ir::Value changed: update the cache codec");
#endif

// ---- writing ----

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void number(uint64_t v) {
    char digits[10];
    size_t n = 0;
    while (v >= 0x80) {
      digits[n++] = static_cast<char>(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    digits[n++] = static_cast<char>(v);
    out_.append(digits, n);
  }
  void signed_number(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    number((u << 1) ^ (v < 0 ? ~uint64_t{0} : 0));  // zigzag: small magnitudes stay short
  }
  void real(double v) {
    const auto bits = std::bit_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(bits >> (8 * i)));
  }

  // The field transfers shared with Reader.
  void flag(const bool& v) { byte(v ? 1 : 0); }
  void count(const uint32_t& v) { number(v); }
  void integer(const int32_t& v) { signed_number(v); }
  void text(std::string_view v) {
    number(v.size());
    out_.append(v);
  }
  void range(const TextRange& r) {
    number(r.begin);
    number(r.end);
  }
  template <typename E>
  void enumeration(const E& e, E /*max*/) {
    byte(static_cast<uint8_t>(e));
  }
  void maybe_bool(const std::optional<bool>& v) { byte(!v ? 2 : *v ? 1 : 0); }
  template <typename T, typename F>
  void list(const std::vector<T>& items, F&& each) {
    number(items.size());
    for (const T& item : items) each(item);
  }
  template <typename T, typename F>
  void maybe(const std::optional<T>& item, F&& each) {
    flag(item.has_value());
    if (item) each(*item);
  }

  void value(const Value& v) {
    byte(static_cast<uint8_t>(v.kind()));
    flag(v.has_unpacking());
    range(v.range());
    switch (v.kind()) {
      case Value::Kind::None: return;
      case Value::Kind::Bool: flag(*v.as_bool()); return;
      case Value::Kind::Int: signed_number(*v.as_int()); return;
      case Value::Kind::Float: real(*v.as_float()); return;
      case Value::Kind::String:
      case Value::Kind::Bytes:
      case Value::Kind::Opaque: text(v.text()); return;
      case Value::Kind::Name:
        byte(static_cast<uint8_t>(v.origin()));
        text(v.text());
        return;
      case Value::Kind::Lambda:
        number(v.function_index());
        text(v.text());
        return;
      case Value::Kind::Call: {
        byte(static_cast<uint8_t>(v.origin()));
        text(v.text());
        const auto positional = v.elements();
        const auto keywords = v.keyword_values();
        // Both counts first: the reader sizes the call's storage once and decodes into it.
        number(positional.size());
        number(keywords.size());
        for (const Value& p : positional) value(p);
        for (size_t i = 0; i < keywords.size(); ++i) {
          text(v.keyword_names()[i]);
          value(keywords[i]);
        }
        return;
      }
      case Value::Kind::List:
      case Value::Kind::Tuple:
      case Value::Kind::Set: {
        const auto items = v.elements();
        number(items.size());
        for (const Value& item : items) value(item);
        return;
      }
      case Value::Kind::Dict:
        number(v.dict_size());
        for (size_t i = 0; i < v.dict_size(); ++i) {
          value(v.dict_key(i));
          value(v.dict_value(i));
        }
        return;
    }
  }

  void operation(const ir::Operation& op) {
    byte(static_cast<uint8_t>(op.kind()));
    value(op.call());
    number(op.database_operations().size());
    for (const auto& inner : op.database_operations()) operation(inner);
    number(op.state_operations().size());
    for (const auto& inner : op.state_operations()) operation(inner);
  }

 private:
  std::string& out_;
};

// ---- reading ----

// Reads what Writer wrote. A failure is sticky: every later read yields zeros, and ok() tells.
class Reader {
 public:
  Reader(std::string_view in, uint32_t text_size) : in_(in), text_size_(text_size) {}

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool at_end() const { return at_ == in_.size(); }
  [[nodiscard]] size_t position() const { return at_; }
  void fail() {
    ok_ = false;
    at_ = in_.size();
  }

  uint8_t byte() {
    if (at_ >= in_.size()) {
      fail();
      return 0;
    }
    return static_cast<uint8_t>(in_[at_++]);
  }
  // LEB128, shortest form only: every value has one encoding, so what decodes re-encodes to
  // the same bytes.
  uint64_t number() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = byte();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if ((b == 0 && shift > 0) || (shift == 63 && b > 1)) break;
        return v;
      }
    }
    fail();
    return 0;
  }
  int64_t signed_number() {
    const uint64_t u = number();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  double real() {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(byte()) << (8 * i);
    return std::bit_cast<double>(bits);
  }
  // A count of items that each take at least one byte: never more than what is left. Lists of
  // IR structs are filled item by item (never sized from the count); values are sized through
  // reserve_slots().
  size_t items() {
    const uint64_t n = number();
    if (n > in_.size() - at_) {
      fail();
      return 0;
    }
    return static_cast<size_t>(n);
  }
  // Storage for `n` values about to be decoded in place. Values take at least four bytes each
  // (kind, flag, a range's two numbers), and every slot allocated and not yet filled — in this
  // container and in the ones open around it — needs its own: slots beyond what the unread bytes
  // can hold are refused, so a payload of nested containers each claiming the rest of the bytes
  // cannot allocate more than a small multiple of its size. take_slot() fills one.
  bool reserve_slots(uint64_t n) {
    constexpr uint64_t kMinValueBytes = 4;
    const uint64_t room = (in_.size() - at_) / kMinValueBytes;
    if (pending_slots_ > room || n > room - pending_slots_) fail();
    if (ok_) pending_slots_ += n;
    return ok_;
  }
  void take_slot() { --pending_slots_; }

  void flag(bool& v) {
    const uint8_t b = byte();
    if (b > 1) fail();
    v = b == 1;
  }
  void count(uint32_t& v) {
    const uint64_t n = number();
    if (n > UINT32_MAX) fail();
    v = static_cast<uint32_t>(n);
  }
  void integer(int32_t& v) {
    const int64_t n = signed_number();
    if (n < INT32_MIN || n > INT32_MAX) fail();
    v = static_cast<int32_t>(n);
  }
  void text(std::string& v) { v.assign(text_view()); }
  // A string of the payload, in place.
  std::string_view text_view() {
    const uint64_t n = number();
    if (n > in_.size() - at_) {
      fail();
      return {};
    }
    const std::string_view v = in_.substr(at_, static_cast<size_t>(n));
    at_ += static_cast<size_t>(n);
    return v;
  }
  // Ranges point into the module's text, as the extractor made them.
  void range(TextRange& r) {
    const uint64_t begin = number();
    const uint64_t end = number();
    if (begin > text_size_ || end > text_size_) {
      fail();
      r = {};
      return;
    }
    r = TextRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
  }
  template <typename E>
  void enumeration(E& e, E max) {
    const uint8_t b = byte();
    if (b > static_cast<uint8_t>(max)) fail();
    e = static_cast<E>(ok_ ? b : 0);
  }
  void maybe_bool(std::optional<bool>& v) {
    const uint8_t b = byte();
    if (b > 2) fail();
    v = b == 2 ? std::nullopt : std::optional<bool>(b == 1);
  }
  template <typename T, typename F>
  void list(std::vector<T>& items_out, F&& each) {
    const size_t n = items();
    items_out.clear();
    for (size_t i = 0; i < n && ok_; ++i) each(items_out.emplace_back());
  }
  template <typename T, typename F>
  void maybe(std::optional<T>& item, F&& each) {
    bool present = false;
    flag(present);
    item.reset();
    if (!present || !ok_) return;
    item.emplace();
    each(*item);
  }

  Value value(uint32_t depth) {
    if (depth > kMaxValueDepth) {
      fail();
      return {};
    }
    Value::Kind kind{};
    enumeration(kind, Value::Kind::Opaque);
    bool unpacking = false;
    flag(unpacking);
    TextRange r;
    range(r);
    if (!ok_) return {};
    Value v;
    switch (kind) {
      case Value::Kind::None: v = Value::none(r); break;
      case Value::Kind::Bool: {
        bool b = false;
        flag(b);
        v = Value::boolean(b, r);
        break;
      }
      case Value::Kind::Int: v = Value::integer(signed_number(), r); break;
      case Value::Kind::Float: v = Value::floating(real(), r); break;
      case Value::Kind::String:
      case Value::Kind::Bytes:
      case Value::Kind::Opaque: {
        // Straight from the payload into the value's text: no intermediate copy.
        const std::string_view s = text_view();
        v = kind == Value::Kind::String  ? Value::string(s, r)
            : kind == Value::Kind::Bytes ? Value::bytes(s, r)
                                         : Value::opaque(s, r);
        break;
      }
      case Value::Kind::Name: {
        ir::NameOrigin origin{};
        enumeration(origin, ir::NameOrigin::Local);
        v = Value::name(text_view(), origin, r);
        break;
      }
      case Value::Kind::Lambda: {
        const uint64_t index = number();
        const std::string_view s = text_view();
        if (index > UINT32_MAX) fail();
        lambda_max_ = std::max<uint64_t>(lambda_max_, index + 1);
        v = Value::lambda(static_cast<uint32_t>(index), s, r);
        break;
      }
      case Value::Kind::Call: {
        ir::NameOrigin origin{};
        enumeration(origin, ir::NameOrigin::Local);
        const std::string_view callee = text_view();
        const size_t positional = items();
        const size_t keywords = items();
        if (!reserve_slots(uint64_t{positional} + keywords)) break;
        // Arguments are decoded straight into the call's storage; keyword names go on the
        // reader's stack above this mark (nested calls push and pop above it).
        v = Value::call_shell(callee, origin, positional + keywords, r);
        for (size_t i = 0; i < positional && ok_; ++i) {
          take_slot();
          v.item(i) = value(depth + 1);
        }
        const size_t names_mark = keyword_names_.size();
        for (size_t i = 0; i < keywords && ok_; ++i) {
          const std::string_view key = text_view();
          take_slot();
          v.item(positional + i) = value(depth + 1);
          keyword_names_.push_back(key);  // after the value: its own calls use the stack above
        }
        if (ok_) v.name_keywords(std::span<const std::string_view>(keyword_names_).subspan(names_mark));
        keyword_names_.resize(names_mark);
        break;
      }
      case Value::Kind::List:
      case Value::Kind::Tuple:
      case Value::Kind::Set:
      case Value::Kind::Dict: {
        // Dict entries as key, value, key, value...
        const size_t per_item = kind == Value::Kind::Dict ? 2 : 1;
        const size_t count = items() * per_item;
        if (!reserve_slots(count)) break;
        v = Value::container_shell(kind, count, r);
        for (size_t i = 0; i < count && ok_; ++i) {
          take_slot();
          v.item(i) = value(depth + 1);
        }
        break;
      }
    }
    v.set_unpacking(unpacking);
    return ok_ ? std::move(v) : Value{};
  }

  std::vector<ir::Operation> operations(uint32_t depth) {
    std::vector<ir::Operation> out;
    const size_t n = items();
    if (depth > kMaxOperationDepth && n > 0) fail();
    out.reserve(n);  // items() refuses a count beyond the bytes left
    for (size_t i = 0; i < n && ok_; ++i) {
      ir::OperationKind kind{};
      enumeration(kind, ir::OperationKind::Custom);
      Value call = value(0);
      if (!ok_) break;
      ir::Operation op(kind, std::move(call));
      auto database = operations(depth + 1);
      auto state = operations(depth + 1);
      op.set_nested(std::move(database), std::move(state));
      out.push_back(std::move(op));
    }
    return out;
  }

  // One more than the largest lambda index seen: it must name a function of the module.
  [[nodiscard]] uint64_t lambda_bound() const { return lambda_max_; }

 private:
  std::string_view in_;
  size_t at_ = 0;
  uint32_t text_size_;
  bool ok_ = true;
  uint64_t lambda_max_ = 0;
  uint64_t pending_slots_ = 0;  // allocated by reserve_slots() and not yet filled
  // The keyword names of the calls open at the moment, innermost last (into the payload).
  std::vector<std::string_view> keyword_names_;
};

// ---- the fields of the IR structs, written and read by the same code ----

template <typename IO, typename T>
void transfer(IO& io, T& d) requires std::is_same_v<std::remove_const_t<T>, ir::Dependency> {
  io.enumeration(d.kind, ir::Dependency::Kind::Unknown);
  io.text(d.app);
  io.text(d.name);
  io.text(d.setting);
  io.range(d.range);
}

template <typename IO, typename T>
void transfer(IO& io, T& r) requires std::is_same_v<std::remove_const_t<T>, ir::MigrationRef> {
  io.text(r.app);
  io.text(r.name);
  io.range(r.range);
  io.flag(r.known);
}

template <typename IO, typename T>
void transfer(IO& io, T& i) requires std::is_same_v<std::remove_const_t<T>, ir::Import> {
  io.text(i.module);
  io.text(i.name);
  io.text(i.binding);
  io.text(i.target);
  io.range(i.range);
  io.integer(i.function);
}

template <typename IO, typename T>
void transfer(IO& io, T& f) requires std::is_same_v<std::remove_const_t<T>, ir::FunctionInfo> {
  io.text(f.name);
  io.enumeration(f.scope, ir::FunctionInfo::Scope::Lambda);
  io.range(f.range);
  io.range(f.signature);
  io.list(f.parameters, [&](auto& p) {
    io.text(p.name);
    io.enumeration(p.kind, ir::ParameterKind::VarKeyword);
    io.flag(p.has_default);
  });
  io.flag(f.decorated);
  io.flag(f.calls_get_model);
  io.list(f.imported_uses, [&](auto& u) {
    io.count(u.import_index);
    io.range(u.range);
    io.text(u.path);
  });
  io.list(f.writes, [&](auto& w) {
    io.enumeration(w.method, ir::DataWriteMethod::ExecuteSql);
    io.range(w.range);
  });
  io.list(f.local_calls, [&](auto& name) { io.text(name); });
}

template <typename IO, typename T>
void transfer(IO& io, T& c) requires std::is_same_v<std::remove_const_t<T>, ir::ClassInfo> {
  io.text(c.name);
  io.range(c.range);
  io.list(c.bases, [&](auto& base) { io.text(base); });
  io.maybe_bool(c.reversible);
  io.range(c.reversible_range);
}

// Everything of a Migration but its operations (written between the two halves), its key (app
// label, name) and its source.
template <typename IO, typename M>
void transfer_header(IO& io, M& m) {
  io.maybe(m.syntax_error, [&](auto& p) {
    io.enumeration(p.kind, ir::SyntaxProblem::Kind::NulByte);
    io.range(p.range);
    io.text(p.detail);
    io.range(p.related);
  });
  io.flag(m.has_migration_class);
  io.range(m.class_range);
  io.list(m.dependencies, [&](auto& d) { transfer(io, d); });
  io.flag(m.dependencies_known);
  io.range(m.dependencies_range);
  io.list(m.replaces, [&](auto& r) { transfer(io, r); });
  io.list(m.run_before, [&](auto& r) { transfer(io, r); });
  io.maybe_bool(m.initial);
  io.enumeration(m.atomic, ir::Tri::Unknown);
  io.range(m.atomic_range);
}

// The body: what follows the operations. move_body() moves the same fields and the operations.
template <typename IO, typename M>
void transfer_rest(IO& io, M& m) {
  io.flag(m.operations_found);
  io.range(m.operations_range);
  io.list(m.unresolved_operations, [&](auto& u) {
    io.range(u.range);
    io.text(u.reason);
    io.integer(u.count);
  });
  io.list(m.imports, [&](auto& i) { transfer(io, i); });
  io.list(m.functions, [&](auto& f) { transfer(io, f); });
  io.list(m.classes, [&](auto& c) { transfer(io, c); });
  io.maybe(m.safe, [&](auto& s) {
    io.enumeration(s.kind, ir::SafeMarker::Kind::Unknown);
    io.range(s.range);
  });
  io.list(m.comments, [&](auto& c) {
    io.range(c.range);
    io.text(c.text);
  });
}

// Indices between the parts of a module must hold, as extraction made them.
bool consistent(const ir::Migration& m, uint64_t lambda_bound) {
  if (lambda_bound > m.functions.size()) return false;
  for (const ir::Import& i : m.imports) {
    if (i.function < -1 || i.function >= static_cast<int64_t>(m.functions.size())) return false;
  }
  for (const ir::FunctionInfo& f : m.functions) {
    for (const ir::ImportedNameUse& u : f.imported_uses) {
      if (u.import_index >= m.imports.size()) return false;
    }
  }
  return true;
}

}  // namespace

std::string encode_migration(const ir::Migration& migration) {
  std::string out;
  out.reserve(migration.file().text().size() + 64);  // the IR encodes to about the module's size
  Writer w(out);
  transfer_header(w, migration);
  w.number(migration.operations.size());
  for (const ir::Operation& op : migration.operations) w.operation(op);
  transfer_rest(w, migration);
  return out;
}

std::optional<ir::Migration> decode_header(std::string_view payload, std::shared_ptr<const source::SourceFile> source,
                                           std::string app_label, std::string name, std::string_view& body) {
  if (source == nullptr || source->text().size() > UINT32_MAX) return std::nullopt;
  Reader r(payload, static_cast<uint32_t>(source->text().size()));
  ir::Migration m;
  m.app_label = std::move(app_label);
  m.name = std::move(name);
  m.source = std::move(source);
  transfer_header(r, m);
  if (!r.ok()) return std::nullopt;
  body = payload.substr(r.position());
  return m;
}

bool decode_body(std::string_view body, ir::Migration& m) {
  if (m.source == nullptr || m.source->text().size() > UINT32_MAX) return false;
  Reader r(body, static_cast<uint32_t>(m.source->text().size()));
  m.operations = r.operations(0);
  transfer_rest(r, m);
  if (r.ok() && r.at_end() && consistent(m, r.lambda_bound())) return true;
  move_body(m, ir::Migration{});
  return false;
}

std::optional<ir::Migration> decode_migration(std::string_view payload, std::shared_ptr<const source::SourceFile> source,
                                              std::string app_label, std::string name) {
  std::string_view body;
  auto m = decode_header(payload, std::move(source), std::move(app_label), std::move(name), body);
  if (!m || !decode_body(body, *m)) return std::nullopt;
  return m;
}

void move_body(ir::Migration& to, ir::Migration&& from) {
  to.operations = std::move(from.operations);
  to.operations_found = from.operations_found;
  to.operations_range = from.operations_range;
  to.unresolved_operations = std::move(from.unresolved_operations);
  to.imports = std::move(from.imports);
  to.functions = std::move(from.functions);
  to.classes = std::move(from.classes);
  to.safe = from.safe;
  to.comments = std::move(from.comments);
}

}  // namespace godwit::cache
