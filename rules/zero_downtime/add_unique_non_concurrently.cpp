#include <memory>

#include "analyzer/rule/rule.h"
#include "rules/zero_downtime/schema_change.h"

namespace godwit::rules {

namespace {

using diagnostics::RuleFamily;
using diagnostics::Severity;

constexpr rule::RuleMeta kMeta{
    .code = {RuleFamily::ZD, 4},
    .name = "add-unique-non-concurrently",
    .severity = Severity::Error,
    .summary = "a uniqueness rule added to an existing table builds its index under a blocking lock",
    .docs = R"md(## What it does
Flags, on PostgreSQL, a uniqueness rule added to an existing table: `AddConstraint` of a
`UniqueConstraint`, `AlterUniqueTogether` adding a set, `AddField` or `AlterField` with
`unique=True` (a `OneToOneField` is unique) — the same additions as `add-unique` (BC008), seen
for their lock.

## Why is this bad?
The unique index is built while the table is locked. `ALTER TABLE … ADD CONSTRAINT … UNIQUE`
(and `ADD COLUMN … UNIQUE`) takes an ACCESS EXCLUSIVE lock: no query can read or write the table
until the whole index is built, which takes minutes on a big table. A `UniqueConstraint` with a
`condition`, expressions, `include` or `opclasses` is a `CREATE UNIQUE INDEX`, whose SHARE lock
still blocks every write for the whole build.

## Example
```python
operations = [
    migrations.AddConstraint(
        model_name="subscription",
        constraint=models.UniqueConstraint(fields=["customer", "plan"], name="one_subscription_per_plan"),
    ),
]
```

## Use instead
Build the index concurrently in a non-atomic migration, then make it the constraint, which only
takes a brief lock:
```python
# 0007_subscription_unique_index.py: atomic = False
operations = [
    migrations.RunSQL(
        'CREATE UNIQUE INDEX CONCURRENTLY "one_subscription_per_plan" '
        'ON "billing_subscription" ("customer_id", "plan_id")',
        reverse_sql='DROP INDEX CONCURRENTLY "one_subscription_per_plan"',
    ),
]

# 0008_subscription_unique_constraint.py
operations = [
    migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunSQL(
                'ALTER TABLE "billing_subscription" ADD CONSTRAINT "one_subscription_per_plan" '
                'UNIQUE USING INDEX "one_subscription_per_plan"',
                reverse_sql='ALTER TABLE "billing_subscription" DROP CONSTRAINT "one_subscription_per_plan"',
            ),
        ],
        state_operations=[
            migrations.AddConstraint(
                model_name="subscription",
                constraint=models.UniqueConstraint(fields=["customer", "plan"], name="one_subscription_per_plan"),
            ),
        ],
    ),
]
```
A partial unique constraint (with `condition`) stays an index: create it with
`CREATE UNIQUE INDEX CONCURRENTLY … WHERE …` and put the `AddConstraint` in `state_operations`.

## When it is fine
- The table was created in the same migration (or, with `--diff-base`, in the same release).
- The database is not PostgreSQL.

## References
- PostgreSQL documentation: `CREATE INDEX` ("Building Indexes Concurrently"), `ALTER TABLE`
  (`ADD table_constraint_using_index`)
- Django documentation: `SeparateDatabaseAndState`, `UniqueConstraint`
)md",
    .bad_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_subscription_plan")]

    operations = [
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(fields=["customer", "plan"], name="one_subscription_per_plan"),
        ),
    ]
)py",
    .good_example = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_subscription_unique_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "billing_subscription" ADD CONSTRAINT "one_subscription_per_plan" '
                    'UNIQUE USING INDEX "one_subscription_per_plan"',
                    reverse_sql='ALTER TABLE "billing_subscription" DROP CONSTRAINT "one_subscription_per_plan"',
                ),
            ],
            state_operations=[
                migrations.AddConstraint(
                    model_name="subscription",
                    constraint=models.UniqueConstraint(fields=["customer", "plan"], name="one_subscription_per_plan"),
                ),
            ],
        ),
    ]
)py",
    .example_settings = "database=postgresql",
};

