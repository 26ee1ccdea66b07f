// Values as extraction produces them: Python-like rendering (for messages), names, equality.
#include <catch2/catch.hpp>

#include <string>

#include "analyzer/ir/value.h"
#include "tests/support/extract.h"

using godwit::ir::NameOrigin;
using godwit::ir::Value;

TEST_CASE("rendering strings and bytes as Python's repr does", "[unit]") {
  CHECK(Value::string("it's", {}).render() == R"('it\'s')");
  CHECK(Value::string("a\nb\t\\", {}).render() == R"('a\nb\t\\')");
  CHECK(Value::string(std::string("\x01\x7f", 2), {}).render() == R"('\x01\x7f')");
  CHECK(Value::string("caf\xC3\xA9", {}).render() == "'caf\xC3\xA9'");
  // Bytes outside printable ASCII are escaped: the rendering is valid UTF-8 for any bytes.
  const std::string rendered = Value::bytes(std::string("\xff\x00\xc3\xa9z", 5), {}).render();
  CHECK(rendered == R"(b'\xff\x00\xc3\xa9z')");
  CHECK(godwit::test::is_valid_utf8(rendered));
}

TEST_CASE("rendering numbers, names, calls and containers", "[unit]") {
  CHECK(Value::floating(1.0, {}).render() == "1.0");
  CHECK(Value::floating(0.25, {}).render() == "0.25");
  CHECK(Value::integer(-7, {}).render() == "-7");
  std::vector<std::pair<std::string, Value>> keywords;
  keywords.emplace_back("null", Value::boolean(true, {}));
  keywords.emplace_back("**", Value::opaque("**extra", {}));
  std::vector<Value> positional;
  positional.push_back(Value::string("x", {}));
  const Value call =
      Value::call("django.db.models.CharField", NameOrigin::Imported, std::move(positional), std::move(keywords), {});
  CHECK(call.render() == "django.db.models.CharField('x', null=True, **extra)");
  CHECK(call.has_unpacking());
  CHECK(call.short_name() == "CharField");
  CHECK(call.names("models.CharField"));
  CHECK_FALSE(call.names("Field"));
  CHECK_FALSE(call.is_static());
  std::vector<Value> one;
  one.push_back(Value::none({}));
  CHECK(Value::sequence(Value::Kind::Tuple, std::move(one), {}).render() == "(None,)");
  CHECK(Value::sequence(Value::Kind::Set, {}, {}).render() == "set()");
}

TEST_CASE("rendering an extracted call with splats shows them once", "[unit]") {
  const auto m = godwit::test::extract(R"py(from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [migrations.AddField("order", "note", models.TextField(*ARGS, blank=True, **EXTRA))]
)py");
  CHECK(m.operations.at(0).field()->definition->render() == "django.db.models.TextField(*ARGS, blank=True, **EXTRA)");
}

TEST_CASE("a dict literal with a repeated key: the last entry wins, as in Python", "[unit]") {
  const auto m = godwit::test::extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = [migrations.RunSQL("a", hints={"k": 1, "k": 2}, elidable=False)]
)py");
  const Value& call = m.operations.at(0).call();
  const Value* hints = call.keyword("hints");
  REQUIRE(hints != nullptr);
  CHECK(hints->dict_size() == 2);
  CHECK(hints->dict_get("k")->as_int() == 2);
  CHECK(call.keyword("elidable")->as_bool() == false);
  CHECK(call.keyword("missing") == nullptr);
  CHECK(call.same_as(call));
}
