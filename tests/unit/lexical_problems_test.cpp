// The scan for what Python's tokenizer and indentation rules refuse, and the choice between its
// findings and tree-sitter's.
#include "analyzer/frontend/lexical_problems.h"

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

using godwit::frontend::choose_syntax_problem;
using godwit::frontend::declares_non_utf8_encoding;
using godwit::frontend::find_lexical_problems;
using godwit::ir::SyntaxProblem;
using Kind = godwit::ir::SyntaxProblem::Kind;

namespace {

// The problem Python would report for `text` when tree-sitter also saw an error there.
std::optional<SyntaxProblem> with_tree_error(std::string_view text) {
  const auto end = static_cast<uint32_t>(text.size());
  return choose_syntax_problem(SyntaxProblem{Kind::Error, {end, end}, "x", {}}, find_lexical_problems(text));
}

// The problem reported when tree-sitter accepted `text`.
std::optional<SyntaxProblem> without_tree_error(std::string_view text) {
  return choose_syntax_problem(std::nullopt, find_lexical_problems(text));
}

std::string_view slice(std::string_view text, godwit::source::TextRange range) {
  return text.substr(range.begin, range.end - range.begin);
}

}  // namespace

TEST_CASE("valid Python has no lexical problem", "[unit]") {
  const char* valid[] = {
      "",
      "# only a comment\n",
      "x = 1\n",
      "class Migration(migrations.Migration):\n    operations = []\n",
      "class Migration(\n    migrations.Migration\n):\n    pass\n",
      "def f(apps, schema_editor):\n    if x:\n        pass\n    else:\n        return\n",
      "x = [\n  1,\n      2,\n]\n",                               // indentation inside brackets is free
      "x = 1 + \\\n        2\n",                                  // a backslash continuation
      "def f():\n    return 1\n# a comment at column 0\n    \n",  // blank and comment lines do not count
      "s = '''\nnot ( closed\n'''\n",                             // brackets in strings
      "s = \"it's\" + 'say \"hi\"' + r'\\'' + b'\\x00'\n",
      "s = f\"{x['k']:>{width}} {{}}\"\n",
      "if (n := len(x)) > 1: pass\n",
      "x = ...\ny = 1.\nz = .5e-3j\n",
      "from os import *\n",
      "if x:\r\n    y = 1\r\nz = 2\r\n",  // CRLF
      "if x:\n\tpass\n",                  // tabs alone are consistent
      "\xEF\xBB\xBFx = 1\n",              // a byte order mark
      "x = lambda: 0\n",
  };
  for (const char* text : valid) {
    INFO(text);
    const auto problems = find_lexical_problems(text);
    CHECK(!problems.tokenizer);
    CHECK(!problems.structure);
  }
}

TEST_CASE("brackets: never closed, closed by the wrong one, closing nothing", "[unit]") {
  {
    const std::string_view text = "x = [\n    (1,\n";
    const auto p = with_tree_error(text);
    REQUIRE(p);
    CHECK(p->kind == Kind::UnclosedBracket);
    CHECK(p->detail == "(");  // the innermost, as Python reports it
    CHECK(slice(text, p->range) == "(");
    CHECK(p->range.begin == 10);
  }
  {
    const std::string_view text = "ops = [\n    f(\n        a=1,\n    ,\n]\n";
    const auto p = with_tree_error(text);
    REQUIRE(p);
    CHECK(p->kind == Kind::MismatchedBracket);
    CHECK(p->detail == "]");
    CHECK(slice(text, p->related) == "(");
    CHECK(p->related.begin == 13);
  }
  {
    const auto p = with_tree_error("x = 1)\n");
    REQUIRE(p);
    CHECK(p->kind == Kind::UnmatchedBracket);
    CHECK(p->range.begin == 5);
  }
}

TEST_CASE("unterminated strings", "[unit]") {
  {
    const std::string_view text = "x = (\"abc,\n     1)\n";
    const auto p = with_tree_error(text);
    REQUIRE(p);
    CHECK(p->kind == Kind::UnterminatedString);
    CHECK(p->detail == "\"");
    CHECK(slice(text, p->range) == "\"abc,");
  }
  {
    const std::string_view text = "sql = rb'''\nSELECT 1\n";
    const auto p = with_tree_error(text);
    REQUIRE(p);
    CHECK(p->kind == Kind::UnterminatedString);
    CHECK(p->detail == "rb'''");
  }
  // An escaped line break continues a single-quoted string.
  CHECK(!find_lexical_problems("x = 'a\\\nb'\n").tokenizer);
}

