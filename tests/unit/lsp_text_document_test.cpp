// Open documents: protocol positions (UTF-16 by default) to bytes, edits applied in order, the
// edit history the incremental parser replays, and file URIs.
#include <catch2/catch.hpp>

#include "analyzer/lsp/text_document.h"
#include "analyzer/lsp/uri.h"

using godwit::lsp::ContentChange;
using godwit::lsp::LspPosition;
using godwit::lsp::LspRange;
using godwit::lsp::TextDocument;
using godwit::source::ColumnUnit;
using godwit::source::SourceFile;

namespace {

ContentChange change(uint32_t l0, uint32_t c0, uint32_t l1, uint32_t c1, std::string text) {
  return ContentChange{LspRange{{l0, c0}, {l1, c1}}, std::move(text)};
}

}  // namespace

TEST_CASE("UTF-16 columns count an emoji as two units, bytes as four", "[unit][lsp]") {
  // "x = '🚀' + y": the emoji is 4 bytes, 2 UTF-16 units, 1 code point.
  const SourceFile file("a.py", "a\nx = '\xF0\x9F\x9A\x80' + y\n");
  const uint32_t y = static_cast<uint32_t>(std::string_view(file.text()).find('y'));
  CHECK(godwit::lsp::to_lsp(file, y, ColumnUnit::Utf16) == LspPosition{1, 11});
  CHECK(godwit::lsp::to_lsp(file, y, ColumnUnit::Byte) == LspPosition{1, 13});
  CHECK(godwit::lsp::to_lsp(file, y, ColumnUnit::CodePoint) == LspPosition{1, 10});
  CHECK(godwit::lsp::to_offset(file, {1, 11}, ColumnUnit::Utf16) == y);
  CHECK(godwit::lsp::to_offset(file, {1, 13}, ColumnUnit::Byte) == y);
  CHECK(godwit::lsp::to_offset(file, {1, 10}, ColumnUnit::CodePoint) == y);
  // A column inside the emoji's surrogate pair stays before it.
  CHECK(godwit::lsp::to_offset(file, {1, 6}, ColumnUnit::Utf16) == 2 + 5);
  // Past the end of a line: the end of that line. Past the last line: the end of the text.
  CHECK(godwit::lsp::to_offset(file, {0, 99}, ColumnUnit::Utf16) == 1);
  CHECK(godwit::lsp::to_offset(file, {9, 0}, ColumnUnit::Utf16) == file.text().size());
}

TEST_CASE("changes apply in order, each to the text the previous one left", "[unit][lsp]") {
  TextDocument doc("file:///p/a.py", std::nullopt, "a.py", 1,
                   "ab\n\xF0\x9F\x9A\x80"
                   "cd\n",
                   10);
  doc.apply(2, {change(1, 2, 1, 3, "X"), change(0, 0, 0, 1, "")}, ColumnUnit::Utf16, 11);
  CHECK(doc.text()->text() == "b\n\xF0\x9F\x9A\x80Xd\n");
  CHECK(doc.version() == 2);
  CHECK(doc.revision() == 11);
  REQUIRE(doc.history().size() == 1);
  const auto& edits = doc.history()[0].edits;
  REQUIRE(edits.size() == 2);
  CHECK(edits[0].start == 7);  // "ab\n" + 4 bytes of emoji
  CHECK(edits[0].old_end == 8);
  CHECK(edits[0].new_end == 8);
  CHECK(edits[0].start_point == godwit::lsp::TextPoint{1, 4});
  CHECK(edits[1].start == 0);
  CHECK(edits[1].old_end == 1);
  CHECK(edits[1].new_end == 0);
  CHECK(doc.text()->path() == "a.py");
}

