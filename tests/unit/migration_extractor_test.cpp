// Extraction of the Migration IR: imports, arguments, fields, dependencies, flags, the shapes
// `operations` takes, markers, comments and the ways a module can (not) define Migration.
#include <catch2/catch.hpp>

#include <string>

#include "analyzer/ir/migration.h"
#include "tests/support/extract.h"

using godwit::ir::Dependency;
using godwit::ir::FieldClass;
using godwit::ir::FunctionInfo;
using godwit::ir::NameOrigin;
using godwit::ir::OperationKind;
using godwit::ir::OptionState;
using godwit::ir::Param;
using godwit::ir::SafeMarker;
using godwit::ir::Tri;
using godwit::ir::Value;
using godwit::test::extract;
using godwit::test::text_at;

namespace {

std::vector<OperationKind> kinds(const godwit::ir::Migration& m) {
  std::vector<OperationKind> out;
  for (const auto& op : m.operations) out.push_back(op.kind());
  return out;
}

// The first string argument (`name`/`model_name`) of each operation, to tell them apart.
std::vector<std::string> first_args(const std::vector<godwit::ir::Operation>& ops) {
  std::vector<std::string> out;
  for (const auto& op : ops) {
    const auto args = op.call().elements();
    out.push_back(!args.empty() && args[0].as_string() != nullptr ? *args[0].as_string() : "?");
  }
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

// ---- imports ----

TEST_CASE("operations through `from django.db import migrations as m`", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations as m, models

class Migration(m.Migration):
    operations = [m.AddField("order", "x", models.IntegerField()), m.RunPython(m.RunPython.noop)]
)py");
  REQUIRE_FALSE(m.syntax_error);
  CHECK(m.has_migration_class);
  CHECK(m.dependencies_known);
  CHECK(m.unresolved_operations.empty());
  CHECK(kinds(m) == std::vector{OperationKind::AddField, OperationKind::RunPython});
  CHECK(m.operations[1].arg(Param::code).value->text() == "django.db.migrations.RunPython.noop");
}

TEST_CASE("operations imported by name, from submodules and from django.contrib.postgres", "[unit]") {
  const auto m = extract(R"py(import django.db.migrations
from django.db.migrations import AddField, RunSQL as Sql
from django.db.migrations.operations import RunPython
from django.db.migrations.operations.models import CreateModel
from django.contrib.postgres.operations import AddIndexConcurrently, CreateExtension
from django.contrib.postgres import operations as pg
from django.db import models

class Migration(django.db.migrations.Migration):
    atomic = False
    operations = [
        AddField("order", "x", models.IntegerField()),
        Sql("SELECT 1", Sql.noop),
        RunPython(RunPython.noop, RunPython.noop),
        CreateModel("Invoice", []),
        AddIndexConcurrently("order", models.Index(fields=["x"], name="order_x")),
        CreateExtension("citext"),
        pg.BtreeGinExtension(),
        django.db.migrations.RemoveField("order", "y"),
    ]
)py");
  REQUIRE_FALSE(m.syntax_error);
  CHECK(m.dependencies_known);
  CHECK(kinds(m) == std::vector{OperationKind::AddField, OperationKind::RunSQL, OperationKind::RunPython,
                                OperationKind::CreateModel, OperationKind::AddIndexConcurrently,
                                OperationKind::CreateExtension, OperationKind::BtreeGinExtension,
                                OperationKind::RemoveField});
  CHECK(m.operations[1].call().text() == "django.db.migrations.RunSQL");
  CHECK(m.operations[1].arg(Param::reverse_sql).value->text() == "django.db.migrations.RunSQL.noop");
}

TEST_CASE("operations through a star import from django.db.migrations", "[unit]") {
  const auto m = extract(R"py(from django.db.migrations import *
from django.db import models

class Migration(Migration):
    operations = [
        AddField("order", "tags", models.JSONField(default=dict)),
        RunPython(RunPython.noop, RunPython.noop),
    ]
)py");
  REQUIRE_FALSE(m.syntax_error);
  // The base is django's Migration, not the class itself: nothing is inherited.
  CHECK(m.dependencies_known);
  CHECK(m.unresolved_operations.empty());
  CHECK(kinds(m) == std::vector{OperationKind::AddField, OperationKind::RunPython});
  // A builtin is not taken from the star import: `dict` stays the constant factory it is.
  const auto* field = m.operations[0].field();
  REQUIRE(field != nullptr);
  CHECK(field->field_class == FieldClass::JSONField);
  CHECK(field->default_value.kind == godwit::ir::DefaultSpec::Kind::Callable);
  CHECK_FALSE(field->default_value.volatile_value);
  CHECK(field->default_value.value->text() == "dict");
}

TEST_CASE("`class Migration(Migration)` after importing django's Migration by name", "[unit]") {
  const auto m = extract(R"py(from django.db.migrations import Migration, DeleteModel

class Migration(Migration):
    operations = [DeleteModel("Legacy")]
)py");
  REQUIRE_FALSE(m.syntax_error);
  CHECK(m.has_migration_class);
  CHECK(m.dependencies_known);  // the base is django's: dependencies default to []
  CHECK(m.unresolved_operations.empty());
  CHECK(kinds(m) == std::vector{OperationKind::DeleteModel});
}

TEST_CASE("operations of other libraries and of the file are Custom", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations
from shop.operations import AddField
from django_add_default_value import AddDefaultValue
from django_migration_linter import IgnoreMigration

class LoadFixture(migrations.operations.base.Operation):
    reversible = False

class Migration(migrations.Migration):
    operations = [
        AddField("order", "x"),
        AddDefaultValue("order", "x", 0),
        IgnoreMigration(),
        LoadFixture("data.json"),
        migrations.NoSuchOperation(),
    ]
)py");
  REQUIRE_FALSE(m.syntax_error);
  CHECK(kinds(m) == std::vector{OperationKind::Custom, OperationKind::AddDefaultValue, OperationKind::IgnoreMigration,
                                OperationKind::Custom, OperationKind::Custom});
  CHECK(m.operations[0].display_name() == "shop.operations.AddField");
  CHECK(m.operations[0].has_unmatched_arguments());
  CHECK(m.operations[3].display_name() == "LoadFixture");
  CHECK(m.operations[3].call().origin() == NameOrigin::Local);
  CHECK(m.operations[4].display_name() == "django.db.migrations.NoSuchOperation");
  const auto* cls = m.class_named("LoadFixture");
  REQUIRE(cls != nullptr);
  CHECK(cls->reversible == false);
  CHECK(cls->bases == std::vector<std::string>{"django.db.migrations.operations.base.Operation"});
  CHECK(text_at(m, cls->reversible_range) == "reversible = False");
  CHECK(text_at(m, cls->range) == "class LoadFixture(migrations.operations.base.Operation)");
}

