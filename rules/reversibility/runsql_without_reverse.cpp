#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/ir/reversibility.h"
#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::RV, 2},
    .name = "runsql-without-reverse",
    .severity = Severity::Error,
    .summary = "RunSQL without reverse_sql: the migration cannot be rolled back",
    .docs = R"md(## What it does
Flags `migrations.RunSQL(...)` without a `reverse_sql` (neither as the second positional
argument nor as a keyword), or with `reverse_sql=None`.

## Why is this bad?
Django refuses to unapply a migration that contains an irreversible operation:
`python manage.py migrate shop 0004` stops with `IrreversibleError`. When a deploy goes wrong,
the emergency rollback of the schema is blocked by this one statement, and everything that
depends on it stays applied.

## Example
```python
operations = [
    migrations.RunSQL(
        "CREATE INDEX CONCURRENTLY shop_order_created_idx ON shop_order (created_at)",
    ),
]
```

## Use instead
```python
operations = [
    migrations.RunSQL(
        "CREATE INDEX CONCURRENTLY shop_order_created_idx ON shop_order (created_at)",
        reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS shop_order_created_idx",
    ),
]
```

## When it is fine
When undoing really needs nothing (the statement only changes something the rollback drops
anyway), say so with `reverse_sql=migrations.RunSQL.noop`: the rollback then runs. A reverse
that may be passed through `**kwargs` cannot be seen, and godwit does not guess: it stays silent.

## References
- Django documentation: `RunSQL` (`reverse_sql`, `RunSQL.noop`) and "Reversing migrations"
- The project's deployment guide: make every migration reversible and test the rollback
)md",
    .bad_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_created_at")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_created_at")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql="DROP EXTENSION IF EXISTS pg_trgm",
        ),
    ]
)py",
};

