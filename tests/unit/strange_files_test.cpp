// Real-world strangeness: line endings, tabs, non-ASCII, a BOM, huge and deeply nested files,
// bytes that are not Python at all, and files cut short. Extraction must never crash, and what
// it reports must point at the right bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/ir/migration.h"
#include "tests/support/extract.h"

using godwit::ir::OperationKind;
using godwit::ir::Param;
using godwit::ir::SyntaxProblem;
using godwit::source::ColumnUnit;
using godwit::source::Position;
using godwit::test::extract;
using godwit::test::text_at;

namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

constexpr std::string_view kMigration = R"py(from django.db import migrations, models


def forwards(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.update(flag=True)


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("order", "flag", models.BooleanField(default=False)),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
)py";

void check_clean_migration(const godwit::ir::Migration& m) {
  REQUIRE_FALSE(m.syntax_error);
  CHECK(m.has_migration_class);
  REQUIRE(m.dependencies.size() == 1);
  CHECK(m.dependencies[0].name == "0001_initial");
  REQUIRE(m.operations.size() == 2);
  CHECK(m.operations[0].kind() == OperationKind::AddField);
  CHECK(m.operations[1].kind() == OperationKind::RunPython);
  CHECK(text_at(m, m.operations[1].range()) == "migrations.RunPython(forwards, migrations.RunPython.noop)");
  REQUIRE(m.function("forwards") != nullptr);
  CHECK(m.function("forwards")->calls_get_model);
  CHECK(m.function("forwards")->writes.size() == 1);
}

}  // namespace

TEST_CASE("CRLF line endings everywhere", "[unit]") {
  const auto m = extract(replace_all(std::string(kMigration), "\n", "\r\n"));
  check_clean_migration(m);
  // 1-based line 14 is the RunPython line, whatever the line terminator.
  CHECK(m.file().position(m.operations[1].range().begin) == Position{14, 9});
}

TEST_CASE("lone CR line endings", "[unit]") {
  // Python accepts old Mac line endings; the grammar's scanner alone would see one long line.
  const auto m = extract(replace_all(std::string(kMigration), "\n", "\r"));
  check_clean_migration(m);
  CHECK(m.file().position(m.operations[1].range().begin) == Position{14, 9});
  // A comment ends at its CR, not at the end of the file.
  const auto comments = extract("# godwit: ignore-file[RV001]\rfrom django.db import migrations\r");
  REQUIRE(comments.comments.size() == 1);
  CHECK(comments.comments[0].text == "# godwit: ignore-file[RV001]");
  CHECK(comments.imports.size() == 1);
  // Mixed with CRLF, and a CR inside a string literal keeps its byte.
  const auto mixed = extract("from django.db import migrations\r\n\rclass Migration(migrations.Migration):\r"
                             "    operations = [migrations.RunSQL('''a\rb''')]\r\n");
  REQUIRE_FALSE(mixed.syntax_error);
  REQUIRE(mixed.operations.size() == 1);
  CHECK(mixed.file().position(mixed.operations[0].range().begin) == Position{4, 19});
}

TEST_CASE("tabs for indentation", "[unit]") {
  const auto m = extract(replace_all(std::string(kMigration), "    ", "\t"));
  check_clean_migration(m);
  CHECK(m.file().position(m.operations[1].range().begin) == Position{14, 3});
}

TEST_CASE("non-ASCII identifiers and strings", "[unit]") {
  const auto m = extract(R"py(from django.db import migrations

GRÖSSE = 12
NAME = "Straße"

def vorwärts(apps, schema_editor):
    Bestellung = apps.get_model("laden", "Bestellung")
    Bestellung.objects.update(größe=GRÖSSE)

class Migration(migrations.Migration):
    operations = [
        migrations.RenameField("bestellung", NAME, "straße_neu"),
        migrations.RunPython(vorwärts, migrations.RunPython.noop),
    ]
)py");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 2);
  CHECK(*m.operations[0].string_arg(Param::old_name) == "Straße");
  CHECK(*m.operations[0].string_arg(Param::new_name) == "straße_neu");
  CHECK(m.operations[1].arg(Param::code).value->text() == "vorwärts");
  const auto* f = m.function("vorwärts");
  REQUIRE(f != nullptr);
  CHECK(f->calls_get_model);
  CHECK(f->writes.size() == 1);
}