TEST_CASE("custom operation classes: reversible True, False, absent, not a literal", "[unit]") {
  const auto m = extract(R"py(from django.db.migrations.operations.base import Operation
from django.conf import settings

class Irreversible(Operation):
    reversible = False

class Reversible(Operation):
    reversible = True
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

class Silent(Operation):
    pass

class Unclear(Operation):
    reversible = settings.DEBUG
)py", "_operations");
  REQUIRE(m.classes.size() == 4);
  CHECK(m.class_named("Irreversible")->reversible == false);
  CHECK(m.class_named("Reversible")->reversible == true);
  CHECK_FALSE(m.class_named("Silent")->reversible.has_value());
  CHECK_FALSE(m.class_named("Unclear")->reversible.has_value());
  CHECK(m.class_named("Silent")->bases == std::vector<std::string>{"django.db.migrations.operations.base.Operation"});
  CHECK_FALSE(m.has_migration_class);
}

// ---- arguments ----

TEST_CASE("positional and keyword arguments match the same Django parameters", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AddField("Order", "price", models.IntegerField(null=True), False),
        migrations.AddField(model_name="Order", name="price", field=models.IntegerField(null=True),
                            preserve_default=False),
        migrations.AddField("Order", name="price", field=models.IntegerField(null=True), preserve_default=False),
    ]
)py");
  REQUIRE(m.operations.size() == 3);
  for (const auto& op : m.operations) {
    REQUIRE(op.string_arg(Param::model_name) != nullptr);
    CHECK(*op.string_arg(Param::model_name) == "Order");
    CHECK(*op.string_arg(Param::name) == "price");
    CHECK(op.arg(Param::preserve_default).value->as_bool() == false);
    CHECK(op.arg(Param::field).value->text() == "django.db.models.IntegerField");
    CHECK(op.model_key() == "order");
    CHECK_FALSE(op.has_unmatched_arguments());
    REQUIRE(op.field() != nullptr);
    CHECK(op.field()->null == Tri::Yes);
    CHECK_FALSE(op.arg(Param::index).present());
    CHECK(op.arg(Param::index).absent_or_none());
  }
  CHECK(m.operations[0].call().same_as(m.operations[0].call()));
  CHECK_FALSE(m.operations[0].call().same_as(m.operations[1].call()));
}

TEST_CASE("parameter order of the less common signatures", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations
from django.contrib.postgres.operations import CreateCollation

class Migration(migrations.Migration):
    operations = [
        migrations.RenameIndex("order", "new_idx", "old_idx"),
        migrations.RunSQL("UP", "DOWN", [migrations.DeleteModel("Gone")]),
        migrations.RunPython(forwards, backwards, True),
        CreateCollation("nocase", "und-u-ks-level2", "icu"),
        migrations.AddField("a", "b", None, True, "extra"),
        migrations.DeleteModel("a", bogus=1),
    ]
)py");
  REQUIRE(m.operations.size() == 6);
  CHECK(*m.operations[0].string_arg(Param::new_name) == "new_idx");
  CHECK(*m.operations[0].string_arg(Param::old_name) == "old_idx");
  CHECK(*m.operations[1].string_arg(Param::reverse_sql) == "DOWN");
  REQUIRE(m.operations[1].state_operations().size() == 1);
  CHECK(m.operations[1].state_operations()[0].kind() == OperationKind::DeleteModel);
  CHECK(m.operations[2].arg(Param::reverse_code).value->text() == "backwards");
  CHECK(m.operations[2].arg(Param::atomic).value->as_bool() == true);
  // CreateCollation takes two arguments by position, the rest by keyword only.
  CHECK(*m.operations[3].string_arg(Param::locale) == "und-u-ks-level2");
  CHECK_FALSE(m.operations[3].arg(Param::provider).present());
  CHECK(m.operations[3].has_unmatched_arguments());
  CHECK(m.operations[4].has_unmatched_arguments());
  CHECK(m.operations[5].has_unmatched_arguments());
}

