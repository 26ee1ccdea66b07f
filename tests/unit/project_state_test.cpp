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
