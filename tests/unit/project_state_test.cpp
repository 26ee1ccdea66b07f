// The project state's model keys: views that stand for "app.model" without building it, and
// lookups whatever the case of the model's name.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzer/state/project_state.h"

using godwit::state::ModelKeyEqual;
using godwit::state::ModelKeyHash;
using godwit::state::ModelKeyLess;
using godwit::state::ModelKeyView;
using godwit::state::ModelState;
using godwit::state::ProjectState;

namespace {

int sign(int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }

}  // namespace

TEST_CASE("A model key view orders, hashes and compares like the key string it stands for", "[unit]") {
  // Apps and names around the places the comparison changes pieces: the app's end, the dot,
  // letters that lower-case, characters on either side of '.', prefixes and extensions.
  const std::vector<std::string> apps = {"", "a", "ab", "shop", "shop2", "shop_x", "shoq", "sho", "shop.x"};
  const std::vector<std::string> names = {"", "Order", "order", "ORDERS", "Ord", "OrderLine", "Zed", "a-b", "Ä"};
  std::vector<std::string> keys;
  for (const auto& app : apps) {
    for (const auto& name : names) keys.push_back(ProjectState::key(app, name));
  }
  keys.insert(keys.end(), {"", ".", "shop", "shop.", "shop-order", "shop/order", "shop.orderz", "shopa.order"});
  for (const auto& app : apps) {
    for (const auto& name : names) {
      const ModelKeyView view{app, name};
      const std::string full = ProjectState::key(app, name);
      CHECK(ModelKeyHash{}(view) == ModelKeyHash{}(std::string_view(full)));
      for (const auto& key : keys) {
        INFO("key '" << key << "', view '" << app << "' + '" << name << "'");
        CHECK(sign(ModelKeyLess::compare(key, view)) == sign(key.compare(full)));
        CHECK(ModelKeyEqual{}(key, view) == (key == full));
        CHECK(ModelKeyLess{}(key, view) == (key < full));
        CHECK(ModelKeyLess{}(view, key) == (full < key));
      }
    }
  }
}

TEST_CASE("Models are found whatever the case their name is written in", "[unit]") {
  ProjectState state;
  ModelState order;
  order.app = "shop";
  order.name = "Order";
  state.add_model(order);
  CHECK(state.model("shop", "Order") != nullptr);
  CHECK(state.model("shop", "order") != nullptr);
  CHECK(state.model("shop", "ORDER") != nullptr);
  CHECK(state.model("shop", "Orders") == nullptr);
  CHECK(state.model("sho", "pOrder") == nullptr);
  CHECK(state.model("shop.", "Order") == nullptr);
  state.remove_model("shop", "ORDER");
  CHECK(state.model("shop", "Order") == nullptr);
  CHECK(state.model_removed("shop", "order"));
}

TEST_CASE("Model lookups see every add, removal and rename, and never trust a query's address", "[unit]") {
  ProjectState state;
  const auto add = [&](const std::string& app, const std::string& name) {
    ModelState m;
    m.app = app;
    m.name = name;
    state.add_model(m);
  };
  CHECK(state.model("shop", "Order") == nullptr);  // remembered as absent...
  add("shop", "Order");
  CHECK(state.model("shop", "Order") != nullptr);  // ...and forgotten when the model came
  CHECK(state.model("shop", "Order")->name == "Order");
  state.rename_model("shop", "Order", "Purchase");
  CHECK(state.model("shop", "Order") == nullptr);
  CHECK(state.model("shop", "purchase") != nullptr);
  state.remove_model("shop", "Purchase");
  CHECK(state.model("shop", "purchase") == nullptr);

  // The same buffer holding other text, as a reused temporary would: the text decides.
  add("shop", "Alpha");
  std::string query = "alpha";
  CHECK(state.model("shop", query) != nullptr);
  query = "gamma";
  CHECK(state.model("shop", query) == nullptr);
  query = "ALPHA";
  CHECK(state.model("shop", query) != nullptr);

  // More lookups than are remembered, and names too long to remember, still answer right.
  const std::string long_name(100, 'L');
  add("shop", long_name);
  for (int round = 0; round < 3; ++round) {
    for (const std::string name : {"alpha", "b", "c", "d", "e", "f"}) {
      CHECK((state.model("shop", name) != nullptr) == (name == "alpha"));
    }
    CHECK(state.model("shop", long_name) != nullptr);
    CHECK(state.model(std::string(40, 'a'), "alpha") == nullptr);
  }

  // A moved state answers from its new owner; the old one is empty.
  ProjectState moved = std::move(state);
  CHECK(moved.model("shop", "alpha") != nullptr);
  ProjectState assigned;
  CHECK(assigned.model("shop", "alpha") == nullptr);
  assigned = std::move(moved);
  CHECK(assigned.model("shop", "alpha") != nullptr);
  const ProjectState copy = assigned;
  CHECK(copy.model("shop", "alpha") != nullptr);
  CHECK(copy.model("shop", "alpha") != assigned.model("shop", "alpha"));
}
