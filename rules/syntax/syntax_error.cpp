#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;
using ir::SyntaxProblem;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::SY, 1},
    .name = "syntax-error",
    .severity = Severity::Error,
    .summary = "the file is not valid Python: Django cannot import it and godwit cannot analyze it",
    .docs = R"md(## What it does
Flags a migration module that Python cannot read: a syntax error (a missing comma or `:`, a stray
token, a file cut off in the middle of an operation), a bracket that is never closed or closed by
the wrong bracket, an unterminated string, inconsistent indentation, a leftover merge conflict
marker, bytes that are not UTF-8, or a NUL byte. The diagnostic points at the problem Python
would report, in Python's terms, with the opening bracket or the statement it concerns as a
related location. A file that declares another encoding (`# -*- coding: latin-1 -*-`) is read
as Python reads it.

## Why is this bad?
Django imports every module of a `migrations` package when it builds the migration graph, so one
unreadable file breaks `migrate`, `makemigrations` and `showmigrations` for the whole project, not
only for its app. godwit cannot read the file either: its operations are not checked and its
dependencies are unknown, so the graph rules (leaf nodes, missing dependencies, cycles) skip its
app. Other files are still analyzed.

## Example
```python
class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_status")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipped_at",
            field=models.DateTimeField(null=True),
        ,
    ]
```

## Use instead
```python
class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_status")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipped_at",
            field=models.DateTimeField(null=True),
        ),
    ]
```

## When it is fine
Never in a `migrations` package: Django imports every module there. A file that is not a
migration and is not meant to be imported belongs outside the package (or in a module whose name
starts with `_`, which both Django and godwit skip). `python -m py_compile path/to/file.py` shows
the same error Python reports.

## References
- Python documentation: "Source code encoding" (PEP 263, UTF-8 by default) and `py_compile`
- Django documentation: "Migration files" (every module in the package is loaded)
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_status")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipped_at",
            field=models.DateTimeField(null=True),
        ,
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_status")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipped_at",
            field=models.DateTimeField(null=True),
        ),
    ]
)py",
};

// What the parser expected, from the type of the token it had to invent: punctuation and
// keywords as written, grammar names in words.
std::string expected_token(std::string_view type) {
  if (type == "identifier") return "a name";
  if (type == "expression") return "an expression to complete the line";
  if (type == "_newline") return "the end of the line";
  if (type == "_indent") return "an indented block";
  if (type == "_dedent") return "the end of the indented block";
  if (type == "string_end") return "the end of the string";
  if (type.empty()) return "more code";
  const bool grammar_name = (type.front() >= 'a' && type.front() <= 'z') || type.front() == '_';
  if (grammar_name && type.find('_') != std::string_view::npos) {
    std::string words(type.substr(type.front() == '_' ? 1 : 0));
    for (char& c : words) {
      if (c == '_') c = ' ';
    }
    return "a " + words;
  }
  return rule::quoted(type);
}

std::string closing_of(std::string_view opening) {
  if (opening == "(") return ")";
  if (opening == "[") return "]";
  return "}";
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Keywords that neither start nor end an expression (`None`, `True`, `not`, `lambda` do).
bool is_statement_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 27> kKeywords{
      "and",  "as",   "assert",   "async",   "break", "class", "continue", "def",   "del",
      "elif", "else", "except",   "finally", "for",   "from",  "global",   "if",    "import",
      "in",   "is",   "nonlocal", "or",      "pass",  "raise", "return",   "while", "with"};
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

// True when an expression ends just before `at` (skipping blanks) and another starts at `at`:
// Python's "Perhaps you forgot a comma?".
bool comma_missing_before(std::string_view text, uint32_t at) {
  if (at >= text.size()) return false;
  const char first = text[at];
  if (is_word_char(first)) {
    size_t end = at;
    while (end < text.size() && is_word_char(text[end])) ++end;
    if (is_statement_keyword(text.substr(at, end - at))) return false;
  } else if (first != '(' && first != '[' && first != '{' && first != '"' && first != '\'') {
    return false;
  }
  size_t before = at;
  while (before > 0 && std::isspace(static_cast<unsigned char>(text[before - 1])) != 0) --before;
  if (before == 0 || before == at) return false;
  const char last = text[before - 1];
  if (is_word_char(last)) {
    size_t begin = before - 1;
    while (begin > 0 && is_word_char(text[begin - 1])) --begin;
    return !is_statement_keyword(text.substr(begin, before - begin));
  }
  return last == ')' || last == ']' || last == '}' || last == '"' || last == '\'';
}

// A header as one line for a message: `class Migration(…` when it spans several.
std::string first_line(std::string_view text) {
  const auto end = text.find_first_of("\r\n");
  if (end == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, end)) + "…";
}