TEST_CASE("4-byte characters before an operation: columns in code points and UTF-16", "[unit]") {
  const auto m = extract(
      "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
      "    operations = [migrations.RunSQL(\"\xF0\x9F\x98\x80\xF0\x9F\x8E\x89\"), migrations.RunSQL(\"x\")]\n");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 2);
  CHECK(*m.operations[0].string_arg(Param::sql) == "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89");
  const auto& second = m.operations[1];
  CHECK(text_at(m, second.range()) == "migrations.RunSQL(\"x\")");
  // `    operations = [migrations.RunSQL("` is 37 characters, then two emoji (2 code points,
  // 4 UTF-16 units, 8 bytes), then `"), `.
  CHECK(m.file().position(second.range().begin, ColumnUnit::CodePoint) == Position{4, 44});
  CHECK(m.file().position(second.range().begin, ColumnUnit::Utf16) == Position{4, 46});
  CHECK(m.file().position(second.range().begin, ColumnUnit::Byte) == Position{4, 50});
  CHECK(m.file().offset(Position{4, 46}, ColumnUnit::Utf16) == second.range().begin);
  CHECK(m.file().offset(Position{4, 44}, ColumnUnit::CodePoint) == second.range().begin);
}

TEST_CASE("a UTF-8 BOM: parsed as Python, ranges stay byte offsets of the file", "[unit]") {
  const std::string text = "\xEF\xBB\xBF" + std::string(kMigration);
  const auto m = extract(text);
  check_clean_migration(m);
  CHECK(text_at(m, m.operations[0].range()).starts_with("migrations.AddField("));
  REQUIRE(!m.imports.empty());
  CHECK(m.imports[0].range.begin == 3);
  CHECK(text_at(m, m.imports[0].range) == "from django.db import migrations, models");
  // The BOM is a character of line 1: the import starts in column 2.
  CHECK(m.file().position(m.imports[0].range.begin) == Position{1, 2});

  // A BOM with an error after it: the error is located in the original text.
  const auto broken = extract("\xEF\xBB\xBF" "x = (1,\n");
  REQUIRE(broken.syntax_error);
  CHECK(broken.syntax_error->range.begin >= 3);
  // Only a BOM.
  const auto only_bom = extract("\xEF\xBB\xBF");
  CHECK_FALSE(only_bom.syntax_error);
  CHECK_FALSE(only_bom.has_migration_class);
}

TEST_CASE("a ~300 KB generated migration with 450 operations", "[unit]") {
  std::string text = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
                     "    initial = True\n\n    dependencies = []\n\n    operations = [\n";
  for (int i = 0; i < 450; ++i) {
    const std::string n = std::to_string(i);
    text += "        migrations.CreateModel(\n            name=\"Model" + n + "\",\n            fields=[\n";
    for (int j = 0; j < 6; ++j) {
      const std::string k = std::to_string(j);
      text += "                (\"field_" + k + "\", models.CharField(max_length=" + std::to_string(10 + j) +
              ", null=True, help_text=\"generated field " + k + " of model " + n + "\")),\n";
    }
    text += "            ],\n        ),\n";
  }
  text += "    ]\n";
  REQUIRE(text.size() > 300'000);
  const auto m = extract(text, "0001_initial");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 450);
  CHECK(m.unresolved_operations.empty());
  const auto& last = m.operations.back();
  CHECK(last.model_key() == "model449");
  REQUIRE(last.model_fields().size() == 6);
  CHECK(last.model_fields()[5].spec.max_length.value == 15);
  // 11 lines per model, then `    ]` and the empty line after the final newline.
  CHECK(m.file().position(last.range().begin).line == m.file().lines().line_count() - 12);
}

