#include "analyzer/frontend/lexical_problems.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/frontend/word_set.h"

namespace godwit::frontend {

namespace {

using ir::SyntaxProblem;
using source::TextRange;
using Kind = SyntaxProblem::Kind;

// Keywords that open a compound statement: its header must have a `:` outside brackets.
constexpr std::array<std::string_view, 12> kCompoundKeywords{"class", "def", "if",     "elif",    "else", "for",
                                                             "while", "try", "except", "finally", "with", "async"};

constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> table{};
  for (unsigned u = 0; u < 256; ++u) {
    table[u] = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u >= 0x80;
  }
  return table;
}();

bool is_word_byte(char c) { return kWordBytes[static_cast<unsigned char>(c)]; }

// Keywords that cannot end a statement.
constexpr std::array<std::string_view, 12> kOperatorKeywords{"and",  "or", "not", "in",     "is",     "import",
                                                             "from", "as", "del", "assert", "lambda", "await"};
constexpr WordSet kOperatorKeywordSet(kOperatorKeywords);
constexpr WordSet kCompoundKeywordSet(kCompoundKeywords);

bool is_operator_keyword(std::string_view word) { return kOperatorKeywordSet.contains(word); }

bool is_string_prefix(std::string_view word) {
  if (word.empty() || word.size() > 2) return false;
  bool raw = false;
  bool other = false;
  for (const char c : word) {
    switch (c) {
      case 'r':
      case 'R':
        if (raw) return false;
        raw = true;
        break;
      case 'b':
      case 'B':
      case 'f':
      case 'F':
      case 'u':
      case 'U':
      case 't':
      case 'T':
        if (other) return false;
        other = true;
        break;
      default: return false;
    }
  }
  // `u` takes no companion: `ur"..."` is not Python 3.
  return !(word.size() == 2 && (word.find_first_of("uU") != std::string_view::npos));
}

bool is_indentation_kind(Kind kind) {
  return kind == Kind::UnexpectedIndent || kind == Kind::UnmatchedDedent || kind == Kind::InconsistentTabs ||
         kind == Kind::ExpectedIndentedBlock;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  LexicalProblems run() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    while (pos_ < text_.size() && !result_.tokenizer) {
      if (at_line_start_) {
        at_line_start_ = false;
        if (check_conflict_marker()) break;
        if (brackets_.empty() && !continuation_) indentation();
        continuation_ = false;
        continue;
      }
      step();
    }
    if (!result_.tokenizer) finish();
    return std::move(result_);
  }

 private:
  // What the last token of a logical line says about it.
  enum class Last : uint8_t {
    Other,
    Colon,     // a compound statement header: an indented block follows
    Operator,  // `=`, `+`, `.`, `and`, `import`...: the line is cut short
  };

  struct Open {
    char bracket;
    uint32_t at;
  };

  [[nodiscard]] uint32_t offset() const { return static_cast<uint32_t>(pos_); }
  [[nodiscard]] char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  [[nodiscard]] bool newline_at(size_t at) const {
    return at < text_.size() && (text_[at] == '\n' || text_[at] == '\r');
  }
  // The length of the line terminator at `at` (0 when there is none).
  [[nodiscard]] size_t newline_length(size_t at) const {
    if (at >= text_.size()) return 0;
    if (text_[at] == '\r') return at + 1 < text_.size() && text_[at + 1] == '\n' ? 2 : 1;
    return text_[at] == '\n' ? 1 : 0;
  }
  [[nodiscard]] size_t line_end(size_t from) const {
    while (from < text_.size() && !newline_at(from)) ++from;
    return from;
  }
  // A range covering `from` to the end of its line, without trailing blanks.
  [[nodiscard]] TextRange rest_of_line(size_t from) const {
    size_t end = line_end(from);
    while (end > from && (text_[end - 1] == ' ' || text_[end - 1] == '\t')) --end;
    return TextRange{static_cast<uint32_t>(from), static_cast<uint32_t>(end)};
  }

  void tokenizer_problem(Kind kind, TextRange range, std::string detail, TextRange related = {}) {
    if (!result_.tokenizer) result_.tokenizer = SyntaxProblem{kind, range, std::move(detail), related};
  }
  void structure_problem(Kind kind, TextRange range, std::string detail, TextRange related = {}) {
    if (!result_.structure) result_.structure = SyntaxProblem{kind, range, std::move(detail), related};
  }

