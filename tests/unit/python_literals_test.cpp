// Python literal decoding: string escapes and prefixes, integer and float literals.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "analyzer/frontend/python_literals.h"
#include "tests/support/extract.h"

using godwit::frontend::decode_string_body;
using godwit::frontend::parse_float_literal;
using godwit::frontend::parse_int_literal;
using godwit::frontend::parse_string_prefix;
using godwit::frontend::StringPrefix;

namespace {

std::string plain(std::string_view body) { return decode_string_body(body, StringPrefix{}); }
std::string raw(std::string_view body) { return decode_string_body(body, StringPrefix{true, false, false}); }
std::string bytes(std::string_view body) { return decode_string_body(body, StringPrefix{false, true, false}); }
std::string fstring(std::string_view body) { return decode_string_body(body, StringPrefix{false, false, true}); }

}  // namespace

TEST_CASE("string prefixes, in any case and order", "[unit]") {
  const auto rb = parse_string_prefix("rb\"");
  CHECK(rb.raw);
  CHECK(rb.bytes);
  CHECK_FALSE(rb.format);
  const auto br = parse_string_prefix("BR'");
  CHECK(br.raw);
  CHECK(br.bytes);
  const auto rf = parse_string_prefix("Rf\"\"\"");
  CHECK(rf.raw);
  CHECK(rf.format);
  const auto u = parse_string_prefix("u'");
  CHECK_FALSE(u.raw);
  CHECK_FALSE(u.bytes);
  CHECK_FALSE(u.format);
  const auto none = parse_string_prefix("\"");
  CHECK_FALSE(none.raw);
}

TEST_CASE("simple escapes", "[unit]") {
  CHECK(plain(R"(a\nb)") == "a\nb");
  CHECK(plain(R"(\t\r\\\'\")") == "\t\r\\'\"");
  CHECK(plain(R"(\a\b\f\v)") == "\a\b\f\v");
  CHECK(plain("no escapes") == "no escapes");
}

TEST_CASE("hex, octal and unicode escapes", "[unit]") {
  CHECK(plain(R"(\x41\x62)") == "Ab");
  CHECK(plain(R"(\xe9)") == "\xC3\xA9");  // U+00E9 in a str is é, two bytes of UTF-8
  CHECK(plain(R"(\101)") == "A");
  CHECK(plain(R"(\1234)") == "S4");  // at most three octal digits
  CHECK(plain(R"(\0)") == std::string(1, '\0'));
  CHECK(plain(R"(\u00e9)") == "\xC3\xA9");
  CHECK(plain(R"(\u20AC)") == "\xE2\x82\xAC");
  CHECK(plain(R"(\U0001F600)") == "\xF0\x9F\x98\x80");
  // Malformed ones are kept as written.
  CHECK(plain(R"(\x4)") == R"(\x4)");
  CHECK(plain(R"(\xZZ)") == R"(\xZZ)");
  CHECK(plain(R"(\u12)") == R"(\u12)");
  CHECK(plain(R"(\U00110000)") == R"(\U00110000)");
}

TEST_CASE("a surrogate escape decodes to U+FFFD so the result stays valid UTF-8", "[unit]") {
  // Python allows '\ud800' in a str; UTF-8 cannot encode it, and the IR's strings end up in JSON.
  const std::string lone = plain(R"(\ud800)");
  CHECK(lone == "\xEF\xBF\xBD");
  const std::string pair = plain(R"(\ud83d\ude00x)");
  CHECK(pair == "\xEF\xBF\xBD\xEF\xBF\xBDx");
  CHECK(godwit::test::is_valid_utf8(pair));
  CHECK(plain(R"(\U0000DFFF)") == "\xEF\xBF\xBD");
}

TEST_CASE("unknown escapes and \\N{...} are kept as written", "[unit]") {
  CHECK(plain(R"(\d+\.\w)") == R"(\d+\.\w)");
  CHECK(plain(R"(\N{BULLET})") == R"(\N{BULLET})");
  CHECK(plain(R"(\8\9)") == R"(\8\9)");
}

TEST_CASE("line continuations inside strings are removed", "[unit]") {
  CHECK(plain("a\\\nb") == "ab");
  CHECK(plain("a\\\r\nb") == "ab");
  CHECK(plain("a\\\rb") == "ab");
  CHECK(raw("a\\\nb") == "a\\\nb");
}

TEST_CASE("raw strings keep every backslash", "[unit]") {
  CHECK(raw(R"(\n\x41\")") == R"(\n\x41\")");
  CHECK(raw(R"(C:\path\to)") == R"(C:\path\to)");
  CHECK(decode_string_body(R"(\x41)", StringPrefix{true, true, false}) == R"(\x41)");
}

TEST_CASE("bytes: \\x and octal are single bytes, \\u is not an escape", "[unit]") {
  CHECK(bytes(R"(\xff\x00)") == std::string("\xff\x00", 2));
  CHECK(bytes(R"(\377)") == "\xff");
  CHECK(bytes(R"(\u00e9)") == R"(\u00e9)");
  CHECK(bytes(R"(\N{BULLET})") == R"(\N{BULLET})");
}

