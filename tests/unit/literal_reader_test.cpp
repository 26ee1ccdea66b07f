// The LiteralReader reads operations from the text; the syntax tree is the reference. Every
// input is extracted both ways and must give the same IR, byte for byte.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "analyzer/cache/ir_codec.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/frontend/literal_reader.h"
#include "analyzer/frontend/migration_extractor.h"
#include "tests/bench/project_generator.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using godwit::frontend::ExtractOptions;
using godwit::frontend::LiteralReader;
using godwit::ir::Value;

namespace {

// Extracts `text` with and without the LiteralReader; returns both encodings.
std::pair<std::string, std::string> both_ways(const std::string& text) {
  godwit::frontend::PythonParser parser;
  const auto source = std::make_shared<const godwit::source::SourceFile>("shop/migrations/0002_x.py", text);
  const auto fast = godwit::frontend::read_migration(parser, source, "shop", "0002_x", ExtractOptions{true});
  const auto tree = godwit::frontend::read_migration(parser, source, "shop", "0002_x", ExtractOptions{false});
  return {godwit::cache::encode_migration(fast), godwit::cache::encode_migration(tree)};
}

std::string migration(const std::string& preamble, const std::string& operations) {
  return "from django.db import migrations, models\nfrom django.utils.translation import gettext_lazy as _\n"
         "import django.db.models.deletion\n" +
         preamble + "\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n" +
         "    operations = [\n" + operations + "\n    ]\n";
}

// Names as themselves, for reading expressions without a module around them.
class PlainNames final : public LiteralReader::Names {
 public:
  std::optional<Value> value_of(std::span<const std::string_view> parts, godwit::source::TextRange range,
                                uint32_t /*depth*/) override {
    std::string joined;
    for (const auto part : parts) joined += (joined.empty() ? "" : ".") + std::string(part);
    return Value::name(joined, godwit::ir::NameOrigin::Unknown, range);
  }
};

std::optional<Value> read(std::string_view text) {
  PlainNames names;
  LiteralReader reader(text, names);
  return reader.read({0, static_cast<uint32_t>(text.size())}, 0);
}

}  // namespace

TEST_CASE("the LiteralReader reads the literals migrations are made of", "[unit]") {
  const auto v = read(R"(migrations.AddField(
            model_name='order',  # a comment
            name="note",
            field=models.CharField(max_length=20, null=True, default=-1.5, choices=[("a", "A"), ('b', 'B')]),
            **extra
        ))");
  REQUIRE(v);
  CHECK(v->is(Value::Kind::Call));
  CHECK(v->text() == "migrations.AddField");
  CHECK(std::ranges::equal(v->keyword_names(), std::vector<std::string>{"model_name", "name", "field", "**"}));
  CHECK(*v->keyword("name")->as_string() == "note");
  const Value* field = v->keyword("field");
  CHECK(field->keyword("default")->as_float() == -1.5);
  CHECK(field->keyword("choices")->elements().size() == 2);
  CHECK(v->keyword_values()[3].text() == "**extra");
  CHECK(v->has_unpacking());

  CHECK(read("'a' 'b'  # c\n  \"c\"")->text() == "abc");
  CHECK(read("b'\\x00'")->is(Value::Kind::Bytes));
  CHECK(read("(1, 'x', None, True, {'k': [2]}, {3})")->elements().size() == 6);
  CHECK(read("((('deep')))")->range().begin == 3);
  CHECK(read("[*[1, 2], 3]")->elements().size() == 3);
  CHECK(read("{**base, 'k': 1}")->has_unpacking());
  CHECK(read("f(*args)")->has_unpacking());
}