  // Git's conflict markers at the start of a line: `<<<<<<< ours`, `|||||||`, `=======`, `>>>>>>> theirs`.
  bool check_conflict_marker() {
    const std::string_view rest = text_.substr(pos_);
    for (const std::string_view marker : {"<<<<<<<", "|||||||", "=======", ">>>>>>>"}) {
      if (!rest.starts_with(marker)) continue;
      const char after = rest.size() > marker.size() ? rest[marker.size()] : '\n';
      if (after != ' ' && after != '\t' && after != '\n' && after != '\r') continue;
      tokenizer_problem(Kind::ConflictMarker, rest_of_line(pos_), std::string(marker));
      return true;
    }
    return false;
  }

  // Python's tokenizer at the start of a logical line: the column with tabs to multiples of 8,
  // and again with tabs as one column; the two must order the same way against every level.
  void indentation() {
    uint32_t column = 0;
    uint32_t alt_column = 0;
    size_t at = pos_;
    for (; at < text_.size(); ++at) {
      const char c = text_[at];
      if (c == ' ') {
        ++column;
        ++alt_column;
      } else if (c == '\t') {
        column = (column / 8 + 1) * 8;
        ++alt_column;
      } else if (c == '\f') {
        column = 0;
        alt_column = 0;
      } else {
        break;
      }
    }
    const TextRange whitespace{offset(), static_cast<uint32_t>(at)};
    pos_ = at;
    // Blank and comment-only lines do not count.
    if (at >= text_.size() || newline_at(at) || text_[at] == '#' || text_[at] == '\\') return;
    // The first token of the line: where an indented block was expected.
    size_t token_end = at + 1;
    while (is_word_byte(text_[at]) && token_end < text_.size() && is_word_byte(text_[token_end])) ++token_end;
    const TextRange line{static_cast<uint32_t>(at), static_cast<uint32_t>(token_end)};
    if (column == indents_.back()) {
      if (alt_column != alt_indents_.back()) tokenizer_problem(Kind::InconsistentTabs, whitespace, {});
      if (expect_indent_) structure_problem(Kind::ExpectedIndentedBlock, line, {}, header_);
    } else if (column > indents_.back()) {
      if (alt_column <= alt_indents_.back()) tokenizer_problem(Kind::InconsistentTabs, whitespace, {});
      indents_.push_back(column);
      alt_indents_.push_back(alt_column);
      if (!expect_indent_) structure_problem(Kind::UnexpectedIndent, whitespace, {});
    } else {
      while (indents_.size() > 1 && column < indents_.back()) {
        indents_.pop_back();
        alt_indents_.pop_back();
      }
      if (column != indents_.back()) {
        tokenizer_problem(Kind::UnmatchedDedent, whitespace, {});
      } else if (alt_column != alt_indents_.back()) {
        tokenizer_problem(Kind::InconsistentTabs, whitespace, {});
      }
      if (expect_indent_) structure_problem(Kind::ExpectedIndentedBlock, line, {}, header_);
    }
    expect_indent_ = false;
  }

  void token(size_t begin, size_t end, Last last = Last::Other) {
    if (!line_has_tokens_) {
      line_has_tokens_ = true;
      line_begin_ = static_cast<uint32_t>(begin);
    }
    last_ = last;
    last_end_ = static_cast<uint32_t>(end);
  }

  // A logical line ends (a newline outside brackets, or the end of the file).
  void end_logical_line() {
    if (!line_has_tokens_) return;
    if (last_ == Last::Colon) {
      expect_indent_ = true;
      header_ = TextRange{line_begin_, last_end_};
    } else if (compound_header_ && !header_colon_) {
      structure_problem(Kind::Missing, TextRange{last_end_, last_end_}, ":");
    } else if (last_ == Last::Operator) {
      structure_problem(Kind::Missing, TextRange{last_end_, last_end_}, "expression");
    }
    line_has_tokens_ = false;
    compound_header_ = false;
    header_colon_ = false;
    last_ = Last::Other;
  }