TEST_CASE("an Opaque argument is still passed: a rule sees it and cannot decide", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations
from django.conf import settings

def forwards(apps, schema_editor):
    pass

class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(forwards, forwards if settings.DEBUG else None),
        migrations.RunSQL("UP", "DOWN " + settings.SCHEMA),
    ]
)py");
  REQUIRE(m.operations.size() == 2);
  const auto reverse = m.operations[0].arg(Param::reverse_code);
  REQUIRE(reverse.present());
  CHECK(reverse.value->is_opaque());
  CHECK(reverse.value->text() == "forwards if settings.DEBUG else None");
  CHECK_FALSE(reverse.absent_or_none());
  const auto reverse_sql = m.operations[1].arg(Param::reverse_sql);
  REQUIRE(reverse_sql.present());
  CHECK(reverse_sql.value->is_opaque());
  CHECK_FALSE(m.operations[0].has_unmatched_arguments());
}

TEST_CASE("after `*args` no position is known; `**kwargs` may pass anything", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

ARGS = ()
KWARGS = {}

class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(*ARGS),
        migrations.AddField(*ARGS, "price"),
        migrations.RunPython(forwards, *ARGS),
        migrations.RunPython(forwards, **KWARGS),
    ]
)py");
  REQUIRE(m.operations.size() == 4);
  const auto code = m.operations[0].arg(Param::code);
  CHECK_FALSE(code.present());
  CHECK(code.maybe_passed);
  CHECK_FALSE(code.absent_or_none());
  CHECK(m.operations[0].call().has_unpacking());
  // "price" is not known to be `name`: `*ARGS` could hold anything.
  CHECK_FALSE(m.operations[1].arg(Param::name).present());
  CHECK(m.operations[1].arg(Param::name).maybe_passed);
  CHECK(m.operations[1].has_unmatched_arguments());
  CHECK(m.operations[2].arg(Param::code).present());
  CHECK(m.operations[2].arg(Param::reverse_code).maybe_passed);
  CHECK(m.operations[3].arg(Param::code).present());
  CHECK(m.operations[3].arg(Param::reverse_code).maybe_passed);
  CHECK_FALSE(m.operations[3].arg(Param::reverse_code).absent_or_none());
}

// ---- fields ----

TEST_CASE("FieldSpec of a CharField with options", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AddField("order", "code", models.CharField(max_length=20, null=True, unique=True, db_column="c")),
    ]
)py");
  REQUIRE(m.operations.size() == 1);
  const auto* f = m.operations[0].field();
  REQUIRE(f != nullptr);
  CHECK(f->field_class == FieldClass::CharField);
  CHECK(f->class_name.get() == "django.db.models.CharField");
  CHECK(f->max_length.known());
  CHECK(f->max_length.value == 20);
  CHECK(f->null == Tri::Yes);
  CHECK(f->unique == Tri::Yes);
  CHECK(f->db_index == Tri::No);
  CHECK(f->blank == Tri::No);
  CHECK(f->db_column.value() == "c");
  CHECK_FALSE(f->default_value.present());
  CHECK(f->db_default == nullptr);
  CHECK_FALSE(f->has_unpacking);
}

TEST_CASE("FieldSpec of relations: `to` by position, by keyword, and a swappable setting", "[unit]") {
  const auto m = extract(R"py(from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion

class Migration(migrations.Migration):
    operations = [
        migrations.AddField("order", "customer", models.ForeignKey("shop.Customer", on_delete=models.CASCADE)),
        migrations.AddField("order", "invoice", models.OneToOneField(
            to="billing.Invoice", on_delete=django.db.models.deletion.PROTECT, db_constraint=False)),
        migrations.AddField("order", "owner", models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)),
        migrations.AddField("order", "reviewer",
                            models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)),
        migrations.AddField("order", "tags", models.ManyToManyField(to="shop.Tag")),
    ]
)py");
  REQUIRE(m.operations.size() == 5);
  const auto* fk = m.operations[0].field();
  CHECK(fk->field_class == FieldClass::ForeignKey);
  CHECK(fk->relation_to.value() == "shop.Customer");
  CHECK(fk->db_index == Tri::Yes);
  CHECK_FALSE(fk->db_index_explicit);
  CHECK(fk->db_constraint == Tri::Yes);
  const auto* o2o = m.operations[1].field();
  CHECK(o2o->field_class == FieldClass::OneToOneField);
  CHECK(o2o->relation_to.value() == "billing.Invoice");
  CHECK(o2o->unique == Tri::Yes);
  CHECK(o2o->db_constraint == Tri::No);
  for (const size_t i : {2u, 3u}) {
    const auto* user = m.operations[i].field();
    CHECK(user->relation_setting.get() == "AUTH_USER_MODEL");
    CHECK(user->relation_to.value() == "settings.AUTH_USER_MODEL");
  }
  CHECK(m.operations[3].field()->null == Tri::Yes);
  CHECK(m.operations[4].field()->is_many_to_many());
  CHECK_FALSE(m.operations[4].field()->has_column());
}