constexpr std::string_view kExclusive =
    "builds its index under an ACCESS EXCLUSIVE lock: no query can read or write the table until it is done";

// A UniqueConstraint Django creates as `CREATE UNIQUE INDEX` rather than `ADD CONSTRAINT`.
bool created_as_index(const ir::Value& constraint) {
  if (!constraint.elements().empty()) return true;  // expressions
  for (const std::string_view option : {"condition", "include", "opclasses", "expressions"}) {
    const ir::Value* value = constraint.keyword(option);
    if (value == nullptr || value->is_none()) continue;
    if (value->is_sequence() && value->elements().empty() && !value->has_unpacking()) continue;
    return true;
  }
  return false;
}

// Build the unique index concurrently, then attach it as the constraint.
std::string attach_help(const std::string& table, const std::string& name, const std::vector<std::string>& columns,
                        const std::string& state_operation) {
  return "build the index first without blocking, in a migration with `atomic = False`: `RunSQL('CREATE UNIQUE "
         "INDEX CONCURRENTLY \"" +
         name + "\" ON \"" + table + "\" (" + zd::sql_identifiers(columns) +
         ")', reverse_sql='DROP INDEX CONCURRENTLY \"" + name +
         "\"')`; then, in the next migration, "
         "`SeparateDatabaseAndState(database_operations=[RunSQL('ALTER TABLE \"" +
         table + "\" ADD CONSTRAINT \"" + name + "\" UNIQUE USING INDEX \"" + name +
         "\"', reverse_sql='ALTER TABLE \"" + table + "\" DROP CONSTRAINT \"" + name + "\"')], state_operations=[" +
         state_operation + "])`: attaching the built index only takes a brief lock";
}

class AddUniqueNonConcurrently final : public rule::OperationRule {
 public:
  AddUniqueNonConcurrently() : OperationRule(kMeta) {}

  [[nodiscard]] ir::OperationKindSet kinds() const override {
    return {ir::OperationKind::AddConstraint, ir::OperationKind::AlterUniqueTogether, ir::OperationKind::AddField,
            ir::OperationKind::AlterField};
  }

