// Functions of a migration file: where they are defined, their parameters, and the facts RunPython
// analysis needs (get_model, imported names, data writes, calls to other functions of the file).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyzer/ir/migration.h"
#include "tests/support/extract.h"

using godwit::ir::DataWriteMethod;
using godwit::ir::FunctionInfo;
using godwit::ir::NameOrigin;
using godwit::ir::Param;
using godwit::ir::ParameterKind;
using godwit::ir::Value;
using godwit::test::extract;
using godwit::test::text_at;

namespace {

std::vector<DataWriteMethod> writes(const FunctionInfo& f) {
  std::vector<DataWriteMethod> out;
  for (const auto& w : f.writes) out.push_back(w.method);
  return out;
}

std::vector<std::string> imported_targets(const godwit::ir::Migration& m, const FunctionInfo& f) {
  std::vector<std::string> out;
  for (const auto& use : f.imported_uses) out.push_back(m.imports.at(use.import_index).target);
  return out;
}

const FunctionInfo& function(const godwit::ir::Migration& m, std::string_view name) {
  const FunctionInfo* f = m.function(name);
  REQUIRE(f != nullptr);
  return *f;
}

using Writes = std::vector<DataWriteMethod>;
using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("parameters of every kind", "[unit]") {
  const auto m = extract(R"py(def every(a, b: int, /, c, d=1, e: str = "", *args: int, f, g=2, **kwargs: str):
    pass

def star(apps, *, schema_editor):
    pass

def splat(*args, **kwargs):
    pass

def none():
    pass
)py", "_helpers");
  REQUIRE(m.functions.size() == 4);
  const auto& every = function(m, "every");
  REQUIRE(every.parameters.size() == 9);
  auto check = [&](size_t i, const char* name, ParameterKind kind, bool has_default) {
    INFO("parameter " << i);
    CHECK(every.parameters[i].name == name);
    CHECK(every.parameters[i].kind == kind);
    CHECK(every.parameters[i].has_default == has_default);
  };
  check(0, "a", ParameterKind::PositionalOnly, false);
  check(1, "b", ParameterKind::PositionalOnly, false);
  check(2, "c", ParameterKind::PositionalOrKeyword, false);
  check(3, "d", ParameterKind::PositionalOrKeyword, true);
  check(4, "e", ParameterKind::PositionalOrKeyword, true);
  check(5, "args", ParameterKind::VarPositional, false);
  check(6, "f", ParameterKind::KeywordOnly, false);
  check(7, "g", ParameterKind::KeywordOnly, true);
  check(8, "kwargs", ParameterKind::VarKeyword, false);
  CHECK(every.scope == FunctionInfo::Scope::Module);
  CHECK(text_at(m, every.signature).starts_with("def every(a, b: int, /,"));
  CHECK(text_at(m, every.signature).ends_with("**kwargs: str)"));

  const auto& star = function(m, "star");
  REQUIRE(star.parameters.size() == 2);
  CHECK(star.parameters[1].kind == ParameterKind::KeywordOnly);
  const auto& splat = function(m, "splat");
  REQUIRE(splat.parameters.size() == 2);
  CHECK(splat.parameters[0].kind == ParameterKind::VarPositional);
  CHECK(splat.parameters[1].kind == ParameterKind::VarKeyword);
  CHECK(function(m, "none").parameters.empty());
}

TEST_CASE("lambdas in RunPython are functions with parameters", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: apps.get_model("shop", "Order").objects.update(flag=True),
            lambda *args, **kwargs: None,
        ),
    ]
)py");
  REQUIRE(m.functions.size() == 2);
  const Value* code = m.operations.at(0).arg(Param::code).value;
  REQUIRE(code->is(Value::Kind::Lambda));
  const FunctionInfo& forward = m.functions.at(code->function_index());
  CHECK(forward.name == "<lambda>");
  CHECK(forward.scope == FunctionInfo::Scope::Lambda);
  CHECK(forward.calls_get_model);
  CHECK(writes(forward) == Writes{DataWriteMethod::Update});
  REQUIRE(forward.parameters.size() == 2);
  CHECK(forward.parameters[1].name == "schema_editor");
  const FunctionInfo& reverse = m.functions.at(m.operations.at(0).arg(Param::reverse_code).value->function_index());
  REQUIRE(reverse.parameters.size() == 2);
  CHECK(reverse.parameters[0].kind == ParameterKind::VarPositional);
  CHECK(reverse.writes.empty());
}