TEST_CASE("an edit right after a carriage return starts at it", "[unit][lsp]") {
  // The parser reads a lone '\r' as a line break and the '\r' of "\r\n" as a plain byte: a
  // '\n' inserted after a lone '\r' changes how the '\r' reads, so the edit must cover it.
  TextDocument doc("file:///p/a.py", std::nullopt, "a.py", 1, "a = 1\rb = 2\n", 1);
  doc.apply(2, {change(1, 0, 1, 0, "\n")}, ColumnUnit::Utf16, 2);
  CHECK(doc.text()->text() == "a = 1\r\nb = 2\n");
  const auto& e = doc.history()[0].edits[0];
  CHECK(e.start == 5);
  CHECK(e.old_end == 6);
  CHECK(e.new_end == 7);
  CHECK(e.start_point == godwit::lsp::TextPoint{0, 5});
  CHECK(e.new_end_point == godwit::lsp::TextPoint{1, 0});
  // Line breaks in protocol positions: "\r\n" is one, the column after it is on the next line.
  TextDocument crlf("file:///p/b.py", std::nullopt, "b.py", 1, "a\r\nb\r\n", 1);
  crlf.apply(2, {change(0, 1, 1, 0, "")}, ColumnUnit::Utf16, 2);
  CHECK(crlf.text()->text() == "ab\r\n");
}

TEST_CASE("a change without a range replaces the text and breaks the edit chain", "[unit][lsp]") {
  TextDocument doc("untitled:1", std::nullopt, "untitled:1", 1, "a", 1);
  doc.apply(2, {change(0, 1, 0, 1, "b")}, ColumnUnit::Utf16, 2);
  doc.apply(3, {ContentChange{std::nullopt, "xyz"}}, ColumnUnit::Utf16, 3);
  doc.apply(4, {change(0, 3, 0, 3, "!")}, ColumnUnit::Utf16, 4);
  CHECK(doc.text()->text() == "xyz!");
  CHECK(godwit::lsp::edits_between(doc.history(), 1, 2).value().size() == 1);
  CHECK_FALSE(godwit::lsp::edits_between(doc.history(), 1, 4).has_value());
  CHECK_FALSE(godwit::lsp::edits_between(doc.history(), 2, 4).has_value());
  CHECK(godwit::lsp::edits_between(doc.history(), 3, 4).value().size() == 1);
  CHECK(godwit::lsp::edits_between(doc.history(), 4, 4).value().empty());
  CHECK_FALSE(godwit::lsp::edits_between(doc.history(), 0, 4).has_value());
}

TEST_CASE("file URIs and paths", "[unit][lsp]") {
  using godwit::lsp::path_from_uri;
  using godwit::lsp::uri_from_path;
  CHECK(path_from_uri("file:///home/me/shop/migrations/0001_initial.py") ==
        std::filesystem::path("/home/me/shop/migrations/0001_initial.py"));
  CHECK(path_from_uri("file://localhost/tmp/a%20b/c.py") == std::filesystem::path("/tmp/a b/c.py"));
  CHECK(path_from_uri("FILE:///tmp/%C3%A9.py") == std::filesystem::path("/tmp/\xC3\xA9.py"));
  CHECK(path_from_uri("file:///tmp/x/../y.py") == std::filesystem::path("/tmp/y.py"));
  CHECK_FALSE(path_from_uri("untitled:Untitled-1").has_value());
  CHECK_FALSE(path_from_uri("file://server/share/a.py").has_value());
  CHECK_FALSE(path_from_uri("file:///tmp/%zz.py").has_value());
  CHECK_FALSE(path_from_uri("file:///tmp/%00.py").has_value());
  CHECK_FALSE(path_from_uri("file:///tmp/%4").has_value());
  CHECK(uri_from_path("/tmp/a b/\xC3\xA9#1.py") == "file:///tmp/a%20b/%C3%A9%231.py");
  for (const char* p : {"/tmp/a b/c.py", "/x/\xF0\x9F\x9A\x80/m.py", "/a/b%c/d?.py"}) {
    CHECK(path_from_uri(uri_from_path(p)) == std::filesystem::path(p));
  }
}
