#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/ir/value.h"

namespace godwit::frontend {

// Reads a literal Python expression -- calls with positional and keyword arguments, dotted
// names, strings, numbers, lists, tuples, sets, dicts, `*`/`**` arguments, comments between
// tokens -- straight from the source text of a node the parser already accepted.
//
// Why: migration files are mostly such literals (every operation is one), and walking their
// syntax trees node by node through tree-sitter's API costs about a fifth of the parse itself.
// Scanning the same bytes costs a small fraction of that. The tree stays the reference: the
// reader produces exactly the Value the tree-walking extractor would, or gives up (nullopt) on
// anything outside the subset above -- a lambda, an operator, a subscript, a comprehension, an
// f-string, a non-ASCII identifier, a line continuation -- and the extractor then walks the
// tree. The tests extract every input both ways and require identical results.
class LiteralReader {
 public:
  // How dotted names become values: import resolution, module constants. nullopt gives up.
  class Names {
   public:
    virtual ~Names() = default;
    // `parts` are the identifiers of the name as written, `range` the name; `depth` is the
    // nesting depth the tree-walking reader would be at.
    virtual std::optional<ir::Value> value_of(std::span<const std::string_view> parts, source::TextRange range,
                                              uint32_t depth) = 0;
  };

  LiteralReader(std::string_view text, Names& names);

  // The value of the expression that spans exactly `range` (a node of the tree), read at
  // `depth`; nullopt when the reader does not handle it.
  std::optional<ir::Value> read(source::TextRange range, uint32_t depth);

 private:
  bool expression(ir::Value& out, uint32_t depth);
  bool call_arguments(size_t& keywords_mark, bool& unpacking, uint32_t depth);
  bool sequence(ir::Value::Kind kind, char close, size_t start, ir::Value& out, uint32_t depth, bool have_first,
                ir::Value first);
  bool brace(ir::Value& out, uint32_t depth);
  bool strings(ir::Value& out);
  bool number(ir::Value& out);
  bool name_or_call(ir::Value& out, uint32_t depth);
  // Moves past an expression without evaluating it (what the tree-walking reader keeps as
  // source text: `*args`, `**kwargs`, a dict's `**other`); false when it is not a plain one.
  bool skip_expression();

  void skip_trivia();
  [[nodiscard]] bool at(char c) const { return pos_ < end_ && text_[pos_] == c; }
  [[nodiscard]] bool string_start_here() const;
  bool scan_string(size_t& body_begin, size_t& body_end, std::string_view& prefix);
  [[nodiscard]] std::string_view identifier_at(size_t at) const;

  std::string_view text_;
  Names& names_;
  size_t pos_ = 0;
  size_t end_ = 0;
  size_t last_token_end_ = 0;
  // Values being collected for the sequences, dicts and calls open at the moment, innermost
  // last: one set of stacks instead of a vector per container, shared by every reader of the
  // thread (a read may start another through Names, above the first one's marks), so their
  // capacity outlives the read instead of being allocated again for each value of each file.
  struct Stacks {
    std::vector<ir::Value> values;
    std::vector<ir::Value> keyword_values;
    std::vector<std::string_view> keyword_names;  // into the text
  };
  static Stacks& thread_stacks();
  std::vector<ir::Value>& values_;
  std::vector<ir::Value>& keyword_values_;
  std::vector<std::string_view>& keyword_names_;
};

}  // namespace godwit::frontend
