// What the zero-downtime rules put in their help texts: the index names must be the ones
// Django's schema editor creates (expected values from Django 3.2's
// BaseDatabaseSchemaEditor._create_index_name on the PostgreSQL backend), and the user's code is
// quoted on one line.
#include <catch2/catch.hpp>

#include "rules/zero_downtime/django_names.h"
#include "rules/zero_downtime/schema_change.h"

using godwit::rules::zd::django_index_name;
using godwit::rules::zd::md5_hex;
using godwit::rules::zd::one_line;

TEST_CASE("md5 matches RFC 1321", "[unit]") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5_hex(std::string(200, 'a')) == "887f30b43b2867f4a9accceee7d16e6c");  // several blocks
}

TEST_CASE("index names are Django's", "[unit]") {
  CHECK(django_index_name("orders_order", {"status"}) == "orders_order_status_445594e5");
  CHECK(django_index_name("orders_order", {"status"}, "_like") == "orders_order_status_445594e5_like");
  CHECK(django_index_name("catalog_product", {"category_id", "is_active"}, "_idx") ==
        "catalog_product_category_id_is_active_896bdb89_idx");
  // Longer than PostgreSQL's 63 characters: both parts shortened.
  CHECK(django_index_name("a_very_long_application_label_verylongmodelnamefortesting",
                          {"a_rather_long_column_name", "another_long_column"},
                          "_idx") == "a_very_long_application__a_rather_long_column_nam_4ca9df75_idx");
  // A name that would start with a digit gets a `D`.
  CHECK(django_index_name("1abc", {std::string(70, 'x')}) == "D1abc_xxxxxxxxxxxxxxxxxxxxxxxxxx_eefbe9c");
}

TEST_CASE("quoted code goes on one line without its comments", "[unit]") {
  CHECK(one_line("models.Index(fields=[\"a\"], name=\"x\")") == "models.Index(fields=[\"a\"], name=\"x\")");
  CHECK(one_line("migrations.AlterField(  # why\n    model_name=\"order\",\n    # note\n    name=\"status\",\n)") ==
        "migrations.AlterField(model_name=\"order\", name=\"status\")");
  // A `#` inside a string is not a comment; quotes inside strings do not end them.
  CHECK(one_line("RunSQL('SELECT \\'#1\\'',\n  x)  # done") == "RunSQL('SELECT \\'#1\\'', x)");
  CHECK(one_line("f(\"\"\"a # b\n c\"\"\")") == "f(\"\"\"a # b\n c\"\"\")");
}