// ---- a reverse for the simple statements godwit recognises, to put in the help ----

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The words of one SQL statement. An identifier's words keep their case; a name runs up to an
// opening parenthesis (`CREATE TABLE t(id int)`).
class Words {
 public:
  explicit Words(std::string_view statement) {
    size_t i = 0;
    while (i < statement.size()) {
      while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i])) != 0) ++i;
      const size_t start = i;
      while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i])) == 0 &&
             statement[i] != '(') {
        ++i;
      }
      if (i > start) words_.emplace_back(statement.substr(start, i - start));
      if (i < statement.size() && statement[i] == '(') {
        words_.emplace_back("(");
        break;  // the column list and beyond: nothing the reverse needs
      }
    }
  }

  // Consumes the keywords when they come next (case-insensitive).
  bool accept(std::initializer_list<std::string_view> keywords) {
    size_t at = next_;
    for (const std::string_view keyword : keywords) {
      if (at >= words_.size() || upper(words_[at]) != keyword) return false;
      ++at;
    }
    next_ = at;
    return true;
  }

  // The next word, when it is a name (not a keyword position such as `(`).
  std::optional<std::string> name() {
    if (next_ >= words_.size() || words_[next_] == "(") return std::nullopt;
    return words_[next_++];
  }

  // Skips to just after `keyword`.
  bool skip_past(std::string_view keyword) {
    for (size_t at = next_; at < words_.size(); ++at) {
      if (upper(words_[at]) == keyword) {
        next_ = at + 1;
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> words_;
  size_t next_ = 0;
};

std::optional<std::string> undo_statement(std::string_view statement) {
  Words w(statement);
  if (w.accept({"CREATE"})) {
    const bool replace = w.accept({"OR", "REPLACE"});
    w.accept({"UNIQUE"});
    if (!replace && w.accept({"INDEX"})) {
      const bool concurrently = w.accept({"CONCURRENTLY"});
      w.accept({"IF", "NOT", "EXISTS"});
      const auto name = w.name();
      if (!name || upper(*name) == "ON") return std::nullopt;  // an unnamed index
      return std::string("DROP INDEX ") + (concurrently ? "CONCURRENTLY " : "") + "IF EXISTS " + *name;
    }
    const bool materialized = w.accept({"MATERIALIZED"});
    if (w.accept({"VIEW"})) {
      w.accept({"IF", "NOT", "EXISTS"});
      const auto name = w.name();
      if (!name) return std::nullopt;
      return std::string("DROP ") + (materialized ? "MATERIALIZED " : "") + "VIEW IF EXISTS " + *name;
    }
    if (replace || materialized) {
      if (!w.accept({"TRIGGER"})) return std::nullopt;
      const auto name = w.name();
      if (!name || !w.skip_past("ON")) return std::nullopt;
      const auto table = w.name();
      if (!table) return std::nullopt;
      return "DROP TRIGGER IF EXISTS " + *name + " ON " + *table;
    }
    for (const std::string_view kind : {"EXTENSION", "TABLE", "SEQUENCE", "SCHEMA"}) {
      if (!w.accept({kind})) continue;
      w.accept({"IF", "NOT", "EXISTS"});
      const auto name = w.name();
      if (!name) return std::nullopt;
      return "DROP " + std::string(kind) + " IF EXISTS " + *name;
    }
    if (w.accept({"TRIGGER"})) {
      const auto name = w.name();
      if (!name || !w.skip_past("ON")) return std::nullopt;
      const auto table = w.name();
      if (!table) return std::nullopt;
      return "DROP TRIGGER IF EXISTS " + *name + " ON " + *table;
    }
    return std::nullopt;
  }
  if (w.accept({"ALTER", "TABLE"})) {
    if (statement.find(',') != std::string_view::npos) return std::nullopt;  // several actions
    w.accept({"IF", "EXISTS"});
    w.accept({"ONLY"});
    const auto table = w.name();
    if (!table || !w.accept({"ADD"})) return std::nullopt;
    if (w.accept({"CONSTRAINT"})) {
      const auto constraint = w.name();
      if (!constraint) return std::nullopt;
      return "ALTER TABLE " + *table + " DROP CONSTRAINT IF EXISTS " + *constraint;
    }
    w.accept({"COLUMN"});
    w.accept({"IF", "NOT", "EXISTS"});
    const auto column = w.name();
    if (!column) return std::nullopt;
    // `ADD PRIMARY KEY`, `ADD UNIQUE (...)`, `ADD FOREIGN KEY`: not a column.
    const std::string word = upper(*column);
    if (word == "PRIMARY" || word == "UNIQUE" || word == "FOREIGN" || word == "CHECK" || word == "EXCLUDE") {
      return std::nullopt;
    }
    return "ALTER TABLE " + *table + " DROP COLUMN IF EXISTS " + *column;
  }
  return std::nullopt;
}

// The statements of `sql` undone in reverse order, when every one is recognised. SQL with
// quotes or dollar-quoted bodies is not split (a `;` there is not a separator).
std::optional<std::string> undo_sql(const std::vector<std::string_view>& sql) {
  std::vector<std::string> undo;
  for (const std::string_view text : sql) {
    if (text.find_first_of("'\"$-/") != std::string_view::npos) return std::nullopt;
    size_t start = 0;
    while (start <= text.size()) {
      const size_t end = std::min(text.find(';', start), text.size());
      const std::string_view statement = text.substr(start, end - start);
      if (statement.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        auto reverse = undo_statement(statement);
        if (!reverse) return std::nullopt;
        undo.push_back(std::move(*reverse));
      }
      start = end + 1;
    }
  }
  if (undo.empty()) return std::nullopt;
  std::string out;
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
    if (!out.empty()) out += "; ";
    out += *it;
  }
  return out;
}

// The SQL strings of a `sql` argument: a string, or a list or tuple of strings.
std::vector<std::string_view> sql_strings(const ir::Value* sql) {
  std::vector<std::string_view> out;
  if (sql == nullptr) return out;
  if (const std::string* text = sql->as_string()) {
    out.push_back(*text);
    return out;
  }
  if (!sql->is_sequence() || sql->has_unpacking()) return out;
  for (const ir::Value& item : sql->elements()) {
    const std::string* text = item.as_string();
    if (text == nullptr) return {};
    out.push_back(*text);
  }
  return out;
}

// A Python literal for SQL, in the quotes Python's repr would pick (SQL is full of `'`).
std::string sql_literal(std::string_view text) {
  if (text.find('\'') != std::string_view::npos && text.find('"') == std::string_view::npos &&
      text.find('\\') == std::string_view::npos) {
    return "\"" + std::string(text) + "\"";
  }
  return ir::python_repr(text);
}

// The first SQL string of a `sql` argument, when there is one: the string, or the first element
// of a list, or the statement of a `(sql, params)` pair.
const std::string* first_sql(const ir::Value* sql) {
  for (int depth = 0; sql != nullptr && depth < 3; ++depth) {
    if (const std::string* text = sql->as_string()) return text;
    if (!sql->is_sequence() || sql->elements().empty()) return nullptr;
    sql = &sql->elements().front();
  }
  return nullptr;
}

// The start of the SQL, whitespace collapsed, for the message: `RunSQL('CREATE INDEX …')`.
std::string sql_head(const ir::Value* sql) {
  const std::string* first = first_sql(sql);
  if (first == nullptr) return "RunSQL(…)";
  const bool several = sql->is_sequence() && sql->elements().size() > 1;
  std::string head;
  bool space = false;
  for (const char c : *first) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !head.empty();
      continue;
    }
    if (space) head += ' ';
    space = false;
    head += c;
  }
  constexpr size_t kLimit = 50;
  if (head.size() > kLimit || several) {
    if (head.size() > kLimit) {
      const auto gap = head.rfind(' ', kLimit);  // cut between words
      head.resize(gap != std::string::npos && gap > kLimit / 2 ? gap : kLimit);
    }
    std::string repr = sql_literal(head);
    repr.insert(repr.size() - 1, "…");
    return "RunSQL(" + repr + ")";
  }
  return "RunSQL(" + sql_literal(head) + ")";
}

class RunSqlWithoutReverse final : public rule::OperationRule {
 public:
  RunSqlWithoutReverse() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::RunSQL}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const ir::Argument reverse = ir::reverse_argument(op);
    if (!reverse.absent_or_none()) return;  // given, or possibly given through **kwargs
    const ir::Value* sql = op.arg(ir::Param::sql).value;
    const std::string what = reverse.present() ? "`reverse_sql=None`" : "no `reverse_sql`";
    std::string help;
    if (const auto undo = undo_sql(sql_strings(sql))) {
      help = "pass the SQL that undoes it: `reverse_sql=" + sql_literal(*undo) +
             "`; if undoing needs nothing, pass `reverse_sql=migrations.RunSQL.noop`";
    } else {
      help =
          "pass the SQL that undoes it as `reverse_sql=` (a string or a list of statements); if undoing "
          "needs nothing, pass `reverse_sql=migrations.RunSQL.noop`";
    }
    context.report(op.range(),
                   "`" + sql_head(sql) + "` has " + what +
                       ": this migration cannot be rolled back (`migrate` backwards raises `IrreversibleError`)",
                   std::move(help));
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_runsql_without_reverse() { return std::make_unique<RunSqlWithoutReverse>(); }

}  // namespace godwit::rules
