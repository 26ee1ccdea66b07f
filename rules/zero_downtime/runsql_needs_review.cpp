#include <cctype>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 13},
    .name = "runsql-needs-review",
    .severity = Severity::Info,
    .summary = "RunSQL runs SQL godwit does not analyze: its locks need a reviewer",
    .docs = R"md(## What it does
Reports every `RunSQL`, at the top level of `operations` or in the `database_operations` of a
`SeparateDatabaseAndState`, with the first words of its SQL. godwit does not analyze SQL yet, so
it cannot tell what the statement locks.

## Why is this bad?
Raw SQL is where the riskiest changes hide: an `ALTER TABLE` that takes an ACCESS EXCLUSIVE lock
and rewrites the table, a `CREATE INDEX` without `CONCURRENTLY` that blocks writes, an `UPDATE`
of millions of rows that holds their row locks until the migration commits. None of it is
visible to the other rules.

## Example
```python
operations = [
    migrations.RunSQL(
        'ALTER TABLE "shop_order" ADD COLUMN "note" text',
        reverse_sql='ALTER TABLE "shop_order" DROP COLUMN "note"',
    ),
]
```

## Use instead
Prefer Django's operations where one exists, so that godwit can check them. Otherwise have a
reviewer check, statement by statement: the lock it takes and how long it holds it, whether it
rewrites or scans a big table, whether big data changes are batched (and `lock_timeout` set),
and whether the running code still works with the result. Then record the review:
```python
operations = [
    # godwit: ignore[ZD013] -- reviewed: adding a nullable column without default is instant
    migrations.RunSQL(
        'ALTER TABLE "shop_order" ADD COLUMN "note" text',
        reverse_sql='ALTER TABLE "shop_order" DROP COLUMN "note"',
    ),
]
```

## When it is fine
Once reviewed, with the suppression comment saying why. `RunSQL(migrations.RunSQL.noop)` runs
nothing and is not reported.

## References
- PostgreSQL documentation: "Explicit Locking" (which statement takes which lock)
- Django documentation: `RunSQL`
)md",
    .bad_example = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.RunSQL(
            'ALTER TABLE "shop_order" ADD COLUMN "note" text',
            reverse_sql='ALTER TABLE "shop_order" DROP COLUMN "note"',
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),
    ]
)py",
};

// What `sql=` holds: the statements as far as they are literal.
struct Statements {
  bool runs = true;   // false for RunSQL.noop / ""
  bool known = true;  // every statement is a literal
  size_t count = 0;   // statements in a list (1 for a string)
  std::string first;  // the first literal statement
};

Statements read_statements(const ir::Value* sql) {
  Statements out;
  if (sql == nullptr) {
    out.known = false;
    return out;
  }
  if (const std::string* text = sql->as_string()) {
    out.runs = !text->empty();
    out.count = 1;
    out.first = *text;
    return out;
  }
  if (sql->is(ir::Value::Kind::Name) && sql->text().ends_with("RunSQL.noop")) {
    out.runs = false;
    return out;
  }
  if (sql->is(ir::Value::Kind::List) || sql->is(ir::Value::Kind::Tuple)) {
    out.count = sql->elements().size();
    out.known = !sql->has_unpacking();
    for (const ir::Value& item : sql->elements()) {
      // A statement, or a (statement, params) pair.
      const ir::Value* statement = &item;
      if (item.is(ir::Value::Kind::Tuple) || item.is(ir::Value::Kind::List)) {
        statement = item.elements().empty() ? nullptr : &item.elements()[0];
      }
      const std::string* text = statement != nullptr ? statement->as_string() : nullptr;
      if (text == nullptr) {
        out.known = false;
      } else if (out.first.empty()) {
        out.first = *text;
      }
    }
    out.runs = out.count > 0 || !out.known;
    return out;
  }
  out.known = false;
  return out;
}

// The first words of a statement, comments skipped: `ALTER TABLE "shop_order" ADD COLUMN …`.
std::vector<std::string> words_of(const std::string& sql) {
  std::vector<std::string> words;
  std::istringstream lines(sql);
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line.compare(start, 2, "--") == 0) continue;
    std::istringstream in(line);
    std::string word;
    while (in >> word) words.push_back(word);
  }
  return words;
}

// A word of the SQL as the message quotes it: at most 40 bytes (a generated migration may hold a
// megabyte-long literal), cut at a character boundary.
std::string clipped(const std::string& word) {
  constexpr size_t kLimit = 40;
  if (word.size() <= kLimit) return word;
  size_t cut = kLimit;
  while (cut > 0 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;
  return word.substr(0, cut) + "…";
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// What to look at first, by the statement's kind.
std::string hint(const std::vector<std::string>& words) {
  auto word = [&](size_t i) { return i < words.size() ? upper(words[i]) : std::string(); };
  const std::string first = word(0);
  const bool concurrently = word(2) == "CONCURRENTLY" || word(3) == "CONCURRENTLY";
  if (first == "ALTER" && word(1) == "TABLE") {
    return "most forms of `ALTER TABLE` take an ACCESS EXCLUSIVE lock, and some rewrite or scan the whole table";
  }
  if (first == "CREATE" && (word(1) == "INDEX" || (word(1) == "UNIQUE" && word(2) == "INDEX"))) {
    return concurrently ? "`CONCURRENTLY` needs a migration with `atomic = False`"
                        : "without `CONCURRENTLY`, `CREATE INDEX` blocks every write to the table for the whole build";
  }
  if (first == "DROP" && word(1) == "INDEX") {
    return concurrently ? "`CONCURRENTLY` needs a migration with `atomic = False`"
                        : "without `CONCURRENTLY`, `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the table";
  }
  if (first == "UPDATE" || first == "DELETE" || first == "INSERT") {
    return "it locks every row it changes until the migration commits, so a big change must be batched";
  }
  return "";
}

class RunSqlNeedsReview final : public rule::OperationRule {
 public:
  RunSqlNeedsReview() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::RunSQL}; }

  void check(const rule::OperationContext& context) const override {
    const ir::Operation& op = context.operation();
    const Statements statements = read_statements(op.arg(ir::Param::sql).value);
    if (!statements.runs) return;

    std::string what;
    std::string specific;
    if (!statements.first.empty()) {
      const auto words = words_of(statements.first);
      constexpr size_t kShown = 5;
      std::string shown;
      for (size_t i = 0; i < words.size() && i < kShown; ++i) shown += (i > 0 ? " " : "") + clipped(words[i]);
      if (words.size() > kShown) shown += " …";
      what = "`" + shown + "`";
      if (statements.count > 1) what = std::to_string(statements.count) + " statements, the first " + what;
      specific = hint(words);
    } else {
      what = "SQL godwit cannot read statically";
    }
    std::string message = "`RunSQL` runs SQL that godwit does not analyze (" + what +
                          "): a reviewer must check which tables it locks, in which mode and for how long";
    if (!specific.empty()) message += " — " + specific;
    context.report(op.range(), std::move(message),
                   "check each statement's lock and how long it is held, whether it rewrites or scans a big table, "
                   "whether big data changes are batched (with `SET lock_timeout`), and whether the running code "
                   "works with the result; then record the review with `# godwit: ignore[ZD013] -- reviewed: <why>`");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_runsql_needs_review() { return std::make_unique<RunSqlNeedsReview>(); }

}  // namespace godwit::rules
