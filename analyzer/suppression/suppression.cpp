#include "analyzer/suppression/suppression.h"

#include <cctype>

namespace godwit::suppression {

namespace {

using source::TextRange;

constexpr std::string_view kSyntax =
    "write `# godwit: ignore[RULE, ...] -- reason` (that operation) or "
    "`# godwit: ignore-file[RULE, ...] -- reason` (the whole file)";

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; }

// A cursor over one comment's text.
class CommentParser {
 public:
  CommentParser(std::string_view text, uint32_t offset) : text_(text), offset_(offset) {}

  void skip_blanks() {
    while (at_ < text_.size() && is_blank(text_[at_])) ++at_;
  }
  bool eat(std::string_view word) {
    if (text_.substr(at_).starts_with(word)) {
      at_ += word.size();
      return true;
    }
    return false;
  }
  std::string_view word() {
    const size_t start = at_;
    while (at_ < text_.size() && is_name_char(text_[at_])) ++at_;
    return text_.substr(start, at_ - start);
  }
  [[nodiscard]] bool done() const { return at_ >= text_.size(); }
  [[nodiscard]] char peek() const { return done() ? '\0' : text_[at_]; }
  [[nodiscard]] size_t at() const { return at_; }
  [[nodiscard]] std::string_view rest() const { return text_.substr(at_); }
  [[nodiscard]] TextRange range(size_t begin, size_t end) const {
    return TextRange{offset_ + static_cast<uint32_t>(begin), offset_ + static_cast<uint32_t>(end)};
  }

 private:
  std::string_view text_;
  uint32_t offset_;
  size_t at_ = 0;
};

std::string trim(std::string_view text) {
  size_t b = 0;
  size_t e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1])) != 0) --e;
  return std::string(text.substr(b, e - b));
}

// Whether the comment is meant for godwit: `# godwit:` (or `# godwit ignore...`, a missing colon).
enum class Kind : uint8_t { NotOurs, Directive, MissingColon };

Kind classify(CommentParser& p) {
  if (!p.eat("#")) return Kind::NotOurs;
  p.skip_blanks();
  if (!p.eat("godwit")) return Kind::NotOurs;
  if (is_name_char(p.peek())) return Kind::NotOurs;  // `godwit-test:`, `godwits`
  p.skip_blanks();
  if (p.eat(":")) return Kind::Directive;
  if (p.rest().starts_with("ignore")) return Kind::MissingColon;
  return Kind::NotOurs;
}

}  // namespace

FileSuppressions FileSuppressions::read(const ir::Migration& migration, const RuleResolver& resolver,
                                        bool require_reason) {
  FileSuppressions out;
  const source::SourceFile& file = migration.file();
  for (const ir::Operation& op : migration.operations) {
    if (op.kind() == ir::OperationKind::IgnoreMigration) out.ignore_migration_ = true;
  }
  for (const ir::Comment& comment : migration.comments) {
    CommentParser p(comment.text, comment.range.begin);
    const Kind kind = classify(p);
    if (kind == Kind::NotOurs) continue;
    auto problem = [&](std::string message) {
      out.problems_.push_back(Problem{comment.range, std::move(message), std::string(kSyntax)});
    };
    if (kind == Kind::MissingColon) {
      problem("`" + trim(comment.text) + "` is missing the `:` after `godwit`, so godwit cannot read it");
      continue;
    }
    p.skip_blanks();
    Suppression s;
    s.comment = comment.range;
    s.line0 = file.lines().line_of(comment.range.begin);
    const uint32_t line_start = file.lines().line_start(s.line0);
    s.own_line = true;
    for (uint32_t i = line_start; i < comment.range.begin; ++i) {
      if (!is_blank(file.text()[i])) s.own_line = false;
    }
    const std::string_view directive = p.word();
    if (directive == "ignore") {
      s.scope = Scope::Line;
    } else if (directive == "ignore-file") {
      s.scope = Scope::File;
    } else {
      problem(directive.empty() ? "`# godwit:` is followed by no directive"
                                : "unknown directive `" + std::string(directive) +
                                      "` (expected `ignore[...]` or `ignore-file[...]`)");
      continue;
    }
    p.skip_blanks();
    if (!p.eat("[")) {
      problem("`" + std::string(directive) + "` needs the rules it suppresses in brackets, e.g. `" +
              std::string(directive) + "[RV001]`");
      continue;
    }
    bool broken = false;
    std::vector<std::string> unknown;
    std::vector<std::string> file_only;
    for (;;) {
      p.skip_blanks();
      if (p.eat("]")) break;
      const size_t begin = p.at();
      std::string_view name = p.eat("*") ? std::string_view("*") : p.word();
      if (name.empty()) {
        problem(p.done()
                    ? "the rule list is missing its closing `]`"
                    : "unexpected `" + std::string(1, p.peek()) + "` in the rule list (expected a rule id or name)");
        broken = true;
        break;
      }
      Target target{std::string(name), std::nullopt, p.range(begin, p.at()), false};
      if (name != "*") {
        target.code = resolver.resolve(name);
        if (!target.code) {
          unknown.emplace_back(name);
        } else if (target.code->family == kSuppressionFamily && s.scope == Scope::Line) {
          file_only.emplace_back(name);
          target.code.reset();
        }
      }
      if (target.code || name == "*") s.targets.push_back(std::move(target));
      p.skip_blanks();
      if (p.eat(",")) continue;
      if (p.eat("]")) break;
      problem(p.done() ? "the rule list is missing its closing `]`"
                       : "unexpected `" + std::string(1, p.peek()) + "` in the rule list (separate rules with `,`)");
      broken = true;
      break;
    }
    if (broken) continue;
    if (s.targets.empty() && unknown.empty() && file_only.empty()) {
      problem("`" + std::string(directive) + "[]` names no rule");
      continue;
    }
    p.skip_blanks();
    bool has_reason_marker = false;
    if (p.eat("--")) {
      has_reason_marker = true;
      s.reason = trim(p.rest());
    } else if (!p.done() && p.peek() != '#') {
      problem("unexpected text after `]`: `" + trim(p.rest()) + "` (give a reason after `--`)");
      continue;
    }
    for (const std::string& name : unknown) {
      problem("`" + name + "` names no rule, so this suppresses nothing for it (see `godwit rules`)");
    }
    for (const std::string& name : file_only) {
      problem("`" + name + "` can only be suppressed for the whole file: `# godwit: ignore-file[" + name + "]`");
    }
    if (s.targets.empty()) continue;
    if (require_reason && s.reason.empty()) {
      problem(std::string(has_reason_marker ? "the reason after `--` is empty" : "the suppression gives no reason") +
              ": with `require-suppression-reason = true` it suppresses nothing");
      continue;
    }
    out.suppressions_.push_back(std::move(s));
  }
  return out;
}

bool FileSuppressions::suppress(const diagnostics::Diagnostic& diagnostic) {
  if (ignore_migration_) return true;
  const bool file_wide_only = diagnostic.code.family == kSuppressionFamily;
  const uint32_t line = diagnostic.file->lines().line_of(diagnostic.range.begin);
  bool suppressed = false;
  for (Suppression& s : suppressions_) {
    if (file_wide_only && s.scope != Scope::File) continue;
    if (!s.covers_line(line)) continue;
    for (Target& t : s.targets) {
      if (!t.code || *t.code == diagnostic.code) {
        t.used = true;
        suppressed = true;
      }
    }
  }
  return suppressed;
}

}  // namespace godwit::suppression
