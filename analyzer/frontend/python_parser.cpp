#include "analyzer/frontend/python_parser.h"

#include <stdexcept>
#include <string>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace godwit::frontend {

const TSLanguage* python_language() { return tree_sitter_python(); }

SyntaxTree::SyntaxTree(std::shared_ptr<const source::SourceFile> source, TSTree* tree)
    : source_(std::move(source)), tree_(tree) {}

PythonParser::PythonParser() : parser_(ts_parser_new()) {
  if (!ts_parser_set_language(parser_.get(), python_language())) {
    throw std::runtime_error("the tree-sitter runtime rejected the Python grammar (ABI " +
                             std::to_string(ts_language_version(python_language())) + ")");
  }
}

std::unique_ptr<SyntaxTree> PythonParser::parse(std::shared_ptr<const source::SourceFile> source,
                                                const SyntaxTree* previous) {
  const std::string_view text = source->text();
  // A UTF-8 byte order mark is not Python: parse what follows it, keeping byte offsets intact.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.starts_with(kBom)) {
    const TSRange range{TSPoint{0, 3}, TSPoint{UINT32_MAX, UINT32_MAX}, 3, UINT32_MAX};
    ts_parser_set_included_ranges(parser_.get(), &range, 1);
  } else {
    ts_parser_set_included_ranges(parser_.get(), nullptr, 0);
  }
  // Python ends a line at a lone '\r' too (old Mac line endings); the grammar's scanner does not.
  // Parse a copy with each lone '\r' turned into '\n': same length, so every byte offset of the
  // tree still points into `text`, which is what the extractor reads.
  std::string with_newlines;
  std::string_view input = text;
  for (size_t at = text.find('\r'); at != std::string_view::npos; at = text.find('\r', at + 1)) {
    if (at + 1 < text.size() && text[at + 1] == '\n') continue;
    if (with_newlines.empty()) with_newlines = std::string(text);
    with_newlines[at] = '\n';
    input = with_newlines;
  }
  TSTree* tree = ts_parser_parse_string(parser_.get(), previous != nullptr ? previous->raw() : nullptr, input.data(),
                                        static_cast<uint32_t>(input.size()));
  if (tree == nullptr) {
    ts_parser_reset(parser_.get());
    return nullptr;
  }
  return std::make_unique<SyntaxTree>(std::move(source), tree);
}

}  // namespace godwit::frontend
