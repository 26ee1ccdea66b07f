#include "analyzer/frontend/literal_reader.h"

#include <algorithm>
#include <array>

#include "analyzer/frontend/python_literals.h"
#include "analyzer/frontend/word_set.h"

namespace godwit::frontend {

namespace {

using ir::Value;
using source::TextRange;

// The tree-walking reader degrades values nested deeper than 200 levels to Opaque; the reader
// leaves anything near that depth to it.
constexpr uint32_t kMaxDepth = 190;
constexpr size_t kMaxNameParts = 16;

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool quote(char c) { return c == '"' || c == '\''; }

// Python's keywords, and the names tree-sitter's Python grammar gives a meaning of their own
// (`print`, `exec`, soft keywords): an expression using them is left to the tree.
constexpr std::array<std::string_view, 37> kReserved{
    "and",    "as",     "assert", "async",  "await",    "break",  "case",  "class", "continue", "def",
    "del",    "elif",   "else",   "except", "exec",     "finally", "for",  "from",  "global",   "if",
    "import", "in",     "is",     "lambda", "match",    "nonlocal", "not", "or",    "pass",     "print",
    "raise",  "return", "try",    "type",   "while",    "with",   "yield"};
// Of those, the ones that cannot be an attribute name (`x.type` is fine, `x.if` is not).
constexpr std::array<std::string_view, 35> kHardKeywords{
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"};

constexpr WordSet kReservedSet(kReserved);
constexpr WordSet kHardKeywordSet(kHardKeywords);

bool reserved(std::string_view word) { return kReservedSet.contains(word); }
bool hard_keyword(std::string_view word) { return kHardKeywordSet.contains(word); }

// A string prefix Python 3 accepts, other than f-strings (whose fields the reader leaves to
// the tree).
bool plain_string_prefix(std::string_view letters) {
  if (letters.size() > 2) return false;
  bool raw = false;
  bool bytes = false;
  bool unicode = false;
  for (const char c : letters) {
    switch (c) {
      case 'r': case 'R': if (raw) return false; raw = true; break;
      case 'b': case 'B': if (bytes) return false; bytes = true; break;
      case 'u': case 'U': if (unicode) return false; unicode = true; break;
      default: return false;
    }
  }
  return !(unicode && (raw || bytes));
}

}  // namespace

LiteralReader::Stacks& LiteralReader::thread_stacks() {
  thread_local Stacks stacks;
  return stacks;
}

LiteralReader::LiteralReader(std::string_view text, Names& names)
    : text_(text),
      names_(names),
      values_(thread_stacks().values),
      keyword_values_(thread_stacks().keyword_values),
      keyword_names_(thread_stacks().keyword_names) {}

std::optional<Value> LiteralReader::read(TextRange range, uint32_t depth) {
  if (range.end > text_.size() || range.begin >= range.end) return std::nullopt;
  pos_ = range.begin;
  end_ = range.end;
  last_token_end_ = pos_;
  // Whatever happens, the stacks are left as this read found them.
  struct Restore {
    LiteralReader& reader;
    size_t values;
    size_t keyword_values;
    size_t keyword_names;
    ~Restore() {
      reader.values_.resize(values);
      reader.keyword_values_.resize(keyword_values);
      reader.keyword_names_.resize(keyword_names);
    }
  } restore{*this, values_.size(), keyword_values_.size(), keyword_names_.size()};
  Value value;
  if (!expression(value, depth)) return std::nullopt;
  skip_trivia();
  // The expression read must be the node, all of it.
  if (pos_ != end_ || last_token_end_ != end_) return std::nullopt;
  return value;
}

void LiteralReader::skip_trivia() {
  while (pos_ < end_) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '#') {
      while (pos_ < end_ && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
    } else {
      return;
    }
  }
}

std::string_view LiteralReader::identifier_at(size_t at) const {
  if (at >= end_ || !ident_start(text_[at])) return {};
  size_t stop = at + 1;
  while (stop < end_ && ident_char(text_[stop])) ++stop;
  // A non-ASCII byte right after is part of a Unicode identifier: not ours.
  if (stop < end_ && static_cast<unsigned char>(text_[stop]) >= 0x80) return {};
  return text_.substr(at, stop - at);
}

bool LiteralReader::string_start_here() const {
  size_t p = pos_;
  while (p < end_ && p - pos_ < 3 && ((text_[p] >= 'a' && text_[p] <= 'z') || (text_[p] >= 'A' && text_[p] <= 'Z'))) {
    ++p;
  }
  return p < end_ && quote(text_[p]) && p > pos_;
}

bool LiteralReader::scan_string(size_t& body_begin, size_t& body_end, std::string_view& prefix) {
  size_t p = pos_;
  while (p < end_ && ident_char(text_[p])) ++p;
  prefix = text_.substr(pos_, p - pos_);
  if (p >= end_ || !quote(text_[p]) || !plain_string_prefix(prefix)) return false;
  const char q = text_[p];
  const bool triple = p + 2 < end_ && text_[p + 1] == q && text_[p + 2] == q;
  body_begin = p + (triple ? 3 : 1);
  size_t i = body_begin;
  while (i < end_) {
    const char c = text_[i];
    if (c == '\\') {
      // The escaped character never ends the string (raw strings included); `\` + CRLF is one
      // line continuation.
      i += (i + 2 < end_ && text_[i + 1] == '\r' && text_[i + 2] == '\n') ? 3 : 2;
      continue;
    }
    if (c == q) {
      if (!triple) {
        body_end = i;
        pos_ = i + 1;
        return true;
      }
      if (i + 2 < end_ && text_[i + 1] == q && text_[i + 2] == q) {
        body_end = i;
        pos_ = i + 3;
        return true;
      }
    } else if (!triple && (c == '\n' || c == '\r')) {
      return false;
    }
    ++i;
  }
  return false;
}

bool LiteralReader::strings(Value& out) {
  const size_t start = pos_;
  std::string decoded;
  // The usual literal, one part with nothing to decode, is its source text: no copy.
  std::string_view verbatim;
  size_t parts = 0;
  bool bytes = false;
  while (true) {
    size_t body_begin = 0;
    size_t body_end = 0;
    std::string_view prefix_text;
    if (!scan_string(body_begin, body_end, prefix_text)) return false;
    const StringPrefix prefix = parse_string_prefix(prefix_text);
    bytes = prefix.bytes;  // as the tree-walking reader does: the last part's prefix
    const std::string_view body = text_.substr(body_begin, body_end - body_begin);
    const bool plain = body.find('\\') == std::string_view::npos &&
                       (!prefix.format || body.find_first_of("{}") == std::string_view::npos);
    if (++parts == 1 && plain) {
      verbatim = body;
    } else {
      if (parts == 2 && decoded.empty()) decoded = verbatim;
      if (plain) {
        decoded.append(body);
      } else {
        decoded += decode_string_body(body, prefix);
      }
    }
    last_token_end_ = pos_;
    // Adjacent literals are one string: `"a" "b"`, across lines and comments.
    const size_t after = pos_;
    skip_trivia();
    if (pos_ < end_ && (quote(text_[pos_]) || (ident_start(text_[pos_]) && string_start_here()))) continue;
    pos_ = after;
    break;
  }
  const TextRange range{static_cast<uint32_t>(start), static_cast<uint32_t>(last_token_end_)};
  const std::string_view value = parts == 1 && decoded.empty() ? verbatim : std::string_view(decoded);
  out = bytes ? Value::bytes(value, range) : Value::string(value, range);
  return true;
}

bool LiteralReader::number(Value& out) {
  const size_t start = pos_;
  size_t p = pos_;
  size_t dots = 0;
  size_t dot_at = 0;
  while (p < end_ && (ident_char(text_[p]) || text_[p] == '.')) {
    if (text_[p] == '.') {
      ++dots;
      dot_at = p;
    } else if (!digit(text_[p])) {
      return false;  // hex, exponent, underscores, suffixes: the tree's
    }
    ++p;
  }
  const std::string_view token = text_.substr(start, p - start);
  const TextRange range{static_cast<uint32_t>(start), static_cast<uint32_t>(p)};
  if (dots == 0) {
    if (token.size() > 1 && token[0] == '0') return false;
    const auto value = parse_int_literal(token);
    if (!value) return false;
    out = Value::integer(*value, range);
  } else {
    if (dots != 1 || dot_at == start || dot_at + 1 == p) return false;
    const auto value = parse_float_literal(token);
    if (!value) return false;
    out = Value::floating(*value, range);
  }
  pos_ = p;
  last_token_end_ = p;
  return true;
}

bool LiteralReader::expression(Value& out, uint32_t depth) {
  if (depth > kMaxDepth) return false;
  skip_trivia();
  if (pos_ >= end_) return false;
  const char c = text_[pos_];
  if (quote(c)) return strings(out);
  if (digit(c)) return number(out);
  if (ident_start(c)) return string_start_here() ? strings(out) : name_or_call(out, depth);
  if (c == '-') {
    // A negative number; the tree reads `-x` for anything else as Opaque.
    const size_t start = pos_++;
    skip_trivia();
    Value inner;
    if (pos_ >= end_ || !digit(text_[pos_]) || !number(inner)) return false;
    const TextRange range{static_cast<uint32_t>(start), static_cast<uint32_t>(last_token_end_)};
    if (inner.is(Value::Kind::Int)) {
      if (*inner.as_int() == INT64_MIN) return false;
      out = Value::integer(-*inner.as_int(), range);
    } else {
      out = Value::floating(-*inner.as_float(), range);
    }
    return true;
  }
  if (c == '(') {
    const size_t start = pos_++;
    skip_trivia();
    if (at(')')) {
      ++pos_;
      last_token_end_ = pos_;
      out = Value::sequence_from(Value::Kind::Tuple, std::span<Value>(),
                                 TextRange{static_cast<uint32_t>(start), static_cast<uint32_t>(pos_)});
      return true;
    }
    if (at('*')) return sequence(Value::Kind::Tuple, ')', start, out, depth, false, {});
    // `(x)` is x itself; `(x, ...)` a tuple. Both read x one level deeper.
    Value first;
    if (!expression(first, depth + 1)) return false;
    skip_trivia();
    if (at(')')) {
      ++pos_;
      last_token_end_ = pos_;
      out = std::move(first);
      return true;
    }
    if (!at(',')) return false;
    return sequence(Value::Kind::Tuple, ')', start, out, depth, true, std::move(first));
  }
  if (c == '[') {
    const size_t start = pos_++;
    return sequence(Value::Kind::List, ']', start, out, depth, false, {});
  }
  if (c == '{') return brace(out, depth);
  return false;
}

bool LiteralReader::sequence(Value::Kind kind, char close, size_t start, Value& out, uint32_t depth, bool have_first,
                             Value first) {
  // The items go on the shared stack above `mark`; nested values push and pop above them.
  const size_t mark = values_.size();
  bool unpacking = false;
  if (have_first) {
    values_.push_back(std::move(first));
    ++pos_;  // the comma after it
  }
  while (true) {
    skip_trivia();
    if (at(close)) {
      ++pos_;
      last_token_end_ = pos_;
      break;
    }
    if (at('*')) {
      // `*x`: a literal sequence is spliced in; anything else stays `*x`, as Opaque.
      const size_t star = pos_++;
      if (at('*')) return false;
      // The tree takes the splat's first named child: a comment right after `*` would be it.
      const size_t before = pos_;
      skip_trivia();
      if (text_.substr(before, pos_ - before).find('#') != std::string_view::npos) return false;
      Value inner;
      if (!expression(inner, depth + 1)) return false;
      if (inner.is_sequence() && !inner.has_unpacking()) {
        for (const Value& e : inner.elements()) values_.push_back(e);
      } else {
        values_.push_back(Value::opaque(text_.substr(star, last_token_end_ - star),
                                        TextRange{static_cast<uint32_t>(star), static_cast<uint32_t>(last_token_end_)}));
        unpacking = true;
      }
    } else {
      Value item;
      if (!expression(item, depth + 1)) return false;
      values_.push_back(std::move(item));
    }
    skip_trivia();
    if (at(',')) {
      ++pos_;
    } else if (!at(close)) {
      return false;
    }
  }
  out = Value::sequence_from(kind, std::span<Value>(values_).subspan(mark),
                             TextRange{static_cast<uint32_t>(start), static_cast<uint32_t>(pos_)});
  values_.resize(mark);
  if (unpacking) out.set_unpacking(true);
  return true;
}

bool LiteralReader::brace(Value& out, uint32_t depth) {
  const size_t start = pos_++;
  skip_trivia();
  const auto range = [&] { return TextRange{static_cast<uint32_t>(start), static_cast<uint32_t>(pos_)}; };
  if (at('}')) {
    ++pos_;
    last_token_end_ = pos_;
    out = Value::dict_from(std::span<Value>(), range());
    return true;
  }
  const bool starts_with_splat = pos_ + 1 < end_ && text_[pos_] == '*' && text_[pos_ + 1] == '*';
  Value first;
  if (!starts_with_splat) {
    if (at('*')) return false;  // {*a, b}: left to the tree
    if (!expression(first, depth + 1)) return false;
    skip_trivia();
    if (!at(':')) {
      // A set.
      if (!at(',') && !at('}')) return false;
      if (at('}')) {
        ++pos_;
        last_token_end_ = pos_;
        out = Value::sequence_from(Value::Kind::Set, std::span<Value>(&first, 1), range());
        return true;
      }
      return sequence(Value::Kind::Set, '}', start, out, depth, true, std::move(first));
    }
  }
  // A dict: keys and values alternate on the stack.
  const size_t mark = values_.size();
  bool unpacking = false;
  bool have_key = !starts_with_splat;
  while (true) {
    if (!have_key) {
      skip_trivia();
      if (at('}')) break;
      if (pos_ + 1 < end_ && text_[pos_] == '*' && text_[pos_ + 1] == '*') {
        // `**other`: the tree marks the dict and does not read `other`.
        pos_ += 2;
        if (!skip_expression()) return false;
        unpacking = true;
      } else {
        if (!expression(first, depth + 1)) return false;
        have_key = true;
        skip_trivia();
      }
    }
    if (have_key) {
      if (!at(':')) return false;
      ++pos_;
      Value value;
      if (!expression(value, depth + 1)) return false;
      values_.push_back(std::move(first));
      values_.push_back(std::move(value));
      have_key = false;
    }
    skip_trivia();
    if (at(',')) {
      ++pos_;
    } else if (!at('}')) {
      return false;
    }
  }
  ++pos_;
  last_token_end_ = pos_;
  out = Value::dict_from(std::span<Value>(values_).subspan(mark), range());
  values_.resize(mark);
  if (unpacking) out.set_unpacking(true);
  return true;
}

bool LiteralReader::skip_expression() {
  skip_trivia();
  size_t nesting = 0;
  bool any = false;
  while (pos_ < end_) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '#') {
      skip_trivia();
      continue;
    }
    if (nesting == 0 && (c == ',' || c == ')' || c == ']' || c == '}' || c == ':')) break;
    if (c == '(' || c == '[' || c == '{') {
      ++nesting;
      ++pos_;
    } else if (c == ')' || c == ']' || c == '}') {
      --nesting;
      ++pos_;
    } else if (quote(c) || (ident_start(c) && string_start_here())) {
      size_t body_begin = 0;
      size_t body_end = 0;
      std::string_view prefix;
      if (!scan_string(body_begin, body_end, prefix)) return false;
    } else if (ident_start(c)) {
      const std::string_view word = identifier_at(pos_);
      if (word.empty() || word == "lambda" || word == "for" || word == "yield" || word == "await") return false;
      pos_ += word.size();
    } else if (digit(c)) {
      while (pos_ < end_ && (ident_char(text_[pos_]) || text_[pos_] == '.')) ++pos_;
    } else if (std::string_view("+-*/%@<>=!&|^~.").find(c) != std::string_view::npos) {
      ++pos_;
    } else {
      return false;
    }
    any = true;
    last_token_end_ = pos_;
  }
  return any && nesting == 0;
}