TEST_CASE("FieldSpec of an ArrayField reads its base field", "[unit]") {
  const auto m = extract(R"py(from django.contrib.postgres.fields import ArrayField
from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AddField("order", "codes", ArrayField(models.CharField(max_length=10), size=8)),
        migrations.AddField("order", "counts", ArrayField(base_field=models.IntegerField(), null=True)),
    ]
)py");
  REQUIRE(m.operations.size() == 2);
  const auto* codes = m.operations[0].field();
  CHECK(codes->field_class == FieldClass::ArrayField);
  REQUIRE(codes->base_field != nullptr);
  CHECK(codes->base_field->field_class == FieldClass::CharField);
  CHECK(codes->base_field->max_length.value == 10);
  const auto* counts = m.operations[1].field();
  REQUIRE(counts->base_field != nullptr);
  CHECK(counts->base_field->field_class == FieldClass::IntegerField);
  CHECK(counts->null == Tri::Yes);
}

TEST_CASE("`**kwargs` in a field makes the options not written out unknown", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations, models

EXTRA = {"null": True}

class Migration(migrations.Migration):
    operations = [
        migrations.AddField("order", "note", models.TextField(blank=True, **EXTRA)),
    ]
)py");
  const auto* f = m.operations.at(0).field();
  CHECK(f->has_unpacking);
  CHECK(f->null == Tri::Unknown);
  CHECK(f->unique == Tri::Unknown);
  CHECK(f->blank == Tri::Yes);
  CHECK(f->default_value.kind == godwit::ir::DefaultSpec::Kind::Unknown);
  CHECK(f->db_column.state == OptionState::Unknown);
}

TEST_CASE("module and class constants are substituted; anything else is Opaque with its text", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations, models
from django.utils import timezone
from datetime import timedelta

MAX = 30
NAME = "code"
ALIAS = MAX

class Migration(migrations.Migration):
    LOCAL = 40
    operations = [
        migrations.AddField("order", NAME, models.CharField(max_length=MAX)),
        migrations.AddField("order", "b", models.CharField(max_length=LOCAL)),
        migrations.AddField("order", "c", models.CharField(max_length=ALIAS)),
        migrations.AddField("order", "d", models.CharField(max_length=MAX * 2)),
        migrations.AddField("order", "e", models.DateTimeField(default=timezone.now() + timedelta(days=1))),
        migrations.AddField("order", "f", models.CharField(max_length=UNDEFINED)),
    ]
)py");
  REQUIRE(m.operations.size() == 6);
  CHECK(*m.operations[0].string_arg(Param::name) == "code");
  CHECK(m.operations[0].field()->max_length.value == 30);
  CHECK(m.operations[1].field()->max_length.value == 40);
  CHECK(m.operations[2].field()->max_length.value == 30);
  CHECK(m.operations[3].field()->max_length.state == OptionState::Unknown);
  CHECK(m.operations[3].field()->option("max_length")->text() == "MAX * 2");
  const auto* e = m.operations[4].field();
  CHECK(e->default_value.kind == godwit::ir::DefaultSpec::Kind::Unknown);
  CHECK(e->option("default")->is_opaque());
  CHECK(e->option("default")->text() == "timezone.now() + timedelta(days=1)");
  CHECK(m.operations[5].field()->max_length.state == OptionState::Unknown);
  CHECK(m.operations[5].field()->option("max_length")->origin() == NameOrigin::Unknown);
}

TEST_CASE("CreateModel lists its fields", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("code", models.CharField(max_length=12, unique=True)),
            ],
            options={"ordering": ["code"]},
        ),
    ]
)py");
  const auto& op = m.operations.at(0);
  CHECK(op.model_key() == "order");
  REQUIRE(op.model_fields_known());
  REQUIRE(op.model_fields().size() == 2);
  CHECK(op.model_fields()[0].name == "id");
  CHECK(op.model_fields()[0].spec.primary_key == Tri::Yes);
  CHECK(op.model_fields()[1].spec.max_length.value == 12);
  CHECK(text_at(m, op.model_fields()[1].range) == R"(("code", models.CharField(max_length=12, unique=True)))");
}

// ---- dependencies and flags ----