TEST_CASE("indentation problems are reported even when tree-sitter accepts them", "[unit]") {
  {
    const auto p = without_tree_error("class A:\n    a = 1\n        b = 2\n");
    REQUIRE(p);
    CHECK(p->kind == Kind::UnexpectedIndent);
    CHECK(p->range.begin == 19);
    CHECK(p->range.length() == 8);
  }
  {
    const auto p = without_tree_error("class A:\n    a = 1\n  b = 2\n");
    REQUIRE(p);
    CHECK(p->kind == Kind::UnmatchedDedent);
  }
  {
    const auto p = without_tree_error("class A:\n    a = 1\n\tb = 2\n");
    REQUIRE(p);
    CHECK(p->kind == Kind::InconsistentTabs);
  }
  {
    const std::string_view text = "class A:\nb = 2\n";
    const auto p = without_tree_error(text);
    REQUIRE(p);
    CHECK(p->kind == Kind::ExpectedIndentedBlock);
    CHECK(slice(text, p->range) == "b");
    CHECK(slice(text, p->related) == "class A:");
  }
  {
    // The file ends where the block should be: reported at the header, without a related range.
    const std::string_view text = "if x:  # to do\n";
    const auto p = without_tree_error(text);
    REQUIRE(p);
    CHECK(p->kind == Kind::ExpectedIndentedBlock);
    CHECK(slice(text, p->range) == "if x:");
    CHECK(p->related.empty());
  }
}

TEST_CASE("findings other than indentation need tree-sitter's agreement", "[unit]") {
  // Should the scanner misread a construct it does not know, a valid file stays valid.
  CHECK(!without_tree_error("x = (1\n"));
  CHECK(!without_tree_error("def f()\n    pass\n"));
  CHECK(!without_tree_error("<<<<<<< HEAD\n"));
}

TEST_CASE("missing `:` and lines cut short", "[unit]") {
  {
    const std::string_view text = "def forwards(apps, schema_editor)\n    pass\n";
    // tree-sitter's ERROR wraps the whole definition; the missing `:` inside it wins.
    const auto p =
        choose_syntax_problem(SyntaxProblem{Kind::Error, {0, 46}, "def forwards", {}}, find_lexical_problems(text));
    REQUIRE(p);
    CHECK(p->kind == Kind::Missing);
    CHECK(p->detail == ":");
    CHECK(p->range.begin == 33);
    CHECK(p->range.empty());
  }
  {
    const auto problems = find_lexical_problems("x = \ny = 2\n");
    REQUIRE(problems.structure);
    CHECK(problems.structure->kind == Kind::Missing);
    CHECK(problems.structure->detail == "expression");
    CHECK(problems.structure->range.begin == 3);
  }
  // One-line compound statements and a `:` inside brackets.
  CHECK(!find_lexical_problems("if x: y = {1: 2}\nelse: pass\n").structure);
  CHECK(find_lexical_problems("if x[1:2]\n    pass\n").structure);
}

TEST_CASE("a tokenizer problem explains a generic parse error; an early precise one stays", "[unit]") {
  // tree-sitter's ERROR starts at the `(` never matched; Python reports the `]` that closes it.
  const std::string_view text = "ops = [\n    f(\n        a=1,\n    ,\n]\n";
  const auto p = choose_syntax_problem(SyntaxProblem{Kind::Error, {13, 30}, "(", {}}, find_lexical_problems(text));
  REQUIRE(p);
  CHECK(p->kind == Kind::MismatchedBracket);

  // An unclosed bracket after the parse error does not explain it.
  const std::string_view later = "x = \ny = (\n";
  const auto q = choose_syntax_problem(SyntaxProblem{Kind::Error, {0, 4}, "x =", {}}, find_lexical_problems(later));
  REQUIRE(q);
  CHECK(q->kind == Kind::Missing);
}

TEST_CASE("merge conflict markers", "[unit]") {
  const std::string_view text =
      "dependencies = [\n<<<<<<< HEAD\n    ('a', '1'),\n=======\n    ('a', '2'),\n>>>>>>> b\n]\n";
  const auto p = with_tree_error(text);
  REQUIRE(p);
  CHECK(p->kind == Kind::ConflictMarker);
  CHECK(p->detail == "<<<<<<<");
  CHECK(slice(text, p->range) == "<<<<<<< HEAD");
  // Seven `=` inside a string, or eight at the start of a line, are no marker.
  CHECK(!find_lexical_problems("x = '''\n=======\n'''\n").tokenizer);
}

TEST_CASE("PEP 263 coding declarations", "[unit]") {
  CHECK(declares_non_utf8_encoding("# -*- coding: latin-1 -*-\nx = 1\n"));
  CHECK(declares_non_utf8_encoding("#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\n"));
  CHECK(!declares_non_utf8_encoding("# -*- coding: utf-8 -*-\n"));
  CHECK(!declares_non_utf8_encoding("# coding=UTF_8\n"));
  CHECK(!declares_non_utf8_encoding("x = 1\n# coding: latin-1\n"));  // only after a comment or blank line
  CHECK(!declares_non_utf8_encoding("x = 1  # coding: latin-1\n"));
  CHECK(!declares_non_utf8_encoding("# a comment\n\n# coding: latin-1\n"));  // the third line is too late
}