TEST_CASE("functions in the Migration class body", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

def forwards(apps, schema_editor):
    pass

class Migration(migrations.Migration):
    def forwards(apps, schema_editor):
        Order = apps.get_model("shop", "Order")
        Order.objects.all().delete()

    @staticmethod
    def backwards(apps, schema_editor):
        pass

    operations = [migrations.RunPython(forwards, backwards)]
)py");
  REQUIRE(m.functions.size() == 3);
  // The class body's `forwards` is the one the operation names (and the later definition).
  const auto& forwards = function(m, "forwards");
  CHECK(forwards.scope == FunctionInfo::Scope::MigrationClass);
  CHECK(forwards.calls_get_model);
  CHECK(writes(forwards) == Writes{DataWriteMethod::Delete});
  CHECK(function(m, "backwards").scope == FunctionInfo::Scope::MigrationClass);
  const Value* code = m.operations.at(0).arg(Param::code).value;
  CHECK(code->is(Value::Kind::Name));
  CHECK(code->origin() == NameOrigin::Local);
  CHECK(code->text() == "forwards");
}

TEST_CASE("imported names used in a function, shadowed by apps.get_model", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations
from django.contrib.auth import get_user_model
from shop.models import Order, Customer
import billing.models

def uses_imports(apps, schema_editor):
    for customer in Customer.objects.all():
        Order.objects.create(customer=customer)
    billing.models.Invoice.objects.count()
    get_user_model()

def shadows(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(paid=False).update(paid=True)

def imports_inside(apps, schema_editor):
    from shop.models import Refund
    Refund.objects.all()

class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(uses_imports, shadows),
        migrations.RunPython(imports_inside, migrations.RunPython.noop),
    ]
)py");
  const auto& uses = function(m, "uses_imports");
  CHECK(imported_targets(m, uses) ==
        Names{"shop.models.Customer", "shop.models.Order", "billing", "django.contrib.auth.get_user_model"});
  CHECK(text_at(m, uses.imported_uses[0].range) == "Customer");
  CHECK_FALSE(uses.calls_get_model);
  // Writes go through historical models only: Order here is today's model.
  CHECK(uses.writes.empty());

  const auto& shadows = function(m, "shadows");
  CHECK(shadows.imported_uses.empty());
  CHECK(shadows.calls_get_model);
  CHECK(writes(shadows) == Writes{DataWriteMethod::Update});

  const auto& inside = function(m, "imports_inside");
  REQUIRE(inside.imported_uses.size() == 1);
  const auto& local_import = m.imports.at(inside.imported_uses[0].import_index);
  CHECK(local_import.target == "shop.models.Refund");
  CHECK(local_import.function == static_cast<int32_t>(m.function("imports_inside") - m.functions.data()));
  CHECK(text_at(m, local_import.range) == "from shop.models import Refund");
}

