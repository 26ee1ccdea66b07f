// What the extractor records about functions for RunPython analysis.
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "analyzer/frontend/migration_extractor.h"

namespace {

using namespace godwit;

ir::Migration extract(std::string code) {
  frontend::PythonParser parser;
  auto source = std::make_shared<const source::SourceFile>("shop/migrations/0002_data.py", std::move(code));
  return frontend::read_migration(parser, source, "shop", "0002_data");
}

const ir::FunctionInfo& function(const ir::Migration& migration, std::string_view name) {
  const ir::FunctionInfo* f = migration.function(name);
  REQUIRE(f != nullptr);
  return *f;
}

}  // namespace

TEST_CASE("a parameter named schema_editor is the schema editor wherever it stands", "[unit]") {
  // functools.partial(forwards, "shop") calls forwards("shop", apps, schema_editor): the editor is
  // the third parameter, and its execute() is a data write.
  const auto m = extract(R"py(
def forwards(label, apps, schema_editor):
    schema_editor.execute("DELETE FROM shop_cart WHERE customer_id IS NULL")

def second(apps, editor):
    editor.execute("UPDATE shop_cart SET note = ''")

def not_an_editor(apps, schema_editor, log):
    log.execute("nothing")
)py");
  const auto& forwards = function(m, "forwards");
  REQUIRE(forwards.writes.size() == 1);
  CHECK(forwards.writes[0].method == ir::DataWriteMethod::ExecuteSql);
  const auto& second = function(m, "second");
  REQUIRE(second.writes.size() == 1);
  CHECK(second.writes[0].method == ir::DataWriteMethod::ExecuteSql);
  CHECK(function(m, "not_an_editor").writes.empty());
}

TEST_CASE("decorated functions are marked", "[unit]") {
  const auto m = extract(R"py(
from django.db import migrations, transaction

@transaction.atomic
def forwards(apps):
    pass

def plain(apps, schema_editor):
    pass

class Migration(migrations.Migration):
    @staticmethod
    def inner(apps):
        pass
)py");
  CHECK(function(m, "forwards").decorated);
  CHECK_FALSE(function(m, "plain").decorated);
  CHECK(function(m, "inner").decorated);
}

TEST_CASE("an imported name's first use keeps the dotted name read there", "[unit]") {
  const auto m = extract(R"py(
import shop.models
from shop import models as shop_models
from shop.models import Order

def forwards(apps, schema_editor):
    Order.objects.count()
    shop.models.Customer.objects.filter(pk=1).exists()
    shop_models.Coupon(code="x")
    Order.objects.all()
)py");
  const auto& f = function(m, "forwards");
  REQUIRE(f.imported_uses.size() == 3);
  CHECK(f.imported_uses[0].path == "Order.objects.count");
  CHECK(m.imports[f.imported_uses[0].import_index].binding == "Order");
  CHECK(f.imported_uses[1].path == "shop.models.Customer.objects.filter");
  CHECK(f.imported_uses[2].path == "shop_models.Coupon");
}

TEST_CASE("a name assigned from apps.get_model is not a use of the import it shadows", "[unit]") {
  const auto m = extract(R"py(
from shop.models import Order, Customer

def forwards(apps, schema_editor):
    print(Order)  # local in the whole function: the assignment below makes it so
    Order = apps.get_model("shop", "Order")
    Order.objects.update(note="")
    Customer.objects.count()
)py");
  const auto& f = function(m, "forwards");
  REQUIRE(f.imported_uses.size() == 1);
  CHECK(m.imports[f.imported_uses[0].import_index].binding == "Customer");
  REQUIRE(f.writes.size() == 1);
  CHECK(f.writes[0].method == ir::DataWriteMethod::Update);
}
