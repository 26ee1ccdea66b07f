#include "analyzer/lsp/text_document.h"

#include <algorithm>

namespace godwit::lsp {

namespace {

TextPoint point_at(const source::SourceFile& file, uint32_t offset) {
  const uint32_t line0 = file.lines().line_of(offset);
  return TextPoint{line0, offset - file.lines().line_start(line0)};
}

}  // namespace

uint32_t to_offset(const source::SourceFile& file, LspPosition position, source::ColumnUnit unit) {
  return file.offset(source::Position{position.line + 1, position.character + 1}, unit);
}

LspPosition to_lsp(const source::SourceFile& file, uint32_t offset, source::ColumnUnit unit) {
  const source::Position p = file.position(offset, unit);
  return LspPosition{p.line - 1, p.column - 1};
}

LspRange to_lsp(const source::SourceFile& file, source::TextRange range, source::ColumnUnit unit) {
  return LspRange{to_lsp(file, range.begin, unit), to_lsp(file, std::max(range.begin, range.end), unit)};
}

std::optional<std::vector<ByteEdit>> edits_between(const std::vector<EditBatch>& history, uint64_t from_revision,
                                                   uint64_t to_revision) {
  std::vector<ByteEdit> edits;
  if (from_revision == to_revision) return edits;
  auto it = std::find_if(history.begin(), history.end(),
                         [&](const EditBatch& b) { return b.from_revision == from_revision; });
  uint64_t at = from_revision;
  for (; it != history.end() && at != to_revision; ++it) {
    if (it->from_revision != at || it->replaced) return std::nullopt;
    edits.insert(edits.end(), it->edits.begin(), it->edits.end());
    at = it->to_revision;
  }
  if (at != to_revision) return std::nullopt;
  return edits;
}

TextDocument::TextDocument(std::string uri, std::optional<std::filesystem::path> path, std::string display,
                           int64_t version, std::string text, uint64_t revision)
    : uri_(std::move(uri)),
      path_(std::move(path)),
      display_(std::move(display)),
      version_(version),
      revision_(revision),
      text_(std::make_shared<const source::SourceFile>(display_, std::move(text))) {}

void TextDocument::apply(int64_t version, const std::vector<ContentChange>& changes, source::ColumnUnit unit,
                         uint64_t revision) {
  EditBatch batch{revision_, revision, {}, false};
  for (const ContentChange& change : changes) {
    const source::SourceFile& old = *text_;
    const std::string_view old_text = old.text();
    if (!change.range) {
      batch.replaced = true;
      text_ = std::make_shared<const source::SourceFile>(display_, change.text);
      continue;
    }
    uint32_t start = to_offset(old, change.range->start, unit);
    const uint32_t end = std::max(start, to_offset(old, change.range->end, unit));
    std::string text;
    text.reserve(old_text.size() - (end - start) + change.text.size());
    text.append(old_text.substr(0, start)).append(change.text).append(old_text.substr(end));
    auto updated = std::make_shared<const source::SourceFile>(display_, std::move(text));
    // The parser reads a '\r' that no '\n' follows as a line break: when the byte after a '\r'
    // changes, so may the '\r' itself as the parser sees it. Start the edit at the '\r'.
    uint32_t edit_start = start;
    if (edit_start > 0 && old_text[edit_start - 1] == '\r') --edit_start;
    const uint32_t new_end = start + static_cast<uint32_t>(change.text.size());
    batch.edits.push_back(
        ByteEdit{edit_start, end, new_end, point_at(old, edit_start), point_at(old, end), point_at(*updated, new_end)});
    text_ = std::move(updated);
  }
  version_ = version;
  revision_ = revision;
  history_.push_back(std::move(batch));
  if (history_.size() > kMaxHistory) history_.erase(history_.begin(), history_.begin() + kMaxHistory / 2);
}

}  // namespace godwit::lsp