TEST_CASE("data writes through model chains, objects and SQL", "[unit]") {
  const auto m = extract(R"py(from django.db import connection, migrations

def forwards(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(paid=False).exclude(total=0).update(paid=True)
    Order.objects.filter(total=0).delete()
    Order.objects.create(total=1)
    Order.objects.bulk_create([Order(total=2)])
    Order.objects.bulk_update([], ["total"])
    Order.objects.get_or_create(total=3)
    Order.objects.update_or_create(total=4)
    Order.objects.count()
    Order.objects.filter(paid=True).exists()
    for order in Order.objects.filter(paid=False).iterator():
        order.save(update_fields=["paid"])
    first = Order.objects.get(pk=1)
    first.save()
    refund, created = Order.objects.get_or_create(total=5)
    refund.delete()
    if (last := Order.objects.last()) is not None:
        last.save()
    new = Order(total=6)
    new.save()
    schema_editor.execute("UPDATE shop_order SET paid = true")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM shop_order")
    with connection.cursor() as other:
        other.executemany("INSERT ...", [])
    not_a_model.save()
)py", "_helpers");
  const auto& f = function(m, "forwards");
  CHECK(writes(f) == Writes{DataWriteMethod::Update,       DataWriteMethod::Delete,     DataWriteMethod::Create,
                            DataWriteMethod::BulkCreate,   DataWriteMethod::BulkUpdate, DataWriteMethod::GetOrCreate,
                            DataWriteMethod::UpdateOrCreate, DataWriteMethod::Save,     DataWriteMethod::Save,
                            DataWriteMethod::GetOrCreate,  DataWriteMethod::ObjectDelete, DataWriteMethod::Save,
                            DataWriteMethod::Save,         DataWriteMethod::ExecuteSql, DataWriteMethod::ExecuteSql,
                            DataWriteMethod::ExecuteSql});
  CHECK(text_at(m, f.writes[0].range) ==
        "Order.objects.filter(paid=False).exclude(total=0).update(paid=True)");
  CHECK(text_at(m, f.writes[7].range) == R"(order.save(update_fields=["paid"]))");
  CHECK(text_at(m, f.writes[13].range) == R"(schema_editor.execute("UPDATE shop_order SET paid = true"))");
  CHECK(text_at(m, f.writes[14].range) == R"(cursor.execute("DELETE FROM shop_order"))");
}

TEST_CASE("schema_editor is the second parameter whatever its name", "[unit]") {
  const auto m = extract(R"py(def forwards(registry, editor):
    Order = registry.get_model("shop", "Order")
    Order.objects.update(x=1)
    editor.execute("SELECT 1")
    schema_editor.execute("not the parameter")
)py", "_helpers");
  const auto& f = function(m, "forwards");
  CHECK(f.calls_get_model);
  CHECK(writes(f) == Writes{DataWriteMethod::Update, DataWriteMethod::ExecuteSql});
}

TEST_CASE("calls to other functions of the file", "[unit]") {
  const auto m = extract(R"py(import helpers

def backfill(Order):
    Order.objects.update(x=1)

def forwards(apps, schema_editor):
    backfill(apps.get_model("shop", "Order"))
    backfill(None)
    helpers.run()
    print("done")
    local = lambda: None
    local()

    def nested():
        pass
    nested()
)py", "_helpers");
  const auto& f = function(m, "forwards");
  CHECK(f.local_calls == Names{"backfill"});
  // A parameter named like a model is not a historical model: nothing is known about it.
  CHECK(function(m, "backfill").writes.empty());
}

TEST_CASE("match statements and walrus in module code and in functions", "[unit]") {
  const auto m = extract(R"py(import sys
from django.db import migrations

match sys.platform:
    case "linux":
        SUFFIX = "l"
    case _:
        SUFFIX = "x"

if (count := 3) > 2:
    pass

def forwards(apps, schema_editor):
    match schema_editor.connection.vendor:
        case "postgresql":
            schema_editor.execute("SELECT 1")
        case other:
            pass
    if (Order := apps.get_model("shop", "Order")) is not None:
        Order.objects.update(flag=True)

class Migration(migrations.Migration):
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
)py");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 1);
  const auto& f = function(m, "forwards");
  CHECK(f.calls_get_model);
  CHECK(writes(f) == Writes{DataWriteMethod::ExecuteSql, DataWriteMethod::Update});
}

TEST_CASE("nested functions are not module functions", "[unit]") {
  const auto m = extract(R"py(def outer(apps, schema_editor):
    def inner():
        pass
    inner()
)py", "_helpers");
  REQUIRE(m.functions.size() == 1);
  CHECK(m.function("inner") == nullptr);
  CHECK(function(m, "outer").local_calls.empty());
}