TEST_CASE("dependencies: pairs, swappable, __first__, __latest__ and unknown entries", "[unit]") {
  const auto m = extract(R"py(from django.conf import settings
from django.db import migrations

class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "__first__"),
        ["billing", "__latest__"],
        ("crm", get_name()),
        migrations.swappable_dependency("accounts.User"),
    ]
    operations = []
)py");
  REQUIRE(m.dependencies.size() == 6);
  CHECK(m.dependencies[0].kind == Dependency::Kind::Migration);
  CHECK(m.dependencies[0].app == "shop");
  CHECK(m.dependencies[0].name == "0001_initial");
  CHECK(text_at(m, m.dependencies[0].range) == R"(("shop", "0001_initial"))");
  CHECK(m.dependencies[1].kind == Dependency::Kind::Swappable);
  CHECK(m.dependencies[1].setting == "AUTH_USER_MODEL");
  CHECK(m.dependencies[2].kind == Dependency::Kind::First);
  CHECK(m.dependencies[2].app == "auth");
  CHECK(m.dependencies[3].kind == Dependency::Kind::Latest);
  CHECK(m.dependencies[3].app == "billing");
  CHECK(m.dependencies[4].kind == Dependency::Kind::Unknown);
  CHECK(text_at(m, m.dependencies[4].range) == R"(("crm", get_name()))");
  CHECK(m.dependencies[5].kind == Dependency::Kind::Swappable);
  CHECK(m.dependencies[5].setting == "accounts.User");
  CHECK_FALSE(m.dependencies_known);
  CHECK(text_at(m, m.dependencies_range).starts_with("dependencies = ["));
  CHECK(m.operations_found);
  CHECK(m.operations.empty());
}

TEST_CASE("dependencies from a constant, `+=`, or a call", "[unit]") {
  const auto known = extract(R"py(from django.db import migrations

BASE = [("shop", "0001_initial")]

class Migration(migrations.Migration):
    dependencies = BASE
    dependencies += [("shop", "0002_more")]
)py");
  REQUIRE(known.dependencies.size() == 2);
  CHECK(known.dependencies[1].name == "0002_more");
  CHECK(known.dependencies_known);
  const auto call = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    dependencies = compute_dependencies()
)py");
  REQUIRE(call.dependencies.size() == 1);
  CHECK(call.dependencies[0].kind == Dependency::Kind::Unknown);
  CHECK(text_at(call, call.dependencies[0].range) == "compute_dependencies()");
  CHECK_FALSE(call.dependencies_known);
}

TEST_CASE("replaces, run_before, initial and atomic", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    replaces = [("shop", "0001_initial"), ("shop", "0002_more")]
    run_before = [("billing", "0001_initial"), ("crm", NAME)]
    initial = True
    atomic = False
)py", "0001_squashed_0002_more");
  REQUIRE(m.replaces.size() == 2);
  CHECK(m.replaces[1].app == "shop");
  CHECK(m.replaces[1].name == "0002_more");
  CHECK(m.replaces[1].known);
  REQUIRE(m.run_before.size() == 2);
  CHECK(m.run_before[0].app == "billing");
  CHECK_FALSE(m.run_before[1].known);
  CHECK(text_at(m, m.run_before[1].range) == R"(("crm", NAME))");
  CHECK(m.initial == true);
  CHECK(m.atomic == Tri::No);
  CHECK(text_at(m, m.atomic_range) == "atomic = False");
  CHECK_FALSE(m.operations_found);
}

TEST_CASE("atomic: the default, True, and something not a literal", "[unit]") {
  const std::string header = "from django.db import migrations, connection\n\nclass Migration(migrations.Migration):\n";
  const auto defaults = extract(header + "    pass\n");
  CHECK(defaults.atomic == Tri::Yes);
  CHECK_FALSE(defaults.initial.has_value());
  const auto yes = extract(header + "    atomic = True\n    initial = False\n");
  CHECK(yes.atomic == Tri::Yes);
  CHECK(yes.initial == false);
  const auto opaque = extract(header + "    atomic = connection.vendor != 'sqlite'\n");
  CHECK(opaque.atomic == Tri::Unknown);
}

// ---- the shapes of `operations` ----

TEST_CASE("operations as a tuple, `+`-joined lists, and a module-level list by name", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

FIRST = [migrations.DeleteModel("A")]
SECOND = (migrations.DeleteModel("B"),)

class Migration(migrations.Migration):
    operations = FIRST + [migrations.DeleteModel("C")] + ([migrations.DeleteModel("D")])
    operations += SECOND
)py");
  CHECK(m.unresolved_operations.empty());
  CHECK(first_args(m.operations) == Names{"A", "C", "D", "B"});
  CHECK(text_at(m, m.operations_range) ==
        R"(operations = FIRST + [migrations.DeleteModel("C")] + ([migrations.DeleteModel("D")]))");
  // Each operation's range is its call, wherever the list was written.
  CHECK(text_at(m, m.operations[0].range()) == R"(migrations.DeleteModel("A"))");
  const auto tuple = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = (
        migrations.DeleteModel("A"),  # a comment between elements
        migrations.DeleteModel("B"),
    )
)py");
  CHECK(first_args(tuple.operations) == Names{"A", "B"});
}

