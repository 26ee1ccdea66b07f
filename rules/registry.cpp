#include "rules/registry.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace godwit::rules {

// Each rule file defines its factory; this is the one list of them.
std::unique_ptr<rule::Rule> make_runpython_without_reverse();
std::unique_ptr<rule::Rule> make_runsql_without_reverse();
std::unique_ptr<rule::Rule> make_runpython_model_import();
std::unique_ptr<rule::Rule> make_runpython_bad_signature();
std::unique_ptr<rule::Rule> make_noop_reverse_of_data_change();

namespace {

struct Registry {
  std::vector<std::unique_ptr<rule::Rule>> owned;
  std::vector<const rule::Rule*> view;

  Registry() {
    owned.push_back(make_runpython_without_reverse());
    owned.push_back(make_runsql_without_reverse());
    owned.push_back(make_runpython_model_import());
    owned.push_back(make_runpython_bad_signature());
    owned.push_back(make_noop_reverse_of_data_change());
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
