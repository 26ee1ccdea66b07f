// SourceFile: line index, positions in code points / UTF-16 units / bytes and back, UTF-8 checks.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "analyzer/source/source_file.h"

using godwit::source::ColumnUnit;
using godwit::source::count_columns;
using godwit::source::LineIndex;
using godwit::source::Position;
using godwit::source::SourceFile;
using godwit::source::TextRange;
using godwit::source::valid_utf8_prefix;

namespace {

bool is_char_start(std::string_view text, uint32_t offset) {
  return offset >= text.size() || (static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80;
}

}  // namespace

TEST_CASE("line index: \\n, \\r\\n and a lone \\r each end a line", "[unit]") {
  //                      0 1  2 3 4  5 6  7
  const LineIndex lines("a\nb\r\nc\rd");
  REQUIRE(lines.line_count() == 4);
  CHECK(lines.line_start(0) == 0);
  CHECK(lines.line_start(1) == 2);
  CHECK(lines.line_start(2) == 5);
  CHECK(lines.line_start(3) == 7);
  // A terminator belongs to the line it ends.
  CHECK(lines.line_of(0) == 0);
  CHECK(lines.line_of(1) == 0);
  CHECK(lines.line_of(2) == 1);
  CHECK(lines.line_of(3) == 1);
  CHECK(lines.line_of(4) == 1);
  CHECK(lines.line_of(5) == 2);
  CHECK(lines.line_of(6) == 2);
  CHECK(lines.line_of(7) == 3);
  CHECK(lines.line_of(8) == 3);
  CHECK(lines.line_of(1000) == 3);
}

TEST_CASE("line index: empty text, trailing terminators, \\n\\r is two line ends", "[unit]") {
  CHECK(LineIndex("").line_count() == 1);
  CHECK(LineIndex("").line_of(0) == 0);
  CHECK(LineIndex("a").line_count() == 1);
  CHECK(LineIndex("a\n").line_count() == 2);
  CHECK(LineIndex("a\r\n").line_count() == 2);
  CHECK(LineIndex("a\r").line_count() == 2);
  CHECK(LineIndex("\n\r").line_count() == 3);
  CHECK(LineIndex("\r\n\r\n").line_count() == 3);
  CHECK(LineIndex("\r\r\n").line_count() == 3);
}

TEST_CASE("line text and line range exclude the terminator", "[unit]") {
  const SourceFile file("f.py", "a\nbb\r\nccc\rdddd");
  CHECK(file.line_text(0) == "a");
  CHECK(file.line_text(1) == "bb");
  CHECK(file.line_text(2) == "ccc");
  CHECK(file.line_text(3) == "dddd");
  CHECK(file.line_text(4).empty());
  CHECK(file.line_range(1) == TextRange{2, 4});
  CHECK(file.line_range(2) == TextRange{6, 9});
  CHECK(file.line_range(3) == TextRange{10, 14});
  CHECK(file.line_range(99) == TextRange{14, 14});
  const SourceFile trailing("f.py", "x\r\n");
  CHECK(trailing.lines().line_count() == 2);
  CHECK(trailing.line_text(1).empty());
  CHECK(trailing.line_range(1) == TextRange{3, 3});
}

TEST_CASE("slice clamps to the text", "[unit]") {
  const SourceFile file("f.py", "abcdef");
  CHECK(file.slice({1, 3}) == "bc");
  CHECK(file.slice({4, 100}) == "ef");
  CHECK(file.slice({100, 200}).empty());
  CHECK(file.slice({5, 2}).empty());
  CHECK(TextRange{2, 2}.empty());
  CHECK(TextRange{5, 2}.length() == 0);
  CHECK(TextRange{2, 6}.covers({3, 6}));
  CHECK_FALSE(TextRange{2, 6}.covers({3, 7}));
  CHECK(TextRange{2, 6}.contains(2));
  CHECK_FALSE(TextRange{2, 6}.contains(6));
}

TEST_CASE("positions count code points, UTF-16 units or bytes", "[unit]") {
  // x = '😀é'  — the emoji is 4 bytes (2 UTF-16 units), é is 2 bytes (1 unit).
  const std::string text = "x = '\xF0\x9F\x98\x80\xC3\xA9'\ny";
  const SourceFile file("f.py", text);
  REQUIRE(text.size() == 14);
  // The closing quote, at byte 11.
  CHECK(file.position(11, ColumnUnit::CodePoint) == Position{1, 8});
  CHECK(file.position(11, ColumnUnit::Utf16) == Position{1, 9});
  CHECK(file.position(11, ColumnUnit::Byte) == Position{1, 12});
  // é, after the emoji.
  CHECK(file.position(9, ColumnUnit::CodePoint) == Position{1, 7});
  CHECK(file.position(9, ColumnUnit::Utf16) == Position{1, 8});
  // Code points are the default.
  CHECK(file.position(5) == Position{1, 6});
  CHECK(file.position(13) == Position{2, 1});
  // Past the end: clamped to the end of the text.
  CHECK(file.position(1000) == Position{2, 2});
  const auto span = file.span({5, 11}, ColumnUnit::Utf16);
  CHECK(span.start == Position{1, 6});
  CHECK(span.end == Position{1, 9});
  // A reversed range is an empty one at its start.
  const auto reversed = file.span({11, 5});
  CHECK(reversed.start == Position{1, 8});
  CHECK(reversed.end == Position{1, 8});
}

TEST_CASE("positions on CRLF and lone-CR lines", "[unit]") {
  const SourceFile file("f.py", "ab\r\n\xC3\xA9x\rend");
  CHECK(file.position(4) == Position{2, 1});
  CHECK(file.position(6) == Position{2, 2});  // x, after é
  CHECK(file.position(6, ColumnUnit::Byte) == Position{2, 3});
  CHECK(file.position(8) == Position{3, 1});
  CHECK(file.position(10) == Position{3, 3});
}

TEST_CASE("offset() is the inverse of position() in every unit", "[unit]") {
  const std::string text =
      "a = '\xF0\x9F\x98\x80'\r\n"
      "\tb\xC3\xA9 = \"\xE2\x82\xAC\xF0\x90\x8D\x88\"\r"  // a lone CR
      "x = 1\n"
      "\n"
      "\xF0\x9F\x98\x80\xF0\x9F\x98\x80 c\n"
      "last";
  const SourceFile file("f.py", text);
  for (const ColumnUnit unit : {ColumnUnit::CodePoint, ColumnUnit::Utf16, ColumnUnit::Byte}) {
    for (uint32_t offset = 0; offset <= text.size(); ++offset) {
      if (!is_char_start(text, offset)) continue;
      const uint32_t line0 = file.lines().line_of(offset);
      const TextRange line = file.line_range(line0);
      if (offset > line.end) continue;  // inside a line terminator
      INFO("unit " << static_cast<int>(unit) << " offset " << offset);
      CHECK(file.offset(file.position(offset, unit), unit) == offset);
    }
  }
}

TEST_CASE("offset() clamps to the line and to the file", "[unit]") {
  const std::string text = "ab\r\n\xF0\x9F\x98\x80z\nlast";
  const SourceFile file("f.py", text);
  CHECK(file.offset({1, 1}, ColumnUnit::CodePoint) == 0);
  CHECK(file.offset({1, 100}, ColumnUnit::CodePoint) == 2);  // before "\r\n"
  CHECK(file.offset({1, 100}, ColumnUnit::Byte) == 2);
  CHECK(file.offset({2, 0}, ColumnUnit::Utf16) == 4);  // column 0 means the line start
  CHECK(file.offset({2, 2}, ColumnUnit::CodePoint) == 8);
  CHECK(file.offset({2, 3}, ColumnUnit::Utf16) == 8);
  CHECK(file.offset({3, 5}, ColumnUnit::CodePoint) == text.size());
  CHECK(file.offset({4, 1}, ColumnUnit::CodePoint) == text.size());
  CHECK(file.offset({99, 1}, ColumnUnit::Utf16) == text.size());
  CHECK(file.offset({0, 7}, ColumnUnit::CodePoint) == 0);
}

TEST_CASE("offset() in the middle of a surrogate pair snaps to the character start", "[unit]") {
  const SourceFile file("f.py", "ab\xF0\x9F\x98\x80z");
  CHECK(file.offset({1, 3}, ColumnUnit::Utf16) == 2);  // the high surrogate: the emoji itself
  CHECK(file.offset({1, 4}, ColumnUnit::Utf16) == 2);  // the low surrogate
  CHECK(file.offset({1, 5}, ColumnUnit::Utf16) == 6);  // z
  CHECK(file.offset({1, 4}, ColumnUnit::CodePoint) == 6);
  // In bytes a column may point inside a sequence: that is what was asked for.
  CHECK(file.offset({1, 4}, ColumnUnit::Byte) == 3);
}

TEST_CASE("count_columns counts invalid bytes as one column each", "[unit]") {
  CHECK(count_columns("", ColumnUnit::CodePoint) == 0);
  CHECK(count_columns("abc", ColumnUnit::Utf16) == 3);
  CHECK(count_columns("\xF0\x9F\x98\x80", ColumnUnit::CodePoint) == 1);
  CHECK(count_columns("\xF0\x9F\x98\x80", ColumnUnit::Utf16) == 2);
  CHECK(count_columns("\xF0\x9F\x98\x80", ColumnUnit::Byte) == 4);
  CHECK(count_columns("\xE2\x82\xAC", ColumnUnit::Utf16) == 1);
  CHECK(count_columns("\xFF\xFE", ColumnUnit::CodePoint) == 2);
  CHECK(count_columns("\xFF\xFE", ColumnUnit::Utf16) == 2);
  CHECK(count_columns("a\xF0\x9F\x98", ColumnUnit::CodePoint) == 4);  // truncated emoji: 3 bytes
}

TEST_CASE("valid_utf8_prefix stops at the first ill-formed sequence", "[unit]") {
  using namespace std::string_view_literals;
  CHECK(valid_utf8_prefix(""sv) == 0);
  CHECK(valid_utf8_prefix("abc"sv) == 3);
  CHECK(valid_utf8_prefix("\xC3\xA9\xF0\x9F\x98\x80"sv) == 6);
  CHECK(valid_utf8_prefix("\x00"sv) == 1);  // NUL is valid UTF-8 (the extractor rejects it separately)
  // Overlong forms.
  CHECK(valid_utf8_prefix("a\xC0\x80"sv) == 1);
  CHECK(valid_utf8_prefix("\xC1\xBF"sv) == 0);
  CHECK(valid_utf8_prefix("\xE0\x80\xAF"sv) == 0);
  CHECK(valid_utf8_prefix("\xF0\x82\x82\xAC"sv) == 0);
  // Surrogates, and the code points on either side of them.
  CHECK(valid_utf8_prefix("\xED\xA0\x80"sv) == 0);
  CHECK(valid_utf8_prefix("\xED\xBF\xBF"sv) == 0);
  CHECK(valid_utf8_prefix("\xED\x9F\xBF"sv) == 3);
  CHECK(valid_utf8_prefix("\xEE\x80\x80"sv) == 3);
  // Beyond U+10FFFF, and lead bytes that never start a sequence.
  CHECK(valid_utf8_prefix("\xF4\x8F\xBF\xBF"sv) == 4);
  CHECK(valid_utf8_prefix("\xF4\x90\x80\x80"sv) == 0);
  CHECK(valid_utf8_prefix("\xF5\x80\x80\x80"sv) == 0);
  CHECK(valid_utf8_prefix("\xF8\x88\x80\x80\x80"sv) == 0);
  CHECK(valid_utf8_prefix("\xFF"sv) == 0);
  // Truncated sequences, at the end and in the middle.
  CHECK(valid_utf8_prefix("ab\xE2\x82"sv) == 2);
  CHECK(valid_utf8_prefix("ab\xF0\x9F\x98"sv) == 2);
  CHECK(valid_utf8_prefix("\xE2\x82x"sv) == 0);
  CHECK(valid_utf8_prefix("ok\xC3"sv) == 2);
  // A continuation byte on its own.
  CHECK(valid_utf8_prefix("x\x80y"sv) == 1);
  // Latin-1 text.
  CHECK(valid_utf8_prefix("caf\xE9"sv) == 3);
}

TEST_CASE("positions on lines of a hundred kilobytes agree with counting from the line's start", "[unit]") {
  // Long lines keep column counts every few KiB; every offset must map as if counted from the
  // line's start: ASCII, 2-, 3- and 4-byte characters, malformed bytes, in several long lines.
  std::mt19937 random(5);
  const std::vector<std::string> pieces{"x", "é", "€", "\xF0\x9F\x98\x80", "\xFF", "\xE2\x82", " "};
  std::string text = "short line\n";
  std::vector<uint32_t> starts;  // where each piece starts: a character (or malformed byte) start
  for (int line = 0; line < 3; ++line) {
    for (int i = 0; i < 30'000; ++i) {
      starts.push_back(static_cast<uint32_t>(text.size()));
      text += pieces[random() % pieces.size()];
    }
    text += line == 1 ? "\r\n" : "\n";
  }
  text += "tail";
  const SourceFile file("big.py", text);
  for (int probe = 0; probe < 600; ++probe) {
    const bool at_start = probe % 2 == 0;
    const auto offset =
        at_start ? starts[random() % starts.size()] : static_cast<uint32_t>(random() % (text.size() + 1));
    const uint32_t line0 = file.lines().line_of(offset);
    const uint32_t start = file.lines().line_start(line0);
    const std::string_view prefix = std::string_view(text).substr(start, offset - start);
    for (const ColumnUnit unit : {ColumnUnit::CodePoint, ColumnUnit::Utf16, ColumnUnit::Byte}) {
      INFO("offset " << offset << ", unit " << static_cast<int>(unit));
      const Position p = file.position(offset, unit);
      REQUIRE(p == Position{line0 + 1, count_columns(prefix, unit) + 1});
      if (at_start) CHECK(file.offset(p, unit) == offset);
    }
  }
}