TEST_CASE("the LiteralReader leaves everything else to the tree", "[unit]") {
  for (const char* text : {"lambda: 1", "f(lambda x: x)", "a + b", "x[0]", "f()()", "f().g", "f(x for x in y)",
                           "[x for x in y]", "f'{x}'", "f(a if b else c)", "not x", "-x", "0x1F", "1e5", "1_000",
                           "a.b(c).d", "f(\\\n1)", "caf\xC3\xA9", "print(1)", "f(type=1)", "(yield)", "x == y",
                           "f(a)(b)", "{k: v for k, v in x}", "[1, 2", "'unterminated", "f(a=)"}) {
    INFO(text);
    CHECK_FALSE(read(text));
  }
}

TEST_CASE("operations read from the text equal those read from the tree", "[unit]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "        migrations.AddField('order', 'note', models.TextField(null=True, verbose_name=_('note'))),"},
      {"", "        migrations.CreateModel(\n            name='Order',  # the order\n            fields=[\n"
           "                ('id', models.BigAutoField(primary_key=True)),  # pk\n"
           "                ('total', models.DecimalField(max_digits=10, decimal_places=2, default=-0.5)),\n"
           "            ],\n            options={'ordering': ('-id',), **{'abstract': False}},\n        ),"},
      {"DEFAULT = 'x'\nFIELD = models.CharField\nBASE = [('a', 'A')]\nOPTS = {'k': 1}",
       "        migrations.AddField('order', 'a', FIELD(max_length=DEFAULT, choices=[*BASE, ('b', 'B')])),\n"
       "        migrations.AlterModelOptions('order', OPTS),"},
      {"L = lambda: 1\nC = models.IntegerField(default=lambda: 2)",
       "        migrations.AddField('order', 'a', models.IntegerField(default=L)),\n"
       "        migrations.AddField('order', 'b', C),\n"
       "        migrations.AddField('order', 'c', models.IntegerField(default=lambda: 3)),"},
      {"", "        migrations.RunSQL('SELECT 1' 'FROM x', reverse_sql=r'\\d' b'' u'\\N{DASH}'),\n"
           "        migrations.RunSQL(\"\"\"\n            multi\n            line \\\"\"\" \"\"\", '''x'''),"},
      {"", "        migrations.SeparateDatabaseAndState(\n            state_operations=[\n"
           "                migrations.RemoveField('order', 'legacy'),\n            ],\n"
           "            database_operations=[*OTHER],\n        ),"},
      {"", "        migrations.AddField('order', 'x', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,"
           " to='shop.customer', related_name=('orders'))),\n"
           "        migrations.AddIndex('order', models.Index(fields=['a', '-b'], name='i' + 'x')),\n"
           "        migrations.RunPython(code=f, reverse_code=migrations.RunPython.noop, atomic=False, hints={}),\n"
           "        migrations.AddField('order', 'y', models.IntegerField(default=-9223372036854775807)),\n"
           "        migrations.AddField('order', 'z', models.IntegerField(default=99999999999999999999)),"},
      {"", "        migrations.RunPython(f, *extra),\n        migrations.RunPython(f, ** kw),\n"
           "        migrations.AlterField('a', 'b', models.Field(choices={1, 2}, x=(1,), y=(), z=(1), w={})),"},
  };
  for (const auto& [preamble, operations] : cases) {
    const std::string text = migration(preamble, operations);
    INFO(text);
    const auto [fast, tree] = both_ways(text);
    CHECK(fast == tree);
  }
}

TEST_CASE("every test input, sample and generated migration extracts the same both ways", "[unit]") {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/fixtures", "tests/robustness", "tests/golden", "tests/integration", "samples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(GODWIT_SOURCE_DIR) / dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".py") files.push_back(entry.path());
    }
  }
  const godwit::test::TempDir dir;
  godwit::bench::generate_project(dir.path(), {.files = 400, .apps = 8, .seed = 3});
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file() && entry.path().filename() != "__init__.py") files.push_back(entry.path());
  }
  REQUIRE(files.size() > 500);
  for (const fs::path& path : files) {
    INFO(path.string());
    std::string text;
    std::string error;
    REQUIRE(godwit::driver::read_file(path, text, error));
    const auto [fast, tree] = both_ways(text);
    CHECK(fast == tree);
  }
}