bool LiteralReader::call_arguments(size_t& keywords_mark, bool& unpacking, uint32_t depth) {
  // Positional arguments go on the value stack, keyword values and names on their own stacks.
  keywords_mark = keyword_values_.size();
  while (true) {
    skip_trivia();
    if (at(')')) {
      ++pos_;
      last_token_end_ = pos_;
      return true;
    }
    if (at('*')) {
      // `*args` and `**kwargs` stay as written.
      const size_t start = pos_++;
      const bool double_star = at('*');
      if (double_star) ++pos_;
      if (!skip_expression()) return false;
      Value written = Value::opaque(text_.substr(start, last_token_end_ - start),
                                    TextRange{static_cast<uint32_t>(start), static_cast<uint32_t>(last_token_end_)});
      if (double_star) {
        keyword_names_.emplace_back("**");
        keyword_values_.push_back(std::move(written));
      } else {
        values_.push_back(std::move(written));
        unpacking = true;
      }
    } else {
      // `name=value`, unless the name is a string prefix or the `=` starts `==`.
      const std::string_view word = string_start_here() ? std::string_view{} : identifier_at(pos_);
      size_t after = pos_ + word.size();
      if (!word.empty()) {
        const size_t saved = pos_;
        pos_ = after;
        skip_trivia();
        after = pos_;
        pos_ = saved;
      }
      if (!word.empty() && after < end_ && text_[after] == '=' && !(after + 1 < end_ && text_[after + 1] == '=')) {
        if (reserved(word)) return false;
        pos_ = after + 1;
        Value value;
        if (!expression(value, depth + 1)) return false;
        keyword_names_.emplace_back(word);
        keyword_values_.push_back(std::move(value));
      } else {
        Value value;
        if (!expression(value, depth + 1)) return false;
        values_.push_back(std::move(value));
      }
    }
    skip_trivia();
    if (at(',')) {
      ++pos_;
    } else if (!at(')')) {
      return false;
    }
  }
}

