#pragma once

#include <cstdint>
#include <atomic>
#include <string>
#include <string_view>
#include <vector>

namespace godwit::source {

// A half-open byte range [begin, end) into a file's text. The model only ever stores byte
// ranges; lines and columns are computed when rendering.
struct TextRange {
  uint32_t begin = 0;
  uint32_t end = 0;

  [[nodiscard]] bool empty() const { return begin >= end; }
  [[nodiscard]] uint32_t length() const { return end > begin ? end - begin : 0; }
  [[nodiscard]] bool contains(uint32_t offset) const { return offset >= begin && offset < end; }
  [[nodiscard]] bool covers(TextRange other) const { return other.begin >= begin && other.end <= end; }
  friend bool operator==(TextRange, TextRange) = default;
  friend auto operator<=>(TextRange, TextRange) = default;
};

// How a column is counted. Text, JSON and SARIF use Unicode code points; LSP uses UTF-16 units.
enum class ColumnUnit : uint8_t { CodePoint, Utf16, Byte };

// 1-based line and column.
struct Position {
  uint32_t line = 1;
  uint32_t column = 1;
  friend bool operator==(Position, Position) = default;
  friend auto operator<=>(Position, Position) = default;
};

struct Span {
  Position start;
  Position end;
};

// Offsets of line starts. A line ends at '\n', "\r\n" or a lone '\r', as Python reads it.
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);

  [[nodiscard]] uint32_t line_count() const { return static_cast<uint32_t>(starts_.size()); }
  // 0-based line containing the byte offset.
  [[nodiscard]] uint32_t line_of(uint32_t offset) const;
  [[nodiscard]] uint32_t line_start(uint32_t line0) const { return starts_[line0]; }

 private:
  std::vector<uint32_t> starts_{0};
};

// The text of one file, read once and shared by every stage that needs it. It outlives the
// syntax tree built from it and every diagnostic that points into it. Its line index is built
// the first time a line or column is asked for (from any thread): most files of a project never
// have a finding, and a warm run reads their IR from the cache without ever needing a line.
class SourceFile {
 public:
  // `path` is the path as godwit reports it (relative to the working directory where possible).
  SourceFile(std::string path, std::string text);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string_view text() const { return text_; }
  [[nodiscard]] std::string_view slice(TextRange range) const;
  [[nodiscard]] const LineIndex& lines() const {
    if (!indexed_.load(std::memory_order_acquire)) index();
    return lines_;
  }

  [[nodiscard]] Position position(uint32_t offset, ColumnUnit unit = ColumnUnit::CodePoint) const;
  [[nodiscard]] Span span(TextRange range, ColumnUnit unit = ColumnUnit::CodePoint) const;
  // The inverse of position(): a byte offset for a 1-based line/column, clamped to the line.
  [[nodiscard]] uint32_t offset(Position position, ColumnUnit unit) const;
  // The text of a 0-based line without its line terminator.
  [[nodiscard]] std::string_view line_text(uint32_t line0) const;
  // A range covering the whole 0-based line (without terminator).
  [[nodiscard]] TextRange line_range(uint32_t line0) const;

 private:
  // Column counts from a line's start at points along its long lines (one every few KiB, at a
  // character boundary), so that position() and offset() on a 10 MB line count a few KiB, not
  // the whole line, each time: a file with thousands of findings on one line stays linear.
  struct Checkpoint {
    uint32_t offset;
    uint32_t code_points;
    uint32_t utf16;
  };
  // Builds lines_ and checkpoints_, once (under one of a few locks shared out by address).
  void index() const;
  // The last checkpoint of line `line0` at or before `offset`, or nullptr.
  [[nodiscard]] const Checkpoint* checkpoint_before(uint32_t line0, uint32_t offset) const;

  std::string path_;
  std::string text_;
  mutable std::atomic<bool> indexed_{false};
  mutable LineIndex lines_;
  mutable std::vector<Checkpoint> checkpoints_;  // sorted by offset
};

// Counts columns in `text` (one line's prefix) in the given unit. Invalid UTF-8 bytes count as
// one code point (and one UTF-16 unit) each.
uint32_t count_columns(std::string_view text, ColumnUnit unit);

// The length of the well-formed UTF-8 prefix of `text`.
size_t valid_utf8_prefix(std::string_view text);

}  // namespace godwit::source