TEST_CASE("`*OTHER` splats of module-level lists and single-operation constants", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

COMMON = [migrations.DeleteModel("A"), migrations.DeleteModel("B")]
ONE = migrations.DeleteModel("One")

class Migration(migrations.Migration):
    operations = [*COMMON, ONE, (migrations.DeleteModel("C")), *[migrations.DeleteModel("D")]]
)py");
  CHECK(m.unresolved_operations.empty());
  CHECK(first_args(m.operations) == Names{"A", "B", "One", "C", "D"});
}

TEST_CASE("`operations = operations + [...]` keeps what was there, once", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = [migrations.DeleteModel("A")]
    operations += [migrations.DeleteModel("B")]
    operations = operations + [migrations.DeleteModel("C")]
    operations = [migrations.DeleteModel("Z")] + operations
)py");
  CHECK(m.unresolved_operations.empty());
  CHECK(first_args(m.operations) == Names{"Z", "A", "B", "C"});
}

TEST_CASE("a module-level list extended by reassignment is read once per element", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

OPS = [migrations.DeleteModel("A")]
OPS = OPS + [migrations.DeleteModel("B")]
LOOP = LOOP + [migrations.DeleteModel("X")]

class Migration(migrations.Migration):
    operations = OPS + [migrations.DeleteModel("C")]
)py");
  CHECK(m.unresolved_operations.empty());
  CHECK(first_args(m.operations) == Names{"A", "B", "C"});
  // A name that only refers to itself is not resolved, and nothing loops.
  const auto self = extract(R"py(from django.db import migrations

OPS = OPS + [migrations.DeleteModel("X")]

class Migration(migrations.Migration):
    operations = OPS
)py");
  CHECK(first_args(self.operations) == Names{"X"});
  REQUIRE(self.unresolved_operations.size() == 1);
  CHECK(self.unresolved_operations[0].reason.find("`OPS`") != std::string::npos);
}

TEST_CASE("a reassigned `operations` forgets what the earlier value could not resolve", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = build_operations()
    operations = [migrations.DeleteModel("A")]
)py");
  CHECK(m.unresolved_operations.empty());
  CHECK(first_args(m.operations) == Names{"A"});
}

TEST_CASE("unresolvable operations: ranges and reasons", "[unit]") {
  const auto m = extract(R"py(from django.conf import settings
from django.db import migrations

def build():
    return []

class Migration(migrations.Migration):
    operations = [
        migrations.DeleteModel("A"),
        *build(),
        [migrations.DeleteModel(n) for n in NAMES],
        migrations.DeleteModel("B") if settings.DEBUG else migrations.DeleteModel("C"),
        NAMES[0],
    ]
    operations.append(migrations.DeleteModel("D"))
    if settings.DEBUG:
        operations += [migrations.DeleteModel("E")]
    for name in NAMES:
        operations.append(migrations.DeleteModel(name))

Migration.operations.append(migrations.DeleteModel("F"))
)py");
  CHECK(first_args(m.operations) == Names{"A"});
  REQUIRE(m.unresolved_operations.size() == 8);
  const auto& u = m.unresolved_operations;
  CHECK(text_at(m, u[0].range) == "*build()");
  CHECK(u[0].reason == "a call to `build()`");
  CHECK(u[0].count == -1);
  CHECK(text_at(m, u[1].range) == "[migrations.DeleteModel(n) for n in NAMES]");
  CHECK(u[1].reason == "a comprehension");
  CHECK(u[1].count == 1);
  CHECK(u[2].reason == "a conditional expression");
  CHECK(u[3].reason == "a subscript");
  CHECK(text_at(m, u[3].range) == "NAMES[0]");
  CHECK(u[4].reason == "`operations.append(...)`");
  CHECK(text_at(m, u[4].range) == R"(operations.append(migrations.DeleteModel("D")))");
  CHECK(u[5].reason == "an `if` statement that changes `operations`");
  CHECK(text_at(m, u[5].range).starts_with("if settings.DEBUG:"));
  CHECK(u[6].reason == "a `for` statement that changes `operations`");
  CHECK(u[7].reason == "module code that changes `Migration.operations`");
  CHECK(text_at(m, u[7].range) == R"(Migration.operations.append(migrations.DeleteModel("F")))");
}

TEST_CASE("the whole of `operations` unresolvable", "[unit]") {
  const auto call = extract(R"py(from django.db import migrations
from .helpers import build_operations

class Migration(migrations.Migration):
    operations = build_operations("shop")
)py");
  CHECK(call.operations_found);
  CHECK(call.operations.empty());
  REQUIRE(call.unresolved_operations.size() == 1);
  CHECK(call.unresolved_operations[0].reason == "a call to `build_operations()`");
  CHECK(text_at(call, call.unresolved_operations[0].range) == R"(operations = build_operations("shop"))");
  const auto comprehension = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = [migrations.DeleteModel(name) for name in ("A", "B")]
)py");
  REQUIRE(comprehension.unresolved_operations.size() == 1);
  CHECK(comprehension.unresolved_operations[0].reason == "a comprehension");
  const auto imported = extract(R"py(from django.db import migrations
from .common import OPERATIONS

class Migration(migrations.Migration):
    operations = OPERATIONS
)py");
  REQUIRE(imported.unresolved_operations.size() == 1);
  CHECK(imported.unresolved_operations[0].reason == "`OPERATIONS`, which is not a list defined in this file");
}

