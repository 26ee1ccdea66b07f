#pragma once

#include <optional>
#include <string_view>

#include "analyzer/ir/migration.h"

namespace godwit::frontend {

// What Python's tokenizer and its indentation rules find wrong with a source text. tree-sitter's
// error recovery reports these poorly (an ERROR node wrapping half a call for a missing `)`) or
// not at all (it accepts an unexpected indent, an empty block, tabs mixed with spaces), while
// Python refuses the file with a precise message. Found by scanning the text, without a tree.
struct LexicalProblems {
  // The first problem Python's tokenizer raises: a bracket that never closes or closes the wrong
  // bracket, an unterminated string, an unindent to no outer level, ambiguous tabs, a merge
  // conflict marker. Python reports these in preference to a generic syntax error.
  std::optional<ir::SyntaxProblem> tokenizer;
  // The first problem the parser meets in the token stream: an unexpected indent, a missing
  // indented block, a compound statement header without its `:` (kind Missing, detail ":").
  std::optional<ir::SyntaxProblem> structure;
};

LexicalProblems find_lexical_problems(std::string_view text);

// True when a PEP 263 declaration (`# -*- coding: latin-1 -*-` on line 1 or 2) names an
// encoding other than UTF-8: Python then decodes the file with it, so bytes that are not UTF-8
// are no error.
bool declares_non_utf8_encoding(std::string_view text);

// Chooses the problem to report for a file from tree-sitter's first ERROR/MISSING node (if any)
// and the lexical problems, as Python would: a tokenizer problem wins over a generic syntax
// error; a structural problem wins when it comes before tree-sitter's problem (or inside it).
// Lexical findings other than indentation count only when tree-sitter saw an error too, so a
// construct the scanner does not know can never make a valid file invalid.
std::optional<ir::SyntaxProblem> choose_syntax_problem(std::optional<ir::SyntaxProblem> tree_problem,
                                                       LexicalProblems lexical);

}  // namespace godwit::frontend