bool LiteralReader::name_or_call(Value& out, uint32_t depth) {
  const size_t start = pos_;
  std::array<std::string_view, kMaxNameParts> parts;
  size_t count = 0;
  const std::string_view first = identifier_at(pos_);
  if (first.empty()) return false;
  pos_ += first.size();
  last_token_end_ = pos_;
  const TextRange word_range{static_cast<uint32_t>(start), static_cast<uint32_t>(pos_)};
  if (first == "None") {
    out = Value::none(word_range);
    return true;
  }
  if (first == "True" || first == "False") {
    out = Value::boolean(first == "True", word_range);
    return true;
  }
  if (reserved(first)) return false;
  parts[count++] = first;
  while (true) {
    const size_t saved = pos_;
    skip_trivia();
    if (!at('.')) {
      pos_ = saved;
      break;
    }
    ++pos_;
    skip_trivia();
    const std::string_view part = identifier_at(pos_);
    if (part.empty() || hard_keyword(part) || count == kMaxNameParts) return false;
    parts[count++] = part;
    pos_ += part.size();
    last_token_end_ = pos_;
  }
  const TextRange name_range{static_cast<uint32_t>(start), static_cast<uint32_t>(last_token_end_)};
  const std::span<const std::string_view> name(parts.data(), count);
  const size_t after_name = pos_;
  skip_trivia();
  if (!at('(')) {
    pos_ = after_name;
    auto value = names_.value_of(name, name_range, depth);
    if (!value) return false;
    out = std::move(*value);
    return true;
  }
  // A call: the tree-walking reader reads the callee one level deeper, and gives up on a callee
  // that is not a name.
  auto callee = names_.value_of(name, name_range, depth + 1);
  if (!callee || !callee->is(Value::Kind::Name)) return false;
  ++pos_;
  const size_t positional_mark = values_.size();
  size_t keywords_mark = keyword_values_.size();
  bool unpacking = false;
  if (!call_arguments(keywords_mark, unpacking, depth)) return false;
  out = Value::call_from(callee->text(), callee->origin(),
                         std::span<Value>(values_).subspan(positional_mark),
                         std::span<const std::string_view>(keyword_names_).subspan(keywords_mark),
                         std::span<Value>(keyword_values_).subspan(keywords_mark),
                         TextRange{static_cast<uint32_t>(start), static_cast<uint32_t>(last_token_end_)});
  values_.resize(positional_mark);
  keyword_names_.resize(keywords_mark);
  keyword_values_.resize(keywords_mark);
  if (unpacking) out.set_unpacking(true);
  return true;
}

}  // namespace godwit::frontend