TEST_CASE("reasons quoting source text are cut on a character boundary", "[unit]") {
  // 39 ASCII bytes (a quote and 38 digits), then two-byte characters: a cut after 40 bytes would
  // split the first of them.
  const auto m = extract(
      "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
      "    operations = \"01234567890123456789012345678901234567\xC3\xA9\xC3\xA9\xC3\xA9\" * 2\n");
  REQUIRE(m.unresolved_operations.size() == 1);
  const std::string& reason = m.unresolved_operations[0].reason;
  CHECK(godwit::test::is_valid_utf8(reason));
  CHECK(reason == "`\"01234567890123456789012345678901234567…`");
}

TEST_CASE("SeparateDatabaseAndState keeps its nested lists, positional or keyword", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

STATE = [migrations.RemoveField("order", "legacy")]

class Migration(migrations.Migration):
    operations = [
        migrations.SeparateDatabaseAndState(
            [migrations.RunSQL("ALTER TABLE ...", migrations.RunSQL.noop)],
            [migrations.DeleteModel("A")],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=STATE,
            database_operations=[migrations.RunPython(lambda apps, schema_editor: None)],
        ),
        migrations.RunSQL("DROP ...", state_operations=[migrations.DeleteModel("B"), build()]),
        migrations.SeparateDatabaseAndState(database_operations=make_ops()),
    ]
)py");
  REQUIRE(m.operations.size() == 4);
  const auto& positional = m.operations[0];
  REQUIRE(positional.database_operations().size() == 1);
  CHECK(positional.database_operations()[0].kind() == OperationKind::RunSQL);
  REQUIRE(positional.state_operations().size() == 1);
  CHECK(positional.state_operations()[0].kind() == OperationKind::DeleteModel);
  CHECK(text_at(m, positional.state_operations()[0].range()) == R"(migrations.DeleteModel("A"))");
  const auto& keyword = m.operations[1];
  REQUIRE(keyword.state_operations().size() == 1);
  CHECK(keyword.state_operations()[0].kind() == OperationKind::RemoveField);
  REQUIRE(keyword.database_operations().size() == 1);
  CHECK(keyword.database_operations()[0].kind() == OperationKind::RunPython);
  CHECK(m.operations[2].database_operations().empty());
  REQUIRE(m.operations[2].state_operations().size() == 2);
  CHECK(m.operations[2].state_operations()[1].kind() == OperationKind::Custom);
  CHECK(m.operations[3].database_operations().empty());
  REQUIRE(m.unresolved_operations.size() == 1);
  CHECK(m.unresolved_operations[0].reason == "a call to `make_ops()`");
  // The lambda nested in database_operations is one function, though the call is read twice
  // (as the wrapper's argument and as a nested operation).
  REQUIRE(m.functions.size() == 1);
  CHECK(m.functions[0].scope == FunctionInfo::Scope::Lambda);
  const Value* code = keyword.database_operations()[0].arg(Param::code).value;
  REQUIRE(code != nullptr);
  REQUIRE(code->is(Value::Kind::Lambda));
  CHECK(code->function_index() == 0);
}

TEST_CASE("a lambda constant used by several operations is one function", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

NOOP = lambda apps, schema_editor: None

class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(NOOP, NOOP),
        migrations.RunPython(lambda apps, schema_editor: None, NOOP),
    ]
)py");
  REQUIRE(m.functions.size() == 2);
  const Value* forward = m.operations.at(0).arg(Param::code).value;
  const Value* reverse = m.operations.at(1).arg(Param::reverse_code).value;
  REQUIRE(forward->is(Value::Kind::Lambda));
  CHECK(forward->function_index() == reverse->function_index());
  CHECK(m.operations.at(1).arg(Param::code).value->function_index() != forward->function_index());
  CHECK(text_at(m, m.functions[forward->function_index()].signature) == "lambda apps, schema_editor");
}

// ---- markers, comments ----

TEST_CASE("django-safemigrate markers: call, attribute and aliased forms", "[unit]") {
  auto marker = [](const std::string& imports, const std::string& value) {
    const auto m = extract(imports + "\nfrom django.db import migrations\n\nclass Migration(migrations.Migration):\n" +
                           "    safe = " + value + "\n");
    REQUIRE(m.safe.has_value());
    CHECK(text_at(m, m.safe->range) == "safe = " + value);
    return m.safe->kind;
  };
  CHECK(marker("from django_safemigrate import Safe", "Safe.before_deploy()") == SafeMarker::Kind::BeforeDeploy);
  CHECK(marker("from django_safemigrate import Safe", "Safe.after_deploy") == SafeMarker::Kind::AfterDeploy);
  CHECK(marker("from django_safemigrate import Safe", "Safe.after_deploy(delay=timedelta(days=7))") ==
        SafeMarker::Kind::AfterDeploy);
  CHECK(marker("from django_safemigrate import Safe as S", "S.always()") == SafeMarker::Kind::Always);
  CHECK(marker("import django_safemigrate as dsm", "dsm.Safe.before_deploy") == SafeMarker::Kind::BeforeDeploy);
  CHECK(marker("", "Safe.always") == SafeMarker::Kind::Always);
  CHECK(marker("from django_safemigrate import Safe", "pick_phase()") == SafeMarker::Kind::Unknown);
  const auto none = extract("from django.db import migrations\n\nclass Migration(migrations.Migration):\n    pass\n");
  CHECK_FALSE(none.safe.has_value());
}

