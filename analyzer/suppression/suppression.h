#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"
#include "analyzer/ir/migration.h"

namespace godwit::suppression {

// Where a suppression comment applies.
enum class Scope : uint8_t {
  Line,  // `# godwit: ignore[...]`: findings that start on the comment's line, or, for a comment
         // alone on its line, on the line after it (the operation's first line)
  File,  // `# godwit: ignore-file[...]`: every finding in the file
};

// One rule a suppression names.
struct Target {
  std::string written;                        // as written: "BC002", "remove-field", "*"
  std::optional<diagnostics::RuleCode> code;  // nullopt for `*` (every rule)
  source::TextRange range;                    // the name in the comment
  bool used = false;                          // it suppressed at least one finding
};

struct Suppression {
  Scope scope = Scope::Line;
  source::TextRange comment;  // the whole comment
  uint32_t line0 = 0;         // the comment's line, 0-based
  bool own_line = false;      // nothing but blanks before the comment on its line
  std::vector<Target> targets;
  std::string reason;  // after `--`, trimmed; empty when none was given

  [[nodiscard]] bool covers_line(uint32_t line) const {
    return scope == Scope::File || line == line0 || (own_line && line == line0 + 1);
  }
};

// A `# godwit:` comment that cannot be honoured (SP002's findings). It suppresses nothing, or, for
// an unknown name in a list, nothing for that name.
struct Problem {
  source::TextRange range;  // the comment
  std::string message;
  std::string help;
};

// Resolves a rule id or name to its code; nullopt for a name godwit does not know.
class RuleResolver {
 public:
  virtual ~RuleResolver() = default;
  [[nodiscard]] virtual std::optional<diagnostics::RuleCode> resolve(std::string_view id_or_name) const = 0;
};

// Everything a migration module says about suppressing findings in it, and, once applied, which
// of it was used.
class FileSuppressions {
 public:
  // Reads the `# godwit:` comments of `migration` (and its `IgnoreMigration()` operation).
  // With `require_reason`, a suppression without `-- reason` is a Problem and suppresses nothing.
  static FileSuppressions read(const ir::Migration& migration, const RuleResolver& resolver, bool require_reason);

  // Whether `diagnostic` (a finding in this file) is suppressed; marks the targets that cover it
  // used. Findings of the suppression rules themselves (SP) are only suppressed file-wide.
  bool suppress(const diagnostics::Diagnostic& diagnostic);

  [[nodiscard]] const std::vector<Suppression>& suppressions() const { return suppressions_; }
  [[nodiscard]] const std::vector<Problem>& problems() const { return problems_; }
  // django-migration-linter's `IgnoreMigration()`: every finding in the file, as `ignore-file[*]`.
  [[nodiscard]] bool ignore_migration() const { return ignore_migration_; }
  [[nodiscard]] bool empty() const { return suppressions_.empty() && problems_.empty() && !ignore_migration_; }

 private:
  std::vector<Suppression> suppressions_;
  std::vector<Problem> problems_;
  bool ignore_migration_ = false;
};

// The family whose findings only `ignore-file` can suppress.
inline constexpr diagnostics::RuleFamily kSuppressionFamily = diagnostics::RuleFamily::SP;

}  // namespace godwit::suppression
