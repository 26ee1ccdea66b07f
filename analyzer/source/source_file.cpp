#include "analyzer/source/source_file.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

namespace godwit::source {

LineIndex::LineIndex(std::string_view text) {
  if (text.find('\r') == std::string_view::npos) {
    // The usual case, `\n` only: counted, then found, with the library's vectorized searches.
    starts_.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    for (size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1)) {
      starts_.push_back(static_cast<uint32_t>(at) + 1);
    }
    return;
  }
  for (uint32_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      starts_.push_back(i + 1);
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      starts_.push_back(i + 1);
    }
  }
}

uint32_t LineIndex::line_of(uint32_t offset) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<uint32_t>(it - starts_.begin()) - 1;
}

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {}

std::string_view SourceFile::slice(TextRange range) const {
  const auto size = static_cast<uint32_t>(text_.size());
  const uint32_t begin = std::min(range.begin, size);
  const uint32_t end = std::clamp(range.end, begin, size);
  return std::string_view(text_).substr(begin, end - begin);
}

namespace {

// Decodes the length of the UTF-8 sequence starting at text[i]; 0 when it is not well formed.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  size_t len = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

size_t valid_utf8_prefix(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // Eight ASCII bytes at a time: source code is mostly ASCII.
    if (i + 8 <= text.size()) {
      uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const size_t len = utf8_sequence_length(text, i);
    if (len == 0) return i;
    i += len;
  }
  return i;
}

namespace {

// Bytes between two checkpoints of a long line.
constexpr uint32_t kCheckpointSpacing = 4096;

// Advances over one character (or one malformed byte) of `text` at `i`, counting it.
size_t step(std::string_view text, size_t i, uint32_t& code_points, uint32_t& utf16) {
  const size_t len = utf8_sequence_length(text, i);
  ++code_points;
  utf16 += len == 4 ? 2 : 1;
  return len == 0 ? 1 : len;
}

}  // namespace

void SourceFile::index() const {
  // Locks shared out by address: files indexed at once on different threads rarely wait.
  static std::array<std::mutex, 32> indexing;
  const uint64_t mixed = (reinterpret_cast<uintptr_t>(this) >> 4) * 0x9E3779B97F4A7C15ULL;
  const std::lock_guard lock(indexing[mixed >> 59]);
  if (indexed_.load(std::memory_order_relaxed)) return;
  lines_ = LineIndex(text_);
  for (uint32_t line0 = 0; line0 < lines_.line_count(); ++line0) {
    const uint32_t start = lines_.line_start(line0);
    uint32_t end = line0 + 1 < lines_.line_count() ? lines_.line_start(line0 + 1) : static_cast<uint32_t>(text_.size());
    if (end - start <= kCheckpointSpacing) continue;
    while (end > start && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
    const std::string_view line = std::string_view(text_).substr(start, end - start);
    uint32_t code_points = 0;
    uint32_t utf16 = 0;
    size_t next = kCheckpointSpacing;
    for (size_t i = 0; i < line.size();) {
      if (i >= next) {
        checkpoints_.push_back(Checkpoint{start + static_cast<uint32_t>(i), code_points, utf16});
        next = i + kCheckpointSpacing;
      }
      i += step(line, i, code_points, utf16);
    }
  }
  indexed_.store(true, std::memory_order_release);
}

const SourceFile::Checkpoint* SourceFile::checkpoint_before(uint32_t line0, uint32_t offset) const {
  const auto after = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), offset,
                                      [](uint32_t o, const Checkpoint& c) { return o < c.offset; });
  if (after == checkpoints_.begin()) return nullptr;
  const Checkpoint& c = *(after - 1);
  return c.offset > lines_.line_start(line0) ? &c : nullptr;
}

