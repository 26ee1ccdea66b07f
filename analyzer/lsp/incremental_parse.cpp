#include "analyzer/lsp/incremental_parse.h"

#include <string_view>

namespace godwit::lsp {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

TSPoint ts_point(TextPoint point) { return TSPoint{point.row, point.column}; }

// The edits take the previous text to one of the new text's length, stay inside the text they
// apply to, and leave a byte order mark alone.
bool consistent(std::string_view before, std::string_view after, const std::vector<ByteEdit>& edits) {
  if (before.starts_with(kBom) != after.starts_with(kBom)) return false;
  const bool bom = before.starts_with(kBom);
  uint64_t size = before.size();
  for (const ByteEdit& e : edits) {
    if (e.start > e.old_end || e.start > e.new_end || e.old_end > size) return false;
    if (bom && e.start < kBom.size()) return false;
    if (e.start_point.row > e.old_end_point.row || e.start_point.row > e.new_end_point.row) return false;
    size = size - (e.old_end - e.start) + (e.new_end - e.start);
  }
  return size == after.size();
}

}  // namespace

Reparse reparse(frontend::PythonParser& parser, std::shared_ptr<const source::SourceFile> text,
                const frontend::SyntaxTree* previous, const std::vector<ByteEdit>* edits) {
  if (previous != nullptr && edits != nullptr && consistent(previous->source().text(), text->text(), *edits)) {
    frontend::SyntaxTree moved(previous->shared_source(), ts_tree_copy(previous->raw()));
    for (const ByteEdit& e : *edits) {
      moved.edit(TSInputEdit{e.start, e.old_end, e.new_end, ts_point(e.start_point), ts_point(e.old_end_point),
                             ts_point(e.new_end_point)});
    }
    std::unique_ptr<frontend::SyntaxTree> tree = parser.parse(text, &moved);
    if (tree == nullptr) return Reparse{};
    if (!ts_node_has_error(tree->root())) return Reparse{std::move(tree), true};
  }
  return Reparse{parser.parse(std::move(text)), false};
}

}  // namespace godwit::lsp