TEST_CASE("comments that mention godwit are kept; strings and other comments are not", "[unit]") {
  const auto m = extract(R"py(# godwit: ignore-file[RV001] -- legacy
from django.db import migrations  # unrelated comment

class Migration(migrations.Migration):
    operations = [
        # godwit: ignore[BC002]
        migrations.RunSQL("-- godwit: not a comment"),  # godwit: ignore[RV002] -- godwit twice
    ]
)py");
  REQUIRE(m.comments.size() == 3);
  CHECK(m.comments[0].text == "# godwit: ignore-file[RV001] -- legacy");
  CHECK(m.comments[1].text == "# godwit: ignore[BC002]");
  CHECK(m.comments[2].text == "# godwit: ignore[RV002] -- godwit twice");
  CHECK(text_at(m, m.comments[2].range) == m.comments[2].text);
}

// ---- how a module defines Migration ----

TEST_CASE("a Migration class with another base inherits what it does not declare", "[unit]") {
  const auto m = extract(R"py(from shop.migrations_base import BaseMigration

class Migration(BaseMigration):
    atomic = False
)py");
  CHECK(m.has_migration_class);
  CHECK(text_at(m, m.class_range) == "class Migration(BaseMigration)");
  CHECK_FALSE(m.dependencies_known);
  REQUIRE(m.unresolved_operations.size() == 1);
  CHECK(m.unresolved_operations[0].reason == "`operations` inherited from `BaseMigration`");
  const auto declared = extract(R"py(from django.db import migrations
from shop.migrations_base import Mixin

class Migration(Mixin, migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.DeleteModel("A")]
)py");
  CHECK(declared.dependencies_known);
  CHECK(declared.unresolved_operations.empty());
  CHECK(declared.operations.size() == 1);
}

TEST_CASE("a Migration class defined inside `if`", "[unit]") {
  const auto m = extract(R"py(import sys
from django.db import migrations

if sys.version_info >= (3, 8):
    class Migration(migrations.Migration):
        operations = [migrations.DeleteModel("A")]
)py");
  CHECK(m.has_migration_class);
  CHECK(first_args(m.operations) == Names{"A"});
}

TEST_CASE("two Migration classes: the later one is the migration, as at import time", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list = [("shop", "0001_initial")]
    operations: list = [migrations.DeleteModel("Old")]


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_more")]
    operations = [migrations.DeleteModel("New")]
)py");
  CHECK(m.has_migration_class);
  CHECK(first_args(m.operations) == Names{"New"});
  REQUIRE(m.dependencies.size() == 1);
  CHECK(m.dependencies[0].name == "0002_more");
  CHECK(m.file().position(m.class_range.begin).line == 9);
}

TEST_CASE("annotated class attributes and `from __future__` imports", "[unit]") {
  const auto m = extract(R"py(# -*- coding: utf-8 -*-
from __future__ import unicode_literals

from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list = [("shop", "0001_initial")]
    operations: list = [migrations.DeleteModel("Old")]
)py");
  REQUIRE_FALSE(m.syntax_error);
  CHECK(m.dependencies.size() == 1);
  CHECK(first_args(m.operations) == Names{"Old"});
}

TEST_CASE("Migration bound by assignment or by import: a migration whose content is unknown", "[unit]") {
  const auto assigned = extract(R"py(from shop.factory import make_migration

Migration = make_migration("shop", "0003")
)py");
  CHECK(assigned.has_migration_class);
  CHECK_FALSE(assigned.dependencies_known);
  REQUIRE(assigned.unresolved_operations.size() == 1);
  CHECK(text_at(assigned, assigned.class_range) == R"(Migration = make_migration("shop", "0003"))");
  const auto imported = extract("from .base import Migration\n");
  CHECK(imported.has_migration_class);
  CHECK_FALSE(imported.dependencies_known);
  CHECK(text_at(imported, imported.class_range) == "from .base import Migration");
  REQUIRE(imported.unresolved_operations.size() == 1);
  CHECK(imported.unresolved_operations[0].reason == "a `Migration` that is not defined by a class statement in this file");
  const auto aliased = extract("from shop.migrations.base import Base as Migration\n");
  CHECK(aliased.has_migration_class);
}

TEST_CASE("a helper module with no Migration", "[unit]") {
  const auto m = extract(R"py(from django.db import models

MIGRATION_NAME = "Migration"

def forwards(apps, schema_editor):
    pass

class Helper:
    pass
)py", "helpers");
  REQUIRE_FALSE(m.syntax_error);
  CHECK_FALSE(m.has_migration_class);
  CHECK_FALSE(m.operations_found);
  CHECK(m.functions.size() == 1);
  CHECK(m.classes.size() == 1);
}
