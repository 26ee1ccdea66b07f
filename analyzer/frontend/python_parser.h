#pragma once

#include <tree_sitter/api.h>

#include <cstddef>
#include <memory>

#include "analyzer/source/source_file.h"

namespace godwit::frontend {

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
struct ParserDeleter {
  void operator()(TSParser* parser) const { ts_parser_delete(parser); }
};

// A syntax tree and the text it was parsed from. The text is shared and outlives the tree.
class SyntaxTree {
 public:
  SyntaxTree(std::shared_ptr<const source::SourceFile> source, TSTree* tree);

  [[nodiscard]] TSNode root() const { return ts_tree_root_node(tree_.get()); }
  [[nodiscard]] const source::SourceFile& source() const { return *source_; }
  [[nodiscard]] const std::shared_ptr<const source::SourceFile>& shared_source() const { return source_; }
  [[nodiscard]] TSTree* raw() const { return tree_.get(); }
  // Applies an edit to the tree ahead of an incremental reparse against the edited text.
  void edit(const TSInputEdit& edit) { ts_tree_edit(tree_.get(), &edit); }

 private:
  std::shared_ptr<const source::SourceFile> source_;  // declared first: destroyed after the tree
  std::unique_ptr<TSTree, TreeDeleter> tree_;
};

// A tree-sitter parser configured for Python. Not thread-safe: use one per thread.
class PythonParser {
 public:
  PythonParser();

  // Parses a whole file. When `previous` is given (already edited to match the new text), the
  // parse is incremental. Returns nullptr only if parsing was cancelled or timed out.
  [[nodiscard]] std::unique_ptr<SyntaxTree> parse(std::shared_ptr<const source::SourceFile> source,
                                                  const SyntaxTree* previous = nullptr);

  // Aborts a parse in progress when *flag becomes non-zero (checked periodically).
  void set_cancellation_flag(const size_t* flag) { ts_parser_set_cancellation_flag(parser_.get(), flag); }
  void set_timeout_micros(uint64_t micros) { ts_parser_set_timeout_micros(parser_.get(), micros); }

 private:
  std::unique_ptr<TSParser, ParserDeleter> parser_;
};

// The Python grammar compiled into godwit.
const TSLanguage* python_language();

}  // namespace godwit::frontend
