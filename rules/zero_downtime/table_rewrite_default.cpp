#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 12},
    .name = "table-rewrite-default",
    .severity = Severity::Warning,
    .summary = "a column added with a volatile db_default or stored GeneratedField: the table is rewritten",
    .docs = R"md(## What it does
Flags, on PostgreSQL, an `AddField` on an existing table whose column PostgreSQL has to compute
row by row: a `db_default` that calls a volatile function (`RandomUUID()`, `Random()`,
`Func(function="gen_random_uuid")`, a `ClockTimestamp`-style function of `clock_timestamp()`,
`uuid_generate_v4()`, `nextval()`, …), or a stored `GeneratedField` (`db_persist=True`).

## Why is this bad?
Since version 11, PostgreSQL adds a column with a non-volatile default without touching the rows:
it evaluates the default once and stores it in the catalog (`db_default` needs Django 5.0, which
needs PostgreSQL 12 or later). A volatile default must give every row its own value,
and a stored generated column must be computed for every row, so `ADD COLUMN` rewrites the whole
table and its indexes under an ACCESS EXCLUSIVE lock: no query can read or write the table until
the rewrite is over.

## Example
```python
operations = [
    migrations.AddField(
        model_name="order",
        name="token",
        field=models.UUIDField(db_default=RandomUUID()),
    ),
]
```

## Use instead
Add the column without the default, set the default in the next migration (`SET DEFAULT` only
applies to new rows: no rewrite), and backfill the existing rows in batches:
```python
# 0013_order_token.py
operations = [
    migrations.AddField(model_name="order", name="token", field=models.UUIDField(null=True)),
]

# 0014_order_token_default.py
operations = [
    migrations.AlterField(
        model_name="order", name="token", field=models.UUIDField(null=True, db_default=RandomUUID())
    ),
]
```
then fill `token` for the existing rows in a data migration, in batches. For a stored generated
column, add a plain nullable column, compute it in the code for new rows, and backfill.

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release).
- A constant `db_default`, including `Value(...)` and functions of constants.
- A default that is the same for every row of the statement: `Now()`, `TransactionNow()`,
  `now()`, `statement_timestamp()` are *stable* in PostgreSQL, so PostgreSQL evaluates them once
  and does not rewrite the table (every existing row gets the migration's timestamp).
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `ALTER TABLE` ("Notes": when adding a column rewrites the table),
  "Function Volatility Categories"
- Django documentation: `Field.db_default`, `GeneratedField`
)md",
    .bad_example = R"py(from django.contrib.postgres.functions import RandomUUID
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="token",
            field=models.UUIDField(db_default=RandomUUID()),
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models
from django.db.models.functions import Now


class Migration(migrations.Migration):
    dependencies = [("shop", "0012_order_total")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="currency",
            field=models.CharField(max_length=3, db_default="EUR"),
        ),
        migrations.AddField(
            model_name="order",
            name="imported_at",
            field=models.DateTimeField(db_default=Now()),
        ),
        migrations.AddField(model_name="order", name="token", field=models.UUIDField(null=True)),
    ]
)py",
    .example_settings = "database=postgresql django=5.0",
};

// Lower-cased, without underscores: `gen_random_uuid` and `GenRandomUUID` read the same.
std::string squashed(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// PostgreSQL's volatile functions a default can call, and Django's expressions of them
// (`Random` is RANDOM(), `RandomUUID` is gen_random_uuid()), squashed. Stable functions such as
// now(), statement_timestamp() and transaction_timestamp() (Django's `Now`, `TransactionNow`) are
// evaluated once by ADD COLUMN and do not rewrite the table.
constexpr std::array<std::string_view, 13> kVolatile{
    "random", "randomuuid",     "genrandomuuid", "uuidgeneratev1", "uuidgeneratev1mc", "uuidgeneratev4", "uuidv4",
    "uuidv7", "clocktimestamp", "timeofday",     "nextval",        "randomnormal",     "genrandombytes"};

bool volatile_name(std::string_view name) {
  const std::string s = squashed(name);
  return std::find(kVolatile.begin(), kVolatile.end(), s) != kVolatile.end();
}

// The first call in the expression that PostgreSQL evaluates per row, if any.
const ir::Value* volatile_call(const ir::Value& expression) {
  const ir::Value* found = nullptr;
  expression.for_each([&](const ir::Value& v) {
    if (found != nullptr || !v.is(ir::Value::Kind::Call)) return;
    const std::string_view callee = v.short_name();
    if (callee == "Func") {
      const ir::Value* function = v.keyword("function");
      if (function != nullptr && function->as_string() != nullptr && volatile_name(*function->as_string())) found = &v;
      return;
    }
    if (callee == "RawSQL") {
      const auto args = v.elements();
      if (args.empty() || args[0].as_string() == nullptr) return;
      const std::string sql = squashed(*args[0].as_string());
      for (const std::string_view name : kVolatile) {
        if (sql.find(std::string(name) + "(") != std::string::npos) found = &v;
      }
      return;
    }
    // Expressions are classes (`RandomUUID()`); a lower-case call such as `random.random()` is
    // Python code run once when the migration is loaded: a constant.
    const bool expression_class = !callee.empty() && std::isupper(static_cast<unsigned char>(callee[0])) != 0;
    if (expression_class && volatile_name(callee)) found = &v;
  });
  return found;
}

class TableRewriteDefault final : public rule::OperationRule {
 public:
  TableRewriteDefault() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override { return {ir::OperationKind::AddField}; }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    const ir::Operation& op = context.operation();
    const ir::FieldSpec* field = op.field();
    const std::string* name = op.string_arg(ir::Param::name);
    if (field == nullptr || name == nullptr || op.model_key().empty() || !field->has_column()) return;
    if (context.on_new_table() || !zd::has_own_table(context.model_before())) return;
    const std::string model = context.model_name();
    const std::string table = context.table_name(op.model_key());
    constexpr std::string_view kRewrite =
        "so `ADD COLUMN` rewrites the whole table under an ACCESS EXCLUSIVE lock: no query can read or write it "
        "until the rewrite is over";

    if (field->field_class == ir::FieldClass::GeneratedField) {
      if (field->db_persist != ir::Tri::Yes) return;
      context.report(op.range(),
                     "adding stored generated column `" + model + "." + *name + "` to existing table `" + table +
                         "`: PostgreSQL computes it for every existing row, " + std::string(kRewrite),
                     "add a plain column with `null=True` instead, compute it in the code for new rows, and backfill "
                     "the existing rows in batches in a data migration; a stored generated column cannot be added to a "
                     "big table without the rewrite");
      return;
    }
    if (field->db_default == nullptr) return;
    const ir::Value* call = volatile_call(*field->db_default);
    if (call == nullptr) return;
    const std::string written = zd::one_line(context.text(field->db_default->range()));
    const std::string function = zd::one_line(context.text(call->range()));
    context.report(op.range(),
                   "adding `" + model + "." + *name + "` with `db_default=" + written + "` to existing table `" +
                       table + "`: `" + function + "` is volatile and must be computed for every existing row, " +
                       std::string(kRewrite),
                   "add `" + *name + "` with `null=True` and no `db_default`; set `db_default=" + written +
                       "` with an `AlterField` in the next migration (`SET DEFAULT` only applies to new rows, no "
                       "rewrite); then backfill the existing rows in batches in a data migration");
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_table_rewrite_default() { return std::make_unique<TableRewriteDefault>(); }

}  // namespace godwit::rules