uint32_t count_columns(std::string_view text, ColumnUnit unit) {
  if (unit == ColumnUnit::Byte) return static_cast<uint32_t>(text.size());
  uint32_t columns = 0;
  size_t i = 0;
  while (i < text.size()) {
    // Eight ASCII bytes at a time: eight columns in every unit.
    if (i + 8 <= text.size()) {
      uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        columns += 8;
        i += 8;
        continue;
      }
    }
    const size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      ++columns;
      ++i;
      continue;
    }
    columns += (unit == ColumnUnit::Utf16 && len == 4) ? 2 : 1;
    i += len;
  }
  return columns;
}

Position SourceFile::position(uint32_t offset, ColumnUnit unit) const {
  offset = std::min(offset, static_cast<uint32_t>(text_.size()));
  const uint32_t line0 = lines().line_of(offset);
  uint32_t start = lines_.line_start(line0);
  uint32_t counted = 0;
  if (unit != ColumnUnit::Byte) {
    if (const Checkpoint* c = checkpoint_before(line0, offset)) {
      start = c->offset;
      counted = unit == ColumnUnit::Utf16 ? c->utf16 : c->code_points;
    }
  }
  const auto prefix = std::string_view(text_).substr(start, offset - start);
  return Position{line0 + 1, counted + count_columns(prefix, unit) + 1};
}

Span SourceFile::span(TextRange range, ColumnUnit unit) const {
  return Span{position(range.begin, unit), position(std::max(range.begin, range.end), unit)};
}

std::string_view SourceFile::line_text(uint32_t line0) const {
  if (line0 >= lines().line_count()) return {};
  const uint32_t start = lines_.line_start(line0);
  uint32_t end = line0 + 1 < lines_.line_count() ? lines_.line_start(line0 + 1)
                                                  : static_cast<uint32_t>(text_.size());
  while (end > start && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(start, end - start);
}

TextRange SourceFile::line_range(uint32_t line0) const {
  if (line0 >= lines().line_count()) {
    const auto size = static_cast<uint32_t>(text_.size());
    return TextRange{size, size};
  }
  const uint32_t start = lines_.line_start(line0);
  return TextRange{start, start + static_cast<uint32_t>(line_text(line0).size())};
}

uint32_t SourceFile::offset(Position position, ColumnUnit unit) const {
  if (position.line == 0) return 0;
  const uint32_t line0 = position.line - 1;
  if (line0 >= lines().line_count()) return static_cast<uint32_t>(text_.size());
  const std::string_view line = line_text(line0);
  const uint32_t start = lines_.line_start(line0);
  uint32_t wanted = position.column > 0 ? position.column - 1 : 0;
  if (unit == ColumnUnit::Byte) return start + std::min<uint32_t>(wanted, static_cast<uint32_t>(line.size()));
  size_t i = 0;
  // Start from the line's last checkpoint that does not pass the column.
  const auto first = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), start,
                                      [](uint32_t o, const Checkpoint& c) { return o < c.offset; });
  const auto last = std::upper_bound(first, checkpoints_.end(), start + static_cast<uint32_t>(line.size()),
                                     [](uint32_t o, const Checkpoint& c) { return o < c.offset; });
  const auto count = [unit](const Checkpoint& c) { return unit == ColumnUnit::Utf16 ? c.utf16 : c.code_points; };
  const auto reached =
      std::upper_bound(first, last, wanted, [&](uint32_t w, const Checkpoint& c) { return w < count(c); });
  if (reached != first) {
    const Checkpoint& c = *(reached - 1);
    i = c.offset - start;
    wanted -= count(c);
  }
  while (i < line.size() && wanted > 0) {
    size_t len = utf8_sequence_length(line, i);
    uint32_t units = 1;
    if (len == 0) {
      len = 1;
    } else if (unit == ColumnUnit::Utf16 && len == 4) {
      units = 2;
    }
    if (units > wanted) break;  // the position points into the middle of a surrogate pair
    wanted -= units;
    i += len;
  }
  return start + static_cast<uint32_t>(i);
}

}  // namespace godwit::source
