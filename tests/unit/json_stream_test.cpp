// The streaming JSON writer lays documents out exactly as nlohmann::json's dump(2) does, and
// always writes valid JSON, even from bytes that are not UTF-8.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

#include "analyzer/report/json_stream.h"

using godwit::report::JsonStream;

TEST_CASE("JsonStream writes what nlohmann::json dump(2) writes", "[unit]") {
  const std::string tricky = "quote \" backslash \\ tab \t newline \n nul " + std::string(1, '\0') +
                             " \x01 \x1f \x7f caf\xC3\xA9 \xF0\x9F\x90\xA6";
  nlohmann::ordered_json expected = {
      {"empty_object", nlohmann::ordered_json::object()},
      {"empty_array", nlohmann::ordered_json::array()},
      {"text", tricky},
      {"numbers", {0, 1, 18446744073709551615ULL, -5}},
      {"flags", {true, false, nullptr}},
      {"nested", {{"a", {{"b", nlohmann::ordered_json::array({nlohmann::ordered_json::object()})}}}}},
  };
  std::ostringstream out;
  {
    JsonStream j(out);
    j.begin_object();
    j.key("empty_object");
    j.begin_object();
    j.end_object();
    j.key("empty_array");
    j.begin_array();
    j.end_array();
    j.key("text");
    j.string(tricky);
    j.key("numbers");
    j.begin_array();
    j.number(uint64_t{0});
    j.number(uint64_t{1});
    j.number(uint64_t{18446744073709551615ULL});
    j.number(int64_t{-5});
    j.end_array();
    j.key("flags");
    j.begin_array();
    j.boolean(true);
    j.boolean(false);
    j.null();
    j.end_array();
    j.key("nested");
    j.begin_object();
    j.key("a");
    j.begin_object();
    j.key("b");
    j.begin_array();
    j.begin_object();
    j.end_object();
    j.end_array();
    j.end_object();
    j.end_object();
    j.end_object();
    j.finish();
  }
  CHECK(out.str() == expected.dump(2) + "\n");
}

TEST_CASE("JsonStream replaces bytes that are not UTF-8 with U+FFFD", "[unit]") {
  std::string out;
  godwit::report::append_json_escaped(out, "caf\xE9 \xC3\xA9 \xF0\x9F\x90 \xED\xA0\x80 end\xC3");
  CHECK(out == "caf\xEF\xBF\xBD \xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end\xEF\xBF\xBD");
  CHECK_NOTHROW(nlohmann::json::parse("\"" + out + "\""));
}

TEST_CASE("JsonStream escapes a byte wherever it falls in a long run of plain text", "[unit]") {
  // Plain text is copied eight bytes at a time: every ASCII byte, at every offset of a word and
  // next to word boundaries, must still be escaped exactly as nlohmann::json escapes it.
  const std::string plain = "abcdefghijklmnopqrstuvwx ~!#$%&()*+,-./0123456789:;<=>?@[]^_`{|}";
  for (int byte = 0; byte < 0x80; ++byte) {
    for (size_t at = 0; at < 24; ++at) {
      std::string text = plain;
      text[at] = static_cast<char>(byte);
      std::string out;
      godwit::report::append_json_escaped(out, text);
      INFO("byte " << byte << " at " << at);
      CHECK("\"" + out + "\"" == nlohmann::json(text).dump());
    }
  }
  // A well-formed multi-byte character after a plain run is kept; one cut short is U+FFFD.
  std::string out;
  godwit::report::append_json_escaped(out, plain + "\xC3\xA9" + plain + "\xC3");
  CHECK(out == plain + "\xC3\xA9" + plain + "\xEF\xBF\xBD");
}