TEST_CASE("f-strings collapse doubled braces, other strings do not", "[unit]") {
  CHECK(fstring("{{x}}") == "{x}");
  CHECK(fstring("a{{{{b") == "a{{b");
  CHECK(plain("{{x}}") == "{{x}}");
  CHECK(decode_string_body(R"({{\n}})", StringPrefix{true, false, true}) == R"({\n})");
  CHECK(fstring(R"({{\t}})") == "{\t}");
}

TEST_CASE("integer literals", "[unit]") {
  CHECK(parse_int_literal("0") == 0);
  CHECK(parse_int_literal("00") == 0);
  CHECK(parse_int_literal("42") == 42);
  CHECK(parse_int_literal("1_000_000") == 1000000);
  CHECK(parse_int_literal("0x1F") == 31);
  CHECK(parse_int_literal("0X_ff") == 255);
  CHECK(parse_int_literal("0o17") == 15);
  CHECK(parse_int_literal("0O17") == 15);
  CHECK(parse_int_literal("0b101") == 5);
  CHECK(parse_int_literal("0B1_0") == 2);
  CHECK(parse_int_literal("9223372036854775807") == INT64_MAX);
}

TEST_CASE("integer literals that do not fit or are not integers", "[unit]") {
  CHECK_FALSE(parse_int_literal("9223372036854775808"));
  CHECK_FALSE(parse_int_literal("99999999999999999999999"));
  CHECK_FALSE(parse_int_literal("0xFFFFFFFFFFFFFFFF"));
  CHECK_FALSE(parse_int_literal("10j"));
  CHECK_FALSE(parse_int_literal("10J"));
  CHECK_FALSE(parse_int_literal("10L"));
  CHECK_FALSE(parse_int_literal(""));
  CHECK_FALSE(parse_int_literal("_"));
  CHECK_FALSE(parse_int_literal("0b102"));
}

TEST_CASE("float literals", "[unit]") {
  CHECK(parse_float_literal("1.5") == 1.5);
  CHECK(parse_float_literal("1_000.25") == 1000.25);
  CHECK(parse_float_literal("1e3") == 1000.0);
  CHECK(parse_float_literal("1E-2") == 0.01);
  CHECK(parse_float_literal(".5") == 0.5);
  CHECK(parse_float_literal("1.") == 1.0);
  const auto huge = parse_float_literal("1e400");
  REQUIRE(huge);
  CHECK(std::isinf(*huge));
  CHECK_FALSE(parse_float_literal("1.5j"));
  CHECK_FALSE(parse_float_literal("2J"));
  CHECK_FALSE(parse_float_literal(""));
}

TEST_CASE("literals as the extractor reads them", "[unit]") {
  const auto m = godwit::test::extract(R"py(from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL(
            sql="a" 'b' """c""",
            reverse_sql=f"{{x}}",
            hints={"i": -5, "h": 0x10, "f": -1.5, "c": 3j, "big": 99999999999999999999, "b": b"\xff", "r": r"\d",
                   "fs": f"{value}", "u": "\ud800", "neg": -(-2), "plus": +7, "sum": "x" + "y"},
        ),
    ]
)py");
  REQUIRE_FALSE(m.syntax_error);
  REQUIRE(m.operations.size() == 1);
  const auto& op = m.operations[0];
  REQUIRE(op.string_arg(godwit::ir::Param::sql) != nullptr);
  CHECK(*op.string_arg(godwit::ir::Param::sql) == "abc");
  REQUIRE(op.string_arg(godwit::ir::Param::reverse_sql) != nullptr);
  CHECK(*op.string_arg(godwit::ir::Param::reverse_sql) == "{x}");
  const godwit::ir::Value* hints = op.arg(godwit::ir::Param::hints).value;
  REQUIRE(hints != nullptr);
  REQUIRE(hints->is(godwit::ir::Value::Kind::Dict));
  CHECK(hints->dict_get("i")->as_int() == -5);
  CHECK(hints->dict_get("h")->as_int() == 16);
  CHECK(hints->dict_get("f")->as_float() == -1.5);
  CHECK(hints->dict_get("c")->is_opaque());
  CHECK(hints->dict_get("c")->text() == "3j");
  CHECK(hints->dict_get("big")->is_opaque());
  CHECK(hints->dict_get("b")->is(godwit::ir::Value::Kind::Bytes));
  CHECK(hints->dict_get("b")->text() == "\xff");
  CHECK(*hints->dict_get("r")->as_string() == R"(\d)");
  CHECK(hints->dict_get("fs")->is_opaque());
  CHECK(hints->dict_get("fs")->text() == R"(f"{value}")");
  CHECK(*hints->dict_get("u")->as_string() == "\xEF\xBF\xBD");
  CHECK(hints->dict_get("neg")->as_int() == 2);
  CHECK(hints->dict_get("plus")->as_int() == 7);
  CHECK(*hints->dict_get("sum")->as_string() == "xy");
}