  void check(const rule::OperationContext& context) const override {
    if (!zd::on_postgresql(context)) return;
    const ir::Operation& op = context.operation();
    // Most added and altered fields are not unique: nothing to look up or name for them.
    if (op.kind() == ir::OperationKind::AddField || op.kind() == ir::OperationKind::AlterField) {
      const ir::FieldSpec* f = op.field();
      if (f == nullptr || f->unique != ir::Tri::Yes || f->primary_key == ir::Tri::Yes) return;
    }
    const std::string& model_key = op.model_key();
    if (model_key.empty() || context.on_new_table()) return;
    const state::ModelState* model = context.model_before();
    if (!zd::has_own_table(model)) return;
    const std::string name = context.model_name();
    const std::string table = context.table_name(model_key);
    // The operation on one line, for the help: only made when there is something to report.
    const auto written = [&] { return zd::one_line(context.text(op.range())); };
    switch (op.kind()) {
      case ir::OperationKind::AddConstraint: {
        const ir::Value* c = op.arg(ir::Param::constraint).value;
        if (c == nullptr) return;
        const state::ConstraintState constraint = state::read_constraint(*c);
        if (constraint.kind != state::ConstraintState::Kind::Unique) return;
        const std::string constraint_name = constraint.name.empty() ? "?" : constraint.name;
        std::vector<std::string> columns;
        for (const auto& f : constraint.fields) columns.push_back(zd::column_of(model, f));
        if (created_as_index(*c)) {
          context.report(op.range(),
                         "adding unique constraint `" + constraint_name + "` to existing table `" + table +
                             "` runs `CREATE UNIQUE INDEX` without `CONCURRENTLY`: its SHARE lock blocks every "
                             "INSERT, UPDATE and DELETE until the whole index is built",
                         "create the index with `RunSQL('CREATE UNIQUE INDEX CONCURRENTLY \"" + constraint_name +
                             "\" ON \"" + table +
                             "\" (…) WHERE …')` (the constraint's columns and condition) in a migration with "
                             "`atomic = False`, inside `SeparateDatabaseAndState(state_operations=[" +
                             written() + "])`");
          return;
        }
        context.report(op.range(),
                       "adding unique constraint `" + constraint_name + "` on `" + name + "(" +
                           zd::join(constraint.fields) + ")` to existing table `" + table +
                           "`: `ALTER TABLE … ADD CONSTRAINT … UNIQUE` " + std::string(kExclusive),
                       attach_help(table, constraint_name, columns, written()));
        return;
      }
      case ir::OperationKind::AlterUniqueTogether: {
        if (model == nullptr || model->uncertain) return;  // the sets before are unknown
        bool known = true;
        const auto sets = state::read_together(op.arg(ir::Param::unique_together).value, known);
        if (!known) return;
        const auto added = zd::sets_missing_from(sets, model->unique_together);
        if (added.empty()) return;
        std::vector<std::string> shown;
        for (const auto& set : added) shown.push_back("`" + name + "(" + zd::join(set) + ")`");
        std::vector<std::string> columns;
        for (const auto& f : added.front()) columns.push_back(zd::column_of(model, f));
        context.report(op.range(),
                       "`AlterUniqueTogether` adds " + zd::join(shown) + " to existing table `" + table +
                           "`: `ALTER TABLE … ADD CONSTRAINT … UNIQUE` " + std::string(kExclusive),
                       std::string(added.size() > 1 ? "for each new set, " : "") +
                           attach_help(table, zd::index_name(model_key, added.front(), "uniq"), columns, written()));
        return;
      }
      case ir::OperationKind::AddField: {
        const ir::FieldSpec* f = op.field();
        const std::string* field = op.string_arg(ir::Param::name);
        if (f == nullptr || field == nullptr || f->unique != ir::Tri::Yes || f->primary_key == ir::Tri::Yes) return;
        const std::string column = f->db_column.known() ? f->db_column.value()
                                   : f->is_relation()   ? *field + "_id"
                                                        : *field;
        context.report(op.range(),
                       "adding unique column `" + name + "." + *field + "` to existing table `" + table +
                           "`: `ADD COLUMN … UNIQUE` " + std::string(kExclusive),
                       "add `" + *field + "` without `unique=True`; " +
                           attach_help(table, zd::index_name(model_key, {*field}, "uniq"), {column},
                                       "migrations.AlterField(\"" + model_key + "\", \"" + *field +
                                           "\", <the field with unique=True>)"));
        return;
      }
      case ir::OperationKind::AlterField: {
        const ir::FieldSpec* f = op.field();
        const std::string* field = op.string_arg(ir::Param::name);
        if (f == nullptr || field == nullptr || f->unique != ir::Tri::Yes || f->primary_key == ir::Tri::Yes) return;
        const state::FieldLookup before =
            context.state().lookup_field(context.migration().app_label, model_key, *field);
        if (before.knowledge != state::Knowledge::Known || before.field->spec.unique != ir::Tri::No) return;
        context.report(
            op.range(),
            "making `" + name + "." + *field + "` unique on existing table `" + table +
                "`: `ALTER TABLE … ADD CONSTRAINT … UNIQUE` " + std::string(kExclusive),
            attach_help(table, zd::index_name(model_key, {*field}, "uniq"), {zd::column_of(model, *field)}, written()));
        return;
      }
      default: return;
    }
  }
};

}  // namespace

std::unique_ptr<rule::Rule> make_add_unique_non_concurrently() { return std::make_unique<AddUniqueNonConcurrently>(); }

}  // namespace godwit::rules
