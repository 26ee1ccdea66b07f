// The interning pool and the IR's Text: one copy of each short string, owned copies of long
// literals, and Values that keep their meaning whatever is shared underneath.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "analyzer/ir/interned.h"
#include "analyzer/ir/value.h"

using godwit::ir::intern;
using godwit::ir::interned_count;
using godwit::ir::NameOrigin;
using godwit::ir::Text;
using godwit::ir::Value;

TEST_CASE("interning gives one copy of each string, at a stable address", "[unit]") {
  const std::string a = "django.db.models.deletion.CASCADE";
  const std::string b = "django.db.models.deletion." + std::string("CASCADE");  // another buffer
  const std::string& first = intern(a);
  CHECK(&first == &intern(b));
  CHECK(first == a);
  CHECK(&intern("max_length") != &first);
  CHECK(intern("").empty());
  // Strings that differ only past the part a cache slot keeps, or only in length, stay apart.
  const std::string long_one(40, 'x');
  const std::string long_two = std::string(39, 'x') + "y";
  CHECK(&intern(long_one) != &intern(long_two));
  CHECK(intern(long_two) == long_two);
  CHECK(&intern("abc") != &intern(std::string("abc\0", 4)));
  CHECK(intern(std::string("abc\0", 4)).size() == 4);
  const size_t before = interned_count();
  intern(a);
  CHECK(interned_count() == before);
  intern("a string this test interns for the first time");
  CHECK(interned_count() == before + 1);
}

TEST_CASE("threads interning the same strings get the same copies", "[unit]") {
  std::vector<std::string> words;
  for (int i = 0; i < 5000; ++i) words.push_back("field_" + std::to_string(i));
  std::vector<const std::string*> seen[2];
  std::thread other([&] {
    for (const auto& w : words) seen[1].push_back(&intern(w));
  });
  for (const auto& w : words) seen[0].push_back(&intern(w));
  other.join();
  CHECK(seen[0] == seen[1]);
  for (size_t i = 0; i < words.size(); ++i) CHECK(*seen[0][i] == words[i]);
}

TEST_CASE("Text shares short strings and names, owns long literals", "[unit]") {
  const std::string long_literal(Text::kInternLimit + 1, 'q');
  const Text owned(long_literal, /*vocabulary=*/false);
  const Text shared(long_literal, /*vocabulary=*/true);
  const Text short_literal("name", false);
  CHECK(&short_literal.get() == &intern("name"));
  CHECK(&shared.get() == &intern(long_literal));
  CHECK(&owned.get() != &intern(long_literal));
  CHECK(owned == shared);  // equal text, different storage

  Text copy = owned;  // a deep copy: the two live and die apart
  CHECK(&copy.get() != &owned.get());
  CHECK(copy.get() == long_literal);
  Text moved = std::move(copy);
  CHECK(moved.get() == long_literal);
  CHECK(copy.get().empty());  // NOLINT(bugprone-use-after-move): a moved-from Text is empty
  moved = Text("other", false);
  CHECK(moved.get() == "other");
  CHECK(Text().get().empty());
}

TEST_CASE("calls keep their keyword names and positional count through copies and moves", "[unit]") {
  std::vector<std::pair<std::string, Value>> keywords;
  keywords.emplace_back("max_length", Value::integer(20, {}));
  keywords.emplace_back("null", Value::boolean(true, {}));
  std::vector<Value> positional;
  positional.push_back(Value::string("title", {}));
  const Value call = Value::call("django.db.models.CharField", NameOrigin::Imported, std::move(positional),
                                 std::move(keywords), {});
  const Value copy = call;
  Value moved = Value(copy);
  const Value taken = std::move(moved);
  for (const Value* v : {&call, &copy, &taken}) {
    REQUIRE(v->elements().size() == 1);
    CHECK(*v->elements()[0].as_string() == "title");
    REQUIRE(v->keyword_names().size() == 2);
    CHECK(v->keyword_names()[0] == "max_length");
    CHECK(v->keyword_names()[1] == "null");
    CHECK(v->keyword("max_length")->as_int() == 20);
    CHECK(v->same_as(call));
    CHECK(v->render() == "django.db.models.CharField('title', max_length=20, null=True)");
  }
  // The same keywords in another order are another call.
  std::vector<std::pair<std::string, Value>> swapped;
  swapped.emplace_back("null", Value::boolean(true, {}));
  swapped.emplace_back("max_length", Value::integer(20, {}));
  std::vector<Value> again;
  again.push_back(Value::string("title", {}));
  const Value other =
      Value::call("django.db.models.CharField", NameOrigin::Imported, std::move(again), std::move(swapped), {});
  CHECK_FALSE(other.same_as(call));
  // A call with keywords only, and one with none.
  std::vector<std::pair<std::string, Value>> only;
  only.emplace_back("to", Value::string("shop.Order", {}));
  const Value keywords_only = Value::call("django.db.models.ForeignKey", NameOrigin::Imported, {}, std::move(only), {});
  CHECK(keywords_only.elements().empty());
  CHECK(keywords_only.keyword_values().size() == 1);
  const Value bare = Value::call("django.db.models.AutoField", NameOrigin::Imported, {}, {}, {});
  CHECK(bare.elements().empty());
  CHECK(bare.keyword_names().empty());
  CHECK(bare.render() == "django.db.models.AutoField()");
}
