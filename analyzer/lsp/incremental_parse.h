#pragma once

#include <memory>
#include <vector>

#include "analyzer/frontend/python_parser.h"
#include "analyzer/lsp/text_document.h"

namespace godwit::lsp {

struct Reparse {
  std::unique_ptr<frontend::SyntaxTree> tree;  // null when the parse was cancelled
  bool incremental = false;                    // the previous tree was reused
};

// Parses `text`, reusing `previous` (the tree of an earlier text) moved by `edits` (the edits
// from that text to this one). Falls back to a full parse when there is no previous tree, when
// the edits do not add up to the new text, when they touch a byte order mark, and when the
// incremental tree has a syntax error (tree-sitter's error recovery may differ between the two
// ways, and CI parses from scratch: the editor must show what CI shows). `previous` is not
// changed: the edits are applied to a copy.
Reparse reparse(frontend::PythonParser& parser, std::shared_ptr<const source::SourceFile> text,
                const frontend::SyntaxTree* previous, const std::vector<ByteEdit>* edits);

}  // namespace godwit::lsp
