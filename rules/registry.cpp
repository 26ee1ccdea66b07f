#include "rules/registry.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace godwit::rules {

// Each rule file defines its factory; this is the one list of them, sorted by id.
std::unique_ptr<rule::Rule> make_multiple_leaf_nodes();
std::unique_ptr<rule::Rule> make_missing_dependency();
std::unique_ptr<rule::Rule> make_dependency_cycle();
std::unique_ptr<rule::Rule> make_runpython_without_reverse();

namespace {

struct Registry {
  std::vector<std::unique_ptr<rule::Rule>> owned;
  std::vector<const rule::Rule*> view;

  Registry() {
    owned.push_back(make_multiple_leaf_nodes());
    owned.push_back(make_missing_dependency());
    owned.push_back(make_dependency_cycle());
    owned.push_back(make_runpython_without_reverse());
    std::sort(owned.begin(), owned.end(), [](const auto& a, const auto& b) { return a->meta().code < b->meta().code; });
    for (const auto& r : owned) view.push_back(r.get());
  }
};

}  // namespace

std::span<const rule::Rule* const> all_rules() {
  static const Registry registry;
  return registry.view;
}

}  // namespace godwit::rules