  // An operator, as one token: `=`, `+=`, `**=`, `->`, `!=`, `...`.
  void operator_token() {
    const size_t begin = pos_;
    if (text_.substr(pos_).starts_with("...")) {
      pos_ += 3;
      token(begin, pos_);  // Ellipsis: a value
      return;
    }
    if (text_[pos_] == '.') {
      ++pos_;
      token(begin, pos_, Last::Operator);
      return;
    }
    while (pos_ < text_.size() && std::string_view("=+-*/%@|&^<>!~").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    const std::string_view op = text_.substr(begin, pos_ - begin);
    // `from m import *` ends with `*`; everything else that ends a line with an operator is
    // missing its right-hand side.
    token(begin, pos_, op == "*" ? Last::Other : Last::Operator);
  }

  // A number: digits, letters (`0x1F`, `1e5`, `2j`), `_`, `.`, and the sign of an exponent.
  void number() {
    const size_t begin = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (is_word_byte(c) || c == '.') {
        ++pos_;
      } else if ((c == '-' || c == '+') && (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E') &&
                 text_.substr(begin, 2) != "0x" && text_.substr(begin, 2) != "0X") {
        ++pos_;
      } else {
        break;
      }
    }
    token(begin, pos_);
  }

  void step() {
    const char c = text_[pos_];
    if (const size_t n = newline_length(pos_); n > 0) {
      if (brackets_.empty()) end_logical_line();
      pos_ += n;
      at_line_start_ = true;
      return;
    }
    switch (c) {
      case ' ':
      case '\t':
      case '\f':
      case '\v':
        do {
          ++pos_;
        } while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t'));
        return;
      case '#': pos_ = std::min(text_.find_first_of("\r\n", pos_), text_.size()); return;
      case '\\':
        if (const size_t n = newline_length(pos_ + 1); n > 0) {
          pos_ += 1 + n;
          at_line_start_ = true;
          continuation_ = true;
          return;
        }
        token(pos_, pos_ + 1);
        ++pos_;
        return;
      case '"':
      case '\'': string(pos_); return;
      case '(':
      case '[':
      case '{':
        token(pos_, pos_ + 1);
        brackets_.push_back(Open{c, offset()});
        ++pos_;
        return;
      case ')':
      case ']':
      case '}': close(c); return;
      case ':':
        if (peek(1) == '=') {  // the walrus
          token(pos_, pos_ + 2);
          pos_ += 2;
          return;
        }
        token(pos_, pos_ + 1, Last::Colon);
        if (brackets_.empty()) header_colon_ = true;
        ++pos_;
        return;
      case '=':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '@':
      case '|':
      case '&':
      case '^':
      case '<':
      case '>':
      case '!':
      case '~':
      case '.':
        if (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))) != 0) {
          number();  // `.5`
          return;
        }
        operator_token();
        return;
      default: break;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      number();
      return;
    }
    if (is_word_byte(c)) {
      const size_t begin = pos_;
      while (pos_ < text_.size() && is_word_byte(text_[pos_])) ++pos_;
      const std::string_view word = text_.substr(begin, pos_ - begin);
      if ((peek() == '"' || peek() == '\'') && is_string_prefix(word)) {
        string(begin);
        return;
      }
      const bool first = !line_has_tokens_;
      token(begin, pos_, is_operator_keyword(word) ? Last::Operator : Last::Other);
      if (first && kCompoundKeywordSet.contains(word)) compound_header_ = true;
      return;
    }
    token(pos_, pos_ + 1);
    ++pos_;
  }

  void close(char closer) {
    const TextRange here{offset(), offset() + 1};
    if (brackets_.empty()) {
      tokenizer_problem(Kind::UnmatchedBracket, here, std::string(1, closer));
      return;
    }
    const Open open = brackets_.back();
    const char expected = open.bracket == '(' ? ')' : open.bracket == '[' ? ']' : '}';
    if (closer != expected) {
      tokenizer_problem(Kind::MismatchedBracket, here, std::string(1, closer), TextRange{open.at, open.at + 1});
      return;
    }
    brackets_.pop_back();
    token(pos_, pos_ + 1);
    ++pos_;
  }

  // A string literal from `begin` (its prefix, if any) with the quote at pos_.
  void string(size_t begin) {
    const char quote = text_[pos_];
    const bool triple = peek(1) == quote && peek(2) == quote;
    const size_t opener_end = pos_ + (triple ? 3 : 1);
    pos_ = opener_end;
    // Only a backslash, the quote and a line end matter inside: the rest is skipped at once.
    const size_t size = text_.size();
    while (pos_ < size) {
      for (char c = text_[pos_]; c != quote && c != '\\' && c != '\n' && c != '\r'; c = text_[pos_]) {
        if (++pos_ == size) break;
      }
      if (pos_ >= size) break;
      const char c = text_[pos_];
      if (c == '\\') {
        // An escaped character (any, in raw strings too, as far as where the string ends).
        const size_t n = newline_length(pos_ + 1);
        pos_ += 1 + (n > 0 ? n : 1);
        continue;
      }
      if (c == quote) {
        if (!triple) {
          ++pos_;
          token(begin, pos_);
          return;
        }
        if (peek(1) == quote && peek(2) == quote) {
          pos_ += 3;
          token(begin, pos_);
          return;
        }
      } else if (!triple && newline_at(pos_)) {
        break;
      }
      ++pos_;
    }
    const std::string opener(text_.substr(begin, opener_end - begin));
    const TextRange range =
        triple ? TextRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(opener_end)} : rest_of_line(begin);
    tokenizer_problem(Kind::UnterminatedString, range, opener);
  }

  void finish() {
    if (!brackets_.empty()) {
      const Open open = brackets_.back();
      tokenizer_problem(Kind::UnclosedBracket, TextRange{open.at, open.at + 1}, std::string(1, open.bracket));
      return;
    }
    end_logical_line();
    // The file ends where the block should be: the header is the place to show.
    if (expect_indent_) structure_problem(Kind::ExpectedIndentedBlock, header_, {});
  }

  std::string_view text_;
  size_t pos_ = 0;
  LexicalProblems result_;
  std::vector<Open> brackets_;
  std::vector<uint32_t> indents_{0};
  std::vector<uint32_t> alt_indents_{0};
  bool at_line_start_ = true;
  bool continuation_ = false;
  // The logical line being read.
  bool line_has_tokens_ = false;
  uint32_t line_begin_ = 0;
  uint32_t last_end_ = 0;
  Last last_ = Last::Other;
  bool compound_header_ = false;
  bool header_colon_ = false;
  // The previous logical line ended with `:` (header_: that line).
  bool expect_indent_ = false;
  TextRange header_;
};

}  // namespace