TEST_CASE("10 000 nested brackets in module code", "[unit]") {
  const std::string brackets = std::string(10'000, '[') + std::string(10'000, ']');
  const auto m = extract("x = " + brackets + "\n");
  CHECK_FALSE(m.has_migration_class);
  const auto unclosed = extract("x = " + std::string(10'000, '[') + "\n");
  CHECK(unclosed.syntax_error);
}

TEST_CASE("10 000 nested brackets inside an operation become an Opaque value", "[unit]") {
  const std::string deep = std::string(10'000, '(') + "'x'" + std::string(10'000, ')');
  const auto m = extract("from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                         "    operations = [migrations.RunSQL(" + deep + "), migrations.DeleteModel(\"A\")]\n");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 2);
  const auto sql = m.operations[0].arg(Param::sql);
  REQUIRE(sql.present());
  // The outer parentheses are just grouping; what is too deep to read is kept as its text.
  CHECK(sql.value->is_opaque());
  CHECK(sql.value->text().starts_with("(("));
  CHECK(deep.find(sql.value->text()) != std::string::npos);
  CHECK(m.operations[1].kind() == OperationKind::DeleteModel);

  std::string calls;
  for (int i = 0; i < 10'000; ++i) calls += "f(";
  calls += "1" + std::string(10'000, ')');
  const auto in_field = extract("from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n"
                                "    operations = [migrations.AddField(\"a\", \"b\", models.IntegerField(default=" +
                                calls + "))]\n");
  REQUIRE_FALSE(in_field.syntax_error);
  REQUIRE(in_field.operations.size() == 1);
  const auto* deep_default = in_field.operations[0].field()->option("default");
  REQUIRE(deep_default != nullptr);
  CHECK_FALSE(deep_default->is_static());  // the innermost calls are Opaque

  const auto as_list = extract("from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                               "    operations = " + std::string(10'000, '[') + std::string(10'000, ']') + "\n");
  REQUIRE_FALSE(as_list.syntax_error);
  CHECK(as_list.operations.empty());
  CHECK_FALSE(as_list.unresolved_operations.empty());
}

TEST_CASE("deeply nested blocks and long `+` chains", "[unit]") {
  // Python stops at 100 indentation levels; nesting far beyond must not crash the reader.
  std::string ifs = "from django.db import migrations\n";
  for (int i = 0; i < 3000; ++i) ifs += std::string(static_cast<size_t>(i), ' ') + "if x:\n";
  ifs += std::string(3000, ' ') + "pass\n";
  const auto deep_ifs = extract(ifs);
  CHECK_FALSE(deep_ifs.has_migration_class);

  // Within Python's limits, a Migration class defined deep in conditionals is found.
  std::string nested = "from django.db import migrations\n";
  std::string indent;
  for (int i = 0; i < 50; ++i) {
    nested += indent + "if True:\n";
    indent += " ";
  }
  nested += indent + "class Migration(migrations.Migration):\n" + indent + " operations = []\n";
  const auto deep_class = extract(nested);
  REQUIRE_FALSE(deep_class.syntax_error);
  CHECK(deep_class.has_migration_class);
  CHECK(deep_class.operations_found);

  std::string chain = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = ";
  for (int i = 0; i < 2000; ++i) chain += "[migrations.DeleteModel(\"M" + std::to_string(i) + "\")] + ";
  chain += "[]\n";
  const auto long_chain = extract(chain);
  REQUIRE_FALSE(long_chain.syntax_error);
  // `+` nests one level per term; the chain is still read whole, in order.
  CHECK(long_chain.unresolved_operations.empty());
  REQUIRE(long_chain.operations.size() == 2000);
  CHECK(*long_chain.operations.front().string_arg(Param::name) == "M0");
  CHECK(*long_chain.operations.back().string_arg(Param::name) == "M1999");
}

TEST_CASE("NUL bytes: a syntax problem at the first NUL", "[unit]") {
  std::string text(kMigration);
  const size_t at = text.find("class");
  text.insert(at, std::string(1, '\0'));
  const auto m = extract(text);
  REQUIRE(m.syntax_error);
  CHECK(m.syntax_error->kind == SyntaxProblem::Kind::NulByte);
  CHECK(m.syntax_error->range.begin == at);
  CHECK(m.syntax_error->range.end == at + 1);
  CHECK(m.operations.empty());
  CHECK_FALSE(m.has_migration_class);

  // A declared encoding allows bytes that are not UTF-8 before the NUL, not the NUL.
  const std::string latin1 = "# -*- coding: latin-1 -*-\nx = 'caf\xE9'\n";
  const auto declared = extract(latin1 + std::string(1, '\0') + "y = 1\n");
  REQUIRE(declared.syntax_error);
  CHECK(declared.syntax_error->kind == SyntaxProblem::Kind::NulByte);
  CHECK(declared.syntax_error->range.begin == latin1.size());
}

TEST_CASE("invalid UTF-8: a syntax problem at the first bad byte", "[unit]") {
  // Latin-1 without a coding declaration (with one, Python would accept it: see PEP 263).
  const std::string latin1 = "from django.db import migrations\n# caf\xE9\n";
  const auto m = extract(latin1);
  REQUIRE(m.syntax_error);
  CHECK(m.syntax_error->kind == SyntaxProblem::Kind::InvalidUtf8);
  CHECK(m.syntax_error->range.begin == latin1.find('\xE9'));
  // UTF-16 with its byte order mark is not UTF-8 either: the first problem is its first byte,
  // not the NUL bytes that follow.
  const std::string utf16("\xFF\xFEi\0m\0", 6);
  const auto wide = extract(utf16);
  REQUIRE(wide.syntax_error);
  CHECK(wide.syntax_error->kind == SyntaxProblem::Kind::InvalidUtf8);
  CHECK(wide.syntax_error->range.begin == 0);
  // And the other way round: a NUL before a bad byte is the first problem.
  const auto nul_first = extract(std::string("x = 1\0\xFF", 7));
  REQUIRE(nul_first.syntax_error);
  CHECK(nul_first.syntax_error->kind == SyntaxProblem::Kind::NulByte);
  CHECK(nul_first.syntax_error->range.begin == 5);
  // A truncated sequence at the very end.
  const auto cut = extract("x = 1\n\xE2\x82");
  REQUIRE(cut.syntax_error);
  CHECK(cut.syntax_error->range.begin == 6);
}

TEST_CASE("binary blobs", "[unit]") {
  std::mt19937 random(20240607);
  for (int round = 0; round < 20; ++round) {
    std::string blob(4096, '\0');
    for (char& c : blob) c = static_cast<char>(random() & 0xFF);
    const auto m = extract(blob);
    REQUIRE(m.syntax_error);
    CHECK(m.operations.empty());
  }
  // Random bytes without NUL or invalid UTF-8: printable ASCII noise still never crashes.
  for (int round = 0; round < 20; ++round) {
    std::string noise(4096, ' ');
    for (char& c : noise) c = static_cast<char>(0x20 + random() % 0x5F);
    const auto m = extract(noise);
    if (m.syntax_error) CHECK(m.syntax_error->range.end <= noise.size());
  }
}

TEST_CASE("an empty file and a file with only comments", "[unit]") {
  const auto empty = extract("");
  CHECK_FALSE(empty.syntax_error);
  CHECK_FALSE(empty.has_migration_class);
  CHECK(empty.operations.empty());
  CHECK(empty.imports.empty());
  const auto comments = extract("# Generated by hand\n# godwit: ignore-file[RV001]\n\n   # indented comment\n");
  CHECK_FALSE(comments.syntax_error);
  CHECK_FALSE(comments.has_migration_class);
  REQUIRE(comments.comments.size() == 1);
  CHECK(comments.comments[0].text == "# godwit: ignore-file[RV001]");
  const auto blank = extract("\n\n   \n\t\n");
  CHECK_FALSE(blank.syntax_error);
}

TEST_CASE("truncated files: every prefix of a migration", "[unit]") {
  const std::string full(kMigration);
  const size_t list_open = full.find("operations = [") + 14;
  for (size_t size = 0; size < full.size(); ++size) {
    const auto m = extract(full.substr(0, size));
    INFO("cut after " << size << " bytes");
    if (m.syntax_error) {
      // Nothing but the problem is extracted, and it is inside the text.
      CHECK(m.operations.empty());
      CHECK(m.syntax_error->range.begin <= size);
      CHECK(m.syntax_error->range.end <= size);
      CHECK(godwit::test::is_valid_utf8(m.syntax_error->detail));
    }
    // Cut inside the operations list: the brackets are unbalanced.
    if (size > list_open && size < full.size() - 6) CHECK(m.syntax_error);
  }
}

TEST_CASE("syntax problems: the earliest innermost error, or the missing token", "[unit]") {
  const auto unexpected = extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.DeleteModel("A") $ 1,
    ]
)py");
  REQUIRE(unexpected.syntax_error);
  CHECK(unexpected.syntax_error->kind == SyntaxProblem::Kind::Error);
  CHECK(text_at(unexpected, unexpected.syntax_error->range).find('$') != std::string_view::npos);
  CHECK(unexpected.file().position(unexpected.syntax_error->range.begin).line == 5);
  CHECK_FALSE(unexpected.has_migration_class);

  const auto missing = extract("from django.db import migrations\nx = foo(1, 2\n");
  REQUIRE(missing.syntax_error);
  CHECK(missing.file().position(missing.syntax_error->range.begin).line >= 2);

  // Non-ASCII in the unexpected text: the abridged detail stays valid UTF-8.
  const auto non_ascii = extract("x = 1 a\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                 "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                 "\xC3\xA9\xC3\xA9\xC3\xA9 $ 2\n");
  REQUIRE(non_ascii.syntax_error);
  CHECK(godwit::test::is_valid_utf8(non_ascii.syntax_error->detail));
}

TEST_CASE("a huge line in a valid migration", "[unit]") {
  const std::string sql(1 << 20, 'x');
  const auto m = extract("from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                         "    operations = [migrations.RunSQL(\"" + sql + "\", migrations.RunSQL.noop)]\n");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 1);
  CHECK(m.operations[0].string_arg(Param::sql)->size() == sql.size());
}

namespace {

// The depth of a value tree, counted without recursion.
size_t value_depth(const godwit::ir::Value& root) {
  size_t deepest = 0;
  std::vector<std::pair<const godwit::ir::Value*, size_t>> stack{{&root, 1}};
  while (!stack.empty()) {
    const auto [value, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    for (const auto& item : value->raw_items()) stack.emplace_back(&item, depth + 1);
  }
  return deepest;
}

// The deepest value and the deepest nesting of operation lists in a migration.
struct Depths {
  size_t value = 0;
  size_t operations = 0;
};

Depths depths(const godwit::ir::Migration& m) {
  Depths d;
  std::vector<std::pair<const godwit::ir::Operation*, size_t>> stack;
  for (const auto& op : m.operations) stack.emplace_back(&op, 1);
  while (!stack.empty()) {
    const auto [op, depth] = stack.back();
    stack.pop_back();
    d.operations = std::max(d.operations, depth);
    d.value = std::max(d.value, value_depth(op->call()));
    for (const auto& nested : op->database_operations()) stack.emplace_back(&nested, depth + 1);
    for (const auto& nested : op->state_operations()) stack.emplace_back(&nested, depth + 1);
  }
  return d;
}

std::string repeat(std::string_view text, size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (size_t i = 0; i < times; ++i) out += text;
  return out;
}

}  // namespace

TEST_CASE("10 000 levels of any construct: what is read stays a few hundred levels deep", "[unit]") {
  // Every stage after extraction walks values and nested operations recursively (copies,
  // destructors, rendering, the state, the rules): the extractor is what bounds their depth, by
  // keeping whatever lies deeper as Opaque text.
  constexpr size_t kDeep = 10'000;
  constexpr size_t kBound = 256;
  const std::string head = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"lists",
       head + "    operations = [migrations.RunSQL(" + repeat("[", kDeep) + "'x'" + repeat("]", kDeep) + ")]\n"},
      {"calls",
       head + "    operations = [migrations.RunSQL(" + repeat("f(", kDeep) + "1" + repeat(")", kDeep) + ")]\n"},
      {"dicts", head + "    operations = [migrations.RunSQL('x', hints=" + repeat("{'k': ", kDeep) + "1" +
                    repeat("}", kDeep) + ")]\n"},
      {"tuples",
       head + "    operations = [migrations.RunSQL(" + repeat("(1, ", kDeep) + "1" + repeat(")", kDeep) + ")]\n"},
      {"parentheses",
       head + "    operations = [migrations.RunSQL(" + repeat("(", kDeep) + "'x'" + repeat(")", kDeep) + ")]\n"},
      {"unary minus", head + "    operations = [migrations.RunSQL('x', hints={'n': " + repeat("-", kDeep) + "1})]\n"},
      {"keyword arguments",
       head + "    operations = [migrations.RunSQL(" + repeat("f(a=", kDeep) + "1" + repeat(")", kDeep) + ")]\n"},
      {"lambdas", head + "    operations = [migrations.RunPython(" + repeat("lambda a, b: ", kDeep) + "None)]\n"},
      {"SeparateDatabaseAndState", head + "    operations = [" +
                                       repeat("migrations.SeparateDatabaseAndState(state_operations=[", kDeep) +
                                       "migrations.DeleteModel('a')" + repeat("])", kDeep) + "]\n"},
      {"RunSQL state_operations", head + "    operations = [" +
                                      repeat("migrations.RunSQL('x', state_operations=[", kDeep) +
                                      "migrations.DeleteModel('a')" + repeat("])", kDeep) + "]\n"},
      {"a chain of constants",
       "from django.db import migrations\n\n" +
           [&] {
             std::string chain;
             for (size_t i = 0; i < kDeep; ++i)
               chain += "A" + std::to_string(i) + " = [A" + std::to_string(i + 1) + "]\n";
             return chain;
           }() +
           "\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL(A0)]\n"},
      {"`+` of nested lists",
       head + "    operations = [migrations.RunSQL(" + repeat("[[1] + ", kDeep) + "[2]" + repeat("]", kDeep) + ")]\n"},
  };
  for (const auto& [name, text] : cases) {
    INFO(name);
    const auto m = extract(text);
    REQUIRE_FALSE(m.syntax_error);
    CHECK(m.has_migration_class);
    const Depths d = depths(m);
    CHECK(d.operations >= 1);
    CHECK(d.value <= kBound);
    CHECK(d.operations <= kBound);
    // Rendering and comparing walk the whole value.
    for (const auto& op : m.operations) {
      CHECK_FALSE(op.call().render().empty());
      CHECK(op.call().same_as(op.call()));
    }
  }
}