// `0xE9`
std::string hex_byte(unsigned char byte) {
  std::array<char, 8> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "0x%02X", byte);
  return buffer.data();
}

// Text that starts with a UTF-16 byte order mark (PowerShell's `>` redirect writes such files).
bool is_utf16(std::string_view text) { return text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF"); }

constexpr std::string_view kRegenerate =
    "; if the file was cut off or mangled, restore it from version control or regenerate it with `makemigrations`";

// The message (the problem, without its consequence), the help, and a related location.
struct Explanation {
  std::string problem;
  std::string help;
  std::string related_note;  // empty: no related location
};

class SyntaxError final : public rule::MigrationRule {
 public:
  SyntaxError() : MigrationRule(kMeta) {}

  void check(const rule::MigrationContext& context) const override {
    const ir::Migration& migration = context.migration();
    if (!migration.syntax_error) return;
    const SyntaxProblem& problem = *migration.syntax_error;
    const Explanation e = explain(context, problem);
    diagnostics::Diagnostic& d =
        context.report(display_range(migration.file().text(), problem.range),
                       e.problem +
                           ": Django cannot import this module, so none of its operations are checked and "
                           "its dependencies are unknown",
                       e.help);
    if (!e.related_note.empty() && !problem.related.empty()) {
      d.related.push_back(diagnostics::RelatedLocation{migration.source, problem.related, e.related_note});
    }
  }

 private:
  static Explanation explain(const rule::MigrationContext& context, const SyntaxProblem& problem) {
    const source::SourceFile& file = context.migration().file();
    const std::string& detail = problem.detail;
    auto line_of = [&](source::TextRange range) { return std::to_string(file.position(range.begin).line); };
    switch (problem.kind) {
      case SyntaxProblem::Kind::Missing: {
        const std::string expected = expected_token(detail);
        if (detail == "expression") {
          return {"syntax error, expected " + expected,
                  "write what the line is missing after its last operator, or remove the operator",
                  {}};
        }
        // Punctuation and keywords are quoted as written: add exactly that.
        const bool literal = expected.starts_with("`");
        return {"syntax error, expected " + expected,
                literal ? "add the missing " + expected + " here" : "complete the statement" + std::string(kRegenerate),
                {}};
      }
      case SyntaxProblem::Kind::Error:
        if (problem.range.empty()) {
          return {detail.empty() ? std::string("syntax error") : "syntax error (" + detail + ")",
                  "fix the syntax (`python -m py_compile " + file.path() + "` shows Python's message)",
                  {}};
        }
        if (comma_missing_before(file.text(), problem.range.begin)) {
          return {"syntax error, unexpected " + rule::quoted(detail) + " (is a `,` missing before it?)",
                  "if it starts another argument or element, add the `,` that separates it from the one before",
                  {}};
        }
        return {"syntax error, unexpected " + rule::quoted(detail),
                "fix or remove the unexpected code" + std::string(kRegenerate),
                {}};
      case SyntaxProblem::Kind::UnclosedBracket:
        return {rule::quoted(detail) + " is never closed",
                "close it with " + rule::quoted(closing_of(detail)) + " where the expression ends" +
                    std::string(kRegenerate),
                {}};
      case SyntaxProblem::Kind::MismatchedBracket: {
        const std::string opening(context.text(problem.related));
        return {"closing " + rule::quoted(detail) + " does not match the opening " + rule::quoted(opening) +
                    " on line " + line_of(problem.related),
                "close the " + rule::quoted(opening) + " from line " + line_of(problem.related) + " with " +
                    rule::quoted(closing_of(opening)) + " before this " + rule::quoted(detail),
                rule::quoted(opening) + " opened here"};
      }
      case SyntaxProblem::Kind::UnmatchedBracket:
        return {"unmatched closing " + rule::quoted(detail),
                "remove this " + rule::quoted(detail) + ", or add the opening bracket it is meant to close",
                {}};
      case SyntaxProblem::Kind::UnterminatedString: {
        const bool triple = detail.ends_with("\"\"\"") || detail.ends_with("'''");
        const std::string quote(1, detail.empty() ? '"' : detail.back());
        return {std::string(triple ? "unterminated triple-quoted string" : "unterminated string") + ": " +
                    rule::quoted(detail) + " is never closed",
                "close the string with " + rule::quoted(triple ? quote + quote + quote : quote) +
                    (triple ? std::string() : " on the same line") + std::string(kRegenerate),
                {}};
      }
      case SyntaxProblem::Kind::UnexpectedIndent:
        return {"unexpected indent",
                "line this statement up with the statement above it (`makemigrations` indents with 4 spaces per "
                "level)",
                {}};
      case SyntaxProblem::Kind::UnmatchedDedent:
        return {"the indentation of this line matches no enclosing block",
                "indent it exactly like the block it belongs to (4 spaces per level)",
                {}};
      case SyntaxProblem::Kind::InconsistentTabs:
        return {"inconsistent use of tabs and spaces in the indentation",
                "indent with spaces only (4 per level, as `makemigrations` writes)",
                {}};
      case SyntaxProblem::Kind::ExpectedIndentedBlock: {
        const bool file_ends = problem.related.empty();
        const source::TextRange header_range = file_ends ? problem.range : problem.related;
        const std::string header = first_line(context.text(header_range));
        const std::string help =
            "indent the body of " + rule::quoted(header) + " (write `pass` if it is meant to be empty)";
        if (file_ends)
          return {"the file ends where the indented block of " + rule::quoted(header) + " should be",
                  help + std::string(kRegenerate),
                  {}};
        return {"expected an indented block after " + rule::quoted(header) + " on line " + line_of(header_range), help,
                "the statement that needs the block"};
      }
      case SyntaxProblem::Kind::ConflictMarker:
        return {"unresolved merge conflict marker " + rule::quoted(detail),
                "resolve the conflict and delete the `<<<<<<<`, `=======` and `>>>>>>>` lines; when two branches "
                "both added a migration, keep both files and run `makemigrations --merge`",
                {}};
      case SyntaxProblem::Kind::InvalidUtf8: {
        if (is_utf16(file.text())) return utf16();
        const source::Position at = file.position(problem.range.begin);
        const auto byte = static_cast<unsigned char>(file.text()[problem.range.begin]);
        return {"the file is not valid UTF-8 (byte `" + hex_byte(byte) + "` at line " + std::to_string(at.line) +
                    ", column " + std::to_string(at.column) + ")",
                "save the file as UTF-8: Python reads source files as UTF-8, and an editor or tool wrote this one in "
                "another encoding (such as Latin-1)",
                {}};
      }
      case SyntaxProblem::Kind::NulByte:
        if (is_utf16(file.text())) return utf16();
        return {"the file contains a NUL byte",
                "the file is corrupted or is not a Python file: restore it from version control, or regenerate it "
                "with `makemigrations`",
                {}};
    }
    return {"syntax error", {}, {}};
  }

  static Explanation utf16() {
    return {"the file is UTF-16 encoded, not UTF-8",
            "save the file as UTF-8 (a shell redirect such as PowerShell's `>` writes UTF-16)",
            {}};
  }

  // A problem at a point (a missing token) is shown on the character there, unless that is the
  // end of a line or of the file: then the point itself is the clearest place.
  static source::TextRange display_range(std::string_view text, source::TextRange range) {
    if (range.empty() && range.begin < text.size() && text[range.begin] != '\n' && text[range.begin] != '\r') {
      range.end = range.begin + 1;
      // The whole code point: UTF-8 continuation bytes are 0b10xxxxxx.
      while (range.end < text.size() && (static_cast<unsigned char>(text[range.end]) & 0xC0) == 0x80) ++range.end;
    }
    return range;
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_syntax_error() { return std::make_unique<SyntaxError>(); }

}  // namespace godwit::rules