LexicalProblems find_lexical_problems(std::string_view text) { return Scanner(text).run(); }

bool declares_non_utf8_encoding(std::string_view text) {
  // Python's pattern, on the first line or on the second after a comment or blank first line:
  // ^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)
  size_t start = 0;
  for (int line = 0; line < 2 && start < text.size(); ++line) {
    const size_t end = std::min(text.find_first_of("\r\n", start), text.size());
    const std::string_view content = text.substr(start, end - start);
    const size_t first = content.find_first_not_of(" \t\f");
    if (first != std::string_view::npos && content[first] != '#') return false;  // code: no declaration
    if (first != std::string_view::npos) {
      const size_t coding = content.find("coding", first);
      if (coding != std::string_view::npos && coding + 6 < content.size() &&
          (content[coding + 6] == ':' || content[coding + 6] == '=')) {
        size_t at = coding + 7;
        while (at < content.size() && (content[at] == ' ' || content[at] == '\t')) ++at;
        std::string name;
        for (; at < content.size() && (is_word_byte(content[at]) || content[at] == '-' || content[at] == '.'); ++at) {
          const char c = content[at];
          name += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (!name.empty()) return !(name.starts_with("utf-8") || name == "utf8");
      }
    }
    start =
        end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? end + 2 : end + 1;
  }
  return false;
}

std::optional<ir::SyntaxProblem> choose_syntax_problem(std::optional<ir::SyntaxProblem> tree_problem,
                                                       LexicalProblems lexical) {
  auto& tokenizer = lexical.tokenizer;
  auto& structure = lexical.structure;
  if (!tree_problem) {
    // tree-sitter accepts bad indentation: only that is trusted from the scanner alone.
    if (tokenizer && !is_indentation_kind(tokenizer->kind)) tokenizer.reset();
    if (structure && !is_indentation_kind(structure->kind)) structure.reset();
    if (tokenizer && structure) return structure->range.begin < tokenizer->range.begin ? structure : tokenizer;
    return tokenizer ? tokenizer : structure;
  }
  // The parser stops at its first error. A structural problem is that error when it comes before
  // tree-sitter's (whose recovery often accepts a line Python refuses); a missing token also
  // when it lies inside tree-sitter's ERROR, which then wraps the statement it belongs to.
  const bool structural_first =
      structure && (structure->kind == Kind::Missing ? structure->range.begin <= tree_problem->range.end
                                                     : structure->range.begin < tree_problem->range.begin);
  if (structural_first) {
    // Precise, and nothing the tokenizer met before it: that is the message.
    if (!tokenizer || structure->range.begin < tokenizer->range.begin) return structure;
  }
  const ir::SyntaxProblem& parser_error = structural_first ? *structure : *tree_problem;
  if (tokenizer) {
    // As Python does, a tokenizer problem anywhere explains a parse error better than the
    // parser's "unexpected ..."; a bracket left open at the end of the file only when the parse
    // error lies inside it.
    if (tokenizer->kind != Kind::UnclosedBracket || tokenizer->range.begin < parser_error.range.end) {
      return tokenizer;
    }
  }
  return parser_error;
}

}  // namespace godwit::frontend
