#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/source/source_file.h"

namespace godwit::lsp {

// A position as the protocol sends it: 0-based line, and a 0-based column counted in the unit
// negotiated at initialization (UTF-16 code units unless the client chose otherwise).
struct LspPosition {
  uint32_t line = 0;
  uint32_t character = 0;
  friend bool operator==(LspPosition, LspPosition) = default;
};

struct LspRange {
  LspPosition start;
  LspPosition end;
  friend bool operator==(LspRange, LspRange) = default;
};

// The byte offset of a protocol position in `file` (clamped to the line, as the protocol asks).
uint32_t to_offset(const source::SourceFile& file, LspPosition position, source::ColumnUnit unit);
// The protocol position of a byte offset.
LspPosition to_lsp(const source::SourceFile& file, uint32_t offset, source::ColumnUnit unit);
LspRange to_lsp(const source::SourceFile& file, source::TextRange range, source::ColumnUnit unit);

// A row and a byte column, as tree-sitter counts them.
struct TextPoint {
  uint32_t row = 0;
  uint32_t column = 0;
  friend bool operator==(TextPoint, TextPoint) = default;
};

// One edit of a document in bytes, with the points before and after it: what tree-sitter needs to
// move the nodes of the previous tree before an incremental reparse.
struct ByteEdit {
  uint32_t start = 0;
  uint32_t old_end = 0;
  uint32_t new_end = 0;
  TextPoint start_point;
  TextPoint old_end_point;
  TextPoint new_end_point;
};

// The edits of one `didChange`, taking the text from one revision to the next. A change without a
// range (full document sync) replaces everything: then the edits cannot be replayed.
struct EditBatch {
  uint64_t from_revision = 0;
  uint64_t to_revision = 0;
  std::vector<ByteEdit> edits;
  bool replaced = false;
};

// The edits that lead from one revision to another, in order; nullopt when the history does not
// link them (a full replacement, or revisions it no longer holds).
std::optional<std::vector<ByteEdit>> edits_between(const std::vector<EditBatch>& history, uint64_t from_revision,
                                                   uint64_t to_revision);

// One `TextDocumentContentChangeEvent`: a range and its replacement, or the whole new text.
struct ContentChange {
  std::optional<LspRange> range;
  std::string text;
};

// An open document: the client's text, which wins over the disk, and how it got there.
class TextDocument {
 public:
  // `display` is the path as godwit reports it (see discovery::display_path); it names the
  // SourceFile so that diagnostics point at the right file. `revision` comes from a counter the
  // server keeps for all documents, so that a document closed and opened again never reuses one.
  TextDocument(std::string uri, std::optional<std::filesystem::path> path, std::string display, int64_t version,
               std::string text, uint64_t revision);

  // Applies one `didChange`: its changes in order, each to the result of the previous one.
  // `revision` must be greater than the current one.
  void apply(int64_t version, const std::vector<ContentChange>& changes, source::ColumnUnit unit, uint64_t revision);

  [[nodiscard]] const std::string& uri() const { return uri_; }
  // The local file (file: URIs only).
  [[nodiscard]] const std::optional<std::filesystem::path>& path() const { return path_; }
  // The client's version number (for publishing and versioned edits).
  [[nodiscard]] int64_t version() const { return version_; }
  // godwit's own count of changes, which always increases (clients' versions need not).
  [[nodiscard]] uint64_t revision() const { return revision_; }
  [[nodiscard]] const std::shared_ptr<const source::SourceFile>& text() const { return text_; }
  [[nodiscard]] const std::vector<EditBatch>& history() const { return history_; }

 private:
  static constexpr size_t kMaxHistory = 512;

  std::string uri_;
  std::optional<std::filesystem::path> path_;
  std::string display_;
  int64_t version_;
  uint64_t revision_;
  std::shared_ptr<const source::SourceFile> text_;
  std::vector<EditBatch> history_;
};

}  // namespace godwit::lsp
